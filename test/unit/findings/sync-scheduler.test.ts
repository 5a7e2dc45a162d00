import pino from 'pino';
import { createSyncScheduler } from '../../../src/findings/sync-scheduler';

const log = pino({ level: 'silent' });
const clock = { now: () => Date.now() };
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

test('runs inline while a worker is free, so the caller sees the result', async () => {
  const done: string[] = [];
  const s = createSyncScheduler({
    sync: async (id) => {
      done.push(id);
    },
    store: { listSyncDue: async () => [] },
    clock,
    log,
  });
  await s.run('a');
  expect(done).toEqual(['a']);
});

test('queues past its concurrency, returns at once, and works the queue in order', async () => {
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const started: string[] = [];
  const s = createSyncScheduler({
    sync: async (id) => {
      started.push(id);
      const g = deferred();
      gates.set(id, g);
      await g.promise;
    },
    store: { listSyncDue: async () => [] },
    clock,
    log,
    concurrency: 2,
  });
  const first = s.run('a');
  const second = s.run('b');
  await s.run('c'); // both workers busy: queued, returns without waiting
  await s.run('d');
  expect(started).toEqual(['a', 'b']);
  expect(s.stats()).toMatchObject({ queued: 2, inFlight: 2 });
  gates.get('a')?.resolve();
  await first;
  await new Promise((r) => setImmediate(r));
  expect(started).toEqual(['a', 'b', 'c']);
  for (const id of ['b', 'c']) gates.get(id)?.resolve();
  await second;
  await new Promise((r) => setImmediate(r));
  gates.get('d')?.resolve();
  await s.idle();
  expect(started).toEqual(['a', 'b', 'c', 'd']);
});

test('a queued finding asked for twice is synced once', async () => {
  const gate = deferred();
  const started: string[] = [];
  const s = createSyncScheduler({
    sync: async (id) => {
      started.push(id);
      if (id === 'a') await gate.promise;
    },
    store: { listSyncDue: async () => [] },
    clock,
    log,
    concurrency: 1,
  });
  const a = s.run('a');
  await s.run('b');
  await s.run('b');
  gate.resolve();
  await a;
  await s.idle();
  expect(started).toEqual(['a', 'b']);
});

test('queues instead of running inline while Slack is being paced', async () => {
  const gate = deferred();
  let ran = 0;
  const s = createSyncScheduler({
    sync: async () => {
      ran++;
      await gate.promise;
    },
    store: { listSyncDue: async () => [] },
    clock,
    log,
    canRunNow: () => false,
  });
  await s.run('a'); // returns although the sync is still waiting on the gate
  expect(ran).toBe(1);
  gate.resolve();
  await s.idle();
});

test('a failing sync does not throw to the caller and is retried after a delay', async () => {
  let calls = 0;
  const s = createSyncScheduler({
    sync: async () => {
      calls++;
      if (calls === 1) throw new Error('slack down');
    },
    store: { listSyncDue: async () => [] },
    clock,
    log,
  });
  await expect(s.run('a')).resolves.toBeUndefined();
  expect(s.stats().retrying).toBe(1);
  await s.idle(); // waits for the retry (1 s)
  expect(calls).toBe(2);
});

test('start picks up what the index says is owed (work left by an earlier process)', async () => {
  const synced: string[] = [];
  const s = createSyncScheduler({
    sync: async (id) => {
      synced.push(id);
    },
    store: { listSyncDue: async () => ['x', 'y'] },
    clock,
    log,
    pollMs: 60_000,
  });
  s.start();
  await new Promise((r) => setTimeout(r, 20));
  await s.idle();
  await s.stop();
  expect(synced.sort()).toEqual(['x', 'y']);
});

describe('digests', () => {
  /** A scheduler whose single worker is held until `release`, so the queue fills up. */
  function held(absorb: (ids: string[]) => Promise<string[]>, threshold = 3) {
    const gate = deferred();
    const synced: string[] = [];
    const s = createSyncScheduler({
      sync: async (id) => {
        if (id === 'first') await gate.promise;
        synced.push(id);
      },
      store: { listSyncDue: async () => [] },
      clock,
      log,
      concurrency: 1,
      digest: { threshold, absorb },
    });
    return { s, synced, release: gate.resolve };
  }

  test('hands the queue to absorb once it reaches the threshold; what it declines is synced one by one, once', async () => {
    const batches: string[][] = [];
    const { s, synced, release } = held(async (ids) => {
      batches.push(ids);
      return ids.filter((id) => id === 'b'); // b already has a card: declined
    });
    const first = s.run('first');
    for (const id of ['a', 'b', 'c']) await s.run(id);
    release();
    await first;
    await s.idle();
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(synced).toEqual(['first', 'b']);
  });

  test('below the threshold, nothing is absorbed', async () => {
    const absorb = jest.fn(async (ids: string[]) => ids);
    const { s, synced, release } = held(absorb);
    const first = s.run('first');
    await s.run('a');
    await s.run('b');
    release();
    await first;
    await s.idle();
    expect(absorb).not.toHaveBeenCalled();
    expect(synced).toEqual(['first', 'a', 'b']);
  });

  test('a failed digest pass loses nothing: every finding is synced one by one', async () => {
    const { s, synced, release } = held(async () => {
      throw new Error('DynamoDB unreachable');
    });
    const first = s.run('first');
    for (const id of ['a', 'b', 'c']) await s.run(id);
    release();
    await first;
    await s.idle();
    expect(synced.sort()).toEqual(['a', 'b', 'c', 'first']);
  });
});
