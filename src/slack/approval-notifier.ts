/**
 * ApprovalNotifier on the Slack Web API: one message per approval request, a reply in the finding's thread
 * (also sent to the channel, so approvers see it), edited as votes come in and when it closes.
 * Bot scope: chat:write.
 */
import type { WebClient } from '@slack/web-api';
import type { ApprovalNotifier } from '../approvals/ports';
import { mentionList, mentionsFor } from '../approvals/principals';
import { SlackCallError } from '../errors';
import { slackCall } from './call';
import { approvalCard } from './blocks/approval-card';

export function createApprovalNotifier(client: WebClient, channel: string): ApprovalNotifier {
  return {
    async post(threadRef, view) {
      const card = approvalCard(view);
      const { request } = view.approval;
      const who = request.status === 'PENDING' ? mentionsFor(request, request.stageIndex) : [];
      const text = who.length ? `${mentionList(who)}: ${card.text}` : card.text;
      const res = await slackCall('chat.postMessage', () =>
        threadRef
          ? client.chat.postMessage({
              channel: threadRef.channel,
              thread_ts: threadRef.ts,
              reply_broadcast: true,
              text,
              blocks: card.blocks,
              unfurl_links: false,
            })
          : client.chat.postMessage({ channel, text, blocks: card.blocks, unfurl_links: false }),
      );
      if (!res.ts || !res.channel) throw new SlackCallError('chat.postMessage', 'no_ts_returned');
      return { channel: res.channel, ts: res.ts };
    },

    async update(ref, view) {
      const card = approvalCard(view);
      await slackCall('chat.update', () =>
        client.chat.update({ channel: ref.channel, ts: ref.ts, text: card.text, blocks: card.blocks }),
      );
    },
  };
}
