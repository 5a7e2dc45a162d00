import { request } from 'node:http';
import { Script } from 'node:vm';
import { mountConsole } from '../../../../../src/sandbox/console';
import { ASSETS } from '../../../../../src/sandbox/console/page/assets';
import type { ConsoleState } from '../../../../../src/sandbox/console/state';
import {
  createSlackStandin,
  DEFAULT_BOT_TOKEN,
  type SlackStandin,
} from '../../../../../src/sandbox/slack-standin';

const CHANNEL = 'C0SECURITY';

async function post(standin: SlackStandin, action: string, body: unknown, type = 'application/json') {
  const res = await fetch(`${standin.url}/console/api/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': type },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; notice?: string } };
}

async function state(standin: SlackStandin, query: string): Promise<ConsoleState> {
  const res = await fetch(`${standin.url}/console/api/state?${query}`);
  return (await res.json()) as ConsoleState;
}

/** Reads the SSE stream until `wanted` shows up. */
function firstEvent(url: string, wanted: string, trigger: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes(': connected')) trigger();
        if (text.includes(wanted)) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sandbox console routes', () => {
  let standin: SlackStandin;
  const injected: string[] = [];

  beforeAll(async () => {
    standin = await createSlackStandin({ signingSecret: 'routes-secret' });
    mountConsole(standin, {
      title: 'Routes <test>',
      injectKinds: [{ kind: 'role', label: 'IAM role' }],
      onInject: async (kind) => {
        injected.push(kind);
        return `Injected ${kind}`;
      },
    });
    await fetch(`${standin.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${DEFAULT_BOT_TOKEN}`,
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: CHANNEL, text: 'Hello *team*' }),
    });
    await fetch(`${standin.apiUrl}chat.postEphemeral`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${DEFAULT_BOT_TOKEN}`,
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: CHANNEL, user: 'U0APPROVER1', text: 'just for Aaron' }),
    });
  });

  afterAll(async () => {
    await standin.close();
  });

  it('serves the page at / with an escaped title, the scripts and a strict content security policy', async () => {
    // Act
    const res = await fetch(`${standin.url}/`);
    const html = await res.text();

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<title>Routes &lt;test&gt;</title>');
    expect(html).toContain('<script src="/console/assets/core.js"></script>');
    expect(html).toContain('data-testid="inject-role"');
  });

  it.each(Object.keys(ASSETS).filter((name) => name.endsWith('.js')))(
    'serves %s as valid JavaScript',
    async (name) => {
      // Act
      const res = await fetch(`${standin.url}/console/assets/${name}`);
      const source = await res.text();

      // Assess
      expect(res.headers.get('content-type')).toContain('javascript');
      expect(() => new Script(source, { filename: name })).not.toThrow();
    },
  );

  it('answers the state of one person: rendered timeline, their ephemerals only, and the data behind it', async () => {
    // Act
    const aaron = await state(standin, 'user=U0APPROVER1&tz=Europe/Berlin');
    const olivia = await state(standin, 'user=U0ONCALL');

    // Assess
    expect(aaron.me).toBe('U0APPROVER1');
    expect(aaron.users.map((u) => u.name)).toEqual(['Olivia Oncall', 'Aaron Approver', 'Beatrice Approver']);
    expect(aaron.channel).toEqual({ id: CHANNEL, name: 'security-findings', dm: false });
    expect(aaron.messages).toContain('Hello <strong>team</strong>');
    expect(aaron.messages).toContain('just for Aaron');
    expect(aaron.data.ephemerals).toHaveLength(1);
    expect(olivia.messages).not.toContain('just for Aaron');
    expect(olivia.data.messages.map((m) => m.text)).toEqual(['Hello *team*']);
    expect(olivia.modal).toBeNull();
  });

  it('posts a person’s message and feeds a change event to the live stream', async () => {
    // Act
    const events = await firstEvent(`${standin.url}/console/api/events`, 'event: change', () => {
      void post(standin, 'message', { user: 'U0APPROVER2', channel: CHANNEL, text: 'On it' });
    });

    // Assess
    expect(events).toContain('event: change');
    expect(standin.messages(CHANNEL).at(-1)).toMatchObject({ user: 'U0APPROVER2', text: 'On it' });
  });

  it('runs onInject for a known kind and refuses unknown ones', async () => {
    // Act
    const known = await post(standin, 'inject', { kind: 'role' });
    const unknown = await post(standin, 'inject', { kind: 'nope' });

    // Assess
    expect(known).toEqual({ status: 200, body: { ok: true, level: 'info', notice: 'Injected role' } });
    expect(unknown.body).toMatchObject({ ok: false, notice: 'Unknown sample finding kind nope' });
    expect(injected).toEqual(['role']);
  });

  it.each([
    ['a body that is not JSON', 'message', { user: 'U0ONCALL' }, 'text/plain', 415],
    ['a body missing fields', 'message', { user: 'U0ONCALL' }, 'application/json', 400],
    [
      'a click on a button that is not there',
      'click',
      { user: 'U0ONCALL', container: 'message', channel: CHANNEL, ts: '1.000000', actionId: 'x' },
      'application/json',
      400,
    ],
  ])('refuses %s', async (_name, action, body, type, status) => {
    // Act
    const res = await post(standin, action, body, type);

    // Assess
    expect(res.status).toBe(status);
    expect(res.body.ok).toBe(false);
    expect(res.body.notice).toEqual(expect.any(String));
  });
});
