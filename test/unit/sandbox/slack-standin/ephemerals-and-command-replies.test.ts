import type { AllMiddlewareArgs, BlockAction, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { SlackStandin } from '../../../../src/sandbox/slack-standin';
import { deferred, startBoltPair, within, type BoltPair } from './bolt-helpers';

const CHANNEL = 'C0SECURITY';
const plain = (text: string) => ({ type: 'plain_text' as const, text });

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

describe('Slack stand-in: slash command replies and buttons in ephemeral messages (real Bolt app)', () => {
  let pair: BoltPair;
  let standin: SlackStandin;
  let onCommand: (args: CommandArgs) => Promise<void>;

  beforeAll(async () => {
    pair = await startBoltPair();
    standin = pair.standin;
    pair.app.command('/iam-generate', async (args) => onCommand(args));
  });

  afterAll(async () => {
    await pair.stop();
  });

  it('shows a JSON ack with response_type in_channel to everyone, and later respond() calls to the caller only', async () => {
    // Prepare
    const done = deferred();
    onCommand = async ({ ack, respond }) => {
      await ack({ response_type: 'in_channel', text: 'Generating a policy for *app-role*…' });
      await respond({ text: 'Policy ready (only you see this)' });
      done.resolve();
    };
    const before = standin.messageCount(CHANNEL);

    // Act
    const result = await standin.slashCommand({
      command: '/iam-generate',
      text: 'app-role',
      userId: 'U0ONCALL',
      channel: CHANNEL,
    });
    await within(done.promise);

    // Assess
    expect(result.status).toBe(200);
    expect(
      standin
        .messages(CHANNEL)
        .slice(before)
        .map((m) => m.text),
    ).toEqual(['Generating a policy for *app-role*…']);
    expect(standin.ephemerals({ user: 'U0ONCALL' }).at(-1)).toMatchObject({
      channel: CHANNEL,
      text: 'Policy ready (only you see this)',
    });
    expect(standin.ephemerals({ user: 'U0APPROVER1' })).toEqual([]);
  });

  it('delivers a click in an ephemeral message as is_ephemeral and lets respond() replace it', async () => {
    // Prepare
    onCommand = async ({ ack }) =>
      ack({
        text: 'Pick one',
        blocks: [
          { type: 'actions', elements: [{ type: 'button', action_id: 'eph_pick', text: plain('Pick') }] },
        ],
      });
    await standin.slashCommand({
      command: '/iam-generate',
      text: '',
      userId: 'U0APPROVER2',
      channel: CHANNEL,
    });
    const eph = standin.ephemerals({ user: 'U0APPROVER2' }).at(-1);
    const seen = deferred<BlockAction>();
    pair.app.action('eph_pick', async ({ ack, body, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'Picked' });
      seen.resolve(body as BlockAction);
    });

    // Act
    await standin.clickButton({
      channel: CHANNEL,
      ts: eph?.message_ts as string,
      actionId: 'eph_pick',
      userId: 'U0APPROVER2',
    });
    const body = await within(seen.promise);

    // Assess
    expect(body.container).toMatchObject({ type: 'message', is_ephemeral: true });
    expect(body).not.toHaveProperty('message');
    await within(
      (async () => {
        while (standin.ephemerals({ user: 'U0APPROVER2' }).at(-1)?.text !== 'Picked') {
          await new Promise((r) => setTimeout(r, 10));
        }
      })(),
    );
    expect(standin.ephemerals({ user: 'U0APPROVER2' }).at(-1)?.message_ts).toBe(eph?.message_ts);
  });

  it('refuses a click on an ephemeral message by someone it was not shown to', async () => {
    // Prepare
    onCommand = async ({ ack }) =>
      ack({
        text: 'Mine',
        blocks: [
          { type: 'actions', elements: [{ type: 'button', action_id: 'eph_pick', text: plain('Pick') }] },
        ],
      });
    await standin.slashCommand({ command: '/iam-generate', text: '', userId: 'U0ONCALL', channel: CHANNEL });
    const eph = standin.ephemerals({ user: 'U0ONCALL' }).at(-1);

    // Act
    const click = standin.clickButton({
      channel: CHANNEL,
      ts: eph?.message_ts as string,
      actionId: 'eph_pick',
      userId: 'U0APPROVER1',
    });

    // Assess
    await expect(click).rejects.toThrow(/only visible to U0ONCALL/);
  });
});
