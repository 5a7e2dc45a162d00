/**
 * Issue #4, the record: before/after documents and the diff in the decision log and the thread, and every
 * decision published to EventBridge when EVENT_BUS_NAME is set (and nothing when it is not).
 */
import { ALICE, APPROVER1, type DenyHarness, aliceTrust, startDenyHarness } from '../../helpers/deny';
import { eventually } from '../../helpers/harness';
import { phases, requestDeny, settle, threadNotes, untilStatus } from './support';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole';

describe('the record of a Deny', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  async function denyApproved() {
    const { ts, findingId } = await h.card();
    const { requestId } = await requestDeny(h, ts);
    await h.approve(ts, APPROVER1);
    await untilStatus(h, requestId, 'EXECUTED');
    await eventually(async () => (await phases(h, findingId)).includes('succeeded'));
    return { ts, findingId, requestId };
  }

  it('publishes every decision to EVENT_BUS_NAME as source iam-findings-bot, detail-type Finding Decision', async () => {
    h = await startDenyHarness({ env: { EVENT_BUS_NAME: 'security-decisions' } });
    const { ts, findingId, requestId } = await denyApproved();

    await eventually(() => h.aws.events.published().length >= 4);
    const published = h.aws.events.published();
    expect(published.map((e) => (e.detail as { phase: string }).phase)).toEqual([
      'requested',
      'vote',
      'approved',
      'succeeded',
    ]);
    for (const event of published) {
      expect(event).toMatchObject({
        source: 'iam-findings-bot',
        'detail-type': 'Finding Decision',
        eventBusName: 'security-decisions',
        resources: [ROLE_ARN],
        detail: { requestId, findingId, action: 'deny' },
      });
    }
    expect(published[1]!.detail).toMatchObject({ actor: APPROVER1 });

    // The log and the thread say who asked, who approved and what changed.
    const succeeded = (await h.bot.stores.decisions.forFinding(findingId)).find(
      (d) => d.phase === 'succeeded',
    );
    expect(succeeded?.result).toMatchObject({
      approvedBy: [APPROVER1],
      before: aliceTrust,
      after: { Statement: [aliceTrust.Statement[0], expect.objectContaining({ Effect: 'Deny' })] },
      diff: expect.stringContaining('"Deny"'),
    });
    expect(published[3]!.detail).toMatchObject({ details: { result: { before: aliceTrust } } });
    const summary = await eventually(() => threadNotes(h, ts, /Deny added to the trust policy/)[0]);
    expect(summary.text).toContain('requested by <@U0ONCALL>');
    expect(summary.text).toContain('approved by <@U0APPROVER1>');
    expect(h.trustPolicy().Statement[1]).toMatchObject({ Principal: { AWS: ALICE } });
  });

  it('publishes nothing when EVENT_BUS_NAME is unset', async () => {
    h = await startDenyHarness();
    await denyApproved();
    await settle();

    expect(h.aws.callsTo('PutEvents')).toHaveLength(0);
    expect(h.aws.events.published()).toEqual([]);
  });
});
