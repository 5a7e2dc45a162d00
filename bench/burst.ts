/**
 * Issue #8's burst figures, with the bot in a process of its own (the built `dist/main.js`, as the container
 * runs it), configured by environment variables only, so its RSS is the bot's alone: the stand-ins, DynamoDB
 * Local and this script live elsewhere. DynamoDB is reached through a proxy that counts write requests.
 *
 * - writes per finding lifecycle: new (posted) → archived in AWS (message updated), finding by finding;
 * - a 5,000-event burst over HTTP against a Slack stand-in that enforces a posting limit per channel, once with
 *   digests off (one card each: compared with the floor the limit sets) and once with them on (the default);
 * - the bot's RSS idle and its peak during each burst (read from /proc).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { createAwsStandin } from '../src/sandbox/aws-standin';
import { freePort } from '../src/sandbox/free-port';
import { LOCAL_CHANNEL, LOCAL_EVENTS_API_KEY, LOCAL_SIGNING_SECRET } from '../src/sandbox/local-stack';
import { createSlackStandin } from '../src/sandbox/slack-standin';
import { createStores } from '../src/store';
import { startWriteCounter } from './ddb-write-counter';

export type Row = [string, string, string];

const ROOT = join(__dirname, '..');
const LIFECYCLES = 100;
const POST_CONCURRENCY = 25;

export interface BurstSettings {
  dynamodbEndpoint: string;
  burst: number;
  postsPerSecond: number;
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** The process's resident set (kB), from /proc. */
function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function pool<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Builds dist/ (what the Dockerfile runs) so the bot runs without a TypeScript loader in its process. */
function build(): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

