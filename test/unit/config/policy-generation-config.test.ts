/**
 * Issue #6, the `/iam-generate` settings: POLICY_GENERATION_TRAIL_ARN, POLICY_GENERATION_ROLE_ARN (both optional:
 * unset means the command answers "not configured") and POLICY_GENERATION_TIMEOUT (default 60 minutes, at least
 * one). A value that is set but wrong stops the bot at start-up with a ConfigError naming the variable, together
 * with every other problem.
 */
import { ConfigError, loadConfig } from '../../../src/config';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'shhh-secret',
  FINDINGS_CHANNEL_ID: 'C0SECURITY',
};
const TRAIL = 'arn:aws:cloudtrail:us-west-2:111122223333:trail/management-events';
const ROLE = 'arn:aws:iam::111122223333:role/service-role/AccessAnalyzerMonitorServiceRole_EXAMPLE';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: policy generation settings', () => {
  it('leaves policy generation unconfigured by default, with a 60-minute timeout', () => {
    const c = loadConfig(valid);
    expect(c.policyGeneration).toEqual({
      trailArn: undefined,
      accessRoleArn: undefined,
      timeoutMs: 60 * 60_000,
    });
  });

  it('reads the trail, the access role (with its path) and the timeout, trimmed', () => {
    const c = loadConfig({
      ...valid,
      POLICY_GENERATION_TRAIL_ARN: ` ${TRAIL} `,
      POLICY_GENERATION_ROLE_ARN: ROLE,
      POLICY_GENERATION_TIMEOUT: '90m',
    });
    expect(c.policyGeneration).toEqual({ trailArn: TRAIL, accessRoleArn: ROLE, timeoutMs: 90 * 60_000 });
    expect(loadConfig({ ...valid, POLICY_GENERATION_TIMEOUT: '120' }).policyGeneration.timeoutMs).toBe(
      120_000,
    );
  });

  it('treats an empty value as unset', () => {
    const c = loadConfig({ ...valid, POLICY_GENERATION_TRAIL_ARN: '  ', POLICY_GENERATION_ROLE_ARN: '' });
    expect(c.policyGeneration.trailArn).toBeUndefined();
    expect(c.policyGeneration.accessRoleArn).toBeUndefined();
  });

  it.each([
    ['POLICY_GENERATION_TRAIL_ARN', 'management-events', 'must be a CloudTrail trail ARN'],
    ['POLICY_GENERATION_TRAIL_ARN', 'arn:aws:s3:::cloudtrail-logs-bucket', 'must be a CloudTrail trail ARN'],
    ['POLICY_GENERATION_ROLE_ARN', 'arn:aws:iam::111122223333:user/Alice', 'must be an IAM role ARN'],
    ['POLICY_GENERATION_ROLE_ARN', 'AccessAnalyzerMonitorServiceRole', 'must be an IAM role ARN'],
    [
      'POLICY_GENERATION_TIMEOUT',
      '30s',
      'must be a duration such as 15m, 1h or 900 (seconds), at least 1 minute',
    ],
    ['POLICY_GENERATION_TIMEOUT', 'forever', 'must be a duration'],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    const problems = problemsOf({ ...valid, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${name} ${message}`);
  });

  it('names every bad policy generation setting at once, with the other problems', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      POLICY_GENERATION_TRAIL_ARN: 'trail/management-events',
      POLICY_GENERATION_ROLE_ARN: 'arn:aws:iam::111122223333:role/',
      POLICY_GENERATION_TIMEOUT: '10s',
    }).join('\n');
    expect(problems).toContain('FINDINGS_CHANNEL_ID is required');
    expect(problems).toContain('POLICY_GENERATION_TRAIL_ARN must be a CloudTrail trail ARN');
    expect(problems).toContain('POLICY_GENERATION_ROLE_ARN must be an IAM role ARN');
    expect(problems).toContain('POLICY_GENERATION_TIMEOUT must be a duration');
  });
});
