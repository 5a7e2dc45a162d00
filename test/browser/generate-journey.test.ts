/**
 * Issue #6's `/iam-generate` journey in a real browser, on the real sandbox (runSandbox: DynamoDB Local on disk,
 * the AWS stand-in with the example account, whose role BucketCreator has an AdministratorAccess-like policy
 * and recorded activity of only creating, listing and tagging buckets; the Slack stand-in and its console; the
 * bot with APPROVERS U0APPROVER1,U0APPROVER2 and the example account's trail and policy-generation role): the
 * on-call engineer types `/iam-generate BucketCreator` → the message shows the progress (bar, Cancel) → it
 * becomes the result (the policy with `${BucketName}`, ValidatePolicy, the gap naming AdministratorAccess) →
 * "Request attach": the modal refuses an empty field and a bucket ARN, takes a bucket name and the detach of
 * AdministratorAccess → the request waits in the thread → an approver approves → the role has
 * `BucketCreator-least-privilege-<yyyymmdd>` and no longer AdministratorAccess (read through IAM's
 * ListAttachedRolePolicies on the stand-in) → "Revert detach", approved, attaches AdministratorAccess again.
 */
import { GetPolicyVersionCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { Locator, Page } from 'playwright-core';
import { utcDay } from '../../src/policy-generation/names';
import { screenshot, useBrowser, waitForText } from './helpers/browser';
import { actAs, APPROVER, JOURNEY_STEP_MS, ONCALL, useSandbox } from './helpers/sandbox-session';

const { test } = useBrowser();

const ROLE = 'BucketCreator';
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const BUCKET = 'data-team-reports';
const PLACEHOLDER_INPUT = 'input-placeholder:BucketName';

describe('/iam-generate in a browser', () => {
  const session = useSandbox('sandbox-generate-browser-', { stepTimeoutMs: JOURNEY_STEP_MS });
  const aws = () => session.sandbox().stack.aws;

  let iam: IAMClient | undefined;
  /** IAM's own API on the AWS stand-in, through the real SDK client (what the bot's IAM calls go through too). */
  const iamClient = (): IAMClient => {
    iam ??= new IAMClient({
      endpoint: aws().url,
      region: aws().region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    return iam;
  };
  afterAll(() => iam?.destroy());

  /** ListAttachedRolePolicies on the stand-in: the role's managed policies, sorted by name. */
  const attachedToRole = async (): Promise<{ PolicyName?: string; PolicyArn?: string }[]> => {
    const out = await iamClient().send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }));
    return [...(out.AttachedPolicies ?? [])].sort((a, b) =>
      (a.PolicyName ?? '').localeCompare(b.PolicyName ?? ''),
    );
  };
  /** The default version's document of a managed policy, decoded (IAM returns it URL-encoded). */
  const policyDocument = async (arn: string): Promise<unknown> => {
    const policy = aws().iam.getPolicy(arn);
    const version = policy?.versions.find((v) => v.isDefault)?.versionId;
    if (!version) throw new Error(`the AWS stand-in has no default version of ${arn}`);
    const out = await iamClient().send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version }));
    return JSON.parse(decodeURIComponent(out.PolicyVersion?.Document ?? ''));
  };

  /** The `/iam-generate` message for the role: the channel's only message headed by its least-privilege title. */
  const generationMessage = async (page: Page) => {
    const found = page
      .getByTestId('messages')
      .locator('[data-testid^="message-"]', { hasText: `Least-privilege policy for role ${ROLE}` })
      .first();
    await waitForText(found, 'Requested by @Olivia Oncall');
    const ts = (await found.getAttribute('data-ts')) ?? '';
    expect(ts).not.toBe('');
    return { ts, message: page.getByTestId('messages').getByTestId(`message-${ts}`) };
  };
  const openThread = async (page: Page, ts: string) => {
    await page.getByTestId(`replies-${ts}`).click();
    return page.getByTestId('thread');
  };
  /** The approval requests of `label` under `root`, asked for by Olivia. */
  const requests = (root: Locator, label: string) =>
    root
      .locator('[data-testid^="message-"]', { hasText: 'Nobody approves their own request' })
      .filter({ hasText: `${label} requested by @Olivia Oncall` });

  test('BucketCreator: generated, attached with its bucket filled and AdministratorAccess detached, then the detach reverted', async (page) => {
    // Prepare: BucketCreator has only the admin-like policy
    expect(await attachedToRole()).toEqual([{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN_ARN }]);
    const startedOn = utcDay(new Date());
    await session.open(page);
    await actAs(page, ONCALL);

    // Act: Olivia runs the command in the composer
    await page.getByTestId('message-box').fill(`/iam-generate ${ROLE}`);
    await page.getByTestId('message-box').press('Enter');

    // Assess: the command is acknowledged privately, then one message shows the progress, with Cancel
    await waitForText(
      page.locator('[data-container="ephemeral"]', { hasText: 'Starting policy generation' }),
      `Starting policy generation for role ${ROLE} from 30 days of CloudTrail activity`,
    );
    const { ts, message } = await generationMessage(page);
    const progress = await waitForText(message, 'estimate: Access Analyzer reports no percentage');
    expect(progress).toMatch(/⏳ (Starting…|Generating from CloudTrail activity)/);
    expect(progress).toMatch(/[▓░]{20} \d{1,2}%/);
    expect(progress).toMatch(/Elapsed \d+s · \d+ status checks? so far/);
    expect(progress).not.toContain('Policy generated');
    expect(await message.getByTestId('button-generation.cancel').count()).toBe(1);
    expect(await message.getByTestId('button-generation.request-attach').count()).toBe(0);

    // Assess: the same message becomes the result: what the role did, with its bucket as a placeholder
    const result = await waitForText(message, '✅ Policy generated');
    expect(result).toMatch(/3 actions in 1 service: s3/);
    expect(result).toContain('1 placeholder to fill before attaching: ${BucketName}');
    expect(result).toContain('"s3:CreateBucket"');
    expect(result).toContain('"s3:PutBucketTagging"');
    expect(result).toContain('"s3:ListAllMyBuckets"');
    expect(result).toContain('"arn:aws:s3:::${BucketName}"');
    expect(result).toContain('ValidatePolicy: ✅ no errors, warnings or suggestions.');
    expect(result).toContain("Gap: what the role's policies grant that it did not use");
    expect(result).toContain('• *: all actions except the 3 used (from AdministratorAccess)');
    expect(await message.getByTestId('button-generation.cancel').count()).toBe(0);
    await screenshot(page, 'generate-journey-result');

    // Act: Olivia clicks Request attach
    await message.getByTestId('button-generation.request-attach').click();

    // Assess: the modal names the policy to create, asks for the bucket name, and offers to detach the admin policy
    const modal = page.getByTestId('modal');
    const intro = await waitForText(modal, `Attaches the generated policy to role ${ROLE}`);
    // (named for the UTC day it was generated: today, or yesterday's date if the test ran across midnight)
    const name = /BucketCreator-least-privilege-\d{8}/.exec(intro)?.[0] ?? '';
    expect([startedOn, utcDay(new Date())].map((d) => `${ROLE}-least-privilege-${d}`)).toContain(name);
    expect(intro).toContain('${BucketName}');
    const detach = modal.getByTestId('input-detach');
    const adminBox = detach.getByLabel(/AdministratorAccess \(AWS managed\)/);
    expect(await adminBox.isChecked()).toBe(false);
    await waitForText(detach.locator('label'), 'Grants access the role did not use');

    // Act / Assess: submitting with the bucket empty is refused by the required-field check
    await modal.getByTestId('modal-submit').click();
    await waitForText(
      modal.getByTestId('error-placeholder:BucketName'),
      'Please complete this required field.',
    );

    // Act / Assess: a bucket ARN instead of its name is refused by the bot, next to the field
    await modal.getByTestId(PLACEHOLDER_INPUT).fill('arn:aws:s3:::x');
    await modal.getByTestId('modal-submit').click();
    const refused = await waitForText(modal.getByTestId('error-placeholder:BucketName'), 'not a whole ARN');
    expect(refused).toContain('BucketName takes just the name');
    expect(refused).toContain('arn:aws:s3:::x');
    expect(await requests(page.getByTestId('messages'), 'Attach least-privilege policy').count()).toBe(0);

    // Act: the bucket's name, and the admin policy ticked for detaching; submit
    await waitForText(modal, 'Request attach');
    await modal.getByTestId(PLACEHOLDER_INPUT).fill(BUCKET);
    await adminBox.check();
    await modal.getByTestId('modal-submit').click();
    await modal.waitFor({ state: 'detached' });

    // Assess: the request waits in the message's thread, with the filled policy and the detach; IAM unchanged
    const thread = await openThread(page, ts);
    const request = requests(thread, 'Attach least-privilege policy');
    const shown = await waitForText(request, 'Waiting for approval');
    expect(shown).toContain(`Resource: ${aws().iam.getRole(ROLE)!.arn}`);
    expect(shown).toContain(`+ managed policy ${name}`);
    expect(shown).toContain(`"Resource": "arn:aws:s3:::${BUCKET}"`);
    expect(shown).not.toContain('${BucketName}');
    expect(shown).toContain(`- detach AdministratorAccess (${ADMIN_ARN})`);
    expect(shown).toContain(
      `Generated from 30 days of CloudTrail activity of role ${ROLE} (3 actions in 1 service).`,
    );
    expect(shown).toContain('ValidatePolicy on the filled policy: no errors or warnings.');
    expect(shown).toContain('Also detaches AdministratorAccess (reversible with Revert detach).');
    expect(shown).toContain('0/1 from @Aaron Approver, @Beatrice Approver');
    expect(await attachedToRole()).toEqual([{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN_ARN }]);

    // Act: Aaron approves, in the thread
    await actAs(page, APPROVER);
    const asApprover = await openThread(page, ts);
    const pending = requests(asApprover, 'Attach least-privilege policy');
    await pending.getByTestId('button-approval.approve').click();

    // Assess: done; the thread and the message say what was attached and detached
    const done = await waitForText(pending, 'Approved and done');
    expect(done).toContain('👍 @Aaron Approver');
    const summary = await waitForText(
      asApprover
        .locator('[data-testid^="message-"]', { hasText: `📎 Attached ${name}` })
        .filter({ hasNotText: 'Nobody approves their own request' }),
      `📎 Attached ${name} to role ${ROLE}, requested by @Olivia Oncall, approved by @Aaron Approver.`,
    );
    expect(summary).toContain('Detached AdministratorAccess (Revert detach puts them back).');
    const policyArn = `arn:aws:iam::${aws().account}:policy/${name}`;
    const attachedShown = await waitForText(message, `📎 Attached ${policyArn}`);
    expect(attachedShown).toContain('Detached in the same change: AdministratorAccess');
    expect(await message.getByTestId('button-generation.request-attach').count()).toBe(0);
    expect(await message.getByTestId('button-generation.revert').count()).toBe(1);

    // Assess: IAM says the role now has the least-privilege policy only, for the bucket named in the modal
    expect(await attachedToRole()).toEqual([{ PolicyName: name, PolicyArn: policyArn }]);
    expect(await policyDocument(policyArn)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['s3:CreateBucket', 's3:PutBucketTagging'],
          Resource: `arn:aws:s3:::${BUCKET}`,
        },
      ],
    });
    await screenshot(page, 'generate-journey-attached');

    // Act: Olivia asks to revert the detach (confirm dialog); Aaron approves it
    await actAs(page, ONCALL);
    await message.getByTestId('button-generation.revert').click();
    const dialog = page.getByTestId('confirm-dialog');
    await waitForText(dialog, 'Revert the detach?');
    const confirm = dialog.getByTestId('confirm-confirm');
    expect((await confirm.innerText()).trim()).toBe('Request revert');
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    const revertShown = await waitForText(
      requests(await openThread(page, ts), 'Revert detach'),
      'Waiting for approval',
    );
    expect(revertShown).toContain(`+ attach AdministratorAccess (${ADMIN_ARN})`);
    expect(await attachedToRole()).toEqual([{ PolicyName: name, PolicyArn: policyArn }]);
    await actAs(page, APPROVER);
    const revert = requests(await openThread(page, ts), 'Revert detach');
    await revert.getByTestId('button-approval.approve').click();
    await waitForText(revert, 'Approved and done');

    // Assess: the admin policy is attached again, the least-privilege policy stays; the message says so
    await waitForText(message, '↩️ Re-attached AdministratorAccess');
    expect(await message.getByTestId('button-generation.revert').count()).toBe(0);
    expect(await attachedToRole()).toEqual([
      { PolicyName: 'AdministratorAccess', PolicyArn: ADMIN_ARN },
      { PolicyName: name, PolicyArn: policyArn },
    ]);
  }, 60_000);
});
