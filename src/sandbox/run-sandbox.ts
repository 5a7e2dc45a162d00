/**
 * The local sandbox: `npm start` with no Slack credentials. Starts DynamoDB Local (data under .sandbox/, kept
 * across restarts; --fresh wipes it), the AWS stand-in seeded with AWS's example account, the Slack stand-in
 * with its web console, and the real bot configured against them. Access Analyzer events reach the bot the way
 * an EventBridge API destination delivers them: POST /events/findings with the API key.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { SandboxSettings } from '../config';
import { errorMessage } from '../errors';
import { type AwsStandin, type ExampleAccount, seedExampleAccount } from './aws-standin';
import { mountConsole } from './console';
import { startDynamoDbLocal } from './dynamodb-local';
import { portInUse } from './free-port';
import { LOCAL_EVENTS_API_KEY, type LocalStack, startLocalStack } from './local-stack';
import { loadSnapshot, restoreAccount, saveSnapshot } from './aws-persistence';
import { INJECT_KINDS, injectSample } from './samples';

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(value));
  await rename(`${file}.tmp`, file);
}

export interface Sandbox {
  consoleUrl: string;
  stack: LocalStack;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  settings: SandboxSettings;
  log: Logger;
  fresh: boolean;
}

/** Delivers an event to the bot like an EventBridge API destination: retried on failure, for a while. */
async function deliver(botUrl: string, event: unknown, log: Logger): Promise<void> {
  const body = JSON.stringify(event);
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const res = await fetch(`${botUrl}/events/findings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': LOCAL_EVENTS_API_KEY },
        body,
      });
      if (res.status < 500 && res.status !== 429) {
        if (res.status !== 200)
          log.warn({ status: res.status, body: await res.text() }, 'the bot refused an event');
        return;
      }
    } catch (err) {
      log.debug({ err: errorMessage(err), attempt }, 'event delivery failed; retrying');
    }
    await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
  }
  log.error('gave up delivering an event to the bot after 5 attempts');
}

export async function runSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const { settings, log } = opts;
  const dataDir = resolve(settings.dataDir);
  const ports = {
    console: settings.consolePort,
    aws: settings.consolePort + 1,
    dynamodb: settings.consolePort + 2,
    bot: settings.botPort,
  };
  const busy = [];
  for (const [name, port] of Object.entries(ports)) if (await portInUse(port)) busy.push(`${port} (${name})`);
  if (busy.length) {
    throw new Error(
      `the sandbox needs ports that are in use: ${busy.join(', ')}. Stop what uses them, or set SANDBOX_PORT ` +
        '(console; AWS stand-in and DynamoDB Local take the next two) and PORT (the bot).',
    );
  }
  if (opts.fresh) {
    await rm(dataDir, { recursive: true, force: true });
    log.info({ dataDir }, 'sandbox state wiped (--fresh)');
  }
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  const accountFile = join(dataDir, 'aws-account.json');
  const channelFile = join(dataDir, 'slack-channel.json');

  const started = Date.now();
  const ddb = await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb'), port: ports.dynamodb });
  let aws: AwsStandin | undefined;
  let example: ExampleAccount | undefined;
  const stack = await startLocalStack({
    dynamodbEndpoint: ddb.endpoint,
    slackPort: ports.console,
    awsPort: ports.aws,
    env: {
      PORT: String(ports.bot),
      TABLE_PREFIX: 'sandbox-',
      BACKFILL: 'true',
      RECONCILE_INTERVAL: '2m',
      LOG_LEVEL: settings.logLevel,
    },
    prepareSlack: async (slack) => {
      const saved = await readJson(channelFile);
      if (Array.isArray(saved)) slack.importMessages(saved);
    },
    prepare: async (standin) => {
      aws = standin;
      example = seedExampleAccount(standin);
      const saved = await loadSnapshot(accountFile);
      if (saved) {
        await restoreAccount(standin, saved);
        log.info({ accountFile }, 'sandbox AWS account restored from the last run');
      }
    },
    // `/iam-generate` reads the example account's trail through its policy-generation service role.
    seed: () =>
      example
        ? {
            POLICY_GENERATION_TRAIL_ARN: example.trailArn,
            POLICY_GENERATION_ROLE_ARN: example.accessRoleArn,
          }
        : undefined,
  }).catch(async (err: unknown) => {
    await ddb.stop();
    throw err;
  });
  if (!aws) throw new Error('the AWS stand-in was not prepared');
  const standin = aws;
  standin.onFindingEvent((event) => void deliver(stack.botUrl, event, log));
  mountConsole(stack.slack, {
    title: 'iam-findings-bot sandbox',
    injectKinds: [...INJECT_KINDS],
    onInject: (kind) => injectSample(standin, kind),
    footer: 'Local sandbox: Slack and AWS are stand-ins; DynamoDB Local keeps decisions under .sandbox/.',
  });
  await standin.analyze();
  // The unused-access analyzer sends no event for what it already has: let the bot know it and backfill it.
  if (example) {
    await stack.bot.stores.analyzers.remember(example.unusedAnalyzerArn);
    await stack.bot.reconciler.reconcileAnalyzer(example.unusedAnalyzerArn);
  }
  // Keep the AWS account's state (policies, statuses, rules) for the next start.
  const save = () =>
    Promise.all([
      saveSnapshot(standin, accountFile),
      writeJson(channelFile, stack.slack.exportMessages()),
    ]).catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'could not save the sandbox state'));
  const saver = setInterval(() => void save(), 2000);
  saver.unref();
  const consoleUrl = `${stack.slack.url}/`;
  log.info({ consoleUrl, ms: Date.now() - started }, `sandbox ready: open ${consoleUrl}`);
  return {
    consoleUrl,
    stack,
    async stop() {
      clearInterval(saver);
      await save();
      await stack.stop();
      await ddb.stop();
    },
  };
}
