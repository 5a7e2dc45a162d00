import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewClosedAction,
  ViewSubmitAction,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { SlackStandin } from '../../../../src/sandbox/slack-standin';
import { deferred, startBoltPair, within, type BoltPair } from './bolt-helpers';

const CHANNEL = 'C0SECURITY';
const USER = 'U0APPROVER1';
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string) => ({ text: plain(value.toUpperCase()), value });

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Every element kind the approval modals use, one input block each. */
const everyInput = (extra: Partial<ModalView> = {}): ModalView => ({
  type: 'modal',
  callback_id: 'approve_finding',
  private_metadata: '{"findingId":"2222"}',
  title: plain('Approve'),
  submit: plain('Send'),
  blocks: [
    { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: 'Who approves?' } },
    {
      type: 'input',
      block_id: 'reason_block',
      label: plain('Reason'),
      element: { type: 'plain_text_input', action_id: 'reason', multiline: true },
    },
    {
      type: 'input',
      block_id: 'severity_block',
      label: plain('Severity'),
      optional: true,
      element: { type: 'static_select', action_id: 'severity', options: [option('low'), option('high')] },
    },
    {
      type: 'input',
      block_id: 'approver_block',
      label: plain('Approver'),
      optional: true,
      element: { type: 'users_select', action_id: 'approver' },
    },
    {
      type: 'input',
      block_id: 'watchers_block',
      label: plain('Watchers'),
      optional: true,
      element: { type: 'multi_users_select', action_id: 'watchers' },
    },
    {
      type: 'input',
      block_id: 'until_block',
      label: plain('Until'),
      optional: true,
      element: { type: 'datepicker', action_id: 'until' },
    },
    {
      type: 'input',
      block_id: 'checks_block',
      label: plain('Checks'),
      optional: true,
      element: { type: 'checkboxes', action_id: 'checks', options: [option('ticket'), option('owner')] },
    },
    {
      type: 'input',
      block_id: 'scope_block',
      label: plain('Scope'),
      optional: true,
      element: {
        type: 'radio_buttons',
        action_id: 'scope',
        options: [option('account'), option('org')],
        initial_option: option('account'),
      },
    },
  ],
  ...extra,
});

