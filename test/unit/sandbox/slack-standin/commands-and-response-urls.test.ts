import { signatureFor, type SlackStandin } from '../../../../src/sandbox/slack-standin';
import { deferred, within, type ActionArgs, type BoltPair, type CommandArgs } from './bolt-helpers';
import { postFinding, startFindingBoltPair } from './finding-bolt';

const SECRET = 'interaction-test-secret';
const CHANNEL = 'C0SECURITY';

describe('Slack stand-in slash commands, signatures and response_urls against a real Bolt app', () => {
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

  it('delivers a slash command with Slack form fields and shows the ack text to the caller', async () => {
    // Prepare
    const seen = deferred<CommandArgs['command']>();
    onCommand = async ({ ack, command }) => {
      await ack('Generating a policy for role-ci…');
      seen.resolve(command);
    };

    // Act
    const result = await standin.slashCommand({
      command: '/iam-generate',
      text: 'role-ci',
      userId: 'U0ONCALL',
      channel: CHANNEL,
    });
    const command = await within(seen.promise);

    // Assess
    expect(result.status).toBe(200);
    expect(command).toMatchObject({
      command: '/iam-generate',
      text: 'role-ci',
      user_id: 'U0ONCALL',
      user_name: 'oncall.engineer',
      channel_id: CHANNEL,
      channel_name: 'security-findings',
      team_id: 'T0SANDBOX',
      api_app_id: 'A0SANDBOX',
      is_enterprise_install: 'false',
    });
    expect(command.trigger_id).toEqual(expect.any(String));
    expect(command.response_url.startsWith(`${standin.url}/response/`)).toBe(true);
    expect(standin.ephemerals({ user: 'U0ONCALL' }).at(-1)?.text).toBe('Generating a policy for role-ci…');
  });

  it('gets 401 from Bolt for a forged signature and for a stale timestamp, 200 when signed properly', async () => {
    // Prepare
    const body = new URLSearchParams({
      command: '/iam-generate',
      text: 'role-ci',
      user_id: 'U0ONCALL',
      user_name: 'oncall.engineer',
      channel_id: CHANNEL,
      team_id: 'T0SANDBOX',
      api_app_id: 'A0SANDBOX',
    }).toString();
    const contentType = 'application/x-www-form-urlencoded';
    const now = Math.floor(Date.now() / 1000);

    // Act
    const forged = await standin.deliverRaw({
      body,
      contentType,
      signature: signatureFor('wrong-secret', now, body),
    });
    const stale = await standin.deliverRaw({ body, contentType, timestamp: now - 6 * 60 });
    const genuine = await standin.deliverRaw({ body, contentType, timestamp: now });

    // Assess
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(genuine.status).toBe(200);
  });

  it('accepts five responses per response_url, then answers 404 used_url', async () => {
    // Prepare
    const result = await standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_deny',
      userId: 'U0ONCALL',
    });
    const url = result.payload.response_url as string;
    const post = () =>
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"hi"}' });

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    const last = (await (await post()).json()) as { error: string };

    // Assess
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(last.error).toBe('used_url');
  });

  it('expires a response_url after 30 minutes', async () => {
    // Prepare
    const result = await standin.clickButton({
      channel: CHANNEL,
      ts: findingTs,
      actionId: 'finding_deny',
      userId: 'U0ONCALL',
    });
    clock += 30 * 60 * 1000 + 1;

    // Act
    const response = await fetch(result.payload.response_url as string, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"replace_original":true,"text":"too late"}',
    });

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error: 'expired_url' });
    expect(standin.message(CHANNEL, findingTs)?.text).toBe('New finding');
  });
});
