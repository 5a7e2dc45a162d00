/**
 * Issue #4, asking for a Deny: who may click (REQUESTERS), an unconfigured policy (never auto-approved), the
 * sensitive-account confirmation, and a trust policy the Deny would push over its size quota.
 */
import { ALICE, APPROVER1, type DenyHarness, ROLE, aliceTrust, startDenyHarness } from '../../helpers/deny';
import { ONCALL, eventually } from '../../helpers/harness';
import { approvalMessages, nthEphemeral, openRequests, phases, settle } from './support';

const OWN_ACCOUNT = '111122223333';

describe('requesting a Deny', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  /** Nothing was asked for: no AWS read, no request message, nothing stored, the finding unclaimed. */
  async function expectNothingRequested(ts: string, findingId: string) {
    await settle();
    expect(approvalMessages(h, ts)).toEqual([]);
    expect(await openRequests(h)).toEqual([]);
    expect(await phases(h, findingId)).not.toContain('requested');
    expect((await h.bot.stores.findings.get(findingId))?.pending).toBeUndefined();
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(h.trustPolicy()).toEqual(aliceTrust);
  }

  it('refuses a click by someone REQUESTERS leaves out, privately, storing nothing', async () => {
    h = await startDenyHarness({ env: { REQUESTERS: APPROVER1 } });
    const { ts, findingId } = await h.card();

    expect((await h.click(ts, 'finding.deny', ONCALL)).status).toBe(200);

    const refusal = await nthEphemeral(h, ONCALL);
    expect(refusal.text).toContain('You are not allowed to act on findings');
    expect(refusal.text).toContain('<@U0APPROVER1>');
    await expectNothingRequested(ts, findingId);
    expect(await phases(h, findingId)).toEqual([]);
    expect(h.aws.callsTo('GetRole')).toHaveLength(0);
  });

  it("refuses a Deny when no approvers are configured (APPROVERS=''), and never approves it by itself", async () => {
    h = await startDenyHarness({ env: { APPROVERS: '' } });
    const { ts, findingId } = await h.card();

    await h.click(ts, 'finding.deny');

    const refusal = await nthEphemeral(h, ONCALL);
    expect(refusal.text).toContain('no approvers are configured');
    expect(refusal.text).toContain('APPROVERS');
    await h.bot.workflow.runDue();
    await expectNothingRequested(ts, findingId);
    expect(await phases(h, findingId)).toEqual([]);
  });

  it('makes the requester type the id of a SENSITIVE_ACCOUNTS account: a wrong id is refused in the modal', async () => {
    h = await startDenyHarness({ env: { SENSITIVE_ACCOUNTS: OWN_ACCOUNT } });
    const { ts, findingId } = await h.card();

    // The click opens a modal instead of asking for approval.
    await h.click(ts, 'finding.deny');
    const modal = await eventually(() => h.slack.modalStack(ONCALL).at(-1));
    expect(modal.view.callback_id).toBe('finding.confirm-account');
    expect(JSON.stringify(modal.view.blocks)).toContain(OWN_ACCOUNT);
    await expectNothingRequested(ts, findingId);

    // Alice's account is not this finding's account: the modal says so and stays open.
    const wrong = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { account: { account: '999988887777' } },
    });
    expect(wrong.outcome).toBe('errors');
    expect(wrong.errors?.account).toContain("not this finding's account id");
    expect(h.slack.modalStack(ONCALL)).toHaveLength(1);
    await expectNothingRequested(ts, findingId);

    // The right id requests the Deny.
    const right = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { account: { account: OWN_ACCOUNT } },
    });
    expect(right.outcome).toBe('closed');
    const request = await eventually(() => approvalMessages(h, ts)[0], 8000);
    expect(JSON.stringify(request.blocks)).toContain('Deny requested by <@U0ONCALL>');
    expect(await phases(h, findingId)).toEqual(['requested']);
  });

  it('refuses a Deny that would push the trust policy over its size quota, with a clear message, changing nothing', async () => {
    // A trust policy close to IAM's 2,048-character quota: Alice, plus many roles of the own account.
    const ownRoles: string[] = [];
    const bigTrust = () => ({
      Version: '2012-10-17',
      Statement: [
        aliceTrust.Statement[0]!,
        { Effect: 'Allow', Principal: { AWS: ownRoles }, Action: 'sts:AssumeRole' },
      ],
    });
    while (JSON.stringify(bigTrust()).length < 1950) {
      ownRoles.push(`arn:aws:iam::${OWN_ACCOUNT}:role/Pipeline${ownRoles.length}`);
    }
    const before = bigTrust();
    expect(JSON.stringify(before).length).toBeLessThanOrEqual(2048);
    h = await startDenyHarness({ roles: { [ROLE]: before } });
    const { ts, findingId } = await h.card();

    await h.click(ts, 'finding.deny');

    const message = await nthEphemeral(h, ONCALL);
    expect(message.text).toMatch(
      /Cannot add the Deny: the trust policy would be \d+ characters; the quota is 2048/,
    );
    expect(message.text).toContain('nothing changed');
    await settle();
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(h.trustPolicy()).toEqual(before);
    expect(approvalMessages(h, ts)).toEqual([]);
    expect(await openRequests(h)).toEqual([]);
    expect(await phases(h, findingId)).not.toContain('requested');
    expect((await h.bot.stores.findings.get(findingId))?.pending).toBeUndefined();
    expect(h.trustPolicy().Statement[0]).toMatchObject({ Principal: { AWS: ALICE } });
  });
});
