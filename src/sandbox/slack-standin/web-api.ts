import { ApiError, Args, decodeBody, readableArgs } from './api-args';
import type { Json } from './element-limits';
import { failureResponse, type Failures } from './failures';
import type { PostRateLimit } from './post-rate';
import type { RecordedCall, StandinUser } from './types';
import { chatMethods } from './web-api-chat';
import type { ApiContext, MethodHandler } from './web-api-context';
import { conversationMethods } from './web-api-conversations';
import { fileMethods } from './web-api-files';
import { userGroupMethods } from './web-api-usergroups';
import { viewMethods } from './web-api-views';

/** Scopes the stand-in's bot token claims (sent as `X-OAuth-Scopes`, which WebClient copies into results). */
const SCOPES =
  'chat:write,chat:write.public,commands,users:read,channels:read,channels:history,groups:read,usergroups:read,files:write';

const authTest: MethodHandler = (_args, { ws }) => ({
  url: `https://${ws.identity.teamDomain}.slack.com/`,
  team: ws.identity.teamDomain,
  user: ws.identity.botName,
  team_id: ws.identity.teamId,
  user_id: ws.identity.botUserId,
  bot_id: ws.identity.botId,
  is_enterprise_install: false,
});

function userObject(u: StandinUser, teamId: string, isBot: boolean): Json {
  const realName = u.realName ?? u.name;
  return {
    id: u.id,
    team_id: teamId,
    name: u.name,
    deleted: false,
    real_name: realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    is_admin: false,
    is_owner: false,
    is_bot: isBot,
    is_app_user: false,
    updated: 1_700_000_000,
    profile: {
      real_name: realName,
      real_name_normalized: realName,
      display_name: u.name,
      display_name_normalized: u.name,
      team: teamId,
    },
  };
}

/** People, plus the bot's own user (`is_bot: true`); unknown ⇒ `user_not_found`. */
const usersInfo: MethodHandler = (args, { ws }) => {
  const id = args.need('user', 'user_not_found');
  const { botUserId, botName, teamId } = ws.identity;
  if (id === botUserId) return { user: userObject({ id, name: botName }, teamId, true) };
  const user = ws.user(id);
  if (!user) throw new ApiError('user_not_found');
  return { user: userObject(user, teamId, false) };
};

export const METHODS: Record<string, MethodHandler> = {
  'api.test': (args) => ({ args: args.raw }),
  'auth.test': authTest,
  'users.info': usersInfo,
  ...chatMethods,
  ...conversationMethods,
  ...viewMethods,
  ...userGroupMethods,
  ...fileMethods,
};

export interface ApiRequest {
  method: string;
  rawBody: string;
  contentType?: string;
  authorization?: string;
  query: URLSearchParams;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  /** Text, or bytes (file downloads). */
  body: string | Buffer;
}

/**
 * The Web API front door (`POST /api/<method>`): unknown method ⇒ `unknown_method`; queued `failNext` failures;
 * bearer/body token check ⇒ `not_authed` / `invalid_auth`; then the method. Every answer is recorded.
 */
export class WebApi {
  constructor(
    private readonly ctx: ApiContext,
    private readonly opts: {
      botToken: string;
      failures: Failures;
      record: (call: RecordedCall) => void;
      postRate?: PostRateLimit;
    },
  ) {}

  handle(req: ApiRequest): HttpAnswer {
    let args: Json = {};
    const answer = (status: number, body: Json, headers: Record<string, string> = {}): HttpAnswer => {
      const ok = body.ok === true;
      this.record(req.method, args, status, ok, ok ? undefined : String(body.error));
      return {
        status,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-OAuth-Scopes': SCOPES, ...headers },
        body: JSON.stringify(body),
      };
    };
    try {
      const decoded = decodeBody(req.rawBody, req.contentType, req.query);
      args = decoded.args;
      const handler = METHODS[req.method];
      if (!handler) return answer(200, { ok: false, error: 'unknown_method', req_method: req.method });
      const failure = this.opts.failures.take(req.method);
      if (failure) {
        const f = failureResponse(failure);
        this.record(req.method, args, f.status, false, f.error);
        return { status: f.status, headers: f.headers, body: f.body };
      }
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.authorization ?? '')?.[1];
      const token = bearer ?? decoded.bodyToken;
      if (!token) throw new ApiError('not_authed');
      if (token !== this.opts.botToken) throw new ApiError('invalid_auth');
      if (req.method === 'chat.postMessage' && this.opts.postRate) {
        const channel = this.ctx.ws.resolveForPost(String(args.channel ?? ''))?.id;
        if (channel && !this.opts.postRate.admit(channel)) {
          const f = failureResponse({ retryAfterSeconds: 1 });
          this.record(req.method, args, f.status, false, f.error);
          return { status: f.status, headers: f.headers, body: f.body };
        }
      }
      const result = handler(new Args(args), this.ctx);
      const warnings = decoded.isJson && !/charset=/i.test(req.contentType ?? '') ? ['missing_charset'] : [];
      const meta =
        warnings.length > 0 ? { warning: warnings.join(','), response_metadata: { warnings } } : {};
      return answer(200, { ok: true, ...result, ...meta });
    } catch (err) {
      if (err instanceof ApiError) {
        const body: Json = { ok: false, error: err.error, ...err.extra };
        if (err.messages && err.messages.length > 0) body.response_metadata = { messages: err.messages };
        return answer(200, body);
      }
      const message = err instanceof Error ? err.message : String(err);
      return answer(200, {
        ok: false,
        error: 'fatal_error',
        response_metadata: { messages: [`[ERROR] slack stand-in failed: ${message}`] },
      });
    }
  }

  private record(method: string, args: Json, status: number, ok: boolean, error: string | undefined): void {
    this.opts.record({
      method,
      args: readableArgs(args),
      ok,
      ...(error ? { error } : {}),
      status,
      at: this.ctx.ws.now(),
    });
  }
}
