/**
 * DigestMessenger on the Slack Web API: posts a digest message (with metadata naming the digest, so it can be
 * found again), edits it, and finds it after a crash. Posts are paced like finding cards and go through the
 * client that never repeats a post by itself.
 * Bot scopes used: chat:write, channels:history / groups:history (findPosted).
 */
import type { WebClient } from '@slack/web-api';
import { SlackCallError } from '../errors';
import type { DigestMessenger } from '../findings/digests';
import { digestCard } from './blocks/digest-card';
import { slackCall } from './call';
import type { ChannelPacer } from './channel-pacer';

export const DIGEST_METADATA_TYPE = 'iam_access_finding_digest';
const LOOKBACK_PAGES = 5;

export function createDigestMessenger(opts: {
  client: WebClient;
  cardClient?: WebClient;
  channel: string;
  pacer?: ChannelPacer;
}): DigestMessenger {
  const { client, channel, pacer } = opts;
  const cardClient = opts.cardClient ?? client;
  const metadata = (digestId: string) => ({
    event_type: DIGEST_METADATA_TYPE,
    event_payload: { digest_id: digestId },
  });
  return {
    async post(view) {
      const card = digestCard(view);
      await pacer?.wait(channel);
      const res = await slackCall('chat.postMessage', () =>
        cardClient.chat.postMessage({
          channel,
          text: card.text,
          blocks: card.blocks,
          unfurl_links: false,
          metadata: metadata(view.digest.id),
        }),
      );
      if (!res.ts || !res.channel) throw new SlackCallError('chat.postMessage', 'no_ts_returned');
      return { channel: res.channel, ts: res.ts };
    },

    async update(ref, view) {
      const card = digestCard(view);
      await slackCall('chat.update', () =>
        client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          text: card.text,
          blocks: card.blocks,
          metadata: metadata(view.digest.id),
        }),
      );
    },

    async findPosted(digestId) {
      let cursor: string | undefined;
      for (let page = 0; page < LOOKBACK_PAGES; page++) {
        const res = await slackCall('conversations.history', () =>
          client.conversations.history({ channel, limit: 200, include_all_metadata: true, cursor }),
        );
        for (const m of res.messages ?? []) {
          const meta = m.metadata as
            { event_type?: string; event_payload?: { digest_id?: string } } | undefined;
          if (
            meta?.event_type === DIGEST_METADATA_TYPE &&
            meta.event_payload?.digest_id === digestId &&
            m.ts
          ) {
            return { channel, ts: m.ts };
          }
        }
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return undefined;
    },
  };
}
