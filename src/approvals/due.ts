/**
 * Time-based work on a request (expire, remind, escalate), computed only from the timestamps stored on the
 * request and the policy, so a bot that restarts, or runs as several replicas, loses and repeats nothing:
 * whoever records `remindedAt` / `escalatedAt` / EXPIRED first (conditional write) did the work.
 */
import { mentionsFor } from './principals';
import type { ApprovalPolicy, ApprovalRequest, DueAction } from './types';

/**
 * What is due at `now`. An expired request only expires. The open stage, once undecided for
 * `remindAfterMs` since it opened, reminds its approvers who have not voted (once) and, when it has
 * `escalateTo`, escalates to them (once).
 * @example dueActions(request, policy, request.stages[0].openedAt + policy.remindAfterMs)
 *   // [{ kind: 'remind', stage: 0, mention: ['U0APPROVER1'] }, { kind: 'escalate', stage: 0, to: ['U0HEAD'] }]
 */
export function dueActions(request: ApprovalRequest, policy: ApprovalPolicy, now: number): DueAction[] {
  if (request.status !== 'PENDING') return [];
  if (now >= request.expiresAt) return [{ kind: 'expire' }];
  const index = request.stageIndex;
  const stage = request.chain[index];
  const state = request.stages[index];
  if (!stage || !state || now < state.openedAt + policy.remindAfterMs) return [];
  const due: DueAction[] = [];
  if (state.remindedAt === undefined)
    due.push({ kind: 'remind', stage: index, mention: mentionsFor(request, index) });
  if (stage.escalateTo?.length && state.escalatedAt === undefined) {
    due.push({ kind: 'escalate', stage: index, to: stage.escalateTo });
  }
  return due;
}

/**
 * When `dueActions` will next return something (possibly already past: due now), or undefined when the
 * request needs no more timed work. Use it to schedule the next check instead of polling.
 * @example nextDueAt(request, policy) // request.stages[0].openedAt + policy.remindAfterMs
 */
export function nextDueAt(request: ApprovalRequest, policy: ApprovalPolicy): number | undefined {
  if (request.status !== 'PENDING') return undefined;
  const stage = request.chain[request.stageIndex];
  const state = request.stages[request.stageIndex];
  const candidates = [request.expiresAt];
  if (stage && state) {
    const overdueAt = state.openedAt + policy.remindAfterMs;
    const pending =
      state.remindedAt === undefined ||
      (Boolean(stage.escalateTo?.length) && state.escalatedAt === undefined);
    if (pending) candidates.push(overdueAt);
  }
  return Math.min(...candidates);
}

/**
 * The request after doing one due action: EXPIRED, or the open stage marked reminded / escalated at `now`.
 * @example applyDue(request, { kind: 'remind', stage: 0, mention: [] }, now).stages[0].remindedAt // now
 */
export function applyDue(request: ApprovalRequest, due: DueAction, now: number): ApprovalRequest {
  if (due.kind === 'expire') return { ...request, status: 'EXPIRED' };
  const mark = due.kind === 'remind' ? { remindedAt: now } : { escalatedAt: now };
  return { ...request, stages: request.stages.map((s, i) => (i === due.stage ? { ...s, ...mark } : s)) };
}
