/** The thread reply (broadcast to the channel) that announces an archive review: pure text, no I/O. */
import type { ArchiveInfo } from '../../findings/ports';
import { escapeMrkdwn, slackDate } from '../text';

/** Longest part of the reason quoted (a thread reply is cut at 3,900 characters anyway). */
const QUOTE_MAX = 2000;

/**
 * @example reopenedNote({ by: 'U0ONCALL', at: '2026-03-10T12:00:00Z', reason: 'Partner audit', reviewAt: '2026-09-01T09:00:00.000Z' })
 *   // '🔁 Review date reached (<!date…>): this finding is open again. Archived <!date…> by <@U0ONCALL>:\n> Partner audit'
 */
export function reopenedNote(archived: ArchiveInfo & { reviewAt: string }): string {
  const reason = archived.reason
    ? escapeMrkdwn(archived.reason.slice(0, QUOTE_MAX))
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n')
    : '> (no reason given)';
  return (
    `🔁 Review date reached (${slackDate(archived.reviewAt)}): this finding is open again, please decide anew. ` +
    `Archived ${slackDate(archived.at)} by <@${archived.by}>:\n${reason}`
  );
}
