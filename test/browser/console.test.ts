/**
 * The sandbox console in a real browser against the Slack stand-in and a tiny real Bolt app: what a newcomer
 * does on `npm start` — read a finding, switch person, click, confirm, read the thread, run a command, fill a
 * modal — asserted on what the page shows.
 */
import { useBrowser, waitForText, waitForValue } from './helpers/browser';
import { startDemo, type DemoSetup } from './helpers/demo-bot';
import { actAs, APPROVER, openConsole } from './helpers/sandbox-session';

const { test } = useBrowser();

function deliveriesOf(demo: DemoSetup, kind: string): number {
  return demo.standin.deliveries.filter((d) => d.kind === kind).length;
}

describe('sandbox console', () => {
  let demo: DemoSetup;

  beforeEach(async () => {
    demo = await startDemo();
  });

  afterEach(async () => {
    await demo.stop();
  });

  test('works a finding like in Slack: switch user, click, confirm, thread, slash command, modal', async (page) => {
    // Prepare
    await openConsole(page, demo.standin.url);
    const message = page.getByTestId('messages').getByTestId(`message-${demo.findingTs}`);
    const shown = await waitForText(message, 'Demo finding: public bucket');
    expect(shown).toContain('arn:aws:s3:::demo-bucket');
    expect(shown).toContain('Account\n111122223333');
    expect(await message.getByTestId('button-demo_approve').getAttribute('class')).toContain(
      'bk-btn-primary',
    );
    expect(await message.getByTestId('button-demo_reject').getAttribute('class')).toContain('bk-btn-danger');

    // Act: switch to an approver
    await actAs(page, APPROVER);

    // Act: approve → the bot edits the message and replies in its thread
    await message.getByTestId('button-demo_approve').click();
    const approved = await waitForText(message, 'Approved by @Aaron Approver');
    expect(approved).toContain('(edited)');
    expect(await message.getByTestId('button-demo_approve').count()).toBe(0);
    await page.getByTestId(`replies-${demo.findingTs}`).click();
    await waitForText(page.getByTestId('thread'), '@Aaron Approver approved this finding.');

    // Act: reject → confirm dialog; "Keep it" sends nothing, "Reject" does
    const clicksBefore = deliveriesOf(demo, 'block_actions');
    await message.getByTestId('button-demo_reject').click();
    const dialog = page.getByTestId('confirm-dialog');
    const question = await waitForText(dialog, 'Reject this finding?');
    expect(question).toContain('denied for everyone outside the account');
    await dialog.getByTestId('confirm-deny').click();
    await dialog.waitFor({ state: 'detached' });
    expect(deliveriesOf(demo, 'block_actions')).toBe(clicksBefore);
    await message.getByTestId('button-demo_reject').click();
    expect(await dialog.getByTestId('confirm-confirm').getAttribute('class')).toContain('bk-btn-danger');
    await dialog.getByTestId('confirm-confirm').click();
    await waitForText(message, 'Rejected by @Aaron Approver');
    expect(await message.getByTestId('button-demo_reject').count()).toBe(0);
    await waitForText(page.getByTestId('thread'), '@Aaron Approver rejected this finding.');

    // Act: /demo opens a modal
    await page.getByTestId('message-box').fill('/demo');
    await page.getByTestId('message-box').press('Enter');
    const modal = page.getByTestId('modal');
    await waitForText(modal, 'Give a reason');

    // Act: empty → Slack's own required-field message, nothing sent to the app
    await modal.getByTestId('modal-submit').click();
    await waitForText(modal.getByTestId('error-reason_block'), 'Please complete this required field.');
    expect(deliveriesOf(demo, 'view_submission')).toBe(0);

    // Act: only spaces → the app answers response_action errors, shown under the input
    await modal.getByTestId('input-reason_block').fill('   ');
    await modal.getByTestId('modal-submit').click();
    await waitForText(modal.getByTestId('error-reason_block'), 'Please give a reason, not just spaces.');
    expect(deliveriesOf(demo, 'view_submission')).toBe(1);

    // Act: a real reason → the modal closes and the app posts it
    await modal.getByTestId('input-reason_block').fill('False positive: test bucket');
    await modal.getByTestId('input-severity_block').selectOption('low');
    await modal.getByTestId('modal-submit').click();

    // Assess
    await modal.waitFor({ state: 'detached' });
    await waitForText(
      page.getByTestId('messages'),
      '@Aaron Approver saved a reason: False positive: test bucket',
    );
    const submitted = demo.standin.deliveries.filter((d) => d.kind === 'view_submission').at(-1)?.payload;
    expect(submitted).toMatchObject({
      view: { state: { values: { severity_block: { severity: { selected_option: { value: 'low' } } } } } },
    });
  });

  test('shows ephemerals only to their recipient and a toast when the app does not respond', async (page) => {
    // Prepare
    await openConsole(page, demo.standin.url);
    await waitForText(page.getByTestId(`message-${demo.findingTs}`), 'Demo finding');

    // Act: /whisper answers ephemerally
    await page.getByTestId('message-box').fill('/whisper');
    await page.getByTestId('message-box').press('Enter');
    const whisper = page.locator('[data-container="ephemeral"]');
    const text = await waitForText(whisper, 'Psst, only you see this');

    // Assess
    expect(text).toContain('Only visible to you');

    // Act: a button the app does not acknowledge within the window
    await whisper.getByTestId('button-slow').click();

    // Assess
    await waitForText(page.getByTestId('toast'), 'did not respond in time');

    // Act: someone else does not see the ephemeral
    await page.getByTestId('user-switcher').selectOption('U0APPROVER2');
    await waitForText(page.getByTestId('acting-as'), 'Beatrice Approver');

    // Assess
    expect(await whisper.count()).toBe(0);
  });

  test('sends a button inside a modal to the app, which updates the modal', async (page) => {
    // Prepare
    await openConsole(page, demo.standin.url);
    await page.getByTestId('message-box').fill('/demo');
    await page.getByTestId('message-box').press('Enter');
    const modal = page.getByTestId('modal');
    await modal.getByTestId('button-demo_suggest').click();

    // Act
    await waitForValue(modal.getByTestId('input-reason_block'), 'Known vendor: nightly backup service');

    // Assess
    expect(await waitForText(modal, 'Give a reason')).toContain('Suggest a reason');
    const click = demo.standin.deliveries.find((d) => d.kind === 'block_actions')?.payload;
    expect(click).toMatchObject({ container: { type: 'view' }, actions: [{ action_id: 'demo_suggest' }] });
    expect(click).not.toHaveProperty('channel');
  });

  test('opens URL buttons in a new tab and still tells the app', async (page) => {
    // Prepare
    await openConsole(page, demo.standin.url);
    const button = page.getByTestId(`message-${demo.findingTs}`).getByTestId('button-demo_docs');
    await button.waitFor();

    // Act
    const [tab] = await Promise.all([page.context().waitForEvent('page'), button.click()]);
    await tab.waitForLoadState();

    // Assess
    expect(tab.url()).toBe(demo.docsUrl);
    await tab.close();
    const click = demo.standin.deliveries.find((d) => d.kind === 'block_actions');
    expect(click?.payload).toMatchObject({ actions: [{ action_id: 'demo_docs' }] });
  });
});

describe('sandbox console inject menu', () => {
  let demo: DemoSetup;
  const injected: string[] = [];

  beforeEach(async () => {
    demo = await startDemo({
      injectKinds: [
        { kind: 'role', label: 'IAM role' },
        { kind: 'bucket', label: 'S3 bucket' },
      ],
      onInject: async (kind) => {
        injected.push(kind);
        await demo.app.client.chat.postMessage({
          channel: 'C0SECURITY',
          text: `A new *${kind}* finding arrived`,
        });
        return `Injected a sample ${kind} finding`;
      },
    });
  });

  afterEach(async () => {
    await demo.stop();
  });

  test('injects a sample finding, toasts the result and shows the new message live', async (page) => {
    // Prepare
    await openConsole(page, demo.standin.url);

    // Act
    await page.getByTestId('inject-menu').click();
    await page.getByTestId('inject-bucket').click();

    // Assess
    await waitForText(page.getByTestId('toast'), 'Injected a sample bucket finding');
    await waitForText(page.getByTestId('messages'), 'A new bucket finding arrived');
    expect(injected).toEqual(['bucket']);
    expect(await page.getByTestId('inject-role').isVisible()).toBe(false);
  });
});
