/**
 * Server-Sent Events for the page: one `change` event per burst of stand-in changes (debounced), so the page
 * re-fetches its state when the bot posts, edits, opens a modal… Web API bookkeeping (`api_call`,
 * `interaction_delivered`) changes nothing visible and is ignored. A comment every 15 s keeps the stream open.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackStandin } from '../slack-standin';

const DEBOUNCE_MS = 40;
const HEARTBEAT_MS = 15_000;

export function serveLiveFeed(standin: SlackStandin, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 1000\n: connected\n\n');
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const unsubscribe = standin.onChange((change) => {
    if (change.kind === 'api_call' || change.kind === 'interaction_delivered') return;
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      seq += 1;
      res.write(`event: change\ndata: ${seq}\n\n`);
    }, DEBOUNCE_MS);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    unsubscribe();
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
  };
  req.on('close', stop);
  res.on('error', stop);
}
