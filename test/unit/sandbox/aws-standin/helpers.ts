/**
 * Shared by the AWS stand-in tests that talk to it through the real AWS SDK v3 clients: dummy credentials, client
 * configuration pointed at a stand-in, teardown, and capturing the error of a call that must fail.
 */
import { createAwsStandin, type AwsStandin } from '../../../../src/sandbox/aws-standin';

/** Static dummy credentials; the stand-in does not check signatures, the SDK just needs something to sign with. */
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Client settings a test may add on top of {@link clientConfig}'s defaults. */
export interface ClientExtras {
  /** 1 turns the SDK's retries off, so an injected failure reaches the test as is. */
  maxAttempts?: number;
  /** S3 only: bucket in the path rather than the host name, which a localhost endpoint needs. */
  forcePathStyle?: boolean;
}

/**
 * Configuration for any AWS SDK v3 client that talks to `standin`: its URL as the endpoint, region us-west-2 and
 * {@link credentials}; `extras` are applied last. The caller destroys the client (see {@link closeAll}).
 */
export function clientConfig(standin: AwsStandin, extras: ClientExtras = {}) {
  return { endpoint: standin.url, region: 'us-west-2', credentials, ...extras };
}

/**
 * A fresh stand-in (with `options`) and one SDK client of class `Client` pointed at it, for beforeEach/beforeAll.
 * @example [aws, iam] = await standinWithClient(IAMClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
 */
export async function standinWithClient<C>(
  Client: new (config: ReturnType<typeof clientConfig>) => C,
  options: Parameters<typeof createAwsStandin>[0] = {},
  extras: ClientExtras = {},
): Promise<[AwsStandin, C]> {
  const standin = await createAwsStandin(options);
  return [standin, new Client(clientConfig(standin, extras))];
}

/**
 * Teardown for afterEach/afterAll: destroys each SDK client (closing its sockets), then closes the stand-in's
 * server.
 */
export async function closeAll(standin: AwsStandin, ...clients: { destroy(): void }[]): Promise<void> {
  for (const client of clients) client.destroy();
  await standin.close();
}

/**
 * Awaits a call that must fail and gives back what it threw; throws when the call succeeded. Bind the error type
 * once per file: `const failure = failureOf<IAMServiceException>;`.
 */
export async function failureOf<E>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the call to fail');
}
