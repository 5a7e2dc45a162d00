/**
 * "Archive with reason…": Archive with a justification and an optional review date. The click opens a modal
 * (src/slack/blocks/archive-reason-modal.ts); its submission is checked before the ack (`checkArchiveReason`,
 * no I/O) and then, after the ack, archives like Archive (`archiveFinding`) or, when the approval policy gives
 * `archive` a chain, requests approval with the reason and review date as the request's params (the archive
 * remedy archives with them once approved). At the review date the finding is reopened and posted again
 * (src/findings/review.ts). Needs: access-analyzer:UpdateFindings.
 * Review time: 09:00 UTC of the chosen date; the date must be after today (UTC) and at most one year ahead.
 * @example reason "Partner audit role, contract #123", review on 2026-09-01 → archived now, the card says
 *   "Archived by @alice, … — Partner audit role, contract #123 · review on …", reopened 2026-09-01 09:00 UTC.
 */
import { confirmsAccount, needsAccountConfirmation } from '../approvals/policy';
import { archiveReasonModal } from '../slack/blocks/archive-reason-modal';
import { ARCHIVE_REASON_BLOCKS } from '../slack/ids';
import {
  type ArchiveReason,
  REASON_MAX_CHARS,
  REASON_MIN_CHARS,
  archive,
  archiveNeedsApproval,
} from './archive';
import type { FindingAction } from './types';

/** The hour (UTC) of the review date at which the finding is reopened. */
export const REVIEW_HOUR_UTC = 9;

const DAY_MS = 86_400_000;

export const archiveWithReason: FindingAction = {
  id: 'archive-with-reason',
  label: 'Archive with reason…',
  permissions: ['access-analyzer:UpdateFindings'],
  appliesTo: (record) => archive.appliesTo(record),
  modal(record, origin, policy) {
    const { finding } = record;
    const approval = archiveNeedsApproval(policy);
    const confirm = approval && needsAccountConfirmation(policy, finding.accountId);
    return archiveReasonModal({
      meta: {
        findingId: finding.id,
        channel: origin.channel,
        ts: origin.ts,
        ...(confirm ? { accountId: finding.accountId } : {}),
      },
      resource: finding.resource,
      approval,
    });
  },
};

/** What the modal's submission holds (Slack sends null for an untouched input). */
export interface ArchiveReasonInput {
  reason?: string | null;
  /** `YYYY-MM-DD` from the datepicker. */
  reviewOn?: string | null;
  /** What was typed into the account id input, when the modal had one. */
  account?: string | null;
}

export type ArchiveReasonCheck =
  | { kind: 'ok'; why: ArchiveReason }
  /** Messages by input block id, as Slack's `response_action: 'errors'` takes them. */
  | { kind: 'invalid'; errors: Record<string, string> };

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The epoch ms of a `YYYY-MM-DD` calendar date at 00:00 UTC, or undefined if it is no such date. */
function dayMs(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return utcDay(ms) === date ? ms : undefined;
}

/** The same calendar day one year later (29 February → 1 March). */
function oneYearAfter(dayStartMs: number): number {
  const d = new Date(dayStartMs);
  return Date.UTC(d.getUTCFullYear() + 1, d.getUTCMonth(), d.getUTCDate());
}

/**
 * Checks a submission of the modal; pure and synchronous, so it runs before the ack. The reason is trimmed
 * and must keep 10–2,000 characters; the review date is optional, must be after today and at most one year
 * ahead (both in UTC), and becomes 09:00 UTC of that date; `accountId` (sensitive account) must be typed.
 * @example checkArchiveReason({ reason: '  Partner audit role  ', reviewOn: '2026-09-01' }, { now: Date.parse('2026-03-10T12:00:00Z') })
 *   // { kind: 'ok', why: { reason: 'Partner audit role', reviewAt: '2026-09-01T09:00:00.000Z' } }
 */
export function checkArchiveReason(
  input: ArchiveReasonInput,
  context: { now: number; accountId?: string },
): ArchiveReasonCheck {
  const errors: Record<string, string> = {};
  const reason = (input.reason ?? '').trim();
  if (reason.length < REASON_MIN_CHARS) {
    errors[ARCHIVE_REASON_BLOCKS.reason] =
      `Say why this access is intended, in at least ${REASON_MIN_CHARS} characters.`;
  } else if (reason.length > REASON_MAX_CHARS) {
    errors[ARCHIVE_REASON_BLOCKS.reason] =
      `Keep the reason to ${REASON_MAX_CHARS.toLocaleString('en-US')} characters (it has ${reason.length.toLocaleString('en-US')}).`;
  }
  let reviewAt: string | undefined;
  if (input.reviewOn) {
    const day = dayMs(input.reviewOn);
    const today = dayMs(utcDay(context.now)) as number;
    const latest = oneYearAfter(today);
    if (day === undefined) {
      errors[ARCHIVE_REASON_BLOCKS.reviewOn] = 'Pick a date from the calendar.';
    } else if (day <= today) {
      errors[ARCHIVE_REASON_BLOCKS.reviewOn] =
        `Pick a date after today (${utcDay(today)}, UTC): ${utcDay(today + DAY_MS)} or later.`;
    } else if (day > latest) {
      errors[ARCHIVE_REASON_BLOCKS.reviewOn] =
        `Pick a date at most one year ahead: ${utcDay(latest)} at the latest.`;
    } else {
      reviewAt = new Date(day + REVIEW_HOUR_UTC * 3_600_000).toISOString();
    }
  }
  if (context.accountId !== undefined && !confirmsAccount(input.account ?? '', context.accountId)) {
    errors[ARCHIVE_REASON_BLOCKS.account] =
      "That is not this finding's account id. Type the 12 digits shown above.";
  }
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  return { kind: 'ok', why: { reason, ...(reviewAt ? { reviewAt } : {}) } };
}
