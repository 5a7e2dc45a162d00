/**
 * Issue #4, exactly once: simultaneous approvals, a restart between the last vote and the AWS call, and an
 * executor that crashed after its AWS call. The store is used only to put a request where a crash leaves it.
 */
import type { ApprovalRequest } from '../../../src/approvals/types';
import { APPROVE_ACTION } from '../../../src/slack/ids';
import { APPROVER1, APPROVER2, type DenyHarness, aliceTrust, startDenyHarness } from '../../helpers/deny';
import { CHANNEL, eventually } from '../../helpers/harness';
import {
  MINUTE,
  denyStatements,
  phases,
  requestDeny,
  settle,
  stored,
  testClock,
  untilStatus,
} from './support';

/** The request as the bot stores it right after the last vote, before it calls AWS. */
function approvedBy(request: ApprovalRequest, by: string, at: number): ApprovalRequest {
  const [open, ...rest] = request.stages;
  return {
    ...request,
    status: 'APPROVED',
    stages: [{ ...open!, votes: [{ by, verdict: 'approve', at }] }, ...rest],
  };
}

describe('an approved Deny runs exactly once', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  /**
   * Three roles trusting Alice, so the race runs three times at once: whether two votes interleave depends on
   * timing, and one pair of clicks alone does not always overlap.
   */
  const RACE_ROLES = ['Audit_CrossAccountRole', 'Billing_CrossAccountRole', 'Backup_CrossAccountRole'];
  const raceRoles = () => Object.fromEntries(RACE_ROLES.map((r) => [r, aliceTrust]));

  /** Deny requested on every race role, then both approvers click Approve on all of them at the same moment. */
  async function raceApprovals() {
    const requests = await Promise.all(
      RACE_ROLES.map(async (role) => {
        const { ts, findingId } = await h.card(role);
        return { role, findingId, ...(await requestDeny(h, ts)) };
      }),
    );
    const answers = await Promise.all(
      requests.flatMap(({ message }) =>
        [APPROVER1, APPROVER2].map((userId) =>
          h.slack.clickButton({ channel: CHANNEL, ts: message.ts, actionId: APPROVE_ACTION, userId }),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    for (const { requestId, findingId } of requests) {
      await untilStatus(h, requestId, 'EXECUTED');
      await eventually(async () => (await phases(h, findingId)).includes('succeeded'));
    }
    // Resumable work finds nothing left to run.
    await h.bot.workflow.runDue();
    await settle();
    return requests;
  }

  /** One UpdateAssumeRolePolicy per role, and one Deny statement in each trust policy. */
  function expectOneUpdatePerRole() {
    const updates = h.aws
      .callsTo('UpdateAssumeRolePolicy')
      .map((c) => (c.input as { RoleName: string }).RoleName);
    expect(updates.sort()).toEqual([...RACE_ROLES].sort());
    for (const role of RACE_ROLES) expect(denyStatements(h, role)).toHaveLength(1);
  }

  it('with 2 approvals required and both approvers clicking at once: both votes count, one policy update', async () => {
    h = await startDenyHarness({ env: { APPROVALS_REQUIRED: '2' }, roles: raceRoles() });

    const requests = await raceApprovals();

    expectOneUpdatePerRole();
    for (const { requestId, findingId } of requests) {
      const done = await stored(h, requestId);
      expect(done.request.stages[0]!.votes.map((v) => v.by).sort()).toEqual([APPROVER1, APPROVER2]);
      const log = await phases(h, findingId);
      expect(log.filter((p) => p === 'vote')).toHaveLength(2);
      expect(log.filter((p) => p === 'approved')).toHaveLength(1);
      expect(log.filter((p) => p === 'succeeded')).toHaveLength(1);
    }
    // Nobody was told anything went wrong.
    expect(h.slack.ephemerals({ user: APPROVER1 })).toEqual([]);
    expect(h.slack.ephemerals({ user: APPROVER2 })).toEqual([]);
  });

  it('with 1 approval required and two approvers racing: one vote wins, one execution', async () => {
    h = await startDenyHarness({ roles: raceRoles() });

    const requests = await raceApprovals();

    expectOneUpdatePerRole();
    for (const { requestId, findingId } of requests) {
      const done = await stored(h, requestId);
      expect(done.request.stages[0]!.votes).toHaveLength(1);
      const log = await phases(h, findingId);
      expect(log.filter((p) => p === 'approved')).toHaveLength(1);
      expect(log.filter((p) => p === 'succeeded')).toHaveLength(1);
    }
    // Each loser was told privately that the request was already decided.
    const refusals = [...h.slack.ephemerals({ user: APPROVER1 }), ...h.slack.ephemerals({ user: APPROVER2 })];
    expect(refusals).toHaveLength(RACE_ROLES.length);
    for (const refusal of refusals) expect(refusal.text).toContain('nothing left to vote on');
  });

  it('resumes an approved request after a restart between the last vote and the AWS call, once', async () => {
    h = await startDenyHarness();
    const { ts } = await h.card();
    const { requestId } = await requestDeny(h, ts);

    // The last vote was stored, then the process died before UpdateAssumeRolePolicy.
    const before = await stored(h, requestId);
    await h.bot.stores.approvals.transition(
      requestId,
      before.version,
      approvedBy(before.request, APPROVER1, Date.now()),
    );
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);

    await h.restart();

    const done = await untilStatus(h, requestId, 'EXECUTED');
    expect(done.request.stages[0]!.votes.map((v) => v.by)).toEqual([APPROVER1]);
    await h.bot.workflow.runDue();
    await h.restart();
    await h.bot.workflow.runDue();
    await settle();
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
    expect(denyStatements(h)).toHaveLength(1);
  });

  it('lets the next executor finish a crashed one after its lease, without a second UpdateAssumeRolePolicy', async () => {
    const clock = testClock();
    h = await startDenyHarness({ clock });
    const { ts, findingId } = await h.card();
    const { requestId } = await requestDeny(h, ts);

    // An executor claimed the approved request and changed the trust policy, then crashed before recording it.
    const before = await stored(h, requestId);
    await h.bot.stores.approvals.transition(
      requestId,
      before.version,
      approvedBy(before.request, APPROVER1, clock.now()),
    );
    const claim = await h.bot.stores.approvals.claimExecution(requestId, 5 * MINUTE, clock.now());
    expect(claim).toBeDefined();
    const plan = before.request.plan as { after: object };
    h.aws.iam.setTrustPolicy('Audit_CrossAccountRole', plan.after);

    // While its lease lives, nobody else runs it.
    clock.advance(4 * MINUTE);
    await h.bot.workflow.runDue();
    expect((await stored(h, requestId)).request.status).toBe('APPROVED');

    // After the lease, the next pass runs it again and finds the Deny already there.
    clock.advance(2 * MINUTE);
    await h.bot.workflow.runDue();
    await untilStatus(h, requestId, 'EXECUTED');
    await eventually(async () => (await phases(h, findingId)).includes('succeeded'));
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(denyStatements(h)).toHaveLength(1);
    expect((await h.bot.stores.findings.get(findingId))?.denied?.requestId).toBe(requestId);
  });
});
