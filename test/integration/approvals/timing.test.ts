/**
 * Issue #4, time-based rules on a controllable clock: expiry (APPROVAL_TTL), reminders (APPROVAL_REMIND_AFTER),
 * escalation (escalate_to), all from stored due times so a restart loses and repeats nothing.
 */
import { APPROVER1, APPROVER2, type DenyHarness, aliceTrust, startDenyHarness } from '../../helpers/deny';
import { eventually } from '../../helpers/harness';
import {
  MINUTE,
  type TestClock,
  clickApprove,
  current,
  hasButtons,
  nthEphemeral,
  phases,
  policyFile,
  requestDeny,
  settle,
  stored,
  testClock,
  threadNotes,
  untilStatus,
  advanceAndRunDue,
  threadNotesAppear,
} from './support';

const REMINDER = /:bell: Reminder/;

describe('approval timing on a controllable clock', () => {
  let h: DenyHarness;
  let clock: TestClock;
  beforeEach(() => {
    clock = testClock();
  });
  afterEach(async () => {
    await h?.stop();
  });

  it('expires a request after APPROVAL_TTL: refused votes, the message and the thread say so, the finding is free again', async () => {
    h = await startDenyHarness({ clock, env: { APPROVAL_TTL: '1h', APPROVAL_REMIND_AFTER: '45m' } });
    const { ts, findingId } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);

    // Just before the TTL nothing expires.
    await advanceAndRunDue(h, clock, 59 * MINUTE);
    expect((await stored(h, requestId)).request.status).toBe('PENDING');

    // After it, a vote is refused even before the due work ran...
    clock.advance(2 * MINUTE);
    await clickApprove(h, current(h, message), APPROVER1);
    expect((await nthEphemeral(h, APPROVER1)).text).toContain('This request expired');

    // ...and the due work closes it.
    await h.bot.workflow.runDue();
    const expired = await untilStatus(h, requestId, 'EXPIRED');
    expect(expired.request.stages[0]!.votes).toEqual([]);
    const shown = await eventually(() => {
      const m = current(h, message);
      return m.text.includes('[EXPIRED]') ? m : undefined;
    });
    expect(JSON.stringify(shown.blocks)).toContain('Expired without a decision');
    expect(hasButtons(shown)).toBe(false);
    await eventually(
      () => threadNotes(h, ts, /request by <@U0ONCALL> expired without a decision/).length === 1,
    );
    expect(await phases(h, findingId)).toContain('expired');
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(h.trustPolicy()).toEqual(aliceTrust);

    // The finding can be asked for again.
    expect((await h.bot.stores.findings.get(findingId))?.pending).toBeUndefined();
    const again = await requestDeny(h, ts);
    expect(again.requestId).not.toBe(requestId);
  });

  it('reminds the approvers once when a stage is undecided after APPROVAL_REMIND_AFTER, not before', async () => {
    h = await startDenyHarness({ clock, env: { APPROVAL_REMIND_AFTER: '30m' } });
    const { ts, findingId } = await h.card();
    await requestDeny(h, ts);

    await advanceAndRunDue(h, clock, 29 * MINUTE);
    expect(threadNotes(h, ts, REMINDER)).toHaveLength(0);

    await advanceAndRunDue(h, clock, 2 * MINUTE);
    const reminders = await threadNotesAppear(h, ts, REMINDER);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain('<@U0APPROVER1>, <@U0APPROVER2>');

    await advanceAndRunDue(h, clock, 10 * MINUTE);
    await h.bot.workflow.runDue();
    await settle();
    expect(threadNotes(h, ts, REMINDER)).toHaveLength(1);
    expect((await phases(h, findingId)).filter((p) => p === 'reminded')).toHaveLength(1);
  });

  it('sends a reminder that fell due while the bot was down at start-up, and never twice across restarts', async () => {
    h = await startDenyHarness({ clock, env: { APPROVAL_REMIND_AFTER: '30m' } });
    const { ts } = await h.card();
    await requestDeny(h, ts);

    // The reminder falls due while the bot restarts: start-up sends it without being asked.
    clock.advance(31 * MINUTE);
    await h.restart();
    await eventually(() => threadNotes(h, ts, REMINDER).length === 1);

    // Neither another pass nor another restart repeats it.
    await h.bot.workflow.runDue();
    await h.restart();
    await h.bot.workflow.runDue();
    await settle();
    expect(threadNotes(h, ts, REMINDER)).toHaveLength(1);
  });

  it('escalates an overdue stage to escalate_to, who may vote after the escalation and not before', async () => {
    const file = policyFile(`
actions:
  deny:
    stages:
      - name: security on-call
        approvers: [U0APPROVER1]
        escalate_to: [U0APPROVER2]
  undo:
    stages:
      - approvers: [U0APPROVER1]
remind_after: 30m
`);
    h = await startDenyHarness({ clock, env: { APPROVAL_POLICY_FILE: file } });
    const { ts } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);
    expect(message.text).not.toContain('<@U0APPROVER2>');

    // Before the escalation, the head of security is not an approver.
    await clickApprove(h, message, APPROVER2);
    expect((await nthEphemeral(h, APPROVER2)).text).toContain('You are not an approver');
    await advanceAndRunDue(h, clock, 29 * MINUTE);
    expect(threadNotes(h, ts, /Escalation/)).toHaveLength(0);

    // Overdue: the stage's approver is reminded and the escalation names the head of security.
    await advanceAndRunDue(h, clock, 2 * MINUTE);
    const escalation = await threadNotesAppear(h, ts, /Escalation/);
    expect(threadNotes(h, ts, REMINDER)[0]?.text).toContain('<@U0APPROVER1>');
    expect(escalation).toHaveLength(1);
    expect(escalation[0]!.text).toContain('<@U0APPROVER2>, you may now approve or reject it');
    expect((await stored(h, requestId)).request.stages[0]!.escalatedAt).toBeDefined();

    // Now their vote counts.
    await clickApprove(h, current(h, message), APPROVER2);
    const done = await untilStatus(h, requestId, 'EXECUTED');
    expect(done.request.stages[0]!.votes.map((v) => v.by)).toEqual([APPROVER2]);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
    expect(h.slack.ephemerals({ user: APPROVER2 })).toHaveLength(1);
    await h.bot.workflow.runDue();
    await settle();
    expect(threadNotes(h, ts, /Escalation/)).toHaveLength(1);
  });
});
