/**
 * Shared by the modal tests: a view with every input element the approval modals use, and a way to open a
 * modal for a person the way a bot does (a button click, then views.open with its trigger_id).
 */
import type { BlockAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { deferred, within, type BoltPair } from './bolt-helpers';

export const CHANNEL = 'C0SECURITY';
export const USER = 'U0APPROVER1';
export const plain = (text: string) => ({ type: 'plain_text' as const, text });
export const option = (value: string) => ({ text: plain(value.toUpperCase()), value });
/** An option as Slack hands it back: its plain_text got `emoji: true` when the view was stored. */
export const picked = (value: string) => ({ text: { ...plain(value.toUpperCase()), emoji: true }, value });

/** Every element kind the approval modals use, one input block each. */
export const everyInput = (extra: Partial<ModalView> = {}): ModalView => ({
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

/** Registers an `open` button listener on the app; the returned function opens `view` for USER, giving its id. */
export function modalOpener(pair: BoltPair): (view: ModalView) => Promise<string> {
  let nextView: ModalView | undefined;
  let opened = deferred<string>();
  pair.app.action('open', async ({ ack, body, client }) => {
    await ack();
    const result = await client.views.open({
      trigger_id: (body as BlockAction).trigger_id,
      view: nextView as ModalView,
    });
    opened.resolve(result.view?.id as string);
  });
  return async (view) => {
    nextView = view;
    opened = deferred<string>();
    const posted = await pair.app.client.chat.postMessage({
      channel: CHANNEL,
      text: 'finding',
      blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'open', text: plain('Open') }] }],
    });
    await pair.standin.clickButton({
      channel: CHANNEL,
      ts: posted.ts as string,
      actionId: 'open',
      userId: USER,
    });
    return within(opened.promise);
  };
}
