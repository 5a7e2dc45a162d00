/**
 * What the two ingest paths refuse, beyond what test/integration/journeys/ingest-input.test.ts already covers
 * (no key, key + 'x', empty key, malformed JSON, a bad status, an event over 256 KB with its Content-Length).
 * HTTP (POST /events/findings): keys in the wrong place or nearly right, bodies that are JSON but not an event,
 * forged envelopes, events from another source or of another type, and an oversized body sent without a
 * Content-Length. SQS: forged, malformed and oversized messages, on a queue without and with a DLQ. Each is
 * refused (or, for other sources, only kept as an unhandled event, as the README documents) with a clear
 * reason, never becomes a finding, posts nothing, and is not retried forever.
 */
import { request } from 'node:http';
import { MAX_EVENT_BYTES } from '../../src/ingest/http';
import { roleAlice } from '../fixtures/events';
import { CHANNEL, EVENTS_API_KEY, type Harness, eventually, startHarness } from '../helpers/harness';
import { effects, quiet } from './support';

const FINDING_ID = roleAlice().detail.id;

/** The finding store, the unhandled-events table and the channel: what an accepted event would change. */
async function traces(h: Harness) {
  const { db, awsWrites } = await effects(h);
  const unhandled = Object.entries(db).find(([t]) => t.endsWith('unhandled-events'))?.[1] ?? [];
  return {
    finding: await h.bot.stores.findings.get(FINDING_ID),
    findings: Object.entries(db).find(([t]) => t.endsWith('-findings'))?.[1] ?? [],
    unhandled,
    messages: h.slack.messageCount(CHANNEL),
    awsWrites,
  };
}

