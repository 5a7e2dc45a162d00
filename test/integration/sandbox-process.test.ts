/**
 * Issue #3: `npm start` with no Slack credentials starts the sandbox — DynamoDB Local on disk, the AWS
 * stand-in with the example account, the Slack stand-in with its console, and the bot — and the example
 * account's findings appear in the channel.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portInUse } from '../../src/sandbox/free-port';
import { eventually } from '../helpers/harness';

const ROOT = join(__dirname, '..', '..');

interface Running {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>, args: string[] = []): Running {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

interface ConsoleState {
  data: { messages: { ts: string; text: string; blocks: unknown[] }[] };
}

describe('the sandbox (npm start with no Slack credentials)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let consoleUrl: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sandbox-test-'));
    const consolePort = await freePort();
    env = { SANDBOX_PORT: String(consolePort), PORT: String(await freePort()), SANDBOX_DATA_DIR: dataDir };
    consoleUrl = `http://127.0.0.1:${consolePort}`;
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const state = async () =>
    (await (await fetch(`${consoleUrl}/console/api/state?user=U0ONCALL`)).json()) as ConsoleState;

  it('says why it starts the sandbox, prints the console URL and shows the example findings', async () => {
    const t0 = Date.now();
    const p = start(env);
    try {
      await eventually(() => p.out().includes('sandbox ready'), 60_000);
      const readyMs = Date.now() - t0;
      const lines = p
        .out()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(JSON.parse(lines[0]!)).toMatchObject({
        mode: 'sandbox',
        reason: expect.stringContaining('no Slack credentials'),
      });
      expect(p.out()).toContain(`open ${consoleUrl}/`);
      const page = await fetch(`${consoleUrl}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      // The example account's five findings (four external, one unused) all arrive.
      const s = await eventually(async () => {
        const st = await state();
        return st.data.messages.length >= 5 ? st : undefined;
      }, 30_000);
      const firstFindingMs = Date.now() - t0;
      const all = JSON.stringify(s.data.messages);
      expect(all).toContain('Audit_CrossAccountRole');
      expect(all).toContain('amzn-s3-demo-public-bucket');
      // Timings for the issue note (printed, not asserted).
      process.stdout.write(
        `sandbox ready after ${readyMs} ms, first findings visible after ${firstFindingMs} ms\n`,
      );
    } finally {
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(0);
    }
    // Ctrl-C stopped everything, DynamoDB Local's JVM included.
    expect(await portInUse(Number(env.SANDBOX_PORT) + 2)).toBe(false);
  });

  it('refuses to start, naming the port, when a port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, r));
    try {
      const p = start({ ...env, PORT: String(port) });
      expect(await p.exited).toBe(1);
      expect(p.out()).toContain(`${port} (bot)`);
      expect(p.out()).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    } finally {
      blocker.close();
    }
  });
});
