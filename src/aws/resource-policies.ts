/**
 * Resource policies of S3 buckets, KMS keys, SQS queues and Secrets Manager secrets (the ResourcePolicyGateway
 * port): the only module that reads or writes them. Each gateway takes the resource ARN as Access Analyzer
 * reports it; SDK errors are translated into AppErrors here, so nothing above knows SDK types.
 *
 * IAM actions used (on the resources the bot may remediate):
 * - S3: s3:GetBucketPolicy, s3:PutBucketPolicy, s3:DeleteBucketPolicy. The caller must belong to the bucket
 *   owner's account (S3 answers 405 MethodNotAllowed otherwise).
 * - KMS: kms:GetKeyPolicy, kms:PutKeyPolicy, allowed by the key policy itself (directly, or through IAM when
 *   the key policy delegates to the account).
 * - SQS: sqs:GetQueueUrl, sqs:GetQueueAttributes, sqs:SetQueueAttributes.
 * - Secrets Manager: secretsmanager:GetResourcePolicy, secretsmanager:PutResourcePolicy,
 *   secretsmanager:DeleteResourcePolicy, secretsmanager:ValidateResourcePolicy.
 *
 * Wire facts and rules relied on:
 * - every service returns the policy as plain JSON text (no URL-encoding, unlike IAM); documents are written
 *   as compact JSON (`serializePolicyDocument`);
 * - S3: no policy → `NoSuchBucketPolicy` (404); size over 20 KB or a bad document → `MalformedPolicy`; the
 *   bot never sends `ConfirmRemoveSelfBucketAccess` (a Deny must not be able to lock the owner out);
 * - KMS: the policy name is always `default`; `BypassPolicyLockoutSafetyCheck` is never set, so KMS refuses
 *   (MalformedPolicyDocumentException "…will not allow you to update the key policy in the future") a policy
 *   after which the caller could not change it again; a key always has a policy (no delete); over 32 KB →
 *   LimitExceededException;
 * - SQS: the queue URL comes from GetQueueUrl (name and owner account from the ARN); the `Policy` attribute
 *   is absent when there is none, and setting it to '' removes it; problems with the value →
 *   InvalidAttributeValue (also for size: 8,192 bytes);
 * - Secrets Manager: `ResourcePolicy` is absent when there is none; `BlockPublicPolicy` is never set (the
 *   finding may be about a public policy the bot is narrowing, and the narrowed policy may still look broad);
 *   ValidateResourcePolicy checks a proposal without storing it.
 */
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GetKeyPolicyCommand, PutKeyPolicyCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  DeleteResourcePolicyCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  ValidateResourcePolicyCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { AppError, AwsCallError, InvalidInputError } from '../errors';
import {
  parsePolicyDocument,
  serializePolicyDocument,
  type PolicyDocument,
} from '../remediation/policy-document';
import type { PolicyValidation, ResourcePolicy, ResourcePolicyGateway } from '../remediation/ports';
import { RESOURCE_POLICY_MAX_CHARS, type PolicyResourceKind } from '../remediation/resource-policy-deny';

/** The resource kinds with a gateway (the remediation's kinds; their size limits live there too). */
export type ResourcePolicyKind = PolicyResourceKind;

/** A service refused a resource policy for its size; nothing was written. Code `policy_too_large`. */
export class ResourcePolicyTooLargeError extends AppError {
  constructor(
    /** What people call the policy, e.g. `bucket policy`. */
    readonly policyName: string,
    /** Bytes of the compact JSON that was sent. */
    readonly length: number,
    readonly quota: number,
    readonly serviceMessage: string,
    options?: ErrorOptions,
  ) {
    const message = `the ${policyName} would be ${length} bytes; the limit is ${quota}; nothing changed`;
    super('policy_too_large', message, `Cannot add the Deny: ${message}.`, options);
    this.name = 'ResourcePolicyTooLargeError';
    this.visibility = 'thread';
  }
}

/**
 * KMS refused a key policy because the caller could not change the key policy afterwards (the lockout safety
 * check). Code `key_policy_lockout`; the key policy is unchanged.
 */
