import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  LimitExceededException,
  ListKeysCommand,
  MalformedPolicyDocumentException,
  NotFoundException,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import {
  DeleteResourcePolicyCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  MalformedPolicyDocumentException as SecretsMalformedPolicyDocumentException,
  PublicPolicyException,
  PutResourcePolicyCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { type AwsStandin, type KmsKey } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const ROOT = 'arn:aws:iam::111122223333:root';

const failure = failureOf<Error & { $metadata: { httpStatusCode?: number } }>;

const statement = (Effect: string, AWS: string, Action: string | string[], extra = {}): object => ({
  Effect,
  Principal: { AWS },
  Action,
  Resource: '*',
  ...extra,
});
const keyPolicy = (...statements: object[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('AWS stand-in: KMS key policies over the real SDK (JSON 1.1)', () => {
  let aws: AwsStandin;
  let kms: KMSClient;
  let key: KmsKey;

  beforeEach(async () => {
    [aws, kms] = await standinWithClient(KMSClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
    key = aws.kms.createKey({ alias: 'alias/shared', description: 'exports' });
  });

  afterEach(() => closeAll(aws, kms));

  it('serves the default key policy, DescribeKey by alias and ListKeys', async () => {
    // Act
    const got = await kms.send(new GetKeyPolicyCommand({ KeyId: key.keyId }));
    const described = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/shared' }));
    const listed = await kms.send(new ListKeysCommand({}));

    // Assess
    expect(JSON.parse(got.Policy ?? '{}').Statement[0]).toMatchObject({
      Principal: { AWS: ROOT },
      Action: 'kms:*',
    });
    expect(got.PolicyName).toBe('default');
    expect(described.KeyMetadata?.Arn).toBe(`arn:aws:kms:us-west-2:111122223333:key/${key.keyId}`);
    expect(described.KeyMetadata?.CreationDate).toBeInstanceOf(Date);
    expect(described.KeyMetadata?.KeyState).toBe('Enabled');
    expect(listed.Keys).toEqual([{ KeyId: key.keyId, KeyArn: key.arn }]);
    expect(aws.callsTo('DescribeKey')[0]?.service).toBe('KMS');
  });

  it('stores a policy that keeps the root able to manage the key, even with a Deny for a partner', async () => {
    // Prepare
    const next = keyPolicy(
      statement('Allow', ROOT, 'kms:*'),
      statement('Deny', 'arn:aws:iam::444455556666:root', 'kms:*'),
    );

    // Act
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.arn, Policy: next }));

    // Assess
    expect(aws.kms.getKey(key.keyId)?.policy).toBe(next);
  });

  it.each([
    ['no statement for the root', keyPolicy(statement('Allow', 'arn:aws:iam::444455556666:root', 'kms:*'))],
    [
      'root allowed only kms:Decrypt',
      keyPolicy(statement('Allow', ROOT, ['kms:Decrypt', 'kms:DescribeKey'])),
    ],
    [
      'root allowed only under a condition',
      keyPolicy(
        statement('Allow', ROOT, 'kms:*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
      ),
    ],
    [
      'a Deny of kms:Put* for everyone',
      keyPolicy(statement('Allow', ROOT, 'kms:*'), {
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:Put*',
        Resource: '*',
      }),
    ],
  ])(
    'refuses a policy that would lock the account out (%s) unless the check is bypassed',
    async (_name, policy) => {
      // Act
      const error = await failure(kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, Policy: policy })));
      await kms.send(
        new PutKeyPolicyCommand({ KeyId: key.keyId, Policy: policy, BypassPolicyLockoutSafetyCheck: true }),
      );

      // Assess
      expect(error).toBeInstanceOf(MalformedPolicyDocumentException);
      expect(error.message).toBe(
        'The new key policy will not allow you to update the key policy in the future.',
      );
      expect(aws.kms.getKey(key.keyId)?.policy).toBe(policy);
    },
  );

  it('accepts the root through Principal "*" and kms:Put* (the rule is about coverage, not spelling)', async () => {
    // Prepare
    const policy = keyPolicy({
      Effect: 'Allow',
      Principal: '*',
      Action: ['kms:Put*', 'kms:Get*'],
      Resource: '*',
    });

    // Act
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, Policy: policy }));

    // Assess
    expect(aws.kms.getKey(key.keyId)?.policy).toBe(policy);
  });

  it('limits key policies to 32 KB (LimitExceededException) and reports unknown keys as NotFoundException', async () => {
    // Prepare
    const big = keyPolicy(statement('Allow', ROOT, 'kms:*', { Sid: 'x'.repeat(33 * 1024) }));

    // Act
    const tooBig = await failure(kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, Policy: big })));
    const unknown = await failure(
      kms.send(new GetKeyPolicyCommand({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })),
    );
    const invalid = await failure(kms.send(new PutKeyPolicyCommand({ KeyId: key.keyId, Policy: '{' })));

    // Assess
    expect(tooBig).toBeInstanceOf(LimitExceededException);
    expect(unknown).toBeInstanceOf(NotFoundException);
    expect(invalid).toBeInstanceOf(MalformedPolicyDocumentException);
  });
});

