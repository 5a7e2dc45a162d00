import { renderBlocks } from '../../../../../src/sandbox/console/render/blocks';
import { testContext } from './render-fixtures';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

describe('Block Kit → HTML (messages)', () => {
  const ctx = testContext();

  it.each([
    [
      'header',
      { type: 'header', block_id: 'h', text: plain('Public bucket :warning:') },
      ['<div class="bk-header">Public bucket ⚠️</div>'],
    ],
    [
      'section text',
      { type: 'section', block_id: 's', text: mrkdwn('*Resource*\n`arn`') },
      ['<div class="bk-text"><strong>Resource</strong><br><code>arn</code></div>'],
    ],
    [
      'section fields in a grid',
      { type: 'section', block_id: 'f', fields: [mrkdwn('*A*\n1'), mrkdwn('*B*\n2')] },
      [
        '<div class="bk-fields"><div class="bk-field"><strong>A</strong><br>1</div><div class="bk-field"><strong>B</strong><br>2</div></div>',
      ],
    ],
    [
      'section accessory button',
      {
        type: 'section',
        block_id: 'acc',
        text: mrkdwn('x'),
        accessory: { type: 'button', action_id: 'go', text: plain('Go') },
      },
      [
        '<div class="bk-accessory"><button type="button" class="bk-btn" data-testid="button-go" data-action-id="go" data-block-id="acc">Go</button></div>',
      ],
    ],
    [
      'context, small and grey',
      { type: 'context', block_id: 'c', elements: [mrkdwn('Finding `2222`'), plain('by bot')] },
      [
        '<div class="bk-context"><span class="bk-context-item">Finding <code>2222</code></span><span class="bk-context-item">by bot</span></div>',
      ],
    ],
    ['divider', { type: 'divider', block_id: 'd' }, ['<hr class="bk-divider">']],
    [
      'button styles',
      {
        type: 'actions',
        block_id: 'a',
        elements: [
          { type: 'button', action_id: 'ok', text: plain('Archive'), style: 'primary', value: '{"id":"1"}' },
          { type: 'button', action_id: 'no', text: plain('Deny'), style: 'danger' },
          { type: 'button', action_id: 'meh', text: plain('Later') },
        ],
      },
      [
        'class="bk-btn bk-btn-primary" data-testid="button-ok" data-action-id="ok" data-block-id="a" data-value="{&quot;id&quot;:&quot;1&quot;}"',
        'class="bk-btn bk-btn-danger" data-testid="button-no"',
        'class="bk-btn" data-testid="button-meh"',
      ],
    ],
    [
      'URL button opening a new tab',
      {
        type: 'actions',
        block_id: 'u',
        elements: [{ type: 'button', action_id: 'open', text: plain('Open'), url: 'https://aws.example/x' }],
      },
      [
        'class="bk-btn bk-btn-link"',
        'data-url="https://aws.example/x"',
        '<span class="ext" aria-hidden="true">↗</span>',
      ],
    ],
    [
      'confirm dialog carried in a template',
      {
        type: 'actions',
        block_id: 'cf',
        elements: [
          {
            type: 'button',
            action_id: 'deny',
            text: plain('Deny'),
            confirm: {
              title: plain('Deny access?'),
              text: mrkdwn('This *blocks* it'),
              confirm: plain('Deny'),
              deny: plain('Keep'),
              style: 'danger',
            },
          },
        ],
      },
      [
        'data-confirm="1"',
        '<template class="confirm-template"><h2 class="confirm-title">Deny access?</h2><div class="confirm-text">This <strong>blocks</strong> it</div>',
        'data-testid="confirm-deny" data-confirm-answer="deny">Keep</button>',
        'class="bk-btn bk-btn-danger" data-testid="confirm-confirm" data-confirm-answer="confirm">Deny</button>',
      ],
    ],
    [
      'a javascript: URL button as a plain button',
      {
        type: 'actions',
        block_id: 'x',
        elements: [{ type: 'button', action_id: 'x', text: plain('X'), url: 'javascript:alert(1)' }],
      },
      ['class="bk-btn" data-testid="button-x"'],
    ],
    [
      'an unknown block as a visible placeholder',
      { type: 'video', block_id: 'v' },
      ['<span class="bk-unsupported">video block</span>'],
    ],
    [
      'an input block outside a modal',
      {
        type: 'input',
        block_id: 'i',
        label: plain('L'),
        element: { type: 'plain_text_input', action_id: 'p' },
      },
      ['only shown in modals'],
    ],
    [
      'rich text',
      {
        type: 'rich_text',
        block_id: 'r',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'hi ', style: { bold: true } },
              { type: 'user', user_id: 'U0APPROVER2' },
            ],
          },
          {
            type: 'rich_text_list',
            style: 'bullet',
            elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }],
          },
        ],
      },
      [
        '<strong>hi </strong><span class="mention">@Beatrice Approver</span>',
        '<ul class="rt-list"><li>one</li></ul>',
      ],
    ],
  ])('renders %s', (_name, block, snippets) => {
    // Act
    const html = renderBlocks([block], ctx, { surface: 'message' });

    // Assess
    for (const snippet of snippets) expect(html).toContain(snippet);
  });

  it('escapes text from the app everywhere', () => {
    // Prepare
    const evil = '<img src=x onerror=alert(1)>';
    const blocks = [
      { type: 'header', text: plain(evil) },
      { type: 'section', text: plain(evil), fields: [plain(evil)] },
      {
        type: 'actions',
        block_id: evil,
        elements: [{ type: 'button', action_id: evil, text: plain(evil), value: evil }],
      },
    ];

    // Act
    const html = renderBlocks(blocks, ctx, { surface: 'message' });

    // Assess
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
