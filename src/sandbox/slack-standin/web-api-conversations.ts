import { ApiError, type Args } from './api-args';
import { toApiMessage } from './api-message';
import type { Json } from './element-limits';
import { tsToMicros } from './ids';
import type { StoredMessage } from './types';
import type { ApiContext, MethodHandler } from './web-api-context';

/** `conversations.*` read methods with Slack's cursor pagination and `oldest`/`latest`/`inclusive` window. */

const MAX_LIMIT = 999;

function encodeCursor(ts: string): string {
  return Buffer.from(`next_ts:${ts}`).toString('base64');
}

function decodeCursor(cursor: string): number {
  const m = /^next_ts:(\d+\.\d{6})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  const micros = m?.[1] ? tsToMicros(m[1]) : Number.NaN;
  if (Number.isNaN(micros)) throw new ApiError('invalid_cursor');
  return micros;
}

/**
 * One page of `items` (already in response order). The cursor names the first message of the next page, like
 * Slack's opaque `bmV4dF90czo…` (`next_ts:<ts>`) cursors.
 */
function page(items: StoredMessage[], args: Args, newestFirst: boolean, defaultLimit: number) {
  const inclusive = args.bool('inclusive');
  const oldest = args.has('oldest') ? tsToMicros(normalizeTs(args.str('oldest'))) : undefined;
  const latest = args.has('latest') ? tsToMicros(normalizeTs(args.str('latest'))) : undefined;
  let window = items.filter((m) => {
    const t = tsToMicros(m.ts);
    if (oldest !== undefined && (inclusive ? t < oldest : t <= oldest)) return false;
    if (latest !== undefined && (inclusive ? t > latest : t >= latest)) return false;
    return true;
  });
  const cursor = args.str('cursor');
  if (cursor) {
    const from = decodeCursor(cursor);
    window = window.filter((m) => (newestFirst ? tsToMicros(m.ts) <= from : tsToMicros(m.ts) >= from));
  }
  const requested = args.int('limit');
  const limit = Math.min(requested && requested > 0 ? requested : defaultLimit, MAX_LIMIT);
  const pageItems = window.slice(0, limit);
  const next = window[limit];
  return { pageItems, hasMore: next !== undefined, nextCursor: next ? encodeCursor(next.ts) : '' };
}

/** Slack accepts `oldest=1719936116` as well as full ts strings. */
function normalizeTs(value: string | undefined): string {
  if (!value) return '0.000000';
  if (/^\d+$/.test(value)) return `${value}.000000`;
  const [secs, frac = ''] = value.split('.');
  return `${secs}.${frac.padEnd(6, '0').slice(0, 6)}`;
}

function channelOf(args: Args, ctx: ApiContext) {
  const channel = ctx.ws.channelById(args.need('channel', 'channel_not_found'));
  if (!channel) throw new ApiError('channel_not_found');
  return channel;
}

/** Top-level messages (and thread broadcasts), newest first; `metadata` only with `include_all_metadata`. */
const history: MethodHandler = (args, ctx) => {
  const channel = channelOf(args, ctx);
  const items = [...ctx.ws.history(channel.id)].reverse();
  const { pageItems, hasMore, nextCursor } = page(items, args, true, 100);
  const includeMetadata = args.bool('include_all_metadata');
  const out: Json = {
    messages: pageItems.map((m) =>
      toApiMessage(m, ctx.ws.identity, { includeMetadata, parentUser: parentOf(ctx, m) }),
    ),
    has_more: hasMore,
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
  };
  if (hasMore) out.response_metadata = { next_cursor: nextCursor };
  return out;
};

/** A thread: parent first, then replies oldest first. Unknown ts ⇒ `thread_not_found`. */
const replies: MethodHandler = (args, ctx) => {
  const channel = channelOf(args, ctx);
  const msg = ctx.ws.find(channel.id, args.need('ts', 'thread_not_found'));
  if (!msg) throw new ApiError('thread_not_found');
  const isReply = msg.thread_ts !== undefined && msg.thread_ts !== msg.ts;
  const items = isReply ? [msg] : [msg, ...msg.replies];
  const { pageItems, hasMore, nextCursor } = page(items, args, false, 1000);
  const includeMetadata = args.bool('include_all_metadata');
  const out: Json = {
    messages: pageItems.map((m) =>
      toApiMessage(m, ctx.ws.identity, { includeMetadata, parentUser: parentOf(ctx, m) }),
    ),
    has_more: hasMore,
  };
  if (hasMore) out.response_metadata = { next_cursor: nextCursor };
  return out;
};

function parentOf(ctx: ApiContext, m: StoredMessage): string | undefined {
  return m.thread_ts && m.thread_ts !== m.ts ? ctx.ws.find(m.channel, m.thread_ts)?.user : undefined;
}

const info: MethodHandler = (args, ctx) => {
  const channel = channelOf(args, ctx);
  const isIm = channel.id.startsWith('D');
  return {
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: !isIm,
      is_group: false,
      is_im: isIm,
      is_private: isIm,
      is_archived: false,
      is_general: false,
      is_member: true,
      created: 1_700_000_000,
      creator: ctx.ws.allUsers()[0]?.id ?? '',
    },
  };
};

export const conversationMethods: Record<string, MethodHandler> = {
  'conversations.history': history,
  'conversations.replies': replies,
  'conversations.info': info,
};
