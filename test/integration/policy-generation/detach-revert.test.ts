/**
 * Issue #6, detaching the broad policy with the attach, and putting it back: AdministratorAccess chosen in the
 * attach modal is detached in the same approved change (after the new policy is attached), the message offers
 * "Revert detach", and that revert, once someone else approved it, attaches AdministratorAccess again while the
 * least-privilege policy stays. Each step goes through its own approval request in the message's thread.
 */
import { APPROVER1, APPROVER2 } from '../../helpers/deny';
import {
  ADMIN_ARN,
  buttonsOf,
  type GenerationHarness,
  generated,
  ROLE_NAME,
  settle,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';
import { ONCALL, eventually } from '../../helpers/harness';
import { requestIdOf } from '../approvals/support';

const names = (list: { PolicyName?: string }[]) => list.map((p) => p.PolicyName ?? '').sort();

describe('/iam-generate: detach the broad policy, then revert the detach', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('detaches AdministratorAccess with the attach, and attaches it again after an approved revert', async () => {
    // Prepare: a generated policy for BucketCreator
    h = await startGenerationHarness();
    const { jobId } = await generated(h);

    // Act: Olivia fills the bucket and ticks AdministratorAccess; Aaron approves
    const modal = await h.openAttachModal(jobId);
    const submitted = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'placeholder:BucketName': 'data-team-bucket-*', detach: [ADMIN_ARN] },
    });
    expect(submitted.outcome).toBe('closed');
    const attachRequest = await h.attachRequest(jobId);
    expect(shownText(attachRequest)).toContain(`- detach AdministratorAccess (${ADMIN_ARN})`);
    // The value typed is shown to the approvers, its wildcard called out
    expect(shownText(attachRequest)).toContain(
      'Filled in: BucketName = `data-team-bucket-*` ⚠️ wildcard: matches more than one resource',
    );
    expect(names(await h.attachedPolicies())).toEqual(['AdministratorAccess']);
    await h.approve(attachRequest, APPROVER1);

    // Assess: only the least-privilege policy is attached now; the message offers Revert detach
    const attached = await eventually(async () => {
      const list = await h.attachedPolicies();
      return list.length === 1 && list[0]?.PolicyName !== 'AdministratorAccess' ? list : undefined;
    });
    expect(attached[0]?.PolicyName).toMatch(/^BucketCreator-least-privilege-\d{8}$/);
    const leastPrivilegeArn = attached[0]!.PolicyArn!;
    const afterAttach = await h.messageWhen(jobId, (_t, m) => buttonsOf(m).includes('generation.revert'));
    expect(shownText(afterAttach)).toContain('Detached in the same change: `AdministratorAccess`');
    // The detach came after the attach: the role was never left without the new policy.
    const order = h.aws.calls
      .filter((c) => c.operation === 'AttachRolePolicy' || c.operation === 'DetachRolePolicy')
      .map((c) => c.operation);
    expect(order).toEqual(['AttachRolePolicy', 'DetachRolePolicy']);
    expect(h.aws.callsTo('DetachRolePolicy')[0]?.input).toMatchObject({
      RoleName: 'BucketCreator',
      PolicyArn: ADMIN_ARN,
    });
    expect((await h.job(jobId)).attachment?.detached).toEqual([
      { name: 'AdministratorAccess', arn: ADMIN_ARN },
    ]);

    // Act: Olivia clicks Revert detach
    const before = new Set(h.requestMessages(jobId).map((m) => m.ts));
    await h.clickRevert(jobId);

    // Assess: a second request in the thread; nothing re-attached before it is approved
    const revertRequest = await h.attachRequest(jobId, before);
    expect(requestIdOf(revertRequest)).not.toBe(requestIdOf(attachRequest));
    expect(shownText(revertRequest)).toContain(`+ attach AdministratorAccess (${ADMIN_ARN})`);
    await settle();
    expect(names(await h.attachedPolicies())).toEqual([attached[0]!.PolicyName]);

    // Act: Beatrice approves the revert
    await h.approve(revertRequest, APPROVER2);

    // Assess: AdministratorAccess is attached again, the least-privilege policy stays; the message says so
    const reverted = await eventually(async () => {
      const list = await h.attachedPolicies();
      return list.length === 2 ? list : undefined;
    });
    expect(reverted.map((p) => p.PolicyArn).sort()).toEqual([ADMIN_ARN, leastPrivilegeArn].sort());
    const done = await h.messageWhen(jobId, (t) => t.includes('↩️ Re-attached'));
    expect(shownText(done)).toContain(`(request \`${requestIdOf(revertRequest)}\`)`);
    expect(buttonsOf(done)).not.toContain('generation.revert');
    expect((await h.job(jobId)).attachment?.revertRequestId).toBe(requestIdOf(revertRequest));
  });

  it('refuses an attach whose policy to detach was detached meanwhile, and tells the requester what they typed', async () => {
    // Prepare: Olivia opens the attach modal; meanwhile someone detaches AdministratorAccess in the console
    h = await startGenerationHarness();
    const { jobId } = await generated(h);
    const modal = await h.openAttachModal(jobId);
    h.aws.iam.detachRolePolicy(ROLE_NAME, ADMIN_ARN);

    // Act: she submits a value and AdministratorAccess to detach
    const submitted = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'placeholder:BucketName': 'reports-*', detach: [ADMIN_ARN] },
    });

    // Assess: the modal closed; she alone is told why, with what she typed to start again from
    expect(submitted.outcome).toBe('closed');
    const refusal = await h.ephemeralMatching(ONCALL, /no longer attached/);
    expect(refusal.text).toBe(
      `:warning: \`${ADMIN_ARN}\` is no longer attached to role \`${ROLE_NAME}\`; choose the policies to detach again.\nYou typed: \`\${BucketName}\` = \`reports-*\``,
    );
    // Assess: nothing was requested, nothing reached IAM
    await settle();
    expect(h.requestMessages(jobId)).toEqual([]);
    expect(await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(h.aws.callsTo('CreatePolicy')).toHaveLength(0);
    expect(h.aws.callsTo('AttachRolePolicy')).toHaveLength(0);
    expect((await h.job(jobId)).attachment).toBeUndefined();
  });
});
