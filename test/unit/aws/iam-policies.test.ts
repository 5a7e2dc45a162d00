import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import {
  createPolicyAttacher,
  PolicyNameTakenError,
  type PolicyAttacher,
} from '../../../src/aws/iam-policies';
import { AwsCallError } from '../../../src/errors';
import {
  createAwsStandin,
  seedExampleAccount,
  type AwsStandin,
  type ExampleAccount,
} from '../../../src/sandbox/aws-standin';
import { clientConfig, closeAll, failureOf } from '../sandbox/aws-standin/helpers';

const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const ROLE = 'BucketCreator';
const failure = failureOf<Error>;

/** The least-privilege policy /iam-generate would create for BucketCreator, placeholders filled. */
const LEAST_PRIVILEGE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['s3:CreateBucket', 's3:PutBucketTagging'],
      Resource: 'arn:aws:s3:::data-team-bucket-*',
    },
  ],
});

describe('createPolicyAttacher on the AWS stand-in (real IAMClient)', () => {
  let aws: AwsStandin;
  let iam: IAMClient;
  let example: ExampleAccount;
  let attacher: PolicyAttacher;

  beforeEach(async () => {
    aws = await createAwsStandin({ analysisDelayMs: 0 });
    example = seedExampleAccount(aws);
    iam = new IAMClient(clientConfig(aws, { maxAttempts: 1 }));
    attacher = createPolicyAttacher(iam);
  });

  afterEach(() => closeAll(aws, iam));

  const attachedNow = async (roleName = ROLE): Promise<string[]> =>
    (
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []
    ).map((p) => p.PolicyArn ?? '');

  describe('attachedPolicies', () => {
    it('decodes AdministratorAccess (default version) and the inline policies of BucketCreator', async () => {
      // Prepare: characters URL-encoding must carry through.
      aws.iam.putRolePolicy(ROLE, 'TagBuckets', {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:PutBucketTagging',
            Resource: 'arn:aws:s3:::data-team-*',
            Condition: { StringEquals: { 'aws:RequestTag/team': 'R&D 100% "data" é' } },
          },
        ],
      });

      // Act
      const policies = await attacher.attachedPolicies(ROLE);

      // Assess
      expect(policies).toEqual([
        {
          kind: 'managed',
          name: 'AdministratorAccess',
          arn: ADMIN_ARN,
          versionId: 'v1',
          awsManaged: true,
          document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
        {
          kind: 'inline',
          name: 'TagBuckets',
          document: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:PutBucketTagging',
                Resource: 'arn:aws:s3:::data-team-*',
                Condition: { StringEquals: { 'aws:RequestTag/team': 'R&D 100% "data" é' } },
              },
            ],
          },
        },
      ]);
      expect(aws.callsTo('GetPolicyVersion')[0]?.input).toMatchObject({
        PolicyArn: ADMIN_ARN,
        VersionId: 'v1',
      });
    });

    it('reads every attached policy in order and every page of inline policies', async () => {
      // Prepare: 10 attached (IAM's default quota) and 101 small inline policies (ListRolePolicies pages 100).
      for (let i = 1; i <= 9; i += 1) {
        const p = aws.iam.createPolicy({
          name: `Extra${i}`,
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }],
          },
        });
        aws.iam.attachRolePolicy(ROLE, p.arn);
      }
      const inlineNames = Array.from({ length: 101 }, (_, i) => `Inline${String(i).padStart(3, '0')}`);
      for (const name of inlineNames) {
        aws.iam.putRolePolicy(ROLE, name, {
          Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
        });
      }

      // Act
      const policies = await attacher.attachedPolicies(ROLE);

      // Assess
      expect(policies.filter((p) => p.kind === 'managed').map((p) => p.name)).toEqual([
        'AdministratorAccess',
        ...Array.from({ length: 9 }, (_, i) => `Extra${i + 1}`),
      ]);
      expect(policies.filter((p) => p.kind === 'inline').map((p) => p.name)).toEqual(inlineNames);
      expect(aws.callsTo('ListRolePolicies')).toHaveLength(2);
    });

    it('says IAM does not know the role (NoSuchEntity)', async () => {
      // Act
      const error = (await failure(attacher.attachedPolicies('Ghost'))) as AwsCallError;

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation: 'ListAttachedRolePolicies', awsCode: 'NoSuchEntity' });
      expect(error.userMessage).toContain('IAM does not know `Ghost`');
      expect(error.userMessage).toContain('The role with name Ghost cannot be found.');
    });
  });

  describe('createPolicy', () => {
    it('creates a customer managed policy with its description', async () => {
      // Act
      const created = await attacher.createPolicy(
        'BucketCreator-least-privilege',
        LEAST_PRIVILEGE,
        'From /iam-generate',
      );

      // Assess
      expect(created).toEqual({
        policyArn: 'arn:aws:iam::111122223333:policy/BucketCreator-least-privilege',
        created: true,
      });
      const stored = aws.iam.getPolicy(created.policyArn);
      expect(stored?.description).toBe('From /iam-generate');
      expect(stored?.versions[0]?.document).toBe(LEAST_PRIVILEGE);
    });

    it('returns the existing policy for a retry with the same document (key order and spacing aside)', async () => {
      // Prepare
      const first = await attacher.createPolicy('BucketCreator-least-privilege', LEAST_PRIVILEGE);
      const reordered = JSON.stringify(
        {
          Statement: (JSON.parse(LEAST_PRIVILEGE) as { Statement: unknown }).Statement,
          Version: '2012-10-17',
        },
        null,
        2,
      );

      // Act
      const retried = await attacher.createPolicy('bucketcreator-least-privilege', reordered);

      // Assess
      expect(retried).toEqual({ policyArn: first.policyArn, created: false });
      expect(aws.callsTo('CreatePolicy')).toHaveLength(2);
      expect(aws.iam.listPolicies().filter((p) => p.name.startsWith('BucketCreator'))).toHaveLength(1);
    });

    it('refuses a taken name with another document, and changes nothing', async () => {
      // Prepare
      const first = await attacher.createPolicy('BucketCreator-least-privilege', LEAST_PRIVILEGE);
      const other = LEAST_PRIVILEGE.replace('s3:PutBucketTagging', 's3:DeleteBucket');

      // Act
      const error = await failure(attacher.createPolicy('BucketCreator-least-privilege', other));

      // Assess
      expect(error).toBeInstanceOf(PolicyNameTakenError);
      expect(error).toMatchObject({ code: 'policy_name_taken', existingArn: first.policyArn });
      expect((error as PolicyNameTakenError).userMessage).toContain(
        'with a different document; nothing changed',
      );
      expect(aws.iam.getPolicy(first.policyArn)?.versions[0]?.document).toBe(LEAST_PRIVILEGE);
    });

    it("quotes IAM's MalformedPolicyDocument message", async () => {
      // Prepare
      const noResource = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*' }],
      });

      // Act
      const error = (await failure(attacher.createPolicy('Broken', noResource))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'CreatePolicy', awsCode: 'MalformedPolicyDocument' });
      expect(error.userMessage).toContain('as malformed: "Policy statement must contain resources."');
      expect(error.userMessage).toContain('Nothing changed.');
    });

    it("quotes IAM's LimitExceeded message for a policy over 6,144 characters", async () => {
      // Prepare
      const big = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: Array.from({ length: 600 }, (_, i) => `s3:Action${i}`), Resource: '*' },
        ],
      });

      // Act
      const error = (await failure(attacher.createPolicy('TooBig', big))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'CreatePolicy', awsCode: 'LimitExceeded' });
      expect(error.userMessage).toMatch(/a limit was reached: ".*PolicySize.*6144"/);
    });
  });

  describe('attach and detach', () => {
    it('attaches once: a retry reports it as already attached and calls IAM no more', async () => {
      // Prepare
      const { policyArn } = await attacher.createPolicy('BucketCreator-least-privilege', LEAST_PRIVILEGE);

      // Act
      const first = await attacher.attach(ROLE, policyArn);
      const again = await attacher.attach(ROLE, policyArn);

      // Assess
      expect(first).toEqual({ alreadyAttached: false });
      expect(again).toEqual({ alreadyAttached: true });
      expect(aws.callsTo('AttachRolePolicy')).toHaveLength(1);
      expect(await attachedNow()).toEqual([ADMIN_ARN, policyArn]);
    });

    it('detaches the broad policy: a retry finds it detached (NoSuchEntity) and is fine', async () => {
      // Act
      const first = await attacher.detach(ROLE, ADMIN_ARN);
      const again = await attacher.detach(ROLE, ADMIN_ARN);

      // Assess
      expect(first).toEqual({ detached: true });
      expect(again).toEqual({ detached: false });
      expect(aws.callsTo('DetachRolePolicy')).toHaveLength(2);
      expect(await attachedNow()).toEqual([]);
      expect(example.bucketCreatorRole.attachedPolicyArns).toEqual([]);
    });

    it('does not take a missing role for a detached policy', async () => {
      // Act
      const error = (await failure(attacher.detach('Ghost', ADMIN_ARN))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'DetachRolePolicy', awsCode: 'NoSuchEntity' });
      expect(error.userMessage).toContain(`IAM does not know \`Ghost\` and policy \`${ADMIN_ARN}\``);
    });

    it('says the policy does not exist when attaching an unknown ARN', async () => {
      // Prepare
      const ghost = 'arn:aws:iam::111122223333:policy/Ghost';

      // Act
      const error = (await failure(attacher.attach(ROLE, ghost))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'AttachRolePolicy', awsCode: 'NoSuchEntity' });
      expect(error.userMessage).toContain(`Policy ${ghost} does not exist or is not attachable.`);
      expect(await attachedNow()).toEqual([ADMIN_ARN]);
    });

    it('explains the attached-policies quota (LimitExceeded) and changes nothing', async () => {
      // Prepare: 10 attached already.
      for (let i = 1; i <= 9; i += 1) {
        const p = aws.iam.createPolicy({
          name: `Extra${i}`,
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:List*', Resource: '*' }],
          },
        });
        aws.iam.attachRolePolicy(ROLE, p.arn);
      }
      const { policyArn } = await attacher.createPolicy('BucketCreator-least-privilege', LEAST_PRIVILEGE);

      // Act
      const error = (await failure(attacher.attach(ROLE, policyArn))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'AttachRolePolicy', awsCode: 'LimitExceeded' });
      expect(error.userMessage).toContain('already has as many managed policies attached as IAM allows');
      expect(error.userMessage).toContain('"Cannot exceed quota for PoliciesPerRole: 10"');
      expect(await attachedNow()).not.toContain(policyArn);
    });

    it.each(['AttachRolePolicy', 'DetachRolePolicy'] as const)(
      'names iam:%s when IAM answers AccessDenied',
      async (operation) => {
        // Prepare
        aws.failNext(operation, { name: 'AccessDenied', status: 403, message: 'not authorized' });
        const { policyArn } = await attacher.createPolicy('BucketCreator-least-privilege', LEAST_PRIVILEGE);

        // Act
        const error = (await failure(
          operation === 'AttachRolePolicy'
            ? attacher.attach(ROLE, policyArn)
            : attacher.detach(ROLE, ADMIN_ARN),
        )) as AwsCallError;

        // Assess
        expect(error).toMatchObject({ operation, awsCode: 'AccessDenied' });
        expect(error.userMessage).toContain(`grant iam:${operation}`);
        expect(await attachedNow()).toEqual([ADMIN_ARN]);
      },
    );
  });
});
