import { ConfigError, hasSlackCredentials, loadConfig } from '../../../src/config';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'shhh-secret',
  FINDINGS_CHANNEL_ID: 'C0SECURITY',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads a minimal HTTP-mode configuration with documented defaults', () => {
    const c = loadConfig(valid);
    expect(c.slack.mode).toBe('http');
    expect(c.port).toBe(3000);
    expect(c.tablePrefix).toBe('iam-findings-bot-');
    expect(c.createTables).toBe(true);
    expect(c.reconcileIntervalMs).toBe(15 * 60_000);
    expect(c.backfill).toBe(false);
    expect(c.logLevel).toBe('info');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('switches to Socket Mode when SLACK_APP_TOKEN is set, without needing the signing secret', () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1-A',
      FINDINGS_CHANNEL_ID: 'C1234',
    });
    expect(c.slack.mode).toBe('socket');
  });

  it('names every missing or invalid setting in one error', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'not-a-token',
      PORT: 'eighty',
      ANALYZER_ARN: 'arn:aws:s3:::bucket',
      EVENTS_API_KEY: 'short',
      RECONCILE_INTERVAL: 'often',
      CREATE_TABLES: 'maybe',
      FINDINGS_QUEUE_URL: 'queue',
      LOG_LEVEL: 'loud',
    });
    const joined = problems.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN must be a bot token',
      'SLACK_SIGNING_SECRET is required',
      'FINDINGS_CHANNEL_ID is required',
      'PORT must be a TCP port',
      'ANALYZER_ARN must be an analyzer ARN',
      'EVENTS_API_KEY must be at least 16 characters',
      'RECONCILE_INTERVAL must be a duration',
      'CREATE_TABLES must be true or false',
      'FINDINGS_QUEUE_URL must be an http(s) URL',
      'LOG_LEVEL must be one of',
    ]) {
      expect(joined).toContain(name);
    }
  });

  it('accepts durations as 1h, 90s or plain seconds', () => {
    expect(loadConfig({ ...valid, RECONCILE_INTERVAL: '1h' }).reconcileIntervalMs).toBe(3_600_000);
    expect(loadConfig({ ...valid, RECONCILE_INTERVAL: '90s' }).reconcileIntervalMs).toBe(90_000);
    expect(loadConfig({ ...valid, RECONCILE_INTERVAL: '600' }).reconcileIntervalMs).toBe(600_000);
  });

  it('refuses a channel name where a channel id is needed', () => {
    expect(problemsOf({ ...valid, FINDINGS_CHANNEL_ID: '#security' }).join()).toContain(
      'FINDINGS_CHANNEL_ID must be a Slack channel ID',
    );
  });

  it('knows when no Slack credential at all is set', () => {
    expect(hasSlackCredentials({})).toBe(false);
    expect(hasSlackCredentials({ SLACK_BOT_TOKEN: '  ' })).toBe(false);
    expect(hasSlackCredentials({ SLACK_APP_TOKEN: 'xapp-1' })).toBe(true);
  });
});
