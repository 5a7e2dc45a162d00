/**
 * What "Archive with reason…" shows: the card's archived line (reason clipped to one line, review date), the
 * message re-rendering when those change, and the broadcast note quoting the reason at the review date.
 */
import { actions } from '../../../src/actions';
import type { FindingRecord } from '../../../src/findings/ports';
import { renderKey } from '../../../src/findings/sync';
import { validateBlocks } from '../../../src/sandbox/slack-standin/block-limits';
import { archivedLine, findingCard } from '../../../src/slack/blocks/finding-card';
import { reopenedNote } from '../../../src/slack/blocks/review-note';
import { aliceRoleFinding } from '../../fixtures/findings';

const AT = '2026-03-10T15:30:00.000Z';
const REVIEW = '2026-06-01T09:00:00.000Z';
const secs = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const archived = (
  archivedInfo: FindingRecord['archived'],
  status: 'ARCHIVED' | 'ACTIVE' = 'ARCHIVED',
): FindingRecord => ({
  finding: aliceRoleFinding({ status }),
  updatedAtMs: 0,
  suppressed: false,
  syncAttempts: 0,
  archived: archivedInfo,
});

describe('the archived line of the finding card', () => {
  it.each<[string, NonNullable<FindingRecord['archived']>, RegExp]>([
    ['plain Archive', { by: 'U0ONCALL', at: AT }, /^🗄️ Archived by <@U0ONCALL>, <!date\^\d+\^[^>]+>$/],
    [
      'with a reason',
      { by: 'U0ONCALL', at: AT, reason: 'Partner audit role' },
      /, <!date[^>]+> — Partner audit role$/,
    ],
    [
      'with a reason and a review date',
      { by: 'U0ONCALL', at: AT, reason: 'Partner audit role', reviewAt: REVIEW },
      new RegExp(`— Partner audit role · review on <!date\\^${secs(REVIEW)}\\^`),
    ],
    ['on one line, escaped', { by: 'U1', at: AT, reason: 'a <b>\n\n& c  d' }, / — a &lt;b&gt; &amp; c d$/],
  ])('%s', (_, info, expected) => {
    expect(archivedLine(info)).toMatch(expected);
  });

  it('clips a long reason to 300 characters (the thread and the decision log keep all of it)', () => {
    const line = archivedLine({ by: 'U1', at: AT, reason: 'z'.repeat(2000) });
    expect(line).toContain(`— ${'z'.repeat(299)}…`);
    expect(line).not.toContain('z'.repeat(300));
  });

  it('is on the card while archived, with Archive and Archive with reason… gone, and within Slack’s limits', () => {
    // Act
    const { blocks } = findingCard(
      archived({ by: 'U0ONCALL', at: AT, reason: 'r'.repeat(2000), reviewAt: REVIEW }),
      actions,
    );
    // Assess
    const text = JSON.stringify(blocks);
    expect(text).toContain('Archived by <@U0ONCALL>');
    expect(text).toContain('review on');
    expect(text).not.toContain('finding.archive');
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('is not on the card of an active finding, which offers both Archive buttons again', () => {
    const { blocks } = findingCard(
      archived({ by: 'U0ONCALL', at: AT, reason: 'Partner audit role' }, 'ACTIVE'),
      actions,
    );
    const text = JSON.stringify(blocks);
    expect(text).not.toContain('Archived by');
    expect(text).toContain('"finding.archive"');
    expect(text).toContain('"finding.archive-with-reason"');
  });
});

describe('renderKey and archive reasons', () => {
  it('changes with the reason and the review date while archived, so the message is edited', () => {
    const plain = renderKey(archived({ by: 'U1', at: AT }));
    const reason = renderKey(archived({ by: 'U1', at: AT, reason: 'Partner audit role' }));
    const review = renderKey(archived({ by: 'U1', at: AT, reason: 'Partner audit role', reviewAt: REVIEW }));
    expect(new Set([plain, reason, review]).size).toBe(3);
  });

  it('ignores archive details the card does not show (the finding is active again)', () => {
    const a = renderKey(archived({ by: 'U1', at: AT, reason: 'Partner audit role' }, 'ACTIVE'));
    const b = renderKey(archived(undefined, 'ACTIVE'));
    expect(a).toBe(b);
  });
});

describe('reopenedNote', () => {
  it('says the review date came and quotes the reason, who gave it and when', () => {
    // Act
    const note = reopenedNote({
      by: 'U0ONCALL',
      at: AT,
      reason: 'Partner audit\nuntil the contract ends <soon>',
      reviewAt: REVIEW,
    });
    // Assess
    expect(note).toMatch(/^🔁 Review date reached \(<!date\^\d+\^/);
    expect(note).toContain(`Archived <!date^${secs(AT)}^`);
    expect(note).toContain('by <@U0ONCALL>:\n> Partner audit\n> until the contract ends &lt;soon&gt;');
  });
});
