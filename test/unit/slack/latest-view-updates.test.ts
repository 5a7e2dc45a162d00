import type { ModalView } from '@slack/types';
import { createLatestViewUpdates, type ViewUpdate } from '../../../src/slack/listeners/latest-view-updates';

/** One Slack modal: a hash that changes on every update; a stale hash is `hash_conflict`. */
function slackView(initialHash = 'h0') {
  let hash = initialHash;
  let seq = 0;
  const shown: string[] = [];
  const calls: { hash: string }[] = [];
  let gate: Promise<void> | undefined;
  const update: ViewUpdate = async (args) => {
    calls.push({ hash: args.hash });
    if (gate) await gate;
    if (args.hash !== hash)
      throw Object.assign(new Error('hash_conflict'), { data: { error: 'hash_conflict' } });
    hash = `h${++seq}`;
    shown.push(args.view.private_metadata ?? '');
    return { hash };
  };
  return {
    update,
    shown,
    calls,
    /** Someone else (another replica) updates the view. */
    external: () => (hash = `x${++seq}`),
    current: () => hash,
    /** Holds updates until the returned function is called. */
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const modal = (label: string): ModalView => ({
  type: 'modal',
  title: { type: 'plain_text', text: 't' },
  blocks: [],
  private_metadata: label,
});

describe('latest view updates (the modal count)', () => {
  it('lets only the newest recount write: an older, slower count is dropped', async () => {
    // Prepare
    const slack = slackView();
    const updates = createLatestViewUpdates({ update: slack.update });
    const older = updates.begin('V1', 'h0');
    const newer = updates.begin('V1', 'h0');
    // Act: the newer count is ready first, the older one after it
    expect(await updates.write('V1', newer, modal('count for the newer input'))).toBe('updated');
    expect(await updates.write('V1', older, modal('count for the older input'))).toBe('superseded');
    // Assess
    expect(slack.shown).toEqual(['count for the newer input']);
  });

  it('does not lose the newest count to the hash an older write changed', async () => {
    // Prepare: both actions carried the hash of the opened view
    const slack = slackView();
    const updates = createLatestViewUpdates({ update: slack.update });
    const first = updates.begin('V1', 'h0');
    const release = slack.hold();
    const writing = updates.write('V1', first, modal('first'));
    await new Promise((r) => setImmediate(r));
    expect(slack.calls).toEqual([{ hash: 'h0' }]); // in flight with h0
    const second = updates.begin('V1', 'h0'); // the person edits again meanwhile
    // Act
    const newest = updates.write('V1', second, modal('second'));
    release();
    // Assess: the first landed (it was the newest when sent), then the second with the hash it produced
    expect(await writing).toBe('updated');
    expect(await newest).toBe('updated');
    expect(slack.shown).toEqual(['first', 'second']);
  });

  it('retries once on hash_conflict with the newer hash an action carried (another replica updated)', async () => {
    // Prepare: opened here with h0; another replica updated the view; the next action carries its hash
    const slack = slackView();
    const updates = createLatestViewUpdates({ update: slack.update });
    updates.begin('V1', 'h0');
    slack.external();
    const gen = updates.begin('V1', slack.current());
    // Act
    const outcome = await updates.write('V1', gen, modal('newest'));
    // Assess
    expect(outcome).toBe('updated');
    expect(slack.calls.map((c) => c.hash)).toEqual(['h0', expect.stringMatching(/^x/)]);
    expect(slack.shown).toEqual(['newest']);
  });

  it('stops writing to a submitted or closed view, and stays bounded', async () => {
    const slack = slackView();
    let now = 0;
    const updates = createLatestViewUpdates({
      update: slack.update,
      now: () => now,
      ttlMs: 1000,
      maxViews: 3,
    });
    // Submitted: forgotten, later counts are not written
    const gen = updates.begin('V1', 'h0');
    updates.forget('V1');
    expect(await updates.write('V1', gen, modal('late'))).toBe('gone');
    // Closed: Slack answers not_found, the entry goes
    const closed = createLatestViewUpdates({
      update: () => Promise.reject(Object.assign(new Error('x'), { data: { error: 'not_found' } })),
    });
    expect(await closed.write('V9', closed.begin('V9', 'h'), modal('x'))).toBe('gone');
    expect(closed.size()).toBe(0);
    // At most maxViews; idle entries expire
    for (const id of ['A', 'B', 'C', 'D']) updates.begin(id, 'h');
    expect(updates.size()).toBe(3);
    now = 5000;
    updates.begin('E', 'h');
    expect(updates.size()).toBe(1);
    expect(slack.shown).toEqual([]);
  });
});
