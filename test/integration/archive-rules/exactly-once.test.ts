/**
 * Issue #5, "Create archive rule": one request per submitted modal (a redelivered or doubled submission opens
 * no second one), a rule whose retroactive step fails is still created and listed, `/iam-findings` usage, and
 * refusals of a Delete… on a rule that is gone.
 */
import { ALICE, APPROVER1, APPROVER2 } from '../../helpers/deny';
import { type ArchiveRuleHarness, startArchiveRuleHarness } from '../../helpers/archive-rule';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import {
  clickApprove,
  nthEphemeral,
  openRequests,
  requestIdOf,
  settle,
  threadNotesAppear,
  untilStatus,
} from '../approvals/support';

const FORM = 'application/x-www-form-urlencoded';
const rawBody = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

describe('archive-rule requests, exactly once', () => {
  let h: ArchiveRuleHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('opens one request for a submission Slack delivers again, and for two copies at once', async () => {
    // Prepare
    h = await startArchiveRuleHarness({ roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { 'rule-name': 'alice-once' } });
    await h.ruleRequest(ts);
    const submission = h.slack.deliveries.filter((d) => d.kind === 'view_submission').at(-1)!;

    // Act: the same submission again, then twice at once
    const body = rawBody(submission.payload);
    const again = await h.slack.deliverRaw({ body, contentType: FORM });
    const both = await Promise.all([
      h.slack.deliverRaw({ body, contentType: FORM }),
      h.slack.deliverRaw({ body, contentType: FORM }),
    ]);

    // Assess: acknowledged every time; one request, one approval message
    expect([again, ...both].map((r) => r.status)).toEqual([200, 200, 200]);
    await settle(800);
    const open = await openRequests(h);
    expect(open.map((s) => s.request.action)).toEqual(['archive-rule']);
    const messages = h.slack
      .replies(CHANNEL, ts)
      .filter((r) => JSON.stringify(r.blocks ?? []).includes('Request `'));
    expect(messages).toHaveLength(1);
    expect(requestIdOf(messages[0]!)).toBe(open[0]!.request.id);
  });

  it('does not block a Deny on the same finding while the rule request is open', async () => {
    // Prepare
    h = await startArchiveRuleHarness({ roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.slack.submitView({ viewId: modal.id, userId: ONCALL });
    await h.ruleRequest(ts);

    // Act
    await h.click(ts, 'finding.deny', ONCALL);

    // Assess: both requests are open
    await eventually(async () => (await openRequests(h)).length === 2, 8000);
    expect((await openRequests(h)).map((s) => s.request.action).sort()).toEqual(['archive-rule', 'deny']);
  });

  it('still creates and lists the rule when archiving the existing findings fails, and says so', async () => {
    // Prepare
    h = await startArchiveRuleHarness({ roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { 'rule-name': 'alice-partial' } });
    const message = await h.ruleRequest(ts);
    h.aws.failNext('ApplyArchiveRule', { name: 'InternalServerException', status: 500, message: 'boom' }, 2);

    // Act
    await clickApprove(h, message, APPROVER1);

    // Assess
    await untilStatus(h, requestIdOf(message), 'FAILED');
    const [note] = await threadNotesAppear(h, ts, /failed after approval/);
    expect(note!.text).toContain('`alice-partial` was created (new matching findings are archived)');
    expect(h.aws.archiveRules.list(h.analyzerArn).map((r) => r.ruleName)).toEqual(['alice-partial']);
    expect((await h.bot.stores.archiveRules.listLive()).map((r) => r.ruleName)).toEqual(['alice-partial']);
    expect(h.awsStatus('Audit_CrossAccountRole')).toBe('ACTIVE');
  });

  it('answers /iam-findings without "rules" with its usage', async () => {
    h = await startArchiveRuleHarness({ roles: {} });
    for (const text of ['', 'help', 'rule']) {
      const answer = await h.command(text);
      expect(answer.text).toContain('Usage: `/iam-findings rules`');
    }
  });

  it('refuses /iam-findings rules privately to someone REQUESTERS leaves out', async () => {
    // Prepare
    h = await startArchiveRuleHarness({ env: { REQUESTERS: ONCALL }, roles: {} });

    // Act
    const refused = await h.command('rules', APPROVER2);
    const listed = await h.command('rules', ONCALL);

    // Assess
    expect(refused.text).toMatch(/not allowed to act on findings/);
    expect(refused.user).toBe(APPROVER2);
    expect(JSON.stringify(refused.blocks)).not.toContain('archive-rule.delete');
    expect(listed.text).toContain('no archive rules');
  });

  it('refuses a Delete… of a rule that was deleted meanwhile', async () => {
    // Prepare: a rule, listed, then deleted through approval
    h = await startArchiveRuleHarness({ roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { 'rule-name': 'alice-gone' } });
    const created = await h.ruleRequest(ts);
    await clickApprove(h, created, APPROVER1);
    await untilStatus(h, requestIdOf(created), 'EXECUTED');
    const listing = await h.command('rules');
    expect(JSON.stringify(listing.blocks)).toContain(`principal.AWS = ${ALICE}`);
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: listing.message_ts,
      actionId: 'archive-rule.delete',
      userId: ONCALL,
    });
    const deletion = await h.ruleRequest(ts, /Delete archive rule/);
    await clickApprove(h, deletion, APPROVER2);
    await untilStatus(h, requestIdOf(deletion), 'EXECUTED');

    // Act: the stale list's button again
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: listing.message_ts,
      actionId: 'archive-rule.delete',
      userId: ONCALL,
    });

    // Assess
    const refusal = await eventually(() =>
      h.slack
        .ephemerals({ user: ONCALL })
        .find((e) => e.text.includes('no live archive rule named `alice-gone`')),
    );
    expect(refusal.text).toContain('/iam-findings rules');
    expect(await nthEphemeral(h, ONCALL)).toBeDefined();
    expect(await openRequests(h)).toEqual([]);
    await h.inSync();
  });
});
