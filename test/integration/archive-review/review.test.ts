/**
 * Issue #5 part 3, "Archive with reason…" (no approval chain): the modal, its checks before the ack, the
 * archive with a reason and a review date, and the reopening at the review date with a clock the test moves:
 * once, across runs and replicas; dropped when the finding is reopened earlier some other way; retried after
 * an AWS error with a backoff; finished despite a Slack failure once reopened; and the reason and review date
 * kept when the bot's write after UpdateFindings fails.
 */
import { reviewToken } from '../../../src/findings/review';
import { ARCHIVE_REASON_BLOCKS } from '../../../src/slack/ids';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import { settle } from '../approvals/support';
import {
  type ArchiveHarness,
  DAY,
  FINDING_ID,
  REASON,
  archiveWithReason,
  broadcasts,
  cards,
  dateIn,
  openReasonModal,
  phases,
  startArchiveHarness,
  startReplica,
  submitReason,
  updateFindingsTo,
} from './support';

describe('Archive with reason…', () => {
  let h: ArchiveHarness;
  beforeEach(async () => {
    h = await startArchiveHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const card = () => JSON.stringify(h.slack.message(CHANNEL, h.ts)?.blocks ?? []);
  const record = () => h.bot.stores.findings.get(FINDING_ID);
  /** Moves the bot's clock past the review date and runs the due work, as the bot's timer would. */
  const pastReviewAndRunDue = async () => {
    h.clock.advance(8 * DAY);
    await h.bot.reviews.runDue();
  };

  it('opens a modal from the button next to Archive', async () => {
    // Assess: both buttons on the card
    expect(card()).toContain('"finding.archive"');
    expect(card()).toContain('Archive with reason…');
    // Act
    const view = await openReasonModal(h);
    // Assess
    expect(view.view.title).toMatchObject({ text: 'Archive with reason' });
    const inputs = (view.view.blocks as { type: string; block_id?: string }[]).filter(
      (b) => b.type === 'input',
    );
    expect(inputs.map((b) => b.block_id)).toEqual([
      ARCHIVE_REASON_BLOCKS.reason,
      ARCHIVE_REASON_BLOCKS.reviewOn,
    ]);
  });

  it('answers a blank reason, a past date or a date over a year ahead with errors, and changes nothing', async () => {
    // Prepare
    const view = await openReasonModal(h);
    // Act: twelve characters for Slack's client, two once trimmed; and yesterday
    const first = await submitReason(h, view, { reason: '     ok     ', reviewOn: dateIn(h.clock, -1) });
    const second = await submitReason(h, view, { reason: REASON, reviewOn: dateIn(h.clock, 400) });
    // Assess
    expect(first.outcome).toBe('errors');
    expect(first.errors).toEqual({
      [ARCHIVE_REASON_BLOCKS.reason]: expect.stringMatching(/at least 10 characters/),
      [ARCHIVE_REASON_BLOCKS.reviewOn]: expect.stringMatching(/after today/),
    });
    expect(second.outcome).toBe('errors');
    expect(second.errors).toEqual({
      [ARCHIVE_REASON_BLOCKS.reviewOn]: expect.stringMatching(/one year ahead/),
    });
    expect(h.slack.modalStack(ONCALL).at(-1)?.id).toBe(view.id);
    await settle();
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(0);
    expect(h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status).toBe('ACTIVE');
    const rec = await record();
    expect(rec?.finding.status).toBe('ACTIVE');
    expect(rec?.archived).toBeUndefined();
    expect(await phases(h)).toEqual([]);
  });

  it('archives with the reason and review date, and at that date reopens once and says so in the channel', async () => {
    // Act
    const reviewOn = dateIn(h.clock, 7);
    await archiveWithReason(h, reviewOn);
    // Assess: archived in Access Analyzer, recorded, shown and logged with the reason
    const reviewAt = `${reviewOn}T09:00:00.000Z`;
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
    expect(updateFindingsTo(h, 'ARCHIVED')).toHaveLength(1);
    expect((await record())?.archived).toMatchObject({ by: ONCALL, reason: REASON, reviewAt });
    await eventually(() => card().includes(`Archived by <@${ONCALL}>`) && card().includes('review on'));
    expect(card()).toContain(REASON);
    expect(card()).not.toContain('"finding.archive');
    const log = await h.bot.stores.decisions.forFinding(FINDING_ID);
    expect(log.map((d) => [d.action, d.actor, d.phase])).toEqual([
      ['archive', ONCALL, 'requested'],
      ['archive', ONCALL, 'succeeded'],
    ]);
    expect(log[0]?.input).toMatchObject({ status: 'ARCHIVED', reason: REASON, reviewAt });

    // Act: before the date nothing happens; after it, the due work runs twice
    await h.bot.reviews.runDue();
    expect(updateFindingsTo(h, 'ACTIVE')).toHaveLength(0);
    await pastReviewAndRunDue();
    await h.bot.reviews.runDue();

    // Assess: reopened once, with an idempotency token derived from the finding and the review time
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ACTIVE');
    const reopens = updateFindingsTo(h, 'ACTIVE');
    expect(reopens).toHaveLength(1);
    expect(reopens[0]?.input).toMatchObject({
      ids: [FINDING_ID],
      clientToken: reviewToken(FINDING_ID, Date.parse(reviewAt)),
    });
    await eventually(() => card().includes('"finding.archive-with-reason"'));
    expect(card()).toContain('ACTIVE');
    expect(card()).toContain('"finding.archive"');
    expect(card()).not.toContain('Archived by');
    // One finding, one top-level message; the note is a thread reply also sent to the channel.
    expect(cards(h)).toHaveLength(1);
    const notes = broadcasts(h, h.ts);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toMatch(/^🔁 Review date reached/);
    expect(notes[0]?.text).toContain(`by <@${ONCALL}>:\n> ${REASON}`);
    const rec = await record();
    expect(rec?.finding.status).toBe('ACTIVE');
    expect(rec?.archived).toBeUndefined();
    const reopened = (await h.bot.stores.decisions.forFinding(FINDING_ID)).filter(
      (d) => d.phase === 'reopened',
    );
    expect(reopened).toHaveLength(1);
    expect(reopened[0]).toMatchObject({
      action: 'archive',
      actor: 'bot',
      input: { reason: REASON, archivedBy: ONCALL, reviewAt, status: 'ACTIVE' },
    });
  });

  it('reopens once when two replicas on the same tables run the due work at the same moment', async () => {
    // Prepare
    await archiveWithReason(h, dateIn(h.clock, 3));
    const replica = await startReplica(h);
    try {
      h.clock.advance(8 * DAY);
      // Act
      await Promise.all([h.bot.reviews.runDue(), replica.reviews.runDue(), h.bot.reviews.runDue()]);
      await replica.reviews.runDue();
    } finally {
      await replica.stop();
    }
    // Assess
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ACTIVE');
    expect(updateFindingsTo(h, 'ACTIVE')).toHaveLength(1);
    expect(broadcasts(h, h.ts)).toHaveLength(1);
    expect((await phases(h)).filter((p) => p === 'reopened')).toHaveLength(1);
  });

  it('drops the review of a finding reopened in the console before its review date', async () => {
    // Prepare
    await archiveWithReason(h, dateIn(h.clock, 7));
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
    // Act: someone un-archives it in the console; Access Analyzer's event reaches the bot
    h.aws.accessAnalyzer.setStatus(FINDING_ID, 'ACTIVE');
    await eventually(async () => (await record())?.finding.status === 'ACTIVE');
    await pastReviewAndRunDue();
    // Assess
    await settle();
    const rec = await record();
    expect(rec?.archived?.reviewAt).toBeUndefined();
    expect(rec?.archived?.reason).toBeUndefined();
    expect(updateFindingsTo(h, 'ACTIVE')).toHaveLength(0);
    expect(broadcasts(h, h.ts)).toHaveLength(0);
    expect(await phases(h)).not.toContain('reopened');
    await eventually(() => card().includes('"finding.archive-with-reason"'));
  });

  it('retries a review whose reopening failed in AWS after a backoff that doubles, not on every run', async () => {
    // Prepare: UpdateFindings(ACTIVE) is denied twice
    const reviewOn = dateIn(h.clock, 2);
    const reviewAt = `${reviewOn}T09:00:00.000Z`;
    await archiveWithReason(h, reviewOn);
    h.aws.failNext('UpdateFindings', { name: 'AccessDeniedException', status: 403, message: 'injected' }, 2);
    const attempts = () => updateFindingsTo(h, 'ACTIVE').length;
    // Act: the first attempt fails
    await pastReviewAndRunDue();
    // Assess: nothing lost, logged, the review date as chosen kept
    expect(attempts()).toBe(1);
    expect(h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status).toBe('ARCHIVED');
    expect((await record())?.archived).toMatchObject({ reason: REASON, reviewAt });
    expect(await phases(h)).not.toContain('reopened');
    expect(h.logs.some((l) => l.includes('archive review failed; retried later'))).toBe(true);
    // Act + Assess: the runs within the first minute leave it alone; the one after it tries again (and fails)
    await h.bot.reviews.runDue();
    h.clock.advance(45_000);
    await h.bot.reviews.runDue();
    expect(attempts()).toBe(1);
    h.clock.advance(20_000);
    await h.bot.reviews.runDue();
    expect(attempts()).toBe(2);
    // Act + Assess: the second wait is two minutes
    h.clock.advance(65_000);
    await h.bot.reviews.runDue();
    expect(attempts()).toBe(2);
    h.clock.advance(60_000);
    await h.bot.reviews.runDue();
    // Assess: reopened with the token of the review date as chosen, and said so once
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ACTIVE');
    expect(attempts()).toBe(3);
    expect(updateFindingsTo(h, 'ACTIVE').at(-1)?.input).toMatchObject({
      clientToken: reviewToken(FINDING_ID, Date.parse(reviewAt)),
    });
    expect(broadcasts(h, h.ts)).toHaveLength(1);
    expect(broadcasts(h, h.ts)[0]?.text).toContain(reviewOn);
    expect((await phases(h)).filter((p) => p === 'reopened')).toHaveLength(1);
    expect((await record())?.archived).toBeUndefined();
  });

  it('finishes a review whose thread reply fails once the finding is reopened (the channel was archived)', async () => {
    // Prepare
    await archiveWithReason(h, dateIn(h.clock, 2));
    await settle();
    h.slack.failNext('chat.postMessage', { error: 'is_archived' }, 5);
    // Act
    await pastReviewAndRunDue();
    // Assess: reopened, recorded, logged; the review is done, not retried
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ACTIVE');
    const rec = await record();
    expect(rec?.finding.status).toBe('ACTIVE');
    expect(rec?.archived).toBeUndefined();
    expect(h.logs.some((l) => l.includes('the Slack message or thread reply failed'))).toBe(true);
    h.clock.advance(2 * 3_600_000);
    await h.bot.reviews.runDue();
    expect(updateFindingsTo(h, 'ACTIVE')).toHaveLength(1);
    expect((await phases(h)).filter((p) => p === 'reopened')).toHaveLength(1);
    expect(await h.bot.stores.findings.dueReviews(h.clock.now(), 10)).toEqual([]);
  });

  it('keeps the reason and review date when the write after UpdateFindings fails, and reopens at that date', async () => {
    // Prepare: the bot's own write after UpdateFindings(ARCHIVED) fails once (a DynamoDB error)
    const store = h.bot.stores.findings;
    const completeAction = store.completeAction.bind(store);
    let failures = 1;
    store.completeAction = async (...args) => {
      if (failures-- > 0) throw new Error('injected: DynamoDB write failed');
      return completeAction(...args);
    };
    const reviewOn = dateIn(h.clock, 7);
    const reviewAt = `${reviewOn}T09:00:00.000Z`;
    // Act: archive with reason; Access Analyzer's ARCHIVED event reaches the bot
    const view = await openReasonModal(h);
    expect((await submitReason(h, view, { reason: REASON, reviewOn })).outcome).toBe('closed');
    // Assess: the event recorded the archive from the claim
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
    const rec = await eventually(async () => {
      const r = await record();
      return r?.finding.status === 'ARCHIVED' && r.archived?.reason ? r : undefined;
    });
    expect(failures).toBe(0);
    expect(rec.archived).toMatchObject({ by: ONCALL, reason: REASON, reviewAt });
    expect(rec.pending).toBeUndefined();
    // Act: the review date comes
    await pastReviewAndRunDue();
    // Assess
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ACTIVE');
    expect(broadcasts(h, h.ts).map((m) => m.text)).toEqual([
      expect.stringContaining(`by <@${ONCALL}>:\n> ${REASON}`),
    ]);
  });

  it('drops the review of a finding Access Analyzer no longer has, instead of retrying it forever', async () => {
    // Prepare
    await archiveWithReason(h, dateIn(h.clock, 2));
    h.aws.failNext(
      'UpdateFindings',
      { name: 'ResourceNotFoundException', status: 404, message: 'injected' },
      1,
    );
    // Act
    await pastReviewAndRunDue();
    await h.bot.reviews.runDue();
    // Assess
    expect(updateFindingsTo(h, 'ACTIVE')).toHaveLength(1);
    expect((await record())?.archived?.reviewAt).toBeUndefined();
    expect(await phases(h)).not.toContain('reopened');
    expect(broadcasts(h, h.ts)).toHaveLength(0);
    expect(h.logs.some((l) => l.includes('Access Analyzer no longer has the finding'))).toBe(true);
  });
});
