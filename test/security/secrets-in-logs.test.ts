/**
 * No secret in the logs. A representative journey runs with LOG_LEVEL=debug (Bolt's and the Web API client's
 * debug lines included): a finding event over HTTP with the API key (and attempts with wrong keys), a forged
 * Slack request, Archive, `/iam-findings`, a failing AWS call, failing Slack calls (a platform error, an HTTP
 * 500, a modal that cannot open) and a failing reconcile, so the error paths log too. Every line the bot wrote
 * must be one JSON object and contain none of the bot token, signing secret, events API key, app token or AWS
 * signing material; the lines must also show the journey (its finding ids, its error lines), so the test cannot
 * pass on empty or unrelated logs. Socket Mode, which holds an app-level token, runs its own short journey.
 */
import { LOCAL_BOT_TOKEN } from '../../src/sandbox/local-stack';
import {
  CHANNEL,
  EVENTS_API_KEY,
  type Harness,
  ONCALL,
  SIGNING_SECRET,
  eventually,
  startHarness,
} from '../helpers/harness';
import { roleAlice } from '../fixtures/events';
import { captureSlackRequest, cardOf, postFinding, quiet, resigned, sendToBot } from './support';

const ARCHIVED = 'b0000000-5ec2-4e2f-9a8b-000000000001';
const FAILING = 'b0000000-5ec2-4e2f-9a8b-000000000002';
const SOCKET = 'b0000000-5ec2-4e2f-9a8b-000000000003';
const APP_TOKEN = 'xapp-1-A0SANDBOX-4242-socket-mode-app-level-token-value';

/** Signs of AWS request signing material (SigV4 headers, credentials objects). */
const AWS_SIGNING = /AWS4-HMAC-SHA256|Credential=|X-Amz-Signature|secretAccessKey|aws_secret_access_key/i;

/** Every 12-character piece of a secret: a partly masked or cut secret still gives one of these away. */
function pieces(secret: string, size = 12): string[] {
  return Array.from({ length: secret.length - size + 1 }, (_, i) => secret.slice(i, i + size));
}

/** Lines (by index) that contain any piece of any of the secrets. */
function leaks(logs: string[], secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const piece of pieces(secret)) {
      const at = logs.findIndex((line) => line.includes(piece));
      if (at >= 0) {
        found.push(`${name} in line ${at}: ${logs[at]?.slice(0, 300)}`);
        break;
      }
    }
  }
  return found;
}

