/**
 * The stand-in's notion of "now". Everything that AWS would timestamp (finding createdAt/updatedAt, event
 * `time`, SQS SentTimestamp, recorded calls) reads this clock, so tests can pin or advance time.
 * SQS visibility timeouts and long-poll waits deliberately use real elapsed time instead (see sqs-queue.ts).
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** ISO-8601 with second precision, the way EventBridge writes the envelope `time` ("2019-11-21T01:22:33Z"). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
