/**
 * The one path every finding takes, whether it came from an event (HTTP or SQS) or from reconciliation:
 * skip it if stale, enrich it with what events do not carry, store it (conditional on being newer), then
 * bring its Slack message in line.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../errors';
import { type Finding, timestampMs } from './finding';
import { randomUUID } from 'node:crypto';
import type { ApplyOptions, ApplyOutcome, Clock, FindingStore, FindingsSource } from './ports';
import { systemClock } from './ports';
import { type FindingSync, LEASE_MS, type SyncOptions, needsSync } from './sync';

export interface RecordDeps {
  store: FindingStore;
  source: FindingsSource;
  sync: FindingSync;
  log: Logger;
  clock?: Clock;
  /**
   * True when `sync` would start without waiting behind others: the write then takes the sync lease too,
   * saving the lease's own write. In a burst (false) the lease is left free, so a digest can take the finding.
   */
  syncRunsNow?: () => boolean;
}

export interface RecordOptions {
  /** Store without posting (first start on an analyzer without BACKFILL). */
  suppressed?: boolean;
  /**
   * Return once the finding is stored, without waiting for its Slack message (the queue path: the message is
   * owed in the store, so deleting the queue message before it is posted loses nothing).
   */
  storeOnly?: boolean;
  /** Already complete (came from GetFindingV2): do not fetch it again. */
  complete?: boolean;
}

export type RecordFinding = (finding: Finding, options?: RecordOptions) => Promise<ApplyOutcome>;

export function createRecordFinding({
  store,
  source,
  sync,
  log,
  clock = systemClock,
  syncRunsNow,
}: RecordDeps): RecordFinding {
  async function enrich(finding: Finding): Promise<Finding> {
    // Events carry neither "shared through" (sources) nor the unused items; GetFindingV2 does.
    if (finding.error || finding.isDeleted) return finding;
    try {
      const full = await source.get(finding.analyzerArn, finding.id);
      return {
        ...finding,
        sources: full.sources ?? finding.sources,
        unused: finding.unused ? { ...finding.unused, ...full.unused } : full.unused,
      };
    } catch (err) {
      log.warn(
        { findingId: finding.id, err: errorMessage(err) },
        'could not fetch finding details; posting what the event has',
      );
      return finding;
    }
  }

  /** Brings the message in line; with `storeOnly` the caller does not wait (the work is owed in the store). */
  async function syncAfter(findingId: string, syncOptions: SyncOptions, storeOnly: boolean | undefined) {
    const synced = sync(findingId, syncOptions);
    if (!storeOnly) return synced;
    synced.catch((err: unknown) =>
      log.warn({ findingId, err: errorMessage(err) }, 'Slack sync failed; the finding stays marked'),
    );
  }

  return async function recordFinding(finding, options = {}) {
    const existing = await store.get(finding.id);
    const newer = !existing || timestampMs(finding.updatedAt) > existing.updatedAtMs;
    if (existing && !newer) {
      log.debug({ findingId: finding.id }, 'stale or repeated finding state ignored');
      // Heals a message left behind by an earlier failure (a repeat of a shown state costs nothing more).
      if (needsSync(existing)) await syncAfter(finding.id, {}, options.storeOnly);
      return 'stale';
    }
    const full = options.complete ? finding : await enrich(finding);
    const suppressed = options.suppressed ?? false;
    const now = clock.now();
    const apply: ApplyOptions = {
      suppressed,
      exists: existing !== undefined,
      ...(!suppressed && syncRunsNow?.()
        ? { lease: { token: randomUUID(), now, until: now + LEASE_MS } }
        : {}),
    };
    const outcome = await store.apply(full, apply);
    log.info({ findingId: finding.id, status: finding.status, outcome }, 'finding recorded');
    await syncAfter(
      finding.id,
      {
        justChanged: outcome !== 'stale' && !suppressed,
        ...(apply.leased && apply.lease ? { leaseToken: apply.lease.token } : {}),
      },
      options.storeOnly,
    );
    return outcome;
  };
}
