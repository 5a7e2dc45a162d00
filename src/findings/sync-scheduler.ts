/**
 * Runs Slack syncs so that a burst of findings never floods Slack or stalls ingest:
 * - `run` syncs at once while there is capacity (so a quiet channel sees a finding within a second) and
 *   otherwise queues the finding and returns, so ingest stores findings as fast as DynamoDB takes them;
 * - queued findings are synced by at most `concurrency` workers (the messenger paces posts per channel);
 * - every finding that owes Slack work carries a mark in a sparse index (FindingStore.listSyncDue), so after a
 *   crash or restart the poll finds what was stored but not yet shown; a failing sync is retried with backoff.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../errors';
import type { Clock, FindingStore } from './ports';
import type { FindingSync, SyncOptions } from './sync';

/** `individual`: a digest pass already declined it; sync it one by one. */
type QueuedSync = SyncOptions & { individual?: boolean };

export interface SyncSchedulerOptions {
  sync: FindingSync;
  store: Pick<FindingStore, 'listSyncDue'>;
  clock: Clock;
  log: Logger;
  /** Syncs in flight at most (default 4). */
  concurrency?: number;
  /** How often the sync index is read for owed work (default 5 s; also once at start). */
  pollMs?: number;
  /** False while Slack is being paced: `run` then queues instead of making its caller wait for the pace. */
  canRunNow?: () => boolean;
  /**
   * Digests (./digests): when at least `threshold` findings are queued, the queued ones are handed to `absorb`
   * together; it groups those that wait for a first message into digest messages and returns the others, which
   * are then synced one by one.
   */
  digest?: { threshold: number; absorb(findingIds: string[]): Promise<string[]> };
}

export interface SyncScheduler {
  /**
   * Syncs now when a worker is free and nothing is waiting, otherwise queues it. Never throws for Slack's sake:
   * the finding is stored and marked, so a failed sync is retried here (and after a restart, from the index).
   */
  run: FindingSync;
  /**
   * Whether a sync asked for now would start without waiting behind others (a worker is free and nothing is
   * queued); it may still wait for Slack's pace. In a burst this is false.
   */
  hasRoom(): boolean;
  start(): void;
  stop(): Promise<void>;
  /** Resolves once nothing is queued, in flight or waiting to be retried (benchmarks, tests). */
  idle(): Promise<void>;
  stats(): { queued: number; inFlight: number; retrying: number };
}

const POLL_BATCH = 500;
/** Findings handed to one digest pass at most. */
const ABSORB_BATCH = 1000;
const MAX_BACKOFF_MS = 5 * 60_000;

