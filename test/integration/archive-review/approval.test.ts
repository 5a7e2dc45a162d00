/**
 * "Archive with reason…" when the approval policy gives `archive` a chain, on a SENSITIVE_ACCOUNTS account:
 * the modal asks for the account id too; the request's message shows the reason and review date to the
 * approvers; once approved, the finding is archived with them, and reopened at the review date. A forged
 * dialog that does not confirm the account is refused after the ack; plain Archive asks for the account too.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { APPROVE_ACTION, ARCHIVE_REASON_BLOCKS } from '../../../src/slack/ids';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import type { OpenedView } from '../../../src/sandbox/slack-standin/types';
import { policyFile, settle } from '../approvals/support';
import {
  type ArchiveHarness,
  DAY,
  FINDING_ID,
  REASON,
  broadcasts,
  dateIn,
  openReasonModal,
  phases,
  startArchiveHarness,
  submitReason,
  updateFindingsTo,
} from './support';

const APPROVER = 'U0APPROVER1';

describe('Archive with reason… through an approval chain on a sensitive account', () => {
  let h: ArchiveHarness;
  let file: string;
  beforeAll(() => {
    file = policyFile(
      [
        'actions:',
        '  archive:',
        '    stages:',
        '      - name: leads',
        `        approvers: [${APPROVER}]`,
        "sensitive_accounts: ['111122223333']",
      ].join('\n'),
    );
  });
  beforeEach(async () => {
    h = await startArchiveHarness({ APPROVAL_POLICY_FILE: file });
  });
  afterEach(async () => {
    await h.stop();
  });
  afterAll(async () => {
    await rm(dirname(file), { recursive: true, force: true });
  });

  const requestMessage = () =>
    h.slack.replies(CHANNEL, h.ts).find((r) => JSON.stringify(r.blocks ?? []).includes(APPROVE_ACTION));

  it('needs the account id typed, shows the reason to the approvers, and archives with it once approved', async () => {
    // Prepare
    const reviewOn = dateIn(h.clock, 10);
    const reviewAt = `${reviewOn}T09:00:00.000Z`;
    const view = await openReasonModal(h);
    expect(view.view.submit).toMatchObject({ text: 'Request archive' });

    // Act: the wrong account first
    const wrong = await submitReason(h, view, { reason: REASON, reviewOn, account: '444455556666' });
    // Assess
    expect(wrong.outcome).toBe('errors');
    expect(wrong.errors).toEqual({ [ARCHIVE_REASON_BLOCKS.account]: expect.stringMatching(/account id/) });
    await settle();
    expect(requestMessage()).toBeUndefined();
    expect(await phases(h)).toEqual([]);

    // Act: the right account
    const right = await submitReason(h, view, { reason: REASON, reviewOn, account: '111122223333' });
    // Assess: a request whose message shows the reason and the review date; nothing archived yet
    expect(right.outcome).toBe('closed');
    const request = await eventually(requestMessage, 8000);
    const shown = JSON.stringify(request.blocks);
    expect(shown).toContain(`Archive requested by <@${ONCALL}>`);
    expect(shown).toContain(`+ reason: ${REASON}`);
    expect(shown).toContain(`+ review on: ${reviewAt}`);
    expect(updateFindingsTo(h, 'ARCHIVED')).toHaveLength(0);

    // Act: approved
    const res = await h.slack.clickButton({
      channel: CHANNEL,
      ts: request.ts,
      actionId: APPROVE_ACTION,
      userId: APPROVER,
    });
    expect(res.status).toBe(200);
    // Assess: archived with the reason and review date, shown on the card, logged
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED', 8000);
    expect(updateFindingsTo(h, 'ARCHIVED')).toHaveLength(1);
    await eventually(async () => (await h.bot.stores.findings.get(FINDING_ID))?.archived?.reason === REASON);
    expect((await h.bot.stores.findings.get(FINDING_ID))?.archived).toMatchObject({ by: ONCALL, reviewAt });
    await eventually(() => {
      const card = JSON.stringify(h.slack.message(CHANNEL, h.ts)?.blocks ?? []);
      return card.includes(`Archived by <@${ONCALL}>`) && card.includes(REASON) && card.includes('review on');
    });
    await eventually(async () => (await phases(h)).includes('succeeded'));
    const log = await h.bot.stores.decisions.forFinding(FINDING_ID);
    expect(log.map((d) => d.phase)).toEqual(['requested', 'vote', 'approved', 'succeeded']);
    for (const entry of [log[0], log[3]]) expect(entry?.input).toMatchObject({ reason: REASON, reviewAt });

    // Act: the review date comes
    h.clock.advance(11 * DAY);
    await h.bot.reviews.runDue();
    // Assess
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ACTIVE');
    const notes = broadcasts(h, h.ts).filter((m) => m.text.startsWith('🔁'));
    expect(notes.map((m) => m.text)).toEqual([expect.stringContaining(`by <@${ONCALL}>:\n> ${REASON}`)]);
  });

  /** What a forged submission would carry: the open modal's private_metadata rewritten. */
  const forgeMetadata = (view: OpenedView, edit: (meta: Record<string, string>) => void) => {
    const views = (h.slack as unknown as { viewsStore: { get(id: string): OpenedView | undefined } })
      .viewsStore;
    const live = views.get(view.id)!;
    const meta = JSON.parse(String(live.view.private_metadata)) as Record<string, string>;
    edit(meta);
    live.view.private_metadata = JSON.stringify(meta);
  };

  it.each<[string, (meta: Record<string, string>) => void, string]>([
    ['names no account', (meta) => delete meta.n, '000000000000'],
    ['names another account, typed to match', (meta) => (meta.n = '444455556666'), '444455556666'],
  ])('refuses, after the ack and changing nothing, a forged dialog that %s', async (_, edit, account) => {
    // Prepare
    const view = await openReasonModal(h);
    forgeMetadata(view, edit);
    // Act
    const result = await submitReason(h, view, { reason: REASON, reviewOn: dateIn(h.clock, 10), account });
    // Assess: acked (the check needs the stored finding), then refused privately
    expect(result.outcome).toBe('closed');
    await eventually(() =>
      h.slack
        .ephemerals({ user: ONCALL })
        .find((e) => e.text.includes("did not confirm the finding's account")),
    );
    await settle();
    expect(requestMessage()).toBeUndefined();
    expect(await phases(h)).toEqual([]);
    expect(updateFindingsTo(h, 'ARCHIVED')).toHaveLength(0);
    expect((await h.bot.stores.findings.get(FINDING_ID))?.pending).toBeUndefined();
  });

  it('makes plain Archive type the sensitive account’s id before requesting approval', async () => {
    // Act
    const res = await h.slack.clickButton({
      channel: CHANNEL,
      ts: h.ts,
      actionId: 'finding.archive',
      userId: ONCALL,
    });
    // Assess: a modal asking for the account, nothing requested yet
    expect(res.status).toBe(200);
    const modal = await eventually(() => h.slack.modalStack(ONCALL).at(-1));
    expect(modal.view.callback_id).toBe('finding.confirm-account');
    await settle();
    expect(requestMessage()).toBeUndefined();
    // Act: the right account
    const typed = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { account: { account: '111122223333' } },
    });
    // Assess
    expect(typed.outcome).toBe('closed');
    await eventually(requestMessage, 8000);
    expect(updateFindingsTo(h, 'ARCHIVED')).toHaveLength(0);
  });
});

describe('plain Archive on a sensitive account without an approval chain', () => {
  let h: ArchiveHarness;
  beforeEach(async () => {
    h = await startArchiveHarness({ SENSITIVE_ACCOUNTS: '111122223333' });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('stays one click: archived at once, no modal', async () => {
    // Act
    const res = await h.slack.clickButton({
      channel: CHANNEL,
      ts: h.ts,
      actionId: 'finding.archive',
      userId: ONCALL,
    });
    // Assess
    expect(res.status).toBe(200);
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
    expect(h.slack.modalStack(ONCALL)).toEqual([]);
    expect(updateFindingsTo(h, 'ARCHIVED')).toHaveLength(1);
  });
});
