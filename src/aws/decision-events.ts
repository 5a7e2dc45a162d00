/**
 * Decision events on EventBridge (the DecisionPublisher port), for SIEMs and other automation listening on
 * EVENT_BUS_NAME. Publishing is best effort and never throws: a failure is logged with the request and finding
 * ids and the decision stands.
 * IAM actions used: events:PutEvents on the bus.
 *
 * PutEvents facts relied on: partial failure comes back as HTTP 200 with `FailedEntryCount` and a per-entry
 * `ErrorCode`; `InternalFailure`/`ThrottlingException` are worth retrying, the validation and permission codes
 * are not; a request may carry at most 256 KB.
 */
import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { Logger } from 'pino';
import type { DecisionEvent, DecisionPublisher } from '../remediation/ports';

export const DECISION_SOURCE = 'iam-findings-bot';
export const DECISION_DETAIL_TYPE = 'Finding Decision';
/** EventBridge's size limit for an entry (and a whole request), 256 KB. */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** Retries of a failed entry after the first attempt. */
const RETRIES = 3;
/** Entry error codes that fail the same way every time (EventBridge PutEvents API reference). */
const PERMANENT = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

export interface DecisionPublisherOptions {
  /** First wait before retrying a failed entry, doubled each retry; default 100 ms. */
  retryDelayMs?: number;
  /** Injectable for tests; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True for `arn:partition:service:region:account:resource` (region and account may be empty, as for S3). */
export function isArn(value: string | undefined): value is string {
  return value !== undefined && /^arn:aws[\w-]*:[a-z0-9-]+:[\w-]*:(\d{12})?:.+$/.test(value);
}

/**
 * The size this module holds an entry to: its JSON encoding in UTF-8 bytes. That is never below what
 * EventBridge counts (Source + DetailType + Detail + Resources), so an entry under the limit here is under it there.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  return Buffer.byteLength(JSON.stringify(entry), 'utf8');
}

function entryFor(detail: object, event: DecisionEvent, busName: string): PutEventsRequestEntry {
  return {
    Source: DECISION_SOURCE,
    DetailType: DECISION_DETAIL_TYPE,
    EventBusName: busName,
    Detail: JSON.stringify(detail),
    ...(isArn(event.resource) ? { Resources: [event.resource] } : {}),
  };
}

/**
 * The PutEvents entry for a decision; when it would exceed {@link MAX_ENTRY_BYTES}, `details` is dropped and
 * `detailsTruncated: true` added. Undefined when even that is too big.
 * @example decisionEntry({ requestId: 'r-1', findingId: 'f-1', …, resource: roleArn }, 'decisions')
 * // { Source: 'iam-findings-bot', DetailType: 'Finding Decision', EventBusName: 'decisions',
 * //   Detail: '{"requestId":"r-1",…}', Resources: [roleArn] }
 */
export function decisionEntry(event: DecisionEvent, busName: string): PutEventsRequestEntry | undefined {
  const full = entryFor(event, event, busName);
  if (entrySize(full) <= MAX_ENTRY_BYTES) return full;
  const { details: _dropped, ...rest } = event;
  const truncated = entryFor({ ...rest, detailsTruncated: true }, event, busName);
  return entrySize(truncated) <= MAX_ENTRY_BYTES ? truncated : undefined;
}

/**
 * The DecisionPublisher on a real EventBridgeClient; `busName` undefined (EVENT_BUS_NAME unset) publishes nothing.
 * @example
 * const publisher = createDecisionPublisher(clients.eventbridge, config.eventBusName, log);
 * await publisher.publish({ requestId, findingId, action: 'deny', phase: 'approved', actor: 'U123', at });
 */
export function createDecisionPublisher(
  client: EventBridgeClient,
  busName: string | undefined,
  log: Logger,
  options: DecisionPublisherOptions = {},
): DecisionPublisher {
  const retryDelayMs = options.retryDelayMs ?? 100;
  const sleep = options.sleep ?? realSleep;

  /** Sends the entry, retrying a transient per-entry failure; resolves with the final error, if any. */
  async function send(entry: PutEventsRequestEntry): Promise<{ code: string; message?: string } | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      const out = await client.send(new PutEventsCommand({ Entries: [entry] }));
      const result = out.Entries?.[0];
      if (!out.FailedEntryCount && !result?.ErrorCode) return undefined;
      const failure = { code: result?.ErrorCode ?? 'Unknown', message: result?.ErrorMessage };
      if (PERMANENT.has(failure.code) || attempt >= RETRIES) return failure;
      await sleep(retryDelayMs * 2 ** attempt);
    }
  }

  return {
    async publish(event): Promise<void> {
      if (busName === undefined) return;
      const ids = { requestId: event.requestId, findingId: event.findingId, phase: event.phase, busName };
      try {
        const entry = decisionEntry(event, busName);
        if (!entry) {
          log.error(
            ids,
            'decision event not published: over the EventBridge size limit even without details',
          );
          return;
        }
        const failure = await send(entry);
        if (failure) {
          log.error(
            { ...ids, errorCode: failure.code, errorMessage: failure.message },
            'decision event not published',
          );
        }
      } catch (err) {
        log.error({ ...ids, err }, 'decision event not published (PutEvents failed)');
      }
    },
  };
}
