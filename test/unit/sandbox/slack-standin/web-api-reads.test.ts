import type { WebClient } from '@slack/web-api';
import { type SlackStandin } from '../../../../src/sandbox/slack-standin';
import { slackError, standinWithClient } from './web-client-helpers';

const CHANNEL = 'C0SECURITY';

describe('Slack stand-in Web API: threads, history and lookups', () => {
  let standin: SlackStandin;
  let client: WebClient;

  beforeEach(async () => {
    [standin, client] = await standinWithClient();
  });

  afterEach(() => standin.close());

  it('threads replies under the root, also when replying to a reply, and broadcasts on request', async () => {
    // Prepare
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'root' });
    const first = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'r1',
      thread_ts: root.ts as string,
    });

    // Act
    await client.chat.postMessage({ channel: CHANNEL, text: 'r2', thread_ts: first.ts as string });
    await client.chat.postMessage({
      channel: CHANNEL,
      text: 'r3',
      thread_ts: root.ts as string,
      reply_broadcast: true,
    });
    const thread = await client.conversations.replies({ channel: CHANNEL, ts: root.ts as string });

    // Assess
    expect(standin.replies(CHANNEL, root.ts as string).map((m) => m.text)).toEqual(['r1', 'r2', 'r3']);
    expect(standin.messages(CHANNEL).map((m) => m.text)).toEqual(['root', 'r3']);
    expect(thread.messages?.map((m) => m.text)).toEqual(['root', 'r1', 'r2', 'r3']);
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 3, thread_ts: root.ts });
  });

  it('pages conversations.history newest first with limit and cursor', async () => {
    // Prepare
    for (const text of ['m1', 'm2', 'm3', 'm4', 'm5'])
      await client.chat.postMessage({ channel: CHANNEL, text });

    // Act
    const page1 = await client.conversations.history({ channel: CHANNEL, limit: 2 });
    const page2 = await client.conversations.history({
      channel: CHANNEL,
      limit: 2,
      cursor: page1.response_metadata?.next_cursor,
    });
    const page3 = await client.conversations.history({
      channel: CHANNEL,
      limit: 2,
      cursor: page2.response_metadata?.next_cursor,
    });

    // Assess
    expect([page1, page2, page3].map((p) => p.messages?.map((m) => m.text))).toEqual([
      ['m5', 'm4'],
      ['m3', 'm2'],
      ['m1'],
    ]);
    expect([page1.has_more, page2.has_more, page3.has_more]).toEqual([true, true, false]);
    expect(page3.response_metadata?.next_cursor).toBeUndefined();
  });

  it('filters history by oldest/latest and returns metadata only with include_all_metadata', async () => {
    // Prepare
    const metadata = { event_type: 'finding', event_payload: { id: 'f-2' } };
    const a = await client.chat.postMessage({ channel: CHANNEL, text: 'a', metadata });
    const b = await client.chat.postMessage({ channel: CHANNEL, text: 'b', metadata });
    await client.chat.postMessage({ channel: CHANNEL, text: 'c' });

    // Act
    const window = await client.conversations.history({
      channel: CHANNEL,
      oldest: a.ts,
      latest: b.ts,
      inclusive: true,
    });
    const exclusive = await client.conversations.history({ channel: CHANNEL, oldest: a.ts });
    const plain = await client.conversations.history({ channel: CHANNEL });
    const withMeta = await client.conversations.history({ channel: CHANNEL, include_all_metadata: true });

    // Assess
    expect(window.messages?.map((m) => m.text)).toEqual(['b', 'a']);
    expect(exclusive.messages?.map((m) => m.text)).toEqual(['c', 'b']);
    expect(plain.messages?.some((m) => 'metadata' in m)).toBe(false);
    expect(withMeta.messages?.[2]?.metadata).toEqual(metadata);
  });

  it('builds permalinks and reports unknown messages', async () => {
    // Prepare
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'x' });

    // Act
    const link = await client.chat.getPermalink({ channel: CHANNEL, message_ts: posted.ts as string });
    const missing = await slackError(client.chat.getPermalink({ channel: CHANNEL, message_ts: '1.000000' }));

    // Assess
    expect(link.permalink).toBe(
      `https://sandbox.slack.com/archives/${CHANNEL}/p${(posted.ts as string).replace('.', '')}`,
    );
    expect(missing.error).toBe('message_not_found');
  });

  it('answers users.info for people and reports unknown users', async () => {
    // Act
    const info = await client.users.info({ user: 'U0APPROVER1' });
    const missing = await slackError(client.users.info({ user: 'U0NOBODY' }));

    // Assess
    expect(info.user).toMatchObject({ id: 'U0APPROVER1', name: 'approver.one', real_name: 'Aaron Approver' });
    expect(missing.error).toBe('user_not_found');
  });

  it('tells change listeners about new and edited messages until they unsubscribe', async () => {
    // Prepare
    const seen: string[] = [];
    const unsubscribe = standin.onChange((c) => {
      if (c.kind !== 'api_call') seen.push(`${c.kind}:${c.channel}`);
    });

    // Act
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'x' });
    await client.chat.update({ channel: CHANNEL, ts: posted.ts as string, text: 'y' });
    unsubscribe();
    await client.chat.postMessage({ channel: CHANNEL, text: 'z' });

    // Assess
    expect(seen).toEqual([`message_posted:${CHANNEL}`, `message_changed:${CHANNEL}`]);
  });
});
