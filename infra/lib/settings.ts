/**
 * The stack's parameters: read from CDK context (`-c key=value` or cdk.json), validated together, frozen.
 * Like the bot's own configuration, a bad deployment is refused with one message naming every bad setting.
 */

export type ZoneOfTrust = 'ACCOUNT' | 'ORGANIZATION';
export type SlackMode = 'socket' | 'http';
export type FindingsDelivery = 'sqs' | 'api-destination';

export interface StackSettings {
  /** FINDINGS_CHANNEL_ID: the channel findings are posted to. */
  findingsChannelId: string;
  /** Zone of trust of the analyzer the stack creates. */
  zoneOfTrust: ZoneOfTrust;
  analyzerName: string;
  /** Use this analyzer instead of creating one (an account may have one account analyzer per Region). */
  existingAnalyzerArn?: string;
  slackMode: SlackMode;
  /** HTTP mode: the public host name Slack and the API destination call (a DNS record you point at the ALB). */
  domainName?: string;
  /** HTTP mode: an ACM certificate for `domainName` in the stack's Region. */
  certificateArn?: string;
  findingsDelivery: FindingsDelivery;
  tablePrefix: string;
  /** `/iam-generate`: the trail, its bucket and (when its logs are SSE-KMS encrypted) its key. */
  trail?: { arn: string; bucketName: string; kmsKeyArn?: string };
  /** Decision events: none, a bus the stack creates, or an existing bus's name. */
  eventBus: { kind: 'none' } | { kind: 'create' } | { kind: 'existing'; name: string };
  organizationId?: string;
  /** Further bot variables (APPROVERS, REQUESTERS, …), passed to the container as they are. */
  botEnvironment: Readonly<Record<string, string>>;
  /** A pushed image; unset: built from the repository's Dockerfile at deploy time. */
  imageUri?: string;
  desiredCount: number;
  logRetentionDays: number;
  alarmEmail?: string;
}

/** The variables the stack sets itself; `botEnvironment` may not override them. */
export const STACK_MANAGED_VARIABLES = [
  'FINDINGS_CHANNEL_ID',
  'ANALYZER_ARN',
  'FINDINGS_QUEUE_URL',
  'EVENTS_API_KEY',
  'TABLE_PREFIX',
  'CREATE_TABLES',
  'EVENT_BUS_NAME',
  'ORGANIZATION_ID',
  'POLICY_GENERATION_TRAIL_ARN',
  'POLICY_GENERATION_ROLE_ARN',
  'PORT',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_API_URL',
] as const;

