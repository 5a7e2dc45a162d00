/**
 * Starts the real bot in-process against the project's stand-ins (src/sandbox/local-stack.ts) and the
 * DynamoDB Local of jest's globalSetup. Tests talk to the bot over HTTP and assert on what changed in the
 * stand-ins and the store.
 */
import { Writable } from 'node:stream';
import type { WebClientOptions } from '@slack/web-api';
import {
  LOCAL_CHANNEL,
  LOCAL_EVENTS_API_KEY,
  LOCAL_SIGNING_SECRET,
  type LocalStack,
  startLocalStack,
} from '../../src/sandbox/local-stack';
import type { AwsStandin } from '../../src/sandbox/aws-standin';
import { uniquePrefix } from './ddb';
import type { Clock } from '../../src/findings/ports';

export const SIGNING_SECRET = LOCAL_SIGNING_SECRET;
export const EVENTS_API_KEY = LOCAL_EVENTS_API_KEY;
export const CHANNEL = LOCAL_CHANNEL;
export const ONCALL = 'U0ONCALL';

export interface Harness extends LocalStack {
  /** Every log line the bot wrote (JSON). */
  logs: string[];
  postEvent(
    event: unknown,
    opts?: { apiKey?: string | null; raw?: string },
  ): Promise<{ status: number; body: unknown }>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
  seed?: (aws: AwsStandin, analyzerArn: string) => void | Record<string, string>;
  /** Another DynamoDB (Local) than the suite's shared one, e.g. one a test stops and starts. */
  dynamodbEndpoint?: string;
  /** Slack Web API client options over the tests' (no retries): e.g. Slack's retry policy and a short timeout. */
  slackClientOptions?: WebClientOptions;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const endpoint = opts.dynamodbEndpoint ?? process.env.TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('TEST_DYNAMODB_ENDPOINT is not set: run the tests through jest');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const stack = await startLocalStack({
    dynamodbEndpoint: endpoint,
    env: {
      TABLE_PREFIX: uniquePrefix('bot'),
      LOG_LEVEL: 'debug',
      RECONCILE_INTERVAL: '1h',
      // Tests post many findings back to back; the burst tests turn pacing on themselves.
      SLACK_POST_INTERVAL: '0',
      // One card per finding, whatever the test's burst: the digest tests set a threshold themselves.
      DIGEST_THRESHOLD: '0',
      ...opts.env,
    },
    seed: opts.seed,
    logDestination: sink,
    maxAttempts: 2,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.slackClientOptions ? { slackClientOptions: opts.slackClientOptions } : {}),
  });
  return Object.assign(stack, {
    logs,
    async postEvent(event: unknown, o: { apiKey?: string | null; raw?: string } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const key = o.apiKey === undefined ? EVENTS_API_KEY : o.apiKey;
      if (key !== null) headers['x-api-key'] = key;
      const res = await fetch(`${stack.botUrl}/events/findings`, {
        method: 'POST',
        headers,
        body: o.raw ?? JSON.stringify(event),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    },
  });
}

/** Polls until `check` returns a truthy value (or throws its last error after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = new Error('condition not met');
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw last;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The analyzer knows a finding on an IAM role trusted by Alice (what GetFindingV2 returns for its event). */
export function addRoleFinding(
  h: Pick<Harness, 'aws' | 'analyzerArn'>,
  id: string,
  resource = 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole',
): void {
  h.aws.accessAnalyzer.addFinding({
    id,
    analyzerArn: h.analyzerArn,
    resource,
    resourceType: 'AWS::IAM::Role',
    principal: { AWS: 'arn:aws:iam::999988887777:user/Alice' },
    action: ['sts:AssumeRole'],
  });
}
