import type { BlockAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { SlackStandin } from '../../../../src/sandbox/slack-standin';
import { deferred, startBoltPair, within, type BoltPair } from './bolt-helpers';
import { modalOpener, option, picked, plain, USER } from './modal-fixtures';

/** A modal whose inputs dispatch block_actions when they change (`dispatch_action: true`), and one that does not. */
const dispatching = (): ModalView => ({
  type: 'modal',
  callback_id: 'rule',
  title: plain('Rule'),
  submit: plain('Save'),
  blocks: [
    {
      type: 'input',
      block_id: 'who',
      label: plain('Principal'),
      dispatch_action: true,
      element: { type: 'plain_text_input', action_id: 'criteria', initial_value: 'alice' },
    },
    {
      type: 'input',
      block_id: 'kind',
      label: plain('Kind'),
      dispatch_action: true,
      element: { type: 'static_select', action_id: 'criteria', options: [option('role'), option('bucket')] },
    },
    {
      type: 'input',
      block_id: 'also',
      label: plain('Also'),
      optional: true,
      dispatch_action: true,
      element: { type: 'checkboxes', action_id: 'criteria', options: [option('yes')] },
    },
    {
      type: 'input',
      block_id: 'name',
      label: plain('Name'),
      element: { type: 'plain_text_input', action_id: 'name' },
    },
  ],
});

describe('Slack stand-in: inputs with dispatch_action send block_actions from the modal', () => {
  let pair: BoltPair;
  let standin: SlackStandin;
  let openModal: (view: ModalView) => Promise<string>;
  let received = deferred<BlockAction>();

  beforeAll(async () => {
    pair = await startBoltPair();
    standin = pair.standin;
    openModal = modalOpener(pair);
    pair.app.action({ type: 'block_actions', action_id: 'criteria' }, async ({ ack, body }) => {
      await ack();
      received.resolve(body as BlockAction);
    });
  });
  afterAll(async () => {
    await pair.stop();
  });
  beforeEach(() => {
    received = deferred<BlockAction>();
  });

  it.each([
    ['a text input (Enter pressed)', 'who', 'bob', { type: 'plain_text_input', value: 'bob' }],
    ['a select', 'kind', 'bucket', { type: 'static_select', selected_option: picked('bucket') }],
    ['checkboxes', 'also', ['yes'], { type: 'checkboxes', selected_options: [picked('yes')] }],
  ])('sends the new value of %s, with the view and its state', async (_what, blockId, value, action) => {
    // Prepare
    const viewId = await openModal(dispatching());

    // Act
    const result = await standin.dispatchInput({
      viewId,
      userId: USER,
      blockId,
      value,
      values: { name: 'x' },
    });
    const body = await within(received.promise);

    // Assess
    expect(result.status).toBe(200);
    expect(body.container).toEqual({ type: 'view', view_id: viewId });
    expect(body.actions).toEqual([
      { ...action, action_id: 'criteria', block_id: blockId, action_ts: expect.any(String) },
    ]);
    const values = body.view?.state.values ?? {};
    expect(values.name?.name?.value).toBe('x');
    expect(values.who?.criteria?.value).toBe(blockId === 'who' ? 'bob' : 'alice');
    // What was entered stays in the view, as in Slack.
    expect(standin.modalStack(USER).at(-1)?.view.state).toEqual(body.view?.state);
  });

  it('refuses an input without dispatch_action, which sends nothing in Slack', async () => {
    const viewId = await openModal(dispatching());
    await expect(
      standin.dispatchInput({ viewId, userId: USER, blockId: 'name', value: 'x' }),
    ).rejects.toThrow(/no dispatch_action/);
    await expect(
      standin.dispatchInput({ viewId, userId: USER, blockId: 'nope', value: 'x' }),
    ).rejects.toThrow(/no input block nope/);
  });
});
