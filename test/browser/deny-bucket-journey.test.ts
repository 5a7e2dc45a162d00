/**
 * Issue #5's "done when" in a real browser, on the real sandbox (runSandbox: DynamoDB Local on disk, the AWS
 * stand-in with the example account, the Slack stand-in and its console, the bot with APPROVERS
 * U0APPROVER1,U0APPROVER2): Deny on the public bucket and on the KMS key shared with 444455556666, asked for by
 * the on-call engineer and approved by another person, adds one Deny to the resource policy, keeps every
 * statement that was there, resolves the finding, and keeps the owner account's access.
 */
import type { Locator, Page } from 'playwright-core';
import { isAllowed } from '../../src/remediation/evaluate';
import { parsePolicyDocument, type PolicyStatement } from '../../src/remediation/policy-document';
import { findExternalAccess, parsePolicy } from '../../src/sandbox/aws-standin';
import { screenshot, useBrowser, waitForText } from './helpers/browser';
import { actAs, APPROVER, JOURNEY_STEP_MS, ONCALL, useSandbox } from './helpers/sandbox-session';

const { test } = useBrowser();

const BUCKET = 'amzn-s3-demo-public-bucket';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const PARTNER_ROOT = 'arn:aws:iam::444455556666:root';

interface Policy {
  Version?: string;
  Statement: PolicyStatement[];
}

