import { applyDecision, decide } from '../../../src/approvals/policy';
import { applyDue } from '../../../src/approvals/due';
import type {
  ApprovalRequest,
  ApprovalStatus,
  Decision,
  RefusalCode,
  Vote,
} from '../../../src/approvals/types';
import { filePolicy, groups, HOUR, requestFor, T0 } from './fixtures';

const policy = filePolicy();
const NOW = T0 + HOUR;

const approve = (by: string, stage = 0): Vote => ({ by, verdict: 'approve', stage });
const reject = (by: string, reason?: string, stage = 0): Vote => ({ by, verdict: 'reject', reason, stage });

/** Casts votes in order through decide + applyDecision, failing on any refusal. */
function afterVotes(request: ApprovalRequest, votes: Vote[]): ApprovalRequest {
  return votes.reduce((r, vote) => {
    const decision = decide(r, vote, policy, groups, NOW);
    if (decision.kind === 'refused') throw new Error(`fixture vote refused: ${decision.message}`);
    return applyDecision(r, decision);
  }, request);
}

const deny = requestFor(policy, 'deny'); // by U0ONCALL: [security on-call (1 of SEC1, SEC2, S0SECLEADS; escalates to HEAD), platform lead (LEAD)]
const denyAtStage2 = afterVotes(deny, [approve('U0SEC1')]);
const denyEscalated = applyDue(deny, { kind: 'escalate', stage: 0, to: ['U0HEAD'] }, T0 + 2 * HOUR);

describe('decide: who may approve which stage', () => {
  it.each<{
    who: string;
    request: ApprovalRequest;
    at: string;
    vote: Vote;
    expected: Decision['kind'];
    code?: RefusalCode;
  }>([
    {
      who: 'a listed approver',
      request: deny,
      at: 'stage 1',
      vote: approve('U0SEC1'),
      expected: 'stage-approved',
    },
    {
      who: 'a member of a listed group',
      request: deny,
      at: 'stage 1',
      vote: approve('U0LEADA'),
      expected: 'stage-approved',
    },
    {
      who: 'the approver of a later stage',
      request: deny,
      at: 'stage 1',
      vote: approve('U0LEAD'),
      expected: 'refused',
      code: 'not-an-approver',
    },
    {
      who: 'an escalation target before escalation',
      request: deny,
      at: 'stage 1',
      vote: approve('U0HEAD'),
      expected: 'refused',
      code: 'not-an-approver',
    },
    {
      who: 'an escalation target after escalation',
      request: denyEscalated,
      at: 'stage 1',
      vote: approve('U0HEAD'),
      expected: 'stage-approved',
    },
    {
      who: 'someone not in the policy',
      request: deny,
      at: 'stage 1',
      vote: approve('U0STRANGER'),
      expected: 'refused',
      code: 'not-an-approver',
    },
    {
      who: 'a member of an unrelated group',
      request: deny,
      at: 'stage 1',
      vote: approve('U0ROTA'),
      expected: 'refused',
      code: 'not-an-approver',
    },
    {
      who: 'the requester',
      request: deny,
      at: 'stage 1',
      vote: approve('U0ONCALL'),
      expected: 'refused',
      code: 'self-approval',
    },
    {
      who: 'a stage-2 approver too early',
      request: deny,
      at: 'stage 1',
      vote: approve('U0LEAD', 1),
      expected: 'refused',
      code: 'wrong-stage',
    },
    {
      who: 'the stage-2 approver',
      request: denyAtStage2,
      at: 'stage 2',
      vote: approve('U0LEAD', 1),
      expected: 'approved',
    },
    {
      who: 'a stage-1 approver',
      request: denyAtStage2,
      at: 'stage 2',
      vote: approve('U0SEC2', 1),
      expected: 'refused',
      code: 'not-an-approver',
    },
    {
      who: 'the stage-1 voter again',
      request: denyAtStage2,
      at: 'stage 2',
      vote: approve('U0SEC1', 1),
      expected: 'refused',
      code: 'already-voted',
    },
    {
      who: 'a stage-1 approver on a stale button',
      request: denyAtStage2,
      at: 'stage 2',
      vote: approve('U0SEC2', 0),
      expected: 'refused',
      code: 'wrong-stage',
    },
    {
      who: 'the requester',
      request: denyAtStage2,
      at: 'stage 2',
      vote: reject('U0ONCALL', 'changed my mind', 1),
      expected: 'refused',
      code: 'self-approval',
    },
  ])('$who at $at of a Deny: $expected $code', ({ request, vote, expected, code }) => {
    // Prepare / Act
    const decision = decide(request, vote, policy, groups, NOW);

    // Assess
    expect(decision.kind).toBe(expected);
    if (code) expect(decision).toEqual({ kind: 'refused', code, message: expect.any(String) });
  });

  it('refuses self-approval even when the requester is an approver of the stage', () => {
    // Prepare
    const request = requestFor(policy, 'undo', 'U0SEC1');

    // Act
    const decision = decide(request, approve('U0SEC1'), policy, groups, NOW);

    // Assess
    expect(decision).toEqual({
      kind: 'refused',
      code: 'self-approval',
      message:
        'You made this request, so you cannot approve or reject it yourself; another approver has to decide.',
    });
  });

  it('explains a refusal with the stage and its approvers', () => {
    // Prepare / Act
    const decision = decide(deny, approve('U0STRANGER'), policy, groups, NOW);

    // Assess
    expect(decision.kind === 'refused' && decision.message).toBe(
      'You are not an approver for stage 1 ("security on-call") of this request, so your vote was not counted. ' +
        'Its approvers are <@U0SEC1>, <@U0SEC2>, <!subteam^S0SECLEADS>.',
    );
  });
});

