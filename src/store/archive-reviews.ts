/**
 * The archive-review half of the FindingStore ("Archive with reason…" with a review date), on the findings table:
 * - `reviewQueue` + `reviewDueAt` are set only while a review is pending, so the review GSI holds only those
 *   (sparse) and `dueReviews` is one Query of due keys, however many findings there are;
 * - `claimReview` is a conditional write with a lease: one runner (replica) at a time reopens a finding, and a
 *   runner that died is taken over once its claim lapses;
 * - an event that moves the finding out of ARCHIVED before its review drops the review (`dropReviewAfter`);
 * - a failed attempt moves the review's due key (`reviewDueAt`) to its retry time (`deferReview`), keeping the
 *   date as chosen in `reviewScheduledAt`: the index is keys-only, so this is what lets later reviews be due
 *   first instead of a failing one taking the head of every run.
 * IAM: dynamodb:Query on the findings table's `reviewDueIndex` (besides the table's read/write).
 */
import dynamoose from 'dynamoose';
import type { Finding } from '../findings/finding';
import type { ArchiveInfo, ArchiveReviewStore, FindingRecord } from '../findings/ports';
import {
  FINDINGS_REVIEW_INDEX,
  type FindingItem,
  type Models,
  REVIEW_PENDING,
  isConditionFailure,
} from './models';

const Condition = dynamoose.Condition;

const REVIEW_ATTRIBUTES = [
  'reviewQueue',
  'reviewDueAt',
  'reviewClaim',
  'reviewClaimUntil',
  'reviewScheduledAt',
  'reviewAttempts',
];
const ARCHIVE_ATTRIBUTES = ['archivedBy', 'archivedAt', 'archivedReason'];

/**
 * The attributes an archive writes: who and when, plus the reason and the pending review when given. A new
 * archive also replaces what an earlier one left (reason, review) and voids any claim on an earlier review.
 */
export function archiveUpdate(archived: ArchiveInfo): { set: Record<string, unknown>; remove: string[] } {
  const set: Record<string, unknown> = { archivedBy: archived.by, archivedAt: archived.at };
  const remove = ['reviewClaim', 'reviewClaimUntil', 'reviewScheduledAt', 'reviewAttempts'];
  if (archived.reason) set.archivedReason = archived.reason;
  else remove.push('archivedReason');
  if (archived.reviewAt) {
    set.reviewQueue = REVIEW_PENDING;
    set.reviewDueAt = Date.parse(archived.reviewAt);
  } else {
    remove.push('reviewQueue', 'reviewDueAt');
  }
  return { set, remove };
}

export interface ArchiveReviews extends ArchiveReviewStore {
  /**
   * The finding left ARCHIVED some other way (un-archived in the console, resolved) at `updatedAt`: its pending
   * review and reason are dropped. Not while the bot is reopening it itself (a claim exists), and not for a
   * state older than the archive (a late event from before it). A no-op when no review is pending.
   */
  dropReviewAfter(id: string, updatedAt: string): Promise<void>;
}

export function createArchiveReviews(
  models: Models,
  read: {
    get(id: string): Promise<FindingRecord | undefined>;
    toRecord(item: FindingItem): FindingRecord;
  },
): ArchiveReviews {
  const { findings } = models;

  /** An update that only happens while `token` holds the review claim; false when it does not. */
  const whileClaimed = async (id: string, token: string, update: Record<string, unknown>) => {
    try {
      await findings.update({ id }, update, { condition: new Condition('reviewClaim').eq(token) });
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  };

  return {
    async dropReviewAfter(id, updatedAt) {
      const at = Date.parse(updatedAt);
      if (!Number.isFinite(at)) return;
      try {
        await findings.update(
          { id },
          {
            $REMOVE: ['reviewQueue', 'reviewDueAt', 'reviewScheduledAt', 'reviewAttempts', 'archivedReason'],
          },
          {
            // ISO times of one format compare like the instants they name.
            condition: new Condition('reviewDueAt')
              .exists()
              .and()
              .where('reviewClaim')
              .not()
              .exists()
              .and()
              .where('archivedAt')
              .lt(new Date(at).toISOString()),
          },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async dueReviews(now, limit) {
      const items = await findings
        .query('reviewQueue')
        .eq(REVIEW_PENDING)
        .where('reviewDueAt')
        .le(now)
        .using(FINDINGS_REVIEW_INDEX)
        .sort('ascending')
        .limit(limit)
        .exec();
      return items
        .filter((i) => typeof i.reviewDueAt === 'number')
        .map((i) => ({ findingId: i.id, reviewAtMs: i.reviewDueAt as number }));
    },

    async claimReview(id, reviewAtMs, token, now, until) {
      try {
        const item = await findings.update(
          { id },
          { $SET: { reviewClaim: token, reviewClaimUntil: until } },
          {
            condition: new Condition('reviewDueAt')
              .eq(reviewAtMs)
              .and()
              .parenthesis((c: InstanceType<typeof Condition>) =>
                c.where('reviewClaimUntil').not().exists().or().where('reviewClaimUntil').lt(now),
              ),
            returnValues: 'ALL_NEW',
          },
        );
        return read.toRecord(item as FindingItem);
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async markReopened(id, token) {
      const current = await read.get(id);
      if (current?.finding.status !== 'ARCHIVED') return;
      const finding: Finding = { ...current.finding, status: 'ACTIVE' };
      try {
        // A newer event (higher updatedAtMs) keeps its state; Access Analyzer's own ACTIVE event confirms ours.
        await findings.update(
          { id },
          { $SET: { status: 'ACTIVE', finding: JSON.stringify(finding) } },
          {
            condition: new Condition('reviewClaim')
              .eq(token)
              .and()
              .where('status')
              .eq('ARCHIVED')
              .and()
              .where('updatedAtMs')
              .eq(current.updatedAtMs),
          },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    finishReview: (id, token) =>
      whileClaimed(id, token, { $REMOVE: [...ARCHIVE_ATTRIBUTES, ...REVIEW_ATTRIBUTES] }),

    async releaseReview(id, token) {
      await whileClaimed(id, token, { $REMOVE: ['reviewClaim', 'reviewClaimUntil'] });
    },

    async deferReview(id, token, retryAt, options = {}) {
      const current = await findings.get({ id }, { consistent: true });
      if (current?.reviewClaim !== token || current.reviewDueAt === undefined) return;
      const scheduled = current.reviewScheduledAt ?? current.reviewDueAt;
      // Keeping the claim (until the retry) stops the bot's own ACTIVE event from dropping a review it has
      // already reopened in Access Analyzer; without it, a console un-archive meanwhile drops the review.
      const claim = options.keepClaim
        ? { set: { reviewClaimUntil: retryAt }, remove: [] }
        : { set: {}, remove: ['reviewClaim', 'reviewClaimUntil'] };
      await whileClaimed(id, token, {
        $SET: { reviewDueAt: retryAt, reviewScheduledAt: scheduled, ...claim.set },
        $ADD: { reviewAttempts: 1 },
        ...(claim.remove.length > 0 ? { $REMOVE: claim.remove } : {}),
      });
    },
  };
}
