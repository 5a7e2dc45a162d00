/**
 * The remedies the approval workflow runs for findings: Deny and Undo deny. Each is a `Remedy`
 * (src/approvals/ports.ts): checks, a plan for the approvers, an idempotent apply. Where the Deny goes depends on
 * the resource (./deny-support): an IAM role's trust policy (./role-trust) or the resource policy of an S3 bucket,
 * KMS key, SQS queue or Secrets Manager secret (./resource-deny).
 */
import type { Remedy } from '../approvals/ports';
import type { Clock, FindingRecord } from '../findings/ports';
import { AppError } from '../errors';
import { denyTargetOf, policyTargetOf } from './deny-support';
import {
  applyResourcePolicyDeny,
  applyResourcePolicyUndo,
  approvedStatement,
  planResourcePolicyDeny,
  planResourcePolicyUndo,
  type ResourceDenyDeps,
  type ResourcePolicyChange as Change,
} from './resource-deny';
import {
  applyTrustPolicyDeny,
  applyTrustPolicyUndo,
  planTrustPolicyDeny,
  planTrustPolicyUndo,
  type RoleTrustDeps,
} from './role-trust';
import { DenyNotApplicableError } from './trust-policy-deny';

export type RemedyDeps = RoleTrustDeps & ResourceDenyDeps;

class NothingToUndoError extends AppError {
  constructor() {
    super('nothing_to_undo', 'no deny recorded', 'There is no Deny by this bot to undo on this finding.');
    this.name = 'NothingToUndoError';
  }
}

function checkDeny(rec: FindingRecord): void {
  const f = rec.finding;
  if (f.kind !== 'external' || f.isDeleted || f.error) {
    throw new DenyNotApplicableError('only external-access findings of existing resources can be denied');
  }
  if (rec.denied) {
    throw new DenyNotApplicableError(
      `the bot already added a Deny for it (statement ${rec.denied.sid}); use Undo deny to remove it`,
    );
  }
  denyTargetOf(f);
}

const details = (c: Change) => ({
  resourceArn: c.resourceArn,
  sid: c.sid,
  before: c.before,
  after: c.after,
  diff: c.diff,
  changed: c.changed,
});

export function createRemedies(deps: RemedyDeps, clock: Clock): Remedy[] {
  const plan = async (rec: FindingRecord, op: 'deny' | 'undo'): Promise<Record<string, unknown>> => {
    const target = op === 'deny' ? denyTargetOf(rec.finding) : policyTargetOf(rec.finding);
    if (target.kind === 'role-trust-policy') {
      const p =
        op === 'deny'
          ? await planTrustPolicyDeny(rec.finding, deps)
          : await planTrustPolicyUndo(rec.finding, deps);
      return { ...p, target: `trust policy of ${p.roleArn}` };
    }
    return op === 'deny'
      ? { ...(await planResourcePolicyDeny(rec.finding, target.policy, deps)) }
      : { ...(await planResourcePolicyUndo(rec.finding, target.policy, deps)) };
  };

  const apply = async (
    rec: FindingRecord,
    op: 'deny' | 'undo',
    plan?: Record<string, unknown>,
  ): Promise<Change> => {
    const target = op === 'deny' ? denyTargetOf(rec.finding) : policyTargetOf(rec.finding);
    if (target.kind === 'role-trust-policy') {
      const c =
        op === 'deny'
          ? await applyTrustPolicyDeny(rec.finding, deps)
          : await applyTrustPolicyUndo(rec.finding, deps);
      return { ...c, resourceArn: c.roleArn, policyName: 'trust policy' };
    }
    return op === 'deny'
      ? applyResourcePolicyDeny(rec.finding, target.policy, deps, approvedStatement(plan))
      : applyResourcePolicyUndo(rec.finding, target.policy, deps);
  };

  const deny: Remedy = {
    action: 'deny',
    label: 'Deny',
    statuses: ['ACTIVE'],
    check: checkDeny,
    plan: (rec) => plan(rec, 'deny'),
    async apply(rec, request) {
      const change = await apply(rec, 'deny', request.plan);
      const where = `the ${change.policyName} of \`${change.resourceArn}\``;
      return {
        summary: change.changed
          ? `:no_entry: Deny added to ${where} (statement \`${change.sid}\`), requested by <@${request.requester}>, approved by ${request.approvers.map((a) => `<@${a}>`).join(', ') || 'nobody (no approval needed)'}. Waiting for Access Analyzer to resolve the finding.`
          : `:no_entry: The Deny (statement \`${change.sid}\`) was already in ${where}; nothing changed.`,
        details: details(change),
        denied: {
          requestId: request.id,
          sid: change.sid,
          resourceArn: change.resourceArn,
          requestedBy: request.requester,
          approvedBy: request.approvers,
          at: new Date(clock.now()).toISOString(),
        },
        expectResolved: true,
      };
    },
  };

  const undo: Remedy = {
    action: 'undo',
    label: 'Undo deny',
    statuses: ['ACTIVE', 'ARCHIVED', 'RESOLVED'],
    check(rec) {
      if (!rec.denied) throw new NothingToUndoError();
    },
    plan: (rec) => plan(rec, 'undo'),
    async apply(rec, request) {
      const change = await apply(rec, 'undo');
      const where = `the ${change.policyName} of \`${change.resourceArn}\``;
      return {
        summary: change.changed
          ? `↩️ Deny removed from ${where} (statement \`${change.sid}\` only; the rest of the policy is as it was${change.after === null ? ', and as nothing else was left the policy was deleted' : ''}), requested by <@${request.requester}>.`
          : `↩️ The Deny statement \`${change.sid}\` was no longer in ${where}; nothing changed.`,
        details: details(change),
        denied: null,
      };
    },
  };
  return [deny, undo];
}
