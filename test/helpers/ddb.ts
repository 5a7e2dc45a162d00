import { randomUUID } from 'node:crypto';
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { createStores, type Stores } from '../../src/store';

/** The DynamoDB Local started by jest's globalSetup. */
export function testDynamoDb(): DynamoDB {
  const endpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  if (!endpoint)
    throw new Error(
      'TEST_DYNAMODB_ENDPOINT is not set: run the tests through jest (globalSetup starts DynamoDB Local)',
    );
  return new DynamoDB({
    endpoint,
    region: 'us-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** A table prefix no other test uses, so tests share one DynamoDB Local without seeing each other. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${randomUUID().slice(0, 8)}-`;
}

export async function testStores(name: string): Promise<Stores> {
  const stores = createStores(testDynamoDb(), { tablePrefix: uniquePrefix(name), createTables: true });
  await stores.initialize();
  return stores;
}
