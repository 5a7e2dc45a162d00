/**
 * The set-up the browser journeys share: the real sandbox (runSandbox: DynamoDB Local on disk under a fresh
 * temporary data dir, the AWS stand-in with the example account, the Slack stand-in and its console, the bot
 * with APPROVERS U0APPROVER1,U0APPROVER2) on free ports with a quiet logger, the people who act in the
 * console, and opening the console and switching person in it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Page } from 'playwright-core';
import type { SandboxSettings } from '../../../src/config';
import { createLogger } from '../../../src/log';
import { freePort, portInUse } from '../../../src/sandbox/free-port';
import { type Sandbox, runSandbox } from '../../../src/sandbox/run-sandbox';
import { waitForText } from './browser';

export interface ConsoleUser {
  id: string;
  name: string;
}

/** The on-call engineer who asks for changes. */
export const ONCALL: ConsoleUser = { id: 'U0ONCALL', name: 'Olivia Oncall' };
/** One of the sandbox's two approvers (APPROVERS U0APPROVER1,U0APPROVER2). */
export const APPROVER: ConsoleUser = { id: 'U0APPROVER1', name: 'Aaron Approver' };

/**
 * Steps in a journey wait for more than a click's round trip: the access preview (about 1 s on the stand-in)
 * before a request shows, and Access Analyzer's re-analysis or events (about 1 s after the write) before a
 * finding changes status. Generous, but bounded: a step that never happens fails the test.
 */
export const JOURNEY_STEP_MS = 15_000;

/** The sandbox logs only what would matter, and to nowhere. */
const quiet = createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));

/**
 * Opens the console at `url` and waits until its page script is ready; `stepTimeoutMs`, when given, becomes
 * the page's wait per step.
 */
export async function openConsole(page: Page, url: string, stepTimeoutMs?: number): Promise<void> {
  if (stepTimeoutMs !== undefined) page.setDefaultTimeout(stepTimeoutMs);
  await page.goto(url);
  await page.locator('body[data-ready="1"]').waitFor({ state: 'attached' });
}

/** Switches the console to `user` (the browser remembers the last one, so every test says who it is). */
export async function actAs(page: Page, user: ConsoleUser): Promise<void> {
  await page.getByTestId('user-switcher').selectOption(user.id);
  await waitForText(page.getByTestId('acting-as'), `You are ${user.name}`);
}

export interface SandboxSessionOptions {
  /**
   * `beforeAll` (the default): a fresh sandbox is started before the file's tests. `test`: the tests start it
   * themselves with `start()` (and may `restart()` it), e.g. to check what a fresh start shows.
   */
  startIn?: 'beforeAll' | 'test';
  /** Set on every page `open()` opens (the browser helper's default otherwise). */
  stepTimeoutMs?: number;
}

export interface SandboxSession {
  /** The started sandbox (throws when it has not started). */
  sandbox(): Sandbox;
  /** The sandbox, or undefined before it started. */
  current(): Sandbox | undefined;
  /** Starts the sandbox on the session's data dir and ports (`fresh` wipes the data dir's state). */
  start(opts: { fresh: boolean }): Promise<Sandbox>;
  /** Stops the running sandbox and starts it again on the same state. */
  restart(): Promise<Sandbox>;
  /** Opens the sandbox's console (see openConsole). */
  open(page: Page): Promise<void>;
}

/**
 * A sandbox for the tests of the enclosing describe: a data dir from mkdtemp(`prefix`) and free ports in
 * beforeAll (and the sandbox itself, unless `startIn: 'test'`); the sandbox stopped and the data dir removed
 * in afterAll.
 */
/**
 * Ports for one sandbox: the console's and the two after it (AWS stand-in, DynamoDB Local) all free, below the
 * OS's ephemeral range (32768+), where the many client sockets of parallel test workers cannot take them.
 */
async function sandboxPorts(): Promise<{ consolePort: number; botPort: number }> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = [base, base + 1, base + 2, base + 3];
    if ((await Promise.all(ports.map((p) => portInUse(p)))).every((used) => !used)) {
      return { consolePort: base, botPort: base + 3 };
    }
  }
  return { consolePort: await freePort(), botPort: await freePort() };
}

export function useSandbox(prefix: string, options: SandboxSessionOptions = {}): SandboxSession {
  let settings: SandboxSettings | undefined;
  let sandbox: Sandbox | undefined;

  const start = async ({ fresh }: { fresh: boolean }): Promise<Sandbox> => {
    if (!settings) throw new Error('the sandbox session has no data dir yet (start it in a test or a hook)');
    for (let attempt = 1; ; attempt++) {
      try {
        sandbox = await runSandbox({ settings, log: quiet, fresh });
        return sandbox;
      } catch (err) {
        // Another process took one of the ports between the pick and the start: pick others and try again.
        if (attempt >= 3 || !/ports that are in use/.test(String(err))) throw err;
        settings = { ...settings, ...(await sandboxPorts()) };
      }
    }
  };
  const current = () => sandbox;
  const get = (): Sandbox => {
    if (!sandbox) throw new Error('the sandbox did not start');
    return sandbox;
  };

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), prefix));
    settings = { ...(await sandboxPorts()), logLevel: 'warn', dataDir };
    if ((options.startIn ?? 'beforeAll') === 'beforeAll') await start({ fresh: true });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
    if (settings) await rm(settings.dataDir, { recursive: true, force: true });
  });

  return {
    sandbox: get,
    current,
    start,
    async restart() {
      await get().stop();
      return start({ fresh: false });
    },
    open: (page) => openConsole(page, get().consoleUrl, options.stepTimeoutMs),
  };
}
