import { ApiError, Args } from './api-args';
import { isObject } from './element-limits';
import { readMessageContent } from './message-content';
import { MAX_BODY_BYTES } from './server';
import type { StandinChannel } from './types';
import type { ApiContext, MethodHandler } from './web-api-context';

/**
 * The two Web API halves of `WebClient.files.uploadV2` (the bytes go to the upload URL in between, see
 * `SlackStandin`): `files.getUploadURLExternal` and `files.completeUploadExternal`, with Slack's error names.
 * Like `chat.postMessage` here, the bot may share into any channel of the workspace, so `not_in_channel` does not
 * arise; unknown channels are `channel_not_found`.
 */

/** Slack: `alt_txt` longer than this ⇒ `alt_txt_too_large`. */
export const MAX_ALT_TXT_CHARS = 1000;
/** The stand-in's own upload limit (its server refuses larger bodies; multipart framing needs some room). */
export const MAX_UPLOAD_BYTES = MAX_BODY_BYTES - 64 * 1024;

function invalid(message: string): ApiError {
  return new ApiError('invalid_arguments', [`[ERROR] ${message}`]);
}

/**
 * `filename` and `length` required (`invalid_arguments`); `length` 0 ⇒ `missing_argument`, above the stand-in's
 * limit ⇒ `file_upload_size_restricted`. `alt_txt` (Slack's name) or `alt_text` (what WebClient sends) and
 * `snippet_type` are optional. Answers `{upload_url, file_id}`.
 */
const getUploadURLExternal: MethodHandler = (args, ctx) => {
  const filename = args.need('filename');
  const length = args.need('length');
  if (!/^\d+$/.test(length)) throw invalid('invalid value for field: length');
  const bytes = Number(length);
  if (bytes === 0) throw new ApiError('missing_argument');
  if (bytes > MAX_UPLOAD_BYTES) throw new ApiError('file_upload_size_restricted');
  const altTxt = args.str('alt_txt') ?? args.str('alt_text');
  if (altTxt !== undefined && [...altTxt].length > MAX_ALT_TXT_CHARS) throw new ApiError('alt_txt_too_large');
  const { id, uploadUrl } = ctx.files.begin({ filename, altTxt, snippetType: args.str('snippet_type') });
  return { upload_url: uploadUrl, file_id: id };
};

/** `files`: a non-empty JSON array of `{id, title?}` (form field or JSON value). */
function readEntries(args: Args): { id: string; title?: string }[] {
  if (!args.has('files')) throw invalid('missing required field: files');
  const raw = args.json('files', 'invalid_arguments');
  if (!Array.isArray(raw) || raw.length === 0) throw invalid('files must be a non-empty array');
  const entries = raw.map((item: unknown) => {
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') {
      throw invalid('every entry of files needs an id');
    }
    return { id: item.id, ...(typeof item.title === 'string' ? { title: item.title } : {}) };
  });
  if (new Set(entries.map((e) => e.id)).size !== entries.length) throw invalid('duplicate file id in files');
  return entries;
}

/** `channel_id`, else `channels` (comma-separated): channel ids, or user ids for the bot's DM with them. */
function shareTargets(args: Args, ctx: ApiContext): StandinChannel[] {
  const channelId = args.str('channel_id');
  const ids = channelId
    ? [channelId]
    : (args.str('channels') ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c.length > 0);
  return ids.map((id) => {
    const channel = ctx.ws.channelById(id) ?? (ctx.ws.user(id) ? ctx.ws.resolveForPost(id) : undefined);
    if (!channel) throw new ApiError('channel_not_found');
    return channel;
  });
}

/**
 * Completes uploads whose bytes arrived (unknown ids, uploads without bytes and already completed ones ⇒
 * `file_not_found`). With a channel, shares them in one `file_share` message from the bot — in `thread_ts`'s thread
 * when given — whose text is `initial_comment` (or whose blocks are `blocks` when there is no comment). Answers
 * `{files: [file objects]}`. Nothing changes when any check fails.
 */
const completeUploadExternal: MethodHandler = (args, ctx) => {
  const entries = readEntries(args);
  if (entries.some((e) => !ctx.files.completable(e.id))) throw new ApiError('file_not_found');
  const targets = shareTargets(args, ctx);
  const threadTs = args.str('thread_ts');
  if (threadTs && targets.length > 1) throw invalid('thread_ts needs a single channel');
  const comment = args.str('initial_comment');
  const content = readMessageContent(
    new Args({ text: comment, blocks: comment ? undefined : args.raw.blocks }),
    { requireContent: false },
  );
  for (const e of entries) ctx.files.complete(e.id, e.title);
  for (const target of targets) for (const e of entries) ctx.files.share(e.id, target.id);
  const files = entries.map((e) => ctx.files.file(e.id)).filter((f) => f !== undefined);
  const { botUserId, botId } = ctx.ws.identity;
  for (const target of targets) {
    ctx.ws.post({
      channel: target.id,
      user: botUserId,
      botId,
      text: content.text ?? '',
      blocks: content.blocks ?? [],
      threadTs,
      files,
      subtype: 'file_share',
    });
  }
  return { files };
};

export const fileMethods: Record<string, MethodHandler> = {
  'files.getUploadURLExternal': getUploadURLExternal,
  'files.completeUploadExternal': completeUploadExternal,
};