export class KeyPolicyLockoutError extends AppError {
  constructor(
    readonly keyId: string,
    options?: ErrorOptions,
  ) {
    super(
      'key_policy_lockout',
      `KMS refused the key policy of ${keyId}: it would lock the caller out of the key policy`,
      `KMS refused the new key policy for key \`${keyId}\`: with this Deny, the account (and the bot) could no ` +
        `longer change the key's policy, which would lock the account out of its own key. Nothing changed. ` +
        `Narrow the Deny so that it does not cover the account's own administrators (or kms:PutKeyPolicy), ` +
        `or fix the key policy by hand.`,
      options,
    );
    this.name = 'KeyPolicyLockoutError';
    this.visibility = 'thread';
  }
}

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * The service's error code without the SDK's `Exception` suffix, so modelled and unmodelled errors compare
 * alike. SQS's legacy query codes (`AWS.SimpleQueueService.NonExistentQueue`) become their JSON names.
 * @example awsErrorCode({ name: 'NotFoundException' }) // 'NotFound'
 */
export function awsErrorCode(err: unknown): string {
  const e = (err ?? {}) as SdkError;
  const raw = e.name && e.name !== 'Error' ? e.name : (e.Code ?? 'UnknownError');
  if (raw === 'AWS.SimpleQueueService.NonExistentQueue') return 'QueueDoesNotExist';
  return raw.endsWith('Exception') ? raw.slice(0, -'Exception'.length) : raw;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'SlowDown',
  'RequestThrottled',
  'RequestLimitExceeded',
]);

/** How one service's errors read; `translate` does the rest. */
interface ServiceErrors {
  service: string;
  /** IAM action prefix, e.g. `s3`. */
  prefix: string;
  /** People's name for the resource, e.g. `S3 bucket`. */
  resource: string;
  /** People's name for the policy, e.g. `bucket policy`. */
  policyName: string;
  kind: ResourcePolicyKind;
  /** Codes meaning the resource does not exist. */
  notFound: string[];
  /** Codes meaning the policy was refused as invalid (service message quoted). */
  malformed: string[];
  /** Codes (with their message) meaning the policy was refused for its size. */
  tooLarge: (code: string, message: string) => boolean;
}

const S3_ERRORS: ServiceErrors = {
  service: 'S3',
  prefix: 's3',
  resource: 'S3 bucket',
  policyName: 'bucket policy',
  kind: 's3-bucket',
  notFound: ['NoSuchBucket'],
  malformed: ['MalformedPolicy', 'InvalidArgument'],
  tooLarge: (code, message) => code === 'MalformedPolicy' && /20\s*KB|too large|size/i.test(message),
};

const KMS_ERRORS: ServiceErrors = {
  service: 'KMS',
  prefix: 'kms',
  resource: 'KMS key',
  policyName: 'key policy',
  kind: 'kms-key',
  notFound: ['NotFound'],
  malformed: ['MalformedPolicyDocument'],
  tooLarge: (code) => code === 'LimitExceeded',
};

const SQS_ERRORS: ServiceErrors = {
  service: 'SQS',
  prefix: 'sqs',
  resource: 'SQS queue',
  policyName: 'queue policy',
  kind: 'sqs-queue',
  notFound: ['QueueDoesNotExist'],
  malformed: ['InvalidAttributeValue'],
  tooLarge: (code, message) =>
    code === 'InvalidAttributeValue' && /8192|8,192|exceeds|too large|size/i.test(message),
};

const SECRET_ERRORS: ServiceErrors = {
  service: 'Secrets Manager',
  prefix: 'secretsmanager',
  resource: 'secret',
  policyName: 'secret policy',
  kind: 'secret',
  notFound: ['ResourceNotFound'],
  malformed: ['MalformedPolicyDocument', 'PublicPolicy', 'InvalidRequest', 'InvalidParameter'],
  tooLarge: (code) => code === 'LimitExceeded',
};

const LOCKOUT = /will not allow you to update the key policy in the future/i;

/**
 * Turns an SDK error of `operation` on `name` (bucket, key id, queue or secret name) into an AppError a Slack
 * approver can act on. `document` is the policy being written, if any (for size errors).
 * @example translate(S3_ERRORS, 'GetBucketPolicy', err, 'my-bucket')
 * // AwsCallError "The S3 bucket `my-bucket` no longer exists (NoSuchBucket); nothing changed."
 */
