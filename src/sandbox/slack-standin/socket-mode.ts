/**
 * Slack's Socket Mode, for apps started with an app-level token: `apps.connections.open` hands out a WebSocket
 * URL, the server greets with `hello`, and interactions arrive as envelopes
 * `{envelope_id, type: 'interactive'|'slash_commands', payload, accepts_response_payload}` that the app must
 * acknowledge with `{envelope_id, payload?}` within 3 s. No request signing: the connection is the trust.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

export const SOCKET_PATH = '/socket-mode';

export interface SocketAck {
  status: number;
  body: string;
  ms: number;
  timedOut: boolean;
  error?: 'http_timeout' | 'connection_failed';
}

export class SocketModeHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, (payload: unknown) => void>();
  private readonly tickets = new Set<string>();

  constructor(
    server: Server,
    private readonly appId: string,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== SOCKET_PATH || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** True while at least one app connection is open. */
  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /** What `apps.connections.open` answers: a one-use URL on this server. */
  openUrl(baseUrl: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${baseUrl.replace(/^http/, 'ws')}${SOCKET_PATH}?ticket=${ticket}`;
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: { envelope_id?: string; payload?: unknown };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return;
      }
      const done = msg.envelope_id ? this.pending.get(msg.envelope_id) : undefined;
      if (done) done(msg.payload);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'applink-standin', approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  /** Sends one envelope to a connected app and waits for its ack. */
  deliver(
    type: 'interactive' | 'slash_commands',
    payload: unknown,
    ackTimeoutMs: number,
  ): Promise<SocketAck> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const [ws] = this.sockets;
    if (!ws)
      return Promise.resolve({
        status: 0,
        body: 'no Socket Mode connection',
        ms: 0,
        timedOut: false,
        error: 'connection_failed',
      });
    const envelopeId = randomUUID();
    return new Promise<SocketAck>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve({ status: 0, body: '', ms: ms(), timedOut: true, error: 'http_timeout' });
      }, ackTimeoutMs);
      this.pending.set(envelopeId, (ackPayload) => {
        clearTimeout(timer);
        this.pending.delete(envelopeId);
        resolve({
          status: 200,
          body: ackPayload === undefined ? '' : JSON.stringify(ackPayload),
          ms: ms(),
          timedOut: false,
        });
      });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type === 'slash_commands',
        }),
      );
    });
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
  }
}
