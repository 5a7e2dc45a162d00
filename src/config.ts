/**
 * Configuration: read once from the environment, validated, frozen.
 * No other module reads `process.env` (the AWS SDK reads its own standard variables, e.g. AWS_REGION and
 * AWS_ENDPOINT_URL_<SERVICE>, which we leave to it).
 */
import ms from 'ms';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { loadApprovalPolicy } from './approvals/policy-config';
import type { ApprovalPolicy } from './approvals/types';
import { ConfigError } from './errors';

export type SlackMode = 'http' | 'socket';

export interface Config {
  slack: {
    mode: SlackMode;
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    /** Web API base URL; undefined means Slack's own. */
    apiUrl?: string;
    findingsChannelId: string;
  };
  port: number;
  analyzerArn?: string;
  eventsApiKey?: string;
  findingsQueueUrl?: string;
  tablePrefix: string;
  createTables: boolean;
  logLevel: string;
  reconcileIntervalMs: number;
  backfill: boolean;
  /** Who may request and who must approve each action (APPROVERS… or APPROVAL_POLICY_FILE). */
  approvals: Readonly<ApprovalPolicy>;
  /** After a Deny, how long to wait for Access Analyzer to resolve the finding before alerting. */
  verifyAfterMs: number;
  /** EventBridge bus every decision is published to; undefined: not published. */
  eventBusName?: string;
  /** Public findings are denied outside this AWS Organization (o-…) instead of outside the account. */
  organizationId?: string;
  /** The accounts' role trust policy length quota (IAM default 2,048 characters). */
  trustPolicyMaxChars: number;
  /** Minimum time between two posts to one channel (Slack allows about one a second); 0 turns pacing off. */
  slackPostIntervalMs: number;
  /** New findings waiting for Slack at once beyond which they are grouped into digest messages; 0 = never. */
  digestThreshold: number;
  /** `/iam-generate`: the trail and access role Access Analyzer reads CloudTrail with; unset = not configured. */
  policyGeneration: {
    trailArn?: string;
    accessRoleArn?: string;
    /** An open generation older than this is cancelled (POLICY_GENERATION_TIMEOUT, default 60m). */
    timeoutMs: number;
  };
}

export { ConfigError } from './errors';

const ANALYZER_ARN =
  /^arn:aws[a-z-]*:access-analyzer:[a-z0-9-]+:\d{12}:analyzer\/[A-Za-z][A-Za-z0-9_.-]{0,254}$/;

const trimmed = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s));

const bool = (fallback: boolean) =>
  trimmed.optional().transform((v, ctx) => {
    if (v === undefined) return fallback;
    const lower = v.toLowerCase();
    if (['true', '1', 'yes'].includes(lower)) return true;
    if (['false', '0', 'no'].includes(lower)) return false;
    ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v}"` });
    return z.NEVER;
  });

/**
 * A duration in ms from `90s`, `15m`, `1h` or plain seconds, at least `min` (and at most `limits.max`);
 * `limits.hint` replaces the default description in the error.
 */
const duration = (fallback: string, min: number, limits: { max?: number; hint?: string } = {}) =>
  trimmed.optional().transform((v, ctx) => {
    const text = v ?? fallback;
    const parsed = /^\d+$/.test(text) ? Number(text) * 1000 : ms(text as ms.StringValue);
    const max = limits.max ?? Number.POSITIVE_INFINITY;
    if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
      const hint =
        limits.hint ?? `a duration such as 15m, 1h or 900 (seconds), at least ${ms(min, { long: true })}`;
      ctx.addIssue({ code: 'custom', message: `must be ${hint}; got "${text}"` });
      return z.NEVER;
    }
    return parsed;
  });

