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
 * A failure at any step (AWS, DynamoDB, Slack) gives the claim back and is logged; the next run starts again at
 * step 1, and steps 2–4 find their work done where it was done. A crash between 4 and 5 can repeat the reply.
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
    const ctx = { findingId: due.findingId, reviewAt: iso(due.reviewAtMs) };
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
        at: iso(due.reviewAtMs),
        ...rec.archived,
        reviewAt: iso(due.reviewAtMs),
      };
      const requestId = reviewToken(finding.id, due.reviewAtMs);
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
      await sync(finding.id, { justChanged: true });
      const ref = rec.slack ?? (await store.get(finding.id))?.slack;
      if (ref) await messenger.threadReply(ref, deps.reopenedNote(archived), { broadcast: true });
      if (!(await store.finishReview(finding.id, token))) {
        log.warn(ctx, 'archive review claim lost before it was cleared; the finding was reopened');
        return;
      }
      log.info(ctx, 'finding reopened at its review date');
    } catch (err) {
      await store.releaseReview(due.findingId, token).catch(() => undefined);
      throw err;
    }
  }

  return {
    async runDue() {
      for (const due of await store.dueReviews(clock.now(), BATCH)) {
        try {
          await reopen(due);
        } catch (err) {
          log.error(
            { findingId: due.findingId, reviewAt: iso(due.reviewAtMs), err: errorMessage(err) },
            'archive review failed; retried on the next run',
          );
        }
      }
    },
  };
}