export async function burstFigures(s: BurstSettings): Promise<Row[]> {
  build();
  const rows: Row[] = [];
  const counter = await startWriteCounter(s.dynamodbEndpoint);
  const aws = await createAwsStandin();
  const slack = await createSlackStandin({ signingSecret: LOCAL_SIGNING_SECRET });
  const analyzer = aws.accessAnalyzer.addAnalyzer({
    name: 'BenchAnalyzer',
    region: 'us-west-2',
    account: '111122223333',
  });
  const reader = new DynamoDB({
    endpoint: s.dynamodbEndpoint,
    region: 'us-west-2',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  let bot: ChildProcess | undefined;
  let serial = 0;

  /** Starts the bot process on fresh tables; resolves once it serves. */
  const startBot = async (env: Record<string, string>) => {
    const port = await freePort();
    const prefix = `burst-${Date.now()}-${serial++}-`;
    let out = '';
    bot = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        SLACK_BOT_TOKEN: 'xoxb-sandbox-token',
        SLACK_SIGNING_SECRET: LOCAL_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        FINDINGS_CHANNEL_ID: LOCAL_CHANNEL,
        EVENTS_API_KEY: LOCAL_EVENTS_API_KEY,
        ANALYZER_ARN: analyzer.arn,
        PORT: String(port),
        TABLE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        RECONCILE_INTERVAL: '1h',
        AWS_REGION: 'us-west-2',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_ENDPOINT_URL_ACCESSANALYZER: aws.url,
        AWS_ENDPOINT_URL_DYNAMODB: counter.endpoint,
        // e.g. BENCH_BOT_NODE_OPTIONS=--max-old-space-size=128, to see the bot's RSS under a smaller heap.
        ...(process.env.BENCH_BOT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    bot.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
      60_000,
      `the bot to start (${out.slice(-500)})`,
    );
    const stores = createStores(reader, { tablePrefix: prefix, createTables: false });
    await stores.initialize();
    const send = async (body: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/events/findings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': LOCAL_EVENTS_API_KEY },
        body,
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    };
    /** Nothing owed to Slack: every stored finding shows its state in a card or a posted digest. */
    const settled = async () =>
      (await stores.findings.listSyncDue(1)).length === 0 &&
      (await stores.digests.listPostDue(1)).length === 0;
    return { pid: bot.pid as number, send, settled, stores };
  };
  const stopBot = async () => {
    if (!bot || bot.exitCode !== null) return;
    const exited = new Promise((r) => bot?.once('exit', r));
    bot.kill('SIGTERM');
    await exited;
  };

  const addFindings = (prefix: string, n: number, principals: number) =>
    Array.from({ length: n }, (_, i) =>
      aws.accessAnalyzer.addFinding({
        id: `${prefix}${String(i).padStart(7, '0')}-0000-4000-8000-000000000000`,
        analyzerArn: analyzer.arn,
        resource: `arn:aws:s3:::${prefix}-${i}`,
        resourceType: 'AWS::S3::Bucket',
        principal: { AWS: `${String(100000000000 + (i % principals))}` },
        action: ['s3:GetObject'],
      }),
    );

  /** A burst of `n` events at once; returns ingest and visibility times and the bot's peak RSS. */
  const burst = async (b: Awaited<ReturnType<typeof startBot>>, prefix: string) => {
    const events = addFindings(prefix, s.burst, 50).map((f) => JSON.stringify(aws.accessAnalyzer.toEvent(f)));
    let peak = rssKb(b.pid);
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssKb(b.pid));
    }, 250);
    const refusedBefore = slack.postRateStats().refused;
    const t0 = performance.now();
    await pool(events, POST_CONCURRENCY, b.send);
    const ingestSecs = (performance.now() - t0) / 1000;
    await waitFor(b.settled, 3_600_000, 'the burst to be visible');
    const visibleSecs = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    return { ingestSecs, visibleSecs, peakKb: peak, refused: slack.postRateStats().refused - refusedBefore };
  };

  try {
    slack.limitPostRate(s.postsPerSecond);
    // A little above the stand-in's limit, as a deployment sets SLACK_POST_INTERVAL a little above Slack's.
    const interval = `${Math.ceil((1000 / s.postsPerSecond) * 1.05)}ms`;

    // --- Digests off: writes per lifecycle, then a burst of cards ---------------------------------------
    const plain = await startBot({ SLACK_POST_INTERVAL: interval, DIGEST_THRESHOLD: '0' });
    await waitFor(plain.settled, 30_000, 'the bot to settle');
    await new Promise((r) => setTimeout(r, 2000));
    const idleKb = rssKb(plain.pid);

    // A quiet channel: each event handled and shown before the next comes (the everyday case).
    const lifecycle = addFindings('l', LIFECYCLES, 1);
    counter.reset();
    for (const f of lifecycle) {
      await plain.send(JSON.stringify(aws.accessAnalyzer.toEvent(f)));
      await waitFor(plain.settled, 30_000, 'the new finding to be posted');
    }
    for (const f of lifecycle) {
      const archived = aws.accessAnalyzer.setStatus(f.id, 'ARCHIVED');
      await plain.send(JSON.stringify(aws.accessAnalyzer.toEvent(archived)));
      await waitFor(plain.settled, 30_000, 'the archived finding to be shown');
    }
    rows.push([
      'DynamoDB writes per finding lifecycle',
      (counter.total() / LIFECYCLES).toFixed(2),
      `new → posted → archived → updated, ${LIFECYCLES} findings, each shown before the next event: ${JSON.stringify(counter.counts())}; target ≤ 3`,
    ]);

    counter.reset();
    const cards = await burst(plain, 'c');
    const floor = s.burst / s.postsPerSecond;
    rows.push([
      'burst, digests off: ingest',
      `${(s.burst / cards.ingestSecs).toFixed(0)} events/s`,
      `${s.burst} events over HTTP, ${POST_CONCURRENCY} at a time, in ${cards.ingestSecs.toFixed(1)} s (stored, acknowledged)`,
    ]);
    rows.push([
      'burst, digests off: all visible',
      `${cards.visibleSecs.toFixed(1)} s = ${(cards.visibleSecs / floor).toFixed(2)} × floor`,
      `floor ${floor.toFixed(0)} s = ${s.burst} cards at ${s.postsPerSecond}/s (stand-in limit), SLACK_POST_INTERVAL=${interval}; ${cards.refused} posts refused (429); target ≤ 1.1×`,
    ]);
    rows.push([
      'burst, digests off: writes per finding',
      (counter.total() / s.burst).toFixed(2),
      JSON.stringify(counter.counts()),
    ]);
    rows.push(['bot RSS idle', mb(idleKb), 'bot process alone (node dist/main.js), started and settled']);
    rows.push([
      'bot RSS under burst, digests off (peak)',
      mb(cards.peakKb),
      'sampled every 250 ms; target ≤ 200 MB',
    ]);
    await stopBot();

    // --- Digests on (the default threshold) ------------------------------------------------------------
    const digesting = await startBot({ SLACK_POST_INTERVAL: interval });
    await waitFor(digesting.settled, 30_000, 'the bot to settle');
    counter.reset();
    const grouped = await burst(digesting, 'd');
    const messages = slack.messageCount(LOCAL_CHANNEL);
    rows.push([
      'burst, digests on: ingest',
      `${(s.burst / grouped.ingestSecs).toFixed(0)} events/s`,
      `${s.burst} events, ${POST_CONCURRENCY} at a time, in ${grouped.ingestSecs.toFixed(1)} s`,
    ]);
    rows.push([
      'burst, digests on: all visible',
      `${grouped.visibleSecs.toFixed(1)} s`,
      `every finding in a card or a posted digest (50 principals); ${grouped.refused} posts refused (429); channel total ${messages} messages`,
    ]);
    rows.push([
      'burst, digests on: writes per finding',
      (counter.total() / s.burst).toFixed(2),
      JSON.stringify(counter.counts()),
    ]);
    rows.push(['bot RSS under burst, digests on (peak)', mb(grouped.peakKb), 'target ≤ 200 MB']);
  } finally {
    await stopBot();
    await Promise.all([aws.close(), slack.close(), counter.stop()]);
  }
  return rows;
}
