/**
 * The ports remediation talks through. Implementations live in src/aws (IAM, Access Analyzer previews,
 * EventBridge); the use cases in this folder only see these shapes, so they are tested on the stand-ins
 * with the real SDK clients and, for narrow edge cases, with fakes.
 */
import type { DecisionPhase } from '../findings/ports';
import type { PolicyDocument } from './policy-document';

/** A role's trust policy as IAM returns it (GetRole), decoded. */
export interface RoleTrustPolicy {
  roleName: string;
  roleArn: string;
  document: PolicyDocument;
}

/** IAM role trust policies. Needs iam:GetRole and iam:UpdateAssumeRolePolicy. */
export interface TrustPolicyGateway {
  /**
   * GetRole.
   * @throws AwsCallError with a sentence for people (role gone: NoSuchEntity; AccessDenied; throttling).
   */
  getTrustPolicy(roleName: string): Promise<RoleTrustPolicy>;
  /**
   * UpdateAssumeRolePolicy with the document serialised as compact JSON.
   * @throws PolicyTooLargeError when IAM answers LimitExceeded for the document's size;
   *         AwsCallError for MalformedPolicyDocument (IAM's message quoted), NoSuchEntity, AccessDenied…
   */
  putTrustPolicy(roleName: string, document: PolicyDocument): Promise<void>;
}

/** A resource policy as its service returns it, decoded; null when the resource has no policy yet. */
export interface ResourcePolicy {
  resourceArn: string;
  document: PolicyDocument | null;
}

/** What a service's own policy validation said. */
export interface PolicyValidation {
  notes: string[];
  rejected?: string;
}

/**
 * One service's resource policies (S3 bucket, KMS key, SQS queue, Secrets Manager secret), addressed by the
 * resource ARN as Access Analyzer reports it. Implementations live in src/aws/resource-policies.ts.
 */
export interface ResourcePolicyGateway {
  /** @throws AwsCallError with a sentence for people (resource gone, AccessDenied, throttling…). */
  read(resourceArn: string): Promise<ResourcePolicy>;
  /**
   * Writes the document as compact JSON; null deletes the policy (not possible for KMS: throws).
   * @throws an AppError with code `policy_too_large` when the service refuses the size; AwsCallError otherwise
   *         (the service's message quoted for malformed policies).
   */
  write(resourceArn: string, document: PolicyDocument | null): Promise<void>;
  /**
   * Service-side validation before approval when the service offers it (Secrets Manager
   * ValidateResourcePolicy). `rejected`: the service would refuse to store the policy (malformed, too large), a
   * sentence; `notes`: what else it reported, or that validation was unavailable. Never throws for AWS errors.
   */
  validate?(resourceArn: string, document: PolicyDocument): Promise<PolicyValidation>;
}

/** What Access Analyzer itself says about a proposed policy, through an access preview. */
export type PreviewVerdict =
  /** The finding's access is gone with the proposed policy, and no new external access appears. */
  | { kind: 'resolves'; detail: string }
  /** The finding would stay ACTIVE/ARCHIVED, or the proposal opens new external access. */
  | { kind: 'does-not-resolve'; detail: string }
  /** No verdict (preview failed, timed out, not allowed, resource type not supported); `detail` says why. */
  | { kind: 'unavailable'; detail: string };

/** Access previews (access-analyzer:CreateAccessPreview, GetAccessPreview, ListAccessPreviewFindings). */
export interface AccessPreviewer {
  /**
   * Previews the role with `trustPolicy` in `analyzerArn` and judges the result for `findingId`. Never
   * throws for AWS errors or time-outs: evidence is advisory, so it answers `unavailable` with the reason.
   */
  previewTrustPolicy(input: {
    analyzerArn: string;
    roleArn: string;
    trustPolicy: PolicyDocument;
    findingId: string;
  }): Promise<PreviewVerdict>;
  /**
   * Previews the resource with `policy` as its resource policy (trust policy for `AWS::IAM::Role`; bucket,
   * key, queue or secret policy for `AWS::S3::Bucket`, `AWS::KMS::Key`, `AWS::SQS::Queue`,
   * `AWS::SecretsManager::Secret`) and judges the result for `findingId`. Other resource types answer
   * `unavailable`. Never throws for AWS errors or time-outs, like previewTrustPolicy.
   */
  previewPolicy(input: {
    analyzerArn: string;
    resourceArn: string;
    resourceType: string;
    policy: PolicyDocument;
    findingId: string;
  }): Promise<PreviewVerdict>;
}

/** One decision as published to EventBridge (detail of a `Finding Decision` event). */
export interface DecisionEvent {
  requestId: string;
  findingId: string;
  action: string;
  phase: DecisionPhase;
  actor: string;
  at: string;
  resource?: string;
  accountId?: string;
  region?: string;
  details?: Record<string, unknown>;
}

/** Publishes decisions for SIEMs and other automation (EVENT_BUS_NAME). Needs events:PutEvents on the bus. */
export interface DecisionPublisher {
  /** Never throws: a failed publish is logged (with the request id) and does not undo the decision. */
  publish(event: DecisionEvent): Promise<void>;
}
