/**
 * Issue #8, faults: Slack 429, 5xx and timeouts. The bot runs with Slack's own retry policy here (made fast),
 * not the no-retry client the other suites use, so what is tested is what production does. A finding is never
 * lost (it stays marked as owing Slack work until its card shows the stored state) and never posted twice,
 * even when Slack stored a post whose answer the bot never saw.
 */
import type { WebClientOptions } from '@slack/web-api';
import { CHANNEL, type Harness, addRoleFinding, ONCALL, eventually, startHarness } from '../helpers/harness';
import { roleAlice } from '../fixtures/events';

const FINDING_ID = '5a3b7c9d-1111-4e2f-9a8b-0123456789ab';
/** Slack's retry policy shape (several attempts with backoff), with short waits, and a short call timeout. */
const SLACK_LIKE: WebClientOptions = {
  retryConfig: { retries: 3, factor: 1, minTimeout: 20, maxTimeout: 20 },
  timeout: 400,
};

describe('Slack failing while findings are posted and clicked', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ slackClientOptions: SLACK_LIKE });
    addRoleFinding(h, FINDING_ID);
  });
  afterEach(async () => {
    await h.stop();
  });

  const cards = () => h.slack.messages(CHANNEL).filter((m) => m.metadata);
  const postsOfCards = () =>
    h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.metadata !== undefined);

  it('posts a card once when Slack stored it but answered after the timeout', async () => {
    h.slack.stallNext('chat.postMessage', 1500);
    expect((await h.postEvent(roleAlice())).status).toBe(200);
    // The timed-out post is retried from the store's mark, which first looks for the message in the channel.
    const rec = await eventually(async () => {
      const r = await h.bot.stores.findings.get(FINDING_ID);
      return r?.slack && r.syncDueAt === undefined ? r : undefined;
    }, 15_000);
    await h.bot.syncs.idle();
    expect(cards()).toHaveLength(1);
    expect(rec.slack?.ts).toBe(cards()[0]!.ts);
    expect(postsOfCards()).toHaveLength(1);
    expect(h.slack.calls.some((c) => c.method === 'conversations.history')).toBe(true);
    expect(h.logs.some((l) => l.includes('Slack sync failed') && l.includes(FINDING_ID))).toBe(true);
  });

  it('keeps a finding through Slack 5xx answers and posts it once Slack recovers', async () => {
    // More failures than the client's own retries: the first sync fails and the scheduler tries again.
    h.slack.failNext('chat.postMessage', { status: 503 }, 4);
    expect((await h.postEvent(roleAlice())).status).toBe(200);
    expect((await h.bot.stores.findings.get(FINDING_ID))?.syncDueAt).toBeDefined();
    await eventually(async () => (await h.bot.stores.findings.get(FINDING_ID))?.slack, 15_000);
    await h.bot.syncs.idle();
    expect(cards()).toHaveLength(1);
    expect((await h.bot.stores.findings.get(FINDING_ID))?.syncDueAt).toBeUndefined();
  });

  it('waits out a 429 on a click’s message update and archives once', async () => {
    expect((await h.postEvent(roleAlice())).status).toBe(200);
    await h.bot.syncs.idle();
    const ts = cards()[0]!.ts;
    h.slack.failNext('chat.update', { retryAfterSeconds: 1 });
    const started = Date.now();
    const res = await h.slack.clickButton({
      channel: CHANNEL,
      ts,
      actionId: 'finding.archive',
      userId: ONCALL,
    });
    expect(res.status).toBe(200); // the ack never waits for Slack's rate limit
    await eventually(
      () => JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks).includes('Archived by'),
      10_000,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('Slack rate-limited a call'))).toBe(true);
  });

  it('archives in AWS when the card update times out, and the card catches up', async () => {
    expect((await h.postEvent(roleAlice())).status).toBe(200);
    await h.bot.syncs.idle();
    const ts = cards()[0]!.ts;
    // Every attempt of the first update hangs past the timeout (the stand-in applies it late).
    h.slack.stallNext('chat.update', 1000, 4);
    await h.slack.clickButton({ channel: CHANNEL, ts, actionId: 'finding.archive', userId: ONCALL });
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED', 10_000);
    await eventually(
      () => JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks).includes('Archived by'),
      15_000,
    );
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(1);
    expect(cards()).toHaveLength(1);
    const log = await h.bot.stores.decisions.forFinding(FINDING_ID);
    expect(log.filter((d) => d.phase === 'succeeded')).toHaveLength(1);
  });
});
