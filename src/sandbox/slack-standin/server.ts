import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAnswer } from './web-api';

/** A request as routes see it: body already read (Slack's endpoints take small bodies). */
export interface StandinRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text. */
  body: string;
  /** The body's bytes (file uploads). */
  rawBody: Buffer;
}

/**
 * A route answers with an `HttpAnswer`, returns `'handled'` after writing to `res` itself (e.g. a streaming
 * console feed), or `undefined` to let the next route try.
 */
export type Route = (
  req: StandinRequest,
  raw: { req: IncomingMessage; res: ServerResponse },
) => HttpAnswer | 'handled' | undefined | Promise<HttpAnswer | 'handled' | undefined>;

/** Larger request bodies are refused (the stand-in's upload limit derives from it). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The stand-in's HTTP server: tries routes in order, 404 `{ok:false,error:'not_found'}` when none answers. */
export class StandinServer {
  private readonly routes: Route[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      void this.dispatch(req, res);
    });
  }

  addRoute(route: Route): void {
    this.routes.push(route);
  }

  /** The underlying Node server (Socket Mode attaches its WebSocket endpoint to it). */
  get httpServer(): Server {
    return this.server;
  }

  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return `http://${shownHost}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://standin.local');
      const rawBody = await readBody(req);
      const request: StandinRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: rawBody.toString('utf8'),
        rawBody,
      };
      for (const route of this.routes) {
        const answer = await route(request, { req, res });
        if (answer === 'handled') return;
        if (answer) return send(res, answer);
      }
      send(res, json(404, { ok: false, error: 'not_found' }));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, json(500, { ok: false, error: 'fatal_error', detail: message }));
      else res.end();
    }
  }
}

export function json(status: number, body: unknown): HttpAnswer {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}
