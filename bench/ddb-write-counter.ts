/**
 * A pass-through HTTP proxy in front of DynamoDB Local that counts the write operations by their
 * X-Amz-Target (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems), so the benchmark can
 * report DynamoDB writes per finding lifecycle without touching the bot's code.
 */
import { type Server, createServer, request } from 'node:http';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface WriteCounter {
  endpoint: string;
  /** Writes so far, by operation. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startWriteCounter(target: string): Promise<WriteCounter> {
  const to = new URL(target);
  let counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (WRITES.has(op)) counts[op] = (counts[op] ?? 0) + 1;
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      counts = {};
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
