import { SlackStandin } from './standin';
import type { SlackStandinOptions } from './types';

/**
 * Local stand-in for Slack: answers the Web API methods the bot calls (point `SLACK_API_URL` /
 * `clientOptions.slackApiUrl` at `apiUrl`) and plays Slack's side of interactivity against the bot's
 * `/slack/events` (signed block_actions, slash commands, view_submission/view_closed, hosted response_urls,
 * trigger_ids). `src/sandbox/console` serves a browser page on the same server.
 */
export async function createSlackStandin(opts: SlackStandinOptions): Promise<SlackStandin> {
  return new SlackStandin(opts).start();
}

export { SlackStandin, DEFAULT_BOT_TOKEN, DEFAULT_CHANNELS, DEFAULT_USERS } from './standin';
export type { ExportedChannel } from './standin';
export type { ExportedFile } from './files';
export { MAX_UPLOAD_BYTES } from './web-api-files';
export type { ButtonClick, MessageButtonClick, SlashCommandInput, ViewButtonClick } from './interactions';
export type { ViewInputDispatch, ViewSubmissionInput } from './view-interactions';
export type { ViewValue, ViewValues } from './view-state';
export type { Route, StandinRequest } from './server';
export type { HttpAnswer } from './web-api';
export { validateBlocks } from './block-limits';
export { validateView } from './view-limits';
export { signatureFor } from './signing';
export { TRIGGER_TTL_MS } from './triggers';
export { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './response-urls';
export type * from './types';
