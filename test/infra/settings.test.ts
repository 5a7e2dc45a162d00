/** The stack's parameters: defaults, and every bad setting named in one refusal. */
import { SettingsError, type StackSettings, loadSettings } from '../../infra/lib/settings';

const load = (ctx: Record<string, unknown>) => loadSettings((k) => ctx[k]);
const problemsOf = (ctx: Record<string, unknown>): string[] => {
  try {
    load(ctx);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  throw new Error('expected the settings to be refused');
};
const base = { findingsChannelId: 'C0123ABCD' };
const http = {
  ...base,
  slackMode: 'http',
  domainName: 'bot.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b-2c3d',
};

test('defaults: Socket Mode, SQS, account analyzer, one task, 90-day logs, nothing optional', () => {
  expect(load(base)).toEqual<StackSettings>({
    findingsChannelId: 'C0123ABCD',
    zoneOfTrust: 'ACCOUNT',
    analyzerName: 'iam-findings-bot',
    existingAnalyzerArn: undefined,
    slackMode: 'socket',
    domainName: undefined,
    certificateArn: undefined,
    findingsDelivery: 'sqs',
    tablePrefix: 'iam-findings-bot-',
    trail: undefined,
    eventBus: { kind: 'none' },
    organizationId: undefined,
    botEnvironment: {},
    imageUri: undefined,
    desiredCount: 1,
    logRetentionDays: 90,
    alarmEmail: undefined,
  });
});

test('values as -c gives them (text) are parsed; case of enumerations is forgiven', () => {
  const s = load({
    ...http,
    zoneOfTrust: 'organization',
    findingsDelivery: 'api-destination',
    desiredCount: '2',
    logRetentionDays: '365',
    trailArn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/main-trail',
    trailBucketName: 'trail-logs',
    eventBus: 'security-bus',
  });
  expect(s).toMatchObject({
    zoneOfTrust: 'ORGANIZATION',
    findingsDelivery: 'api-destination',
    desiredCount: 2,
    logRetentionDays: 365,
    trail: { arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/main-trail', bucketName: 'trail-logs' },
    eventBus: { kind: 'existing', name: 'security-bus' },
  });
  expect(load({ ...base, eventBus: 'create' }).eventBus).toEqual({ kind: 'create' });
  expect(load({ ...base, eventBus: 'none' }).eventBus).toEqual({ kind: 'none' });
});

test('the settings are frozen', () => {
  expect(Object.isFrozen(load(base))).toBe(true);
  expect(Object.isFrozen(load(base).botEnvironment)).toBe(true);
});

test.each<[string, Record<string, unknown>, RegExp]>([
  ['no channel', {}, /^findingsChannelId is required/],
  [
    'a #name for the channel',
    { findingsChannelId: '#security' },
    /^findingsChannelId must be a Slack channel ID/,
  ],
  [
    'an unknown zone of trust',
    { ...base, zoneOfTrust: 'GLOBAL' },
    /^zoneOfTrust must be one of ACCOUNT, ORGANIZATION/,
  ],
  ['a bad analyzer name', { ...base, analyzerName: '9lives' }, /^analyzerName must be an analyzer name/],
  [
    'a bad analyzer ARN',
    { ...base, existingAnalyzerArn: 'arn:aws:iam::1:role/x' },
    /^existingAnalyzerArn must be/,
  ],
  ['an unknown Slack mode', { ...base, slackMode: 'events' }, /^slackMode must be one of socket, http/],
  [
    'HTTP mode without a domain',
    { ...http, domainName: undefined },
    /^domainName is required when slackMode is http/,
  ],
  ['HTTP mode without a certificate', { ...http, certificateArn: undefined }, /^certificateArn is required/],
  ['a domain in Socket Mode', { ...base, domainName: 'bot.example.com' }, /apply to slackMode=http only/],
  ['a bad domain', { ...http, domainName: 'Bot Example' }, /^domainName must be a lower-case DNS name/],
  [
    'a bad certificate ARN',
    { ...http, certificateArn: 'cert-1' },
    /^certificateArn must be an ACM certificate ARN/,
  ],
  [
    'an API destination in Socket Mode',
    { ...base, findingsDelivery: 'api-destination' },
    /needs slackMode=http/,
  ],
  [
    'an unknown delivery',
    { ...base, findingsDelivery: 'kinesis' },
    /^findingsDelivery must be one of sqs, api-destination/,
  ],
  ['a bad table prefix', { ...base, tablePrefix: 'bot tables' }, /^tablePrefix must be letters, digits/],
  [
    'a bad trail ARN',
    { ...base, trailArn: 'main', trailBucketName: 'logs-bucket' },
    /^trailArn must be a CloudTrail trail ARN/,
  ],
  [
    'a trail without its bucket',
    { ...base, trailArn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/main' },
    /^trailBucketName is required with trailArn/,
  ],
  ['a bucket without a trail', { ...base, trailBucketName: 'logs-bucket' }, /need trailArn/],
  [
    'a bad bucket name',
    {
      ...base,
      trailArn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/main',
      trailBucketName: 'Logs_Bucket',
    },
    /^trailBucketName must be an S3 bucket name/,
  ],
  [
    'a bad key ARN',
    {
      ...base,
      trailArn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/main',
      trailBucketName: 'logs-bucket',
      trailKmsKeyArn: 'alias/x',
    },
    /^trailKmsKeyArn must be a KMS key ARN/,
  ],
  [
    'the default bus',
    { ...base, eventBus: 'default' },
    /^eventBus must be "none", "create" or the name of an existing custom bus/,
  ],
  ['a bad bus name', { ...base, eventBus: 'bus name' }, /^eventBus must be/],
  [
    'a bad organization id',
    { ...base, organizationId: 'org-1' },
    /^organizationId must be an AWS Organizations id/,
  ],
  ['an image with spaces', { ...base, imageUri: 'my image' }, /^imageUri must be an image reference/],
  ['three tasks', { ...base, desiredCount: 3 }, /^desiredCount must be 0, 1 or 2, got "3"/],
  ['half a task', { ...base, desiredCount: '0.5' }, /^desiredCount must be 0, 1 or 2/],
  [
    'a retention CloudWatch does not offer',
    { ...base, logRetentionDays: 100 },
    /^logRetentionDays must be one of CloudWatch Logs' retention periods/,
  ],
  ['a bad e-mail', { ...base, alarmEmail: 'security' }, /^alarmEmail must be an e-mail address/],
  ['an object where text is expected', { ...base, analyzerName: { a: 1 } }, /^analyzerName must be a string/],
])('refuses %s, naming the setting', (_what, ctx, message) => {
  const problems = problemsOf(ctx);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(message);
});

test('every bad setting is reported together, in one error whose message lists them', () => {
  let error: unknown;
  try {
    load({ zoneOfTrust: 'x', desiredCount: 9, alarmEmail: 'y', tablePrefix: '!' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(SettingsError);
  const e = error as SettingsError;
  expect(e.problems).toHaveLength(5);
  for (const key of ['findingsChannelId', 'zoneOfTrust', 'desiredCount', 'alarmEmail', 'tablePrefix'])
    expect(e.message).toContain(`  - ${key}`);
});

describe('botEnvironment', () => {
  test('an object or its JSON text; numbers and booleans become text', () => {
    const expected = { APPROVERS: 'U012AB3CD', APPROVALS_REQUIRED: '2', BACKFILL: 'true' };
    expect(
      load({ ...base, botEnvironment: { APPROVERS: 'U012AB3CD', APPROVALS_REQUIRED: 2, BACKFILL: true } })
        .botEnvironment,
    ).toEqual(expected);
    expect(load({ ...base, botEnvironment: JSON.stringify(expected) }).botEnvironment).toEqual(expected);
  });

  test.each<[string, unknown, RegExp]>([
    ['not JSON', '{APPROVERS=U1}', /^botEnvironment must be a JSON object/],
    ['an array', '["APPROVERS"]', /^botEnvironment must be a JSON object/],
    ['a variable the stack sets', { SLACK_BOT_TOKEN: 'xoxb-1' }, /SLACK_BOT_TOKEN is set by the stack/],
    ['another variable the stack sets', { TABLE_PREFIX: 'x-' }, /TABLE_PREFIX is set by the stack/],
    ['an AWS_ variable', { AWS_REGION: 'us-east-1' }, /AWS_REGION: the AWS_ variables are the SDK's/],
    ['a lower-case name', { approvers: 'U1' }, /"approvers" is not a variable name/],
    ['a nested value', { APPROVERS: ['U1'] }, /APPROVERS must be a string/],
  ])('refuses %s', (_what, value, message) => {
    const problems = problemsOf({ ...base, botEnvironment: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
