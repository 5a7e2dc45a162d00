/**
 * What one Approve or Reject click does to a request: pure, so it is tested table-style and the store only
 * has to persist the outcome with a conditional write (`applyDecision` gives the state to write).
 */
import { isNamed, mentionList, mentionsFor } from './principals';
import type {
  ApprovalPolicy,
  ApprovalRequest,
  ApprovalStatus,
  Decision,
  GroupsOf,
  RecordedVote,
  RefusalCode,
  StageState,
  Vote,
} from './types';

const CLOSED: Record<Exclude<ApprovalStatus, 'PENDING'>, string> = {
  APPROVED: 'This request is already approved; there is nothing left to vote on.',
  EXECUTED: 'This request was approved and carried out; there is nothing left to vote on.',
  REJECTED: 'This request was rejected, so it is closed. Ask for the action again if it is still needed.',
  EXPIRED: 'This request expired, so it is closed. Ask for the action again if it is still needed.',
  FAILED: 'This request was approved but the action failed, so it is closed. Request it again to retry.',
};

const refuse = (code: RefusalCode, message: string): Decision => ({ kind: 'refused', code, message });

const utc = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const stageLabel = (request: ApprovalRequest, index: number) =>
  `stage ${index + 1} ("${request.chain[index]?.name ?? '?'}")`;

/**
 * Judges one vote against the request's chain snapshot. Rules, in order: only a PENDING, unexpired request
 * takes votes; nobody votes on their own request; one vote per person per request (so every stage is
 * decided by different people); a vote counts only for the stage that is open, from one of its approvers
 * (directly or through a user group; escalate_to people once the stage was escalated); a reject needs a
 * reason and closes the request; the stage's `required`-th approval completes it and opens the next.
 * Refusals change nothing and carry a sentence for the voter.
 *
 * `policy` is not consulted for the rules above (the request carries its chain, so a config change cannot
 * move stages under it); it is part of the signature so policy-wide rules can be added without touching
 * every caller.
 * @example decide(request, { by: 'U0LEAD', verdict: 'approve', stage: 0 }, policy, new Map(), Date.now())
 *   // { kind: 'approved', vote: { by: 'U0LEAD', verdict: 'approve', at: … } }
 */
export function decide(
  request: ApprovalRequest,
  vote: Vote,
  policy: ApprovalPolicy,
  groupsOf: GroupsOf,
  now: number,
): Decision {
  const index = request.stageIndex;
  const stage = request.chain[index];
  const state: StageState = request.stages[index] ?? { openedAt: request.createdAt, votes: [] };
  if (request.status !== 'PENDING') return refuse('closed', CLOSED[request.status]);
  if (!stage) return refuse('closed', 'This request has no open approval stage, so it takes no votes.');
  if (now >= request.expiresAt) {
    return refuse(
      'expired',
      `This request expired at ${utc(request.expiresAt)}, so it can no longer be approved or rejected. ` +
        'Ask for the action again if it is still needed.',
    );
  }
  if (vote.by === request.requester) {
    return refuse(
      'self-approval',
      'You made this request, so you cannot approve or reject it yourself; another approver has to decide.',
    );
  }
  const earlier = request.stages.flatMap((s, i) => s.votes.filter((v) => v.by === vote.by).map(() => i));
  if (earlier.length > 0) {
    return refuse(
      'already-voted',
      `You already voted on this request (${stageLabel(request, earlier[0] ?? 0)}). Each person votes once, ` +
        'so every stage is decided by different people.',
    );
  }
  if (vote.stage !== index) {
    return refuse(
      'wrong-stage',
      vote.stage < index
        ? `${stageLabel(request, vote.stage)} is already approved; the request now waits for ${stageLabel(request, index)}.`
        : `This request is still at ${stageLabel(request, index)}; stage ${vote.stage + 1} has not opened yet.`,
    );
  }
  const escalated = state.escalatedAt !== undefined && isNamed(vote.by, stage.escalateTo ?? [], groupsOf);
  if (!isNamed(vote.by, stage.approvers, groupsOf) && !escalated) {
    return refuse(
      'not-an-approver',
      `You are not an approver for ${stageLabel(request, index)} of this request, so your vote was not ` +
        `counted. Its approvers are ${mentionList(stage.approvers)}.`,
    );
  }
  const reason = vote.reason?.trim();
  const recorded: RecordedVote = {
    by: vote.by,
    verdict: vote.verdict,
    ...(reason ? { reason } : {}),
    at: now,
  };
  if (vote.verdict === 'reject') {
    if (!reason) {
      return refuse('reason-required', 'Please give a reason when you reject, so the requester knows why.');
    }
    return { kind: 'rejected', reason, vote: recorded };
  }
  const approvals = state.votes.filter((v) => v.verdict === 'approve').length + 1;
  if (approvals < stage.required) {
    return { kind: 'recorded', stageComplete: false, vote: recorded, remaining: stage.required - approvals };
  }
  if (index + 1 < request.chain.length) {
    const after = applyDecision(request, {
      kind: 'recorded',
      stageComplete: false,
      vote: recorded,
      remaining: 0,
    });
    return {
      kind: 'stage-approved',
      nextStage: index + 1,
      vote: recorded,
      mention: mentionsFor(after, index + 1),
    };
  }
  return { kind: 'approved', vote: recorded };
}

/**
 * The request after a decision, for the store to write conditionally (from PENDING at the same stage).
 * A refusal returns the request unchanged. A completed stage opens the next one at the vote's time.
 * @example applyDecision(request, { kind: 'rejected', reason: 'too broad', vote }) // status 'REJECTED'
 */
export function applyDecision(request: ApprovalRequest, decision: Decision): ApprovalRequest {
  if (decision.kind === 'refused') return request;
  const stages = request.stages.map((s, i) =>
    i === request.stageIndex ? { ...s, votes: [...s.votes, decision.vote] } : s,
  );
  switch (decision.kind) {
    case 'recorded':
      return { ...request, stages };
    case 'stage-approved':
      return {
        ...request,
        stageIndex: decision.nextStage,
        stages: [...stages, { openedAt: decision.vote.at, votes: [] }],
      };
    case 'approved':
      return { ...request, stages, status: 'APPROVED' };
    case 'rejected':
      return { ...request, stages, status: 'REJECTED' };
  }
}
