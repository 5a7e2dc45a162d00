/**
 * npm run bench — figures for issue #2's targets, printed as a table:
 *  - Archive click ack latency (p50/p99) at 50 concurrent clicks, beside a bare Bolt app that only acks the
 *    same signed requests, measured in the same run (rounds interleaved), and the p99 ratio;
 *  - ingest throughput: 1,000 distinct finding events through POST /events/findings, and through SQS;
 *  - issue #8 (./burst.ts, the bot in its own process): DynamoDB writes per finding lifecycle; a 5,000-finding
 *    burst over HTTP against a Slack stand-in that enforces a posting limit per channel, with digests off (time
 *    until every card is visible against the floor the limit sets) and on; the bot's RSS idle and under burst.
 * Everything runs locally: DynamoDB Local, the AWS and Slack stand-ins, the real bot.
 *
 * The posting limit is scaled (BURST_POSTS_PER_SECOND instead of Slack's 1 a second) so the run takes minutes,
 * not hours; the ratio to the floor is what carries over.
 */
import { Writable } from 'node:stream';
import { App, HTTPReceiver } from '@slack/bolt';
import { startDynamoDbLocal } from '../src/sandbox/dynamodb-local';
import { burstFigures } from './burst';
import { freePort } from '../src/sandbox/free-port';
import {
  LOCAL_CHANNEL,
  LOCAL_EVENTS_API_KEY,
  LOCAL_SIGNING_SECRET,
  startLocalStack,
} from '../src/sandbox/local-stack';

const EVENTS = 1000;
const CONCURRENT_CLICKS = 50;
const ROUNDS = 6;
const POST_CONCURRENCY = 25;
const BURST = Number(process.env.BENCH_BURST ?? 5000);
const BURST_POSTS_PER_SECOND = Number(process.env.BENCH_POSTS_PER_SECOND ?? 25);

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? NaN;
}

async function pool<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const ddb = await startDynamoDbLocal();
  const rows: [string, string, string][] = [];
  if (process.env.BENCH_ONLY !== 'burst') rows.push(...(await ingestAndAckFigures(ddb.endpoint)));
  try {
    rows.push(
      ...(await burstFigures({
        dynamodbEndpoint: ddb.endpoint,
        burst: BURST,
        postsPerSecond: BURST_POSTS_PER_SECOND,
      })),
    );
  } finally {
    await ddb.stop();
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 8));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
  console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);
  console.log(line(['figure', 'value', 'how']));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/** Ingest throughput over HTTP and SQS, and Archive ack latency beside a bare Bolt app (the bot in-process). */
