/**
 * A decision log that also publishes each entry to EventBridge (EVENT_BUS_NAME), for the actions that write
 * the log directly (the one-click Archive). The approval workflow publishes its own entries with the
 * finding's resource, account and region.
 */
import type { Finding } from '../findings/finding';
import type { Decision, DecisionLog } from '../findings/ports';
import type { DecisionEvent, DecisionPublisher } from './ports';

/** A decision-log entry as published: the entry, plus the finding's resource, account and region when known. */
export function decisionEvent(entry: Decision, finding?: Finding): DecisionEvent {
  return {
    requestId: entry.requestId,
    findingId: entry.findingId,
    action: entry.action,
    phase: entry.phase,
    actor: entry.actor,
    at: entry.at,
    ...(finding ? { resource: finding.resource, accountId: finding.accountId, region: finding.region } : {}),
    details: {
      ...(entry.input !== undefined ? { input: entry.input } : {}),
      ...(entry.result !== undefined ? { result: entry.result } : {}),
      ...(entry.error ? { error: entry.error } : {}),
    },
  };
}

export function publishingDecisionLog(log: DecisionLog, publisher: DecisionPublisher): DecisionLog {
  return {
    forFinding: (findingId) => log.forFinding(findingId),
    async append(entry: Decision) {
      await log.append(entry);
      await publisher.publish(decisionEvent(entry));
    },
  };
}
