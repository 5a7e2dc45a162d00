/**
 * Issue #4: Deny on an IAM role trust policy through an approval chain, and Undo, on the sandbox stand-ins.
 */
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import { ALICE, APPROVER1, type DenyHarness, aliceTrust, startDenyHarness } from '../../helpers/deny';

describe('Deny on an IAM role, approved by another person', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('requests with diff and evidence, applies once after approval, resolves, and Undo restores the document', async () => {
    h = await startDenyHarness();
    const { ts, findingId } = await h.card();

    // Act: the on-call engineer asks for the Deny.
    expect((await h.click(ts, 'finding.deny')).status).toBe(200);

    // Assess: a request with the diff and the evidence waits in the thread; nothing changed yet.
    const request = await h.approvalMessage(ts);
    const shown = JSON.stringify(request.blocks);
    expect(shown).toContain('Deny requested by <@U0ONCALL>');
    expect(shown).toContain('AADeny');
    expect(shown).toContain('Blocks the external principal');
    expect(shown).toContain('Keeps the owner account');
    expect(shown).toContain('Access Analyzer (access preview) agrees');
    expect(request.text).toContain('<@U0APPROVER1>');
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(h.trustPolicy()).toEqual(aliceTrust);

    // Act: an approver approves.
    await h.approve(ts, APPROVER1);

    // Assess: the trust policy keeps the Allow and gains a Deny for Alice; the finding turns RESOLVED.
    await eventually(() => h.aws.callsTo('UpdateAssumeRolePolicy').length === 1);
    const policy = h.trustPolicy();
    expect(policy.Statement[0]).toEqual(aliceTrust.Statement[0]);
    expect(policy.Statement[1]).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: ALICE },
      Sid: `AADeny${findingId.replace(/-/g, '')}`,
    });
    expect(policy.Statement[1]!.Action).toEqual(expect.arrayContaining(['sts:AssumeRole', 'sts:TagSession']));
    await eventually(
      async () => (await h.bot.stores.findings.get(findingId))?.finding.status === 'RESOLVED',
      8000,
    );
    const card = await eventually(() => {
      const m = h.slack.message(CHANNEL, ts);
      return JSON.stringify(m?.blocks).includes('finding.undo-deny') ? m : undefined;
    });
    expect(JSON.stringify(card.blocks)).toContain('Denied: statement');
    const log = await h.bot.stores.decisions.forFinding(findingId);
    expect(log.map((d) => d.phase)).toEqual(['requested', 'vote', 'approved', 'succeeded']);
    expect(log[3]!.result).toMatchObject({ approvedBy: [APPROVER1], changed: true });

    // Act: Undo, approved by the same approver.
    await h.click(ts, 'finding.undo-deny');
    await eventually(async () => {
      const m = await h.approvalMessage(ts);
      return JSON.stringify(m.blocks).includes('Undo deny requested') ? m : undefined;
    });
    await h.approve(ts, APPROVER1);

    // Assess: exactly the original document again.
    await eventually(() => h.aws.callsTo('UpdateAssumeRolePolicy').length === 2);
    expect(h.trustPolicy()).toEqual(aliceTrust);
    await eventually(
      async () => (await h.bot.stores.findings.get(findingId))?.finding.status === 'ACTIVE',
      8000,
    );
    expect((await h.bot.stores.findings.get(findingId))?.denied).toBeUndefined();
  });

  it('refuses a self-approval and a non-approver, privately, and changes nothing', async () => {
    h = await startDenyHarness({ env: { APPROVERS: APPROVER1 } });
    const { ts } = await h.card();
    await h.click(ts, 'finding.deny');
    const request = await h.approvalMessage(ts);
    await h.click(request.ts, 'approval.approve', ONCALL);
    await h.click(request.ts, 'approval.approve', 'U0APPROVER2');
    const own = await eventually(() => h.slack.ephemerals({ user: ONCALL })[0]);
    expect(own.text).toContain('You made this request, so you cannot approve');
    const other = await eventually(() => h.slack.ephemerals({ user: 'U0APPROVER2' })[0]);
    expect(other.text).toContain('You are not an approver');
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(h.trustPolicy()).toEqual(aliceTrust);
  });
});
