/** SLACK_POST_INTERVAL: the least time between two posts to one channel (issue #8, bursts). */
import { ConfigError, loadConfig } from '../../../src/config';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'shhh',
  FINDINGS_CHANNEL_ID: 'C0SECURITY',
};

test('defaults to one second, Slack’s posting limit per channel', () => {
  expect(loadConfig(valid).slackPostIntervalMs).toBe(1000);
});

test.each([
  ['1100ms', 1100],
  ['2s', 2000],
  ['3', 3000],
  ['0', 0],
])('%s is %d ms', (text, expected) => {
  expect(loadConfig({ ...valid, SLACK_POST_INTERVAL: text }).slackPostIntervalMs).toBe(expected);
});

test.each(['soon', '-1s', '2m'])('refuses %s, naming the variable', (text) => {
  let problems: string[] = [];
  try {
    loadConfig({ ...valid, SLACK_POST_INTERVAL: text });
  } catch (err) {
    if (err instanceof ConfigError) problems = err.problems;
  }
  expect(problems).toEqual([expect.stringMatching(/^SLACK_POST_INTERVAL must be a duration from 0 to 60s/)]);
});