/** A whole number from `min` to `max` (`minLabel` says what the lowest value means, e.g. "0 (off)"). */
const wholeNumber = (fallback: string, min: number, max: number, minLabel = String(min)) =>
  trimmed.optional().transform((v, ctx) => {
    const n = Number(v ?? fallback);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number from ${minLabel} to ${max}, got "${v}"`,
      });
      return z.NEVER;
    }
    return n;
  });

const httpUrl = trimmed.optional().refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), {
  message: 'must be an http(s) URL',
});

const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64}$/;

const schema = z.object({
  SLACK_BOT_TOKEN: trimmed.optional(),
  SLACK_SIGNING_SECRET: trimmed.optional(),
  SLACK_APP_TOKEN: trimmed.optional().refine((v) => v === undefined || v.startsWith('xapp-'), {
    message: 'must be an app-level token (xapp-…)',
  }),
  SLACK_API_URL: httpUrl,
  FINDINGS_CHANNEL_ID: trimmed.optional().refine((v) => v === undefined || /^[CGD][A-Z0-9]{2,}$/.test(v), {
    message: 'must be a Slack channel ID such as C0123ABCD (not a #name)',
  }),
  PORT: trimmed.optional().transform((v, ctx) => {
    const port = Number(v ?? '3000');
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `must be a TCP port 0-65535, got "${v}"` });
      return z.NEVER;
    }
    return port;
  }),
  ANALYZER_ARN: trimmed.optional().refine((v) => v === undefined || ANALYZER_ARN.test(v), {
    message: 'must be an analyzer ARN: arn:aws:access-analyzer:<region>:<account>:analyzer/<name>',
  }),
  EVENTS_API_KEY: trimmed
    .optional()
    .refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
  FINDINGS_QUEUE_URL: httpUrl,
  TABLE_PREFIX: trimmed
    .optional()
    .transform((v) => v ?? 'iam-findings-bot-')
    .refine((v) => /^[A-Za-z0-9_.-]{1,200}$/.test(v), {
      message: 'may only contain letters, digits, _ . and - (DynamoDB table-name characters)',
    }),
  CREATE_TABLES: bool(true),
  LOG_LEVEL: trimmed
    .optional()
    .transform((v) => v ?? 'info')
    .refine((v) => ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v), {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
  RECONCILE_INTERVAL: duration('15m', 10_000),
  BACKFILL: bool(false),
  VERIFY_AFTER: duration('45m', 1_000),
  EVENT_BUS_NAME: trimmed
    .optional()
    .refine(
      (v) =>
        v === undefined ||
        /^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._/-]{1,256}$/.test(v),
      { message: 'must be an EventBridge bus name or ARN' },
    ),
  ORGANIZATION_ID: trimmed.optional().refine((v) => v === undefined || /^o-[a-z0-9]{10,32}$/.test(v), {
    message: 'must be an AWS Organizations id such as o-a1b2c3d4e5',
  }),
  POLICY_GENERATION_TRAIL_ARN: trimmed.optional().refine((v) => v === undefined || TRAIL_ARN.test(v), {
    message: 'must be a CloudTrail trail ARN: arn:aws:cloudtrail:<region>:<account>:trail/<name>',
  }),
  POLICY_GENERATION_ROLE_ARN: trimmed.optional().refine((v) => v === undefined || ROLE_ARN.test(v), {
    message: 'must be an IAM role ARN: arn:aws:iam::<account>:role/<name>',
  }),
  POLICY_GENERATION_TIMEOUT: duration('60m', 60_000),
  SLACK_POST_INTERVAL: duration('1s', 0, {
    max: 60_000,
    hint: 'a duration from 0 to 60s such as 1s, 1100ms or 0 (no pacing)',
  }),
  DIGEST_THRESHOLD: wholeNumber('20', 0, 10_000, '0 (no digests)'),
  TRUST_POLICY_MAX_CHARS: wholeNumber('2048', 2048, 10240),
});

/** Cross-field rules, checked on the raw values so they are reported together with every field error. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const get = (k: string) => (env[k] ?? '').trim();
  const problems: string[] = [];
  if (!get('SLACK_BOT_TOKEN')) problems.push('SLACK_BOT_TOKEN is required (the bot token, xoxb-…)');
  else if (!get('SLACK_BOT_TOKEN').startsWith('xoxb-'))
    problems.push('SLACK_BOT_TOKEN must be a bot token (xoxb-…)');
  if (!get('SLACK_APP_TOKEN') && !get('SLACK_SIGNING_SECRET')) {
    problems.push('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!get('FINDINGS_CHANNEL_ID'))
    problems.push('FINDINGS_CHANNEL_ID is required (the channel findings are posted to)');
  return problems;
}

/** True when no Slack credential at all is set: the caller may then start the local sandbox instead. */
export function hasSlackCredentials(env: NodeJS.ProcessEnv): boolean {
  return ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'].some(
    (k) => (env[k] ?? '').trim() !== '',
  );
}

/**
 * Parses the environment into a frozen Config.
 * @throws ConfigError naming every missing or invalid variable.
 * @example loadConfig({ SLACK_BOT_TOKEN: 'xoxb-…', SLACK_SIGNING_SECRET: '…', FINDINGS_CHANNEL_ID: 'C0123' })
 */
export function loadConfig(env: NodeJS.ProcessEnv, readFile?: (path: string) => string): Readonly<Config> {
  const result = schema.safeParse(env);
  let approvals: Readonly<ApprovalPolicy> | undefined;
  const approvalProblems: string[] = [];
  try {
    approvals = loadApprovalPolicy(env, readFile, parseYaml);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    approvalProblems.push(...err.problems);
  }
  const problems = [
    ...crossFieldProblems(env),
    ...(result.success
      ? []
      : result.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`)),
    ...approvalProblems,
  ];
  if (problems.length > 0 || !result.success || !approvals) throw new ConfigError([...new Set(problems)]);
  const e = result.data;
  const config: Config = {
    slack: {
      mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
      botToken: e.SLACK_BOT_TOKEN as string,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      findingsChannelId: e.FINDINGS_CHANNEL_ID as string,
    },
    port: e.PORT,
    analyzerArn: e.ANALYZER_ARN,
    eventsApiKey: e.EVENTS_API_KEY,
    findingsQueueUrl: e.FINDINGS_QUEUE_URL,
    tablePrefix: e.TABLE_PREFIX,
    createTables: e.CREATE_TABLES,
    logLevel: e.LOG_LEVEL,
    reconcileIntervalMs: e.RECONCILE_INTERVAL,
    backfill: e.BACKFILL,
    approvals,
    verifyAfterMs: e.VERIFY_AFTER,
    eventBusName: e.EVENT_BUS_NAME,
    organizationId: e.ORGANIZATION_ID,
    trustPolicyMaxChars: e.TRUST_POLICY_MAX_CHARS,
    slackPostIntervalMs: e.SLACK_POST_INTERVAL,
    digestThreshold: e.DIGEST_THRESHOLD,
    policyGeneration: {
      trailArn: e.POLICY_GENERATION_TRAIL_ARN,
      accessRoleArn: e.POLICY_GENERATION_ROLE_ARN,
      timeoutMs: e.POLICY_GENERATION_TIMEOUT,
    },
  };
  return Object.freeze({ ...config, slack: Object.freeze(config.slack) });
}

export interface SandboxSettings {
  /** The console and Slack stand-in; the AWS stand-in listens on +1, DynamoDB Local on +2. */
  consolePort: number;
  botPort: number;
  logLevel: string;
  /** Where the sandbox keeps its state (DynamoDB Local's files). */
  dataDir: string;
}

/** The few settings the local sandbox honours (everything else is embedded). */
export function loadSandboxSettings(env: NodeJS.ProcessEnv): SandboxSettings {
  const problems: string[] = [];
  const port = (key: string, fallback: number) => {
    const raw = (env[key] ?? '').trim();
    const n = raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65533)
      problems.push(`${key} must be a TCP port 1-65533, got "${raw}"`);
    return n;
  };
  const settings = {
    consolePort: port('SANDBOX_PORT', 4010),
    botPort: port('PORT', 3000),
    logLevel: (env.LOG_LEVEL ?? '').trim() || 'info',
    dataDir: (env.SANDBOX_DATA_DIR ?? '').trim() || '.sandbox',
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}
