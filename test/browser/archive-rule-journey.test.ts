/**
 * Issue #5's "Create archive rule" journey in a real browser, on the real sandbox (runSandbox: DynamoDB Local on
 * disk, the AWS stand-in with the example account, the Slack stand-in and its console, the bot with APPROVERS
 * U0APPROVER1,U0APPROVER2): the on-call engineer opens Create archive rule on the Alice finding → the modal is
 * prefilled and shows how many findings match (and recounts when a criterion changes) → the request waits in
 * the thread → an approver approves → the rule exists in Access Analyzer, the Alice finding is ARCHIVED and its
 * message says so, `/iam-findings rules` lists the rule, and a new role trusting Alice arrives ARCHIVED.
 */
import type { Locator } from 'playwright-core';
import { injectSample } from '../../src/sandbox/samples';
import { screenshot, useBrowser, waitForText, waitForValue } from './helpers/browser';
import { actAs, APPROVER, JOURNEY_STEP_MS, ONCALL, useSandbox } from './helpers/sandbox-session';

const { test } = useBrowser();

const ROLE = 'Audit_CrossAccountRole';
const ALICE = 'arn:aws:iam::999988887777:user/Alice';

describe('Create archive rule in a browser', () => {
  const session = useSandbox('sandbox-archive-rule-browser-', {
    startIn: 'test',
    stepTimeoutMs: JOURNEY_STEP_MS,
  });

  const ruleRequests = (root: Locator) =>
    root
      .locator('[data-testid^="message-"]', { hasText: 'Nobody approves their own request' })
      .filter({ hasText: /Create archive rule requested by @Olivia Oncall/ });

  test('from the Alice finding: prefilled modal with the count, approved by another person, finding archived', async (page) => {
    // Prepare: a fresh sandbox; the Alice finding's message is in the channel
    const sandbox = await session.start({ fresh: true });
    const aws = sandbox.stack.aws;
    const finding = aws.accessAnalyzer.listFindings().find((f) => f.resource.endsWith(`role/${ROLE}`));
    expect(finding?.status).toBe('ACTIVE');
    await session.open(page);
    await actAs(page, ONCALL);
    const message = page
      .getByTestId('messages')
      .locator('[data-testid^="message-"]', { hasText: ROLE })
      .first();
    await waitForText(message, ALICE);
    const cardTs = (await message.getAttribute('data-ts')) ?? '';

    // Act: Olivia clicks Create archive rule
    await message.getByTestId('button-finding.create-archive-rule').click();

    // Assess: the modal, prefilled from the finding, then the count
    const modal = page.getByTestId('modal');
    await waitForText(modal, 'Create archive rule');
    await waitForValue(modal.getByTestId('input-resource-type'), 'AWS::IAM::Role');
    await waitForValue(modal.getByTestId('input-principal'), ALICE);
    await waitForValue(modal.getByTestId('input-owner-account'), '111122223333');
    await waitForValue(modal.getByTestId('input-is-public'), 'false');
    const ruleName = await modal.getByTestId('input-rule-name').inputValue();
    expect(ruleName).toMatch(/^slack-iam-role-999988887777-\d{8}-[0-9a-f]{6}$/);
    expect(await modal.getByTestId('input-apply-existing').locator('input').isChecked()).toBe(true);
    await waitForText(modal, 'Matches 1 active finding now');
    await screenshot(page, 'archive-rule-journey-modal');

    // Act: clear the principal and press Enter: a broad rule; then Alice again
    await modal.getByTestId('input-principal').fill('');
    await modal.getByTestId('input-principal').press('Enter');
    await waitForText(modal, /Broad rule.*one more approval stage/);
    await modal.getByTestId('input-principal').fill(ALICE);
    await modal.getByTestId('input-principal').press('Enter');
    await modal.filter({ hasNotText: /one more approval stage/ }).waitFor();
    await waitForText(modal, 'Matches 1 active finding now');

    // Act: submit
    await modal.getByTestId('modal-submit').click();
    await modal.waitFor({ state: 'detached' });

    // Assess: the request waits in the thread, with the rule and the count; nothing created yet
    await page.getByTestId(`replies-${cardTs}`).click();
    const thread = page.getByTestId('thread');
    const shown = await waitForText(ruleRequests(thread), 'Waiting for approval');
    expect(shown).toContain(`archive rule ${ruleName} on analyzer`);
    expect(shown).toContain(`+ principal.AWS = ${ALICE}`);
    expect(shown).toContain('Would archive 1 active finding now.');
    expect(aws.archiveRules.list(finding!.analyzerArn)).toEqual([]);

    // Act: Aaron approves
    await actAs(page, APPROVER);
    await page.getByTestId(`replies-${cardTs}`).click();
    const pending = ruleRequests(page.getByTestId('thread'));
    await pending.getByTestId('button-approval.approve').click();

    // Assess: the rule exists, the finding is archived in AWS, and its message says so
    const done = await waitForText(pending, 'Approved and done');
    expect(done).toContain(`Archive rule ${ruleName} created`);
    expect(aws.archiveRules.list(finding!.analyzerArn).map((r) => r.ruleName)).toEqual([ruleName]);
    await waitForText(page.getByTestId('messages').getByTestId(`message-${cardTs}`), /ARCHIVED/);
    expect(aws.accessAnalyzer.getFinding(finding!.id)?.status).toBe('ARCHIVED');
    expect(await message.getByTestId('button-finding.archive').count()).toBe(0);
    await screenshot(page, 'archive-rule-journey-archived');

    // Act / Assess: the rule is listed, with its Delete… button
    await page.getByTestId('message-box').fill('/iam-findings rules');
    await page.getByTestId('message-box').press('Enter');
    const listing = page.locator('[data-container="ephemeral"]', { hasText: 'created by the bot' });
    const listed = await waitForText(listing, ruleName);
    expect(listed).toContain('Created by @Olivia Oncall, approved by @Aaron Approver');
    expect(await listing.getByTestId('button-archive-rule.delete').count()).toBe(1);

    // Act: a future match: another role trusting Alice appears (the sandbox's "IAM role" sample)
    await injectSample(aws, 'role');

    // Assess: Access Analyzer creates its finding ARCHIVED; the bot records it and posts nothing for it
    const sample = aws.accessAnalyzer
      .listFindings()
      .find((f) => /role\/Sample_CrossAccountRole_/.test(f.resource));
    expect(sample?.status).toBe('ARCHIVED');
    const deadline = Date.now() + JOURNEY_STEP_MS;
    while ((await sandbox.stack.bot.stores.findings.get(sample!.id))?.finding.status !== 'ARCHIVED') {
      if (Date.now() > deadline) throw new Error('the bot never recorded the archived sample finding');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await page.getByTestId('messages').getByText('Sample_CrossAccountRole_').count()).toBe(0);
  }, 60_000);
});
