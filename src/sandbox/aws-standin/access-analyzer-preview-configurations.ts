import { validationError } from './errors';
import type { AnalyzableResource } from './account-resources';
import { parsePolicy } from './policy-document';

/**
 * The CreateAccessPreview `configurations` the stand-in understands, mapped to the resources analysis
 * reads: `iamRole.trustPolicy`, `s3Bucket.bucketPolicy` (+ `bucketPublicAccessBlock.restrictPublicBuckets`),
 * `kmsKey.keyPolicies.default`, `sqsQueue.queuePolicy`, `secretsManagerSecret.secretPolicy`. Each entry is a
 * union with exactly one member whose ARN must fit its type; other members (EBS, ECR, SNS, …) →
 * ValidationException with reason notSupported.
 *
 * As Access Analyzer documents for each configuration: for a resource that exists, a policy (or S3 Block
 * Public Access setting) left out means the resource's current one; an empty string proposes deleting the
 * policy (bucket, queue, secret), except for a key policy, which cannot be empty (ValidationException; a
 * role's empty trust policy fails the preview as unparsable). For a new resource a policy left out means no
 * policy.
 */
type Input = Record<string, unknown>;

const CONFIGURATIONS: Record<
  string,
  { type: AnalyzableResource['resourceType']; arn: RegExp; policy: (c: Input) => unknown }
> = {
  iamRole: { type: 'AWS::IAM::Role', arn: /^arn:aws[\w-]*:iam::\d{12}:role\//, policy: (c) => c.trustPolicy },
  s3Bucket: { type: 'AWS::S3::Bucket', arn: /^arn:aws[\w-]*:s3:::[^/]+$/, policy: (c) => c.bucketPolicy },
  kmsKey: {
    type: 'AWS::KMS::Key',
    arn: /^arn:aws[\w-]*:kms:/,
    policy: (c) => (c.keyPolicies as Input | undefined)?.default,
  },
  sqsQueue: { type: 'AWS::SQS::Queue', arn: /^arn:aws[\w-]*:sqs:/, policy: (c) => c.queuePolicy },
  secretsManagerSecret: {
    type: 'AWS::SecretsManager::Secret',
    arn: /^arn:aws[\w-]*:secretsmanager:/,
    policy: (c) => c.secretPolicy,
  },
};

export function toResource(arn: string, union: Input, existing?: AnalyzableResource): AnalyzableResource {
  const keys = Object.keys(union ?? {});
  if (keys.length !== 1)
    throw validationError(`configuration for ${arn} must name exactly one resource type`);
  const key = keys[0] as string;
  const spec = CONFIGURATIONS[key];
  if (!spec) throw validationError(`${key} configurations are not supported by the stand-in`, 'notSupported');
  if (!spec.arn.test(arn)) throw validationError(`${arn} is not a valid ARN for a ${key} configuration`);
  const config = (union[key] ?? {}) as Input;
  const proposed = spec.policy(config);
  if (proposed !== undefined && typeof proposed !== 'string')
    throw validationError(`the ${key} policy must be a string`);
  if (proposed === '' && key === 'kmsKey')
    throw validationError('the proposed key policy cannot be an empty string');
  const current = existing?.resourceType === spec.type ? existing : undefined;
  // A role always has a trust policy: an empty one stays a policy that does not parse (preview FAILED).
  const deletes = proposed === '' && key !== 'iamRole';
  const policy = proposed === undefined ? current?.policy : deletes ? undefined : proposed;
  const block = config.bucketPublicAccessBlock as { restrictPublicBuckets?: boolean } | undefined;
  return {
    arn,
    resourceType: spec.type,
    kind: key === 'iamRole' ? 'trust' : 'resource',
    policy,
    restrictPublicBuckets:
      block === undefined ? current?.restrictPublicBuckets === true : block.restrictPublicBuckets === true,
  };
}

export function parses(policy: string): boolean {
  try {
    parsePolicy(policy);
    return true;
  } catch {
    return false;
  }
}
