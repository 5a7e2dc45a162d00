/** DIGEST_THRESHOLD: how many new findings may wait for Slack before they are grouped into digests (issue #8). */
import { ConfigError, loadConfig } from '../../../src/config';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'shhh',
  FINDINGS_CHANNEL_ID: 'C0SECURITY',
};

test('defaults to 20', () => {
  expect(loadConfig(valid).digestThreshold).toBe(20);
});

test.each([
  ['0', 0],
  ['5', 5],
  [' 100 ', 100],
])('%s is %d', (text, expected) => {
  expect(loadConfig({ ...valid, DIGEST_THRESHOLD: text }).digestThreshold).toBe(expected);
});

test.each(['-1', '2.5', 'many', '10001'])('refuses %s, naming the variable', (text) => {
  let problems: string[] = [];
  try {
    loadConfig({ ...valid, DIGEST_THRESHOLD: text });
  } catch (err) {
    if (err instanceof ConfigError) problems = err.problems;
  }
  expect(problems).toEqual([expect.stringMatching(/^DIGEST_THRESHOLD must be a whole number from 0/)]);
});
