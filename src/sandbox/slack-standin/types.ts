import type { AnyBlock } from '@slack/types';

/** Public shapes of the Slack stand-in's state, as tests and the (future) browser console see them. */

export interface StandinUser {
  id: string;
  name: string;
  realName?: string;
}

export interface StandinChannel {
  id: string;
  name: string;
}

/** Message metadata as Slack stores it (`chat.postMessage` `metadata` argument). */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** A message in a channel's history (top-level) or in a thread (reply). */
export interface StoredMessage {
  ts: string;
  channel: string;
  /** Author: the bot's user id for bot posts, or a person's id. */
  user: string;
  /** Present on messages posted by the app. */
  bot_id?: string;
  /**
   * `thread_broadcast` for replies also sent to the channel, `tombstone` for deleted parents with replies,
   * `file_share` for messages that share uploaded files.
   */
  subtype?: string;
  text: string;
  blocks: AnyBlock[];
  metadata?: MessageMetadata;
  /** Files shared with this message (`files.completeUploadExternal` with a channel), as Slack lists them. */
  files?: StandinFile[];
  /** Set on replies (the parent's ts) and on parents that have replies (their own ts), like Slack. */
  thread_ts?: string;
  edited?: { user: string; ts: string };
  replies: StoredMessage[];
}

/**
 * An uploaded file as Slack's file object describes it (the fields a client reads; `files.completeUploadExternal`
 * answers with it and file-share messages carry it in `files`). Content: `SlackStandin.fileContent(id)`.
 */
export interface StandinFile {
  id: string;
  /** Unix seconds. */
  created: number;
  timestamp: number;
  /** The `filename` given to `files.getUploadURLExternal`. */
  name: string;
  /** `title` given on completion, else the name. */
  title: string;
  mimetype: string;
  /** Slack's short type: `text`, `json`, `csv`, `png`, …, `binary` when nothing fits (or the `snippet_type`). */
  filetype: string;
  /** Human-readable type: `Plain Text`, `JSON`, `PNG`, … */
  pretty_type: string;
  /** Uploader (the bot's user id). */
  user: string;
  user_team: string;
  editable: boolean;
  /** Bytes actually uploaded. */
  size: number;
  /** `snippet` when a `snippet_type` was given, else `hosted`. */
  mode: 'hosted' | 'snippet';
  is_external: boolean;
  external_type: string;
  is_public: boolean;
  public_url_shared: boolean;
  display_as_bot: boolean;
  username: string;
  /** Served by the stand-in to requests with the bot token (`Authorization: Bearer …`), like Slack. */
  url_private: string;
  url_private_download: string;
  permalink: string;
  alt_txt?: string;
  /** Public channels, private channels and DMs the file was shared in. */
  channels: string[];
  groups: string[];
  ims: string[];
  comments_count: number;
  has_rich_preview: boolean;
  file_access: string;
}

/** An ephemeral message: shown to one user only, never in history, editable only through its response_url. */
export interface Ephemeral {
  message_ts: string;
  channel: string;
  /** Recipient. */
  user: string;
  text: string;
  blocks: AnyBlock[];
  thread_ts?: string;
  /** Ephemerals replaced via `replace_original` keep their ts; deleted ones disappear from the list. */
}

/** A modal or App Home view opened/pushed/updated/published through the Web API. */
export interface OpenedView {
  id: string;
  /** The user who sees the view. */
  user: string;
  /** `open` | `push` | `publish` — how the view came into being. */
  via: 'open' | 'push' | 'publish';
  /** false once closed (e.g. by a later console) — Slack then stops showing it. */
  open: boolean;
  /** The view object exactly as the Web API returns it (`id`, `hash`, `blocks`, `state`, …). */
  view: Record<string, unknown>;
  /** Messages by input block_id from the app's last `response_action: errors`, shown under the inputs. */
  errors?: Record<string, string>;
}

