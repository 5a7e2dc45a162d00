import type { IamState } from './iam-state';
import type { KmsState } from './kms-state';
import { parsePolicy } from './policy-document';
import { findExternalAccess, type ExternalAccess, type PolicyKind } from './policy-evaluator';
import type { S3State } from './s3-state';
import type { SecretsManagerState } from './secrets-manager';
import type { SqsState } from './sqs-state';

/**
 * The resources of the account whose policies an external-access analyzer reads (IAM User Guide, "Resource
 * types supported for external access"): role trust policies, bucket policies (with the bucket's Block
 * Public Access), key policies, queue policies and secret policies. `resourceAccess` is the single place
 * where a resource's policy becomes external access, shared by analysis and access previews.
 */
export interface AnalyzableResource {
  arn: string;
  resourceType:
    | 'AWS::IAM::Role'
    | 'AWS::S3::Bucket'
    | 'AWS::KMS::Key'
    | 'AWS::SQS::Queue'
    | 'AWS::SecretsManager::Secret';
  kind: PolicyKind;
  /** Policy text; undefined when the resource has none. */
  policy?: string;
  /** S3 `RestrictPublicBuckets`: a public bucket policy then grants nothing outside the account. */
  restrictPublicBuckets?: boolean;
}

export interface AccountStates {
  iam: IamState;
  s3: S3State;
  kms: KmsState;
  secretsManager: SecretsManagerState;
  sqs: SqsState;
}

export function accountResources(states: AccountStates): AnalyzableResource[] {
  return [
    ...states.iam.listRoles().map((r): AnalyzableResource => ({
      arn: r.arn,
      resourceType: 'AWS::IAM::Role',
      kind: 'trust',
      policy: r.trustPolicy,
    })),
    ...states.s3.listBuckets().map((b): AnalyzableResource => ({
      arn: b.arn,
      resourceType: 'AWS::S3::Bucket',
      kind: 'resource',
      policy: b.policy,
      restrictPublicBuckets: b.publicAccessBlock?.RestrictPublicBuckets ?? false,
    })),
    ...states.kms.listKeys().map((k): AnalyzableResource => ({
      arn: k.arn,
      resourceType: 'AWS::KMS::Key',
      kind: 'resource',
      policy: k.policy,
    })),
    ...states.sqs.listQueues().map((q): AnalyzableResource => ({
      arn: q.arn,
      resourceType: 'AWS::SQS::Queue',
      kind: 'resource',
      policy: q.policy,
    })),
    ...states.secretsManager.listSecrets().map((s): AnalyzableResource => ({
      arn: s.arn,
      resourceType: 'AWS::SecretsManager::Secret',
      kind: 'resource',
      policy: s.policy,
    })),
  ];
}

/**
 * External access of one resource. A policy that does not parse grants nothing (the service would raise an
 * error finding; the stand-in does not). With `RestrictPublicBuckets` and a public policy, S3 limits the
 * bucket to the owner account and AWS services, so no external access remains.
 */
export function resourceAccess(resource: AnalyzableResource, account: string): ExternalAccess[] {
  if (resource.policy === undefined) return [];
  let access: ExternalAccess[];
  try {
    access = findExternalAccess(parsePolicy(resource.policy), account, resource.kind);
  } catch {
    return [];
  }
  if (resource.restrictPublicBuckets && access.some((a) => a.isPublic)) return [];
  return access;
}
