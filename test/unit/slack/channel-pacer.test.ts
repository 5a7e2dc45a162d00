import { createChannelPacer } from '../../../src/slack/channel-pacer';

/** A fake clock whose sleeps advance it, recording when each post would go out. */
function fake() {
  let t = 1_000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    set: (v: number) => {
      t = v;
    },
  };
}

test('posts to one channel are spaced by the interval, the first at once', async () => {
  const c = fake();
  const pacer = createChannelPacer(1000, c.now, c.sleep);
  const at: number[] = [];
  for (let i = 0; i < 3; i++) {
    await pacer.wait('C1');
    at.push(c.now());
  }
  expect(at).toEqual([1000, 2000, 3000]);
});

test('concurrent waiters get consecutive slots, never the same one', async () => {
  const c = { now: () => 0 };
  const slept: number[] = [];
  const pacer = createChannelPacer(500, c.now, async (ms) => {
    slept.push(ms);
  });
  await Promise.all([pacer.wait('C1'), pacer.wait('C1'), pacer.wait('C1')]);
  expect(slept).toEqual([500, 1000]);
});

test('channels are paced independently', async () => {
  const c = fake();
  const pacer = createChannelPacer(1000, c.now, c.sleep);
  await pacer.wait('C1');
  expect(pacer.busy('C1')).toBe(true);
  expect(pacer.busy('C2')).toBe(false);
  await pacer.wait('C2');
  expect(c.now()).toBe(1000);
});

test('a Retry-After pause holds every channel until it has passed', async () => {
  const c = fake();
  const pacer = createChannelPacer(100, c.now, c.sleep);
  pacer.pause(3000);
  expect(pacer.busy('C9')).toBe(true);
  await pacer.wait('C9');
  expect(c.now()).toBe(4000);
});

test('interval 0 does not pace, but a pause still holds', async () => {
  const c = fake();
  const pacer = createChannelPacer(0, c.now, c.sleep);
  await pacer.wait('C1');
  await pacer.wait('C1');
  expect(c.now()).toBe(1000);
  expect(pacer.busy('C1')).toBe(false);
  pacer.pause(500);
  await pacer.wait('C1');
  expect(c.now()).toBe(1500);
});