describe('decide: stages, counts and closing', () => {
  it('runs the stages in order and mentions the next stage when one completes', () => {
    // Prepare / Act
    const first = decide(deny, approve('U0SEC2'), policy, groups, NOW);
    const second = decide(applyDecision(deny, first), approve('U0LEAD', 1), policy, groups, NOW + 1);

    // Assess
    expect(first).toEqual({
      kind: 'stage-approved',
      nextStage: 1,
      mention: ['U0LEAD'],
      vote: { by: 'U0SEC2', verdict: 'approve', at: NOW },
    });
    expect(second).toEqual({ kind: 'approved', vote: { by: 'U0LEAD', verdict: 'approve', at: NOW + 1 } });
    const done = applyDecision(applyDecision(deny, first), second);
    expect(done).toMatchObject({ status: 'APPROVED', stageIndex: 1 });
    expect(done.stages).toEqual([
      { openedAt: T0, votes: [{ by: 'U0SEC2', verdict: 'approve', at: NOW }] },
      { openedAt: NOW, votes: [{ by: 'U0LEAD', verdict: 'approve', at: NOW + 1 }] },
    ]);
  });

  it('needs N different approvals in an N-of-M stage', () => {
    // Prepare
    const undo = requestFor(policy, 'undo'); // two of U0SEC1, U0SEC2, U0LEAD

    // Act
    const first = decide(undo, approve('U0SEC1'), policy, groups, NOW);
    const afterFirst = applyDecision(undo, first);
    const repeat = decide(afterFirst, approve('U0SEC1'), policy, groups, NOW);
    const second = decide(afterFirst, approve('U0LEAD'), policy, groups, NOW);

    // Assess
    expect(first).toMatchObject({ kind: 'recorded', stageComplete: false, remaining: 1 });
    expect(afterFirst.status).toBe('PENDING');
    expect(repeat).toMatchObject({ kind: 'refused', code: 'already-voted' });
    expect(second.kind).toBe('approved');
  });

  it('closes the request when an approver rejects with a reason', () => {
    // Prepare
    const undo = requestFor(policy, 'undo');
    const oneApproval = afterVotes(undo, [approve('U0SEC1')]);

    // Act
    const decision = decide(
      oneApproval,
      reject('U0SEC2', '  the principal is our auditor  '),
      policy,
      groups,
      NOW,
    );
    const closed = applyDecision(oneApproval, decision);
    const late = decide(closed, approve('U0LEAD'), policy, groups, NOW);

    // Assess
    expect(decision).toEqual({
      kind: 'rejected',
      reason: 'the principal is our auditor',
      vote: { by: 'U0SEC2', verdict: 'reject', reason: 'the principal is our auditor', at: NOW },
    });
    expect(closed.status).toBe('REJECTED');
    expect(late).toMatchObject({ kind: 'refused', code: 'closed' });
  });

  it.each([{ reason: undefined }, { reason: '   ' }])(
    'refuses a reject without a reason ($reason)',
    ({ reason }) => {
      // Prepare / Act
      const decision = decide(deny, reject('U0SEC1', reason), policy, groups, NOW);

      // Assess
      expect(decision).toMatchObject({ kind: 'refused', code: 'reason-required' });
      expect(applyDecision(deny, decision)).toBe(deny);
    },
  );

  it('does not let a non-approver close a request by rejecting', () => {
    // Prepare / Act
    const decision = decide(deny, reject('U0STRANGER', 'no'), policy, groups, NOW);

    // Assess
    expect(decision).toMatchObject({ kind: 'refused', code: 'not-an-approver' });
  });

  it.each<ApprovalStatus>(['APPROVED', 'REJECTED', 'EXPIRED', 'EXECUTED', 'FAILED'])(
    'refuses any vote on a %s request',
    (status) => {
      // Prepare
      const request = { ...deny, status };

      // Act
      const decision = decide(request, approve('U0SEC1'), policy, groups, NOW);

      // Assess
      expect(decision).toMatchObject({ kind: 'refused', code: 'closed' });
    },
  );

  it.each([
    { at: deny.expiresAt - 1, expected: 'stage-approved' },
    { at: deny.expiresAt, expected: 'refused' },
    { at: deny.expiresAt + HOUR, expected: 'refused' },
  ])('counts a vote until the request expires (vote at expiresAt%+d ms: $expected)', ({ at, expected }) => {
    // Prepare / Act
    const decision = decide(deny, approve('U0SEC1'), policy, groups, at);

    // Assess
    expect(decision.kind).toBe(expected);
    if (expected === 'refused') {
      expect(decision).toEqual({
        kind: 'refused',
        code: 'expired',
        message: expect.stringContaining('expired at 2025-06-03 09:00 UTC'),
      });
    }
  });
});
