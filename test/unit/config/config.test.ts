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

describe('loadConfig: approvals and remediation settings', () => {
  it('has documented defaults: no approvers (requests refused), 45 min verification, 2,048-character trust policies', () => {
    const c = loadConfig(valid);
    expect(c.approvals.source).toBe('unconfigured');
    expect(c.approvals.chains.deny.stages).toHaveLength(1);
    expect(c.approvals.chains.archive.stages).toHaveLength(0);
    expect(c.verifyAfterMs).toBe(45 * 60_000);
    expect(c.trustPolicyMaxChars).toBe(2048);
    expect(c.eventBusName).toBeUndefined();
    expect(c.organizationId).toBeUndefined();
  });

  it('reads the approval policy from APPROVERS and the remediation settings', () => {
    const c = loadConfig({
      ...valid,
      APPROVERS: 'U0APPROVER1, S0LEADS',
      APPROVALS_REQUIRED: '2',
      VERIFY_AFTER: '10m',
      EVENT_BUS_NAME: 'security-decisions',
      ORGANIZATION_ID: 'o-a1b2c3d4e5',
      TRUST_POLICY_MAX_CHARS: '4096',
    });
    expect(c.approvals.chains.deny.stages[0]).toMatchObject({
      approvers: ['U0APPROVER1', 'S0LEADS'],
      required: 2,
    });
    expect(c.verifyAfterMs).toBe(10 * 60_000);
    expect(c.eventBusName).toBe('security-decisions');
    expect(c.organizationId).toBe('o-a1b2c3d4e5');
    expect(c.trustPolicyMaxChars).toBe(4096);
  });

  it('reads a YAML policy file', () => {
    const files: Record<string, string> = {
      '/etc/bot/approvals.yaml':
        'actions:\n  deny:\n    stages:\n      - name: leads\n        approvers: [U0LEAD]\n',
    };
    const c = loadConfig({ ...valid, APPROVAL_POLICY_FILE: '/etc/bot/approvals.yaml' }, (p) => files[p]!);
    expect(c.approvals.source).toBe('file');
    expect(c.approvals.chains.deny.stages[0]).toMatchObject({ name: 'leads', approvers: ['U0LEAD'] });
  });

  it('names every bad approval and remediation setting together with the other problems', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      APPROVERS: 'alice',
      VERIFY_AFTER: 'soon',
      EVENT_BUS_NAME: 'bad bus name',
      ORGANIZATION_ID: 'org-1',
      TRUST_POLICY_MAX_CHARS: '100',
    }).join('\n');
    expect(problems).toContain('FINDINGS_CHANNEL_ID is required');
    expect(problems).toMatch(/APPROVERS.*alice/);
    expect(problems).toContain('VERIFY_AFTER must be a duration');
    expect(problems).toContain('EVENT_BUS_NAME must be an EventBridge bus name or ARN');
    expect(problems).toContain('ORGANIZATION_ID must be an AWS Organizations id');
    expect(problems).toContain('TRUST_POLICY_MAX_CHARS must be a whole number from 2048 to 10240');
  });
});