function translate(
  errors: ServiceErrors,
  operation: string,
  err: unknown,
  name: string,
  document?: PolicyDocument | null,
): Error {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as SdkError;
  const code = awsErrorCode(err);
  const message = e.message ?? '';
  const fail = (userMessage: string) => new AwsCallError(operation, code, userMessage, { cause: err });
  const { service, resource, policyName } = errors;
  if (errors.notFound.includes(code)) {
    return fail(`The ${resource} \`${name}\` no longer exists (${code}); nothing changed.`);
  }
  if (code === 'AccessDenied' || code === 'MethodNotAllowed') {
    const extra =
      errors.kind === 'kms-key'
        ? ` (in the key policy, or in IAM if the key policy delegates to the account)`
        : errors.kind === 's3-bucket' && code === 'MethodNotAllowed'
          ? ' as a principal of the account that owns the bucket'
          : '';
    return fail(
      `The bot's AWS role is not allowed to call ${service} ${operation} on \`${name}\` (${code}). ` +
        `Ask the team that runs the bot to grant ${errors.prefix}:${operation}${extra}; nothing changed.`,
    );
  }
  if (THROTTLING.has(code)) {
    return fail(`${service} is throttling requests (${operation}); nothing changed. Try again in a minute.`);
  }
  if (document && errors.tooLarge(code, message)) {
    const length = Buffer.byteLength(serializePolicyDocument(document), 'utf8');
    return new ResourcePolicyTooLargeError(
      policyName,
      length,
      RESOURCE_POLICY_MAX_CHARS[errors.kind],
      message,
      {
        cause: err,
      },
    );
  }
  if (errors.kind === 'kms-key' && code === 'MalformedPolicyDocument' && LOCKOUT.test(message)) {
    return new KeyPolicyLockoutError(name, { cause: err });
  }
  if (errors.kind === 'kms-key' && code === 'KMSInvalidState') {
    return fail(
      `The KMS key \`${name}\` is disabled, pending deletion or otherwise unusable (KMSInvalidState): "${message || 'no reason given'}". Nothing changed.`,
    );
  }
  if (document !== undefined && errors.malformed.includes(code)) {
    return fail(
      `${service} rejected the ${policyName} for \`${name}\` (${code}): "${message || 'no reason given'}". Nothing changed.`,
    );
  }
  const status = e.$metadata?.httpStatusCode;
  return fail(
    `${service} ${operation} on \`${name}\` failed (${code}${status ? `, HTTP ${status}` : ''}); nothing changed.`,
  );
}

/** Parses a policy the service returned; an unreadable one is reported, not guessed at. */
function decode(errors: ServiceErrors, operation: string, name: string, text: string): PolicyDocument {
  try {
    return parsePolicyDocument(text);
  } catch (err) {
    throw new AwsCallError(
      operation,
      'UnreadablePolicy',
      `The ${errors.policyName} of \`${name}\` as ${errors.service} returned it is not a policy the bot can read ` +
        `(${err instanceof AppError ? err.message : 'not JSON'}); nothing changed.`,
      { cause: err },
    );
  }
}

function invalidArn(arn: string, expected: string): InvalidInputError {
  return new InvalidInputError(`\`${arn}\` is not ${expected} ARN; nothing changed.`);
}

/**
 * The bucket name of an S3 bucket ARN.
 * @example bucketFromArn('arn:aws:s3:::amzn-s3-demo-bucket') // 'amzn-s3-demo-bucket'
 * @throws InvalidInputError for anything else (an object ARN, an access point…).
 */
export function bucketFromArn(arn: string): string {
  const match = /^arn:aws[\w-]*:s3:::([^/]+)$/.exec(arn);
  if (!match?.[1]) throw invalidArn(arn, 'an S3 bucket');
  return match[1];
}

/**
 * The key id of a KMS key ARN.
 * @example keyIdFromArn('arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') // '1234abcd-…'
 * @throws InvalidInputError for anything else (an alias ARN…).
 */
export function keyIdFromArn(arn: string): string {
  const match = /^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/(.+)$/.exec(arn);
  if (!match?.[1]) throw invalidArn(arn, 'a KMS key');
  return match[1];
}

/**
 * Queue name and owner account of an SQS queue ARN.
 * @example queueFromArn('arn:aws:sqs:us-west-2:111122223333:example-orders') // { name: 'example-orders', account: '111122223333' }
 * @throws InvalidInputError for anything else.
 */
export function queueFromArn(arn: string): { name: string; account: string } {
  const match = /^arn:aws[\w-]*:sqs:[\w-]+:(\d{12}):([\w-]{1,80}(?:\.fifo)?)$/.exec(arn);
  if (!match?.[1] || !match[2]) throw invalidArn(arn, 'an SQS queue');
  return { account: match[1], name: match[2] };
}

/**
 * The secret's name as people read it (without Secrets Manager's 6-character suffix); the ARN itself is what
 * is sent as `SecretId`.
 * @example secretNameFromArn('arn:aws:secretsmanager:us-west-2:111122223333:secret:db-AbC123') // 'db'
 * @throws InvalidInputError when the ARN is not a secret's.
 */
