/**
 * Issue #8's burst (10% duplicates, out-of-order archive updates; at full size, BURST_TEST_FINDINGS=3850, at
 * least 5,000 events) through each ingest path, with digests on (the default threshold) and a Slack stand-in that refuses posts over its
 * per-channel limit. Zero lost (every finding stored with its final state), zero shown twice (each finding in
 * exactly one card or one digest, which shows its current state), the channel never over the limit.
 * The limit is scaled (5 posts a second, the bot paced a little under it) so the suite stays fast; a burst
 * outruns it as it would outrun Slack's one a second.
 */
import { DIGEST_METADATA_TYPE } from '../../../src/slack/digest-messenger';
import { renderKey } from '../../../src/findings/sync';
import { CHANNEL, type Harness, type HarnessOptions, eventually, startHarness } from '../../helpers/harness';
import { type Burst, burst, inParallel } from './support';

/**
 * 1,000 findings (about 1,300 events) by default, to keep the suite's time; BURST_TEST_FINDINGS=3850 gives the
 * issue's 5,000 events (about two minutes per ingest path on 2 cores).
 */
const FINDINGS = Number(process.env.BURST_TEST_FINDINGS ?? 1000);
const LIMIT_PER_SECOND = 5;
const BOT_INTERVAL = '210ms';

async function verify(h: Harness, b: Burst) {
  await eventually(async () => {
    await h.bot.syncs.idle();
    return (
      (await h.bot.stores.findings.listSyncDue(1)).length === 0 &&
      (await h.bot.stores.digests.listPostDue(1)).length === 0
    );
  }, 60_000);
  const ids = [...b.expected.keys()];
  const records = await h.bot.stores.findings.getMany(ids);
  const top = h.slack.messages(CHANNEL).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const shown = new Map<string, number>();
  const count = (id: string) => shown.set(id, (shown.get(id) ?? 0) + 1);
  let digests = 0;
  const staleDigests: string[] = [];
  for (const m of top) {
    const meta = m.metadata as { event_type?: string; event_payload?: Record<string, string> } | undefined;
    if (meta?.event_type === DIGEST_METADATA_TYPE) {
      digests++;
      const digest = await h.bot.stores.digests.get(meta.event_payload?.digest_id ?? '');
      const members = (digest?.findingIds ?? [])
        .map((id) => records.get(id))
        .filter((r) => r?.digestId === digest?.id);
      for (const r of members) if (r) count(r.finding.id);
      const active = members.filter((r) => r?.finding.status === 'ACTIVE').length;
      const archived = members.filter((r) => r?.finding.status === 'ARCHIVED').length;
      if (!JSON.stringify(m.blocks).includes(`${active} active · ${archived} archived`)) {
        staleDigests.push(`${digest?.id}: does not show ${active} active · ${archived} archived`);
      }
    } else if (meta?.event_payload?.finding_id) {
      count(meta.event_payload.finding_id);
    }
  }
  const wrong: string[] = [...staleDigests];
  for (const [id, want] of b.expected) {
    const rec = records.get(id);
    const times = shown.get(id) ?? 0;
    if (!rec) wrong.push(`${id}: lost`);
    else if (rec.finding.status !== want.status)
      wrong.push(`${id}: ${rec.finding.status}, want ${want.status}`);
    if (times > 1 || (want.shown === true && times !== 1)) wrong.push(`${id}: shown ${times} times`);
    if (times === 1 && rec && rec.renderedKey !== renderKey(rec)) wrong.push(`${id}: shown out of date`);
  }
  expect(wrong.slice(0, 20)).toEqual([]);
  // The channel never takes more than its limit; the bot paces a little under it, so Slack (here the stand-in)
  // refuses only the odd post whose arrival jittered into a full second (under load: 7 of about 250 at full
  // size), and that post waits Retry-After. Without pacing most posts would be refused.
  const stats = h.slack.postRateStats();
  const times = stats.accepted[CHANNEL] ?? [];
  expect(stats.refused).toBeLessThanOrEqual(Math.ceil(times.length / 20));
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  expect(busiest).toBeLessThanOrEqual(LIMIT_PER_SECOND);
  // Grouped: far fewer messages than findings (how many go out one by one before the backlog passes the
  // threshold depends on how fast ingest outruns the pace: about 5-14% here).
  expect(digests).toBeGreaterThan(0);
  expect(top.length).toBeLessThan(ids.length / 4);
}

describe(`a burst of ${FINDINGS} findings with digests`, () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  const start = async (seed?: HarnessOptions['seed']) => {
    h = await startHarness({
      env: { SLACK_POST_INTERVAL: BOT_INTERVAL, DIGEST_THRESHOLD: '20', LOG_LEVEL: 'info' },
      ...(seed ? { seed } : {}),
    });
    h.slack.limitPostRate(LIMIT_PER_SECOND);
  };
  it('through POST /events/findings: nothing lost, nothing shown twice, final states right, limit kept', async () => {
    await start();
    const b = burst(FINDINGS);
    expect(b.events.length).toBeGreaterThan(FINDINGS * 1.25); // archive updates and 10% duplicates
    await inParallel(b.events, 25, async (e) => {
      const res = await h.postEvent(e);
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
    });
    await verify(h, b);
  }, 240_000);

  it('through the SQS queue (all enqueued at once): the same', async () => {
    await start((aws) => {
      aws.sqs.createQueue('findings-dlq');
      const q = aws.sqs.createQueue('findings', {
        visibilityTimeoutSeconds: 60,
        redrive: { deadLetterQueueName: 'findings-dlq', maxReceiveCount: 3 },
      });
      return { FINDINGS_QUEUE_URL: q.url };
    });
    const b = burst(FINDINGS);
    for (const e of b.events) h.aws.sqs.send('findings', JSON.stringify(e));
    await eventually(() => h.aws.sqs.messages('findings').length === 0, 180_000);
    expect(h.aws.sqs.messages('findings-dlq')).toHaveLength(0);
    await verify(h, b);
  }, 240_000);
});
