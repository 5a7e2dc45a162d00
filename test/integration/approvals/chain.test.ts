/**
 * Issue #4, multi-stage chains from APPROVAL_POLICY_FILE (YAML): stages in order, the next stage's approvers
 * mentioned when it opens, a user group as a stage's approvers, and a stale button of an earlier stage refused.
 */
import { APPROVER1, APPROVER2, type DenyHarness, startDenyHarness } from '../../helpers/deny';
import { eventually } from '../../helpers/harness';
import {
  clickApprove,
  current,
  nthEphemeral,
  phases,
  policyFile,
  requestDeny,
  settle,
  stored,
  threadNotes,
  untilStatus,
} from './support';

/** Stage 1: the first approver; stage 2: the approvers' user group (S0APPROVERS: both approvers by default). */
const twoStages = () =>
  policyFile(`
actions:
  deny:
    stages:
      - name: security on-call
        approvers: [U0APPROVER1]
      - name: security leads
        approvers: [S0APPROVERS]
  undo:
    stages:
      - approvers: [U0APPROVER1]
`);

describe('a multi-stage approval chain from APPROVAL_POLICY_FILE', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('runs the stages in order, mentions the next stage when it opens, and counts a user group', async () => {
    h = await startDenyHarness({ env: { APPROVAL_POLICY_FILE: twoStages() } });
    const { ts, findingId } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);

    // Stage 1 is open: only its approver is mentioned.
    expect(message.text).toContain('<@U0APPROVER1>');
    expect(message.text).not.toContain('S0APPROVERS');
    expect((await stored(h, requestId)).request.chain.map((s) => s.name)).toEqual([
      'security on-call',
      'security leads',
    ]);

    // A stage-2 approver cannot decide stage 1.
    await clickApprove(h, message, APPROVER2);
    expect((await nthEphemeral(h, APPROVER2)).text).toContain('not an approver for stage 1');
    expect((await stored(h, requestId)).request.stages[0]!.votes).toEqual([]);

    // Stage 1 approved: stage 2 opens, its group is mentioned in the thread, nothing runs yet.
    await clickApprove(h, current(h, message), APPROVER1);
    const note = await eventually(() => threadNotes(h, ts, /Stage 2 \("security leads"\)/)[0]);
    expect(note.text).toContain('<!subteam^S0APPROVERS>');
    const atStage2 = await stored(h, requestId);
    expect(atStage2.request).toMatchObject({ status: 'PENDING', stageIndex: 1 });
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);

    // The first approver is in the group too, but has voted already.
    await clickApprove(h, current(h, message), APPROVER1);
    expect((await nthEphemeral(h, APPROVER1)).text).toContain('You already voted');
    await settle();
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);

    // A member of the group approves stage 2: the Deny runs once.
    await clickApprove(h, current(h, message), APPROVER2);
    const done = await untilStatus(h, requestId, 'EXECUTED');
    expect(done.request.stages.map((s) => s.votes.map((v) => v.by))).toEqual([[APPROVER1], [APPROVER2]]);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
    await eventually(async () => (await phases(h, findingId)).includes('succeeded'));
    expect(await phases(h, findingId)).toEqual([
      'requested',
      'vote',
      'stage-approved',
      'vote',
      'approved',
      'succeeded',
    ]);
  });

  it('refuses a click on a stale button of an earlier stage, and counts nothing for it', async () => {
    h = await startDenyHarness({ env: { APPROVAL_POLICY_FILE: twoStages() } });
    const { ts } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);
    const stage1Blocks = message.blocks;

    await clickApprove(h, message, APPROVER1);
    await eventually(async () => (await stored(h, requestId)).request.stageIndex === 1);

    // The second approver's client still shows the stage-1 buttons.
    await clickApprove(h, current(h, message), APPROVER2, stage1Blocks);
    const refusal = await nthEphemeral(h, APPROVER2);
    expect(refusal.text).toContain('stage 1 ("security on-call") is already approved');
    const after = await stored(h, requestId);
    expect(after.request).toMatchObject({ status: 'PENDING', stageIndex: 1 });
    expect(after.request.stages[1]!.votes).toEqual([]);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);

    // The current button counts.
    await clickApprove(h, current(h, message), APPROVER2);
    await untilStatus(h, requestId, 'EXECUTED');
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
  });
});
