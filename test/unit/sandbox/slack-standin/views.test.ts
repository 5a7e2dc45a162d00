import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { createSlackStandin, type SlackStandin } from '../../../../src/sandbox/slack-standin';
import { clientFor } from './web-client-helpers';

const CHANNEL = 'C0SECURITY';
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const denyModal = (extra: Record<string, unknown> = {}): ModalView =>
  ({
    type: 'modal',
    callback_id: 'deny_finding',
    title: plain('Deny finding'),
    submit: plain('Deny'),
    private_metadata: '{"findingId":"2222"}',
    blocks: [
      {
        type: 'input',
        block_id: 'reason_block',
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: 'reason_input' },
      },
    ],
    ...extra,
  }) as ModalView;

/** A bot that acknowledges everything — enough to obtain trigger_ids from real deliveries. */
function startAckingBot(): Promise<Server> {
  const server = createServer((_req, res) => res.writeHead(200).end());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function slackError(call: Promise<unknown>): Promise<{ error?: string; messages?: string[] }> {
  try {
    await call;
  } catch (err) {
    const data = (err as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data;
    return { error: data?.error, messages: data?.response_metadata?.messages };
  }
  throw new Error('expected the call to fail');
}

describe('Slack stand-in views and trigger_ids', () => {
  let clock: number;
  let standin: SlackStandin;
  let client: WebClient;
  let bot: Server;
  let buttonTs: string;

  /** Clicks the Deny button; returns the trigger_id Slack handed the bot. */
  async function freshTrigger(userId = 'U0APPROVER1'): Promise<string> {
    const result = await standin.clickButton({
      channel: CHANNEL,
      ts: buttonTs,
      actionId: 'finding_deny',
      userId,
    });
    return result.payload.trigger_id as string;
  }

  beforeEach(async () => {
    clock = Date.now();
    bot = await startAckingBot();
    standin = await createSlackStandin({
      signingSecret: 'test-secret',
      now: () => clock,
      botUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`,
    });
    client = clientFor(standin);
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: 'finding',
      blocks: [
        { type: 'actions', elements: [{ type: 'button', action_id: 'finding_deny', text: plain('Deny') }] },
      ],
    });
    buttonTs = posted.ts as string;
  });

  afterEach(async () => {
    await standin.close();
    await new Promise((resolve) => bot.close(resolve));
  });

  it('opens a modal for the person who clicked, with id, hash and empty state', async () => {
    // Prepare
    const trigger = await freshTrigger('U0APPROVER1');

    // Act
    const result = await client.views.open({ trigger_id: trigger, view: denyModal() });

    // Assess
    expect(result.view).toMatchObject({ type: 'modal', callback_id: 'deny_finding', state: { values: {} } });
    expect(result.view?.id).toMatch(/^V/);
    expect(result.view?.hash).toEqual(expect.any(String));
    expect(standin.views()).toEqual([
      expect.objectContaining({ user: 'U0APPROVER1', via: 'open', open: true }),
    ]);
  });

  it('rejects a trigger_id older than 3 seconds with expired_trigger_id', async () => {
    // Prepare
    const trigger = await freshTrigger();
    clock += 3001;

    // Act
    const failure = await slackError(client.views.open({ trigger_id: trigger, view: denyModal() }));

    // Assess
    expect(failure.error).toBe('expired_trigger_id');
    expect(standin.views()).toHaveLength(0);
  });

  it('accepts a trigger_id just inside the 3 second window', async () => {
    // Prepare
    const trigger = await freshTrigger();
    clock += 2999;

    // Act
    const result = await client.views.open({ trigger_id: trigger, view: denyModal() });

    // Assess
    expect(result.ok).toBe(true);
  });

  it('rejects a reused trigger_id with exchanged_trigger_id and an unknown one with invalid_trigger_id', async () => {
    // Prepare
    const trigger = await freshTrigger();
    await client.views.open({ trigger_id: trigger, view: denyModal() });

    // Act
    const reused = await slackError(client.views.open({ trigger_id: trigger, view: denyModal() }));
    const unknown = await slackError(client.views.open({ trigger_id: '1.2.deadbeef', view: denyModal() }));

    // Assess
    expect(reused.error).toBe('exchanged_trigger_id');
    expect(unknown.error).toBe('invalid_trigger_id');
  });

  it.each([
    ['a title over 24 chars', denyModal({ title: plain('t'.repeat(25)) }), '/view/title/text'],
    ['input blocks without submit', denyModal({ submit: undefined }), 'submit'],
    [
      'private_metadata over 3,000 chars',
      denyModal({ private_metadata: 'p'.repeat(3001) }),
      '/view/private_metadata',
    ],
  ])(
    'rejects a modal with %s as invalid_arguments, leaving the trigger usable',
    async (_name, view, pointer) => {
      // Prepare
      const trigger = await freshTrigger();

      // Act
      const failure = await slackError(client.views.open({ trigger_id: trigger, view }));
      const retry = await client.views.open({ trigger_id: trigger, view: denyModal() });

      // Assess
      expect(failure.error).toBe('invalid_arguments');
      expect(failure.messages?.some((m) => m.includes(pointer))).toBe(true);
      expect(retry.ok).toBe(true);
    },
  );

  it('updates a view with the current hash and rejects a stale hash with hash_conflict', async () => {
    // Prepare
    const opened = await client.views.open({ trigger_id: await freshTrigger(), view: denyModal() });
    const id = opened.view?.id as string;
    const firstHash = opened.view?.hash as string;

    // Act
    const updated = await client.views.update({
      view_id: id,
      hash: firstHash,
      view: denyModal({ title: plain('Denying…') }),
    });
    const stale = await slackError(client.views.update({ view_id: id, hash: firstHash, view: denyModal() }));
    const missing = await slackError(client.views.update({ view_id: 'V0NOPE', view: denyModal() }));

    // Assess
    expect(updated.view?.hash).not.toBe(firstHash);
    expect(standin.views()[0]?.view.title).toEqual({ type: 'plain_text', text: 'Denying…' });
    expect(stale.error).toBe('hash_conflict');
    expect(missing.error).toBe('not_found');
  });

  it('pushes views onto the open modal, up to three', async () => {
    // Prepare
    const root = await client.views.open({ trigger_id: await freshTrigger(), view: denyModal() });

    // Act
    const second = await client.views.push({ trigger_id: await freshTrigger(), view: denyModal() });
    await client.views.push({ trigger_id: await freshTrigger(), view: denyModal() });
    const fourth = await slackError(
      client.views.push({ trigger_id: await freshTrigger(), view: denyModal() }),
    );

    // Assess
    expect(second.view).toMatchObject({ previous_view_id: root.view?.id, root_view_id: root.view?.id });
    expect(fourth.error).toBe('push_limit_reached');
  });
});
