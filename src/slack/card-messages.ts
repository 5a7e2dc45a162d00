/**
 * Posting and editing the bot's tracked messages (finding cards, digests): each carries message metadata naming
 * what it shows, so it can be found again (./find-posted). Posts wait for the channel's pace.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { SlackCallError } from '../errors';
import type { SlackRef } from '../findings/ports';
import { slackCall } from './call';
import type { ChannelPacer } from './channel-pacer';

export interface TrackedMessage {
  text: string;
  blocks: KnownBlock[];
  metadata: { event_type: string; event_payload: Record<string, string> };
}

/** Posts `message` to `channel` (in `threadTs`'s thread when given) once the pacer allows. */
export async function postTracked(
  client: WebClient,
  channel: string,
  message: TrackedMessage,
  options: { pacer?: ChannelPacer; threadTs?: string } = {},
): Promise<SlackRef> {
  await options.pacer?.wait(channel);
  const res = await slackCall('chat.postMessage', () =>
    client.chat.postMessage({
      channel,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      metadata: message.metadata,
    }),
  );
  if (!res.ts || !res.channel) throw new SlackCallError('chat.postMessage', 'no_ts_returned');
  return { channel: res.channel, ts: res.ts };
}

export async function updateTracked(
  client: WebClient,
  ref: SlackRef,
  message: TrackedMessage,
): Promise<void> {
  await slackCall('chat.update', () =>
    client.chat.update({
      channel: ref.channel,
      ts: ref.ts,
      text: message.text,
      blocks: message.blocks,
      metadata: message.metadata,
    }),
  );
}
