/**
 * Bursts: many finding events at once, through each ingest path, with duplicates and out-of-order updates.
 * Every finding is stored with its final state, each one that should be shown has exactly one message showing
 * that state, and the channel is never posted to faster than Slack allows (the Slack stand-in enforces the
 * limit with 429 + Retry-After and records the accepted post times). The bot is also stopped mid-burst and
 * started again: what was stored but not yet shown is posted then, once.
 * The scale here is kept small for the suite's time budget; `npm run bench` runs the 5,000-event burst.
 */
import { renderKey } from '../../../src/findings/sync';
import { CHANNEL, type Harness, type HarnessOptions, eventually, startHarness } from '../../helpers/harness';
import { type Burst, burst, event, inParallel } from './support';

/** The bot's spacing (SLACK_POST_INTERVAL) and the stand-in's stricter-than-needed limit below it. */
const BOT_INTERVAL_MS = 50;
const STANDIN_PER_SECOND = 25; // posts in any one second; the bot's 50 ms spacing makes 20, with room for jitter

async function verify(h: Harness, b: Burst) {
  await h.bot.syncs.idle();
  const records = await h.bot.stores.findings.getMany([...b.expected.keys()]);
  const top = h.slack.messages(CHANNEL).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const messagesPerFinding = new Map<string, number>();
  for (const m of top) {
    const id = (m.metadata?.event_payload as { finding_id?: string } | undefined)?.finding_id;
    if (id) messagesPerFinding.set(id, (messagesPerFinding.get(id) ?? 0) + 1);
  }
  const wrong: string[] = [];
  for (const [id, want] of b.expected) {
    const rec = records.get(id);
    if (!rec) wrong.push(`${id}: lost`);
    else if (rec.finding.status !== want.status)
      wrong.push(`${id}: ${rec.finding.status}, want ${want.status}`);
    const count = messagesPerFinding.get(id) ?? 0;
    if (count > 1 || (want.shown !== undefined && count !== (want.shown ? 1 : 0))) {
      wrong.push(`${id}: ${count} messages`);
    }
    if (count === 1 && rec && rec.renderedKey !== renderKey(rec)) wrong.push(`${id}: message not up to date`);
    if (rec?.syncDueAt !== undefined) wrong.push(`${id}: still marked as owing Slack work`);
  }
  expect(wrong).toEqual([]);
  const stats = h.slack.postRateStats();
  expect(stats.refused).toBe(0);
  const times = stats.accepted[CHANNEL] ?? [];
  const busiestSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
  // The bot spaces the starts of its posts; their arrival times at Slack jitter by a few ms under load, so one
  // more may fall in a window. The limit that matters is the stand-in's own (no post refused, above).
  expect(busiestSecond).toBeLessThanOrEqual(1000 / BOT_INTERVAL_MS + 2);
  expect(busiestSecond).toBeLessThanOrEqual(STANDIN_PER_SECOND);
}

describe('a burst of finding events', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  const start = async (env: Record<string, string> = {}, seed?: HarnessOptions['seed']) => {
    h = await startHarness({
      env: { SLACK_POST_INTERVAL: `${BOT_INTERVAL_MS}ms`, ...env },
      ...(seed ? { seed } : {}),
    });
    h.slack.limitPostRate(STANDIN_PER_SECOND);
  };

  it('through POST /events/findings: nothing lost, nothing posted twice, final states right, rate kept', async () => {
    await start();
    const b = burst(120);
    await inParallel(b.events, 20, async (e) => {
      const res = await h.postEvent(e);
      expect(res.status).toBe(200);
    });
    await verify(h, b);
  }, 60_000);

  it('through the SQS queue: the same', async () => {
    await start({}, (aws) => {
      aws.sqs.createQueue('findings-dlq');
      const q = aws.sqs.createQueue('findings', {
        visibilityTimeoutSeconds: 30,
        redrive: { deadLetterQueueName: 'findings-dlq', maxReceiveCount: 3 },
      });
      return { FINDINGS_QUEUE_URL: q.url };
    });
    const b = burst(120);
    for (const e of b.events) h.aws.sqs.send('findings', JSON.stringify(e));
    await eventually(() => h.aws.sqs.messages('findings').length === 0, 30_000);
    expect(h.aws.sqs.messages('findings-dlq')).toHaveLength(0);
    await verify(h, b);
  }, 60_000);

  it('stopped mid-burst: the next start shows the rest, once each', async () => {
    await start({ SLACK_POST_INTERVAL: '100ms' });
    const b = burst(60);
    await inParallel(b.events, 20, async (e) => {
      expect((await h.postEvent(e)).status).toBe(200);
    });
    await eventually(() => h.slack.messages(CHANNEL).length >= 5);
    await h.restart(); // stops mid-way: most findings are stored but not yet posted
    const before = h.slack.messages(CHANNEL).length;
    expect(before).toBeLessThan(40);
    await eventually(async () => (await h.bot.stores.findings.listSyncDue(10)).length === 0, 30_000);
    await verify(h, b);
  }, 60_000);

  it('acknowledges events without waiting for Slack’s pace', async () => {
    await start({ SLACK_POST_INTERVAL: '300ms' });
    const b = burst(24); // about 20 posts: at least 6 s of Slack pace
    const t0 = Date.now();
    await inParallel(b.events, 24, async (e) => {
      expect((await h.postEvent(e)).status).toBe(200);
    });
    const ackedMs = Date.now() - t0;
    expect(h.slack.messages(CHANNEL).length).toBeLessThan(10); // most are still queued …
    expect(ackedMs).toBeLessThan(4000); // … yet every event is stored and acknowledged
    expect(h.bot.syncs.stats().queued).toBeGreaterThan(0);
    await verify(h, b);
  }, 60_000);

  it('honours Retry-After: a 429 delays the post, which then happens once', async () => {
    await start();
    h.slack.failNext('chat.postMessage', { retryAfterSeconds: 1 });
    const t0 = Date.now();
    expect((await h.postEvent(event(1, 'ACTIVE'))).status).toBe(200);
    await h.bot.syncs.idle();
    await eventually(() => h.slack.messages(CHANNEL).length === 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
  });
});
