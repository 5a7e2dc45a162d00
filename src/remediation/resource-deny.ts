/**
 * Deny and Undo on a finding whose access a resource policy grants (S3 bucket, KMS key, SQS queue, Secrets
 * Manager secret), with I/O: read the policy through the service's gateway, compute the edit
 * (./resource-policy-deny), gather evidence (our evaluator, Access Analyzer's access preview, and the service's own
 * validation where it has one), and later apply it.
 *
 * As for roles (./role-trust), applying reads the policy again and edits it as it is then: changes made meanwhile
 * are kept, and a retried execution finds its statement already there. Undo that leaves no statement deletes the
 * policy (a bucket, queue or secret that had none before gets none back); a key policy is never deleted.
 */
import { AppError } from '../errors';
import type { Finding } from '../findings/finding';
import { denySid } from './deny-sid';
import { stableJson, type PolicyDocument, type PolicyStatement } from './policy-document';
import type { AccessPreviewer, PolicyValidation, PreviewVerdict, ResourcePolicyGateway } from './ports';
import { refuseOwnerLoss } from './deny-support';
import {
  addResourcePolicyDeny,
  removeResourcePolicyDeny,
  resourceDenyEvidence,
  type PolicyResourceKind,
  type ResourceDenyOptions,
} from './resource-policy-deny';

/** The service's own validation says it would refuse the new policy: nothing to approve. */
export class PolicyRejectedError extends AppError {
  constructor(sentence: string) {
    super(
      'policy_rejected',
      sentence,
      `Cannot add the Deny: ${sentence} Nothing was requested and nothing changed.`,
    );
    this.name = 'PolicyRejectedError';
  }
}

/** What each kind's policy is called in sentences. */
export const POLICY_NAMES: Readonly<Record<PolicyResourceKind, string>> = {
  's3-bucket': 'bucket policy',
  'kms-key': 'key policy',
  'sqs-queue': 'queue policy',
  secret: 'secret policy',
};

export interface ResourceDenyDeps {
  gateways: Readonly<Record<PolicyResourceKind, ResourcePolicyGateway>>;
  previewer: AccessPreviewer;
  organizationId?: string;
}

/** What the approvers are shown, stored on the approval request. */
export interface ResourcePolicyPlan {
  kind: 'resource-policy';
  op: 'deny' | 'undo';
  policyKind: PolicyResourceKind;
  /** The resource line of the approval message. */
  target: string;
  resourceArn: string;
  sid: string;
  before: PolicyDocument | null;
  after: PolicyDocument | null;
  diff: string;
  changes: boolean;
  /** Problems the service's own validation reported (Secrets Manager), shown to approvers. */
  notes?: string[];
  evidence?: {
    blocksExternal: boolean | 'unknown';
    keepsOwnerAccess: boolean | 'unknown';
    details: string[];
    preview: PreviewVerdict;
  };
}

/** What applying did (to any policy: role trust policies report the same shape), for the log and the thread. */
export interface ResourcePolicyChange {
  resourceArn: string;
  policyName: string;
  sid: string;
  before: PolicyDocument | null;
  after: PolicyDocument | null;
  diff: string;
  changed: boolean;
}

function options(finding: Finding, kind: PolicyResourceKind, deps: ResourceDenyDeps): ResourceDenyOptions {
  const partition = /^arn:(aws[a-z-]*):/.exec(finding.resource)?.[1] ?? 'aws';
  return {
    kind,
    resourceArn: finding.resource,
    ownAccount: finding.accountId,
    partition,
    ...(deps.organizationId ? { orgId: deps.organizationId } : {}),
  };
}

/**
 * Reads the resource policy and prepares the Deny for approval.
 * @throws DenyNotApplicableError, PolicyTooLargeError, KeyLockoutError, AwsCallError.
 */
