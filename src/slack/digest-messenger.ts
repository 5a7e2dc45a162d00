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
import { findByMetadata } from './find-posted';
import type { ChannelPacer } from './channel-pacer';

export const DIGEST_METADATA_TYPE = 'iam_access_finding_digest';

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

    findPosted(digestId) {
      return findByMetadata(client, channel, {
        eventType: DIGEST_METADATA_TYPE,
        key: 'digest_id',
        value: digestId,
      });
    },
  };
}
