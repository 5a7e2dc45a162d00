/**
 * Deny and Undo on an IAM role finding, with I/O: read the trust policy (GetRole), compute the edit
 * (./trust-policy-deny), gather evidence (our evaluator and an Access Analyzer access preview), and later apply
 * it (UpdateAssumeRolePolicy).
 *
 * Applying never reuses the document the approvers saw: it reads the role again and adds (or removes) the
 * statement with the finding's Sid to the policy as it is then, so edits made meanwhile are kept and a repeat
 * (a retried execution after a crash) finds the statement already there and changes nothing.
 * Needs: iam:GetRole, iam:UpdateAssumeRolePolicy, access-analyzer:CreateAccessPreview, GetAccessPreview,
 * ListAccessPreviewFindings.
 */
import type { Finding } from '../findings/finding';
import { denySid } from './deny-sid';
import { denyEvidence } from './evaluate';
import type { PolicyDocument } from './policy-document';
import type { AccessPreviewer, PreviewVerdict, TrustPolicyGateway } from './ports';
import { refuseOwnerLoss } from './deny-support';
import {
  addTrustPolicyDeny,
  DenyNotApplicableError,
  removeTrustPolicyDeny,
  type DenyOptions,
} from './trust-policy-deny';

export const ROLE_RESOURCE_TYPE = 'AWS::IAM::Role';

/** What the approvers are shown, stored on the approval request. */
export interface TrustPolicyPlan {
  kind: 'role-trust-policy';
  op: 'deny' | 'undo';
  roleName: string;
  roleArn: string;
  sid: string;
  before: PolicyDocument;
  after: PolicyDocument;
  diff: string;
  /** False when the policy already is as wanted (the Deny is there / gone): applying changes nothing. */
  changes: boolean;
  evidence?: {
    blocksExternal: boolean | 'unknown';
    keepsOwnerAccess: boolean | 'unknown';
    details: string[];
    preview: PreviewVerdict;
  };
}

/** What applying did, for the decision log and the thread. */
export interface TrustPolicyChange {
  roleArn: string;
  sid: string;
  before: PolicyDocument;
  after: PolicyDocument;
  diff: string;
  changed: boolean;
}

export interface RoleTrustDeps {
  roles: TrustPolicyGateway;
  previewer: AccessPreviewer;
  organizationId?: string;
  maxChars: number;
}

/**
 * The role's name from its ARN (the last path segment).
 * @example roleNameOf('arn:aws:iam::111122223333:role/service-role/Audit') // 'Audit'
 */
export function roleNameOf(arn: string): string {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[^/]+\/)*([\w+=,.@-]{1,64})$/.exec(arn);
  if (!m) throw new DenyNotApplicableError(`"${arn}" is not an IAM role ARN`);
  return m[1]!;
}

/** @throws DenyNotApplicableError for a finding on anything but an IAM role (the only type this version denies). */
export function checkRoleFinding(finding: Finding): void {
  if (finding.resourceType !== ROLE_RESOURCE_TYPE) {
    throw new DenyNotApplicableError(
      `this version adds Deny statements to IAM role trust policies only, and this is a ${finding.resourceType}. ` +
        'Remove the access in its resource policy yourself (Open in console); the message updates when ' +
        'Access Analyzer resolves the finding',
    );
  }
}

function denyOptions(finding: Finding, deps: RoleTrustDeps): DenyOptions {
  const partition = /^arn:(aws[a-z-]*):/.exec(finding.resource)?.[1] ?? 'aws';
  return {
    ownAccount: finding.accountId,
    maxChars: deps.maxChars,
    partition,
    ...(deps.organizationId ? { orgId: deps.organizationId } : {}),
  };
}

/**
 * Reads the role and prepares the Deny for approval: the new document, the diff and the evidence (our
 * evaluator always; Access Analyzer's preview when it answers).
 * @throws DenyNotApplicableError (not a role, no usable principal), PolicyTooLargeError, AwsCallError.
 */
export async function planTrustPolicyDeny(finding: Finding, deps: RoleTrustDeps): Promise<TrustPolicyPlan> {
  checkRoleFinding(finding);
  const roleName = roleNameOf(finding.resource);
  const current = await deps.roles.getTrustPolicy(roleName);
  const options = denyOptions(finding, deps);
  const result = addTrustPolicyDeny(current.document, finding, options);
  const local = denyEvidence(current.document, result.document, finding, finding.accountId, {
    ...(deps.organizationId ? { orgId: deps.organizationId } : {}),
    partition: options.partition,
  });
  refuseOwnerLoss(local);
  const preview = await deps.previewer.previewTrustPolicy({
    analyzerArn: finding.analyzerArn,
    roleArn: current.roleArn,
    trustPolicy: result.document,
    findingId: finding.id,
  });
  return {
    kind: 'role-trust-policy',
    op: 'deny',
    roleName,
    roleArn: current.roleArn,
    sid: result.statement.Sid ?? denySid(finding.id),
    before: current.document,
    after: result.document,
    diff: result.diff,
    changes: result.changed,
    evidence: { ...local, preview },
  };
}

/**
 * Reads the role's trust policy as it is now, runs `edit` on it, and writes the result if it changed.
 * Reading again (instead of reusing what the approvers saw) keeps edits made meanwhile, and makes a retried
 * execution find its change already made.
 */
async function applyEdit(
  finding: Finding,
  deps: RoleTrustDeps,
  edit: (current: PolicyDocument) => { document: PolicyDocument; diff: string; changed: boolean },
): Promise<TrustPolicyChange> {
  checkRoleFinding(finding);
  const roleName = roleNameOf(finding.resource);
  const current = await deps.roles.getTrustPolicy(roleName);
  const result = edit(current.document);
  if (result.changed) await deps.roles.putTrustPolicy(roleName, result.document);
  return {
    roleArn: current.roleArn,
    sid: denySid(finding.id),
    before: current.document,
    after: result.document,
    diff: result.diff,
    changed: result.changed,
  };
}

/** Applies the Deny to the trust policy as it is now (idempotent: the Sid is looked for first). */
export async function applyTrustPolicyDeny(
  finding: Finding,
  deps: RoleTrustDeps,
): Promise<TrustPolicyChange> {
  return applyEdit(finding, deps, (current) =>
    addTrustPolicyDeny(current, finding, denyOptions(finding, deps)),
  );
}

/** Prepares Undo: the document without the finding's Deny statement (and nothing else changed). */
export async function planTrustPolicyUndo(finding: Finding, deps: RoleTrustDeps): Promise<TrustPolicyPlan> {
  checkRoleFinding(finding);
  const roleName = roleNameOf(finding.resource);
  const current = await deps.roles.getTrustPolicy(roleName);
  const result = removeTrustPolicyDeny(current.document, finding.id);
  return {
    kind: 'role-trust-policy',
    op: 'undo',
    roleName,
    roleArn: current.roleArn,
    sid: denySid(finding.id),
    before: current.document,
    after: result.document,
    diff: result.diff,
    changes: result.removed,
  };
}

/** Removes exactly the statement with the finding's Sid from the trust policy as it is now. */
export async function applyTrustPolicyUndo(
  finding: Finding,
  deps: RoleTrustDeps,
): Promise<TrustPolicyChange> {
  return applyEdit(finding, deps, (current) => {
    const r = removeTrustPolicyDeny(current, finding.id);
    return { ...r, changed: r.removed };
  });
}
