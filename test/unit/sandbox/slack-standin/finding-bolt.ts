/**
 * Shared by the button-click and slash-command suites: a Bolt pair whose `finding_*` button clicks and
 * `/iam-generate` commands go to listeners the test supplies, and the finding message they click on.
 */
import type { App } from '@slack/bolt';
import type { SlackStandinOptions } from '../../../../src/sandbox/slack-standin';
import { startBoltPair, type ActionArgs, type BoltPair, type CommandArgs } from './bolt-helpers';

/** A finding message as the bot posts it: a summary section and an actions block with Archive and Deny buttons. */
export const findingBlocks = [
  {
    type: 'section',
    block_id: 'finding_summary',
    text: { type: 'mrkdwn', text: '*Public bucket* audit-logs' },
  },
  {
    type: 'actions',
    block_id: 'finding_2222',
    elements: [
      {
        type: 'button',
        action_id: 'finding_archive',
        text: { type: 'plain_text', text: 'Archive' },
        value: '{"findingId":"2222"}',
        style: 'primary',
      },
      {
        type: 'button',
        action_id: 'finding_deny',
        text: { type: 'plain_text', text: 'Deny' },
        style: 'danger',
      },
    ],
  },
];

/** Posts the finding message (text "New finding", {@link findingBlocks}) to `channel` as the bot; gives its ts. */
export async function postFinding(app: App, channel: string): Promise<string> {
  const posted = await app.client.chat.postMessage({
    channel,
    text: 'New finding',
    blocks: findingBlocks,
  });
  return posted.ts as string;
}

export interface FindingListeners {
  /** Runs for every click on a button whose action_id starts with `finding_`. */
  onAction(args: ActionArgs): Promise<void>;
  /** Runs for every `/iam-generate` slash command. */
  onCommand(args: CommandArgs): Promise<void>;
}

/**
 * {@link startBoltPair} with two listeners registered: `finding_*` actions go to `listeners.onAction`, the
 * `/iam-generate` command to `listeners.onCommand`. Pass arrow functions that call a variable of the test to swap
 * the behaviour per test. Stop the pair with `pair.stop()` (in afterAll/afterEach).
 */
export async function startFindingBoltPair(
  listeners: FindingListeners,
  opts: Partial<SlackStandinOptions> = {},
): Promise<BoltPair> {
  const pair = await startBoltPair(opts);
  pair.app.action(/^finding_/, async (args) => listeners.onAction(args as ActionArgs));
  pair.app.command('/iam-generate', async (args) => listeners.onCommand(args));
  return pair;
}
