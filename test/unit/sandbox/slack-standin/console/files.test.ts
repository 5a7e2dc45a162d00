import { mountConsole } from '../../../../../src/sandbox/console';
import { formatBytes, PREVIEW_MAX_BYTES, renderFiles } from '../../../../../src/sandbox/console/render/files';
import { renderMessage } from '../../../../../src/sandbox/console/render/message';
import type { ConsoleState } from '../../../../../src/sandbox/console/state';
import type { SlackStandin, StandinFile, StoredMessage } from '../../../../../src/sandbox/slack-standin';
import { standinWithClient } from '../web-client-helpers';
import { NOW_SECS, testContext } from './render-fixtures';

const CHANNEL = 'C0SECURITY';

function file(extra: Partial<StandinFile> = {}): StandinFile {
  return {
    id: 'F0REPORT',
    created: NOW_SECS,
    timestamp: NOW_SECS,
    name: 'report.txt',
    title: 'report.txt',
    mimetype: 'text/plain',
    filetype: 'text',
    pretty_type: 'Plain Text',
    user: 'U0BOT',
    user_team: 'T0SANDBOX',
    editable: false,
    size: 26,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: true,
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: 'http://127.0.0.1:1/files-pri/T0SANDBOX-F0REPORT/report.txt',
    url_private_download: 'http://127.0.0.1:1/files-pri/T0SANDBOX-F0REPORT/download/report.txt',
    permalink: 'https://sandbox.slack.com/files/U0BOT/F0REPORT/report.txt',
    channels: [CHANNEL],
    groups: [],
    ims: [],
    comments_count: 0,
    has_rich_preview: false,
    file_access: 'visible',
    ...extra,
  };
}

describe('file cards', () => {
  const ts = `${NOW_SECS}.000100`;
  const content = new Map<string, Uint8Array>([
    ['F0REPORT', Buffer.from('<script>alert("x")</script> & done')],
    ['F0BIG', Buffer.alloc(PREVIEW_MAX_BYTES + 1, 'a')],
    ['F0PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])],
  ]);
  const ctx = testContext({ fileContent: (id) => content.get(id) });
  const message = (extra: Partial<StoredMessage> = {}): StoredMessage => ({
    ts,
    channel: CHANNEL,
    user: 'U0BOT',
    bot_id: 'B0BOT',
    subtype: 'file_share',
    text: 'Here is the *report*',
    blocks: [],
    files: [file()],
    replies: [],
    ...extra,
  });

  it('shows name, size, type, a download link and the escaped text in a collapsible preview', () => {
    // Act
    const html = renderMessage(message(), ctx);

    // Assess
    expect(html).toContain('Here is the <strong>report</strong>');
    expect(html).toContain('<div class="file-card" data-testid="file-F0REPORT" data-file-id="F0REPORT">');
    expect(html).toContain(
      '<div class="file-title">report.txt</div><div class="file-sub">26 B · Plain Text</div>',
    );
    expect(html).toContain('href="/console/files/F0REPORT" download="report.txt"');
    expect(html).toContain(
      `<details class="file-preview" data-keep-open="${ts}:F0REPORT" data-testid="file-preview-F0REPORT">` +
        '<summary>Show content</summary>' +
        '<pre class="file-text">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; done</pre></details>',
    );
    expect(html).not.toContain('<script>');
  });

  it('escapes file names and titles and shows the name when the title differs', () => {
    // Act
    const html = renderFiles([file({ title: '<b>Policy</b>', name: 'a"b.txt' })], ctx, ts);

    // Assess
    expect(html).toContain('<div class="file-title">&lt;b&gt;Policy&lt;/b&gt;</div>');
    expect(html).toContain('<div class="file-sub">a&quot;b.txt · 26 B · Plain Text</div>');
    expect(html).toContain('download="a&quot;b.txt"');
  });

  it.each([
    [
      'text over 200 KB',
      file({ id: 'F0BIG', size: PREVIEW_MAX_BYTES + 1 }),
      'No preview: larger than 200 KB',
    ],
    [
      'binary content',
      file({ id: 'F0PNG', name: 'g.png', filetype: 'png', mimetype: 'image/png' }),
      'No preview: binary file',
    ],
  ])('gives no preview for %s', (_name, f, note) => {
    // Act
    const html = renderFiles([f], ctx, ts);

    // Assess
    expect(html).toContain(note);
    expect(html).not.toContain('<details');
  });

  it('renders no preview when the content is unknown and nothing for messages without files', () => {
    // Act
    const unknown = renderFiles([file({ id: 'F0GONE' })], ctx, ts);
    const none = renderMessage(message({ subtype: undefined, files: undefined }), ctx);

    // Assess
    expect(unknown).toContain('data-testid="file-F0GONE"');
    expect(unknown).not.toContain('file-preview');
    expect(none).not.toContain('msg-files');
  });

  it('leaves out the empty text of a file share without comment', () => {
    // Act
    const html = renderMessage(message({ text: '' }), ctx);

    // Assess
    expect(html).not.toContain('msg-content');
    expect(html).toContain('class="msg-files"');
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [12 * 1024 + 100, '12 KB'],
    [3.4 * 1024 * 1024, '3.4 MB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('uploaded files in the console', () => {
  let standin: SlackStandin;
  let fileId: string;
  let threadTs: string;

  beforeAll(async () => {
    const [s, client] = await standinWithClient();
    standin = s;
    mountConsole(standin);
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'Finding f-1' });
    threadTs = root.ts as string;
    const result = (await client.files.uploadV2({
      channel_id: CHANNEL,
      thread_ts: threadTs,
      content: 'Allow s3:GetObject <bucket>',
      filename: 'policy.txt',
      initial_comment: 'Generated policy',
    })) as unknown as { files: { files: { id: string }[] }[] };
    fileId = result.files[0]?.files[0]?.id ?? '';
  });

  afterAll(() => standin.close());

  it('renders the file card with its content in the thread panel', async () => {
    // Act
    const res = await fetch(`${standin.url}/console/api/state?channel=${CHANNEL}&thread=${threadTs}`);
    const state = (await res.json()) as ConsoleState;

    // Assess
    expect(state.threadHtml).toContain(`data-testid="file-${fileId}"`);
    expect(state.threadHtml).toContain('<pre class="file-text">Allow s3:GetObject &lt;bucket&gt;</pre>');
    expect(state.data.replies[0]?.files?.[0]).toMatchObject({ id: fileId, name: 'policy.txt' });
  });

  it('serves the bytes as an attachment, and 404 for unknown files', async () => {
    // Act
    const res = await fetch(`${standin.url}/console/files/${fileId}`);
    const unknown = await fetch(`${standin.url}/console/files/F0NOSUCHFILE`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''policy.txt");
    expect(await res.text()).toBe('Allow s3:GetObject <bucket>');
    expect(unknown.status).toBe(404);
  });
});
