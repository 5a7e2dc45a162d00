import { ApiError, type Args } from './api-args';
import { toApiMessage } from './api-message';
import { readMessageContent } from './message-content';
import type { ApiContext, MethodHandler } from './web-api-context';
import type { StoredMessage } from './types';

/** `chat.*` methods, answering with the shapes and error names of Slack's Web API. */

function ownMessage(ctx: ApiContext, args: Args, tsArg: string, notMine: string): StoredMessage {
  const channel = ctx.ws.channelById(args.need('channel', 'channel_not_found'));
  if (!channel) throw new ApiError('channel_not_found');
  const msg = ctx.ws.find(channel.id, args.need(tsArg, 'message_not_found'));
  if (!msg || msg.subtype === 'tombstone') throw new ApiError('message_not_found');
  if (msg.bot_id !== ctx.ws.identity.botId) throw new ApiError(notMine);
  return msg;
}

/** Posts as the bot; `channel` may be an id, a name, or a user id (DM). ts strictly increasing. */
const postMessage: MethodHandler = (args, ctx) => {
  const channel = ctx.ws.resolveForPost(args.need('channel', 'channel_not_found'));
  if (!channel) throw new ApiError('channel_not_found');
  const content = readMessageContent(args, { requireContent: true });
  const { botUserId, botId } = ctx.ws.identity;
  const msg = ctx.ws.post({
    channel: channel.id,
    user: botUserId,
    botId,
    text: content.text ?? '',
    blocks: content.blocks ?? [],
    metadata: content.metadata,
    threadTs: args.str('thread_ts'),
    broadcast: args.bool('reply_broadcast'),
  });
  return {
    channel: channel.id,
    ts: msg.ts,
    message: toApiMessage(msg, ctx.ws.identity, { includeMetadata: true }),
  };
};

/**
 * Edits a bot message in place. `blocks` omitted ⇒ previous blocks kept, `[]` ⇒ removed; `text`/`metadata`
 * omitted ⇒ kept. Adds `edited`. Not the bot's message ⇒ `cant_update_message`; ephemerals are not found.
 */
const update: MethodHandler = (args, ctx) => {
  const msg = ownMessage(ctx, args, 'ts', 'cant_update_message');
  const content = readMessageContent(args, { requireContent: false });
  if (content.text === undefined && content.blocks === undefined && !content.hasAttachments) {
    throw new ApiError('no_text');
  }
  const updated = ctx.ws.update(msg.channel, msg.ts, content, ctx.ws.identity.botUserId);
  const message = toApiMessage(updated, ctx.ws.identity, { includeMetadata: true });
  return { channel: msg.channel, ts: msg.ts, text: updated.text, message };
};

const remove: MethodHandler = (args, ctx) => {
  const msg = ownMessage(ctx, args, 'ts', 'cant_delete_message');
  ctx.ws.remove(msg.channel, msg.ts);
  return { channel: msg.channel, ts: msg.ts };
};

/** Shown only to `user`, who must be a member (unknown person ⇒ `user_not_in_channel`). */
const postEphemeral: MethodHandler = (args, ctx) => {
  const channel = ctx.ws.resolveForPost(args.need('channel', 'channel_not_found'));
  if (!channel) throw new ApiError('channel_not_found');
  const user = args.str('user');
  if (!user || !ctx.ws.user(user)) throw new ApiError('user_not_in_channel');
  const content = readMessageContent(args, { requireContent: true });
  const threadTs = args.str('thread_ts');
  const eph = ctx.ws.postEphemeral({
    channel: channel.id,
    user,
    text: content.text ?? '',
    blocks: content.blocks ?? [],
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  return { message_ts: eph.message_ts };
};

/** `https://<domain>.slack.com/archives/<channel>/p<ts without dot>`, with `thread_ts`/`cid` for replies. */
const getPermalink: MethodHandler = (args, ctx) => {
  const channel = ctx.ws.channelById(args.need('channel', 'channel_not_found'));
  if (!channel) throw new ApiError('channel_not_found');
  const msg = ctx.ws.find(channel.id, args.need('message_ts', 'message_not_found'));
  if (!msg) throw new ApiError('message_not_found');
  let permalink = `https://${ctx.ws.identity.teamDomain}.slack.com/archives/${channel.id}/p${msg.ts.replace('.', '')}`;
  if (msg.thread_ts && msg.thread_ts !== msg.ts) permalink += `?thread_ts=${msg.thread_ts}&cid=${channel.id}`;
  return { channel: channel.id, permalink };
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.delete': remove,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
};
