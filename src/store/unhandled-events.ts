/**
 * Well-formed events the bot does not act on (other detail-types, e.g. internal-access findings) are kept for
 * 30 days (DynamoDB TTL on `expiresAt`) so an operator can see what arrived.
 */
import type { UnhandledEventStore } from '../findings/ports';
import { type Models, isConditionFailure } from './models';

const KEEP_SECONDS = 30 * 24 * 3600;
/** DynamoDB items are at most 400 KB; EventBridge events at most 256 KB, so this is a guard, not a limit. */
const MAX_BODY = 300_000;

export function createUnhandledEventStore(models: Models): UnhandledEventStore {
  return {
    async put(e) {
      const body = JSON.stringify(e.body);
      try {
        await models.unhandledEvents.create(
          {
            eventId: e.eventId,
            detailType: e.detailType,
            source: e.source,
            receivedAt: e.receivedAt,
            body: body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body,
            expiresAt: Math.floor(Date.parse(e.receivedAt) / 1000) + KEEP_SECONDS,
          },
          { overwrite: false },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err; // a redelivery of an event already kept
      }
    },
  };
}
