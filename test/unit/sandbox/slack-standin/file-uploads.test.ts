import { ErrorCode, WebClient, type FilesCompleteUploadExternalResponse } from '@slack/web-api';
import {
  createSlackStandin,
  DEFAULT_BOT_TOKEN,
  type SlackStandin,
} from '../../../../src/sandbox/slack-standin';
import { clientFor, silent, slackError, standinWithClient } from './web-client-helpers';

const CHANNEL = 'C0SECURITY';
const REPORT = 'Policy report\nrole-ci: s3:GetObject on <arn:aws:s3:::bucket/*> & more\n';

/** What `uploadV2` answers: one `files.completeUploadExternal` result per message it completed. */
function completedIds(result: unknown): string[] {
  const completions = (result as { files: FilesCompleteUploadExternalResponse[] }).files;
  return completions.flatMap((c) => (c.files ?? []).map((f) => f.id ?? ''));
}

async function api(standin: SlackStandin, method: string, body: Record<string, unknown>) {
  const res = await fetch(`${standin.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${DEFAULT_BOT_TOKEN}`,
      'Content-Type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown> & { ok: boolean; error?: string };
}

/** The first two steps of an upload by hand: an upload URL, then the bytes POSTed raw. */
async function uploadRaw(standin: SlackStandin, filename: string, bytes: Buffer): Promise<string> {
  const url = await api(standin, 'files.getUploadURLExternal', { filename, length: bytes.length });
  const res = await fetch(url.upload_url as string, { method: 'POST', body: bytes });
  expect(await res.text()).toBe(`OK - ${bytes.length}`);
  return url.file_id as string;
}

describe('Slack stand-in file uploads (files.uploadV2) with a real WebClient', () => {
  let standin: SlackStandin;
  let client: WebClient;

  beforeEach(async () => {
    [standin, client] = await standinWithClient();
  });

  afterEach(() => standin.close());

  it('shares text content in a channel as a file_share message whose file content can be read back', async () => {
    // Act
    const result = await client.files.uploadV2({
      channel_id: CHANNEL,
      content: REPORT,
      filename: 'policy-report.txt',
      title: 'Policy report',
      initial_comment: 'Here is the *report*',
    });

    // Assess
    const [id] = completedIds(result);
    const messages = standin.messages(CHANNEL);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      subtype: 'file_share',
      user: 'U0BOT',
      bot_id: 'B0BOT',
      text: 'Here is the *report*',
      files: [
        {
          id,
          name: 'policy-report.txt',
          title: 'Policy report',
          mimetype: 'text/plain',
          filetype: 'text',
          size: Buffer.byteLength(REPORT),
          channels: [CHANNEL],
        },
      ],
    });
    expect(standin.fileContent(id as string)?.toString('utf8')).toBe(REPORT);
    expect(standin.callsTo('upload_url')).toEqual([
      expect.objectContaining({
        ok: true,
        status: 200,
        args: { file_id: id, bytes: Buffer.byteLength(REPORT) },
      }),
    ]);
  });

  it('returns the file in conversations.history and serves url_private only with the bot token', async () => {
    // Prepare
    const result = await client.files.uploadV2({ channel_id: CHANNEL, content: REPORT, filename: 'r.txt' });
    const [id] = completedIds(result);

    // Act
    const history = await client.conversations.history({ channel: CHANNEL });
    const file = history.messages?.[0]?.files?.[0];
    const withToken = await fetch(file?.url_private as string, {
      headers: { Authorization: `Bearer ${DEFAULT_BOT_TOKEN}` },
    });
    const withoutToken = await fetch(file?.url_private as string);

    // Assess
    expect(history.messages?.[0]).toMatchObject({ subtype: 'file_share', upload: true, text: '' });
    expect(file).toMatchObject({ id, name: 'r.txt', title: 'r.txt' });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toBe(REPORT);
    expect(withoutToken.status).toBe(403);
  });

  it('shares into a thread when thread_ts is given, leaving the channel timeline alone', async () => {
    // Prepare
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'Finding f-1' });

    // Act
    const result = await client.files.uploadV2({
      channel_id: CHANNEL,
      thread_ts: root.ts as string,
      content: '{"Version":"2012-10-17"}',
      filename: 'policy.json',
      initial_comment: 'Generated policy',
    });
    const thread = await client.conversations.replies({ channel: CHANNEL, ts: root.ts as string });

    // Assess
    const [id] = completedIds(result);
    expect(standin.messages(CHANNEL).map((m) => m.text)).toEqual(['Finding f-1']);
    const replies = standin.replies(CHANNEL, root.ts as string);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      thread_ts: root.ts,
      text: 'Generated policy',
      files: [{ id, name: 'policy.json', filetype: 'json', mimetype: 'application/json' }],
    });
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 1 });
    expect(thread.messages?.[1]?.files?.[0]?.id).toBe(id);
    expect(standin.fileContent(id as string)?.toString('utf8')).toBe('{"Version":"2012-10-17"}');
  });

  it('puts several files in one message and keeps binary bytes exactly', async () => {
    // Prepare
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);

    // Act
    const result = await client.files.uploadV2({
      channel_id: CHANNEL,
      initial_comment: 'Two files',
      file_uploads: [
        { file: png, filename: 'graph.png', alt_text: 'Access graph' },
        { content: 'a,b\n1,2\n', filename: 'data.csv' },
      ],
    });

    // Assess
    const ids = completedIds(result);
    expect(ids).toHaveLength(2);
    const [message] = standin.messages(CHANNEL);
    expect(message?.files?.map((f) => [f.name, f.filetype, f.size])).toEqual([
      ['graph.png', 'png', png.length],
      ['data.csv', 'csv', 8],
    ]);
    expect(message?.files?.[0]?.alt_txt).toBe('Access graph');
    expect(standin.fileContent(ids[0] as string)?.equals(png)).toBe(true);
    expect(standin.fileContent(ids[1] as string)?.toString('utf8')).toBe('a,b\n1,2\n');
  });

  it('accepts a raw-bytes upload and JSON arguments, and shares into the DM of a person given by user id', async () => {
    // Prepare
    const id = await uploadRaw(standin, 'notes', Buffer.from('plain words'));

    // Act
    const done = await api(standin, 'files.completeUploadExternal', {
      files: [{ id, title: 'Notes' }],
      channel_id: 'U0ONCALL',
    });

    // Assess
    expect(done).toMatchObject({
      ok: true,
      files: [{ id, title: 'Notes', ims: ['D0ONCALL'], filetype: 'text' }],
    });
    expect(standin.messages('D0ONCALL')[0]?.files?.[0]?.id).toBe(id);
    expect(standin.fileContent(id)?.toString('utf8')).toBe('plain words');
  });

  it('keeps a file private when completed without a channel, and completes an id only once', async () => {
    // Prepare
    const id = await uploadRaw(standin, 'private.txt', Buffer.from('secret'));

    // Act
    const first = await client.files.completeUploadExternal({ files: [{ id }] });
    const again = await slackError(client.files.completeUploadExternal({ files: [{ id }] }));
    const reupload = await fetch(`${standin.url}/upload/${id}`, { method: 'POST', body: 'other' });

    // Assess
    expect(first.files?.[0]).toMatchObject({ id, title: 'private.txt', channels: [], ims: [] });
    expect(standin.messages(CHANNEL)).toEqual([]);
    expect(again).toMatchObject({ code: ErrorCode.PlatformError, error: 'file_not_found' });
    expect(reupload.status).toBe(404);
    expect(standin.fileContent(id)?.toString('utf8')).toBe('secret');
  });

  it('uses the blocks as the message content when there is no initial_comment', async () => {
    // Act
    await client.files.uploadV2({
      channel_id: CHANNEL,
      content: 'x',
      filename: 'x.txt',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'From *blocks*' } }],
    });

    // Assess
    const [message] = standin.messages(CHANNEL);
    expect(message?.text).toBe('');
    expect(message?.blocks).toMatchObject([{ type: 'section', text: { text: 'From *blocks*' } }]);
  });

  it('keeps shared files and their content through exportMessages / importMessages', async () => {
    // Prepare
    const result = await client.files.uploadV2({ channel_id: CHANNEL, content: REPORT, filename: 'r.txt' });
    const [id] = completedIds(result);
    const saved = JSON.parse(JSON.stringify(standin.exportMessages())) as ReturnType<
      SlackStandin['exportMessages']
    >;
    const restored = await createSlackStandin({ signingSecret: 'test-secret' });

    try {
      // Act
      restored.importMessages(saved);

      // Assess
      expect(restored.messages(CHANNEL)[0]?.files?.[0]?.id).toBe(id);
      expect(restored.fileContent(id as string)?.toString('utf8')).toBe(REPORT);
    } finally {
      await restored.close();
    }
  });

  describe('errors', () => {
    it.each([
      ['no filename', 'invalid_arguments', { length: 3 }],
      ['no length', 'invalid_arguments', { filename: 'a.txt' }],
      ['a length that is not a number', 'invalid_arguments', { filename: 'a.txt', length: 'abc' }],
      ['length 0', 'missing_argument', { filename: 'a.txt', length: 0 }],
      ['a length over the limit', 'file_upload_size_restricted', { filename: 'a.txt', length: 1024 ** 3 }],
      [
        'alt_txt over 1,000 characters',
        'alt_txt_too_large',
        { filename: 'a.png', length: 3, alt_txt: 'a'.repeat(1001) },
      ],
    ])('files.getUploadURLExternal with %s ⇒ %s', async (_name, error, args) => {
      // Act
      const answer = await api(standin, 'files.getUploadURLExternal', args);

      // Assess
      expect(answer).toMatchObject({ ok: false, error });
    });

    it('names the missing field for invalid_arguments', async () => {
      // Act
      const failure = await slackError(
        client.files.getUploadURLExternal({ length: 3 } as Parameters<
          WebClient['files']['getUploadURLExternal']
        >[0]),
      );

      // Assess
      expect(failure).toMatchObject({
        code: ErrorCode.PlatformError,
        error: 'invalid_arguments',
        data: { response_metadata: { messages: ['[ERROR] missing required field: filename'] } },
      });
    });

    it('answers an upload URL on the stand-in for valid arguments', async () => {
      // Act
      const answer = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });

      // Assess
      expect(answer.upload_url).toBe(`${standin.url}/upload/${answer.file_id}`);
      expect(answer.file_id).toMatch(/^F[A-Z0-9]+$/);
    });

    it('rejects a missing token with not_authed and a wrong one with invalid_auth', async () => {
      // Prepare
      const none = new WebClient(undefined, {
        slackApiUrl: standin.apiUrl,
        retryConfig: { retries: 0 },
        logger: silent,
      });
      const wrong = clientFor(standin, 'xoxb-wrong');
      const upload = { channel_id: CHANNEL, content: 'x', filename: 'x.txt' };

      // Act
      const noToken = await slackError(none.files.uploadV2(upload));
      const wrongToken = await slackError(wrong.files.uploadV2(upload));

      // Assess
      expect(noToken).toMatchObject({ code: ErrorCode.PlatformError, error: 'not_authed' });
      expect(wrongToken).toMatchObject({ code: ErrorCode.PlatformError, error: 'invalid_auth' });
      expect(standin.messages(CHANNEL)).toEqual([]);
    });

    it('refuses uploads to unknown ids with 404 and other methods than POST with 405', async () => {
      // Prepare
      const { file_id: id } = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });

      // Act
      const unknown = await fetch(`${standin.url}/upload/F0NOSUCHFILE`, { method: 'POST', body: 'abc' });
      const get = await fetch(`${standin.url}/upload/${id}`);

      // Assess
      expect(unknown.status).toBe(404);
      expect(get.status).toBe(405);
      expect(standin.fileContent('F0NOSUCHFILE')).toBeUndefined();
    });

    it('fails uploadV2 when the upload URL fails (failNext upload_url)', async () => {
      // Prepare
      standin.failNext('upload_url', { status: 500 });

      // Act
      const failure = uploadFailure(
        client.files.uploadV2({ channel_id: CHANNEL, content: 'x', filename: 'x.txt' }),
      );

      // Assess
      await expect(failure).resolves.toMatch(/http_error|500/i);
      expect(standin.messages(CHANNEL)).toEqual([]);
    });

    it('rejects an unknown channel with channel_not_found and completes nothing', async () => {
      // Prepare
      const id = await uploadRaw(standin, 'a.txt', Buffer.from('abc'));

      // Act
      const viaUploadV2 = await slackError(
        client.files.uploadV2({ channel_id: 'C0NOPE', content: 'x', filename: 'x.txt' }),
      );
      const direct = await api(standin, 'files.completeUploadExternal', {
        files: [{ id }],
        channel_id: 'C0NOPE',
      });
      const retry = await api(standin, 'files.completeUploadExternal', {
        files: [{ id }],
        channel_id: CHANNEL,
      });

      // Assess
      expect(viaUploadV2).toMatchObject({ code: ErrorCode.PlatformError, error: 'channel_not_found' });
      expect(direct).toMatchObject({ ok: false, error: 'channel_not_found' });
      expect(retry.ok).toBe(true);
      expect(standin.messages(CHANNEL)).toHaveLength(1);
    });

    it.each([
      ['an unknown file id', 'file_not_found', { files: [{ id: 'F0NOSUCHFILE' }] }],
      ['no files', 'invalid_arguments', {}],
      ['an empty files array', 'invalid_arguments', { files: [] }],
      ['an entry without id', 'invalid_arguments', { files: [{ title: 'x' }] }],
      ['files that is not JSON', 'invalid_arguments', { files: '[{nope' }],
      ['the same id twice', 'invalid_arguments', { files: [{ id: 'F0A' }, { id: 'F0A' }] }],
    ])('files.completeUploadExternal with %s ⇒ %s', async (_name, error, args) => {
      // Act
      const answer = await api(standin, 'files.completeUploadExternal', { ...args, channel_id: CHANNEL });

      // Assess
      expect(answer).toMatchObject({ ok: false, error });
      expect(standin.messages(CHANNEL)).toEqual([]);
    });

    it('rejects completing an upload whose bytes never arrived with file_not_found', async () => {
      // Prepare
      const { file_id: id } = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });

      // Act
      const failure = await slackError(
        client.files.completeUploadExternal({ files: [{ id: id as string }], channel_id: CHANNEL }),
      );

      // Assess
      expect(failure).toMatchObject({ code: ErrorCode.PlatformError, error: 'file_not_found' });
      expect(standin.fileContent(id as string)).toBeUndefined();
    });
  });
});

/** The message of the error a failed upload rejected with (uploadV2 surfaces upload URL failures as errors). */
async function uploadFailure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return `${e.code ?? ''} ${e.message ?? ''}`;
  }
  throw new Error('expected the upload to fail');
}
