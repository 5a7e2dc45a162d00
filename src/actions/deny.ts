/**
 * Deny and Undo deny: remediations that go through the approval chain (`deny`, `undo`). A click starts an
 * approval request (src/approvals/workflow.ts); the remedy (src/remediation/remedies.ts) runs after approval.
 * @example clicking Deny on the Audit_CrossAccountRole finding → a request in the thread with the trust-policy
 *   diff and evidence; once approved, UpdateAssumeRolePolicy adds `Deny` for Alice. On a public bucket the same
 *   goes through the bucket policy (PutBucketPolicy); see src/remediation/deny-support.ts for where each type's
 *   Deny goes and what the click says for types that take none.
 */
import type { ApprovalAction } from '../approvals/types';
import type { FindingAction } from './types';

/** Reading and writing the policies a Deny goes into (role trust, bucket, key, queue and secret policies). */
const POLICY_EDIT_PERMISSIONS = [
  'iam:GetRole',
  'iam:UpdateAssumeRolePolicy',
  's3:GetBucketPolicy',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'sqs:GetQueueUrl',
  'sqs:GetQueueAttributes',
  'sqs:SetQueueAttributes',
  'secretsmanager:GetResourcePolicy',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:ValidateResourcePolicy',
];

/** The access preview shown to approvers as evidence. */
const PREVIEW_PERMISSIONS = [
  'access-analyzer:CreateAccessPreview',
  'access-analyzer:GetAccessPreview',
  'access-analyzer:ListAccessPreviewFindings',
];

/** The click starts an approval request for `action`; the remedy runs once it is approved. */
const requestApproval =
  (action: ApprovalAction): FindingAction['execute'] =>
  async ({ actor, requestId, record, clickKey }, { workflow }) => {
    await workflow.request({
      action,
      findingId: record.finding.id,
      requester: actor,
      requestId,
      idempotencyKey: clickKey,
    });
    return {};
  };

export const deny: FindingAction = {
  id: 'deny',
  label: 'Deny',
  style: 'danger',
  approval: 'deny',
  confirm: {
    title: 'Deny this access?',
    text: 'Asks approvers to add an explicit Deny for the external principal to the resource policy. Nothing changes until the request is approved.',
    confirm: 'Request Deny',
    deny: 'Cancel',
  },
  permissions: [...POLICY_EDIT_PERMISSIONS, ...PREVIEW_PERMISSIONS],
  appliesTo: ({ finding: f, denied }) =>
    f.kind === 'external' && f.status === 'ACTIVE' && !f.isDeleted && !f.error && !denied,
  execute: requestApproval('deny'),
};

export const undoDeny: FindingAction = {
  id: 'undo-deny',
  label: 'Undo deny',
  approval: 'undo',
  confirm: {
    title: 'Undo the Deny?',
    text: 'Asks approvers to remove the Deny statement this bot added, and nothing else. The external access comes back.',
    confirm: 'Request Undo',
    deny: 'Cancel',
  },
  permissions: [...POLICY_EDIT_PERMISSIONS],
  appliesTo: ({ denied, pending }) => denied !== undefined && pending?.action !== 'undo',
  execute: requestApproval('undo'),
};
