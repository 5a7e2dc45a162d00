/**
 * The remedies the approval workflow runs for findings, as of this version: Deny and Undo deny on IAM role
 * trust policies. Each is a `Remedy` (src/approvals/ports.ts): checks, a plan for the approvers, an
 * idempotent apply.
 */
import type { Remedy } from '../approvals/ports';
import type { Clock, FindingRecord } from '../findings/ports';
import { AppError } from '../errors';
import {
  applyTrustPolicyDeny,
  applyTrustPolicyUndo,
  planTrustPolicyDeny,
  planTrustPolicyUndo,
  checkRoleFinding,
  type RoleTrustDeps,
  type TrustPolicyChange,
} from './role-trust';
import { DenyNotApplicableError } from './trust-policy-deny';

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
  checkRoleFinding(f);
}

const details = (c: TrustPolicyChange) => ({
  roleArn: c.roleArn,
  sid: c.sid,
  before: c.before,
  after: c.after,
  diff: c.diff,
  changed: c.changed,
});

export function createRemedies(deps: RoleTrustDeps, clock: Clock): Remedy[] {
  const deny: Remedy = {
    action: 'deny',
    label: 'Deny',
    statuses: ['ACTIVE'],
    check: checkDeny,
    plan: async (rec) => ({ ...(await planTrustPolicyDeny(rec.finding, deps)) }),
    async apply(rec, request) {
      const change = await applyTrustPolicyDeny(rec.finding, deps);
      return {
        summary: change.changed
          ? `:no_entry: Deny added to the trust policy of \`${change.roleArn}\` (statement \`${change.sid}\`), requested by <@${request.requester}>, approved by ${request.approvers.map((a) => `<@${a}>`).join(', ') || 'nobody (no approval needed)'}. Waiting for Access Analyzer to resolve the finding.`
          : `:no_entry: The Deny (statement \`${change.sid}\`) was already in the trust policy of \`${change.roleArn}\`; nothing changed.`,
        details: details(change),
        denied: {
          requestId: request.id,
          sid: change.sid,
          resourceArn: change.roleArn,
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
    plan: async (rec) => ({ ...(await planTrustPolicyUndo(rec.finding, deps)) }),
    async apply(rec, request) {
      const change = await applyTrustPolicyUndo(rec.finding, deps);
      return {
        summary: change.changed
          ? `↩️ Deny removed from the trust policy of \`${change.roleArn}\` (statement \`${change.sid}\` only; the rest of the policy is as it was), requested by <@${request.requester}>.`
          : `↩️ The Deny statement \`${change.sid}\` was no longer in the trust policy of \`${change.roleArn}\`; nothing changed.`,
        details: details(change),
        denied: null,
      };
    },
  };
  return [deny, undo];
}
