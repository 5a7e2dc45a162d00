import { ErrorCode, WebClient } from '@slack/web-api';
import {
  createSlackStandin,
  DEFAULT_BOT_TOKEN,
  type SlackStandin,
} from '../../../../src/sandbox/slack-standin';
import { clientFor, silent, slackError, standinWithClient } from './web-client-helpers';

const CHANNEL = 'C0SECURITY';

describe('Slack stand-in Web API', () => {
  let standin: SlackStandin;
  let client: WebClient;

  beforeEach(async () => {
    [standin, client] = await standinWithClient();
  });

  afterEach(() => standin.close());

  it('answers auth.test with the bot user, bot and team ids', async () => {
    // Act
    const result = await client.auth.test();

    // Assess
    expect(result).toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0SANDBOX' });
  });

  it('rejects a wrong token with invalid_auth and a missing token with not_authed', async () => {
    // Prepare
    const wrong = clientFor(standin, 'xoxb-wrong');
    const none = new WebClient(undefined, {
      slackApiUrl: standin.apiUrl,
      retryConfig: { retries: 0 },
      logger: silent,
    });

    // Act
    const wrongToken = await slackError(wrong.auth.test());
    const noToken = await slackError(none.auth.test());

    // Assess
    expect(wrongToken).toMatchObject({ code: ErrorCode.PlatformError, error: 'invalid_auth' });
    expect(noToken).toMatchObject({ code: ErrorCode.PlatformError, error: 'not_authed' });
  });

  it('posts a message and returns channel, ts and the stored message with generated block ids', async () => {
    // Act
    const result = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'New finding',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*New finding*' } }],
      metadata: { event_type: 'finding_posted', event_payload: { findingId: 'f-1' } },
    });

    // Assess
    expect(result.channel).toBe(CHANNEL);
    expect(result.ts).toMatch(/^\d+\.\d{6}$/);
    expect(result.message).toMatchObject({
      type: 'message',
      user: 'U0BOT',
      bot_id: 'B0BOT',
      text: 'New finding',
    });
    const stored = standin.message(CHANNEL, result.ts as string);
    expect(stored?.blocks[0]?.block_id).toEqual(expect.any(String));
    expect(stored?.metadata).toEqual({ event_type: 'finding_posted', event_payload: { findingId: 'f-1' } });
    expect(standin.callsTo('chat.postMessage')[0]?.args.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*New finding*' } },
    ]);
  });

  it('hands out strictly increasing ts values even when the clock stands still', async () => {
    // Prepare
    await standin.close();
    standin = await createSlackStandin({ signingSecret: 's', now: () => 1_700_000_000_000 });
    client = clientFor(standin);

    // Act
    const first = await client.chat.postMessage({ channel: CHANNEL, text: 'one' });
    const second = await client.chat.postMessage({ channel: CHANNEL, text: 'two' });

    // Assess
    expect(first.ts).toBe('1700000000.000000');
    expect(second.ts).toBe('1700000000.000001');
  });

  it('accepts a channel name and a user id (posting into the DM)', async () => {
    // Act
    const byName = await client.chat.postMessage({ channel: '#security-findings', text: 'hi' });
    const dm = await client.chat.postMessage({ channel: 'U0APPROVER1', text: 'please approve' });

    // Assess
    expect(byName.channel).toBe(CHANNEL);
    expect(dm.channel).toBe('D0APPROVER1');
    expect(standin.messages('D0APPROVER1').map((m) => m.text)).toEqual(['please approve']);
  });

  it('accepts a JSON body with a bearer token, but not a token inside a JSON body', async () => {
    // Prepare
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${standin.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ ok: boolean; error?: string }>);
    const json = { 'Content-Type': 'application/json; charset=utf-8' };

    // Act
    const withBearer = await post(
      { ...json, Authorization: `Bearer ${DEFAULT_BOT_TOKEN}` },
      { channel: CHANNEL, text: 'x' },
    );
    const tokenInBody = await post(json, { token: DEFAULT_BOT_TOKEN, channel: CHANNEL, text: 'x' });

    // Assess
    expect(withBearer.ok).toBe(true);
    expect(tokenInBody).toEqual({ ok: false, error: 'not_authed' });
  });

  it.each([
    ['an unknown channel', { channel: 'C0NOPE', text: 'x' }, 'channel_not_found'],
    ['neither text nor blocks', { channel: CHANNEL }, 'no_text'],
    ['text over 40,000 characters', { channel: CHANNEL, text: 'a'.repeat(40_001) }, 'msg_too_long'],
    [
      'blocks that are not a JSON array',
      { channel: CHANNEL, text: 'x', blocks: '{nope' },
      'invalid_blocks_format',
    ],
    [
      'malformed metadata',
      { channel: CHANNEL, text: 'x', metadata: { event_type: 'x' } },
      'invalid_metadata_format',
    ],
  ])('rejects a message with %s', async (_name, args, expected) => {
    // Act
    const failure = await slackError(client.apiCall('chat.postMessage', args));

    // Assess
    expect(failure.error).toBe(expected);
    expect(standin.messages(CHANNEL)).toHaveLength(0);
  });

  it('updates a bot message in place, keeps blocks when omitted and marks it edited', async () => {
    // Prepare
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'Finding open',
      blocks: [{ type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'open' } }],
    });

    // Act
    const result = await client.chat.update({
      channel: CHANNEL,
      ts: posted.ts as string,
      text: 'Finding archived',
    });

    // Assess
    expect(result).toMatchObject({ ok: true, channel: CHANNEL, ts: posted.ts, text: 'Finding archived' });
    const stored = standin.message(CHANNEL, posted.ts as string);
    expect(stored?.text).toBe('Finding archived');
    expect(stored?.blocks.map((b) => b.block_id)).toEqual(['summary']);
    expect(stored?.edited).toEqual({ user: 'U0BOT', ts: expect.stringMatching(/^\d+\.\d{6}$/) });
  });

  it('refuses to update unknown messages, ephemerals and messages written by people', async () => {
    // Prepare
    const human = standin.postUserMessage({ channel: CHANNEL, userId: 'U0ONCALL', text: 'looking' });
    const eph = await client.chat.postEphemeral({ channel: CHANNEL, user: 'U0ONCALL', text: 'only you' });

    // Act
    const unknown = await slackError(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }));
    const ephemeral = await slackError(
      client.chat.update({ channel: CHANNEL, ts: eph.message_ts as string, text: 'x' }),
    );
    const notMine = await slackError(client.chat.update({ channel: CHANNEL, ts: human.ts, text: 'x' }));

    // Assess
    expect([unknown.error, ephemeral.error, notMine.error]).toEqual([
      'message_not_found',
      'message_not_found',
      'cant_update_message',
    ]);
  });

  it('stores ephemerals per user and rejects users outside the workspace', async () => {
    // Act
    const result = await client.chat.postEphemeral({ channel: CHANNEL, user: 'U0APPROVER2', text: 'psst' });
    const stranger = await slackError(
      client.chat.postEphemeral({ channel: CHANNEL, user: 'U0STRANGER', text: 'x' }),
    );

    // Assess
    expect(result.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(standin.ephemerals({ user: 'U0APPROVER2' })).toEqual([
      expect.objectContaining({ channel: CHANNEL, text: 'psst', message_ts: result.message_ts }),
    ]);
    expect(standin.messages(CHANNEL)).toHaveLength(0);
    expect(stranger.error).toBe('user_not_in_channel');
  });

  it('answers unknown methods with unknown_method', async () => {
    // Act
    const failure = await slackError(client.apiCall('chat.teleport', { channel: CHANNEL }));

    // Assess
    expect(failure.error).toBe('unknown_method');
  });

  it('fails the next calls as told: Slack error, HTTP status, then rate limit with Retry-After', async () => {
    // Prepare
    standin.failNext('chat.postMessage', { error: 'fatal_error' });
    standin.failNext('chat.postMessage', { status: 503 });
    standin.failNext('chat.postMessage', { retryAfterSeconds: 7 });
    const strict = clientFor(standin, DEFAULT_BOT_TOKEN, { rejectRateLimitedCalls: true });
    const post = () => strict.chat.postMessage({ channel: CHANNEL, text: 'x' });

    // Act
    const slackFailure = await slackError(post());
    const httpFailure = await slackError(post());
    const rateLimited = (await post().catch((e: unknown) => e)) as { code: string; retryAfter: number };
    const recovered = await post();

    // Assess
    expect(slackFailure).toMatchObject({ code: ErrorCode.PlatformError, error: 'fatal_error' });
    expect(httpFailure.code).toBe(ErrorCode.HTTPError);
    expect(rateLimited).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(recovered.ok).toBe(true);
    expect(standin.callsTo('chat.postMessage').map((c) => c.error ?? 'ok')).toEqual([
      'fatal_error',
      'http_503',
      'ratelimited',
      'ok',
    ]);
  });
});
