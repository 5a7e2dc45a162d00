/**
 * Slack signs `v0:<timestamp>:<body>`; Bolt refuses a timestamp more than 5 minutes in the past, but not one in
 * the future. A request stamped ahead could then be replayed until that time. This guard, in front of Bolt's
 * receiver, refuses any timestamp more than 5 minutes away from now, either way.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** Slack's replay window, both ways. */
export const MAX_SKEW_SECONDS = 5 * 60;

export function refuseFutureSlackTimestamps(
  listener: RequestListener,
  log: Logger,
  nowSeconds: () => number = () => Date.now() / 1000,
): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const raw = req.headers['x-slack-request-timestamp'];
    const stamp = Number(Array.isArray(raw) ? raw[0] : raw);
    if (Number.isFinite(stamp) && stamp - nowSeconds() > MAX_SKEW_SECONDS) {
      log.warn({ timestamp: stamp }, 'refused a Slack request stamped in the future');
      // Drain the body so the client sees the answer, not a reset connection.
      req.resume();
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('');
      return;
    }
    listener(req, res);
  };
}
