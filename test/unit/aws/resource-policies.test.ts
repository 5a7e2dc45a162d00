import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  bucketFromArn,
  createResourcePolicyGateways,
  KeyPolicyLockoutError,
  keyIdFromArn,
  queueFromArn,
  ResourcePolicyTooLargeError,
  secretNameFromArn,
  type ResourcePolicyKind,
} from '../../../src/aws/resource-policies';
import { AwsCallError, InvalidInputError } from '../../../src/errors';
import type { ResourcePolicyGateway } from '../../../src/remediation/ports';
import {
  parsePolicyDocument,
  serializePolicyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from '../../../src/remediation/policy-document';
import {
  createAwsStandin,
  publicReadBucketPolicy,
  seedExampleAccount,
  type AwsStandin,
  type ExampleAccount,
  type StandinFinding,
} from '../../../src/sandbox/aws-standin';
import { clientConfig, closeAll, failureOf } from '../sandbox/aws-standin/helpers';

const OWN = '111122223333';
const PARTNER = '444455556666';
const PARTNER_ROOT = `arn:aws:iam::${PARTNER}:root`;
const PUBLIC_BUCKET = 'amzn-s3-demo-public-bucket';
const PUBLIC_BUCKET_ARN = `arn:aws:s3:::${PUBLIC_BUCKET}`;
const PRIVATE_BUCKET_ARN = 'arn:aws:s3:::amzn-s3-demo-private-bucket';

const failure = failureOf<Error>;

/** `document` (or an empty policy) with `statements` appended. */
function withStatements(document: PolicyDocument | null, ...statements: PolicyStatement[]): PolicyDocument {
  return parsePolicyDocument({
    Version: '2012-10-17',
    ...document,
    Statement: [...(document?.Statement ?? []), ...statements],
  });
}

/** `document` without the statement `sid`. */
function without(document: PolicyDocument, sid: string): PolicyDocument {
  return { ...document, Statement: document.Statement.filter((s) => s.Sid !== sid) };
}

/** A Deny of everything in `service` for the partner account, as the bot adds for a cross-account finding. */
const denyPartner = (service: string, sid = 'AADenyPartner'): PolicyStatement => ({
  Sid: sid,
  Effect: 'Deny',
  Principal: { AWS: PARTNER_ROOT },
  Action: `${service}:*`,
  Resource: '*',
});

/** The bot's Deny for a public bucket finding: everyone outside the account, except AWS services. */
const denyOutsiders = (bucket: string): PolicyStatement => ({
  Sid: 'AADenyX',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: {
    StringNotEquals: { 'aws:PrincipalAccount': OWN },
    BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
  },
});

/** An Allow naming `count` partner accounts: a long but valid statement, to reach size limits. */
function manyAccounts(count: number, action: string, resource = '*'): PolicyStatement {
  const accounts = Array.from({ length: count }, (_, i) => `arn:aws:iam::${String(555500000000 + i)}:root`);
  return { Sid: 'Many', Effect: 'Allow', Principal: { AWS: accounts }, Action: action, Resource: resource };
}

describe('resource policy gateways on the AWS stand-in (real S3, KMS, SQS and Secrets Manager clients)', () => {
  let aws: AwsStandin;
  let seeded: ExampleAccount;
  let s3: S3Client;
  let kms: KMSClient;
  let sqs: SQSClient;
  let sm: SecretsManagerClient;
  let gateways: Record<ResourcePolicyKind, ResourcePolicyGateway>;
  let s3Headers: Record<string, string>[];

  beforeEach(async () => {
    aws = await createAwsStandin({ analysisDelayMs: 0 });
    seeded = seedExampleAccount(aws);
    await aws.analyze();
    s3 = new S3Client(clientConfig(aws, { forcePathStyle: true, maxAttempts: 1 }));
    kms = new KMSClient(clientConfig(aws, { maxAttempts: 1 }));
    sqs = new SQSClient(clientConfig(aws, { maxAttempts: 1 }));
    sm = new SecretsManagerClient(clientConfig(aws, { maxAttempts: 1 }));
    s3Headers = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        s3Headers.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    gateways = createResourcePolicyGateways({ s3, kms, sqs, secretsManager: sm });
  });

  afterEach(() => closeAll(aws, s3, kms, sqs, sm));

  /** External-access findings of the analyzer on `arn`. */
  const findingsOn = (arn: string): StandinFinding[] =>
    aws.accessAnalyzer.listFindings().filter((f) => f.resource === arn && f.findingType === 'ExternalAccess');

  /** The one finding on `arn`; fails the test when there is not exactly one. */
  function onlyFinding(arn: string): StandinFinding {
    const found = findingsOn(arn);
    if (found.length !== 1) throw new Error(`expected one finding on ${arn}, got ${found.length}`);
    return found[0]!;
  }

  const statusOf = (id: string): string | undefined => aws.accessAnalyzer.getFinding(id)?.status;

  describe('S3 bucket policies', () => {
    const gateway = () => gateways['s3-bucket'];

    it('reads the bucket policy decoded, and null for a bucket without one', async () => {
      // Act
      const open = await gateway().read(PUBLIC_BUCKET_ARN);
      const none = await gateway().read(PRIVATE_BUCKET_ARN);

      // Assess
      expect(open).toEqual({
        resourceArn: PUBLIC_BUCKET_ARN,
        document: publicReadBucketPolicy(PUBLIC_BUCKET_ARN.slice('arn:aws:s3:::'.length)),
      });
      expect(none).toEqual({ resourceArn: PRIVATE_BUCKET_ARN, document: null });
    });

    it('writes compact JSON without ConfirmRemoveSelfBucketAccess, and deletes the policy for null', async () => {
      // Prepare
      const { document } = await gateway().read(PUBLIC_BUCKET_ARN);
      const proposed = withStatements(document, denyOutsiders(PUBLIC_BUCKET));

      // Act
      await gateway().write(PUBLIC_BUCKET_ARN, proposed);
      const written = await gateway().read(PUBLIC_BUCKET_ARN);
      await gateway().write(PUBLIC_BUCKET_ARN, null);
      const deleted = await gateway().read(PUBLIC_BUCKET_ARN);

      // Assess
      expect(aws.callsTo('PutBucketPolicy')[0]?.input).toMatchObject({
        Bucket: PUBLIC_BUCKET,
        Body: serializePolicyDocument(proposed),
      });
      expect(written.document).toEqual(proposed);
      expect(aws.callsTo('DeleteBucketPolicy')).toHaveLength(1);
      expect(deleted.document).toBeNull();
      expect(s3Headers.length).toBeGreaterThan(0);
      for (const headers of s3Headers) {
        expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain(
          'x-amz-confirm-remove-self-bucket-access',
        );
      }
    });

    it('says the bucket no longer exists (NoSuchBucket) on read and on write', async () => {
      // Act
      const read = (await failure(gateway().read('arn:aws:s3:::amzn-s3-demo-gone'))) as AwsCallError;
      const write = (await failure(
        gateway().write('arn:aws:s3:::amzn-s3-demo-gone', withStatements(null, denyOutsiders('x'))),
      )) as AwsCallError;

      // Assess
      expect(read).toBeInstanceOf(AwsCallError);
      expect(read).toMatchObject({ operation: 'GetBucketPolicy', awsCode: 'NoSuchBucket' });
      expect(read.userMessage).toBe(
        'The S3 bucket `amzn-s3-demo-gone` no longer exists (NoSuchBucket); nothing changed.',
      );
      expect(write).toMatchObject({ operation: 'PutBucketPolicy', awsCode: 'NoSuchBucket' });
    });

    it('turns "Policies must be less than 20 KB" into ResourcePolicyTooLargeError, bucket unchanged', async () => {
      // Prepare
      const before = aws.s3.getBucket(PUBLIC_BUCKET)?.policy;
      const big = withStatements(null, manyAccounts(700, 's3:GetObject', `${PUBLIC_BUCKET_ARN}/*`));

      // Act
      const error = (await failure(gateway().write(PUBLIC_BUCKET_ARN, big))) as ResourcePolicyTooLargeError;

      // Assess
      expect(error).toBeInstanceOf(ResourcePolicyTooLargeError);
      const length = Buffer.byteLength(serializePolicyDocument(big));
      expect(length).toBeGreaterThan(20 * 1024);
      expect(error).toMatchObject({
        code: 'policy_too_large',
        length,
        quota: 20 * 1024,
        serviceMessage: 'Policies must be less than 20 KB',
      });
      expect(error.userMessage).toBe(
        `Cannot add the Deny: the bucket policy would be ${length} bytes; the limit is 20480; nothing changed.`,
      );
      expect(aws.s3.getBucket(PUBLIC_BUCKET)?.policy).toBe(before);
    });

    it("quotes S3's message for MalformedPolicy", async () => {
      // Prepare: a statement about another bucket.
      const elsewhere = withStatements(null, { ...denyOutsiders('another-bucket'), Sid: 'Elsewhere' });

      // Act
      const error = (await failure(gateway().write(PUBLIC_BUCKET_ARN, elsewhere))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'PutBucketPolicy', awsCode: 'MalformedPolicy' });
      expect(error.userMessage).toBe(
        'S3 rejected the bucket policy for `amzn-s3-demo-public-bucket` (MalformedPolicy): "Policy has invalid resource". Nothing changed.',
      );
    });

    it('names the missing permission on AccessDenied and the account on MethodNotAllowed', async () => {
      // Prepare
      aws.failNext('GetBucketPolicy', { name: 'AccessDenied', status: 403, message: 'Access Denied' });
      aws.failNext('PutBucketPolicy', { name: 'MethodNotAllowed', status: 405, message: 'Not allowed' });
      const document = withStatements(null, denyOutsiders(PUBLIC_BUCKET));

      // Act
      const read = (await failure(gateway().read(PUBLIC_BUCKET_ARN))) as AwsCallError;
      const write = (await failure(gateway().write(PUBLIC_BUCKET_ARN, document))) as AwsCallError;

      // Assess
      expect(read.userMessage).toBe(
        "The bot's AWS role is not allowed to call S3 GetBucketPolicy on `amzn-s3-demo-public-bucket` (AccessDenied). " +
          'Ask the team that runs the bot to grant s3:GetBucketPolicy; nothing changed.',
      );
      expect(write.awsCode).toBe('MethodNotAllowed');
      expect(write.userMessage).toContain(
        's3:PutBucketPolicy as a principal of the account that owns the bucket',
      );
    });

    it('resolves the public finding with the Deny for everyone outside the account, and re-activates it when removed', async () => {
      // Prepare
      const finding = onlyFinding(PUBLIC_BUCKET_ARN);
      const { document } = await gateway().read(PUBLIC_BUCKET_ARN);
      // The owner's own grant rides along: the owner account is never external.
      const ownerGrant: PolicyStatement = {
        Sid: 'Owner',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OWN}:root` },
        Action: 's3:*',
        Resource: `${PUBLIC_BUCKET_ARN}/*`,
      };
      const denied = withStatements(document, ownerGrant, denyOutsiders(PUBLIC_BUCKET));

      // Act
      await gateway().write(PUBLIC_BUCKET_ARN, denied);
      const afterDeny = findingsOn(PUBLIC_BUCKET_ARN).map((f) => [f.id, f.status]);
      await gateway().write(PUBLIC_BUCKET_ARN, without(denied, 'AADenyX'));

      // Assess
      expect(finding).toMatchObject({ status: 'ACTIVE', isPublic: true });
      expect(afterDeny).toEqual([[finding.id, 'RESOLVED']]);
      expect(statusOf(finding.id)).toBe('ACTIVE');
      expect(findingsOn(PUBLIC_BUCKET_ARN)).toHaveLength(1);
    });
  });

  describe('KMS key policies', () => {
    const gateway = () => gateways['kms-key'];
    const keyArn = () => seeded.sharedKey.arn;

    it('reads the key policy by key ARN and writes it back with PolicyName default, never bypassing the lockout check', async () => {
      // Prepare
      const { document } = await gateway().read(keyArn());
      const proposed = withStatements(document, denyPartner('kms'));

      // Act
      await gateway().write(keyArn(), proposed);
      const after = await gateway().read(keyArn());

      // Assess
      expect(document?.Statement.map((s) => s.Sid)).toEqual([
        'Enable IAM User Permissions',
        'Allow use of the key by the partner account',
      ]);
      expect(after).toEqual({ resourceArn: keyArn(), document: proposed });
      expect(aws.callsTo('GetKeyPolicy')[0]?.input).toEqual({
        KeyId: seeded.sharedKey.keyId,
        PolicyName: 'default',
      });
      const put = aws.callsTo('PutKeyPolicy')[0]?.input as Record<string, unknown>;
      expect(put).toEqual({
        KeyId: seeded.sharedKey.keyId,
        PolicyName: 'default',
        Policy: serializePolicyDocument(proposed),
      });
      expect(put).not.toHaveProperty('BypassPolicyLockoutSafetyCheck');
    });

    it('explains the lockout when the Deny would take kms:PutKeyPolicy from the account, and changes nothing', async () => {
      // Prepare: a Deny for everyone covers the owner too.
      const before = aws.kms.getKey(seeded.sharedKey.keyId)?.policy;
      const { document } = await gateway().read(keyArn());
      const lockout = withStatements(document, {
        Sid: 'AADenyEveryone',
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:*',
        Resource: '*',
      });

      // Act
      const error = (await failure(gateway().write(keyArn(), lockout))) as KeyPolicyLockoutError;

      // Assess
      expect(error).toBeInstanceOf(KeyPolicyLockoutError);
      expect(error).toMatchObject({ code: 'key_policy_lockout', keyId: seeded.sharedKey.keyId });
      expect(error.userMessage).toMatch(/lock the account out of its own key\. Nothing changed\./);
      expect((error.cause as Error).message).toBe(
        'The new key policy will not allow you to update the key policy in the future.',
      );
      expect(aws.kms.getKey(seeded.sharedKey.keyId)?.policy).toBe(before);
    });

    it('refuses to delete a key policy without calling KMS', async () => {
      // Act
      const error = await failure(gateway().write(keyArn(), null));

      // Assess
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).userMessage).toMatch(/always has a key policy/);
      expect(aws.callsTo('PutKeyPolicy')).toHaveLength(0);
    });

    it('says the key no longer exists (NotFound), and reports its 32 KB limit', async () => {
      // Prepare
      const gone = `arn:aws:kms:us-west-2:${OWN}:key/00000000-0000-0000-0000-000000000000`;
      const { document } = await gateway().read(keyArn());
      const big = withStatements(document, manyAccounts(1100, 'kms:Decrypt'));

      // Act
      const missing = (await failure(gateway().read(gone))) as AwsCallError;
      const tooBig = (await failure(gateway().write(keyArn(), big))) as ResourcePolicyTooLargeError;

      // Assess
      expect(missing).toMatchObject({ operation: 'GetKeyPolicy', awsCode: 'NotFound' });
      expect(missing.userMessage).toBe(
        'The KMS key `00000000-0000-0000-0000-000000000000` no longer exists (NotFound); nothing changed.',
      );
      expect(tooBig).toBeInstanceOf(ResourcePolicyTooLargeError);
      expect(tooBig).toMatchObject({ quota: 32 * 1024, policyName: 'key policy' });
    });

    it('says KMS is throttling (ThrottlingException) in a sentence', async () => {
      // Prepare
      aws.failNext('GetKeyPolicy', { name: 'ThrottlingException', status: 400, message: 'Rate exceeded' });

      // Act
      const error = (await failure(gateway().read(keyArn()))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'GetKeyPolicy', awsCode: 'Throttling' });
      expect(error.userMessage).toBe(
        'KMS is throttling requests (GetKeyPolicy); nothing changed. Try again in a minute.',
      );
    });

    it('resolves the partner finding with a Deny for the partner, and re-activates it when removed', async () => {
      // Prepare
      const finding = onlyFinding(keyArn());
      const { document } = await gateway().read(keyArn());
      const denied = withStatements(document, denyPartner('kms'));

      // Act
      await gateway().write(keyArn(), denied);
      const afterDeny = findingsOn(keyArn()).map((f) => [f.id, f.status]);
      await gateway().write(keyArn(), without(denied, 'AADenyPartner'));

      // Assess
      expect(finding.principal).toEqual({ AWS: PARTNER });
      expect(afterDeny).toEqual([[finding.id, 'RESOLVED']]);
      expect(findingsOn(keyArn()).map((f) => [f.id, f.status])).toEqual([[finding.id, 'ACTIVE']]);
    });
  });

  describe('SQS queue policies', () => {
    const gateway = () => gateways['sqs-queue'];
    const partnerQueue = () => {
      const queue = aws.sqs.createQueue('partner-orders', {
        policy: withStatements(null, {
          Sid: 'PartnerSends',
          Effect: 'Allow',
          Principal: { AWS: PARTNER_ROOT },
          Action: 'sqs:SendMessage',
          Resource: `arn:aws:sqs:us-west-2:${OWN}:partner-orders`,
        }),
      });
      return queue.arn;
    };

    it('finds the queue URL with GetQueueUrl (name and owner from the ARN), once per queue', async () => {
      // Act
      const first = await gateway().read(seeded.queue.arn);
      await gateway().read(seeded.queue.arn);

      // Assess
      expect(first.document?.Statement.map((s) => s.Sid)).toEqual(['OwnerOnly']);
      expect(aws.callsTo('GetQueueUrl').map((c) => c.input)).toEqual([
        { QueueName: 'example-orders', QueueOwnerAWSAccountId: OWN },
      ]);
      expect(aws.callsTo('GetQueueAttributes')[0]?.input).toEqual({
        QueueUrl: seeded.queue.url,
        AttributeNames: ['Policy'],
      });
    });

    it('reads null without a policy, writes the Policy attribute and clears it with an empty string', async () => {
      // Prepare
      const arn = aws.sqs.createQueue('no-policy').arn;
      const proposed = withStatements(null, denyPartner('sqs'));

      // Act
      const before = await gateway().read(arn);
      await gateway().write(arn, proposed);
      const written = await gateway().read(arn);
      await gateway().write(arn, null);
      const cleared = await gateway().read(arn);

      // Assess
      expect(before.document).toBeNull();
      expect(written.document).toEqual(proposed);
      expect(cleared.document).toBeNull();
      expect(aws.callsTo('SetQueueAttributes').map((c) => c.input)).toEqual([
        { QueueUrl: expect.any(String), Attributes: { Policy: serializePolicyDocument(proposed) } },
        { QueueUrl: expect.any(String), Attributes: { Policy: '' } },
      ]);
    });

    it('says the queue no longer exists (QueueDoesNotExist), also for a queue of another account', async () => {
      // Act
      const gone = (await failure(
        gateway().read(`arn:aws:sqs:us-west-2:${OWN}:no-such-queue`),
      )) as AwsCallError;
      const foreign = (await failure(
        gateway().write(`arn:aws:sqs:us-west-2:${PARTNER}:example-orders`, null),
      )) as AwsCallError;

      // Assess
      expect(gone).toMatchObject({ operation: 'GetQueueUrl', awsCode: 'QueueDoesNotExist' });
      expect(gone.userMessage).toBe(
        'The SQS queue `no-such-queue` no longer exists (QueueDoesNotExist); nothing changed.',
      );
      expect(foreign).toMatchObject({ awsCode: 'QueueDoesNotExist' });
    });

    it("quotes SQS's InvalidAttributeValue, and turns its 8,192-byte limit into ResourcePolicyTooLargeError", async () => {
      // Prepare: the bot's parser takes an empty statement list; SQS does not.
      const empty = parsePolicyDocument({ Version: '2012-10-17', Statement: [] });
      const big = withStatements(null, manyAccounts(300, 'sqs:SendMessage'));

      // Act
      const invalid = (await failure(gateway().write(seeded.queue.arn, empty))) as AwsCallError;
      const tooBig = (await failure(gateway().write(seeded.queue.arn, big))) as ResourcePolicyTooLargeError;

      // Assess
      expect(invalid).toMatchObject({ operation: 'SetQueueAttributes', awsCode: 'InvalidAttributeValue' });
      expect(invalid.userMessage).toBe(
        'SQS rejected the queue policy for `example-orders` (InvalidAttributeValue): ' +
          '"Invalid value for the parameter Policy. Reason: Missing required field Statement". Nothing changed.',
      );
      expect(tooBig).toBeInstanceOf(ResourcePolicyTooLargeError);
      expect(tooBig).toMatchObject({ quota: 8192, policyName: 'queue policy' });
    });

    it('resolves a partner finding with a Deny for the partner, and re-activates it when removed', async () => {
      // Prepare
      const arn = partnerQueue();
      const finding = onlyFinding(arn);
      const { document } = await gateway().read(arn);
      const denied = withStatements(document, { ...denyPartner('sqs'), Resource: arn });

      // Act
      await gateway().write(arn, denied);
      const afterDeny = findingsOn(arn).map((f) => [f.id, f.status]);
      await gateway().write(arn, without(denied, 'AADenyPartner'));

      // Assess
      expect(finding).toMatchObject({ status: 'ACTIVE', principal: { AWS: PARTNER } });
      expect(afterDeny).toEqual([[finding.id, 'RESOLVED']]);
      expect(findingsOn(arn).map((f) => [f.id, f.status])).toEqual([[finding.id, 'ACTIVE']]);
    });
  });

  describe('Secrets Manager secret policies', () => {
    const gateway = () => gateways.secret;
    const secretArn = () => seeded.sharedSecret.arn;

    it('reads, writes (without BlockPublicPolicy) and deletes the policy, addressing the secret by ARN', async () => {
      // Prepare
      const { document } = await gateway().read(secretArn());
      const proposed = withStatements(document, denyPartner('secretsmanager'));

      // Act
      await gateway().write(secretArn(), proposed);
      const written = await gateway().read(secretArn());
      await gateway().write(secretArn(), null);
      const deleted = await gateway().read(secretArn());

      // Assess
      expect(document?.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: PARTNER_ROOT },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
        },
      ]);
      expect(written.document).toEqual(proposed);
      expect(deleted.document).toBeNull();
      expect(aws.callsTo('PutResourcePolicy')[0]?.input).toEqual({
        SecretId: secretArn(),
        ResourcePolicy: serializePolicyDocument(proposed),
      });
      expect(aws.callsTo('DeleteResourcePolicy')[0]?.input).toEqual({ SecretId: secretArn() });
    });

    it('writes a policy that is still public (narrowing is the caller’s business, not BlockPublicPolicy’s)', async () => {
      // Prepare
      const open = withStatements(null, {
        Effect: 'Allow',
        Principal: '*',
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
      });

      // Act
      await gateway().write(secretArn(), open);

      // Assess
      expect(aws.secretsManager.getSecret(secretArn())?.policy).toBe(serializePolicyDocument(open));
    });

    it('says the secret no longer exists (ResourceNotFound) and quotes MalformedPolicyDocument', async () => {
      // Prepare
      const gone = `arn:aws:secretsmanager:us-west-2:${OWN}:secret:example/gone-AbCdEf`;
      const noPrincipal = withStatements(null, {
        Effect: 'Deny',
        Action: 'secretsmanager:*',
        Resource: '*',
      });

      // Act
      const missing = (await failure(gateway().read(gone))) as AwsCallError;
      const malformed = (await failure(gateway().write(secretArn(), noPrincipal))) as AwsCallError;

      // Assess
      expect(missing).toMatchObject({ operation: 'GetResourcePolicy', awsCode: 'ResourceNotFound' });
      expect(missing.userMessage).toBe(
        'The secret `example/gone` no longer exists (ResourceNotFound); nothing changed.',
      );
      expect(malformed).toMatchObject({ operation: 'PutResourcePolicy', awsCode: 'MalformedPolicyDocument' });
      expect(malformed.userMessage).toBe(
        'Secrets Manager rejected the secret policy for `example/shared-db-credentials` (MalformedPolicyDocument): ' +
          '"Missing required field Principal". Nothing changed.',
      );
    });

    it('reports the 20,480-character limit as ResourcePolicyTooLargeError', async () => {
      // Act
      const error = await failure(
        gateway().write(
          secretArn(),
          withStatements(null, manyAccounts(700, 'secretsmanager:GetSecretValue')),
        ),
      );

      // Assess
      expect(error).toBeInstanceOf(ResourcePolicyTooLargeError);
      expect(error).toMatchObject({ quota: 20_480, policyName: 'secret policy' });
    });

    it('validates with ValidateResourcePolicy: [] when valid, sentences for problems, never throws', async () => {
      // Prepare
      const { document } = await gateway().read(secretArn());
      const denied = withStatements(document, denyPartner('secretsmanager'));
      const open = withStatements(null, {
        Effect: 'Allow',
        Principal: '*',
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
      });
      const before = aws.secretsManager.getSecret(secretArn())?.policy;

      // Act
      const valid = await gateway().validate!(secretArn(), denied);
      const public_ = await gateway().validate!(secretArn(), open);
      aws.failNext('ValidateResourcePolicy', { name: 'InternalServiceError', status: 500 });
      const unavailable = await gateway().validate!(secretArn(), denied);
      aws.failNext('ValidateResourcePolicy', {
        name: 'MalformedPolicyDocumentException',
        status: 400,
        message: 'This resource policy contains an unsupported principal.',
      });
      const rejected = await gateway().validate!(secretArn(), denied);

      // Assess
      expect(valid).toEqual({ notes: [] });
      expect(public_).toEqual({
        notes: [
          'Secrets Manager validation (PUBLIC_POLICY) found a problem with the secret policy for ' +
            '`example/shared-db-credentials`: "This resource policy grants public access to the secret.".',
        ],
      });
      expect(unavailable).toEqual({
        notes: [
          'Secrets Manager validation was unavailable for `example/shared-db-credentials` ' +
            '(ValidateResourcePolicy failed: InternalServiceError); the policy was not checked by the service.',
        ],
      });
      expect(rejected).toEqual({
        notes: [],
        rejected:
          'Secrets Manager rejected the secret policy for `example/shared-db-credentials` (MalformedPolicyDocument): ' +
          '"This resource policy contains an unsupported principal.".',
      });
      expect(aws.callsTo('ValidateResourcePolicy')[0]?.input).toEqual({
        SecretId: secretArn(),
        ResourcePolicy: serializePolicyDocument(denied),
      });
      expect(aws.secretsManager.getSecret(secretArn())?.policy).toBe(before);
    });

    it('resolves the partner finding with a Deny for the partner, and re-activates it when removed', async () => {
      // Prepare
      const finding = onlyFinding(secretArn());
      const { document } = await gateway().read(secretArn());
      const denied = withStatements(document, denyPartner('secretsmanager'));

      // Act
      await gateway().write(secretArn(), denied);
      const afterDeny = findingsOn(secretArn()).map((f) => [f.id, f.status]);
      await gateway().write(secretArn(), without(denied, 'AADenyPartner'));

      // Assess
      expect(finding).toMatchObject({ status: 'ACTIVE', principal: { AWS: PARTNER } });
      expect(afterDeny).toEqual([[finding.id, 'RESOLVED']]);
      expect(findingsOn(secretArn()).map((f) => [f.id, f.status])).toEqual([[finding.id, 'ACTIVE']]);
    });
  });

  it.each([
    ['s3-bucket', 'GetBucketPolicy', 'AccessDenied', 403, 's3:GetBucketPolicy'],
    ['kms-key', 'GetKeyPolicy', 'AccessDeniedException', 400, 'kms:GetKeyPolicy'],
    ['sqs-queue', 'GetQueueAttributes', 'AccessDenied', 403, 'sqs:GetQueueAttributes'],
    ['secret', 'GetResourcePolicy', 'AccessDeniedException', 400, 'secretsmanager:GetResourcePolicy'],
  ] as const)(
    'names the permission when %s %s answers %s',
    async (kind, operation, name, status, permission) => {
      // Prepare
      const arns: Record<ResourcePolicyKind, string> = {
        's3-bucket': PUBLIC_BUCKET_ARN,
        'kms-key': seeded.sharedKey.arn,
        'sqs-queue': seeded.queue.arn,
        secret: seeded.sharedSecret.arn,
      };
      aws.failNext(operation, { name, status, message: 'not authorized' });

      // Act
      const error = (await failure(gateways[kind].read(arns[kind]))) as AwsCallError;

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation, awsCode: 'AccessDenied' });
      expect(error.userMessage).toContain(`Ask the team that runs the bot to grant ${permission}`);
    },
  );

  it('offers validate() only for secrets', () => {
    // Assess
    expect(gateways['s3-bucket'].validate).toBeUndefined();
    expect(gateways['kms-key'].validate).toBeUndefined();
    expect(gateways['sqs-queue'].validate).toBeUndefined();
    expect(gateways.secret.validate).toEqual(expect.any(Function));
  });

  it.each([
    ['s3-bucket', 'arn:aws:s3:::bucket/object.txt'],
    ['kms-key', `arn:aws:kms:us-west-2:${OWN}:alias/example-shared-key`],
    ['sqs-queue', `arn:aws:sns:us-west-2:${OWN}:topic`],
    ['secret', PUBLIC_BUCKET_ARN],
  ] as const)('refuses a %s gateway call for %s without calling AWS', async (kind, arn) => {
    // Act
    const error = await failure(gateways[kind].read(arn));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(aws.calls).toHaveLength(0);
  });
});

describe('resource ARNs', () => {
  it('takes bucket, key id, queue name and owner, and secret name from their ARNs', () => {
    expect(bucketFromArn('arn:aws:s3:::amzn-s3-demo-bucket')).toBe('amzn-s3-demo-bucket');
    expect(keyIdFromArn('arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(
      '1234abcd-12ab-34cd-56ef-1234567890ab',
    );
    expect(keyIdFromArn('arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab')).toBe(
      'mrk-1234abcd12ab34cd56ef1234567890ab',
    );
    expect(queueFromArn('arn:aws-us-gov:sqs:us-gov-west-1:111122223333:orders.fifo')).toEqual({
      name: 'orders.fifo',
      account: '111122223333',
    });
    expect(secretNameFromArn('arn:aws:secretsmanager:us-west-2:111122223333:secret:db/creds-AbC123')).toBe(
      'db/creds',
    );
  });
});
