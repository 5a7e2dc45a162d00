/**
 * The one handler both ingest paths (HTTP endpoint and SQS queue) feed. Malformed input throws
 * InvalidInputError (HTTP 400 / the queue's DLQ) before anything is written.
 */
import type { Logger } from 'pino';
import type { ApplyOutcome, AnalyzerRegistry, UnhandledEventStore } from '../findings/ports';
import type { RecordFinding } from '../findings/record-finding';
import { parseEvent } from './event';

export type IngestResult =
  { kind: 'finding'; findingId: string; outcome: ApplyOutcome } | { kind: 'unhandled'; detailType: string };

export interface HandleEventDeps {
  record: RecordFinding;
  unhandled: UnhandledEventStore;
  analyzers: AnalyzerRegistry;
  log: Logger;
  fallbackAnalyzerArn?: string;
  /** Called when an event names an analyzer the bot had not seen: its baseline reconcile should run. */
  onNewAnalyzer?: (analyzerArn: string) => void;
  now?: () => Date;
}

export type HandleEvent = (event: unknown, via: 'http' | 'sqs') => Promise<IngestResult>;

export function createEventHandler(deps: HandleEventDeps): HandleEvent {
  const now = deps.now ?? (() => new Date());
  // A cache of analyzers already recorded (the registry itself is in DynamoDB), to save a write per event.
  const seen = new Set<string>();
  return async function handleEvent(event, via) {
    const parsed = parseEvent(event, deps.fallbackAnalyzerArn);
    if (parsed.kind === 'unhandled') {
      deps.log.info(
        { eventId: parsed.eventId, detailType: parsed.detailType, source: parsed.source, via },
        'event kind not handled; stored',
      );
      await deps.unhandled.put({
        eventId: parsed.eventId,
        detailType: parsed.detailType,
        source: parsed.source,
        body: parsed.event,
        receivedAt: now().toISOString(),
      });
      return { kind: 'unhandled', detailType: parsed.detailType };
    }
    const { finding } = parsed;
    const log = deps.log.child({ findingId: finding.id, eventId: parsed.eventId, via });
    // From the queue, the message is deleted once the finding is stored (its Slack work is owed in the store);
    // over HTTP the answer waits for the message while the channel is quiet, so the sender sees it done.
    const outcome = await deps.record(finding, { storeOnly: via === 'sqs' });
    // After recording, so this finding is already known when the new analyzer's baseline runs.
    if (!seen.has(finding.analyzerArn)) {
      if (await deps.analyzers.remember(finding.analyzerArn)) {
        log.info({ analyzerArn: finding.analyzerArn }, 'new analyzer seen');
        deps.onNewAnalyzer?.(finding.analyzerArn);
      }
      seen.add(finding.analyzerArn);
    }
    return { kind: 'finding', findingId: finding.id, outcome };
  };
}