/** POSTs to the findings endpoint with exactly these headers and this body (optionally in chunks). */
function post(
  h: Harness,
  opts: { headers: Record<string, string | string[]>; body: string; path?: string; chunked?: boolean },
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.botUrl}${opts.path ?? '/events/findings'}`,
      { method: 'POST', headers: opts.headers },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    // The server may answer (413) and close before the whole body is written.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? undefined : reject(err)));
    if (opts.chunked) {
      for (let i = 0; i < opts.body.length; i += 16 * 1024) req.write(opts.body.slice(i, i + 16 * 1024));
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}

const json = { 'content-type': 'application/json' };
const event = JSON.stringify(roleAlice());

describe('POST /events/findings refuses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await eventually(async () => (await h.bot.stores.analyzers.list())[0]?.baselineAt);
    await quiet(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each<[string, { headers: Record<string, string | string[]>; path?: string }]>([
    ['the key as a bearer token', { headers: { ...json, authorization: `Bearer ${EVENTS_API_KEY}` } }],
    ['the key in the query string', { headers: json, path: `/events/findings?x-api-key=${EVENTS_API_KEY}` }],
    ['the key in upper case', { headers: { ...json, 'x-api-key': EVENTS_API_KEY.toUpperCase() } }],
    [
      'the first 20 characters of the key',
      { headers: { ...json, 'x-api-key': EVENTS_API_KEY.slice(0, 20) } },
    ],
    ['the key with a prefix', { headers: { ...json, 'x-api-key': `x${EVENTS_API_KEY}` } }],
    [
      'a wrong and the right key in two headers',
      { headers: { ...json, 'x-api-key': ['wrong', EVENTS_API_KEY] } },
    ],
  ])('%s with 401, and stores and posts nothing', async (_what, opts) => {
    const before = await traces(h);

    const res = await post(h, { ...opts, body: event });

    expect(res).toEqual({ status: 401, body: { error: 'missing or wrong x-api-key' } });
    await quiet(h);
    expect(await traces(h)).toEqual(before);
    expect(before.finding).toBeUndefined();
  });

  const deep = `${'['.repeat(60_000)}${']'.repeat(60_000)}`;
  it.each([
    ['plain text', 'text/plain', 'hello', /^malformed JSON/],
    ['an empty body', 'application/json', '', /^malformed JSON/],
    ['a JSON array of events', 'application/json', `[${event}]`, /event must be a JSON object/],
    ['JSON null', 'application/json', 'null', /event must be a JSON object/],
    ['a JSON string', 'application/json', JSON.stringify(event), /event must be a JSON object/],
    ['a JSON number', 'application/json', '42', /event must be a JSON object/],
    ['60,000 nested arrays', 'application/json', deep, /(malformed JSON|event must be a JSON object)/],
  ])('%s with 400 and the reason, and stores and posts nothing', async (_what, type, body, reason) => {
    const before = await traces(h);

    const res = await post(h, { headers: { 'content-type': type, 'x-api-key': EVENTS_API_KEY }, body });

    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(reason);
    await quiet(h);
    expect(await traces(h)).toEqual(before);
  });

  it.each([
    [
      'resources[0] that is not an analyzer ARN',
      { ...roleAlice(), resources: ['arn:aws:iam::111122223333:role/Admin'] },
      /resources\[0\] must be the analyzer ARN/,
    ],
    [
      'an analyzer ARN with markup in its name',
      { ...roleAlice(), resources: ['arn:aws:access-analyzer:us-west-2:111122223333:analyzer/<!channel>'] },
      /resources\[0\] must be the analyzer ARN/,
    ],
    [
      'a finding id with markup',
      roleAlice({ id: '<!channel>' }),
      /detail\.id has characters a finding id never has/,
    ],
    ['an account that is not 12 digits', { ...roleAlice(), account: '1111' }, /account must be a 12-digit/],
    [
      'a detail that is not an object',
      { ...roleAlice(), detail: 'ACTIVE' },
      /not an EventBridge event: detail/,
    ],
    [
      'a resource that is not an ARN',
      roleAlice({ resource: 'javascript:alert(1)' }),
      /detail\.resource must be an ARN/,
    ],
  ])('a forged event with %s, with 400 naming the field', async (_what, forged, reason) => {
    const before = await traces(h);

    const res = await h.postEvent(forged);

    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(reason);
    await quiet(h);
    expect(await traces(h)).toEqual(before);
  });

  it.each([
    ['another source', { ...roleAlice(), id: 'other-1', source: 'evil.attacker' }],
    [
      'a detail-type with a trailing space',
      { ...roleAlice(), id: 'other-2', 'detail-type': 'Access Analyzer Finding ' },
    ],
    [
      'a detail-type in lower case',
      { ...roleAlice(), id: 'other-3', 'detail-type': 'access analyzer finding' },
    ],
    [
      'an internal-access finding',
      { ...roleAlice(), id: 'other-4', 'detail-type': 'Internal Access Finding' },
    ],
  ])('an event from %s: never a finding, nothing posted, only kept as unhandled', async (_what, other) => {
    const before = await traces(h);

    const res = await h.postEvent(other);

    expect(res).toEqual({
      status: 200,
      body: { ok: true, result: { kind: 'unhandled', detailType: other['detail-type'] } },
    });
    await quiet(h);
    const after = await traces(h);
    expect(after.finding).toBeUndefined();
    expect(after.findings).toEqual(before.findings);
    expect(after.messages).toBe(before.messages);
    expect(after.awsWrites).toEqual(before.awsWrites);
    expect(after.unhandled.length).toBe(before.unhandled.length + 1);
    expect(after.unhandled.some((item) => item.includes(other.id) && item.includes(other.source))).toBe(true);
  });

  it('a body over 256 KB sent in chunks without a Content-Length, with 413', async () => {
    const before = await traces(h);
    const big = JSON.stringify(roleAlice({ condition: { 'aws:SourceVpc': 'v'.repeat(MAX_EVENT_BYTES) } }));

    const res = await post(h, {
      headers: { ...json, 'x-api-key': EVENTS_API_KEY, 'transfer-encoding': 'chunked' },
      body: big,
      chunked: true,
    });

    expect(res).toEqual({ status: 413, body: { error: `event larger than ${MAX_EVENT_BYTES} bytes` } });
    await quiet(h);
    expect(await traces(h)).toEqual(before);
    // The endpoint still answers the next (good) event.
    expect((await h.postEvent(roleAlice())).status).toBe(200);
    await eventually(() => h.slack.messageCount(CHANNEL) === before.messages + 1);
  });
});

/** A forged finding event: valid JSON, an EventBridge envelope, a detail that is no finding. */
const forged = JSON.stringify(roleAlice({ status: 'PWNED', resource: '<!channel>' }));
/** About 200 KB: under SQS's 256 KB, far over what a finding field may hold. */
const oversized = JSON.stringify(roleAlice({ condition: { 'aws:SourceVpc': 'v'.repeat(200 * 1024) } }));

describe('the SQS queue without a DLQ', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      seed: (aws) => ({ FINDINGS_QUEUE_URL: aws.sqs.createQueue('findings-no-dlq').url }),
    });
    await quiet(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    ['a body that is not JSON', '{"version":"0",', /message body is not JSON/],
    ['a forged finding event', forged, /invalid finding detail: detail\.status/],
    ['an oversized event', oversized, /invalid finding detail: detail\.condition/],
    ['a JSON array', `[${JSON.stringify(roleAlice())}]`, /event must be a JSON object/],
  ])('logs and deletes %s once, without a finding or a message', async (_what, body, reason) => {
    const deletes = h.aws.callsTo('DeleteMessage').length;
    const { messageId } = h.aws.sqs.send('findings-no-dlq', body);

    const logged = await eventually(() =>
      h.logs
        .map((l) => JSON.parse(l) as { messageId?: string; msg?: string; reason?: string; body?: string })
        .find((l) => l.messageId === messageId && l.msg === 'poison message deleted: the queue has no DLQ'),
    );
    expect(logged.reason).toMatch(reason);
    expect(logged).toMatchObject({ level: 'error', receiveCount: 1 });
    expect((logged.body ?? '').length).toBeLessThanOrEqual(2000);
    await eventually(() => h.aws.sqs.messages('findings-no-dlq').length === 0);
    await quiet(h);
    // Received once, deleted once: never handed out again.
    expect(h.aws.callsTo('DeleteMessage')).toHaveLength(deletes + 1);
    expect(h.logs.filter((l) => l.includes(messageId))).toHaveLength(1);
    expect(await h.bot.stores.findings.get(FINDING_ID)).toBeUndefined();
    expect(h.slack.messageCount(CHANNEL)).toBe(0);
  });

  it('keeps an event from another source only as unhandled, deletes it, and posts nothing', async () => {
    const { messageId } = h.aws.sqs.send(
      'findings-no-dlq',
      JSON.stringify({ ...roleAlice(), source: 'evil.attacker' }),
    );

    await eventually(() => h.aws.sqs.messages('findings-no-dlq').length === 0);
    await quiet(h);
    const handled = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.messageId === messageId);
    expect(handled).toMatchObject({ msg: 'message handled and deleted', result: { kind: 'unhandled' } });
    expect(await h.bot.stores.findings.get(FINDING_ID)).toBeUndefined();
    expect(h.slack.messageCount(CHANNEL)).toBe(0);
  });
});

describe('the SQS queue with a DLQ', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      seed: (aws) => {
        aws.sqs.createQueue('findings-dlq');
        const q = aws.sqs.createQueue('findings', {
          visibilityTimeoutSeconds: 1,
          redrive: { deadLetterQueueName: 'findings-dlq', maxReceiveCount: 2 },
        });
        return { FINDINGS_QUEUE_URL: q.url };
      },
    });
    await quiet(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns a forged event to the queue until its redrive policy moves it to the DLQ', async () => {
    const { messageId } = h.aws.sqs.send('findings', forged);

    const dead = await eventually(() => h.aws.sqs.messages('findings-dlq')[0], 10_000);

    expect(dead).toMatchObject({ messageId, body: forged });
    expect(h.aws.sqs.messages('findings')).toEqual([]);
    const released = h.logs
      .map(
        (l) => JSON.parse(l) as { messageId?: string; msg?: string; reason?: string; receiveCount?: number },
      )
      .filter((l) => l.messageId === messageId);
    expect(released.map((l) => [l.msg, l.receiveCount])).toEqual([
      ['poison message: returned to the queue for its redrive policy to move to the DLQ', 1],
      ['poison message: returned to the queue for its redrive policy to move to the DLQ', 2],
    ]);
    expect(released[0]?.reason).toMatch(/detail\.status/);
    expect(h.aws.callsTo('DeleteMessage')).toHaveLength(0);
    await quiet(h);
    expect(await h.bot.stores.findings.get(FINDING_ID)).toBeUndefined();
    expect(h.slack.messageCount(CHANNEL)).toBe(0);
  });
});
