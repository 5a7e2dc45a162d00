import { renderEphemeral, renderMessage } from '../../../../../src/sandbox/console/render/message';
import { renderModal } from '../../../../../src/sandbox/console/render/modal';
import type { OpenedView, StoredMessage } from '../../../../../src/sandbox/slack-standin';
import { NOW_SECS, testContext } from './render-fixtures';

const plain = (text: string) => ({ type: 'plain_text', text });
const option = (value: string) => ({ text: plain(value.toUpperCase()), value });

describe('messages', () => {
  const ctx = testContext();
  const ts = `${NOW_SECS}.000100`;
  const message = (extra: Partial<StoredMessage> = {}): StoredMessage => ({
    ts,
    channel: 'C0SECURITY',
    user: 'U0BOT',
    bot_id: 'B0BOT',
    text: 'fallback *text*',
    blocks: [],
    replies: [],
    ...extra,
  });

  it.each([
    [
      'author, APP badge and time',
      message(),
      [
        'data-testid="message-' + ts + '"',
        '<span class="author">iam-findings-bot</span><span class="badge">APP</span>',
        '>4:01 PM</time>',
      ],
    ],
    ['the text as mrkdwn when there are no blocks', message(), ['fallback <strong>text</strong>']],
    [
      'the edited marker',
      message({ edited: { user: 'U0BOT', ts } }),
      ['<span class="edited">(edited)</span>'],
    ],
    [
      'a thread summary',
      message({
        thread_ts: ts,
        replies: [message({ ts: `${NOW_SECS + 60}.000000` }), message({ ts: `${NOW_SECS + 120}.000000` })],
      }),
      ['data-open-thread="' + ts + '"', '>2 replies</button>', 'Last reply 4:03 PM'],
    ],
    [
      'a person as author, without badge',
      message({ user: 'U0APPROVER1', bot_id: undefined }),
      ['<span class="author">Aaron Approver</span><time'],
    ],
    [
      'a deleted parent',
      message({ subtype: 'tombstone', blocks: [], text: '' }),
      ['This message was deleted.'],
    ],
  ])('renders %s', (_name, msg, snippets) => {
    // Act
    const html = renderMessage(msg, ctx);

    // Assess
    for (const snippet of snippets) expect(html).toContain(snippet);
  });

  it('marks an ephemeral as only visible to the viewer', () => {
    // Act
    const html = renderEphemeral(
      { message_ts: ts, channel: 'C0SECURITY', user: 'U0ONCALL', text: 'psst', blocks: [] },
      ctx,
      'U0BOT',
    );

    // Assess
    expect(html).toContain('data-container="ephemeral"');
    expect(html).toContain('Only visible to you');
    expect(html).toContain('psst');
  });
});

describe('modals', () => {
  const ctx = testContext();
  const modal = (blocks: unknown[], extra: Partial<OpenedView> = {}): OpenedView => ({
    id: 'V0MODAL',
    user: 'U0ONCALL',
    via: 'open',
    open: true,
    view: {
      id: 'V0MODAL',
      type: 'modal',
      title: plain('Deny finding'),
      submit: plain('Deny'),
      blocks,
      state: { values: {} },
      hash: '1.a',
    },
    ...extra,
  });
  const input = (blockId: string, element: Record<string, unknown>, optional = false) => ({
    type: 'input',
    block_id: blockId,
    label: plain(`Label ${blockId}`),
    optional,
    element,
  });

  it.each([
    [
      'single-line text',
      input('r', { type: 'plain_text_input', action_id: 'a', initial_value: 'hi' }),
      [
        '<input id="in-r-a" data-testid="input-r" data-el-type="plain_text_input"',
        'value="hi"',
        '<label class="input-label" for="in-r-a">Label r</label>',
      ],
    ],
    [
      'multiline text',
      input('m', { type: 'plain_text_input', action_id: 'a', multiline: true }),
      ['<textarea id="in-m-a" data-testid="input-m"'],
    ],
    [
      'a static select with the initial option',
      input('s', {
        type: 'static_select',
        action_id: 'a',
        options: [option('low'), option('high')],
        initial_option: option('high'),
      }),
      [
        '<select id="in-s-a" data-testid="input-s" data-el-type="static_select"',
        '<option value="high" selected>HIGH</option>',
      ],
    ],
    [
      'a users select of people only',
      input('u', { type: 'users_select', action_id: 'a' }),
      ['<option value="U0APPROVER1">Aaron Approver</option>'],
      ['U0BOT'],
    ],
    [
      'a multi users select',
      input('mu', { type: 'multi_users_select', action_id: 'a', initial_users: ['U0APPROVER2'] }),
      [
        '<select id="in-mu-a" data-testid="input-mu" data-el-type="multi_users_select" data-block-id="mu" data-action-id="a" multiple>',
        '<option value="U0APPROVER2" selected>',
      ],
    ],
    [
      'a datepicker',
      input('d', { type: 'datepicker', action_id: 'a', initial_date: '2026-01-31' }),
      ['type="date" value="2026-01-31"'],
    ],
    [
      'checkboxes',
      input('c', {
        type: 'checkboxes',
        action_id: 'a',
        options: [option('x'), option('y')],
        initial_options: [option('y')],
      }),
      [
        '<fieldset id="in-c-a" data-testid="input-c" data-el-type="checkboxes"',
        'type="checkbox" name="in-c-a" value="y" checked',
      ],
    ],
    [
      'radio buttons',
      input('rb', { type: 'radio_buttons', action_id: 'a', options: [option('x'), option('y')] }),
      ['type="radio" name="in-rb-a" value="x"'],
    ],
    [
      'an optional marker',
      input('o', { type: 'plain_text_input', action_id: 'a' }, true),
      ['<span class="optional">(optional)</span>', 'data-optional="1"'],
    ],
  ])('renders %s', (_name, block, snippets, absent: string[] = []) => {
    // Act
    const html = renderModal(modal([block]), ctx, 1);

    // Assess
    for (const snippet of snippets) expect(html).toContain(snippet);
    for (const snippet of absent) expect(html).not.toContain(snippet);
  });

  it('shows entered values from the view state and the errors of response_action errors', () => {
    // Prepare
    const opened = modal([input('reason', { type: 'plain_text_input', action_id: 'text' })], {
      errors: { reason: 'A reason is required' },
    });
    opened.view.state = { values: { reason: { text: { type: 'plain_text_input', value: 'typed <b>' } } } };

    // Act
    const html = renderModal(opened, ctx, 1);

    // Assess
    expect(html).toContain('value="typed &lt;b&gt;"');
    expect(html).toContain('class="bk-input has-error"');
    expect(html).toContain('data-testid="error-reason">A reason is required</div>');
  });

  it('renders title, close and submit', () => {
    // Act
    const html = renderModal(modal([]), ctx, 1);

    // Assess
    expect(html).toContain('data-testid="modal" data-container="view" data-view-id="V0MODAL"');
    expect(html).toContain('<h2 id="modal-title">Deny finding</h2>');
    expect(html).toContain('data-testid="modal-close">Cancel</button>');
    expect(html).toContain('data-testid="modal-submit" data-modal-submit>Deny</button>');
  });
});
