/**
 * Finds a message the bot posted earlier by its message metadata: the recovery after a crash (or a lost answer)
 * between posting and storing the message's ts. Looks through the channel's recent history or, with
 * `threadTs`, that thread's replies. Bot scopes: channels:history / groups:history.
 */
import type { WebClient } from '@slack/web-api';
import type { SlackRef } from '../findings/ports';
import { slackCall } from './call';

/** How far back it looks: the crash it recovers from is minutes old at most. */
const LOOKBACK_PAGES = 5;

export async function findByMetadata(
  client: WebClient,
  channel: string,
  match: { eventType: string; key: string; value: string },
  threadTs?: string,
): Promise<SlackRef | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < LOOKBACK_PAGES; page++) {
    const res = threadTs
      ? await slackCall('conversations.replies', () =>
          client.conversations.replies({
            channel,
            ts: threadTs,
            limit: 200,
            include_all_metadata: true,
            cursor,
          }),
        )
      : await slackCall('conversations.history', () =>
          client.conversations.history({ channel, limit: 200, include_all_metadata: true, cursor }),
        );
    for (const m of res.messages ?? []) {
      const meta = m.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
      if (meta?.event_type === match.eventType && meta.event_payload?.[match.key] === match.value && m.ts) {
        return { channel, ts: m.ts };
      }
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return undefined;
}