export function secretNameFromArn(arn: string): string {
  const match = /^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:(.+?)(?:-[A-Za-z0-9]{6})?$/.exec(arn);
  if (!match?.[1]) throw invalidArn(arn, 'a Secrets Manager secret');
  return match[1];
}

/**
 * The ResourcePolicyGateway for S3 bucket policies.
 * @example
 * const buckets = createBucketPolicyGateway(clients.s3);
 * const { document } = await buckets.read('arn:aws:s3:::amzn-s3-demo-bucket');
 */
export function createBucketPolicyGateway(s3: S3Client): ResourcePolicyGateway {
  const errors = S3_ERRORS;
  return {
    async read(resourceArn): Promise<ResourcePolicy> {
      const bucket = bucketFromArn(resourceArn);
      let policy: string | undefined;
      try {
        ({ Policy: policy } = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
      } catch (err) {
        if (awsErrorCode(err) === 'NoSuchBucketPolicy') return { resourceArn, document: null };
        throw translate(errors, 'GetBucketPolicy', err, bucket);
      }
      const text = policy ?? '';
      return {
        resourceArn,
        document: text.trim() === '' ? null : decode(errors, 'GetBucketPolicy', bucket, text),
      };
    },

    async write(resourceArn, document): Promise<void> {
      const bucket = bucketFromArn(resourceArn);
      const operation = document ? 'PutBucketPolicy' : 'DeleteBucketPolicy';
      try {
        if (document) {
          await s3.send(
            new PutBucketPolicyCommand({ Bucket: bucket, Policy: serializePolicyDocument(document) }),
          );
        } else {
          await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
        }
      } catch (err) {
        throw translate(errors, operation, err, bucket, document);
      }
    },
  };
}

/**
 * The ResourcePolicyGateway for KMS key policies (policy name `default`). `write(arn, null)` throws: a key
 * always has a policy.
 * @example
 * const keys = createKeyPolicyGateway(clients.kms);
 * await keys.write(keyArn, withDeny);
 */
export function createKeyPolicyGateway(kms: KMSClient): ResourcePolicyGateway {
  const errors = KMS_ERRORS;
  return {
    async read(resourceArn): Promise<ResourcePolicy> {
      const keyId = keyIdFromArn(resourceArn);
      let policy: string | undefined;
      try {
        ({ Policy: policy } = await kms.send(
          new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }),
        ));
      } catch (err) {
        throw translate(errors, 'GetKeyPolicy', err, keyId);
      }
      if (!policy) {
        throw new AwsCallError(
          'GetKeyPolicy',
          'MissingKeyPolicy',
          `KMS returned no key policy for \`${keyId}\`.`,
        );
      }
      return { resourceArn, document: decode(errors, 'GetKeyPolicy', keyId, policy) };
    },

    async write(resourceArn, document): Promise<void> {
      const keyId = keyIdFromArn(resourceArn);
      if (!document) {
        throw new InvalidInputError(
          `A KMS key always has a key policy; the policy of \`${keyId}\` can be replaced but not deleted. Nothing changed.`,
        );
      }
      try {
        await kms.send(
          new PutKeyPolicyCommand({
            KeyId: keyId,
            PolicyName: 'default',
            Policy: serializePolicyDocument(document),
          }),
        );
      } catch (err) {
        throw translate(errors, 'PutKeyPolicy', err, keyId, document);
      }
    },
  };
}

/**
 * The ResourcePolicyGateway for SQS queue policies (the `Policy` attribute). Queue URLs are looked up once
 * per ARN with GetQueueUrl.
 * @example
 * const queues = createQueuePolicyGateway(clients.sqs);
 * await queues.write('arn:aws:sqs:us-west-2:111122223333:orders', null); // removes the policy
 */
export function createQueuePolicyGateway(sqs: SQSClient): ResourcePolicyGateway {
  const errors = SQS_ERRORS;
  const urls = new Map<string, string>();

  async function queueUrl(resourceArn: string): Promise<{ name: string; url: string }> {
    const { name, account } = queueFromArn(resourceArn);
    const known = urls.get(resourceArn);
    if (known) return { name, url: known };
    let url: string | undefined;
    try {
      ({ QueueUrl: url } = await sqs.send(
        new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
      ));
    } catch (err) {
      throw translate(errors, 'GetQueueUrl', err, name);
    }
    if (!url) {
      throw new AwsCallError(
        'GetQueueUrl',
        'MissingQueueUrl',
        `SQS returned no URL for the queue \`${name}\`.`,
      );
    }
    urls.set(resourceArn, url);
    return { name, url };
  }

  return {
    async read(resourceArn): Promise<ResourcePolicy> {
      const { name, url } = await queueUrl(resourceArn);
      let policy: string | undefined;
      try {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }),
        );
        policy = Attributes?.Policy;
      } catch (err) {
        throw translate(errors, 'GetQueueAttributes', err, name);
      }
      return {
        resourceArn,
        document: policy ? decode(errors, 'GetQueueAttributes', name, policy) : null,
      };
    },

    async write(resourceArn, document): Promise<void> {
      const { name, url } = await queueUrl(resourceArn);
      try {
        await sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: url,
            Attributes: { Policy: document ? serializePolicyDocument(document) : '' },
          }),
        );
      } catch (err) {
        throw translate(errors, 'SetQueueAttributes', err, name, document);
      }
    },
  };
}

