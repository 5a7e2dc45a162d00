/**
 * A tiny real Bolt app (HTTPReceiver) standing in for the bot in browser tests that need no AWS or DynamoDB:
 * it posts a demo finding (header, fields, Approve (primary), Reject (danger, with confirm), a URL button); a
 * click edits the message and replies in its thread; `/demo` opens a modal whose required reason is checked
 * with `response_action: errors` and offers a "Suggest a reason" button (views.update); `/whisper` answers ephemerally with a button whose listener (`slow`) does
 * not acknowledge in time.
 */
import { App, type BlockAction } from '@slack/bolt';
import type { KnownBlock, ModalView } from '@slack/types';
import { mountConsole, type ConsoleOptions } from '../../../src/sandbox/console';
import { freePort } from '../../../src/sandbox/free-port';
import { createSlackStandin, DEFAULT_BOT_TOKEN, type SlackStandin } from '../../../src/sandbox/slack-standin';
import { silent } from '../../unit/sandbox/slack-standin/bolt-helpers';

export const CHANNEL = 'C0SECURITY';
const SECRET = 'browser-demo-secret';
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });

interface Decision {
  approvedBy?: string;
  rejectedBy?: string;
}

export function demoBlocks(docsUrl: string, d: Decision = {}): KnownBlock[] {
  const status = d.rejectedBy
    ? ':x: REJECTED'
    : d.approvedBy
      ? ':white_check_mark: APPROVED'
      : ':red_circle: ACTIVE';
  const buttons = [
    ...(d.approvedBy || d.rejectedBy
      ? []
      : [
          {
            type: 'button' as const,
            action_id: 'demo_approve',
            text: plain('Approve'),
            style: 'primary' as const,
            value: 'demo-1',
          },
        ]),
    ...(d.rejectedBy
      ? []
      : [
          {
            type: 'button' as const,
            action_id: 'demo_reject',
            text: plain('Reject'),
            style: 'danger' as const,
            confirm: {
              title: plain('Reject this finding?'),
              text: mrkdwn('The bucket policy will be *denied* for everyone outside the account.'),
              confirm: plain('Reject'),
              deny: plain('Keep it'),
              style: 'danger' as const,
            },
          },
        ]),
    { type: 'button' as const, action_id: 'demo_docs', text: plain('Read the docs'), url: docsUrl },
  ];
  const decided = [
    d.approvedBy ? `:white_check_mark: Approved by <@${d.approvedBy}>` : '',
    d.rejectedBy ? `:x: Rejected by <@${d.rejectedBy}>` : '',
  ].filter(Boolean);
  return [
    { type: 'header', text: plain('Demo finding: public bucket') },
    {
      type: 'section',
      fields: [
        mrkdwn('*Resource*\n`arn:aws:s3:::demo-bucket`'),
        mrkdwn('*Account*\n111122223333'),
        mrkdwn(`*Status*\n${status}`),
        mrkdwn('*Shared with*\n_everyone_ (public)'),
      ],
    },
    ...(decided.length ? [{ type: 'section' as const, text: mrkdwn(decided.join('\n')) }] : []),
    { type: 'actions', block_id: 'demo_actions', elements: buttons },
    { type: 'context', elements: [mrkdwn('Demo finding `demo-1` · posted by the browser test bot')] },
  ];
}

function reasonModal(channel: string, suggestion?: string): ModalView {
  return {
    type: 'modal',
    callback_id: 'demo_modal',
    private_metadata: channel,
    title: plain('Give a reason'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: mrkdwn('Why is this access *expected*?') },
      {
        type: 'input',
        block_id: 'reason_block',
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: 'reason_input',
          multiline: true,
          ...(suggestion ? { initial_value: suggestion } : {}),
        },
      },
      {
        type: 'actions',
        block_id: 'helpers',
        elements: [{ type: 'button', action_id: 'demo_suggest', text: plain('Suggest a reason') }],
      },
      {
        type: 'input',
        block_id: 'severity_block',
        label: plain('Severity'),
        optional: true,
        element: {
          type: 'static_select',
          action_id: 'severity',
          options: [
            { text: plain('Low'), value: 'low' },
            { text: plain('High'), value: 'high' },
          ],
        },
      },
    ],
  };
}