export async function planResourcePolicyDeny(
  finding: Finding,
  kind: PolicyResourceKind,
  deps: ResourceDenyDeps,
): Promise<ResourcePolicyPlan> {
  const gateway = deps.gateways[kind];
  const current = await gateway.read(finding.resource);
  const opts = options(finding, kind, deps);
  const result = addResourcePolicyDeny(current.document, finding, opts);
  const local = resourceDenyEvidence(current.document, result.document, finding, opts);
  refuseOwnerLoss(local);
  const [preview, validation] = await Promise.all([
    deps.previewer.previewPolicy({
      analyzerArn: finding.analyzerArn,
      resourceArn: finding.resource,
      resourceType: finding.resourceType,
      policy: result.document,
      findingId: finding.id,
    }),
    gateway.validate
      ? gateway.validate(finding.resource, result.document)
      : Promise.resolve<PolicyValidation>({ notes: [] }),
  ]);
  if (validation.rejected) throw new PolicyRejectedError(validation.rejected);
  const problems = validation.notes;
  return {
    kind: 'resource-policy',
    op: 'deny',
    policyKind: kind,
    target: `${POLICY_NAMES[kind]} of ${finding.resource}`,
    resourceArn: finding.resource,
    sid: result.statement.Sid ?? denySid(finding.id),
    before: current.document,
    after: result.document,
    diff: result.diff,
    changes: result.changed,
    ...(problems.length ? { notes: problems.map((p) => `⚠️ Service validation: ${p}`) } : {}),
    evidence: { ...local, preview },
  };
}

async function applyEdit(
  finding: Finding,
  kind: PolicyResourceKind,
  deps: ResourceDenyDeps,
  edit: (current: PolicyDocument | null) => {
    document: PolicyDocument | null;
    diff: string;
    changed: boolean;
  },
): Promise<ResourcePolicyChange> {
  const gateway = deps.gateways[kind];
  const current = await gateway.read(finding.resource);
  const result = edit(current.document);
  if (result.changed) await gateway.write(finding.resource, result.document);
  return {
    resourceArn: finding.resource,
    policyName: POLICY_NAMES[kind],
    sid: denySid(finding.id),
    before: current.document,
    after: result.document,
    diff: result.diff,
    changed: result.changed,
  };
}

/** Adds the Deny to the policy as it is now (idempotent: the Sid is looked for first). */
export function applyResourcePolicyDeny(
  finding: Finding,
  kind: PolicyResourceKind,
  deps: ResourceDenyDeps,
  approved?: PolicyStatement,
): Promise<ResourcePolicyChange> {
  return applyEdit(finding, kind, deps, (current) => {
    const result = addResourcePolicyDeny(current, finding, options(finding, kind, deps));
    // A public finding's Deny spares the accounts the policy names as it is now: if that changed since the
    // approvers saw it, they approved another statement, so it is not applied.
    if (approved && stableJson(result.statement) !== stableJson(approved)) throw new DenyChangedError();
    return result;
  });
}

/** The statement applying would add is not the one the approvers saw (the policy changed meanwhile). */
export class DenyChangedError extends AppError {
  constructor() {
    const message =
      'the policy changed since the request was made, so the Deny would now differ from the one approved';
    super(
      'deny_changed',
      message,
      `Not applied: ${message}. Nothing changed; request Deny again to review it.`,
    );
    this.name = 'DenyChangedError';
  }
}

/** The Deny statement an approved plan showed (the statement with the plan's Sid in its `after`). */
export function approvedStatement(plan: Record<string, unknown> | undefined): PolicyStatement | undefined {
  const p = plan as Partial<ResourcePolicyPlan> | undefined;
  if (p?.kind !== 'resource-policy' || p.op !== 'deny' || !p.after) return undefined;
  return p.after.Statement.find((s) => s.Sid === p.sid);
}

/** Prepares Undo: the policy without the finding's Deny statement (deleted when nothing else is left). */
export async function planResourcePolicyUndo(
  finding: Finding,
  kind: PolicyResourceKind,
  deps: ResourceDenyDeps,
): Promise<ResourcePolicyPlan> {
  const current = await deps.gateways[kind].read(finding.resource);
  const result = removeResourcePolicyDeny(current.document, finding.id);
  return {
    kind: 'resource-policy',
    op: 'undo',
    policyKind: kind,
    target: `${POLICY_NAMES[kind]} of ${finding.resource}`,
    resourceArn: finding.resource,
    sid: denySid(finding.id),
    before: current.document,
    after: result.document,
    diff: result.diff,
    changes: result.removed,
  };
}

/** Removes exactly the statement with the finding's Sid from the policy as it is now. */
export function applyResourcePolicyUndo(
  finding: Finding,
  kind: PolicyResourceKind,
  deps: ResourceDenyDeps,
): Promise<ResourcePolicyChange> {
  return applyEdit(finding, kind, deps, (current) => {
    const r = removeResourcePolicyDeny(current, finding.id);
    return { document: r.document, diff: r.diff, changed: r.removed };
  });
}
