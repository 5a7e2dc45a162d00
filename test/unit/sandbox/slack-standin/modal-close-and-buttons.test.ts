import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  ViewClosedAction,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { SlackStandin } from '../../../../src/sandbox/slack-standin';
import { deferred, startBoltPair, within, type BoltPair } from './bolt-helpers';
import { everyInput, modalOpener, plain, USER } from './modal-fixtures';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

describe('Slack stand-in modals: view_closed and buttons inside modals against a real Bolt app', () => {
  let pair: BoltPair;
  let standin: SlackStandin;
  let openModal: (view: ModalView) => Promise<string>;
  let onModalButton: (args: ActionArgs) => Promise<void>;
  const closed: ViewClosedAction[] = [];

  beforeAll(async () => {
    pair = await startBoltPair();
    standin = pair.standin;
    openModal = modalOpener(pair);
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
    onModalButton = async ({ ack }) => ack();
    closed.length = 0;
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

  it('says is_cleared when a clear_on_close modal is dismissed', async () => {
    // Prepare
    const viewId = await openModal(everyInput({ notify_on_close: true, clear_on_close: true }));

    // Act
    await standin.closeView(viewId);
    await within(
      (async () => {
        while (closed.length === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
    );

    // Assess
    expect(closed[0]).toMatchObject({ type: 'view_closed', is_cleared: true, view: { id: viewId } });
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
