/**
 * Issue #3's journey in a real browser, on the real sandbox (runSandbox: DynamoDB Local on disk, the AWS
 * stand-in with the example account, the Slack stand-in and its console, the bot): a finding appears →
 * Archive → it shows archived; after a restart the channel and the decision are still there.
 */
import type { Page } from 'playwright-core';
import { screenshot, useBrowser, waitForText } from './helpers/browser';
import { useSandbox } from './helpers/sandbox-session';

const { test } = useBrowser();

describe('the sandbox in a browser', () => {
  const session = useSandbox('sandbox-browser-', { startIn: 'test' });

  /** The message for the Audit_CrossAccountRole finding, in the channel (not the thread panel). */
  const roleMessage = (page: Page) =>
    page
      .getByTestId('messages')
      .locator('[data-testid^="message-"]', { hasText: 'Audit_CrossAccountRole' })
      .first();

  test('a finding appears in the channel and Archive archives it', async (page) => {
    // Prepare
    const sandbox = await session.start({ fresh: true });
    await session.open(page);
    const message = roleMessage(page);
    const shown = await waitForText(message, 'arn:aws:iam::999988887777:user/Alice');
    expect(shown).toContain('External access to a resource');
    expect(shown).toContain('ACTIVE');
    await screenshot(page, 'sandbox-finding-appears');

    // Act
    await message.getByTestId('button-finding.archive').click();

    // Assess
    await waitForText(message, 'Archived by @Olivia Oncall');
    expect(await message.getByTestId('button-finding.archive').count()).toBe(0);
    const finding = sandbox.stack.aws.accessAnalyzer
      .listFindings()
      .find((f) => f.resource.endsWith('Audit_CrossAccountRole'));
    expect(finding?.status).toBe('ARCHIVED');
  }, 60_000);

  test('a restart keeps the channel and the decision', async (page) => {
    // Prepare: the previous test left an archived finding; restart on the same state
    expect(session.current()).toBeDefined();
    const sandbox = await session.restart();

    // Act
    await session.open(page);

    // Assess: the archived message is still there, once, and AWS still has it archived
    await waitForText(roleMessage(page), 'Archived by @Olivia Oncall');
    const same = page
      .getByTestId('messages')
      .locator('[data-testid^="message-"]', { hasText: 'Audit_CrossAccountRole' });
    expect(await same.count()).toBe(1);
    const finding = sandbox.stack.aws.accessAnalyzer
      .listFindings()
      .find((f) => f.resource.endsWith('Audit_CrossAccountRole'));
    expect(finding?.status).toBe('ARCHIVED');
  }, 60_000);
});
