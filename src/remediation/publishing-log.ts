/**
 * A decision log that also publishes each entry to EventBridge (EVENT_BUS_NAME), for the actions that write
 * the log directly (the one-click Archive). The approval workflow publishes its own entries with the
 * finding's resource, account and region.
 */
import type { Decision, DecisionLog } from '../findings/ports';
import type { DecisionPublisher } from './ports';

export function publishingDecisionLog(log: DecisionLog, publisher: DecisionPublisher): DecisionLog {
  return {
    forFinding: (findingId) => log.forFinding(findingId),
    async append(entry: Decision) {
      await log.append(entry);
      await publisher.publish({
        requestId: entry.requestId,
        findingId: entry.findingId,
        action: entry.action,
        phase: entry.phase,
        actor: entry.actor,
        at: entry.at,
        details: {
          ...(entry.input !== undefined ? { input: entry.input } : {}),
          ...(entry.result !== undefined ? { result: entry.result } : {}),
          ...(entry.error ? { error: entry.error } : {}),
        },
      });
    },
  };
}
