/**
 * The bot wired to local stand-ins: the Slack stand-in (Web API + signed interactions), the AWS stand-in
 * (Access Analyzer, SQS) and a DynamoDB (Local). The same bot code as production, configured through the same
 * Config; only the endpoints differ. Used by the sandbox, the integration tests and the benchmark.
 */
import type { DestinationStream } from 'pino';
import type { WebClientOptions } from '@slack/web-api';
import { type Bot, createBot } from '../app';
import { createAwsClients } from '../aws/clients';
import type { Clock } from '../findings/ports';
import { type Config, loadConfig } from '../config';
import { createLogger } from '../log';
import { type AwsStandin, createAwsStandin } from './aws-standin';
import { type SlackStandin, createSlackStandin } from './slack-standin';

export const LOCAL_SIGNING_SECRET = 'sandbox-signing-secret-not-for-production';
export const LOCAL_EVENTS_API_KEY = 'sandbox-events-api-key-not-for-production';
export const LOCAL_BOT_TOKEN = 'xoxb-sandbox-token';
export const LOCAL_CHANNEL = 'C0SECURITY';
export const LOCAL_ACCOUNT = '111122223333';
export const LOCAL_REGION = 'us-west-2';
const LOCAL_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

export interface LocalStackOptions {
  dynamodbEndpoint: string;
  /** Environment on top of the local defaults (e.g. TABLE_PREFIX, BACKFILL, PORT). */
  env?: Record<string, string>;
  /** Runs first on the new AWS stand-in (e.g. to seed the example account, which has its own analyzer). */
  prepare?: (aws: AwsStandin) => void | Promise<void>;
  /** Runs on the new Slack stand-in before the bot starts (e.g. to restore a saved channel). */
  prepareSlack?: (slack: SlackStandin) => void | Promise<void>;
  /** Prepares the AWS stand-in before the bot starts; may return extra environment (e.g. a queue URL). */
  seed?: (aws: AwsStandin, analyzerArn: string) => void | Record<string, string>;
  logDestination?: DestinationStream;
  host?: string;
  slackPort?: number;
  awsPort?: number;
  /** AWS SDK attempts per call (tests use 2 to keep retries short). */
  maxAttempts?: number;
  /** The bot's clock (tests move it to reach reminders and expiries). */
  clock?: Clock;
  /** Slack Web API client options over the local ones (no retries), e.g. Slack's own retry policy. */
  slackClientOptions?: WebClientOptions;
}

export interface LocalStack {
  aws: AwsStandin;
  slack: SlackStandin;
  readonly bot: Bot;
  config: Readonly<Config>;
  readonly botUrl: string;
  analyzerArn: string;
  /** Stops and starts the bot again on the same tables and stand-ins (a process restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const aws = await createAwsStandin({
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    port: opts.awsPort ?? 0,
  });
  await opts.prepare?.(aws);
  const analyzer =
    aws.accessAnalyzer.getAnalyzer('MyAnalyzer') ?? aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' });
  const seededEnv = opts.seed?.(aws, analyzer.arn) ?? {};
  const slack = await createSlackStandin({ signingSecret: LOCAL_SIGNING_SECRET, port: opts.slackPort ?? 0 });
  await opts.prepareSlack?.(slack);
  const config = loadConfig({
    SLACK_BOT_TOKEN: LOCAL_BOT_TOKEN,
    SLACK_SIGNING_SECRET: LOCAL_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    FINDINGS_CHANNEL_ID: LOCAL_CHANNEL,
    EVENTS_API_KEY: LOCAL_EVENTS_API_KEY,
    ANALYZER_ARN: analyzer.arn,
    PORT: '0',
    // The sandbox's approvers: the two stand-in approvers (the on-call engineer requests).
    APPROVERS: 'U0APPROVER1,U0APPROVER2',
    ...seededEnv,
    ...opts.env,
  });
  const build = () =>
    createBot({
      config,
      log: createLogger(config.logLevel, opts.logDestination),
      host: opts.host ?? '127.0.0.1',
      aws: createAwsClients({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: opts.maxAttempts,
        endpoints: {
          accessAnalyzer: aws.url,
          sqs: aws.url,
          iam: aws.url,
          eventbridge: aws.url,
          s3: aws.url,
          kms: aws.url,
          secretsManager: aws.url,
          dynamodb: opts.dynamodbEndpoint,
        },
      }),
      slackClientOptions: { retryConfig: { retries: 0 }, ...opts.slackClientOptions },
      ...(opts.clock ? { clock: opts.clock } : {}),
    });

  let bot = build();
  let port = 0;
  const start = async () => {
    port = (await bot.start()).port;
    slack.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
  };
  try {
    await start();
  } catch (err) {
    await Promise.all([aws.close(), slack.close()]);
    throw err;
  }
  return {
    aws,
    slack,
    get bot() {
      return bot;
    },
    config,
    get botUrl() {
      return `http://127.0.0.1:${port}`;
    },
    analyzerArn: analyzer.arn,
    async restart() {
      await bot.stop();
      bot = build();
      await start();
    },
    async stop() {
      await bot.stop();
      await Promise.all([aws.close(), slack.close()]);
    },
  };
}
