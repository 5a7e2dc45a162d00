import {
  AccessAnalyzerClient,
  GetAnalyzerCommand,
  GetFindingCommand,
  GetFindingV2Command,
  ListAnalyzersCommand,
  ListFindingsCommand,
  ListFindingsV2Command,
  paginateListFindingsV2,
  type FindingSummaryV2,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, standinWithClient } from './helpers';

describe('AWS stand-in: Access Analyzer findings over the real SDK', () => {
  let standin: AwsStandin;
  let client: AccessAnalyzerClient;
  let now: Date;
  let analyzerArn: string;

  beforeEach(async () => {
    now = new Date('2024-05-01T10:00:00.000Z');
    [standin, client] = await standinWithClient(AccessAnalyzerClient, { now: () => now });
    analyzerArn = standin.accessAnalyzer.addAnalyzer({ name: 'account-analyzer' }).arn;
  });

  afterEach(() => closeAll(standin, client));

  it('walks every page of ListFindingsV2 with the SDK paginator, each finding exactly once', async () => {
    // Prepare
    const added = Array.from({ length: 7 }, () => standin.accessAnalyzer.addFinding({ analyzerArn }).id);

    // Act
    const pages: FindingSummaryV2[][] = [];
    for await (const page of paginateListFindingsV2({ client, pageSize: 3 }, { analyzerArn })) {
      pages.push(page.findings ?? []);
    }

    // Assess
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((f) => f.id)).toEqual(added);
    expect(standin.callsTo('ListFindingsV2')).toHaveLength(3);
  });

  it('neither skips nor repeats findings when a finding is archived between pages of an ACTIVE filter', async () => {
    // Prepare
    const ids = Array.from({ length: 5 }, () => standin.accessAnalyzer.addFinding({ analyzerArn }).id);
    const filter = { status: { eq: ['ACTIVE'] } };
    const first = await client.send(new ListFindingsV2Command({ analyzerArn, filter, maxResults: 2 }));

    // Act
    standin.accessAnalyzer.setStatus(ids[0] as string, 'ARCHIVED');
    const second = await client.send(
      new ListFindingsV2Command({ analyzerArn, filter, maxResults: 10, nextToken: first.nextToken }),
    );

    // Assess
    expect(first.findings?.map((f) => f.id)).toEqual(ids.slice(0, 2));
    expect(second.findings?.map((f) => f.id)).toEqual(ids.slice(2));
    expect(second.nextToken).toBeUndefined();
  });

  it('applies eq, neq, contains and exists filters, with isPublic and principal.AWS as strings', async () => {
    // Prepare
    const aa = standin.accessAnalyzer;
    const publicBucket = aa.addFinding({
      analyzerArn,
      principal: { AWS: '*' },
      resource: 'arn:aws:s3:::open',
    });
    const crossAccountRole = aa.addFinding({
      analyzerArn,
      resourceType: 'AWS::IAM::Role',
      resource: 'arn:aws:iam::111122223333:role/deploy',
      principal: { AWS: '444455556666' },
    });
    const errored = aa.addFinding({ analyzerArn, error: 'ACCESS_DENIED' });
    const archived = aa.addFinding({ analyzerArn, status: 'ARCHIVED' });
    const list = async (filter: Record<string, object>): Promise<string[]> => {
      const out = await client.send(new ListFindingsV2Command({ analyzerArn, filter }));
      return (out.findings ?? []).map((f) => f.id as string).sort();
    };

    // Act
    const results = {
      isPublic: await list({ isPublic: { eq: ['true'] } }),
      notPublic: await list({ isPublic: { eq: ['false'] } }),
      principal: await list({ 'principal.AWS': { eq: ['444455556666'] } }),
      notS3: await list({ resourceType: { neq: ['AWS::S3::Bucket'] } }),
      contains: await list({ resource: { contains: [':role/'] } }),
      errors: await list({ error: { exists: true } }),
      activeOwned: await list({ status: { eq: ['ACTIVE'] }, resourceOwnerAccount: { eq: ['111122223333'] } }),
      external: await list({ findingType: { eq: ['ExternalAccess'] }, status: { neq: ['ACTIVE'] } }),
    };

    // Assess
    expect(results.isPublic).toEqual([publicBucket.id]);
    expect(results.notPublic).toEqual([crossAccountRole.id, archived.id].sort());
    expect(results.principal).toEqual([crossAccountRole.id]);
    expect(results.notS3).toEqual([crossAccountRole.id]);
    expect(results.contains).toEqual([crossAccountRole.id]);
    expect(results.errors).toEqual([errored.id]);
    expect(results.activeOwned).toEqual([publicBucket.id, crossAccountRole.id, errored.id].sort());
    expect(results.external).toEqual([archived.id]);
  });

  it('sorts by a named attribute and keeps that order across pages', async () => {
    // Prepare
    const types = ['AWS::SQS::Queue', 'AWS::IAM::Role', 'AWS::S3::Bucket', 'AWS::KMS::Key'];
    for (const resourceType of types) standin.accessAnalyzer.addFinding({ analyzerArn, resourceType });
    const sort = { attributeName: 'resourceType', orderBy: 'DESC' as const };

    // Act
    const first = await client.send(new ListFindingsV2Command({ analyzerArn, sort, maxResults: 3 }));
    const rest = await client.send(
      new ListFindingsV2Command({ analyzerArn, sort, nextToken: first.nextToken }),
    );

    // Assess
    const order = [...(first.findings ?? []), ...(rest.findings ?? [])].map((f) => f.resourceType);
    expect(order).toEqual([...types].sort().reverse());
  });

  it('returns the summary fields with timestamps parsed back into Dates', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({ analyzerArn, resource: 'arn:aws:s3:::bucket-a' });

    // Act
    const out = await client.send(new ListFindingsV2Command({ analyzerArn }));

    // Assess
    expect(out.findings).toEqual([
      {
        id: finding.id,
        status: 'ACTIVE',
        findingType: 'ExternalAccess',
        resource: 'arn:aws:s3:::bucket-a',
        resourceType: 'AWS::S3::Bucket',
        resourceOwnerAccount: '111122223333',
        createdAt: now,
        analyzedAt: now,
        updatedAt: now,
      },
    ]);
  });

  it('gives GetFindingV2 externalAccessDetails for an external finding', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({
      analyzerArn,
      principal: { AWS: '999988887777' },
      action: ['s3:GetObject', 's3:ListBucket'],
      condition: { 'aws:SourceVpc': 'vpc-1234' },
      sources: [{ type: 'POLICY' }],
    });

    // Act
    const out = await client.send(new GetFindingV2Command({ analyzerArn, id: finding.id }));

    // Assess
    expect(out.findingType).toBe('ExternalAccess');
    expect(out.findingDetails).toEqual([
      {
        externalAccessDetails: {
          principal: { AWS: '999988887777' },
          action: ['s3:GetObject', 's3:ListBucket'],
          condition: { 'aws:SourceVpc': 'vpc-1234' },
          isPublic: false,
          sources: [{ type: 'POLICY' }],
        },
      },
    ]);
  });

  it('gives GetFindingV2 the unused-access detail member matching the finding type', async () => {
    // Prepare
    const unusedArn = standin.accessAnalyzer.addAnalyzer({
      name: 'unused',
      type: 'ACCOUNT_UNUSED_ACCESS',
    }).arn;
    const lastAccessed = new Date('2024-01-02T03:04:05.000Z');
    const permission = standin.accessAnalyzer.addFinding({
      analyzerArn: unusedArn,
      findingType: 'UnusedPermission',
      unusedDetails: {
        unusedPermissionDetails: {
          serviceNamespace: 'iam',
          actions: [{ action: 'iam:PassRole', lastAccessed }],
        },
      },
    });
    const key = standin.accessAnalyzer.addFinding({
      analyzerArn: unusedArn,
      findingType: 'UnusedIAMUserAccessKey',
      unusedDetails: { unusedIamUserAccessKeyDetails: { accessKeyId: 'AKIAEXAMPLE' } },
    });

    // Act
    const permissionOut = await client.send(
      new GetFindingV2Command({ analyzerArn: unusedArn, id: permission.id }),
    );
    const keyOut = await client.send(new GetFindingV2Command({ analyzerArn: unusedArn, id: key.id }));

    // Assess
    expect(permissionOut.findingType).toBe('UnusedPermission');
    expect(permissionOut.resourceType).toBe('AWS::IAM::Role');
    expect(permissionOut.findingDetails).toEqual([
      {
        unusedPermissionDetails: {
          serviceNamespace: 'iam',
          actions: [{ action: 'iam:PassRole', lastAccessed }],
        },
      },
    ]);
    expect(keyOut.resourceType).toBe('AWS::IAM::User');
    expect(keyOut.findingDetails).toEqual([
      { unusedIamUserAccessKeyDetails: { accessKeyId: 'AKIAEXAMPLE' } },
    ]);
  });

  it('serves GetFinding and ListFindings (v1) with principal, action and condition', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({ analyzerArn, principal: { AWS: '*' } });

    // Act
    const got = await client.send(new GetFindingCommand({ analyzerArn, id: finding.id }));
    const listed = await client.send(new ListFindingsCommand({ analyzerArn }));

    // Assess
    expect(got.finding).toMatchObject({
      id: finding.id,
      principal: { AWS: '*' },
      isPublic: true,
      condition: {},
    });
    expect(got.finding?.action).toEqual(['s3:GetObject']);
    expect(listed.findings?.map((f) => f.id)).toEqual([finding.id]);
  });

  it('lists analyzers by type and gets one by name', async () => {
    // Prepare
    standin.accessAnalyzer.addAnalyzer({ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' });

    // Act
    const all = await client.send(new ListAnalyzersCommand({}));
    const unused = await client.send(new ListAnalyzersCommand({ type: 'ACCOUNT_UNUSED_ACCESS' }));
    const one = await client.send(new GetAnalyzerCommand({ analyzerName: 'account-analyzer' }));

    // Assess
    expect(all.analyzers?.map((a) => a.name)).toEqual(['account-analyzer', 'unused']);
    expect(unused.analyzers?.map((a) => a.arn)).toEqual([
      'arn:aws:access-analyzer:us-west-2:111122223333:analyzer/unused',
    ]);
    expect(one.analyzer).toMatchObject({
      arn: analyzerArn,
      type: 'ACCOUNT',
      status: 'ACTIVE',
      createdAt: now,
    });
  });
});