async function ingestAndAckFigures(dynamodbEndpoint: string): Promise<[string, string, string][]> {
  const rows: [string, string, string][] = [];
  const stack = await startLocalStack({
    dynamodbEndpoint,
    // Pacing off: these figures are the bot's own work; the burst below paces.
    env: {
      TABLE_PREFIX: `bench-${Date.now()}-`,
      LOG_LEVEL: 'warn',
      RECONCILE_INTERVAL: '1h',
      SLACK_POST_INTERVAL: '0',
      DIGEST_THRESHOLD: '0',
    },
    logDestination: quiet,
    seed: (aws) => {
      aws.sqs.createQueue('bench-dlq');
      const q = aws.sqs.createQueue('bench', {
        redrive: { deadLetterQueueName: 'bench-dlq', maxReceiveCount: 5 },
      });
      return { FINDINGS_QUEUE_URL: q.url };
    },
  });
  const { aws, slack } = stack;
  try {
    // --- Ingest over HTTP -------------------------------------------------------------------------------
    const make = (prefix: string) =>
      Array.from({ length: EVENTS }, (_, i) =>
        aws.accessAnalyzer.addFinding({
          id: `${prefix}${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`.slice(0, 36),
          analyzerArn: stack.analyzerArn,
          resource: `arn:aws:s3:::bench-${prefix}-${i}`,
          resourceType: 'AWS::S3::Bucket',
          principal: { AWS: '999988887777' },
          action: ['s3:GetObject'],
        }),
      );
    const httpFindings = make('h');
    const events = httpFindings.map((f) => JSON.stringify(aws.accessAnalyzer.toEvent(f)));
    const t0 = performance.now();
    await pool(events, POST_CONCURRENCY, async (body) => {
      const res = await fetch(`${stack.botUrl}/events/findings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': LOCAL_EVENTS_API_KEY },
        body,
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    });
    const httpSecs = (performance.now() - t0) / 1000;
    const posted = slack.messageCount(LOCAL_CHANNEL);
    rows.push([
      'ingest, HTTP endpoint',
      `${(EVENTS / httpSecs).toFixed(0)} events/s`,
      `${EVENTS} events in ${httpSecs.toFixed(2)} s, ${posted} messages`,
    ]);

    // --- Ingest over SQS --------------------------------------------------------------------------------
    const sqsFindings = make('q');
    const t1 = performance.now();
    for (const f of sqsFindings) aws.sqs.send('bench', JSON.stringify(aws.accessAnalyzer.toEvent(f)));
    await waitFor(
      () => slack.messageCount(LOCAL_CHANNEL) >= posted + EVENTS && aws.sqs.messages('bench').length === 0,
      300_000,
    );
    const sqsSecs = (performance.now() - t1) / 1000;
    rows.push([
      'ingest, SQS queue',
      `${(EVENTS / sqsSecs).toFixed(0)} events/s`,
      `${EVENTS} events in ${sqsSecs.toFixed(2)} s (10 per receive)`,
    ]);

    // --- Ack latency: the bot vs a bare Bolt app ---------------------------------------------------------
    const barePort = await freePort();
    const bareReceiver = new HTTPReceiver({ signingSecret: LOCAL_SIGNING_SECRET });
    const bare = new App({
      token: 'xoxb-sandbox-token',
      receiver: bareReceiver,
      clientOptions: { slackApiUrl: slack.apiUrl },
      logLevel: undefined,
      logger: {
        debug() {},
        info() {},
        warn() {},
        error() {},
        setLevel() {},
        getLevel: () => 'error' as never,
        setName() {},
      },
    });
    bare.action(/.*/, async ({ ack }) => {
      await ack();
    });
    await bare.start(barePort);
    const botUrl = `${stack.botUrl}/slack/events`;
    const messages = slack.messages(LOCAL_CHANNEL);
    const botMs: number[] = [];
    const bareMs: number[] = [];
    const round = async (r: number, target: 'bot' | 'bare') => {
      slack.setBotUrl(target === 'bot' ? botUrl : `http://127.0.0.1:${barePort}/slack/events`);
      // The bot archives what it is clicked on, so each bot round takes fresh findings; the bare app changes
      // nothing, so its rounds click the second half's messages.
      const from = target === 'bot' ? r * CONCURRENT_CLICKS : EVENTS + r * CONCURRENT_CLICKS;
      const batch = messages.slice(from, from + CONCURRENT_CLICKS);
      const results = await Promise.all(
        batch.map((m) =>
          slack.clickButton({
            channel: LOCAL_CHANNEL,
            ts: m.ts,
            actionId: 'finding.archive',
            userId: 'U0ONCALL',
          }),
        ),
      );
      for (const res of results) {
        if (res.status !== 200)
          throw new Error(
            `${target} answered a click with ${res.status} (${res.error ?? ''}, ${res.ms} ms, ${res.body.slice(0, 200)})`,
          );
        (target === 'bot' ? botMs : bareMs).push(res.ms);
      }
    };
    for (let r = 0; r < ROUNDS; r++) {
      await round(r, r % 2 === 0 ? 'bot' : 'bare');
      await round(r, r % 2 === 0 ? 'bare' : 'bot');
    }
    await waitFor(() => aws.callsTo('UpdateFindings').length >= ROUNDS * CONCURRENT_CLICKS, 60_000);
    await bare.stop();
    botMs.sort((a, b) => a - b);
    bareMs.sort((a, b) => a - b);
    const p = (xs: number[]) => `p50 ${percentile(xs, 50)} ms, p99 ${percentile(xs, 99)} ms`;
    rows.push(['Archive ack, the bot', p(botMs), `${botMs.length} clicks, ${CONCURRENT_CLICKS} at once`]);
    rows.push(['ack, bare Bolt app', p(bareMs), `${bareMs.length} clicks, ${CONCURRENT_CLICKS} at once`]);
    rows.push([
      'ack p99 ratio (bot / bare Bolt)',
      (percentile(botMs, 99) / percentile(bareMs, 99)).toFixed(2),
      'target ≤ 1.2 (issue #8)',
    ]);
  } finally {
    await stack.stop();
  }
  return rows;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
