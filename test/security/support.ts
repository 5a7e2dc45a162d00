/**
 * Helpers shared by the security suites (not a test file): capture the exact signed request the Slack stand-in
 * would send to the bot (without delivering it), send raw requests to the bot's Slack endpoint with any headers,
 * and take a snapshot of every effect the bot can have (AWS writes, Slack calls, every DynamoDB item) to prove a
 * refused request changed nothing.
 */
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { signatureFor } from '../../src/sandbox/slack-standin';
import type { Harness } from '../helpers/harness';
import { testDynamoDb } from '../helpers/ddb';

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

async function scanAll(table: string): Promise<string[]> {
  const ddb = testDynamoDb();
  const items: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) items.push(JSON.stringify(item));
    start = out.LastEvaluatedKey;
  } while (start);
  ddb.destroy();
  return items.sort();
}

/** A snapshot of everything the bot could have changed. */
export async function effects(h: Harness): Promise<Effects> {
  const db: Record<string, string[]> = {};
  for (const table of h.bot.stores.tableNames) db[table] = await scanAll(table);
  return {
    awsWrites: h.aws.calls.filter((c) => !AWS_READ.test(c.operation)).map((c) => c.operation),
    slackCalls: h.slack.calls.map((c) => c.method),
    db,
  };
}

export { settle } from '../integration/approvals/support';
