/**
 * Access Analyzer delivers events on a best-effort basis, so the bot also lists every analyzer's findings
 * (ListFindingsV2, all pages) at start and every RECONCILE_INTERVAL, and brings Slack in line through the same
 * idempotent path events take: missing active findings are posted, changed ones updated, nothing twice.
 * On an analyzer's first reconcile, findings created before the bot first saw the analyzer are stored without
 * posting unless BACKFILL=true; anything created since is new and is posted.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../errors';
import { timestampMs } from './finding';
import type { AnalyzerRegistry, Clock, FindingStore, FindingSummary, FindingsSource } from './ports';
import type { RecordFinding } from './record-finding';
import { type FindingSync, needsSync } from './sync';

export interface ReconcileStats {
  analyzerArn: string;
  listed: number;
  recorded: number;
  suppressed: number;
  resynced: number;
  failed: number;
  baseline: boolean;
}

export interface ReconcileDeps {
  store: FindingStore;
  source: FindingsSource;
  analyzers: AnalyzerRegistry;
  record: RecordFinding;
  sync: FindingSync;
  log: Logger;
  clock: Clock;
  backfill: boolean;
  /** Findings handled at once within a page (bounded to stay polite to Access Analyzer and Slack). */
  concurrency?: number;
}

export interface Reconciler {
  reconcileAnalyzer(analyzerArn: string): Promise<ReconcileStats>;
  reconcileAll(): Promise<ReconcileStats[]>;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

export function createReconciler(deps: ReconcileDeps): Reconciler {
  const { store, source, analyzers, record, sync, log, clock, backfill } = deps;
  const concurrency = deps.concurrency ?? 5;

  async function reconcileAnalyzer(analyzerArn: string): Promise<ReconcileStats> {
    await analyzers.remember(analyzerArn);
    const known = (await analyzers.list()).find((a) => a.arn === analyzerArn);
    const baseline = !known?.baselineAt && !backfill;
    const firstSeenMs = known ? timestampMs(known.seenAt) : clock.now();
    const stats: ReconcileStats = {
      analyzerArn,
      listed: 0,
      recorded: 0,
      suppressed: 0,
      resynced: 0,
      failed: 0,
      baseline,
    };

    const handlePage = async (page: FindingSummary[]) => {
      const records = await store.getMany(page.map((s) => s.id));
      await inBatches(page, concurrency, async (summary) => {
        const rec = records.get(summary.id);
        try {
          if (!rec || timestampMs(summary.updatedAt) > rec.updatedAtMs) {
            const full = await source.get(analyzerArn, summary.id);
            const suppressed = baseline && !rec && timestampMs(summary.createdAt) < firstSeenMs;
            await record(full, { suppressed, complete: true });
            if (suppressed) stats.suppressed++;
            else stats.recorded++;
          } else if (needsSync(rec)) {
            await sync(summary.id);
            stats.resynced++;
          }
        } catch (err) {
          stats.failed++;
          log.warn(
            { findingId: summary.id, err: errorMessage(err) },
            'reconcile could not bring a finding in line',
          );
        }
      });
    };

    let page: FindingSummary[] = [];
    for await (const summary of source.list(analyzerArn)) {
      stats.listed++;
      page.push(summary);
      if (page.length === 100) {
        await handlePage(page);
        page = [];
      }
    }
    if (page.length > 0) await handlePage(page);
    if (!known?.baselineAt) {
      await analyzers.markBaseline(analyzerArn, new Date(clock.now()).toISOString());
    }
    log.info({ ...stats }, 'reconciled analyzer');
    return stats;
  }

  return {
    reconcileAnalyzer,
    async reconcileAll() {
      const all = await analyzers.list();
      const results: ReconcileStats[] = [];
      for (const a of all) {
        try {
          results.push(await reconcileAnalyzer(a.arn));
        } catch (err) {
          log.error(
            { analyzerArn: a.arn, err: errorMessage(err) },
            'reconcile failed; retrying at the next interval',
          );
        }
      }
      return results;
    },
  };
}
