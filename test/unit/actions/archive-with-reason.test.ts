/**
 * "Archive with reason…": the submission check (pure, runs before the ack) table-style, the modal the click
 * opens for each policy, the button's place next to Archive, and the archive remedy's plan with a reason.
 */
import { actionById, actions } from '../../../src/actions';
import { archiveReasonFrom, createArchiveRemedy } from '../../../src/actions/archive';
import { archiveWithReason, checkArchiveReason } from '../../../src/actions/archive-with-reason';
import { AppError } from '../../../src/errors';
import type { Finding } from '../../../src/findings/finding';
import type { FindingRecord } from '../../../src/findings/ports';
import { decodeArchiveReasonMeta } from '../../../src/slack/blocks/archive-reason-modal';
import { ARCHIVE_REASON_BLOCKS } from '../../../src/slack/ids';
import { aliceRoleFinding } from '../../fixtures/findings';
import { fromFile, policyFile } from '../approvals/fixtures';

const NOW = Date.parse('2026-03-10T15:30:00Z');
const REASON = 'Partner account 999988887777 runs our quarterly audit.';
const { reason: REASON_BLOCK, reviewOn: REVIEW_BLOCK, account: ACCOUNT_BLOCK } = ARCHIVE_REASON_BLOCKS;

const rec = (f: Partial<Finding> = {}): FindingRecord => ({
  finding: aliceRoleFinding(f),
  updatedAtMs: 0,
  suppressed: false,
  syncAttempts: 0,
});

