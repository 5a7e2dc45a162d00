/**
 * GenerationMessenger on the Slack Web API: the `/iam-generate` message (posted once, then edited as the job
 * moves), the policy as a JSON file in its thread when it is too long for the message, and thread notes.
 * Bot scopes: chat:write (and chat:write.public to post in public channels the bot is not in), files:write.
 */
import type { WebClient } from '@slack/web-api';
import { SlackCallError } from '../errors';
import type { Clock, FindingMessenger } from '../findings/ports';
import type { GenerationMessenger } from '../policy-generation/ports';
import { slackCall } from './call';
import {
  generationMessage,
  policyFileContent,
  policyFileName,
  policyFitsInline,
} from './blocks/generation-message';
import { code } from './text';

/** A typical generation takes a few minutes: the progress estimate's time scale. */
export const TYPICAL_GENERATION_MS = 3 * 60_000;

export function createGenerationMessenger(
  client: WebClient,
  clock: Clock,
  /** Thread notes go through the findings messenger (one place that posts plain replies). */
  replies: Pick<FindingMessenger, 'threadReply'>,
  typicalMs = TYPICAL_GENERATION_MS,
): GenerationMessenger {
  const render = (job: Parameters<GenerationMessenger['post']>[1]) =>
    generationMessage(job, clock.now(), { typicalMs });
  return {
    async post(channel, job) {
      const { text, blocks } = render(job);
      const res = await slackCall('chat.postMessage', () =>
        client.chat.postMessage({ channel, text, blocks, unfurl_links: false }),
      );
      if (!res.ts || !res.channel) throw new SlackCallError('chat.postMessage', 'no_ts_returned');
      return { channel: res.channel, ts: res.ts };
    },

    async update(ref, job) {
      const { text, blocks } = render(job);
      await slackCall('chat.update', () =>
        client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks }),
      );
    },

    needsFile: (job) => job.result !== undefined && !policyFitsInline(job.result),

    async uploadPolicy(ref, job) {
      if (!job.result) return;
      await slackCall('files.uploadV2', () =>
        client.files.uploadV2({
          channel_id: ref.channel,
          thread_ts: ref.ts,
          filename: policyFileName(job),
          title: policyFileName(job),
          content: policyFileContent(job.result!),
          initial_comment: `The generated policy for ${job.principal.kind} ${code(job.principal.name)} (too long for the message).`,
        }),
      );
    },

    threadReply: (ref, text) => replies.threadReply(ref, text),
  };
}
