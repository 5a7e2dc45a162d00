import { startDynamoDbLocal } from '../src/sandbox/dynamodb-local';

/** One DynamoDB Local for the whole run; tests isolate themselves with a unique TABLE_PREFIX. */
export default async function globalSetup(): Promise<void> {
  const ddb = await startDynamoDbLocal();
  process.env.TEST_DYNAMODB_ENDPOINT = ddb.endpoint;
  (globalThis as unknown as { __ddbLocal: typeof ddb }).__ddbLocal = ddb;
  // If jest dies before teardown, do not leave the JVM holding the port.
  process.once('exit', () => {
    if (ddb.pid) {
      try {
        process.kill(ddb.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}