describe('checkArchiveReason', () => {
  it.each<[string, Parameters<typeof checkArchiveReason>[0], Record<string, RegExp>]>([
    ['no reason', { reason: null }, { [REASON_BLOCK]: /at least 10 characters/ }],
    ['a reason too short', { reason: 'ok' }, { [REASON_BLOCK]: /at least 10 characters/ }],
    ['a reason short once trimmed', { reason: '     short     ' }, { [REASON_BLOCK]: /at least 10/ }],
    [
      'a reason too long',
      { reason: 'x'.repeat(2001) },
      { [REASON_BLOCK]: /2,000 characters \(it has 2,001\)/ },
    ],
    [
      'a review date in the past',
      { reason: REASON, reviewOn: '2026-03-01' },
      { [REVIEW_BLOCK]: /after today/ },
    ],
    [
      'a review date of today',
      { reason: REASON, reviewOn: '2026-03-10' },
      { [REVIEW_BLOCK]: /2026-03-11 or later/ },
    ],
    [
      'a review date over a year ahead',
      { reason: REASON, reviewOn: '2027-03-11' },
      { [REVIEW_BLOCK]: /2027-03-10 at the latest/ },
    ],
    [
      'a date that does not exist',
      { reason: REASON, reviewOn: '2026-02-30' },
      { [REVIEW_BLOCK]: /from the calendar/ },
    ],
    [
      'both a short reason and a past date',
      { reason: 'no', reviewOn: '2020-01-01' },
      { [REASON_BLOCK]: /10/, [REVIEW_BLOCK]: /after today/ },
    ],
  ])('refuses %s, naming the input', (_, input, expected) => {
    // Act
    const checked = checkArchiveReason(input, { now: NOW });
    // Assess
    expect(checked.kind).toBe('invalid');
    const errors = checked.kind === 'invalid' ? checked.errors : {};
    expect(Object.keys(errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [block, pattern] of Object.entries(expected)) expect(errors[block]).toMatch(pattern);
  });

  it.each<[string, Parameters<typeof checkArchiveReason>[0], { reason: string; reviewAt?: string }]>([
    ['a reason alone', { reason: REASON, reviewOn: null }, { reason: REASON }],
    ['a trimmed reason', { reason: `\n  ${REASON}  \n` }, { reason: REASON }],
    ['exactly 10 characters', { reason: '0123456789' }, { reason: '0123456789' }],
    ['exactly 2,000 characters', { reason: 'y'.repeat(2000) }, { reason: 'y'.repeat(2000) }],
    [
      'tomorrow, at 09:00 UTC',
      { reason: REASON, reviewOn: '2026-03-11' },
      { reason: REASON, reviewAt: '2026-03-11T09:00:00.000Z' },
    ],
    [
      'one year ahead to the day',
      { reason: REASON, reviewOn: '2027-03-10' },
      { reason: REASON, reviewAt: '2027-03-10T09:00:00.000Z' },
    ],
  ])('accepts %s', (_, input, why) => {
    expect(checkArchiveReason(input, { now: NOW })).toEqual({ kind: 'ok', why });
  });

  it('counts "today" in UTC: just before midnight UTC, tomorrow is the next UTC day', () => {
    const lateUtc = Date.parse('2026-03-10T23:59:00Z');
    expect(checkArchiveReason({ reason: REASON, reviewOn: '2026-03-11' }, { now: lateUtc }).kind).toBe('ok');
    const nextDayUtc = Date.parse('2026-03-11T00:01:00Z');
    expect(checkArchiveReason({ reason: REASON, reviewOn: '2026-03-11' }, { now: nextDayUtc }).kind).toBe(
      'invalid',
    );
  });

  it('takes 29 February to 1 March a year later as the last allowed date', () => {
    const leapDay = Date.parse('2028-02-29T12:00:00Z');
    expect(checkArchiveReason({ reason: REASON, reviewOn: '2029-03-01' }, { now: leapDay }).kind).toBe('ok');
    expect(checkArchiveReason({ reason: REASON, reviewOn: '2029-03-02' }, { now: leapDay }).kind).toBe(
      'invalid',
    );
  });

  it.each<[string, string | null]>([
    ['nothing typed', null],
    ['another account', '444455556666'],
    ['dashes', '1111-2222-3333'],
  ])('with a sensitive account to confirm, refuses %s', (_, account) => {
    const checked = checkArchiveReason({ reason: REASON, account }, { now: NOW, accountId: '111122223333' });
    expect(checked).toEqual({
      kind: 'invalid',
      errors: { [ACCOUNT_BLOCK]: expect.stringMatching(/account id/) },
    });
  });

  it('with a sensitive account to confirm, accepts its 12 digits with spaces around them', () => {
    const checked = checkArchiveReason(
      { reason: REASON, account: ' 111122223333 ' },
      { now: NOW, accountId: '111122223333' },
    );
    expect(checked.kind).toBe('ok');
  });
});

describe('the Archive with reason… action', () => {
  const origin = { user: 'U0ONCALL', channel: 'C0SECURITY', ts: '1700000000.000100' };
  const noChain = fromFile(policyFile);
  const withChain = fromFile({
    ...policyFile,
    actions: { ...policyFile.actions, archive: { stages: [{ name: 'leads', approvers: ['U0LEAD'] }] } },
  });

  it('sits right after Archive in the registry and shows where Archive shows', () => {
    // Assess
    expect(actions.map((a) => a.id).slice(0, 2)).toEqual(['archive', 'archive-with-reason']);
    expect(actionById('archive-with-reason')?.label).toBe('Archive with reason…');
    const archive = actionById('archive')!;
    for (const f of [
      {},
      { status: 'ARCHIVED' as const },
      { status: 'RESOLVED' as const },
      { isDeleted: true },
    ]) {
      expect(archiveWithReason.appliesTo(rec(f))).toBe(archive.appliesTo(rec(f)));
    }
    expect(archiveWithReason.permissions).toEqual(['access-analyzer:UpdateFindings']);
  });

  it('opens a modal that archives at once when Archive needs no approval, even on a sensitive account', () => {
    // Act
    const view = archiveWithReason.modal!(rec(), origin, noChain);
    // Assess
    expect(view.type).toBe('modal');
    const blockIds = view.blocks.map((b) => b.block_id).filter(Boolean);
    expect(blockIds).toEqual([REASON_BLOCK, REVIEW_BLOCK]);
    expect(view.type === 'modal' && view.submit?.text).toBe('Archive');
    expect(decodeArchiveReasonMeta(view.private_metadata)).toEqual({
      findingId: aliceRoleFinding().id,
      channel: origin.channel,
      ts: origin.ts,
    });
  });

  it('asks for the account id when Archive needs approval on a sensitive account', () => {
    // Act
    const sensitive = archiveWithReason.modal!(rec(), origin, withChain);
    const other = archiveWithReason.modal!(rec({ accountId: '444455556666' }), origin, withChain);
    // Assess
    expect(sensitive.blocks.map((b) => b.block_id).filter(Boolean)).toEqual([
      REASON_BLOCK,
      REVIEW_BLOCK,
      ACCOUNT_BLOCK,
    ]);
    expect(decodeArchiveReasonMeta(sensitive.private_metadata).accountId).toBe('111122223333');
    expect(sensitive.type === 'modal' && sensitive.submit?.text).toBe('Request archive');
    expect(other.blocks.map((b) => b.block_id).filter(Boolean)).toEqual([REASON_BLOCK, REVIEW_BLOCK]);
    expect(decodeArchiveReasonMeta(other.private_metadata).accountId).toBeUndefined();
  });
});

describe('the archive remedy with a reason', () => {
  const remedy = createArchiveRemedy({
    source: {} as never,
    store: {} as never,
    clock: { now: () => NOW },
  });

  it('keeps plain Archive’s plan when the request has no params', async () => {
    expect(await remedy.plan(rec())).toEqual({
      kind: 'finding-status',
      diff: '- status: ACTIVE\n+ status: ARCHIVED',
    });
  });

  it('puts the reason and review date into the plan and shows them in the diff', async () => {
    // Act
    const plan = await remedy.plan(rec(), {
      reason: 'line one\nline two',
      reviewAt: '2026-04-01T09:00:00.000Z',
    });
    // Assess
    expect(plan).toEqual({
      kind: 'finding-status',
      diff: expect.stringContaining('+ reason: line one\n+         line two'),
      reason: 'line one\nline two',
      reviewAt: '2026-04-01T09:00:00.000Z',
    });
    expect(plan.diff).toContain('+ review on: 2026-04-01T09:00:00.000Z');
    expect(archiveReasonFrom(plan)).toEqual({
      reason: 'line one\nline two',
      reviewAt: '2026-04-01T09:00:00.000Z',
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a reason that is not text', { reason: 42 }],
    ['an empty reason', { reason: '' }],
    ['a reason over 2,000 characters', { reason: 'x'.repeat(2001) }],
    ['a review time that is not a date', { reason: 'fine reason', reviewAt: 'not a date' }],
  ])('refuses params with %s, with a sentence for the requester', (_, params) => {
    // Act
    const attempt = () => remedy.check(rec(), params);
    // Assess
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ userMessage: expect.stringMatching(/not valid/) }));
  });
});

