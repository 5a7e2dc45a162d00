/**
 * Entry point: environment → config → real clients → bot. The only module with process-level side effects.
 * With no Slack credentials at all it says how to configure the bot (the local sandbox arrives in a later release).
 */
import { createBot } from './app';
import { createAwsClients } from './aws/clients';
import { ConfigError, hasSlackCredentials, loadConfig } from './config';
import { errorMessage } from './errors';
import { createLogger } from './log';

const HELP = `iam-findings-bot needs Slack credentials and a channel:
  SLACK_BOT_TOKEN=xoxb-…  SLACK_SIGNING_SECRET=…  FINDINGS_CHANNEL_ID=C…   (HTTP mode, requests at POST /slack/events)
  or SLACK_APP_TOKEN=xapp-… for Socket Mode. See README.md, "Configuration".`;

async function main(): Promise<void> {
  const bootLog = createLogger(process.env.LOG_LEVEL?.trim() || 'info');
  if (!hasSlackCredentials(process.env)) {
    bootLog.fatal({ mode: 'none' }, `No Slack credentials are set. ${HELP}`);
    process.exitCode = 2;
    return;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      bootLog.fatal({ problems: err.problems }, err.message);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const bot = createBot({ config, log, aws: createAwsClients() });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    bot.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: errorMessage(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await bot.start();
  } catch (err) {
    log.fatal({ err: errorMessage(err) }, 'the bot could not start');
    await bot.stop().catch(() => undefined);
    process.exitCode = 1;
  }
}

void main();
