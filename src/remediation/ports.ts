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
