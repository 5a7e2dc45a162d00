/**
 * Messages as Slack shows them in a channel or thread: avatar, author (with an APP badge for the bot), time,
 * Block Kit content (or the mrkdwn `text` when there are no blocks), shared files as cards, "(edited)", thread
 * summaries ("3 replies"), thread broadcasts, deleted-parent tombstones, and ephemerals marked "Only visible to
 * you". Day dividers separate days in the channel timeline.
 */
import type { AnyBlock } from '@slack/types';
import type { Ephemeral, StoredMessage } from '../../slack-standin';
import { renderBlocks } from './blocks';
import { avatarClass, initials, nameOf, type RenderContext } from './context';
import { dayLabel, messageTime, messageTooltip } from './dates';
import { renderFiles } from './files';
import { attrs, esc } from './html';
import { renderMrkdwn } from './mrkdwn';

/** A channel/thread entry: a stored message, or an ephemeral the viewer sees. */
export type TimelineItem = { kind: 'message'; msg: StoredMessage } | { kind: 'ephemeral'; eph: Ephemeral };

interface Shown {
  ts: string;
  user: string;
  text: string;
  blocks: AnyBlock[];
}

function content(m: Shown, ctx: RenderContext): string {
  const html =
    m.blocks.length > 0 ? renderBlocks(m.blocks, ctx, { surface: 'message' }) : renderMrkdwn(m.text, ctx);
  return `<div class="msg-content">${html}</div>`;
}

function head(user: string, ts: string, ctx: RenderContext): string {
  const who = ctx.users.get(user);
  const badge = who?.isBot ? '<span class="badge">APP</span>' : '';
  const time = attrs({
    class: 'msg-time',
    datetime: new Date(Number(ts) * 1000).toISOString(),
    title: messageTooltip(ts, ctx.timeZone, ctx.now),
  });
  return `<div class="msg-head"><span class="author">${esc(nameOf(ctx, user))}</span>${badge}<time${time}>${esc(messageTime(ts, ctx.timeZone))}</time></div>`;
}

function avatar(user: string, ctx: RenderContext): string {
  return `<div class="avatar ${avatarClass(user)}" aria-hidden="true">${esc(initials(nameOf(ctx, user)))}</div>`;
}

function threadSummary(msg: StoredMessage, ctx: RenderContext): string {
  const n = msg.replies.length;
  const last = msg.replies[n - 1];
  if (n === 0 || !last) return '';
  const label = `${n} ${n === 1 ? 'reply' : 'replies'}`;
  const open = attrs({
    type: 'button',
    class: 'thread-link',
    'data-open-thread': msg.ts,
    'data-testid': `replies-${msg.ts}`,
  });
  const faces = [...new Set(msg.replies.map((r) => r.user))]
    .slice(0, 3)
    .map(
      (u) =>
        `<span class="avatar avatar-xs ${avatarClass(u)}" aria-hidden="true">${esc(initials(nameOf(ctx, u)))}</span>`,
    )
    .join('');
  return `<div class="thread-summary">${faces}<button${open}>${label}</button><span class="muted">Last reply ${esc(messageTime(last.ts, ctx.timeZone))}</span></div>`;
}

/** A stored message; `inThread` leaves out the thread summary (the thread panel lists the replies). */
export function renderMessage(
  msg: StoredMessage,
  ctx: RenderContext,
  opts: { inThread?: boolean } = {},
): string {
  const a = attrs({
    class: `msg${msg.user === ctx.me ? ' msg-mine' : ''}`,
    'data-testid': `message-${msg.ts}`,
    'data-container': 'message',
    'data-channel': msg.channel,
    'data-ts': msg.ts,
  });
  if (msg.subtype === 'tombstone') {
    return `<div${a}><div class="avatar avatar-gone" aria-hidden="true"></div><div class="msg-body"><div class="msg-content muted">This message was deleted.</div>${opts.inThread ? '' : threadSummary(msg, ctx)}</div></div>`;
  }
  const broadcast =
    msg.subtype === 'thread_broadcast' && msg.thread_ts
      ? opts.inThread
        ? '<div class="msg-note">Also sent to the channel</div>'
        : `<div class="msg-note">replied to a thread: <button type="button" class="thread-link"${attrs({ 'data-open-thread': msg.thread_ts })}>view thread</button></div>`
      : '';
  const edited = msg.edited ? '<span class="edited">(edited)</span>' : '';
  const summary = opts.inThread ? '' : threadSummary(msg, ctx);
  const files = renderFiles(msg.files, ctx, msg.ts);
  // A file share without a comment shows just the files.
  const body = files && msg.blocks.length === 0 && msg.text === '' ? '' : content(msg, ctx);
  return `<div${a}>${avatar(msg.user, ctx)}<div class="msg-body">${head(msg.user, msg.ts, ctx)}${broadcast}${body}${files}${edited}${summary}</div></div>`;
}

/** An ephemeral: only its recipient sees it, and Slack says so. */
export function renderEphemeral(eph: Ephemeral, ctx: RenderContext, botUserId: string): string {
  const a = attrs({
    class: 'msg msg-ephemeral',
    'data-testid': `message-${eph.message_ts}`,
    'data-container': 'ephemeral',
    'data-channel': eph.channel,
    'data-ts': eph.message_ts,
  });
  const shown: Shown = { ts: eph.message_ts, user: botUserId, text: eph.text, blocks: eph.blocks };
  const note = '<div class="eph-note"><span aria-hidden="true">👁</span> Only visible to you</div>';
  return `<div${a}>${avatar(botUserId, ctx)}<div class="msg-body">${note}${head(botUserId, eph.message_ts, ctx)}${content(shown, ctx)}</div></div>`;
}

function tsOf(item: TimelineItem): string {
  return item.kind === 'message' ? item.msg.ts : item.eph.message_ts;
}

/** Items in ts order with a divider whenever the day changes. */
export function renderTimeline(
  items: TimelineItem[],
  ctx: RenderContext,
  opts: { botUserId: string; inThread?: boolean; dividers?: boolean },
): string {
  const sorted = [...items].sort((x, y) => Number(tsOf(x)) - Number(tsOf(y)));
  let day = '';
  return sorted
    .map((item) => {
      const label = dayLabel(tsOf(item), ctx.timeZone, ctx.now);
      const divider =
        opts.dividers !== false && label !== day
          ? `<div class="day-divider" role="separator"><span>${esc(label)}</span></div>`
          : '';
      day = label;
      const html =
        item.kind === 'message'
          ? renderMessage(item.msg, ctx, { inThread: opts.inThread })
          : renderEphemeral(item.eph, ctx, opts.botUserId);
      return divider + html;
    })
    .join('');
}
