/**
 * Which findings Deny can handle, and for the others why not and what to do instead. Deny adds one explicit
 * Deny statement to a policy, so it works where the access is granted by a policy the bot can edit: IAM role
 * trust policies, S3 bucket policies, KMS key policies, SQS queue policies and Secrets Manager secret policies.
 * Access shared in another way (Lambda permissions, snapshot attributes, S3 ACLs) has no policy a Deny could go
 * into; the user gets the reason, the fix, and a link to the place in the console where it is made.
 */
import { SOURCE_LABELS, type Finding } from '../findings/finding';
import { resourceConsoleUrl } from '../findings/console-links';
import { POLICY_RESOURCE_KINDS, type PolicyResourceKind } from './resource-policy-deny';
import { DenyNotApplicableError } from './trust-policy-deny';

export type DenyTarget =
  { kind: 'role-trust-policy' } | { kind: 'resource-policy'; policy: PolicyResourceKind };

/** What to do instead, per resource type whose access no Deny statement can take away. */
const INSTEAD: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function':
    'Lambda function permissions are statements added with AddPermission, and they take no Deny. Remove the statement that grants this access (`aws lambda remove-permission --function-name … --statement-id …`, or Configuration → Permissions → Resource-based policy statements)',
  'AWS::Lambda::LayerVersion':
    'layer version permissions take no Deny. Remove the grant with `aws lambda remove-layer-version-permission`',
  'AWS::EC2::Snapshot':
    'the snapshot is shared through its create-volume permissions, not a policy. Remove the account (or "public") from them (`aws ec2 modify-snapshot-attribute --attribute createVolumePermission --operation-type remove …`)',
  'AWS::RDS::DBSnapshot':
    'the snapshot is shared through its `restore` attribute, not a policy. Remove the account (or "all") from it (`aws rds modify-db-snapshot-attribute --attribute-name restore --values-to-remove …`)',
  'AWS::RDS::DBClusterSnapshot':
    'the snapshot is shared through its `restore` attribute, not a policy. Remove the account (or "all") from it (`aws rds modify-db-cluster-snapshot-attribute --attribute-name restore --values-to-remove …`)',
  'AWS::SNS::Topic':
    'this version of the bot does not edit SNS topic policies. Remove the grant from the topic policy yourself',
  'AWS::ECR::Repository':
    'this version of the bot does not edit ECR repository policies. Remove the grant from the repository policy yourself',
  'AWS::EFS::FileSystem':
    'this version of the bot does not edit EFS file system policies. Remove the grant from the file system policy yourself',
  'AWS::DynamoDB::Table':
    'this version of the bot does not edit DynamoDB resource policies. Remove the grant from the table policy yourself',
  'AWS::DynamoDB::Stream':
    'this version of the bot does not edit DynamoDB resource policies. Remove the grant from the stream policy yourself',
  'AWS::S3Express::DirectoryBucket':
    'this version of the bot does not edit directory bucket policies. Remove the grant from the bucket policy yourself',
};

function notApplicable(finding: Finding, why: string): DenyNotApplicableError {
  const url = resourceConsoleUrl(finding);
  return new DenyNotApplicableError(
    `${why}. The message updates when Access Analyzer resolves the finding. <${url}|Open the resource in the AWS console>`,
  );
}

/**
 * Which policy the bot's Deny for a finding of this resource type lives in (for Undo too).
 * @throws DenyNotApplicableError saying why not and what to do, with a console link, for types that take none.
 */
export function policyTargetOf(finding: Finding): DenyTarget {
  if (finding.resourceType === 'AWS::IAM::Role') return { kind: 'role-trust-policy' };
  const policy = POLICY_RESOURCE_KINDS[finding.resourceType];
  if (policy) return { kind: 'resource-policy', policy };
  const instead = INSTEAD[finding.resourceType];
  throw notApplicable(
    finding,
    instead ??
      `the bot cannot add a Deny to a ${finding.resourceType}; remove the access in its policy yourself`,
  );
}

/**
 * Where a new Deny for `finding` goes: its policy, unless the access comes only from something a Deny statement is
 * not the fix for (an S3 bucket ACL).
 * @throws DenyNotApplicableError saying why not and what to do, with a console link.
 */
export function denyTargetOf(finding: Finding): DenyTarget {
  const target = policyTargetOf(finding);
  const sources = finding.sources ?? [];
  if (
    target.kind === 'resource-policy' &&
    sources.length > 0 &&
    sources.every((s) => s === SOURCE_LABELS.BUCKET_ACL)
  ) {
    throw notApplicable(
      finding,
      'this access comes from the bucket ACL, which a bucket-policy Deny is not the way to fix. Remove the ACL grant (Permissions → Access control list), or set Object Ownership to "Bucket owner enforced", which turns ACLs off',
    );
  }
  return target;
}

/**
 * Never asks approvers to take away access the owner's side has: when our evaluator is sure something it allowed
 * would be denied (e.g. a principal the policy names that has no 12-digit account), the Deny is refused.
 * @throws DenyNotApplicableError listing what would be lost.
 */
export function refuseOwnerLoss(evidence: {
  keepsOwnerAccess: boolean | 'unknown';
  details: string[];
}): void {
  if (evidence.keepsOwnerAccess !== false) return;
  const lost = evidence.details.filter((d) => d.startsWith('LOST')).slice(0, 3);
  throw new DenyNotApplicableError(
    `it would also take away access the account's own side has (${lost.join('; ')}); remove the external access by hand instead`,
  );
}
