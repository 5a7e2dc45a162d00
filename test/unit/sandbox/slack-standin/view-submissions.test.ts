import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackStandin } from '../../../../src/sandbox/slack-standin';
import type { ModalView } from '@slack/types';
import { deferred, startBoltPair, within, type BoltPair } from './bolt-helpers';
import { everyInput, modalOpener, picked, plain, USER } from './modal-fixtures';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

describe('Slack stand-in view_submission against a real Bolt app', () => {
  let pair: BoltPair;
  let standin: SlackStandin;
  let openModal: (view: ModalView) => Promise<string>;
  let onSubmit: (args: ViewArgs) => Promise<void>;

  beforeAll(async () => {
    pair = await startBoltPair();
    standin = pair.standin;
    openModal = modalOpener(pair);
    pair.app.view('approve_finding', async (args) => onSubmit(args as ViewArgs));
  });

  afterAll(async () => {
    await pair.stop();
  });

  beforeEach(() => {
    onSubmit = async ({ ack }) => ack();
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
      severity_block: { severity: { type: 'static_select', selected_option: picked('high') } },
      approver_block: { approver: { type: 'users_select', selected_user: 'U0APPROVER2' } },
      watchers_block: {
        watchers: { type: 'multi_users_select', selected_users: ['U0ONCALL', 'U0APPROVER2'] },
      },
      until_block: { until: { type: 'datepicker', selected_date: '2026-12-31' } },
      checks_block: { checks: { type: 'checkboxes', selected_options: [picked('ticket')] } },
      scope_block: { scope: { type: 'radio_buttons', selected_option: picked('account') } },
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
});
