/**
 * The one place listener errors end up. An AppError is expected: its userMessage goes to the user (ephemeral)
 * or to the finding's thread, and it is logged at info. Anything else gets an incident id that the user sees
 * and the log records with the stack.
 */
import { randomUUID } from 'node:crypto';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import type { Logger } from 'pino';
import { AppError, errorMessage } from '../errors';
import type { FindingMessenger } from '../findings/ports';

export interface Where {
  channel?: string;
  user?: string;
  threadTs?: string;
}

function whereFrom(body: Record<string, unknown> | undefined): Where {
  const b = (body ?? {}) as {
    channel?: { id?: string };
    channel_id?: string;
    user?: { id?: string };
    user_id?: string;
    message?: { ts?: string; thread_ts?: string };
    container?: { message_ts?: string };
  };
  return {
    channel: b.channel?.id ?? b.channel_id,
    user: b.user?.id ?? b.user_id,
    threadTs: b.message?.thread_ts ?? b.message?.ts ?? b.container?.message_ts,
  };
}

function unwrap(err: unknown): unknown {
  const e = err as { original?: unknown; originals?: unknown[] };
  if (e?.original) return e.original;
  if (Array.isArray(e?.originals) && e.originals.length > 0) return e.originals[0];
  return err;
}

const NETWORK_CODES =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)\b/;

/**
 * True when the error, or one it wraps, is a failed connection or a timeout: a dependency (DynamoDB, AWS, Slack)
 * could not be reached, which is worth telling apart from a bug.
 */
export function isUnreachable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && NETWORK_CODES.test(x.code)) return true;
    if (x.name === 'TimeoutError') return true;
    if (typeof x.message === 'string' && NETWORK_CODES.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}

/** Tells the user about an error where they are (ephemeral or in the thread), and logs it. */
export type ErrorReporter = (error: unknown, where: Where) => Promise<void>;

export function createErrorHandler(messenger: FindingMessenger, log: Logger) {
  const report = createErrorReporter(messenger, log);
  return async ({ error, body }: ExtendedErrorHandlerArgs): Promise<void> =>
    report(error, whereFrom(body as Record<string, unknown>));
}

export function createErrorReporter(messenger: FindingMessenger, log: Logger): ErrorReporter {
  return async (error, where) => {
    const err = unwrap(error);
    let text: string;
    if (err instanceof AppError) {
      log.info(
        { code: err.code, err: err.message, ...where },
        'request refused or failed with a known error',
      );
      text = `:warning: ${err.userMessage}`;
      if (err.visibility === 'thread' && where.channel && where.threadTs) {
        await messenger
          .threadReply({ channel: where.channel, ts: where.threadTs }, text)
          .catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'could not reply in thread'));
        return;
      }
    } else {
      const incident = randomUUID().slice(0, 8);
      if (isUnreachable(err)) {
        log.error({ incident, err, ...where }, 'a dependency could not be reached in a Slack listener');
        text = `:x: The bot could not reach a service it depends on (incident \`${incident}\`), so this was not done. Such outages usually pass within minutes: check the message, then try again.`;
      } else {
        log.error({ incident, err, ...where }, 'unexpected error in a Slack listener');
        text = `:x: Something went wrong on our side (incident \`${incident}\`). Check the message before retrying; the team running the bot can look the incident up in the logs.`;
      }
    }
    if (where.channel && where.user) {
      await messenger
        .ephemeral(where.channel, where.user, text, where.threadTs)
        .catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'could not send the error note'));
    }
  };
}
