/**
 * FindingMessenger on the Slack Web API: posts the finding card (with message metadata naming the finding,
 * so a message can be found again), edits it, replies in its thread, and sends ephemeral notes.
 * Bot scopes used: chat:write, channels:history / groups:history (findPosted).
 */
import type { ChannelPacer } from './channel-pacer';
import type { WebClient } from '@slack/web-api';
import type { FindingAction } from '../actions/types';
import { slackCall } from './call';
import { type TrackedMessage, postTracked, updateTracked } from './card-messages';
import type { FindingMessenger, FindingRecord, SlackRef } from '../findings/ports';
import { findingCard } from './blocks/finding-card';
import { findByMetadata } from './find-posted';
import { clip } from './text';

export const FINDING_METADATA_TYPE = 'iam_access_finding';

export interface MessengerOptions {
  client: WebClient;
  /**
   * Posts the finding cards: a client that never repeats a request by itself. A post whose answer was lost (a
   * timeout, a 5xx after Slack stored it) then fails the sync, and the next attempt looks for the message
   * (findPosted) before posting, so a card is never posted twice. Defaults to `client`.
   */
  cardClient?: WebClient;
  channel: string;
  actions: readonly FindingAction[];
  pacer?: ChannelPacer;
}

export function createMessenger({
  client,
  cardClient = client,
  channel,
  actions,
  pacer,
}: MessengerOptions): FindingMessenger {
  const tracked = (record: FindingRecord): TrackedMessage => ({
    ...findingCard(record, actions),
    metadata: { event_type: FINDING_METADATA_TYPE, event_payload: { finding_id: record.finding.id } },
  });
  return {
    post({ record }) {
      // A card asked for from a digest goes in the digest's thread.
      return postTracked(cardClient, channel, tracked(record), {
        pacer,
        ...(record.digestThreadTs ? { threadTs: record.digestThreadTs } : {}),
      });
    },

    update(ref: SlackRef, { record }) {
      return updateTracked(client, ref, tracked(record));
    },

    async threadReply(ref, text, options) {
      await pacer?.wait(ref.channel);
      await slackCall('chat.postMessage', () =>
        client.chat.postMessage({
          channel: ref.channel,
          thread_ts: ref.ts,
          text: clip(text, 3900),
          unfurl_links: false,
          reply_broadcast: options?.broadcast === true,
        }),
      );
    },

    findPosted(findingId, threadTs) {
      return findByMetadata(
        client,
        channel,
        { eventType: FINDING_METADATA_TYPE, key: 'finding_id', value: findingId },
        threadTs,
      );
    },

    async ephemeral(toChannel, user, text, threadTs) {
      await slackCall('chat.postEphemeral', () =>
        client.chat.postEphemeral({
          channel: toChannel,
          user,
          text: clip(text, 3900),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        }),
      );
    },
  };
}