export interface DemoSetup {
  standin: SlackStandin;
  app: App;
  findingTs: string;
  docsUrl: string;
  stop(): Promise<void>;
}

function register(app: App, docsUrl: string, decisions: Map<string, Decision>): void {
  const decide = async (body: BlockAction, client: App['client'], change: Decision, verb: string) => {
    const ts = body.message?.ts ?? '';
    const decision = { ...decisions.get(ts), ...change };
    decisions.set(ts, decision);
    await client.chat.update({
      channel: CHANNEL,
      ts,
      text: `${verb} by <@${body.user.id}>`,
      blocks: demoBlocks(docsUrl, decision),
    });
    await client.chat.postMessage({
      channel: CHANNEL,
      thread_ts: ts,
      text: `<@${body.user.id}> ${verb.toLowerCase()} this finding.`,
    });
  };
  app.action('demo_approve', async ({ ack, body, client }) => {
    await ack();
    await decide(body as BlockAction, client, { approvedBy: body.user.id }, 'Approved');
  });
  app.action('demo_reject', async ({ ack, body, client }) => {
    await ack();
    await decide(body as BlockAction, client, { rejectedBy: body.user.id }, 'Rejected');
  });
  app.action('demo_docs', async ({ ack }) => ack());
  app.action('slow', async ({ ack }) => {
    await new Promise((r) => setTimeout(r, 1500));
    await ack().catch(() => undefined);
  });
  app.command('/demo', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: reasonModal(body.channel_id) });
  });
  app.action('demo_suggest', async ({ ack, body, client }) => {
    await ack();
    const view = (body as BlockAction).view;
    const suggested = reasonModal(view?.private_metadata ?? CHANNEL, 'Known vendor: nightly backup service');
    await client.views.update({ view_id: view?.id ?? '', hash: view?.hash, view: suggested });
  });
  app.view('demo_modal', async ({ ack, view, body, client }) => {
    const reason = view.state.values.reason_block?.reason_input?.value ?? '';
    if (reason.trim() === '') {
      await ack({
        response_action: 'errors',
        errors: { reason_block: 'Please give a reason, not just spaces.' },
      });
      return;
    }
    await ack();
    await client.chat.postMessage({
      channel: view.private_metadata,
      text: `<@${body.user.id}> saved a reason: ${reason}`,
    });
  });
  app.command('/whisper', async ({ ack }) => {
    await ack({
      text: 'Psst, only you see this',
      blocks: [
        { type: 'section', text: mrkdwn('Psst, *only you* see this') },
        { type: 'actions', elements: [{ type: 'button', action_id: 'slow', text: plain('Slow button') }] },
      ],
    });
  });
}

/** Stand-in + console + demo bot, with the demo finding posted. */
export async function startDemo(consoleOptions: ConsoleOptions = {}): Promise<DemoSetup> {
  const standin = await createSlackStandin({ signingSecret: SECRET, ackTimeoutMs: 800 });
  mountConsole(standin, { title: 'Console test', ...consoleOptions });
  const docsUrl = `${standin.url}/console/assets/console.css`;
  const app = new App({
    token: DEFAULT_BOT_TOKEN,
    signingSecret: SECRET,
    logger: silent,
    clientOptions: { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } },
  });
  register(app, docsUrl, new Map());
  const port = await freePort();
  await app.start(port);
  standin.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
  const posted = await app.client.chat.postMessage({
    channel: CHANNEL,
    text: 'Demo finding',
    blocks: demoBlocks(docsUrl),
  });
  return {
    standin,
    app,
    findingTs: posted.ts as string,
    docsUrl,
    async stop() {
      await app.stop();
      await standin.close();
    },
  };
}