/**
 * The ResourcePolicyGateway for Secrets Manager secret policies, with `validate` through
 * ValidateResourcePolicy.
 * @example
 * const secrets = createSecretPolicyGateway(clients.secretsManager);
 * const { notes, rejected } = await secrets.validate!(secretArn, withDeny); // notes [] when it sees none
 */
export function createSecretPolicyGateway(sm: SecretsManagerClient): ResourcePolicyGateway {
  const errors = SECRET_ERRORS;
  return {
    async read(resourceArn): Promise<ResourcePolicy> {
      const name = secretNameFromArn(resourceArn);
      let policy: string | undefined;
      try {
        ({ ResourcePolicy: policy } = await sm.send(new GetResourcePolicyCommand({ SecretId: resourceArn })));
      } catch (err) {
        throw translate(errors, 'GetResourcePolicy', err, name);
      }
      return {
        resourceArn,
        document: policy ? decode(errors, 'GetResourcePolicy', name, policy) : null,
      };
    },

    async write(resourceArn, document): Promise<void> {
      const name = secretNameFromArn(resourceArn);
      const operation = document ? 'PutResourcePolicy' : 'DeleteResourcePolicy';
      try {
        if (document) {
          await sm.send(
            new PutResourcePolicyCommand({
              SecretId: resourceArn,
              ResourcePolicy: serializePolicyDocument(document),
            }),
          );
        } else {
          await sm.send(new DeleteResourcePolicyCommand({ SecretId: resourceArn }));
        }
      } catch (err) {
        throw translate(errors, operation, err, name, document);
      }
    },

    async validate(resourceArn, document): Promise<PolicyValidation> {
      const name = secretNameFromArn(resourceArn);
      try {
        const out = await sm.send(
          new ValidateResourcePolicyCommand({
            SecretId: resourceArn,
            ResourcePolicy: serializePolicyDocument(document),
          }),
        );
        if (out.PolicyValidationPassed) return { notes: [] };
        const problems = (out.ValidationErrors ?? []).map(
          (v) =>
            `Secrets Manager validation ${v.CheckName ? `(${v.CheckName}) ` : ''}found a problem with the secret policy for \`${name}\`: "${v.ErrorMessage ?? 'no reason given'}".`,
        );
        return {
          notes:
            problems.length > 0
              ? problems
              : [
                  `Secrets Manager validation did not pass the secret policy for \`${name}\` and gave no reason.`,
                ],
        };
      } catch (err) {
        const code = awsErrorCode(err);
        const message = (err as SdkError | undefined)?.message ?? '';
        if (code === 'MalformedPolicyDocument' || code === 'LimitExceeded') {
          // PutResourcePolicy would refuse the same document: not something to approve.
          return {
            notes: [],
            rejected: `Secrets Manager rejected the secret policy for \`${name}\` (${code}): "${message || 'no reason given'}".`,
          };
        }
        return {
          notes: [
            `Secrets Manager validation was unavailable for \`${name}\` (ValidateResourcePolicy failed: ${code}); the policy was not checked by the service.`,
          ],
        };
      }
    },
  };
}

/**
 * One gateway per resource kind, on the clients of `createAwsClients`.
 * @example
 * const gateways = createResourcePolicyGateways(clients);
 * await gateways['kms-key'].read(keyArn);
 */
export function createResourcePolicyGateways(clients: {
  s3: S3Client;
  kms: KMSClient;
  sqs: SQSClient;
  secretsManager: SecretsManagerClient;
}): Record<ResourcePolicyKind, ResourcePolicyGateway> {
  return {
    's3-bucket': createBucketPolicyGateway(clients.s3),
    'kms-key': createKeyPolicyGateway(clients.kms),
    'sqs-queue': createQueuePolicyGateway(clients.sqs),
    secret: createSecretPolicyGateway(clients.secretsManager),
  };
}