describe('AWS stand-in: Secrets Manager resource policies over the real SDK (JSON 1.1)', () => {
  let aws: AwsStandin;
  let secrets: SecretsManagerClient;
  let SecretId: string;
  const shared = keyPolicy(
    statement('Allow', 'arn:aws:iam::444455556666:root', 'secretsmanager:GetSecretValue'),
  );
  const open = keyPolicy({
    Effect: 'Allow',
    Principal: '*',
    Action: 'secretsmanager:GetSecretValue',
    Resource: '*',
  });

  beforeEach(async () => {
    [aws, secrets] = await standinWithClient(
      SecretsManagerClient,
      { analysisDelayMs: 0 },
      { maxAttempts: 1 },
    );
    SecretId = aws.secretsManager.createSecret({ name: 'prod/db', description: 'database' }).arn;
  });

  afterEach(() => closeAll(aws, secrets));

  it('puts, reads and deletes a resource policy, addressing the secret by name or ARN', async () => {
    // Act
    const before = await secrets.send(new GetResourcePolicyCommand({ SecretId: 'prod/db' }));
    const put = await secrets.send(new PutResourcePolicyCommand({ SecretId, ResourcePolicy: shared }));
    const after = await secrets.send(new GetResourcePolicyCommand({ SecretId }));
    await secrets.send(new DeleteResourcePolicyCommand({ SecretId: 'prod/db' }));
    const deleted = await secrets.send(new GetResourcePolicyCommand({ SecretId }));
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: 'prod/db' }));

    // Assess
    expect(before.ResourcePolicy).toBeUndefined();
    expect(put).toMatchObject({ ARN: SecretId, Name: 'prod/db' });
    expect(SecretId).toMatch(
      /^arn:aws:secretsmanager:us-west-2:111122223333:secret:prod\/db-[A-Za-z0-9]{6}$/,
    );
    expect(after.ResourcePolicy).toBe(shared);
    expect(deleted.ResourcePolicy).toBeUndefined();
    expect(described.Description).toBe('database');
    expect(described.CreatedDate).toBeInstanceOf(Date);
  });

  it('refuses a public policy with BlockPublicPolicy (PublicPolicyException) but stores it without', async () => {
    // Act
    const blocked = await failure(
      secrets.send(new PutResourcePolicyCommand({ SecretId, ResourcePolicy: open, BlockPublicPolicy: true })),
    );
    const afterBlock = aws.secretsManager.getSecret(SecretId)?.policy;
    await secrets.send(
      new PutResourcePolicyCommand({ SecretId, ResourcePolicy: shared, BlockPublicPolicy: true }),
    );
    await secrets.send(new PutResourcePolicyCommand({ SecretId, ResourcePolicy: open }));

    // Assess
    expect(blocked).toBeInstanceOf(PublicPolicyException);
    expect(afterBlock).toBeUndefined();
    expect(aws.secretsManager.getSecret(SecretId)?.policy).toBe(open);
  });

  it('rejects malformed policies and unknown secrets with the modelled exceptions', async () => {
    // Act
    const malformed = await failure(
      secrets.send(new PutResourcePolicyCommand({ SecretId, ResourcePolicy: '{"Statement":' })),
    );
    const unknown = await failure(secrets.send(new GetResourcePolicyCommand({ SecretId: 'nope' })));

    // Assess
    expect(malformed).toBeInstanceOf(SecretsMalformedPolicyDocumentException);
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown.message).toBe("Secrets Manager can't find the specified secret.");
  });

  it('validates a policy without storing it, flagging public access', async () => {
    // Act
    const good = await secrets.send(new ValidateResourcePolicyCommand({ SecretId, ResourcePolicy: shared }));
    const bad = await secrets.send(new ValidateResourcePolicyCommand({ ResourcePolicy: open }));

    // Assess
    expect(good).toMatchObject({ PolicyValidationPassed: true, ValidationErrors: [] });
    expect(bad.PolicyValidationPassed).toBe(false);
    expect(bad.ValidationErrors?.map((e) => e.CheckName)).toEqual(['PUBLIC_POLICY']);
    expect(aws.secretsManager.getSecret(SecretId)?.policy).toBeUndefined();
  });
});
