import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { createStores } from '../../../src/store';
import { testStores } from '../../helpers/ddb';

describe('store readiness', () => {
  it('is ready when DynamoDB answers and the tables exist', async () => {
    const stores = await testStores('ready');
    expect(await stores.ready()).toEqual({ ok: true });
  });

  it('is not ready, saying why, when DynamoDB cannot be reached', async () => {
    const unreachable = new DynamoDB({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-west-2',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const stores = createStores(unreachable, { tablePrefix: 'nowhere-', createTables: false });
    const r = await stores.ready();
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/DynamoDB not reachable/);
  });

  it('refuses to start without tables when it may not create them, naming them', async () => {
    const endpoint = process.env.TEST_DYNAMODB_ENDPOINT as string;
    const ddb = new DynamoDB({
      endpoint,
      region: 'us-west-2',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    const stores = createStores(ddb, { tablePrefix: 'absent-', createTables: false });
    await expect(stores.initialize()).rejects.toThrow(/absent-findings/);
  });
});