/** One Web API (or response_url) request the stand-in answered. */
export interface RecordedCall {
  method: string;
  /** Decoded body: form fields with JSON-valued fields (`blocks`, `metadata`, `view`, …) parsed; token omitted. */
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
  /** HTTP status that was returned. */
  status: number;
  /** Stand-in clock (ms) when it was answered. */
  at: number;
}

/** What the bot answered to a delivered interaction / slash command. */
export interface DeliveryResult {
  status: number;
  body: string;
  /** Wall-clock ms from sending to the full response. */
  ms: number;
  /** true if the bot did not answer within the ack window (3 s, like Slack); status is then 0. */
  timedOut: boolean;
  /** Why Slack would show the person an error: `http_timeout`, `connection_failed`, or `http_error` (non-200). */
  error?: 'http_timeout' | 'connection_failed' | 'http_error';
  /** The payload that was sent (parsed `payload` JSON for interactions, form fields for slash commands). */
  payload: Record<string, unknown>;
}

/** What `submitView` returns: the delivery, then what Slack did with the modal after the app's answer. */
export interface ViewSubmissionResult extends DeliveryResult {
  /**
   * `closed` (plain 200), `errors` (`response_action: errors`, modal stays open), `updated`, `pushed`, `cleared`,
   * or `failed`: the app did not acknowledge in time / answered something Slack cannot use (modal stays open).
   */
  outcome: 'closed' | 'errors' | 'updated' | 'pushed' | 'cleared' | 'failed';
  /** Messages by input block_id, for `errors`. */
  errors?: Record<string, string>;
  /** Why the answer could not be used, for `failed`. */
  problems?: string[];
  /** The modal now on top of the person's stack, if any. */
  view?: OpenedView;
}

/** A change of the stand-in's state — the hook a live console re-renders on. */
export interface StandinChange {
  kind:
    | 'message_posted'
    | 'message_changed'
    | 'message_deleted'
    | 'ephemeral_posted'
    | 'ephemeral_changed'
    | 'ephemeral_deleted'
    | 'view_opened'
    | 'view_updated'
    | 'view_closed'
    | 'interaction_delivered'
    | 'api_call';
  channel?: string;
  ts?: string;
  user?: string;
  viewId?: string;
  method?: string;
}

export type ChangeListener = (change: StandinChange) => void;

export interface ApiFailure {
  /** Slack error name: HTTP 200, `{ok:false, error}`. */
  error?: string;
  /** Plain HTTP status (e.g. 500, 503) with a non-JSON body, like an upstream failure. */
  status?: number;
  /** HTTP 429 with `Retry-After: <seconds>` and `{ok:false, error:'ratelimited'}`. */
  retryAfterSeconds?: number;
}

/** One request the stand-in sent to the bot's Request URL. */
export interface RecordedDelivery {
  kind: 'block_actions' | 'slash_command' | 'view_submission' | 'view_closed' | 'raw';
  payload: Record<string, unknown>;
  result: DeliveryResult;
  /** Stand-in clock (ms) when it was sent. */
  at: number;
}

export interface SlackStandinOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  signingSecret: string;
  /** The bearer token the Web API accepts; default `xoxb-sandbox-token`. */
  botToken?: string;
  /** Accepted app-level token for Socket Mode (`apps.connections.open`); default: any `xapp-…` token. */
  appToken?: string;
  /** The bot's `/slack/events` URL (can be set later with `setBotUrl`). */
  botUrl?: string;
  /** Default `T0SANDBOX`. */
  teamId?: string;
  /** Default `sandbox` (permalinks, `team.domain`). */
  teamDomain?: string;
  /** Default: an on-call engineer and two approvers. */
  users?: StandinUser[];
  /** Default: `C0SECURITY` `#security-findings`. */
  channels?: StandinChannel[];
  /** Millisecond clock for ts, trigger/response_url expiry and request signing; default `Date.now`. */
  now?: () => number;
  /** How long deliveries wait for the bot's HTTP response, like Slack's 3 s; default 3000. */
  ackTimeoutMs?: number;
}

/** Ids of the stand-in's workspace and app — what the bot's auth.test sees. */
export interface StandinIdentity {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
}
