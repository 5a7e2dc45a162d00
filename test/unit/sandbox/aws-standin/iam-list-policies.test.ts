import {
  IAMClient,
  IAMServiceException,
  ListPoliciesCommand,
  paginateListPolicies,
  type Policy,
} from '@aws-sdk/client-iam';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const failure = failureOf<IAMServiceException>;

const ALLOW_LIST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:List*', Resource: '*' }],
};

describe('AWS stand-in: IAM ListPolicies over the real SDK', () => {
  let aws: AwsStandin;
  let iam: IAMClient;

  beforeEach(async () => {
    [aws, iam] = await standinWithClient(IAMClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
    aws.iam.createRole({
      name: 'BucketCreator',
      trustPolicy: {
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
    });
    const admin = aws.iam.createPolicy({
      name: 'AdministratorAccess',
      awsManaged: true,
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    });
    aws.iam.attachRolePolicy('BucketCreator', admin.arn);
    aws.iam.createPolicy({ name: 'ReadBuckets', document: ALLOW_LIST, description: 'not listed' });
    aws.iam.createPolicy({ name: 'Archive', path: '/archive/', document: ALLOW_LIST, tags: { team: 'x' } });
  });

  afterEach(() => closeAll(aws, iam));

  const names = (policies: Policy[] | undefined): string[] => (policies ?? []).map((p) => p.PolicyName ?? '');

  it('lists every managed policy by default, sorted by name, without Description or Tags', async () => {
    // Act
    const out = await iam.send(new ListPoliciesCommand({}));

    // Assess
    expect(names(out.Policies)).toEqual(['AdministratorAccess', 'Archive', 'ReadBuckets']);
    expect(out.IsTruncated).toBe(false);
    const read = out.Policies?.find((p) => p.PolicyName === 'ReadBuckets');
    expect(read).toMatchObject({
      Arn: 'arn:aws:iam::111122223333:policy/ReadBuckets',
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      IsAttachable: true,
    });
    expect(read?.Description).toBeUndefined();
    expect(out.Policies?.find((p) => p.PolicyName === 'Archive')?.Tags).toBeUndefined();
  });

  it.each([
    [{ Scope: 'Local' as const }, ['Archive', 'ReadBuckets']],
    [{ Scope: 'AWS' as const }, ['AdministratorAccess']],
    [{ OnlyAttached: true }, ['AdministratorAccess']],
    [{ Scope: 'Local' as const, PathPrefix: '/archive/' }, ['Archive']],
    [{ PolicyUsageFilter: 'PermissionsBoundary' as const }, []],
    [
      { PolicyUsageFilter: 'PermissionsPolicy' as const, Scope: 'Local' as const },
      ['Archive', 'ReadBuckets'],
    ],
  ])('filters with %j', async (filter, expected) => {
    // Act
    const out = await iam.send(new ListPoliciesCommand(filter));

    // Assess
    expect(names(out.Policies)).toEqual(expected);
  });

  it('pages with Marker and MaxItems, and the SDK paginator walks all pages', async () => {
    // Prepare
    const seen: string[] = [];

    // Act
    const first = await iam.send(new ListPoliciesCommand({ MaxItems: 2 }));
    for await (const page of paginateListPolicies({ client: iam, pageSize: 1 }, {})) {
      seen.push(...names(page.Policies));
    }

    // Assess
    expect(names(first.Policies)).toEqual(['AdministratorAccess', 'Archive']);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toEqual(expect.any(String));
    expect(seen).toEqual(['AdministratorAccess', 'Archive', 'ReadBuckets']);
  });

  it('refuses an unknown Scope with ValidationError', async () => {
    // Act
    const error = await failure(iam.send(new ListPoliciesCommand({ Scope: 'Mine' as 'Local' })));

    // Assess
    expect(error.name).toBe('ValidationError');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain('Member must satisfy enum value set: [All, AWS, Local]');
  });
});