/** Each line parsed; the test fails on the first that is not exactly one JSON object. */
function parsed(logs: string[]): Record<string, unknown>[] {
  return logs.map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`log line ${i} is not JSON: ${line.slice(0, 200)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`log line ${i} is not one JSON object: ${line.slice(0, 200)}`);
    }
    return value as Record<string, unknown>;
  });
}

describe('secrets in the logs, HTTP mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { LOG_LEVEL: 'debug' } });
    await eventually(async () => (await h.bot.stores.analyzers.list())[0]?.baselineAt);

    // Ingest: the right key, then wrong ones, one of which contains the right key.
    const cardTs = await postFinding(h, ARCHIVED, 'logs-archived-bucket');
    const failingTs = await postFinding(h, FAILING, 'logs-failing-bucket');
    for (const apiKey of [`${EVENTS_API_KEY}-but-longer`, EVENTS_API_KEY.toUpperCase(), '']) {
      expect((await h.postEvent(roleAlice(), { apiKey })).status).toBe(401);
    }
    // A forged Slack request: Bolt logs why it refused it.
    const click = await captureSlackRequest(h, () =>
      h.slack.clickButton({ channel: CHANNEL, ts: cardTs, actionId: 'finding.archive', userId: ONCALL }),
    );
    expect(
      (await sendToBot(h, resigned(click, 'not-the-signing-secret', Number(click.timestamp)))).status,
    ).toBe(401);

    // Archive, and /iam-findings.
    expect((await sendToBot(h, click)).status).toBe(200);
    await eventually(() => h.aws.accessAnalyzer.getFinding(ARCHIVED)?.status === 'ARCHIVED');
    await eventually(() => h.slack.replies(CHANNEL, cardTs).length === 1);
    const shown = h.slack.ephemerals({ user: ONCALL }).length;
    await h.slack.slashCommand({ command: '/iam-findings', text: 'rules', userId: ONCALL, channel: CHANNEL });
    await eventually(() => h.slack.ephemerals({ user: ONCALL }).length > shown);

    // A failing AWS call, whose explanation in the thread fails too (HTTP 500 from Slack).
    h.aws.failNext('UpdateFindings', { name: 'AccessDeniedException', status: 403, message: 'denied' });
    h.slack.failNext('chat.postMessage', { status: 500 });
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: failingTs,
      actionId: 'finding.archive',
      userId: ONCALL,
    });
    await eventually(() => h.logs.some((l) => l.includes('could not reply in thread')));
    // A modal Slack refuses to open (a platform error): an unexpected error, logged with its incident id.
    h.slack.failNext('views.open', { error: 'invalid_auth' });
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: failingTs,
      actionId: 'finding.archive-with-reason',
      userId: ONCALL,
    });
    await eventually(() => h.logs.some((l) => l.includes('"incident"')));
    // A message update Slack answers with a platform error, and a reconcile AWS refuses.
    h.slack.failNext('chat.update', { error: 'invalid_auth' }, 2);
    h.aws.accessAnalyzer.setStatus(FAILING, 'RESOLVED');
    h.aws.failNext('ListFindingsV2', { name: 'AccessDeniedException', status: 403, message: 'denied' });
    await h.bot.reconciler.reconcileAll();
    await h.bot.reconciler.reconcileAll();
    await quiet(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('wrote every line as one JSON object, with the journey in it', () => {
    const lines = parsed(h.logs);
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.every((l) => typeof l.level === 'string' && typeof l.msg === 'string')).toBe(true);
    expect(lines.filter((l) => l.level === 'debug').length).toBeGreaterThan(0);
    const all = h.logs.join('\n');
    expect(all).toContain(ARCHIVED);
    expect(all).toContain(FAILING);
    // The error paths were taken and logged.
    expect(all).toContain('rejected event: missing or wrong x-api-key');
    expect(all).toContain('Failed to parse and verify the request data');
    expect(all).toContain('UpdateFindings failed: AccessDeniedException');
    expect(all).toContain('could not reply in thread');
    expect(all).toMatch(/unexpected error in a Slack listener/);
    expect(all).toContain('reconcile failed; retrying at the next interval');
    expect(cardOf(h, FAILING)).toBeDefined();
  });

  it('contains no secret: bot token, signing secret, events API key, AWS signing material', () => {
    expect(
      leaks(h.logs, {
        'bot token': LOCAL_BOT_TOKEN,
        'signing secret': SIGNING_SECRET,
        'events API key': EVENTS_API_KEY,
      }),
    ).toEqual([]);
    expect(h.logs.filter((l) => AWS_SIGNING.test(l))).toEqual([]);
    expect(h.logs.filter((l) => /Bearer\s+x/i.test(l))).toEqual([]);
  });
});

describe('secrets in the logs, Socket Mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { LOG_LEVEL: 'debug', SLACK_APP_TOKEN: APP_TOKEN } });
    const cardTs = await postFinding(h, SOCKET, 'logs-socket-bucket');
    // Clicks and commands arrive over the app's WebSocket.
    await h.slack.clickButton({ channel: CHANNEL, ts: cardTs, actionId: 'finding.archive', userId: ONCALL });
    await eventually(() => h.aws.accessAnalyzer.getFinding(SOCKET)?.status === 'ARCHIVED');
    await h.slack.slashCommand({ command: '/iam-findings', text: 'help', userId: ONCALL, channel: CHANNEL });
    h.slack.failNext('chat.update', { error: 'invalid_auth' });
    h.aws.accessAnalyzer.setStatus(SOCKET, 'RESOLVED');
    await h.postEvent(
      roleAlice({ id: SOCKET, resource: 'arn:aws:s3:::logs-socket-bucket', status: 'RESOLVED' }),
    );
    await quiet(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('logs the Socket Mode journey without the app token, the bot token or AWS signing material', () => {
    expect(h.config.slack.mode).toBe('socket');
    const lines = parsed(h.logs);
    expect(lines.length).toBeGreaterThan(10);
    expect(h.logs.join('\n')).toContain(SOCKET);
    expect(leaks(h.logs, { 'app token': APP_TOKEN, 'bot token': LOCAL_BOT_TOKEN })).toEqual([]);
    expect(h.logs.filter((l) => AWS_SIGNING.test(l))).toEqual([]);
  });
});
