/**
 * Archive reviews: a finding archived with a review date ("Archive with reason…") is reopened when that date
 * comes. `runDue` (at start-up and with the due-work timer) takes each due review through these steps:
 * 1. claim it (conditional write with a lease): one replica at a time, and a lapsed claim is taken over;
 * 2. UpdateFindings(ACTIVE) with a client token derived from the finding id and the review time, so a retry is
 *    the same request to Access Analyzer;
 * 3. the decision log's `reopened` entry (keyed by that token: written once), with the reason and who gave it;
 * 4. the record becomes ACTIVE and the message is edited (buttons back), then a thread reply broadcast to the
 *    channel quotes the reason and who gave it;
 * 5. the review, the archive details and the claim are cleared.
 * A failure of steps 2–3 or of the store's part of 4 is logged and the review is retried after a backoff (1 min,
 * doubling with each failed attempt up to 1 h; attempts are counted on the item): its due key moves to the
 * retry time, so later reviews are due first and a review that keeps failing (UpdateFindings AccessDenied)
 * neither loops every run nor holds up the others. The retry starts again at step 1, and steps 2–4 find their
 * work done where it was done. Once Access Analyzer and the store have the finding ACTIVE, a Slack failure
 * (message edit, thread reply: e.g. the channel was archived) is logged and the review still finishes. A crash
 * between 4 and 5 can repeat the reply.
 * A finding found resolved or deleted (in the store, or by Access Analyzer's ResourceNotFound) is not reopened:
 * its review is just cleared.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { FindingNotFoundError, errorMessage } from '../errors';
import type {
  ArchiveInfo,
  Clock,
  DecisionLog,
  DueReview,
  FindingMessenger,
  FindingStore,
  FindingsSource,
} from './ports';
import type { FindingSync } from './sync';

/** How long one runner may hold a review before another may take it over. */
const CLAIM_MS = 5 * 60_000;
/** Reviews handled per run; the rest wait for the next run (every 15 s). */
const BATCH = 25;
/** The wait before retrying a failed review: 1 min, doubling with each failed attempt, at most 1 h. */
const RETRY_FIRST_MS = 60_000;
const RETRY_MAX_MS = 60 * 60_000;

/**
 * How long to wait after the `attempts`-th failed attempt at a review.
 * @example retryDelayMs(1) // 60_000; retryDelayMs(3) // 240_000; retryDelayMs(20) // 3_600_000
 */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
}

export interface ReviewerDeps {
  store: FindingStore;
  source: FindingsSource;
  decisions: DecisionLog;
  sync: FindingSync;
  messenger: FindingMessenger;
  clock: Clock;
  log: Logger;
  /** The thread reply announcing the reopening (quotes the reason and who gave it). */
  reopenedNote(archived: ArchiveInfo & { reviewAt: string }): string;
}

export interface Reviewer {
  /** Reopens every review that is due now; safe to call any number of times, from any number of replicas. */
  runDue(): Promise<void>;
}

/**
 * The UpdateFindings client token (and decision-log request id) of one review: a UUID-shaped SHA-256 of the
 * finding id and the review time, the same on every retry and every replica.
 * @example reviewToken('5a3b7c9d-…', 1788253200000) // 'c0a1…-…' (36 characters)
 */
