/**
 * Helpers shared by the security suites (not a test file): capture the exact signed request the Slack stand-in
 * would send to the bot (without delivering it), send raw requests to the bot's Slack endpoint with any headers,
 * and take a snapshot of every effect the bot can have (AWS writes, Slack calls, every DynamoDB item) to prove a
 * refused request changed nothing.
 */
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { signatureFor } from '../../src/sandbox/slack-standin';
import type { StoredMessage } from '../../src/sandbox/slack-standin/types';
import { roleAlice } from '../fixtures/events';
import { testDynamoDb } from '../helpers/ddb';
import { CHANNEL, type Harness, eventually } from '../helpers/harness';
import { settle } from '../integration/approvals/support';

/** A request as Slack sends it to the app's Request URL: the raw body and its two signing headers. */
export interface SignedRequest {
  body: string;
  contentType: string;
  /** `X-Slack-Request-Timestamp` (unix seconds, as text). */
  timestamp: string;
  /** `X-Slack-Signature` (`v0=<hex>`). */
  signature: string;
}

const CAPTURE_PATH = '/__security-capture';
const captures = new WeakMap<Harness, { last?: SignedRequest }>();

/**
 * Runs `act` (a stand-in click, slash command or modal submission) with the stand-in pointed at a capture route
 * on its own server instead of the bot, and returns the signed request it sent. The bot sees nothing; the
 * stand-in takes the capture's empty 200 as the bot's ack. The bot URL is restored afterwards.
 */
export async function captureSlackRequest(h: Harness, act: () => Promise<unknown>): Promise<SignedRequest> {
  let slot = captures.get(h);
  if (!slot) {
    const created: { last?: SignedRequest } = {};
    slot = created;
    captures.set(h, created);
    h.slack.addRoute((req) => {
      if (req.path !== CAPTURE_PATH) return undefined;
      const header = (name: string) => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : '';
      };
      created.last = {
        body: req.body,
        contentType: header('content-type'),
        timestamp: header('x-slack-request-timestamp'),
        signature: header('x-slack-signature'),
      };
      return { status: 200, headers: {}, body: '' };
    });
  }
  slot.last = undefined;
  h.slack.setBotUrl(`${h.slack.url}${CAPTURE_PATH}`);
  try {
    await act();
  } finally {
    h.slack.setBotUrl(`${h.botUrl}/slack/events`);
  }
  if (!slot.last) throw new Error('the Slack stand-in sent nothing to capture');
  return slot.last;
}

/** Unix seconds now. */
export const nowSec = (): number => Math.floor(Date.now() / 1000);

/** The request re-signed (correctly) with `secret` at `timestampSec`. */
export function resigned(req: SignedRequest, secret: string, timestampSec: number, body = req.body) {
  return {
    ...req,
    body,
    timestamp: String(timestampSec),
    signature: signatureFor(secret, timestampSec, body),
  };
}

/** What to POST to the bot's `/slack/events`: `null` leaves a header out. */
export interface RawSlackRequest {
  body: string;
  contentType: string;
  timestamp: string | null;
  signature: string | null;
}

/** POSTs to the bot's Slack endpoint exactly what is given (no signing of its own). */
export async function sendToBot(h: Harness, req: RawSlackRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': req.contentType };
  if (req.timestamp !== null) headers['x-slack-request-timestamp'] = req.timestamp;
  if (req.signature !== null) headers['x-slack-signature'] = req.signature;
  const res = await fetch(`${h.botUrl}/slack/events`, { method: 'POST', headers, body: req.body });
  return { status: res.status, text: await res.text() };
}

/** AWS operations that change nothing (reads, long polls, validations). */
const AWS_READ = /^(Get|List|Describe|Receive|Validate|Check)/;

export interface Effects {
  /** Every AWS call that can change something, by operation, in order. */
  awsWrites: string[];
  /** Every Slack Web API and response_url call the bot made, by method, in order. */
  slackCalls: string[];
  /** Every item of every bot table, as JSON, sorted. */
  db: Record<string, string[]>;
}

let ddbClient: ReturnType<typeof testDynamoDb> | undefined;

async function scanAll(table: string): Promise<string[]> {
  const ddb = (ddbClient ??= testDynamoDb());
  const items: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) {
      // The sync lease's bookkeeping changes whenever a background sync re-checks a message that is already
      // right (another finding's late event, the scheduler's poll): not an effect of the request under test.
      const { syncAttempts: _attempts, leaseToken: _token, leaseUntil: _until, ...rest } = item;
      items.push(JSON.stringify(rest));
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

/** A snapshot of everything the bot could have changed. */
export async function effects(h: Harness): Promise<Effects> {
  const tables = h.bot.stores.tableNames;
  const scanned = await Promise.all(tables.map(scanAll));
  const db = Object.fromEntries(tables.map((t, i) => [t, scanned[i] ?? []]));
  return {
    awsWrites: h.aws.calls.filter((c) => !AWS_READ.test(c.operation)).map((c) => c.operation),
    slackCalls: h.slack.calls.map((c) => c.method),
    db,
  };
}

export { settle } from '../integration/approvals/support';

/** Waits until the bot has shown every stored finding (no Slack sync pending), then lets stragglers land. */
export async function quiet(h: Harness): Promise<void> {
  await h.bot.syncs.idle();
  await settle(100);
}

/**
 * Puts an external-access finding on bucket `bucket` into the AWS stand-in's analyzer and delivers its event to
 * the bot over HTTP (as the API destination would); returns the ts of the finding's card in the channel.
 */
export async function postFinding(h: Harness, id: string, bucket: string): Promise<string> {
  const resource = `arn:aws:s3:::${bucket}`;
  const access = { principal: { AWS: '999988887777' }, action: ['s3:GetObject'] };
  h.aws.accessAnalyzer.addFinding({
    id,
    analyzerArn: h.analyzerArn,
    resource,
    resourceType: 'AWS::S3::Bucket',
    ...access,
  });
  const res = await h.postEvent(roleAlice({ id, resource, resourceType: 'AWS::S3::Bucket', ...access }));
  if (res.status !== 200) throw new Error(`the finding event was answered ${res.status}`);
  return (await eventually(() => cardOf(h, id))).ts;
}

/** The finding's card in the channel, as Slack shows it now. */
export function cardOf(h: Harness, findingId: string): StoredMessage | undefined {
  return h.slack
    .messages(CHANNEL)
    .find(
      (m) => (m.metadata?.event_payload as { finding_id?: unknown } | undefined)?.finding_id === findingId,
    );
}
