/**
 * The bot's one HTTP server: Slack requests (HTTP mode) at POST /slack/events, EventBridge events at
 * POST /events/findings, and GET /healthz (process up) / GET /readyz (DynamoDB reachable).
 */
import {
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
  createServer,
} from 'node:http';
import type { Logger } from 'pino';
import { errorMessage } from '../errors';
import { sendJson } from '../ingest/http';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Routes {
  slack?: RequestListener;
  findings: Handler;
  ready: () => Promise<{ ok: boolean; detail?: string }>;
}

export function createHttpServer(routes: Routes, log: Logger): Server {
  const table: Record<string, Handler | undefined> = {
    'POST /events/findings': routes.findings,
    'GET /healthz': (_req, res) => sendJson(res, 200, { ok: true }),
    'GET /readyz': async (_req, res) => {
      const r = await routes.ready();
      sendJson(res, r.ok ? 200 : 503, r);
    },
    'POST /slack/events': routes.slack ? (req, res) => routes.slack?.(req, res) : undefined,
  };
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handler = table[`${req.method} ${path}`];
    if (!handler) {
      const known = Object.keys(table).some((k) => k.endsWith(` ${path}`) && table[k]);
      return sendJson(res, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found' });
    }
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      log.error({ err: errorMessage(err), path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
}

export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (set PORT to another port)`)
          : err,
      );
    });
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
