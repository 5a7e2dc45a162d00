import {
  AccessAnalyzerClient,
  GetGeneratedPolicyCommand,
  ListFindingsV2Command,
  StartPolicyGenerationCommand,
} from '@aws-sdk/client-accessanalyzer';
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import {
  createAwsStandin,
  seedExampleAccount,
  type AccessAnalyzerEvent,
  type AwsStandin,
} from '../../../../src/sandbox/aws-standin';
import { credentials } from './helpers';

describe('AWS stand-in: the example account', () => {
  let aws: AwsStandin;
  let now: Date;

  beforeEach(async () => {
    now = new Date('2024-05-01T10:00:00.000Z');
    aws = await createAwsStandin({ now: () => now, analysisDelayMs: 60_000, policyGenerationMs: 0 });
  });

  afterEach(async () => {
    await aws.close();
  });

  it('yields the documented external-access findings after analyze(), announced as EventBridge events', async () => {
    // Prepare
    const example = seedExampleAccount(aws);
    const events: AccessAnalyzerEvent[] = [];
    aws.onFindingEvent((event) => events.push(event));
    const aa = new AccessAnalyzerClient({ endpoint: aws.url, region: 'us-west-2', credentials });

    // Act
    const report = await aws.analyze();
    const listed = await aa.send(new ListFindingsV2Command({ analyzerArn: example.analyzerArn }));
    aa.destroy();

    // Assess
    expect(example.analyzerArn).toBe('arn:aws:access-analyzer:us-west-2:111122223333:analyzer/MyAnalyzer');
    expect(report.created).toHaveLength(4);
    const findings = aws.accessAnalyzer.listFindings().filter((f) => f.analyzerArn === example.analyzerArn);
    expect(findings.map((f) => [f.resource, f.principal, f.action, f.isPublic])).toEqual([
      [example.auditRole.arn, { AWS: 'arn:aws:iam::999988887777:user/Alice' }, ['sts:AssumeRole'], false],
      ['arn:aws:s3:::amzn-s3-demo-public-bucket', { AWS: '*' }, ['s3:GetObject'], true],
      [example.sharedKey.arn, { AWS: '444455556666' }, ['kms:Decrypt', 'kms:DescribeKey'], false],
      [example.sharedSecret.arn, { AWS: '444455556666' }, ['secretsmanager:GetSecretValue'], false],
    ]);
    expect(listed.findings?.map((f) => f.id).sort()).toEqual(findings.map((f) => f.id).sort());
    expect(events.map((e) => e.detail.id)).toEqual(findings.map((f) => f.id));
    expect(events[0]).toMatchObject({
      'detail-type': 'Access Analyzer Finding',
      account: '111122223333',
      region: 'us-west-2',
      resources: [example.analyzerArn],
      detail: { status: 'ACTIVE', resourceType: 'AWS::IAM::Role', isPublic: false, condition: {} },
    });
  });

  it('has an unused-access finding and an admin role whose activity generates a narrow policy', async () => {
    // Prepare
    const example = seedExampleAccount(aws);
    const aa = new AccessAnalyzerClient({ endpoint: aws.url, region: 'us-west-2', credentials });
    const iam = new IAMClient({ endpoint: aws.url, region: 'us-west-2', credentials });

    // Act
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'BucketCreator' }));
    const role = await iam.send(new GetRoleCommand({ RoleName: 'Audit_CrossAccountRole' }));
    const { jobId } = await aa.send(
      new StartPolicyGenerationCommand({
        policyGenerationDetails: { principalArn: example.bucketCreatorRole.arn },
        cloudTrailDetails: {
          trails: [{ cloudTrailArn: example.trailArn, allRegions: true }],
          accessRole: example.accessRoleArn,
          startTime: new Date('2024-04-01T00:00:00Z'),
        },
      }),
    );
    const generated = await aa.send(
      new GetGeneratedPolicyCommand({ jobId, includeResourcePlaceholders: true }),
    );
    aa.destroy();
    iam.destroy();

    // Assess
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['AdministratorAccess']);
    expect(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '')).toContain(
      '999988887777:user/Alice',
    );
    const unused = aws.accessAnalyzer
      .listFindings()
      .filter((f) => f.analyzerArn === example.unusedAnalyzerArn);
    expect(unused.map((f) => [f.findingType, f.resource])).toEqual([
      ['UnusedPermission', example.bucketCreatorRole.arn],
    ]);
    const policy = JSON.parse(generated.generatedPolicyResult?.generatedPolicies?.[0]?.policy ?? '{}');
    expect(policy.Statement.flatMap((s: { Action: string[] }) => s.Action).sort()).toEqual([
      's3:CreateBucket',
      's3:ListAllMyBuckets',
      's3:PutBucketTagging',
    ]);
  });

  it('reuses an analyzer named MyAnalyzer that already exists (as the local stack creates it)', () => {
    // Prepare
    const existing = aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' });

    // Act
    const example = seedExampleAccount(aws);

    // Assess
    expect(example.analyzerArn).toBe(existing.arn);
    expect(aws.accessAnalyzer.listAnalyzers().map((a) => a.name)).toEqual([
      'MyAnalyzer',
      'MyUnusedAccessAnalyzer',
    ]);
  });
});
