/**
 * The append-only decision log: who did what to which finding, when, with what input and result.
 * Key: findingId + `${requestId}#${phase}` (+ `#${seq}` when given), written with attribute_not_exists: a repeat of the same request and
 * phase is ignored, so at-least-once handlers never write an entry twice. Entries are read back in time order.
 */
import type { Decision, DecisionLog } from '../findings/ports';
import { type Models, isConditionFailure } from './models';

/** Entries written in the same millisecond are read back in the order the workflow writes them. */
const PHASE_ORDER: Decision['phase'][] = [
  'requested',
  'vote',
  'reminded',
  'escalated',
  'stage-approved',
  'approved',
  'rejected',
  'expired',
  'skipped',
  'succeeded',
  'failed',
  'verified',
  'not-verified',
  'reopened',
];

export function createDecisionLog(models: Models): DecisionLog {
  const { decisions } = models;
  return {
    async append(d) {
      try {
        await decisions.create(
          {
            findingId: d.findingId,
            sk: `${d.requestId}#${d.phase}${d.seq ? `#${d.seq}` : ''}`,
            requestId: d.requestId,
            action: d.action,
            actor: d.actor,
            phase: d.phase,
            at: d.at,
            input: d.input === undefined ? undefined : JSON.stringify(d.input),
            result: d.result === undefined ? undefined : JSON.stringify(d.result),
            error: d.error,
          },
          { overwrite: false },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async forFinding(findingId) {
      const items = await decisions.query('findingId').eq(findingId).exec();
      return items
        .map((i): Decision => ({
          requestId: i.requestId,
          findingId: i.findingId,
          action: i.action,
          actor: i.actor,
          phase: i.phase as Decision['phase'],
          ...(i.sk.split('#')[2] ? { seq: i.sk.split('#').slice(2).join('#') } : {}),
          at: i.at,
          input: i.input ? JSON.parse(i.input) : undefined,
          result: i.result ? JSON.parse(i.result) : undefined,
          error: i.error,
        }))
        .sort(
          (a, b) => a.at.localeCompare(b.at) || PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase),
        );
    },
  };
}