describe('Deny on a public bucket and a shared KMS key in a browser', () => {
  const session = useSandbox('sandbox-deny-bucket-browser-', { stepTimeoutMs: JOURNEY_STEP_MS });
  const aws = () => session.sandbox().stack.aws;
  const bucketPolicy = (): string => {
    const policy = aws().s3.getBucket(BUCKET)?.policy;
    if (!policy) throw new Error(`the AWS stand-in has no policy on bucket ${BUCKET}`);
    return policy;
  };
  const keyPolicy = (): string => {
    const key = aws().kms.getKey(KEY_ID);
    if (!key) throw new Error(`the AWS stand-in has no KMS key ${KEY_ID}`);
    return key.policy;
  };
  /** The stand-in's ACTIVE finding on `resource` (one per resource in the example account). */
  const activeFindingOn = (resource: string) => {
    const found = aws()
      .accessAnalyzer.listFindings()
      .filter((f) => f.resource === resource);
    expect(found).toHaveLength(1);
    expect(found[0]!.status).toBe('ACTIVE');
    return found[0]!;
  };
  const findingStatus = (id: string) =>
    aws()
      .accessAnalyzer.listFindings()
      .find((f) => f.id === id)?.status;
  /** The bot's stored status, once it is `expected` (bounded; the card is rendered from the store). */
  const storedStatus = async (id: string, expected: string): Promise<string | undefined> => {
    const deadline = Date.now() + JOURNEY_STEP_MS;
    let status: string | undefined;
    while (Date.now() < deadline) {
      status = (await session.sandbox().stack.bot.stores.findings.get(id))?.finding.status;
      if (status === expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return status;
  };

  /** The finding's message in the channel: the only one whose context line names the finding id. */
  const findingMessage = async (page: Page, findingId: string, resource: string) => {
    const card = page
      .getByTestId('messages')
      .locator('[data-testid^="message-"]', { hasText: `Finding ${findingId}` })
      .first();
    await waitForText(card, resource);
    const ts = (await card.getAttribute('data-ts')) ?? '';
    expect(ts).not.toBe('');
    return { ts, message: page.getByTestId('messages').getByTestId(`message-${ts}`) };
  };
  const openThread = async (page: Page, ts: string) => {
    await page.getByTestId(`replies-${ts}`).click();
    return page.getByTestId('thread');
  };
  /** Deny approval requests under `root` ("Deny" is case-sensitive: it does not match "Undo deny"). */
  const denyRequests = (root: Locator) =>
    root
      .locator('[data-testid^="message-"]', { hasText: 'Nobody approves their own request' })
      .filter({ hasText: /Deny requested by @Olivia Oncall/ });

  /**
   * The journey both resources share: Olivia clicks Deny on the card and confirms "Request Deny"; the request
   * waits in the thread with the policy target, the diff and the three evidence lines, and the policy is
   * untouched; Aaron approves it in the thread; the request says it is done and the thread gets the summary.
   * Returns the finding's message and Aaron's thread for the assertions that differ per resource.
   */
  const denyAndApprove = async (
    page: Page,
    f: { id: string; resource: string; target: string; policy: () => string; diffShows: string[] },
  ) => {
    const sid = `AADeny${f.id.replace(/-/g, '')}`;
    const before = f.policy();
    await session.open(page);
    await actAs(page, ONCALL);
    const { ts, message } = await findingMessage(page, f.id, f.resource);
    await waitForText(message, /🔴 ACTIVE/);

    // Act: Olivia asks for the Deny (confirm dialog)
    await message.getByTestId('button-finding.deny').click();
    const dialog = page.getByTestId('confirm-dialog');
    await waitForText(dialog, 'Deny this access?');
    const confirm = dialog.getByTestId('confirm-confirm');
    expect((await confirm.innerText()).trim()).toBe('Request Deny');
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });

    // Assess: the request waits in the thread, with the policy, the diff and the evidence; nothing changed yet
    const thread = await openThread(page, ts);
    const request = denyRequests(thread);
    const shown = await waitForText(request, 'Access Analyzer (access preview) agrees');
    expect(shown).toContain('Waiting for approval');
    expect(shown).toContain(`Resource: ${f.target}`);
    expect(shown).toContain('What changes');
    expect(shown).toMatch(new RegExp(`\\+ +"Sid": "${sid}"`));
    expect(shown).toMatch(/\+ +"Effect": "Deny"/);
    const added = shown.split('\n').filter((line) => line.startsWith('+ '));
    for (const part of f.diffShows) expect(added.filter((line) => line.includes(part))).toHaveLength(1);
    expect(added.some((line) => line.includes('"Null"'))).toBe(false);
    expect(shown).toContain('✅ Blocks the external principal');
    expect(shown).toContain("✅ Keeps the owner account's access");
    expect(shown).toContain('✅ Access Analyzer (access preview) agrees');
    expect(shown).toContain('0/1 from @Aaron Approver, @Beatrice Approver');
    expect(await request.getByTestId('button-approval.approve').count()).toBe(1);
    expect(f.policy()).toBe(before);
    expect(findingStatus(f.id)).toBe('ACTIVE');

    // Act: Aaron approves, in the thread
    await actAs(page, APPROVER);
    const asApprover = await openThread(page, ts);
    const pending = denyRequests(asApprover);
    await pending.getByTestId('button-approval.approve').click();

    // Assess: done once approved; the thread says where the Deny went
    const done = await waitForText(pending, 'Approved and done');
    expect(done).toContain('👍 @Aaron Approver');
    expect(await pending.getByTestId('button-approval.approve').count()).toBe(0);
    const summary = await waitForText(
      asApprover.locator('[data-testid^="message-"]', { hasText: 'Deny added to the' }),
      `⛔ Deny added to the ${f.target}`,
    );
    expect(summary).toContain(sid);
    expect(summary).toContain('requested by @Olivia Oncall, approved by @Aaron Approver');
    return { sid, message, thread: asApprover };
  };

  /** The card and the store say RESOLVED, with the Deny recorded and Undo deny offered instead of Deny. */
  const expectResolved = async (
    f: { id: string; resource: string },
    sid: string,
    message: Locator,
    thread: Locator,
  ) => {
    const resolved = await waitForText(message, 'Resolved: Access Analyzer no longer sees this access');
    expect(resolved).toContain('✅ RESOLVED');
    expect(resolved).toContain(`Denied: statement ${sid} in the policy of ${f.resource}`);
    expect(resolved).toContain('requested by @Olivia Oncall, approved by @Aaron Approver');
    expect(await message.getByTestId('button-finding.deny').count()).toBe(0);
    expect(await message.getByTestId('button-finding.undo-deny').count()).toBe(1);
    await waitForText(thread, 'ACTIVE → RESOLVED');
    expect(findingStatus(f.id)).toBe('RESOLVED');
    expect(await storedStatus(f.id, 'RESOLVED')).toBe('RESOLVED');
    const stored = await session.sandbox().stack.bot.stores.findings.get(f.id);
    expect(stored?.denied).toMatchObject({
      sid,
      resourceArn: f.resource,
      requestedBy: ONCALL.id,
      approvedBy: [APPROVER.id],
    });
  };

  test('Deny on the public bucket, approved, adds one Deny for everyone outside the account and resolves the finding', async (page) => {
    // Prepare: the public bucket's finding is ACTIVE; its policy is the one public-read statement
    const finding = activeFindingOn(BUCKET_ARN);
    expect(finding.isPublic).toBe(true);
    const originalText = bucketPolicy();
    const original = JSON.parse(originalText) as Policy;
    expect(original.Statement).toHaveLength(1);
    expect(findExternalAccess(parsePolicy(originalText), aws().account, 'resource')).toEqual([
      expect.objectContaining({ principal: { AWS: '*' }, isPublic: true }),
    ]);
    const f = {
      id: finding.id,
      resource: BUCKET_ARN,
      target: `bucket policy of ${BUCKET_ARN}`,
      policy: bucketPolicy,
      diffShows: [
        '"Principal": "*"',
        '"Action": "s3:*"',
        `"aws:PrincipalAccount": "${aws().account}"`,
        '"aws:PrincipalIsAWSService": "false"',
      ],
    };

    // Act + Assess: the request, the approval, the summary (see denyAndApprove)
    const { sid, message, thread } = await denyAndApprove(page, f);

    // Assess: the original statement is kept, and exactly one Deny is added: everyone but the own account and
    // AWS services, on the bucket and its objects, with no Null condition (anonymous callers are denied too)
    const deniedText = bucketPolicy();
    const denied = JSON.parse(deniedText) as Policy;
    expect(denied.Version).toBe(original.Version);
    expect(denied.Statement).toHaveLength(2);
    expect(denied.Statement[0]).toEqual(original.Statement[0]);
    expect(denied.Statement.filter((s) => s.Effect === 'Deny')).toHaveLength(1);
    expect(denied.Statement[1]).toEqual({
      Sid: sid,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      Condition: {
        StringNotEquals: { 'aws:PrincipalAccount': aws().account },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    expect(denied.Statement[1]!.Condition).not.toHaveProperty('Null');

    // Assess: Access Analyzer re-analyses the bucket and resolves the finding; card and store say so
    await expectResolved(f, sid, message, thread);

    // Assess: the stand-in's analysis sees no external access left, and the owner's access is kept: a role of
    // the account may still read objects, while an anonymous caller and a role of another account may not
    expect(findExternalAccess(parsePolicy(deniedText), aws().account, 'resource')).toEqual([]);
    const doc = parsePolicyDocument(deniedText);
    const ownRole = aws().iam.getRole('BucketCreator')?.arn ?? '';
    expect(ownRole).toMatch(new RegExp(`^arn:aws:iam::${aws().account}:role/`));
    expect(isAllowed(doc, { principal: ownRole, action: 's3:GetObject' })).toMatchObject({
      allowed: true,
      matchedStatementSids: ['PublicRead'],
    });
    expect(isAllowed(doc, { principal: '*', action: 's3:GetObject' })).toMatchObject({
      allowed: false,
      decision: 'explicit-deny',
      matchedStatementSids: [sid],
    });
    expect(
      isAllowed(doc, { principal: 'arn:aws:iam::999988887777:role/AnyRole', action: 's3:GetObject' }),
    ).toMatchObject({ allowed: false, decision: 'explicit-deny' });
    await message.scrollIntoViewIfNeeded();
    await screenshot(page, 'deny-bucket-journey-resolved');
  }, 60_000);

  test('Deny on the shared KMS key, approved, adds a Deny for the partner and keeps the account root', async (page) => {
    // Prepare: the shared key's finding is ACTIVE; its policy is the root statement plus the partner's grant
    const key = aws().kms.getKey(KEY_ID);
    expect(key).toBeDefined();
    const finding = activeFindingOn(key!.arn);
    expect(finding.isPublic).toBe(false);
    const originalText = keyPolicy();
    const original = JSON.parse(originalText) as Policy;
    expect(original.Statement).toHaveLength(2);
    expect(original.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${aws().account}:root` },
      Action: 'kms:*',
    });
    const f = {
      id: finding.id,
      resource: key!.arn,
      target: `key policy of ${key!.arn}`,
      policy: keyPolicy,
      diffShows: [`"AWS": "${PARTNER_ROOT}"`, '"Action": "kms:*"'],
    };

    // Act + Assess: the request, the approval, the summary (see denyAndApprove)
    const { sid, message, thread } = await denyAndApprove(page, f);

    // Assess: both statements are kept (the root's kms:* Allow included), and one Deny for the partner is added
    const deniedText = keyPolicy();
    const denied = JSON.parse(deniedText) as Policy;
    expect(denied.Version).toBe(original.Version);
    expect(denied.Statement).toHaveLength(3);
    expect(denied.Statement.slice(0, 2)).toEqual(original.Statement);
    expect(denied.Statement[2]).toEqual({
      Sid: sid,
      Effect: 'Deny',
      Principal: { AWS: PARTNER_ROOT },
      Action: 'kms:*',
      Resource: '*',
    });

    // Assess: Access Analyzer re-analyses the key and resolves the finding; card and store say so
    await expectResolved(f, sid, message, thread);

    // Assess: no external access left, the partner is denied, and the account keeps its key (the root can still
    // change the key policy, so the key is not locked out; a role of the account can still decrypt)
    expect(findExternalAccess(parsePolicy(deniedText), aws().account, 'resource')).toEqual([]);
    const doc = parsePolicyDocument(deniedText);
    const root = `arn:aws:iam::${aws().account}:root`;
    expect(isAllowed(doc, { principal: root, action: 'kms:PutKeyPolicy' })).toMatchObject({
      allowed: true,
      matchedStatementSids: ['Enable IAM User Permissions'],
    });
    const ownRole = aws().iam.getRole('BucketCreator')?.arn ?? '';
    expect(isAllowed(doc, { principal: ownRole, action: 'kms:Decrypt' }).allowed).toBe(true);
    expect(isAllowed(doc, { principal: PARTNER_ROOT, action: 'kms:Decrypt' })).toMatchObject({
      allowed: false,
      decision: 'explicit-deny',
      matchedStatementSids: [sid],
    });
    await message.scrollIntoViewIfNeeded();
    await screenshot(page, 'deny-bucket-journey-kms-resolved');
  }, 60_000);
});