export function createSyncScheduler(opts: SyncSchedulerOptions): SyncScheduler {
  const concurrency = opts.concurrency ?? 4;
  const pollMs = opts.pollMs ?? 5_000;
  const queue = new Map<string, QueuedSync>();
  const inFlight = new Set<string>();
  /** The running syncs, so `stop` can let them finish instead of leaving writes behind a closed store. */
  const running = new Set<Promise<void>>();
  const failures = new Map<string, { count: number; until: number }>();
  /** Failed syncs waiting for their retry timer. */
  const retrying = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  /** A digest pass is running: individual syncs wait for it (it may take what they would post). */
  let absorbing = false;

  const settleIdle = () => {
    if (queue.size > 0 || inFlight.size > 0 || retrying.size > 0 || absorbing) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const syncOne = async (id: string, options: SyncOptions) => {
    inFlight.add(id);
    const work = opts.sync(id, options);
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    running.add(settled);
    try {
      await work;
      failures.delete(id);
    } finally {
      inFlight.delete(id);
      running.delete(settled);
    }
  };

  /** Hands the queued findings no digest pass has seen to `digest.absorb`, when enough are waiting. */
  const maybeAbsorb = (): boolean => {
    const digest = opts.digest;
    if (!digest || digest.threshold <= 0 || queue.size < digest.threshold) return false;
    const batch = [...queue].filter(([id, o]) => !o.individual && !inFlight.has(id)).slice(0, ABSORB_BATCH);
    if (batch.length < digest.threshold) return false;
    for (const [id] of batch) queue.delete(id);
    absorbing = true;
    const ids = batch.map(([id]) => id);
    const work = digest.absorb(ids).then(
      (rest) => {
        const declined = new Set(rest);
        for (const [id, o] of batch) if (declined.has(id)) enqueue(id, { ...o, individual: true });
      },
      (err: unknown) => {
        // Nothing is lost: every finding keeps its mark; sync them one by one.
        opts.log.warn(
          { err: errorMessage(err), findings: ids.length },
          'digest pass failed; syncing one by one',
        );
        for (const [id, o] of batch) enqueue(id, { ...o, individual: true });
      },
    );
    running.add(work);
    void work.finally(() => {
      running.delete(work);
      absorbing = false;
      pump();
      settleIdle();
    });
    return true;
  };

  const pump = () => {
    if (stopped || absorbing) return;
    if (maybeAbsorb()) return;
    for (const [id, options] of queue) {
      if (inFlight.size >= concurrency) break;
      if (inFlight.has(id)) continue; // the running sync loops until Slack matches the stored state
      queue.delete(id);
      void syncOne(id, options)
        .catch((err: unknown) => failed(id, err))
        .finally(() => {
          pump();
          settleIdle();
        });
    }
    settleIdle();
  };

  /** A sync failed: the finding keeps its mark; try again after a growing delay (1 s, 2 s, … 5 min). */
  const failed = (id: string, err: unknown) => {
    const count = (failures.get(id)?.count ?? 0) + 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (count - 1));
    failures.set(id, { count, until: opts.clock.now() + delay });
    opts.log.warn(
      { findingId: id, err: errorMessage(err), attempt: count, retryInMs: delay },
      'Slack sync failed; the finding stays marked and is tried again',
    );
    retrying.add(id);
    const retry = setTimeout(() => {
      retrying.delete(id);
      if (!stopped && !queue.has(id) && !inFlight.has(id)) enqueue(id);
      pump();
    }, delay);
    retry.unref();
  };

  const enqueue = (id: string, options: QueuedSync = {}) => {
    const before = queue.get(id);
    const leaseToken = options.leaseToken ?? before?.leaseToken;
    queue.set(id, {
      justChanged: Boolean(before?.justChanged || options.justChanged),
      individual: Boolean(before?.individual || options.individual),
      ...(leaseToken ? { leaseToken } : {}),
    });
  };

  const freeNow = (id?: string) =>
    !stopped &&
    !absorbing &&
    queue.size === 0 &&
    inFlight.size < concurrency &&
    (id === undefined || !inFlight.has(id)) &&
    (opts.canRunNow?.() ?? true);

  const poll = async () => {
    try {
      const now = opts.clock.now();
      const due = await opts.store.listSyncDue(POLL_BATCH);
      let added = 0;
      for (const id of due) {
        const failed = failures.get(id);
        if (failed && failed.until > now) continue;
        if (queue.has(id) || inFlight.has(id)) continue;
        enqueue(id);
        added++;
      }
      if (added > 0)
        opts.log.debug({ added, queued: queue.size }, 'owed Slack syncs picked up from the index');
      pump();
    } catch (err) {
      opts.log.warn(
        { err: errorMessage(err) },
        'could not read the findings that owe Slack work; next poll retries',
      );
    }
  };

  const schedulePoll = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      polling = poll().finally(schedulePoll);
    }, pollMs);
    timer.unref();
  };

  return {
    hasRoom: () => !stopped && !absorbing && queue.size === 0 && inFlight.size < concurrency,

    async run(id, options = {}) {
      if (freeNow(id)) {
        try {
          await syncOne(id, options);
        } catch (err) {
          failed(id, err);
        } finally {
          pump();
        }
        return;
      }
      enqueue(id, options);
      pump();
    },

    start() {
      stopped = false;
      polling = poll().finally(schedulePoll);
    },

    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling?.catch(() => undefined);
      // Queued work stays marked in the store for the next start; what is running finishes (or fails) first.
      await Promise.all(running);
    },

    idle() {
      if (!absorbing && inFlight.size === 0 && (stopped || (queue.size === 0 && retrying.size === 0))) {
        return Promise.resolve();
      }
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    stats() {
      return { queued: queue.size, inFlight: inFlight.size, retrying: retrying.size };
    },
  };
}
