/**
 * Socket Mode (SLACK_APP_TOKEN set): the bot opens its WebSocket through apps.connections.open at
 * SLACK_API_URL, and clicks reach it as envelopes over that connection — no public URL, no signing.
 */
import { CHANNEL, type Harness, ONCALL, eventually, startHarness } from '../../helpers/harness';
import { roleAlice } from '../../fixtures/events';

const FINDING_ID = '5a3b7c9d-1111-4e2f-9a8b-0123456789ab';

describe('Socket Mode', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { SLACK_APP_TOKEN: 'xapp-1-A0SANDBOX-test' } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('connects through the configured Web API URL and archives on a click sent over the socket', async () => {
    // Prepare
    expect(h.config.slack.mode).toBe('socket');
    expect(h.slack.callsTo('apps.connections.open')).toHaveLength(0); // answered by its own route, not the Web API log
    h.aws.accessAnalyzer.addFinding({
      id: FINDING_ID,
      analyzerArn: h.analyzerArn,
      resource: 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole',
      resourceType: 'AWS::IAM::Role',
    });
    await h.postEvent(roleAlice());
    const ts = h.slack.messages(CHANNEL)[0]!.ts;
    h.slack.setBotUrl('http://127.0.0.1:9/unreachable'); // prove the click does not go over HTTP

    // Act
    const click = await h.slack.clickButton({
      channel: CHANNEL,
      ts,
      actionId: 'finding.archive',
      userId: ONCALL,
    });

    // Assess
    // 200 means acked inside Slack's 3 s window: the stand-in reports a late ack as a timeout (status 0).
    expect(click.status).toBe(200);
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
    await eventually(() =>
      JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks).includes('Archived by <@U0ONCALL>'),
    );
  });
});
