/**
 * Issue #4, votes: Reject with a reason, one vote per person, user groups as approvers.
 */
import { REJECT_ACTION } from '../../../src/slack/ids';
import { APPROVER1, APPROVER2, type DenyHarness, aliceTrust, startDenyHarness } from '../../helpers/deny';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import {
  approvalMessages,
  clickApprove,
  current,
  hasButtons,
  nthEphemeral,
  phases,
  requestDeny,
  settle,
  stored,
  threadNotes,
  untilStatus,
} from './support';

describe('votes on an approval request', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('Reject asks for a reason, refuses a blank one in the modal, then closes the request and frees the finding', async () => {
    h = await startDenyHarness();
    const { ts, findingId } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);

    // Act: an approver clicks Reject; a modal asks why.
    await h.click(message.ts, REJECT_ACTION, APPROVER1);
    const modal = await eventually(() => h.slack.modalStack(APPROVER1).at(-1));
    expect(modal.view.callback_id).toBe('approval.reject-reason');

    // A reason of blanks passes Slack's client (min_length counts them) but not the bot: the modal stays open.
    const blank = await h.slack.submitView({
      viewId: modal.id,
      userId: APPROVER1,
      values: { reason: { reason: '     ' } },
    });
    expect(blank.outcome).toBe('errors');
    expect(blank.errors?.reason).toMatch(/why/i);
    expect(h.slack.modalStack(APPROVER1)).toHaveLength(1);
    await settle();
    expect((await stored(h, requestId)).request).toMatchObject({ status: 'PENDING' });
    expect((await stored(h, requestId)).request.stages[0]!.votes).toEqual([]);

    const given = await h.slack.submitView({
      viewId: modal.id,
      userId: APPROVER1,
      values: { reason: { reason: 'Alice audits us every quarter; keep her access' } },
    });
    expect(given.outcome).toBe('closed');

    // Assess: the request is closed as rejected, with the reason, in the message, the thread and the log.
    const rejected = await untilStatus(h, requestId, 'REJECTED');
    expect(rejected.request.stages[0]!.votes).toEqual([
      expect.objectContaining({
        by: APPROVER1,
        verdict: 'reject',
        reason: expect.stringContaining('Alice audits'),
      }),
    ]);
    const shown = await eventually(() => {
      const m = current(h, message);
      return m.text.includes('[REJECTED]') ? m : undefined;
    });
    expect(hasButtons(shown)).toBe(false);
    expect(JSON.stringify(shown.blocks)).toContain('Rejected');
    const note = await eventually(() => threadNotes(h, ts, /rejected by <@U0APPROVER1>/)[0]);
    expect(note.text).toContain('Alice audits us every quarter');
    expect(await phases(h, findingId)).toEqual(['requested', 'vote', 'rejected']);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(h.trustPolicy()).toEqual(aliceTrust);

    // The finding's claim is released: Deny can be requested again, as a new request.
    expect((await h.bot.stores.findings.get(findingId))?.pending).toBeUndefined();
    const again = await requestDeny(h, ts);
    expect(again.requestId).not.toBe(requestId);
    expect((await stored(h, again.requestId)).request.status).toBe('PENDING');
  });

  it('counts one vote per person: a second Approve by the same approver is refused and changes nothing', async () => {
    h = await startDenyHarness({ env: { APPROVALS_REQUIRED: '2' } });
    const { ts } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);

    await clickApprove(h, message, APPROVER1);
    await eventually(async () => (await stored(h, requestId)).request.stages[0]!.votes.length === 1);
    await clickApprove(h, current(h, message), APPROVER1);

    const refusal = await nthEphemeral(h, APPROVER1);
    expect(refusal.text).toContain('You already voted on this request');
    const after = await stored(h, requestId);
    expect(after.request.status).toBe('PENDING');
    expect(after.request.stages[0]!.votes.map((v) => v.by)).toEqual([APPROVER1]);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);

    // A second person's approval is what completes it.
    await clickApprove(h, current(h, message), APPROVER2);
    await untilStatus(h, requestId, 'EXECUTED');
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
  });

  it('lets a user group approve through its current members (setUserGroup), and nobody who is not in it', async () => {
    h = await startDenyHarness({ env: { APPROVERS: 'S0APPROVERS' } });
    // The group now holds only the second approver.
    h.slack.setUserGroup({
      id: 'S0APPROVERS',
      handle: 'security-approvers',
      name: 'Security approvers',
      users: [APPROVER2],
    });
    const { ts } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);
    expect(message.text).toContain('<!subteam^S0APPROVERS>');

    await clickApprove(h, message, APPROVER1);
    expect((await nthEphemeral(h, APPROVER1)).text).toContain('You are not an approver');
    expect((await stored(h, requestId)).request.stages[0]!.votes).toEqual([]);

    await clickApprove(h, current(h, message), APPROVER2);
    const done = await untilStatus(h, requestId, 'EXECUTED');
    expect(done.request.stages[0]!.votes.map((v) => v.by)).toEqual([APPROVER2]);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
    expect(h.slack.ephemerals({ user: APPROVER2 })).toEqual([]);
    expect(approvalMessages(h, ts)).toHaveLength(1);
    expect(h.slack.ephemerals({ channel: CHANNEL, user: ONCALL })).toEqual([]);
  });
});
