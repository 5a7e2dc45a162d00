/**
 * Entry point: environment → config → real clients → bot. The only module with process-level side effects.
 * With no Slack credentials at all (or with --sandbox) it starts the local sandbox instead: the same bot
 * against local stand-ins for Slack and AWS, with a browser console.
 */
import { createBot } from './app';
import { createAwsClients } from './aws/clients';
import { ConfigError, hasSlackCredentials, loadConfig, loadSandboxSettings } from './config';
import { errorMessage } from './errors';
import { type Logger, createLogger } from './log';
import type { Sandbox, SandboxOptions } from './sandbox/run-sandbox';

interface Stoppable {
  stop(): Promise<void>;
}

function onSignals(log: Logger, target: Stoppable): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    target.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: errorMessage(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function startSandbox(reason: string, args: string[]): Promise<void> {
  const settings = loadSandboxSettings(process.env);
  const log = createLogger(settings.logLevel);
  log.info({ mode: 'sandbox', reason }, `starting the local sandbox because ${reason}`);
  let runSandbox: (opts: SandboxOptions) => Promise<Sandbox>;
  try {
    ({ runSandbox } = await import('./sandbox/run-sandbox.js'));
  } catch (err) {
    throw new Error(
      `the sandbox needs the development dependencies (run npm ci in a checkout; in the container image, set SLACK_BOT_TOKEN and the other settings to run the bot): ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
  const sandbox = await runSandbox({ settings, log, fresh: args.includes('--fresh') });
  onSignals(log, sandbox);
}

async function startBot(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  log.info(
    { mode: config.slack.mode === 'socket' ? 'slack-socket-mode' : 'slack-http' },
    config.slack.mode === 'socket'
      ? 'starting the bot in Socket Mode because SLACK_APP_TOKEN is set'
      : 'starting the bot in HTTP mode (Slack requests at POST /slack/events) because SLACK_APP_TOKEN is not set',
  );
  const bot = createBot({ config, log, aws: createAwsClients() });
  onSignals(log, bot);
  try {
    await bot.start();
  } catch (err) {
    await bot.stop().catch(() => undefined);
    throw err;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bootLog = createLogger((process.env.LOG_LEVEL ?? '').trim() || 'info');
  try {
    if (args.includes('--sandbox')) await startSandbox('--sandbox was given', args);
    else if (!hasSlackCredentials(process.env)) {
      await startSandbox(
        'no Slack credentials are set (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN)',
        args,
      );
    } else await startBot();
  } catch (err) {
    if (err instanceof ConfigError) bootLog.fatal({ problems: err.problems }, err.message);
    else bootLog.fatal({ err: errorMessage(err) }, `could not start: ${errorMessage(err)}`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
    // Leave nothing running (e.g. a half-started sandbox's DynamoDB Local).
    setTimeout(() => process.exit(), 100).unref();
  }
}

void main();
