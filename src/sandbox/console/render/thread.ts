/**
 * The thread panel: the parent message, a "N replies" separator, the replies and the viewer's ephemerals in
 * that thread, oldest first.
 */
import type { Ephemeral, StoredMessage } from '../../slack-standin';
import type { RenderContext } from './context';
import { esc } from './html';
import { renderMessage, renderTimeline } from './message';

export function renderThread(
  parent: StoredMessage,
  ephemerals: Ephemeral[],
  ctx: RenderContext,
  opts: { botUserId: string; channelName: string },
): string {
  const n = parent.replies.length;
  const items = [
    ...parent.replies.map((msg) => ({ kind: 'message' as const, msg })),
    ...ephemerals.map((eph) => ({ kind: 'ephemeral' as const, eph })),
  ];
  const separator = `<div class="thread-sep"><span>${n} ${n === 1 ? 'reply' : 'replies'}</span></div>`;
  return (
    `<div class="thread-head"><div><strong>Thread</strong> <span class="muted">#${esc(opts.channelName)}</span></div>` +
    `<button type="button" class="icon-btn" data-close-thread aria-label="Close thread">✕</button></div>` +
    `<div class="thread-body" data-thread-ts="${esc(parent.ts)}">${renderMessage(parent, ctx, { inThread: true })}${separator}` +
    `${renderTimeline(items, ctx, { botUserId: opts.botUserId, inThread: true, dividers: false })}</div>`
  );
}
