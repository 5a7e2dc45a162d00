import type { WebClient } from '@slack/web-api';
import { validateBlocks, type SlackStandin } from '../../../../src/sandbox/slack-standin';
import { standinWithClient } from './web-client-helpers';

const CHANNEL = 'C0SECURITY';
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'finding_archive',
  text: plain('Archive'),
  ...extra,
});
const actions = (elements: unknown[], blockId = 'act') => ({ type: 'actions', block_id: blockId, elements });
const confirm = (extra: Record<string, unknown> = {}) => ({
  title: plain('Sure?'),
  text: mrkdwn('Archive this finding?'),
  confirm: plain('Archive'),
  deny: plain('Cancel'),
  ...extra,
});

/** A finding message like the bot sends: header, fields, context, three buttons with confirm. */
const findingMessage = [
  { type: 'header', text: plain('Public S3 bucket: audit-logs') },
  {
    type: 'section',
    text: mrkdwn('*Resource* `arn:aws:s3:::audit-logs`'),
    fields: [mrkdwn('*Account*\n1111')],
  },
  {
    type: 'context',
    elements: [mrkdwn('Finding 2222'), { type: 'image', image_url: 'https://x/y.png', alt_text: 'aws' }],
  },
  { type: 'divider' },
  actions(
    [
      button({ value: '{"findingId":"2222"}', style: 'primary', confirm: confirm() }),
      button({ action_id: 'finding_deny', text: plain('Deny'), style: 'danger' }),
      button({ action_id: 'finding_rule', text: plain('Create archive rule') }),
    ],
    'finding_2222',
  ),
];

describe('Slack stand-in Block Kit limits', () => {
  let standin: SlackStandin;
  let client: WebClient;

  beforeAll(async () => {
    [standin, client] = await standinWithClient();
  });

  afterAll(() => standin.close());

  it('accepts a realistic finding message without complaint', () => {
    // Act
    const problems = validateBlocks(findingMessage, 'message');

    // Assess
    expect(problems).toEqual([]);
  });

  it.each<[string, unknown[], string]>([
    ['more than 50 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), '/blocks'],
    [
      'section text over 3,000 chars',
      [{ type: 'section', text: mrkdwn('x'.repeat(3001)) }],
      '/blocks/0/text/text',
    ],
    [
      'more than 10 section fields',
      [{ type: 'section', fields: Array(11).fill(mrkdwn('f')) }],
      '/blocks/0/fields',
    ],
    [
      'a section field over 2,000 chars',
      [{ type: 'section', fields: [mrkdwn('f'.repeat(2001))] }],
      '/blocks/0/fields/0/text',
    ],
    ['a header over 150 chars', [{ type: 'header', text: plain('h'.repeat(151)) }], '/blocks/0/text/text'],
    ['a mrkdwn header', [{ type: 'header', text: mrkdwn('h') }], '/blocks/0/text/type'],
    [
      'button text over 75 chars',
      [actions([button({ text: plain('b'.repeat(76)) })])],
      '/blocks/0/elements/0/text/text',
    ],
    [
      'a button value over 2,000 chars',
      [actions([button({ value: 'v'.repeat(2001) })])],
      '/blocks/0/elements/0/value',
    ],
    [
      'an action_id over 255 chars',
      [actions([button({ action_id: 'a'.repeat(256) })])],
      '/blocks/0/elements/0/action_id',
    ],
    ['a block_id over 255 chars', [actions([button()], 'b'.repeat(256))], '/blocks/0/block_id'],
    [
      'a duplicate block_id',
      [actions([button()], 'same'), actions([button()], 'same')],
      '/blocks/1/block_id',
    ],
    [
      'a button style other than primary/danger',
      [actions([button({ style: 'success' })])],
      '/blocks/0/elements/0/style',
    ],
    [
      'more than 25 actions elements',
      [actions(Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })))],
      '/blocks/0/elements',
    ],
    [
      'more than 10 context elements',
      [{ type: 'context', elements: Array(11).fill(mrkdwn('c')) }],
      '/blocks/0/elements',
    ],
    [
      'a confirm title over 100 chars',
      [actions([button({ confirm: confirm({ title: plain('t'.repeat(101)) }) })])],
      '/confirm/title/text',
    ],
    [
      'a confirm text over 300 chars',
      [actions([button({ confirm: confirm({ text: mrkdwn('t'.repeat(301)) }) })])],
      '/confirm/text/text',
    ],
    [
      'a confirm button label over 30 chars',
      [actions([button({ confirm: confirm({ confirm: plain('c'.repeat(31)) }) })])],
      '/confirm/confirm/text',
    ],
    [
      'a confirm deny label over 30 chars',
      [actions([button({ confirm: confirm({ deny: plain('d'.repeat(31)) }) })])],
      '/confirm/deny/text',
    ],
    ['an unknown block type', [{ type: 'carousel_of_doom' }], '/blocks/0/type'],
    ['a duplicate action_id in one block', [actions([button(), button()])], '/blocks/0/elements/1/action_id'],
  ])('rejects %s with invalid_blocks and points at the culprit', async (_name, blocks, pointer) => {
    // Act
    const failure = (await client.chat
      .postMessage({ channel: CHANNEL, text: 'x', blocks: blocks as never })
      .catch((e: unknown) => e)) as {
      data?: { error?: string; response_metadata?: { messages?: string[] } };
    };

    // Assess
    expect(failure.data?.error).toBe('invalid_blocks');
    const messages = failure.data?.response_metadata?.messages ?? [];
    expect(messages.some((m) => m.startsWith('[ERROR] ') && m.includes(pointer))).toBe(true);
  });

  it('accepts blocks right at the limits', () => {
    // Prepare
    const atLimits = [
      { type: 'header', text: plain('h'.repeat(150)) },
      { type: 'section', text: mrkdwn('x'.repeat(3000)), fields: Array(10).fill(mrkdwn('f'.repeat(2000))) },
      actions(
        Array.from({ length: 25 }, (_, i) =>
          button({
            action_id: `a${i}`.padEnd(255, 'x'),
            text: plain('b'.repeat(75)),
            value: 'v'.repeat(2000),
          }),
        ),
        'b'.repeat(255),
      ),
      ...Array.from({ length: 47 }, () => ({ type: 'divider' })),
    ];

    // Act
    const problems = validateBlocks(atLimits, 'message');

    // Assess
    expect(atLimits).toHaveLength(50);
    expect(problems).toEqual([]);
  });

  it('applies the same checks to chat.update', async () => {
    // Prepare
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'x',
      blocks: findingMessage as never,
    });

    // Act
    const failure = (await client.chat
      .update({
        channel: CHANNEL,
        ts: posted.ts as string,
        text: 'x',
        blocks: [{ type: 'header', text: plain('h'.repeat(151)) }] as never,
      })
      .catch((e: unknown) => e)) as { data?: { error?: string } };

    // Assess
    expect(failure.data?.error).toBe('invalid_blocks');
    expect(standin.message(CHANNEL, posted.ts as string)?.blocks).toHaveLength(findingMessage.length);
  });
});
