/**
 * "The newest recount wins" for a modal the bot updates after the ack (the archive-rule count). Each recount
 * of a view gets a generation; only the newest generation writes, and writes to one view run one at a time
 * with the latest hash this process knows (from views.open, each successful views.update, else the action
 * payload). So an older, slower count never overwrites a newer one, and the newest is not lost to a
 * `hash_conflict` caused by an older write: on `hash_conflict` the newest generation retries once with a
 * newer hash it knows of (another replica may have updated the view; the action payload carries its hash).
 * In memory, bounded: an entry goes when the view is submitted (`forget`), closed or gone (`not_found`), after
 * `ttlMs` without a recount, or when more than `maxViews` are tracked (oldest first). A view whose entry went
 * starts again from the hash of its next action payload.
 * @example
 *   const updates = createLatestViewUpdates({ update: (a) => client.views.update(a).then((r) => ({ hash: r.view?.hash })) });
 *   const gen = updates.begin(view.id, view.hash);
 *   const view = await buildWithCount();
 *   await updates.write(view.id, gen, view); // 'updated' | 'superseded' | 'gone' | 'failed'
 */
import type { ModalView } from '@slack/types';

export type ViewUpdate = (args: {
  view_id: string;
  hash: string;
  view: ModalView;
}) => Promise<{ hash?: string }>;

export type WriteOutcome = 'updated' | 'superseded' | 'gone' | 'failed';

export interface LatestViewUpdates {
  /** A recount starts (views.open answered, or an action arrived with the view's hash): its generation. */
  begin(viewId: string, hash: string): number;
  /** Shows `view` when `generation` is still the newest of the view. Never throws. */
  write(viewId: string, generation: number, view: ModalView): Promise<WriteOutcome>;
  /** The view was submitted or closed: no more writes. */
  forget(viewId: string): void;
  /** How many views are tracked (for tests and the log). */
  size(): number;
}

interface Entry {
  generation: number;
  /** Latest hash from our own views.open / views.update answers. */
  hash: string;
  /** Hash carried by the newest action payload (another replica may have updated the view). */
  payloadHash: string;
  touched: number;
  queue: Promise<unknown>;
}

/** Slack errors meaning the view is closed or unknown: no later write can succeed. */
const GONE_ERRORS = ['not_found', 'view_not_found'];

const slackErrorOf = (err: unknown) => (err as { data?: { error?: string } }).data?.error ?? '';

export function createLatestViewUpdates(options: {
  update: ViewUpdate;
  now?: () => number;
  ttlMs?: number;
  maxViews?: number;
  onError?: (viewId: string, err: unknown) => void;
}): LatestViewUpdates {
  const { update } = options;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const maxViews = options.maxViews ?? 500;
  const views = new Map<string, Entry>();

  function sweep(at: number): void {
    for (const [id, entry] of views) {
      if (at - entry.touched > ttlMs || views.size > maxViews) views.delete(id);
      else break; // insertion order = least recently touched first
    }
  }

  async function send(
    viewId: string,
    entry: Entry,
    generation: number,
    view: ModalView,
  ): Promise<WriteOutcome> {
    if (views.get(viewId) !== entry) return 'gone';
    if (generation !== entry.generation) return 'superseded';
    const tried = entry.hash;
    try {
      entry.hash = (await update({ view_id: viewId, hash: tried, view })).hash ?? entry.hash;
      return 'updated';
    } catch (err) {
      const code = slackErrorOf(err);
      if (GONE_ERRORS.includes(code)) {
        views.delete(viewId);
        return 'gone';
      }
      if (code !== 'hash_conflict') {
        options.onError?.(viewId, err);
        return 'failed';
      }
    }
    // hash_conflict: retry once, if still the newest, with a newer hash we know of.
    if (views.get(viewId) !== entry) return 'gone';
    if (generation !== entry.generation) return 'superseded';
    const newer = [entry.hash, entry.payloadHash].find((h) => h !== '' && h !== tried);
    if (newer === undefined) return 'superseded';
    try {
      entry.hash = (await update({ view_id: viewId, hash: newer, view })).hash ?? newer;
      return 'updated';
    } catch (err) {
      const code = slackErrorOf(err);
      if (GONE_ERRORS.includes(code)) views.delete(viewId);
      else if (code !== 'hash_conflict') options.onError?.(viewId, err);
      return GONE_ERRORS.includes(code) ? 'gone' : code === 'hash_conflict' ? 'superseded' : 'failed';
    }
  }

  return {
    begin(viewId, hash) {
      const at = now();
      let entry = views.get(viewId);
      if (entry) {
        views.delete(viewId); // re-inserted below: the most recently touched view is last
        entry.generation += 1;
        entry.payloadHash = hash;
        entry.touched = at;
      } else {
        entry = { generation: 1, hash, payloadHash: hash, touched: at, queue: Promise.resolve() };
      }
      views.set(viewId, entry);
      sweep(at);
      return entry.generation;
    },

    write(viewId, generation, view) {
      const entry = views.get(viewId);
      if (!entry) return Promise.resolve('gone');
      const run = entry.queue.then(() => send(viewId, entry, generation, view));
      entry.queue = run.catch(() => undefined);
      return run.catch(() => 'failed' as const);
    },

    forget(viewId) {
      views.delete(viewId);
    },

    size: () => views.size,
  };
}
