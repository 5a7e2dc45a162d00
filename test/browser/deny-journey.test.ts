/**
 * Issue #4's journey in a real browser, on the real sandbox (runSandbox: DynamoDB Local on disk, the AWS
 * stand-in with the example account, the Slack stand-in and its console, the bot with APPROVERS
 * U0APPROVER1,U0APPROVER2): the on-call engineer asks for Deny on Audit_CrossAccountRole → the request shows
 * the diff and the evidence in the thread and the channel → an approver approves → the trust policy keeps its
 * Allow and gains a Deny for Alice → Access Analyzer resolves the finding → Undo deny, approved → the trust
 * policy is the original document again.
 */
import type { Locator, Page } from 'playwright-core';
import { screenshot, useBrowser, waitForText } from './helpers/browser';
import { actAs, APPROVER, JOURNEY_STEP_MS, ONCALL, useSandbox } from './helpers/sandbox-session';

const { test } = useBrowser();

const ROLE = 'Audit_CrossAccountRole';
const ALICE = 'arn:aws:iam::999988887777:user/Alice';

interface TrustPolicy {
  Version?: string;
  Statement: Record<string, unknown>[];
}

describe('Deny and Undo deny in a browser', () => {
  const session = useSandbox('sandbox-deny-browser-', { startIn: 'test', stepTimeoutMs: JOURNEY_STEP_MS });
  /** Set by the first test: the trust policy before any Deny, and the finding's id and message ts. */
  let original: TrustPolicy | undefined;
  let findingId = '';
  let cardTs = '';

  const trustPolicy = (): TrustPolicy => {
    const role = session.sandbox().stack.aws.iam.getRole(ROLE);
    if (!role) throw new Error(`the AWS stand-in has no role ${ROLE}`);
    return JSON.parse(role.trustPolicy) as TrustPolicy;
  };
  /** The finding message in the channel (not the thread panel, not the broadcast approval requests). */
  const findingMessage = (page: Page) => page.getByTestId('messages').getByTestId(`message-${cardTs}`);
  const openThread = async (page: Page) => {
    await page.getByTestId(`replies-${cardTs}`).click();
    return page.getByTestId('thread');
  };
  /** Approval request messages under `root`; `label` is case-sensitive ("Deny" does not match "Undo deny"). */
  const approvalRequests = (root: Locator, label: RegExp) =>
    root
      .locator('[data-testid^="message-"]', { hasText: 'Nobody approves their own request' })
      .filter({ hasText: label });
  /** Clicks a button with a confirm dialog and confirms it. */
  const clickAndConfirm = async (page: Page, button: Locator, question: string) => {
    await button.click();
    const dialog = page.getByTestId('confirm-dialog');
    await waitForText(dialog, question);
    await dialog.getByTestId('confirm-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  };

  test('Deny on a role, approved by another person, adds the Deny and the finding turns RESOLVED', async (page) => {
    // Prepare: a fresh sandbox; the finding's message is in the channel
    const sandbox = await session.start({ fresh: true });
    original = trustPolicy();
    const finding = sandbox.stack.aws.accessAnalyzer
      .listFindings()
      .find((f) => f.resource.endsWith(`role/${ROLE}`));
    expect(finding?.status).toBe('ACTIVE');
    findingId = finding!.id;
    const sid = `AADeny${findingId.replace(/-/g, '')}`;
    await session.open(page);
    await actAs(page, ONCALL);
    const byRole = page
      .getByTestId('messages')
      .locator('[data-testid^="message-"]', { hasText: ROLE })
      .first();
    await waitForText(byRole, ALICE);
    cardTs = (await byRole.getAttribute('data-ts')) ?? '';
    expect(cardTs).not.toBe('');
    const message = findingMessage(page);

    // Act: Olivia asks for the Deny (confirm dialog)
    await clickAndConfirm(page, message.getByTestId('button-finding.deny'), 'Deny this access?');

    // Assess: the request waits in the thread, with the diff and the evidence, and nothing changed yet
    const thread = await openThread(page);
    const request = approvalRequests(thread, /Deny requested by @Olivia Oncall/);
    const shown = await waitForText(request, 'Access Analyzer (access preview) agrees');
    expect(shown).toContain('Waiting for approval');
    expect(shown).toContain(`arn:aws:iam::111122223333:role/${ROLE}`);
    expect(shown).toContain('What changes');
    expect(shown).toContain(sid);
    expect(shown).toContain('"Effect": "Deny"');
    expect(shown).toContain('Blocks the external principal');
    expect(shown).toContain("Keeps the owner account's access");
    expect(shown).toContain('0/1 from @Aaron Approver, @Beatrice Approver');
    expect(await request.getByTestId('button-approval.approve').count()).toBe(1);
    expect(await request.getByTestId('button-approval.reject').count()).toBe(1);
    const requestTs = (await request.getAttribute('data-ts')) ?? '';
    // Also sent to the channel, where the approvers see it
    const broadcast = page.getByTestId('messages').getByTestId(`message-${requestTs}`);
    await waitForText(broadcast, 'replied to a thread');
    expect(await broadcast.innerText()).toContain('Deny requested by @Olivia Oncall');
    expect(trustPolicy()).toEqual(original);
    await screenshot(page, 'deny-journey-request-shown');

    // Act: Aaron approves, in the thread
    await actAs(page, APPROVER);
    const asApprover = await openThread(page);
    const pending = approvalRequests(asApprover, /Deny requested by @Olivia Oncall/);
    await pending.getByTestId('button-approval.approve').click();

    // Assess: done once approved; the trust policy keeps the Allow and gains the Deny for Alice
    const done = await waitForText(pending, 'Approved and done');
    expect(done).toContain('👍 @Aaron Approver');
    expect(done).toContain('Deny added to the trust policy');
    expect(await pending.getByTestId('button-approval.approve').count()).toBe(0);
    const denied = trustPolicy();
    expect(denied.Version).toBe(original.Version);
    expect(denied.Statement).toHaveLength(2);
    expect(denied.Statement[0]).toEqual(original.Statement[0]);
    expect(denied.Statement[1]).toMatchObject({ Sid: sid, Effect: 'Deny', Principal: { AWS: ALICE } });
    expect(denied.Statement[1]!.Action).toEqual(
      expect.arrayContaining(['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']),
    );

    // Assess: Access Analyzer re-analyses the role and resolves the finding; the message says so
    const resolved = await waitForText(message, 'Resolved: Access Analyzer no longer sees this access');
    expect(resolved).toContain('RESOLVED');
    expect(resolved).toContain(`Denied: statement ${sid}`);
    expect(resolved).toContain('requested by @Olivia Oncall, approved by @Aaron Approver');
    expect(await message.getByTestId('button-finding.deny').count()).toBe(0);
    expect(await message.getByTestId('button-finding.undo-deny').count()).toBe(1);
    await waitForText(asApprover, 'ACTIVE → RESOLVED');
    expect(sandbox.stack.aws.accessAnalyzer.listFindings().find((f) => f.id === findingId)?.status).toBe(
      'RESOLVED',
    );
    await screenshot(page, 'deny-journey-resolved');
  }, 90_000);

  test('Undo deny, approved, restores the original trust policy', async (page) => {
    // Prepare: the previous test left the Deny in place and the finding RESOLVED
    expect(session.current()).toBeDefined();
    expect(original).toBeDefined();
    await session.open(page);
    await actAs(page, ONCALL);
    const message = findingMessage(page);
    await waitForText(message, 'RESOLVED');

    // Act: Olivia asks for the Undo (confirm dialog)
    await clickAndConfirm(page, message.getByTestId('button-finding.undo-deny'), 'Undo the Deny?');

    // Assess: a second request, the Deny still in place
    const inChannel = approvalRequests(page.getByTestId('messages'), /Undo deny requested by @Olivia Oncall/);
    const shown = await waitForText(inChannel, 'Waiting for approval');
    expect(shown).toContain(`AADeny${findingId.replace(/-/g, '')}`);
    expect(trustPolicy().Statement).toHaveLength(2);

    // Act: Aaron approves, this time on the copy in the channel
    await actAs(page, APPROVER);
    await inChannel.getByTestId('button-approval.approve').click();

    // Assess: exactly the original document again, and the finding can be denied again once it is ACTIVE
    const done = await waitForText(inChannel, 'Approved and done');
    expect(done).toContain('Deny removed from the trust policy');
    expect(trustPolicy()).toEqual(original);
    await waitForText(message, /🔴 ACTIVE/);
    expect(await message.innerText()).not.toContain('Denied: statement');
    await message.getByTestId('button-finding.deny').waitFor({ state: 'visible' });
    expect(await message.getByTestId('button-finding.undo-deny').count()).toBe(0);
    await message.scrollIntoViewIfNeeded();
    await screenshot(page, 'deny-journey-undone');
  }, 60_000);
});
