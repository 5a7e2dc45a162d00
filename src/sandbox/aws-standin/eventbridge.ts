import { randomUUID } from 'node:crypto';
import { isoSeconds, type Clock } from './clock';
import { AwsError } from './errors';
import { unknownOperation } from './json-rpc-protocol';

/**
 * EventBridge PutEvents, recorded instead of routed. As the service does: 1–10 entries per request (else
 * ValidationException), at most 256 KB in total; per-entry validation with HTTP 200 and `FailedEntryCount`
 * for partial failure, results index-aligned with the request: missing Source/DetailType/Detail →
 * `InvalidArgument`, Detail not a JSON object → `MalformedDetail`, a `Source` starting with `aws.` →
 * `NotAuthorizedForSourceException` (custom events cannot impersonate AWS services), DetailType over 128
 * characters → `InvalidArgument`. Accepted entries become events in the envelope rule targets receive.
 */
export interface PublishedEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  /** Bus the entry was put on (`default` unless given). */
  eventBusName: string;
}

export interface EventBridgeContext {
  clock: Clock;
  account: string;
  region: string;
}

type Input = Record<string, unknown>;

export class EventBridgeState {
  private readonly events: PublishedEvent[] = [];
  private readonly listeners = new Set<(event: PublishedEvent) => void>();

  constructor(private readonly context: EventBridgeContext) {}

  /** Every accepted event, in arrival order (copies). */
  published(): PublishedEvent[] {
    return structuredClone(this.events);
  }

  /** Called synchronously for each accepted event; returns the unsubscribe function. */
  onPublish(listener: (event: PublishedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  execute(operation: string, input: Input): unknown {
    if (operation !== 'PutEvents') throw unknownOperation(operation);
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      const count = Array.isArray(entries) ? entries.length : 0;
      throw new AwsError(
        'ValidationException',
        400,
        `1 validation error detected: Value with ${count} entries at 'entries' failed to satisfy constraint: Member must have length between 1 and 10`,
      );
    }
    if (Buffer.byteLength(JSON.stringify(entries)) > 256 * 1024) {
      throw new AwsError(
        'ValidationException',
        400,
        'Total size of the entries in the request is over the limit.',
      );
    }
    const results = (entries as Input[]).map((entry) => this.put(entry));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
  }

  private put(entry: Input): { EventId?: string; ErrorCode?: string; ErrorMessage?: string } {
    const { Source: source, DetailType: detailType, Detail: detail } = entry;
    if (typeof source !== 'string' || source === '')
      return failure(
        'InvalidArgument',
        'Parameter Source is not valid. Reason: Source is a required argument.',
      );
    if (typeof detailType !== 'string' || detailType === '')
      return failure(
        'InvalidArgument',
        'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      );
    if (typeof detail !== 'string' || detail === '')
      return failure(
        'InvalidArgument',
        'Parameter Detail is not valid. Reason: Detail is a required argument.',
      );
    if (detailType.length > 128)
      return failure('InvalidArgument', 'Parameter DetailType is not valid. Reason: Maximum length is 128.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(detail);
    } catch {
      return failure('MalformedDetail', 'Detail is malformed.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return failure('MalformedDetail', 'Detail is malformed.');
    if (source.startsWith('aws.'))
      return failure('NotAuthorizedForSourceException', 'Not authorized for the source.');
    const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : this.context.clock();
    const event: PublishedEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: this.context.account,
      time: isoSeconds(time),
      region: this.context.region,
      resources: Array.isArray(entry.Resources) ? (entry.Resources as string[]) : [],
      detail: parsed,
      eventBusName:
        typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default',
    };
    this.events.push(event);
    for (const listener of [...this.listeners]) listener(structuredClone(event));
    return { EventId: event.id };
  }
}

function failure(code: string, message: string): { ErrorCode: string; ErrorMessage: string } {
  return { ErrorCode: code, ErrorMessage: message };
}
