/**
 * Archive: marks the access as intended. Calls Access Analyzer UpdateFindings(status ARCHIVED) for the finding,
 * records the decision, and updates the message ("Archived by @user, time"). One click archives once: the
 * claim on the finding is a conditional write, and the UpdateFindings clientToken is the request id.
 * Needs: access-analyzer:UpdateFindings.
 * When the approval policy gives `archive` a chain (APPROVAL_POLICY_FILE), the click starts an approval request
 * instead, and `createArchiveRemedy` archives once it is approved.
 * @example clicking Archive on an ACTIVE finding → AA status ARCHIVED, message shows "Archived by @alice".
 */
import type { Remedy } from '../approvals/ports';
import { AppError } from '../errors';
import type { Clock, FindingStore, FindingsSource } from '../findings/ports';
import type { FindingAction } from './types';

const CLAIM_MS = 2 * 60_000;

export const archive: FindingAction = {
  id: 'archive',
  label: 'Archive',
  style: 'primary',
  permissions: ['access-analyzer:UpdateFindings'],
  appliesTo: ({ finding: f }) => f.status === 'ACTIVE' && !f.isDeleted,

  async execute({ actor, requestId, record, clickKey }, deps) {
    const { store, source, decisions, sync, clock, log, policy, workflow } = deps;
    const { finding } = record;
    if (policy.chains.archive.stages.length > 0) {
      await workflow.request({
        action: 'archive',
        findingId: finding.id,
        requester: actor,
        requestId,
        idempotencyKey: clickKey,
      });
      return {};
    }
    const now = clock.now();
    await store.beginAction(
      finding.id,
      { action: 'archive', requestId, by: actor, until: now + CLAIM_MS },
      now,
    );
    const base = { requestId, findingId: finding.id, action: 'archive', actor };
    const input = { analyzerArn: finding.analyzerArn, ids: [finding.id], status: 'ARCHIVED' };
    await decisions.append({ ...base, phase: 'requested', at: new Date(now).toISOString(), input });
    try {
      await source.setStatus(finding.analyzerArn, [finding.id], 'ARCHIVED', requestId);
    } catch (err) {
      await store.abortAction(finding.id, requestId);
      await decisions.append({
        ...base,
        phase: 'failed',
        at: new Date(clock.now()).toISOString(),
        input,
        error: err instanceof AppError ? err.userMessage : String(err),
      });
      throw err;
    }
    const at = new Date(clock.now()).toISOString();
    await store.completeAction(finding.id, requestId, { status: 'ARCHIVED', archived: { by: actor, at } });
    await decisions.append({ ...base, phase: 'succeeded', at, input, result: { status: 'ARCHIVED' } });
    log.info({ findingId: finding.id, requestId }, 'finding archived');
    await sync(finding.id, { justChanged: true });
    return {};
  },
};

/** Archive after approval (when the policy gives `archive` a chain): UpdateFindings, then the record. */
export function createArchiveRemedy(deps: {
  source: FindingsSource;
  store: FindingStore;
  clock: Clock;
}): Remedy {
  return {
    action: 'archive',
    label: 'Archive',
    statuses: ['ACTIVE'],
    check(rec) {
      if (rec.finding.isDeleted) {
        throw new AppError(
          'not_archivable',
          'deleted finding',
          "This finding's resource is deleted; there is nothing to archive.",
        );
      }
    },
    plan: async (rec) => ({
      kind: 'finding-status',
      diff: `- status: ${rec.finding.status}\n+ status: ARCHIVED`,
    }),
    async apply(rec, request) {
      const { finding } = rec;
      await deps.source.setStatus(finding.analyzerArn, [finding.id], 'ARCHIVED', request.id);
      const at = new Date(deps.clock.now()).toISOString();
      await deps.store.completeAction(finding.id, request.id, {
        status: 'ARCHIVED',
        archived: { by: request.requester, at },
      });
      return {
        summary: `🗄️ Archived, requested by <@${request.requester}>, approved by ${request.approvers.map((a) => `<@${a}>`).join(', ')}.`,
        details: { status: 'ARCHIVED' },
      };
    },
  };
}