describe('the archive remedy when approval outlasts the review date', () => {
  const setup = (now: number) => {
    const calls: string[] = [];
    const completed: unknown[] = [];
    const noted: unknown[] = [];
    const remedy = createArchiveRemedy({
      source: {
        setStatus: async (_arn: string, _ids: string[], status: string) => {
          calls.push(status);
        },
      } as never,
      store: {
        notePendingArchive: async (_id: string, _requestId: string, why: unknown) => {
          noted.push(why);
        },
        completeAction: async (_id: string, _requestId: string, result: unknown) => {
          completed.push(result);
        },
      } as never,
      clock: { now: () => now },
    });
    return { remedy, calls, completed, noted };
  };
  const request = (plan: Record<string, unknown>) => ({
    id: 'req-1',
    requester: 'U0ONCALL',
    approvers: ['U0LEAD'],
    plan: { kind: 'finding-status', diff: '', ...plan },
  });
  const reviewAt = '2026-03-12T09:00:00.000Z';

  it('archives with the reason but without the review date that passed while the request waited, and says so', async () => {
    // Prepare: approved two days after the review date
    const { remedy, calls, completed, noted } = setup(Date.parse(reviewAt) + 2 * 86_400_000);
    // Act
    const result = await remedy.apply(rec(), request({ reason: REASON, reviewAt }));
    // Assess
    expect(calls).toEqual(['ARCHIVED']);
    expect(noted).toEqual([{ reason: REASON }]);
    expect(completed).toEqual([
      { status: 'ARCHIVED', archived: { by: 'U0ONCALL', at: expect.any(String), reason: REASON } },
    ]);
    expect(result.summary).toContain(
      'The review date (2026-03-12) passed while the request waited; archived without a review date.',
    );
    expect(result.details).toEqual({ status: 'ARCHIVED', reason: REASON, reviewDateLapsed: reviewAt });
  });

  it('keeps a review date still ahead, and puts it on the claim before calling AWS', async () => {
    // Prepare
    const { remedy, completed, noted } = setup(NOW);
    // Act
    const result = await remedy.apply(rec(), request({ reason: REASON, reviewAt }));
    // Assess
    expect(noted).toEqual([{ reason: REASON, reviewAt }]);
    expect(completed).toEqual([
      { status: 'ARCHIVED', archived: expect.objectContaining({ reason: REASON, reviewAt }) },
    ]);
    expect(result.summary).toContain('It will be reopened on 2026-03-12.');
  });

  it('refuses a request whose review date has already passed', () => {
    const { remedy } = setup(NOW);
    expect(() => remedy.check(rec(), { reason: REASON, reviewAt: '2026-03-10T09:00:00.000Z' })).toThrow(
      expect.objectContaining({ userMessage: expect.stringMatching(/review date has already passed/) }),
    );
  });
});
