/**
 * Issue #4, after the change: VERIFY_AFTER later the bot checks that Access Analyzer resolved the finding, and
 * alerts the thread, the requester and the approvers when it did not.
 */
import { APPROVER1, type DenyHarness, startDenyHarness } from '../../helpers/deny';
import { eventually } from '../../helpers/harness';
import {
  MINUTE,
  type TestClock,
  phases,
  requestDeny,
  settle,
  testClock,
  threadNotes,
  untilStatus,
  advanceAndRunDue,
  threadNotesAppear,
} from './support';

const ALERT = /:warning: Deny was applied/;

describe('verifying a Deny after VERIFY_AFTER', () => {
  let h: DenyHarness;
  let clock: TestClock;
  beforeEach(() => {
    clock = testClock();
  });
  afterEach(async () => {
    await h?.stop();
  });

  it('alerts the thread, the requester and the approvers when the finding is still ACTIVE', async () => {
    h = await startDenyHarness({ clock, env: { VERIFY_AFTER: '10m' } });
    const { ts, findingId } = await h.card();
    const { requestId } = await requestDeny(h, ts);

    // Access Analyzer's events stop reaching the bot: as far as it knows, the finding stays ACTIVE.
    h.stopEvents();
    await h.approve(ts, APPROVER1);
    await untilStatus(h, requestId, 'EXECUTED');
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);

    // Not before VERIFY_AFTER.
    await advanceAndRunDue(h, clock, 9 * MINUTE);
    expect(threadNotes(h, ts, ALERT)).toHaveLength(0);

    await advanceAndRunDue(h, clock, 2 * MINUTE);
    const alerts = await threadNotesAppear(h, ts, ALERT);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain('still reports this finding as ACTIVE');
    expect(alerts[0]!.text).toContain('<@U0ONCALL>');
    expect(alerts[0]!.text).toContain('<@U0APPROVER1>');
    expect(await phases(h, findingId)).toContain('not-verified');
    expect(await phases(h, findingId)).not.toContain('verified');

    // Once.
    await advanceAndRunDue(h, clock, 20 * MINUTE);
    await settle();
    expect(threadNotes(h, ts, ALERT)).toHaveLength(1);
  });

  it("records 'verified' and alerts nobody when the finding turned RESOLVED", async () => {
    h = await startDenyHarness({ clock, env: { VERIFY_AFTER: '10m' } });
    const { ts, findingId } = await h.card();
    const { requestId } = await requestDeny(h, ts);
    await h.approve(ts, APPROVER1);
    await untilStatus(h, requestId, 'EXECUTED');
    await eventually(
      async () => (await h.bot.stores.findings.get(findingId))?.finding.status === 'RESOLVED',
      8000,
    );
    await h.bot.workflow.runDue();
    expect(await phases(h, findingId)).not.toContain('verified');

    await advanceAndRunDue(h, clock, 11 * MINUTE);

    await eventually(async () => (await phases(h, findingId)).includes('verified'));
    await settle();
    const log = await phases(h, findingId);
    expect(log).not.toContain('not-verified');
    expect(threadNotes(h, ts, ALERT)).toHaveLength(0);
  });
});
