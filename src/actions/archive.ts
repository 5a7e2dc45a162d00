/**
 * Archive: marks the access as intended. Calls Access Analyzer UpdateFindings(status ARCHIVED) for the finding,
 * records the decision, and updates the message ("Archived by @user, time"). One click archives once: the
 * claim on the finding is a conditional write, and the UpdateFindings clientToken is the request id.
 * Needs: access-analyzer:UpdateFindings.
 * @example clicking Archive on an ACTIVE finding → AA status ARCHIVED, message shows "Archived by @alice".
 */
import { AppError } from '../errors';
import type { FindingAction } from './types';

const CLAIM_MS = 2 * 60_000;

export const archive: FindingAction = {
  id: 'archive',
  label: 'Archive',
  style: 'primary',
  permissions: ['access-analyzer:UpdateFindings'],
  appliesTo: ({ finding: f }) => f.status === 'ACTIVE' && !f.isDeleted,

  async execute({ actor, requestId, record }, { store, source, decisions, sync, clock, log }) {
    const { finding } = record;
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
