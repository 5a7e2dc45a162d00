import type { DynamoDbLocal } from '../src/sandbox/dynamodb-local';

export default async function globalTeardown(): Promise<void> {
  const ddb = (globalThis as unknown as { __ddbLocal?: DynamoDbLocal }).__ddbLocal;
  await ddb?.stop();
}