describe('Slack stand-in modals: view_submission, view_closed and modal buttons against a real Bolt app', () => {
  let pair: BoltPair;
  let standin: SlackStandin;
  let nextView: ModalView;
  let onSubmit: (args: ViewArgs) => Promise<void>;
  let onModalButton: (args: ActionArgs) => Promise<void>;
  const closed: ViewClosedAction[] = [];
  let openedBy = deferred<string>();

  /** Opens `view` for USER the way a bot does: a button click, then views.open with its trigger_id. */
  async function openModal(view: ModalView): Promise<string> {
    nextView = view;
    const opened = deferred<string>();
    const posted = await pair.app.client.chat.postMessage({
      channel: CHANNEL,
      text: 'finding',
      blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'open', text: plain('Open') }] }],
    });
    openedBy = opened;
    await standin.clickButton({ channel: CHANNEL, ts: posted.ts as string, actionId: 'open', userId: USER });
    return within(opened.promise);
  }

  beforeAll(async () => {
    pair = await startBoltPair();
    standin = pair.standin;
    pair.app.action('open', async ({ ack, body, client }) => {
      await ack();
      const result = await client.views.open({
        trigger_id: (body as BlockAction).trigger_id,
        view: nextView,
      });
      openedBy.resolve(result.view?.id as string);
    });
    pair.app.view('approve_finding', async (args) => onSubmit(args as ViewArgs));
    pair.app.view({ callback_id: 'approve_finding', type: 'view_closed' }, async ({ ack, body }) => {
      await ack();
      closed.push(body as ViewClosedAction);
    });
    pair.app.action('add_row', async (args) => onModalButton(args as ActionArgs));
  });

  afterAll(async () => {
    await pair.stop();
  });

  beforeEach(() => {
    onSubmit = async ({ ack }) => ack();
    onModalButton = async ({ ack }) => ack();
    closed.length = 0;
  });

  it('submits with Slack state shapes per element type and closes the modal on a plain ack', async () => {
    // Prepare
    const viewId = await openModal(everyInput());
    const seen = deferred<ViewSubmitAction>();
    onSubmit = async ({ ack, body }) => {
      await ack();
      seen.resolve(body);
    };

    // Act
    const result = await standin.submitView({
      viewId,
      userId: USER,
      values: {
        reason_block: 'not approved',
        severity_block: 'high',
        approver_block: 'U0APPROVER2',
        watchers_block: ['U0ONCALL', 'U0APPROVER2'],
        until_block: '2026-12-31',
        checks_block: ['ticket'],
      },
    });
    const body = await within(seen.promise);

    // Assess
    expect(result).toMatchObject({ status: 200, outcome: 'closed' });
    expect(body).toMatchObject({
      type: 'view_submission',
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      user: { id: USER, name: 'approver.one', team_id: 'T0SANDBOX' },
      api_app_id: 'A0SANDBOX',
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      view: {
        id: viewId,
        callback_id: 'approve_finding',
        private_metadata: '{"findingId":"2222"}',
        hash: expect.any(String),
      },
    });
    expect(body.view.state.values).toEqual({
      reason_block: { reason: { type: 'plain_text_input', value: 'not approved' } },
      severity_block: { severity: { type: 'static_select', selected_option: option('high') } },
      approver_block: { approver: { type: 'users_select', selected_user: 'U0APPROVER2' } },
      watchers_block: {
        watchers: { type: 'multi_users_select', selected_users: ['U0ONCALL', 'U0APPROVER2'] },
      },
      until_block: { until: { type: 'datepicker', selected_date: '2026-12-31' } },
      checks_block: { checks: { type: 'checkboxes', selected_options: [option('ticket')] } },
      scope_block: { scope: { type: 'radio_buttons', selected_option: option('account') } },
    });
    expect(standin.views().find((v) => v.id === viewId)?.open).toBe(false);
  });

  it('keeps the modal open with the errors of response_action errors, then closes on a valid submission', async () => {
    // Prepare
    const viewId = await openModal(everyInput());
    onSubmit = async ({ ack, view }) => {
      const reason = view.state.values.reason_block?.reason?.value ?? '';
      if (reason.trim().length < 5) {
        await ack({ response_action: 'errors', errors: { reason_block: 'Say a bit more' } });
      } else {
        await ack();
      }
    };

    // Act
    const rejected = await standin.submitView({ viewId, userId: USER, values: { reason_block: 'no' } });
    const openAfterErrors = standin.views().find((v) => v.id === viewId);
    const accepted = await standin.submitView({
      viewId,
      userId: USER,
      values: { reason_block: 'no, because' },
    });

    // Assess
    expect(rejected).toMatchObject({ outcome: 'errors', errors: { reason_block: 'Say a bit more' } });
    expect(openAfterErrors).toMatchObject({ open: true, errors: { reason_block: 'Say a bit more' } });
    expect(openAfterErrors?.view.state).toMatchObject({
      values: { reason_block: { reason: { value: 'no' } } },
    });
    expect(accepted.outcome).toBe('closed');
  });

  it.each([
    ['update', 'updated', 1],
    ['push', 'pushed', 2],
  ] as const)('applies response_action %s like Slack', async (action, outcome, stackSize) => {
    // Prepare
    const viewId = await openModal(everyInput());
    onSubmit = async ({ ack }) =>
      ack({ response_action: action, view: everyInput({ title: plain('Step 2') }) });

    // Act
    const result = await standin.submitView({ viewId, userId: USER, values: { reason_block: 'keep me' } });

    // Assess
    expect(result.outcome).toBe(outcome);
    const stack = standin.modalStack(USER);
    expect(stack).toHaveLength(stackSize);
    expect(stack.at(-1)?.view.title).toEqual(plain('Step 2'));
    if (action === 'update') {
      expect(stack[0]?.id).toBe(viewId);
      expect(stack[0]?.view.state).toMatchObject({
        values: { reason_block: { reason: { value: 'keep me' } } },
      });
    }
  });

  it('clears the whole stack on response_action clear', async () => {
    // Prepare
    const viewId = await openModal(everyInput());
    onSubmit = async ({ ack }) =>
      ack({ response_action: 'push', view: everyInput({ title: plain('Step 2') }) });
    await standin.submitView({ viewId, userId: USER, values: { reason_block: 'first' } });
    const top = standin.modalStack(USER).at(-1)?.id as string;
    onSubmit = async ({ ack }) => ack({ response_action: 'clear' });

    // Act
    const result = await standin.submitView({
      viewId: top,
      userId: USER,
      values: { reason_block: 'second' },
    });

    // Assess
    expect(result.outcome).toBe('cleared');
    expect(standin.modalStack(USER)).toEqual([]);
  });

  it('refuses like Slack client-side when a required input is empty, delivering nothing', async () => {
    // Prepare
    const viewId = await openModal(everyInput());
    const deliveries = standin.deliveries.length;

    // Act
    const submit = standin.submitView({ viewId, userId: USER, values: { severity_block: 'low' } });

    // Assess
    await expect(submit).rejects.toThrow(/reason_block: Please complete this required field/);
    expect(standin.deliveries).toHaveLength(deliveries);
  });

  it.each([
    ['an option that is not offered', { severity_block: 'medium' }, /no option with value "medium"/],
    ['an unknown user', { approver_block: 'U0NOBODY' }, /unknown user U0NOBODY/],
    ['a block the view does not have', { nope: 'x' }, /no input block nope/],
  ])('rejects %s', async (_name, values, message) => {
    // Prepare
    const viewId = await openModal(everyInput());

    // Act
    const submit = standin.submitView({ viewId, userId: USER, values: { reason_block: 'ok', ...values } });

    // Assess
    await expect(submit).rejects.toThrow(message);
  });

  it('sends view_closed when a notify_on_close modal is dismissed, and nothing otherwise', async () => {
    // Prepare
    const quiet = await openModal(everyInput());
    await standin.closeView(quiet);
    const notifying = await openModal(everyInput({ notify_on_close: true }));

    // Act
    const result = await standin.closeView(notifying);
    await within(
      (async () => {
        while (closed.length === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
    );

    // Assess
    expect(result).toMatchObject({ status: 200 });
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({
      type: 'view_closed',
      is_cleared: false,
      user: { id: USER },
      view: { id: notifying, callback_id: 'approve_finding' },
    });
    expect(standin.modalStack(USER)).toEqual([]);
  });

  it('delivers a button inside a modal with container view, the view state and no channel or response_url', async () => {
    // Prepare
    const view = everyInput();
    view.blocks.push({
      type: 'actions',
      block_id: 'rows',
      elements: [{ type: 'button', action_id: 'add_row', text: plain('Add row'), value: 'row' }],
    });
    const viewId = await openModal(view);
    const seen = deferred<BlockAction>();
    onModalButton = async ({ ack, body, client }) => {
      await ack();
      await client.views.update({
        view_id: body.view?.id as string,
        view: everyInput({ title: plain('2 rows') }),
      });
      seen.resolve(body);
    };

    // Act
    const result = await standin.clickButton({
      viewId,
      actionId: 'add_row',
      userId: USER,
      values: { reason_block: 'typed so far' },
    });
    const body = await within(seen.promise);

    // Assess
    expect(result.status).toBe(200);
    expect(body).toMatchObject({
      type: 'block_actions',
      container: { type: 'view', view_id: viewId },
      view: { id: viewId, state: { values: { reason_block: { reason: { value: 'typed so far' } } } } },
      actions: [{ type: 'button', action_id: 'add_row', block_id: 'rows', value: 'row' }],
    });
    expect(body.trigger_id).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('channel');
    expect(body).not.toHaveProperty('message');
    expect(body).not.toHaveProperty('response_url');
    expect(standin.modalStack(USER).at(-1)?.view.title).toEqual(plain('2 rows'));
  });

  it('refuses a click on a modal that belongs to someone else', async () => {
    // Prepare
    const viewId = await openModal(everyInput());

    // Act
    const click = standin.clickButton({ viewId, actionId: 'add_row', userId: 'U0ONCALL' });

    // Assess
    await expect(click).rejects.toThrow(/open for U0APPROVER1, not U0ONCALL/);
  });
});
