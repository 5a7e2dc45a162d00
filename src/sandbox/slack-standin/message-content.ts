import type { AnyBlock } from '@slack/types';
import { ApiError, Args } from './api-args';
import { validateBlocks } from './block-limits';
import { normalizeBlocks } from './block-normalize';
import { charCount, isObject } from './element-limits';
import type { MessageMetadata } from './types';

/** Slack truncates/rejects message `text` above this many characters (`msg_too_long`). */
export const MAX_TEXT_CHARS = 40_000;

export interface MessageContent {
  text?: string;
  /** Normalized (block_id/action_id filled in); `[]` means "remove blocks" on update. */
  blocks?: AnyBlock[];
  metadata?: MessageMetadata;
  /** Legacy attachments were given (they count as content for `no_text`, but are not stored). */
  hasAttachments: boolean;
}

/**
 * Reads and checks the content arguments shared by chat.postMessage / chat.postEphemeral / chat.update and
 * response_url bodies, with Slack's error names: `invalid_blocks_format` (blocks not a JSON array),
 * `invalid_blocks` (+ `response_metadata.messages`), `msg_too_long`, `invalid_metadata_format`, `no_text`.
 */
export function readMessageContent(args: Args, opts: { requireContent: boolean }): MessageContent {
  const text = args.str('text');
  const rawBlocks = args.json('blocks', 'invalid_blocks_format');
  if (rawBlocks !== undefined && !Array.isArray(rawBlocks)) throw new ApiError('invalid_blocks_format');
  const attachments = args.json('attachments', 'invalid_attachments');
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  const hasBlocks = Array.isArray(rawBlocks) && rawBlocks.length > 0;
  if (opts.requireContent && !text && !hasBlocks && !hasAttachments) throw new ApiError('no_text');
  if (text !== undefined && charCount(text) > MAX_TEXT_CHARS) throw new ApiError('msg_too_long');
  let blocks: AnyBlock[] | undefined;
  if (Array.isArray(rawBlocks)) {
    const problems = validateBlocks(rawBlocks, 'message');
    if (problems.length > 0) throw new ApiError('invalid_blocks', problems);
    blocks = normalizeBlocks(rawBlocks);
  }
  return { text, blocks, metadata: readMetadata(args), hasAttachments };
}

/** `metadata: {event_type, event_payload}` — anything else is `invalid_metadata_format`. */
function readMetadata(args: Args): MessageMetadata | undefined {
  const metadata = args.json('metadata', 'invalid_metadata_format');
  if (metadata === undefined) return undefined;
  if (!isObject(metadata) || typeof metadata.event_type !== 'string' || !isObject(metadata.event_payload)) {
    throw new ApiError('invalid_metadata_format');
  }
  if (!/^[A-Za-z0-9_]+$/.test(metadata.event_type)) throw new ApiError('invalid_metadata_schema');
  return { event_type: metadata.event_type, event_payload: structuredClone(metadata.event_payload) };
}
