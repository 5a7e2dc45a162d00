/**
 * The bot as a user runs it: `src/main.ts` in a process of its own, configured only by the environment given
 * (plus PATH and HOME), with its stdout and stderr collected.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface BotProcess {
  child: ChildProcess;
  /** Everything it wrote so far. */
  out(): string;
  exited: Promise<number | null>;
  /** SIGKILL: no graceful stop, no chance to finish what it was doing. */
  kill(): Promise<void>;
}

export function runBot(env: Record<string, string>): BotProcess {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
