/**
 * POST /events/findings: the endpoint an EventBridge API destination calls with the whole event as JSON.
 * Only requests with header `x-api-key` equal to EVENTS_API_KEY are accepted (constant-time compare).
 * 400 = malformed (EventBridge does not retry it), 401 = bad key, 413 = too large, 5xx = retry later.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { InvalidInputError, errorMessage } from '../errors';
import type { HandleEvent } from './handle-event';

/** EventBridge events are at most 256 KB. */
export const MAX_EVENT_BYTES = 256 * 1024;

export function sameSecret(given: string, expected: string): boolean {
  // Hash both so lengths match and the comparison time says nothing about the key.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) return reject(new PayloadTooLargeError(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class PayloadTooLargeError extends Error {
  constructor(limit: number) {
    super(`event larger than ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createFindingsEndpoint(opts: { apiKey?: string; handle: HandleEvent; log: Logger }) {
  const log = opts.log.child({ component: 'ingest-http' });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!opts.apiKey) {
      return sendJson(res, 404, {
        error: 'the findings endpoint is disabled: set EVENTS_API_KEY to enable it',
      });
    }
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !sameSecret(key, opts.apiKey)) {
      log.warn({ remote: req.socket.remoteAddress }, 'rejected event: missing or wrong x-api-key');
      return sendJson(res, 401, { error: 'missing or wrong x-api-key' });
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_EVENT_BYTES);
    } catch (err) {
      if (err instanceof PayloadTooLargeError) return sendJson(res, 413, { error: err.message });
      throw err;
    }
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch (err) {
      log.warn({ err: errorMessage(err) }, 'rejected event: malformed JSON');
      return sendJson(res, 400, { error: `malformed JSON: ${errorMessage(err)}` });
    }
    try {
      const result = await opts.handle(event, 'http');
      return sendJson(res, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof InvalidInputError) {
        log.warn({ reason: err.reason }, 'rejected event: invalid');
        return sendJson(res, 400, { error: err.reason });
      }
      log.error({ err }, 'event handling failed; the sender should retry');
      return sendJson(res, 503, { error: 'temporarily unable to handle the event; retry' });
    }
  };
}
