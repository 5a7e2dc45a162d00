/**
 * `npm start` as a user runs it: the real entry point in its own process, configured only by environment
 * variables, reaching AWS through AWS_ENDPOINT_URL_<SERVICE> and Slack through SLACK_API_URL.
 */
import { createAwsStandin, type AwsStandin } from '../../src/sandbox/aws-standin';
import { freePort } from '../../src/sandbox/free-port';
import { createSlackStandin, type SlackStandin } from '../../src/sandbox/slack-standin';
import { roleAlice } from '../fixtures/events';
import { uniquePrefix } from '../helpers/ddb';
import { runBot } from '../helpers/bot-process';
import { CHANNEL, EVENTS_API_KEY, SIGNING_SECRET, eventually } from '../helpers/harness';

const run = runBot;

describe('the bot as a process', () => {
  it('exits with a clear message, not a stack trace, when configuration is bad', async () => {
    const p = run({ SLACK_BOT_TOKEN: 'xoxb-1', FINDINGS_CHANNEL_ID: '#general', PORT: 'http' });
    expect(await p.exited).toBe(2);
    const text = p.out();
    expect(text).toContain('SLACK_SIGNING_SECRET is required');
    expect(text).toContain('FINDINGS_CHANNEL_ID must be a Slack channel ID');
    expect(text).toContain('PORT must be a TCP port');
    expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  describe('configured against the stand-ins by environment variables only', () => {
    let aws: AwsStandin;
    let slack: SlackStandin;
    let p: ReturnType<typeof run>;
    let port: number;

    beforeAll(async () => {
      aws = await createAwsStandin();
      const analyzer = aws.accessAnalyzer.addAnalyzer({
        name: 'MyAnalyzer',
        region: 'us-west-2',
        account: '111122223333',
      });
      slack = await createSlackStandin({ signingSecret: SIGNING_SECRET });
      port = await freePort();
      p = run({
        SLACK_BOT_TOKEN: 'xoxb-sandbox-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        FINDINGS_CHANNEL_ID: CHANNEL,
        EVENTS_API_KEY,
        ANALYZER_ARN: analyzer.arn,
        PORT: String(port),
        TABLE_PREFIX: uniquePrefix('main'),
        AWS_REGION: 'us-west-2',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_ACCESSANALYZER: aws.url,
        AWS_ENDPOINT_URL_DYNAMODB: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
      });
      await eventually(() => p.out().includes('"msg":"bot started"'), 20_000);
      slack.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
    });
    afterAll(async () => {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await p.exited;
      await Promise.all([aws.close(), slack.close()]);
    });

    it('posts the sample finding once and archives it on click', async () => {
      const post = () =>
        fetch(`http://127.0.0.1:${port}/events/findings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': EVENTS_API_KEY },
          body: JSON.stringify(roleAlice()),
        });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(200);
      expect(slack.messages(CHANNEL)).toHaveLength(1);
      aws.accessAnalyzer.addFinding({
        id: '5a3b7c9d-1111-4e2f-9a8b-0123456789ab',
        analyzerArn: aws.accessAnalyzer.listAnalyzers()[0]!.arn,
        resource: 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole',
        resourceType: 'AWS::IAM::Role',
      });
      const click = await slack.clickButton({
        channel: CHANNEL,
        ts: slack.messages(CHANNEL)[0]!.ts,
        actionId: 'finding.archive',
        userId: 'U0ONCALL',
      });
      expect(click.status).toBe(200);
      await eventually(() => aws.callsTo('UpdateFindings').length === 1, 10_000);
    });

    it('logs JSON lines and stops cleanly on SIGTERM', async () => {
      const lines = p
        .out()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
      expect(p.out()).not.toContain(SIGNING_SECRET);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.out()).toContain('"msg":"bot stopped"');
    });
  });
});
