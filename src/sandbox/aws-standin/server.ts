import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallLog } from './call-log';
import { AwsError } from './errors';
import type { ServiceProtocol, WireReply, WireRequest } from './service';

export interface ServerOptions {
  host: string;
  port: number;
  log: CallLog;
  /** Consulted in order; the first protocol that accepts a request serves it. */
  protocols: ServiceProtocol[];
  /** Called first on close, to end long polls before connections are torn down. */
  beforeClose: () => void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The one HTTP endpoint behind every emulated service. Per request: decode with the owning protocol,
 * record the call, apply an armed `failNext` fault, execute, encode. Like AWS it answers every request with
 * an `x-amzn-requestid`, and any unexpected exception becomes a 500 InternalServerException.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const inFlight = new Set<Promise<void>>();
  const aborts = new Set<AbortController>();
  const server = createServer((req, res) => {
    const abort = new AbortController();
    aborts.add(abort);
    res.once('close', () => abort.abort());
    const done = serve(req, res, abort.signal, options).finally(() => {
      aborts.delete(abort);
      inFlight.delete(done);
    });
    inFlight.add(done);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        options.beforeClose();
        for (const abort of aborts) abort.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.race([Promise.allSettled([...inFlight]), delay(2000)]);
        server.closeAllConnections();
        await stopped;
      })()),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
  options: ServerOptions,
): Promise<void> {
  try {
    const request: WireRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://standin.invalid'),
      headers: req.headers,
      body: await readBody(req),
    };
    const protocol = route(options.protocols, request);
    write(res, protocol ? await dispatch(protocol, request, signal, options) : unknownService(request));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!res.headersSent) write(res, { status: 500, headers: {}, body: JSON.stringify({ message }) });
  }
}

async function dispatch(
  protocol: ServiceProtocol,
  request: WireRequest,
  signal: AbortSignal,
  options: ServerOptions,
): Promise<WireReply> {
  try {
    let decoded: ReturnType<ServiceProtocol['decode']>;
    try {
      decoded = protocol.decode(request);
    } catch (error) {
      options.log.record(protocol.service, 'Unknown', { method: request.method, path: request.url.pathname });
      throw error;
    }
    options.log.record(protocol.service, decoded.operation, decoded.input);
    const fault = options.log.takeFault(decoded.operation);
    if (fault) throw fault;
    return protocol.encode(await protocol.execute(decoded.operation, decoded.input, signal));
  } catch (error) {
    if (error instanceof AwsError) return protocol.encodeError(error);
    const message = error instanceof Error ? error.message : String(error);
    return protocol.encodeError(new AwsError('InternalServerException', 500, `Stand-in failure: ${message}`));
  }
}

/**
 * Picks the protocol for a request. A SigV4-signed request names its service in the credential scope
 * (`Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240501/us-west-2/iam/aws4_request, ...`, or
 * `X-Amz-Credential` for presigned URLs); that is the most reliable marker, since IAM, S3 and Access Analyzer
 * requests all lack an `X-Amz-Target`. Unsigned requests fall back to each protocol's own `accepts`.
 */
function route(protocols: ServiceProtocol[], request: WireRequest): ServiceProtocol | undefined {
  const scope = signingService(request);
  const signed = scope === undefined ? undefined : protocols.find((p) => p.signingName === scope);
  return signed ?? protocols.find((p) => p.accepts(request));
}

export function signingService(request: WireRequest): string | undefined {
  const header = String(request.headers.authorization ?? '');
  const credential =
    /Credential=([^,\s]+)/.exec(header)?.[1] ?? request.url.searchParams.get('X-Amz-Credential') ?? '';
  const parts = credential.split('/');
  return parts.length >= 5 ? parts[parts.length - 2] : undefined;
}

function unknownService(request: WireRequest): WireReply {
  const target = String(request.headers['x-amz-target'] ?? '');
  return {
    status: 400,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'UnknownOperationException',
    },
    body: JSON.stringify({ __type: 'UnknownOperationException', message: `No stand-in serves ${target}` }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, reply: WireReply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'x-amzn-requestid': randomUUID() });
  res.end(reply.body);
}
