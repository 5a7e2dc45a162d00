import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const failure = failureOf<IAMServiceException>;

describe('AWS stand-in: IAM managed and inline policies over the real SDK', () => {
  let aws: AwsStandin;
  let iam: IAMClient;

  beforeEach(async () => {
    [aws, iam] = await standinWithClient(IAMClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
    aws.iam.createRole({
      name: 'Audit_CrossAccountRole',
      trustPolicy: {
        Statement: [{ Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: 'sts:AssumeRole' }],
      },
    });
  });

  afterEach(() => closeAll(aws, iam));

  it('creates a managed policy, serves it URL-encoded and refuses a duplicate name', async () => {
    // Prepare
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
    });

    // Act
    const created = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'ListBuckets', PolicyDocument: document }),
    );
    const arn = created.Policy?.Arn ?? '';
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    const duplicate = await failure(
      iam.send(new CreatePolicyCommand({ PolicyName: 'listbuckets', PolicyDocument: document })),
    );

    // Assess
    expect(arn).toBe('arn:aws:iam::111122223333:policy/ListBuckets');
    expect(got.Policy?.DefaultVersionId).toBe('v1');
    expect(got.Policy?.AttachmentCount).toBe(0);
    expect(version.PolicyVersion?.Document).toContain('%22Resource%22%3A%22%2A%22');
    expect(decodeURIComponent(version.PolicyVersion?.Document ?? '')).toBe(document);
    expect(version.PolicyVersion?.IsDefaultVersion).toBe(true);
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual(['v1']);
    expect(duplicate).toBeInstanceOf(EntityAlreadyExistsException);
    expect(duplicate.$metadata.httpStatusCode).toBe(409);
  });

  it('limits managed policies to 6,144 characters and rejects a Principal in them', async () => {
    // Prepare
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: Array.from({ length: 600 }, (_, i) => `s3:Action${i}`), Resource: '*' },
      ],
    });
    const withPrincipal = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
    });

    // Act
    const tooBig = await failure(
      iam.send(new CreatePolicyCommand({ PolicyName: 'Big', PolicyDocument: big })),
    );
    const principal = await failure(
      iam.send(new CreatePolicyCommand({ PolicyName: 'P', PolicyDocument: withPrincipal })),
    );

    // Assess
    expect(big.length).toBeGreaterThan(6144);
    expect(tooBig).toBeInstanceOf(LimitExceededException);
    expect(tooBig.message).toBe('Cannot exceed quota for PolicySize: 6144');
    expect(principal).toBeInstanceOf(MalformedPolicyDocumentException);
  });

  it('attaches, lists and detaches managed policies, then reports the detached one as missing', async () => {
    // Prepare
    const admin = aws.iam.createPolicy({
      name: 'AdministratorAccess',
      awsManaged: true,
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    });
    const RoleName = 'Audit_CrossAccountRole';

    // Act
    await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: admin.arn }));
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
    const counted = await iam.send(new GetPolicyCommand({ PolicyArn: admin.arn }));
    await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: admin.arn }));
    const after = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
    const again = await failure(iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: admin.arn })));
    const unknown = await failure(
      iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: 'arn:aws:iam::aws:policy/Nope' })),
    );

    // Assess
    expect(attached.AttachedPolicies).toEqual([
      { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ]);
    expect(counted.Policy?.AttachmentCount).toBe(1);
    expect(after.AttachedPolicies).toEqual([]);
    expect(again).toBeInstanceOf(NoSuchEntityException);
    expect(unknown).toBeInstanceOf(NoSuchEntityException);
  });

  it('refuses an 11th managed policy on a role (PoliciesPerRole: 10)', async () => {
    // Prepare
    const arns = Array.from(
      { length: 11 },
      (_, i) =>
        aws.iam.createPolicy({
          name: `P${i}`,
          document: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
        }).arn,
    );
    for (const arn of arns.slice(0, 10)) aws.iam.attachRolePolicy('Audit_CrossAccountRole', arn);

    // Act
    const error = await failure(
      iam.send(new AttachRolePolicyCommand({ RoleName: 'Audit_CrossAccountRole', PolicyArn: arns[10] })),
    );

    // Assess
    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error.message).toBe('Cannot exceed quota for PoliciesPerRole: 10');
  });

  it('lists and reads inline role policies, URL-encoded', async () => {
    // Prepare
    const document = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] });
    aws.iam.putRolePolicy('Audit_CrossAccountRole', 'Queues', document);

    // Act
    const names = await iam.send(new ListRolePoliciesCommand({ RoleName: 'Audit_CrossAccountRole' }));
    const got = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'Audit_CrossAccountRole', PolicyName: 'Queues' }),
    );
    const missing = await failure(
      iam.send(new GetRolePolicyCommand({ RoleName: 'Audit_CrossAccountRole', PolicyName: 'Other' })),
    );

    // Assess
    expect(names.PolicyNames).toEqual(['Queues']);
    expect(got.PolicyDocument).toContain('sqs%3A%2A');
    expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(document);
    expect(missing).toBeInstanceOf(NoSuchEntityException);
  });
});