/** CloudWatch Logs' allowed retention periods, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Every context key the stack reads (the public contract the README documents). */
export const CONTEXT_KEYS = [
  'findingsChannelId',
  'zoneOfTrust',
  'analyzerName',
  'existingAnalyzerArn',
  'slackMode',
  'domainName',
  'certificateArn',
  'findingsDelivery',
  'tablePrefix',
  'trailArn',
  'trailBucketName',
  'trailKmsKeyArn',
  'eventBus',
  'organizationId',
  'botEnvironment',
  'imageUri',
  'desiredCount',
  'logRetentionDays',
  'alarmEmail',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`The stack's settings are not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

const CHANNEL = /^[CG][A-Z0-9]{2,}$/;
const ANALYZER_ARN =
  /^arn:aws[a-z-]*:access-analyzer:[a-z0-9-]+:\d{12}:analyzer\/[A-Za-z][A-Za-z0-9_.-]{0,254}$/;
const ANALYZER_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,254}$/;
const CERT_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const VAR_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads and validates the stack's settings.
 * @param context reads one context key (`app.node.tryGetContext` in the app; a plain object in tests).
 * @throws SettingsError naming every missing or bad setting.
 */
export function loadSettings(context: (key: ContextKey) => unknown): Readonly<StackSettings> {
  const problems: string[] = [];
  const text = (key: ContextKey): string | undefined => {
    const v = context(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      problems.push(`${key} must be a string`);
      return undefined;
    }
    const s = String(v).trim();
    return s === '' ? undefined : s;
  };
  const matching = (key: ContextKey, re: RegExp, what: string): string | undefined => {
    const v = text(key);
    if (v !== undefined && !re.test(v)) problems.push(`${key} must be ${what}, got "${v}"`);
    return v;
  };
  const oneOf = <T extends string>(key: ContextKey, allowed: readonly T[], fallback: T): T => {
    const v = text(key);
    if (v === undefined) return fallback;
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!hit) problems.push(`${key} must be one of ${allowed.join(', ')}, got "${v}"`);
    return hit ?? fallback;
  };
  const integer = (key: ContextKey, fallback: number, ok: (n: number) => boolean, what: string): number => {
    const v = text(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || !ok(n)) problems.push(`${key} must be ${what}, got "${v}"`);
    return n;
  };

  const findingsChannelId = matching(
    'findingsChannelId',
    CHANNEL,
    'a Slack channel ID such as C0123ABCD (not a #name)',
  );
  if (findingsChannelId === undefined)
    problems.push('findingsChannelId is required (the channel findings go to)');
  const zoneOfTrust = oneOf('zoneOfTrust', ['ACCOUNT', 'ORGANIZATION'] as const, 'ACCOUNT');
  const analyzerName =
    matching('analyzerName', ANALYZER_NAME, 'an analyzer name (a letter, then letters, digits, _ . -)') ??
    'iam-findings-bot';
  const existingAnalyzerArn = matching(
    'existingAnalyzerArn',
    ANALYZER_ARN,
    'an analyzer ARN: arn:aws:access-analyzer:<region>:<account>:analyzer/<name>',
  );
  const slackMode = oneOf('slackMode', ['socket', 'http'] as const, 'socket');
  const domainName = matching('domainName', DOMAIN, 'a lower-case DNS name such as bot.example.com');
  const certificateArn = matching(
    'certificateArn',
    CERT_ARN,
    'an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>',
  );
  if (slackMode === 'http') {
    if (!domainName) problems.push('domainName is required when slackMode is http (the URL Slack calls)');
    if (!certificateArn)
      problems.push('certificateArn is required when slackMode is http (HTTPS for domainName)');
  } else if (domainName || certificateArn) {
    problems.push(
      'domainName and certificateArn apply to slackMode=http only (Socket Mode needs no endpoint)',
    );
  }
  const findingsDelivery = oneOf('findingsDelivery', ['sqs', 'api-destination'] as const, 'sqs');
  if (findingsDelivery === 'api-destination' && slackMode !== 'http') {
    problems.push(
      'findingsDelivery=api-destination needs slackMode=http (the bot must have a public endpoint)',
    );
  }
  const tablePrefix =
    matching('tablePrefix', /^[A-Za-z0-9_.-]{1,200}$/, 'letters, digits, _ . and - only') ??
    'iam-findings-bot-';

  const trailArn = matching(
    'trailArn',
    TRAIL_ARN,
    'a CloudTrail trail ARN: arn:aws:cloudtrail:<region>:<account>:trail/<name>',
  );
  const trailBucketName = matching('trailBucketName', BUCKET, 'an S3 bucket name');
  const trailKmsKeyArn = matching(
    'trailKmsKeyArn',
    KMS_KEY_ARN,
    'a KMS key ARN: arn:aws:kms:<region>:<account>:key/<id>',
  );
  if (trailArn && !trailBucketName)
    problems.push('trailBucketName is required with trailArn (the bucket the trail writes to)');
  if (!trailArn && (trailBucketName || trailKmsKeyArn)) {
    problems.push('trailBucketName and trailKmsKeyArn need trailArn (they describe that trail)');
  }

  const busText = text('eventBus');
  let eventBus: StackSettings['eventBus'] = { kind: 'none' };
  if (busText === 'create') eventBus = { kind: 'create' };
  else if (busText !== undefined && busText !== 'none') {
    if (BUS_NAME.test(busText) && busText !== 'default') eventBus = { kind: 'existing', name: busText };
    else
      problems.push(
        `eventBus must be "none", "create" or the name of an existing custom bus, got "${busText}"`,
      );
  }
  const organizationId = matching('organizationId', ORG_ID, 'an AWS Organizations id such as o-a1b2c3d4e5');

  const botEnvironment = readBotEnvironment(context('botEnvironment'), problems);
  const imageUri = text('imageUri');
  if (imageUri !== undefined && /\s/.test(imageUri))
    problems.push(`imageUri must be an image reference, got "${imageUri}"`);
  const desiredCount = integer('desiredCount', 1, (n) => n >= 0 && n <= 2, '0, 1 or 2');
  const logRetentionDays = integer(
    'logRetentionDays',
    90,
    (n) => LOG_RETENTION_DAYS.includes(n),
    `one of CloudWatch Logs' retention periods (${LOG_RETENTION_DAYS.join(', ')})`,
  );
  const alarmEmail = matching('alarmEmail', EMAIL, 'an e-mail address');

  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze({
    findingsChannelId: findingsChannelId as string,
    zoneOfTrust,
    analyzerName,
    existingAnalyzerArn,
    slackMode,
    domainName,
    certificateArn,
    findingsDelivery,
    tablePrefix,
    trail: trailArn
      ? { arn: trailArn, bucketName: trailBucketName as string, kmsKeyArn: trailKmsKeyArn }
      : undefined,
    eventBus,
    organizationId,
    botEnvironment,
    imageUri,
    desiredCount,
    logRetentionDays,
    alarmEmail,
  });
}

/** `botEnvironment`: an object (or its JSON text, as `-c` gives) of variable names to string values. */
function readBotEnvironment(raw: unknown, problems: string[]): Readonly<Record<string, string>> {
  if (raw === undefined || raw === null || raw === '') return Object.freeze({});
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push('botEnvironment must be a JSON object such as {"APPROVERS":"U012AB3CD"}');
      return Object.freeze({});
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('botEnvironment must be a JSON object such as {"APPROVERS":"U012AB3CD"}');
    return Object.freeze({});
  }
  const out: Record<string, string> = {};
  const managed: readonly string[] = STACK_MANAGED_VARIABLES;
  for (const [name, v] of Object.entries(value)) {
    if (!VAR_NAME.test(name)) problems.push(`botEnvironment: "${name}" is not a variable name (A-Z, 0-9, _)`);
    else if (managed.includes(name)) {
      problems.push(
        `botEnvironment: ${name} is set by the stack (use its own setting, or put secrets in the secret)`,
      );
    } else if (name.startsWith('AWS_'))
      problems.push(`botEnvironment: ${name}: the AWS_ variables are the SDK's, set by ECS`);
    else if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      problems.push(`botEnvironment: ${name} must be a string`);
    } else out[name] = String(v);
  }
  return Object.freeze(out);
}
