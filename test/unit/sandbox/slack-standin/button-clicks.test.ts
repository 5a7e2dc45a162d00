import type { BlockAction } from '@slack/bolt';
import type { SlackStandin } from '../../../../src/sandbox/slack-standin';
import { deferred, within, type ActionArgs, type BoltPair, type CommandArgs } from './bolt-helpers';
import { postFinding, startFindingBoltPair } from './finding-bolt';

const SECRET = 'interaction-test-secret';
const CHANNEL = 'C0SECURITY';

describe('Slack stand-in button clicks against a real Bolt app', () => {
  let clock: number;
  let pair: BoltPair;
  let standin: SlackStandin;
  let onAction: (args: ActionArgs) => Promise<void>;
  let onCommand: (args: CommandArgs) => Promise<void>;
  let findingTs: string;

  beforeAll(async () => {
    clock = Date.now();
    pair = await startFindingBoltPair(
      { onAction: (args) => onAction(args), onCommand: (args) => onCommand(args) },
      { signingSecret: SECRET, now: () => clock },
    );
    standin = pair.standin;
  });

  afterAll(() => pair.stop());

  beforeEach(async () => {
    clock = Date.now();
    onAction = async ({ ack }) => ack();
    onCommand = async ({ ack }) => ack();
    findingTs = await postFinding(pair.app, CHANNEL);
  });

  it('verifies the bot token with auth.test against the stand-in', () => {
    // Assess
    expect(standin.callsTo('auth.test').some((c) => c.ok)).toBe(true);
  });

  it('delivers a button click to app.action with the payload Slack would send', async () => {
    // Prepare
    const seen = deferred<BlockAction>();
    onAction = async ({ ack, body }) => {
      await ack();
      seen.resolve(body);
    };

    // Act
    const result = await standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_archive',
      userId: 'U0APPROVER1',
    });
    const body = await within(seen.promise);

    // Assess
    expect(result).toMatchObject({ status: 200, timedOut: false });
    expect(result.ms).toBeGreaterThanOrEqual(0);
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0APPROVER1', username: 'approver.one', team_id: 'T0SANDBOX' },
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      channel: { id: CHANNEL, name: 'security-findings' },
      container: { type: 'message', message_ts: findingTs, channel_id: CHANNEL, is_ephemeral: false },
      message: { ts: findingTs, bot_id: 'B0BOT', text: 'New finding' },
      state: { values: {} },
    });
    expect(body.message?.blocks).toHaveLength(2);
    expect(body.actions[0]).toMatchObject({
      type: 'button',
      action_id: 'finding_archive',
      block_id: 'finding_2222',
      value: '{"findingId":"2222"}',
      style: 'primary',
      text: { type: 'plain_text', text: 'Archive' },
      action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });
    expect(body.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(body.response_url.startsWith(`${standin.url}/response/`)).toBe(true);
  });

  it('replaces the clicked message when the listener responds with replace_original', async () => {
    // Prepare
    const done = deferred();
    onAction = async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'Archived by <@U0APPROVER1>' });
      done.resolve();
    };

    // Act
    await standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_archive',
      userId: 'U0APPROVER1',
    });
    await within(done.promise);

    // Assess
    const stored = standin.message(CHANNEL, findingTs);
    expect(stored).toMatchObject({ text: 'Archived by <@U0APPROVER1>', blocks: [] });
    expect(stored?.edited).toBeUndefined();
    expect(standin.callsTo('response_url').at(-1)).toMatchObject({ ok: true, status: 200 });
  });

  it('shows a plain respond() only to the clicker, and in_channel to everyone', async () => {
    // Prepare
    const done = deferred();
    onAction = async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'Only you can see this' });
      await respond({ response_type: 'in_channel', text: 'Denied', thread_ts: findingTs });
      done.resolve();
    };
    const ephemeralsBefore = standin.ephemerals({ user: 'U0APPROVER2' }).length;

    // Act
    await standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_deny',
      userId: 'U0APPROVER2',
    });
    await within(done.promise);

    // Assess
    expect(standin.ephemerals({ user: 'U0APPROVER2' })).toHaveLength(ephemeralsBefore + 1);
    expect(standin.ephemerals({ user: 'U0APPROVER2' }).at(-1)?.text).toBe('Only you can see this');
    expect(standin.replies(CHANNEL, findingTs).map((m) => m.text)).toEqual(['Denied']);
    expect(standin.message(CHANNEL, findingTs)?.text).toBe('New finding');
  });

  it('lets the listener open a modal with the trigger_id of the click', async () => {
    // Prepare
    const done = deferred<string>();
    onAction = async ({ ack, body, client }) => {
      await ack();
      const opened = await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'deny_finding',
          title: { type: 'plain_text', text: 'Deny' },
          blocks: [],
        },
      });
      done.resolve(opened.view?.id as string);
    };

    // Act
    await standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_deny',
      userId: 'U0APPROVER1',
    });
    const viewId = await within(done.promise);

    // Assess
    expect(standin.views().find((v) => v.id === viewId)).toMatchObject({ user: 'U0APPROVER1', open: true });
  });

  it('reports a listener that does not ack within the window as timed out', async () => {
    // Prepare
    const done = deferred();
    onAction = async ({ ack }) => {
      await new Promise((r) => setTimeout(r, 1800));
      await ack().catch(() => undefined);
      done.resolve();
    };

    // Act
    const result = await standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_deny',
      userId: 'U0ONCALL',
    });
    await within(done.promise);

    // Assess
    expect(result).toMatchObject({ status: 0, timedOut: true, error: 'http_timeout' });
  });

  it('throws a clear error for a button that is not in the message', async () => {
    // Act
    const click = standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_escalate',
      userId: 'U0ONCALL',
    });

    // Assess
    await expect(click).rejects.toThrow(/no button finding_escalate in message C0SECURITY\//);
  });
});