export function reviewToken(findingId: string, reviewAtMs: number): string {
  const hex = createHash('sha256').update(`archive-review:${findingId}:${reviewAtMs}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function createReviewer(deps: ReviewerDeps): Reviewer {
  const { store, source, decisions, sync, messenger, clock, log } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();

  async function reopen(due: DueReview): Promise<void> {
    const token = randomUUID();
    const now = clock.now();
    const rec = await store.claimReview(due.findingId, due.reviewAtMs, token, now, now + CLAIM_MS);
    if (!rec) return; // another runner has it, or it is no longer pending
    // The due key may be a retry time; the review date as chosen names the review (token, note, log).
    const scheduled = rec.archived?.reviewAt ? Date.parse(rec.archived.reviewAt) : Number.NaN;
    const reviewAtMs = Number.isFinite(scheduled) ? scheduled : due.reviewAtMs;
    const ctx = { findingId: due.findingId, reviewAt: iso(reviewAtMs) };
    let reopenedInAws = false;
    try {
      const { finding } = rec;
      if (finding.isDeleted || finding.status === 'RESOLVED') {
        await store.finishReview(finding.id, token);
        log.info(
          { ...ctx, status: finding.status },
          'archive review dropped: the finding is no longer archived',
        );
        return;
      }
      const archived = {
        by: 'unknown',
        at: iso(reviewAtMs),
        ...rec.archived,
        reviewAt: iso(reviewAtMs),
      };
      const requestId = reviewToken(finding.id, reviewAtMs);
      try {
        await source.setStatus(finding.analyzerArn, [finding.id], 'ACTIVE', requestId);
      } catch (err) {
        if (!(err instanceof FindingNotFoundError)) throw err;
        // Gone from Access Analyzer (deleted, or its analyzer was): there is nothing to reopen, ever.
        await store.finishReview(finding.id, token);
        log.warn(
          { ...ctx, err: errorMessage(err) },
          'archive review dropped: Access Analyzer no longer has the finding',
        );
        return;
      }
      reopenedInAws = true;
      await decisions.append({
        requestId,
        findingId: finding.id,
        action: 'archive',
        actor: 'bot',
        phase: 'reopened',
        at: iso(clock.now()),
        input: {
          analyzerArn: finding.analyzerArn,
          ids: [finding.id],
          status: 'ACTIVE',
          reviewAt: archived.reviewAt,
          archivedBy: archived.by,
          archivedAt: archived.at,
          ...(archived.reason ? { reason: archived.reason } : {}),
        },
        result: { status: 'ACTIVE' },
      });
      await store.markReopened(finding.id, token);
      try {
        await sync(finding.id, { justChanged: true });
        const ref = rec.slack ?? (await store.get(finding.id))?.slack;
        if (ref) await messenger.threadReply(ref, deps.reopenedNote(archived), { broadcast: true });
      } catch (err) {
        // Reopened in Access Analyzer and in the store: retrying would not bring a Slack message that keeps
        // failing (archived channel) any closer, and would hold up the reviews after it.
        log.warn(
          { ...ctx, err: errorMessage(err) },
          'archive review: the finding was reopened, but the Slack message or thread reply failed',
        );
      }
      if (!(await store.finishReview(finding.id, token))) {
        log.warn(ctx, 'archive review claim lost before it was cleared; the finding was reopened');
        return;
      }
      log.info(ctx, 'finding reopened at its review date');
    } catch (err) {
      const attempts = (rec.reviewAttempts ?? 0) + 1;
      const retryAt = clock.now() + retryDelayMs(attempts);
      await store
        .deferReview(due.findingId, token, retryAt, { keepClaim: reopenedInAws })
        .catch((e: unknown) =>
          // The claim lapses by itself (CLAIM_MS); the review is retried then.
          log.warn({ ...ctx, err: errorMessage(e) }, 'archive review: could not schedule the retry'),
        );
      log.error(
        { ...ctx, attempts, retryAt: iso(retryAt), err: errorMessage(err) },
        'archive review failed; retried later',
      );
    }
  }

  return {
    async runDue() {
      for (const due of await store.dueReviews(clock.now(), BATCH)) {
        try {
          await reopen(due);
        } catch (err) {
          // Only the claim itself can fail here (a failure after it is handled in `reopen`).
          log.error(
            { findingId: due.findingId, dueAt: iso(due.reviewAtMs), err: errorMessage(err) },
            'archive review could not be claimed; retried on the next run',
          );
        }
      }
    },
  };
}
