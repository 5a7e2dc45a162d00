import { applyDecision, decide, applyDue, dueActions, nextDueAt } from '../../../src/approvals/policy';
import type { ApprovalRequest, DueAction } from '../../../src/approvals/types';
import { filePolicy, groups, HOUR, requestFor, T0 } from './fixtures';

const policy = filePolicy(); // ttl 24h, remind_after 2h
const deny = requestFor(policy, 'deny'); // stage 1 escalates to U0HEAD; stage 2 has no escalation
const REMIND_AT = T0 + 2 * HOUR;

const mark = (request: ApprovalRequest, due: DueAction[], at: number) =>
  due.reduce((r, d) => applyDue(r, d, at), request);

describe('dueActions: reminders, escalation and expiry from stored timestamps', () => {
  const remind = { kind: 'remind', stage: 0, mention: ['U0SEC1', 'U0SEC2', 'S0SECLEADS'] };
  const escalate = { kind: 'escalate', stage: 0, to: ['U0HEAD'] };
  const reminded = applyDue(deny, remind as DueAction, REMIND_AT);
  const both = mark(deny, [remind, escalate] as DueAction[], REMIND_AT);

  it.each<{ when: string; request: ApprovalRequest; at: number; due: unknown[] }>([
    { when: 'the stage is not overdue yet', request: deny, at: REMIND_AT - 1, due: [] },
    { when: 'the stage is overdue', request: deny, at: REMIND_AT, due: [remind, escalate] },
    {
      when: 'the bot was down past the reminder time',
      request: deny,
      at: T0 + 10 * HOUR,
      due: [remind, escalate],
    },
    { when: 'it was reminded but not escalated', request: reminded, at: REMIND_AT + 1, due: [escalate] },
    { when: 'it was already reminded and escalated', request: both, at: REMIND_AT + HOUR, due: [] },
    {
      when: 'the request expired, even if never reminded',
      request: deny,
      at: deny.expiresAt,
      due: [{ kind: 'expire' }],
    },
    {
      when: 'the request is no longer pending',
      request: { ...deny, status: 'REJECTED' },
      at: deny.expiresAt,
      due: [],
    },
  ])('when $when', ({ request, at, due }) => {
    // Prepare / Act
    const actual = dueActions(request, policy, at);

    // Assess
    expect(actual).toEqual(due);
  });

  it('times the next stage from when it opened, reminds without escalating when it has no escalate_to', () => {
    // Prepare: stage 1 approved 5 h in, after its own reminder
    const stage1Reminded = mark(deny, dueActions(deny, policy, REMIND_AT), REMIND_AT);
    const vote = decide(
      stage1Reminded,
      { by: 'U0SEC1', verdict: 'approve', stage: 0 },
      policy,
      groups,
      T0 + 5 * HOUR,
    );
    const atStage2 = applyDecision(stage1Reminded, vote);

    // Act
    const early = dueActions(atStage2, policy, T0 + 7 * HOUR - 1);
    const onTime = dueActions(atStage2, policy, T0 + 7 * HOUR);

    // Assess
    expect(early).toEqual([]);
    expect(onTime).toEqual([{ kind: 'remind', stage: 1, mention: ['U0LEAD'] }]);
  });

  it('leaves approvers who already voted out of the reminder', () => {
    // Prepare
    const undo = requestFor(policy, 'undo');
    const decision = decide(undo, { by: 'U0SEC2', verdict: 'approve', stage: 0 }, policy, groups, T0 + HOUR);
    const oneVote = applyDecision(undo, decision);

    // Act
    const due = dueActions(oneVote, policy, REMIND_AT);

    // Assess
    expect(due).toEqual([{ kind: 'remind', stage: 0, mention: ['U0SEC1', 'U0LEAD'] }]);
  });

  it('gives the same answer for a request read back after a restart', () => {
    // Prepare
    const stored = JSON.parse(
      JSON.stringify(mark(deny, [{ kind: 'remind', stage: 0, mention: [] }], REMIND_AT)),
    );

    // Act
    const due = dueActions(stored as ApprovalRequest, policy, REMIND_AT + HOUR);

    // Assess
    expect(due).toEqual([escalate]);
  });

  it('marks the request EXPIRED when expiry is applied', () => {
    // Prepare / Act
    const expired = applyDue(deny, { kind: 'expire' }, deny.expiresAt);

    // Assess
    expect(expired.status).toBe('EXPIRED');
    expect(dueActions(expired, policy, deny.expiresAt + HOUR)).toEqual([]);
  });
});

describe('nextDueAt', () => {
  it.each<{ when: string; request: ApprovalRequest; expected: number | undefined }>([
    { when: 'nothing was done yet', request: deny, expected: REMIND_AT },
    {
      when: 'it was reminded but escalation is still owed',
      request: applyDue(deny, { kind: 'remind', stage: 0, mention: [] }, REMIND_AT),
      expected: REMIND_AT,
    },
    {
      when: 'reminder and escalation are done',
      request: mark(
        deny,
        [
          { kind: 'remind', stage: 0, mention: [] },
          { kind: 'escalate', stage: 0, to: [] },
        ],
        REMIND_AT,
      ),
      expected: deny.expiresAt,
    },
    { when: 'the request is closed', request: { ...deny, status: 'APPROVED' }, expected: undefined },
  ])('is right when $when', ({ request, expected }) => {
    // Prepare / Act
    const at = nextDueAt(request, policy);

    // Assess
    expect(at).toBe(expected);
  });

  it('is the expiry when it comes before the reminder', () => {
    // Prepare
    const short = { ...deny, expiresAt: T0 + HOUR };

    // Act
    const at = nextDueAt(short, policy);

    // Assess
    expect(at).toBe(T0 + HOUR);
  });
});
