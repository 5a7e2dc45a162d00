/**
 * DigestMessenger on the Slack Web API: posts a digest message (with metadata naming the digest, so it can be
 * found again), edits it, and finds it after a crash. Posts are paced like finding cards and go through the
 * client that never repeats a post by itself.
 * Bot scopes used: chat:write, channels:history / groups:history (findPosted).
 */
import type { WebClient } from '@slack/web-api';
import type { DigestMessenger, DigestView } from '../findings/digests';
import { digestCard } from './blocks/digest-card';
import { type TrackedMessage, postTracked, updateTracked } from './card-messages';
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
  const tracked = (view: DigestView): TrackedMessage => ({
    ...digestCard(view),
    metadata: { event_type: DIGEST_METADATA_TYPE, event_payload: { digest_id: view.digest.id } },
  });
  return {
    post(view) {
      return postTracked(cardClient, channel, tracked(view), { pacer });
    },

    update(ref, view) {
      return updateTracked(client, ref, tracked(view));
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
