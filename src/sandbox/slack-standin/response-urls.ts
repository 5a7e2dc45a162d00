import { ApiError, Args } from './api-args';
import { isObject, type Json } from './element-limits';
import { failureResponse, type Failures } from './failures';
import { randomHex } from './ids';
import { readMessageContent } from './message-content';
import type { RecordedCall } from './types';
import type { HttpAnswer } from './web-api';
import type { Workspace } from './workspace';

/** Slack: a response_url takes at most 5 responses within 30 minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

/** Where a response_url points: the message/ephemeral that was clicked, or nothing (slash commands). */
export interface ResponseTarget {
  channel: string;
  /** The person who interacted; ephemeral responses go to them. */
  user: string;
  source: { kind: 'message' | 'ephemeral'; ts: string } | { kind: 'none' };
}

interface Hosted extends ResponseTarget {
  createdAt: number;
  uses: number;
}

/**
 * Hosts `response_url`s (`POST <stand-in>/response/<id>`, JSON body) with Slack's semantics:
 * `delete_original`, `replace_original` (no "edited" marker), otherwise a new message — `response_type`
 * `ephemeral` (default, only the interacting user sees it) or `in_channel` — optionally in `thread_ts`.
 * Success is `200 {"ok":true}`; after 30 min `404 expired_url`, after 5 uses `404 used_url`; unknown ids
 * `404 invalid_url`; bad content `400` with Slack's error name.
 */
export class ResponseUrls {
  private readonly hosted = new Map<string, Hosted>();

  constructor(
    private readonly ws: Workspace,
    private readonly baseUrl: () => string,
    private readonly failures: Failures,
    private readonly record: (call: RecordedCall) => void,
  ) {}

  create(target: ResponseTarget): string {
    const id = randomHex(12);
    this.hosted.set(id, { ...target, createdAt: this.ws.now(), uses: 0 });
    return `${this.baseUrl()}/response/${id}`;
  }

  handle(id: string, rawBody: string): HttpAnswer {
    let args: Json = {};
    const answer = (status: number, error?: string, messages?: string[]): HttpAnswer => {
      this.record({
        method: 'response_url',
        args,
        ok: !error,
        ...(error ? { error } : {}),
        status,
        at: this.ws.now(),
      });
      const body: Json = error ? { ok: false, error } : { ok: true };
      if (messages && messages.length > 0) body.response_metadata = { messages };
      return {
        status,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
      };
    };
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (!isObject(parsed)) return answer(400, 'invalid_payload');
      args = parsed;
    } catch {
      return answer(400, 'invalid_payload');
    }
    const target = this.hosted.get(id);
    if (!target) return answer(404, 'invalid_url');
    if (this.ws.now() - target.createdAt > RESPONSE_URL_TTL_MS) return answer(404, 'expired_url');
    if (target.uses >= RESPONSE_URL_MAX_USES) return answer(404, 'used_url');
    const failure = this.failures.take('response_url');
    if (failure) {
      const f = failureResponse(failure);
      this.record({
        method: 'response_url',
        args,
        ok: false,
        error: f.error,
        status: f.status,
        at: this.ws.now(),
      });
      return { status: f.status, headers: f.headers, body: f.body };
    }
    try {
      this.apply(target, args);
      target.uses++;
      return answer(200);
    } catch (err) {
      if (err instanceof ApiError) return answer(400, err.error, err.messages);
      throw err;
    }
  }

  /**
   * Applies a response body to its target. Also used for a slash command's synchronous HTTP reply, which Slack
   * shows like a response_url message (without using one of the 5 uses).
   */
  apply(target: ResponseTarget, body: Json): void {
    const args = new Args(body);
    const { source } = target;
    if (args.bool('delete_original')) {
      if (source.kind === 'message') this.ws.remove(target.channel, source.ts);
      if (source.kind === 'ephemeral') {
        const eph = this.ws.findEphemeral(target.channel, source.ts);
        if (eph) this.ws.deleteEphemeral(eph);
      }
      return;
    }
    const content = readMessageContent(args, { requireContent: true });
    const text = content.text ?? '';
    const blocks = content.blocks ?? [];
    if (args.bool('replace_original') && source.kind !== 'none') {
      if (source.kind === 'message') {
        if (!this.ws.find(target.channel, source.ts)) throw new ApiError('message_not_found');
        this.ws.update(target.channel, source.ts, { text, blocks, metadata: content.metadata });
      } else {
        const eph = this.ws.findEphemeral(target.channel, source.ts);
        if (!eph) throw new ApiError('message_not_found');
        this.ws.replaceEphemeral(eph, { text, blocks });
      }
      return;
    }
    const threadTs = args.str('thread_ts');
    if (args.str('response_type') === 'in_channel') {
      const { botUserId, botId } = this.ws.identity;
      const metadata = content.metadata;
      this.ws.post({ channel: target.channel, user: botUserId, botId, text, blocks, threadTs, metadata });
    } else {
      this.ws.postEphemeral({
        channel: target.channel,
        user: target.user,
        text,
        blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    }
  }
}
