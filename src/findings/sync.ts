/**
 * Keeps each finding's Slack message in line with its stored state: posts it once, then edits it and
 * says in the thread what changed. At-least-once safe:
 * - one handler at a time holds the finding's sync lease (a conditional write) and talks to Slack;
 * - the lease holder loops until what Slack shows matches what is stored, so changes that arrive while it
 *   works are not lost;
 * - if an earlier holder died between posting and recording the message, the message is looked up by its
 *   metadata before anything is posted again.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type FindingSnapshot, describeChanges, snapshotOf } from './finding';
import type { Clock, FindingMessenger, FindingRecord, FindingStore } from './ports';

/** How long a sync lease holds (a dead holder's lease runs out). */
export const LEASE_MS = 60_000;
const MAX_ROUNDS = 5;

/** Everything the message shows; when it differs from what was rendered, the message is updated. */
export function renderKey(rec: FindingRecord): string {
  const f = rec.finding;
  return JSON.stringify([
    snapshotOf(f),
    f.updatedAt,
    f.sources ?? null,
    f.unused ?? null,
    // Shown only while archived (with its reason and review date), so only then part of the message.
    f.status === 'ARCHIVED' ? (rec.archived ?? null) : null,
    rec.pending ? [rec.pending.action, rec.pending.by, rec.pending.requestId] : null,
    rec.denied ?? null,
  ]);
}

/** Findings first seen in a closed state, or deleted, are stored but never posted. */
export function shouldPost(rec: FindingRecord): boolean {
  return !rec.suppressed && rec.finding.status === 'ACTIVE' && !rec.finding.isDeleted;
}

export function needsSync(rec: FindingRecord): boolean {
  if (rec.suppressed) return false;
  if (!rec.slack) {
    // In a digest not yet expanded: the digest shows it, and is edited when the finding changes.
    if (showsInDigest(rec)) return renderKey(rec) !== rec.renderedKey;
    return shouldPost(rec);
  }
  return renderKey(rec) !== rec.renderedKey;
}

/** Shown by its digest message (not expanded yet), with no card of its own. */
export function showsInDigest(rec: FindingRecord): boolean {
  return Boolean(rec.digestId && !rec.digestThreadTs && !rec.slack);
}

/** The thread reply for a change, naming who archived when the bot did it. */
export function changeText(before: FindingSnapshot, rec: FindingRecord): string | undefined {
  const changes = describeChanges(before, snapshotOf(rec.finding));
  if (changes.length === 0) return undefined;
  const who =
    rec.archived && rec.finding.status === 'ARCHIVED' && before.status !== 'ARCHIVED'
      ? ` (archived by <@${rec.archived.by}>)`
      : '';
  return `${changes.join('\n')}${who}`;
}

export interface SyncDeps {
  store: FindingStore;
  messenger: FindingMessenger;
  clock: Clock;
  log: Logger;
  /** Edits (or posts) a digest message to show its findings' current state (see ./digests). */
  refreshDigest?: (digestId: string) => Promise<void>;
}

/**
 * `justChanged`: the caller has just stored a change, so the message almost surely needs work; the first
 * round goes straight to the lease (which returns the record) instead of reading the record first.
 */
export type FindingSync = (findingId: string, options?: SyncOptions) => Promise<void>;

export interface SyncOptions {
  justChanged?: boolean;
  /** The caller took the sync lease with its write (FindingStore.apply's `lease`): used if still held. */
  leaseToken?: string;
}

export function createFindingSync({ store, messenger, clock, log, refreshDigest }: SyncDeps): FindingSync {
  return async function syncMessage(findingId, options = {}) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // A lease handed over by the caller is used (or, if nothing is to show, released) below.
      if (round > 0 || (!options.justChanged && !options.leaseToken)) {
        const current = await store.get(findingId);
        if (!current) return;
        if (!needsSync(current)) {
          // Nothing to show (e.g. first seen closed): drop the mark so the scheduler stops offering it.
          if (current.syncDueAt !== undefined) await store.clearSyncDue(findingId, current.syncDueAt);
          return;
        }
      }
      let token: string = randomUUID();
      let rec: FindingRecord | undefined;
      if (round === 0 && options.leaseToken) {
        // The lease came with the caller's write: a read is enough to go on (if it is still ours).
        const held = await store.get(findingId);
        if (held?.leaseToken === options.leaseToken && (held.leaseUntil ?? 0) > clock.now()) {
          token = options.leaseToken;
          rec = held;
        }
      }
      if (!rec) {
        const now = clock.now();
        rec = await store.acquireLease(findingId, token, now, now + LEASE_MS);
      }
      if (!rec) return; // another handler holds the lease and will render the latest state
      try {
        if (!needsSync(rec)) {
          await store.releaseLease(findingId, token, { done: true });
          continue; // read again: a change stored meanwhile (whose mark this just dropped) is rendered next round
        }
        if (showsInDigest(rec) && rec.digestId && refreshDigest) {
          await refreshDigest(rec.digestId);
          await store.completeSync(findingId, token, {
            key: renderKey(rec),
            snapshot: snapshotOf(rec.finding),
          });
          continue; // a change stored meanwhile is shown next round
        }
        let ref = rec.slack;
        if (!ref) {
          // syncAttempts counts this lease too: more than one means an earlier attempt may have posted.
          ref = rec.syncAttempts > 1 ? await messenger.findPosted(findingId, rec.digestThreadTs) : undefined;
          if (ref) {
            log.warn({ findingId, ts: ref.ts }, 'recovered a message posted by an interrupted attempt');
            await messenger.update(ref, { record: rec });
          } else {
            ref = await messenger.post({ record: rec });
            log.info({ findingId, channel: ref.channel, ts: ref.ts }, 'finding posted');
          }
        } else {
          await messenger.update(ref, { record: rec });
          const reply = rec.renderedSnapshot ? changeText(rec.renderedSnapshot, rec) : undefined;
          if (reply) await messenger.threadReply(ref, reply);
          log.info({ findingId, status: rec.finding.status }, 'finding message updated');
        }
        await store.completeSync(findingId, token, {
          slack: ref,
          key: renderKey(rec),
          snapshot: snapshotOf(rec.finding),
        });
      } catch (err) {
        await store.releaseLease(findingId, token).catch(() => undefined);
        throw err;
      }
    }
    log.warn(
      { findingId },
      'finding still changing after several sync rounds; the next event or reconcile finishes it',
    );
  };
}
