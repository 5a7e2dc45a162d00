/**
 * Shared by the stand-in tests that call the Web API with a real `WebClient`: a silent logger, a client pointed at
 * a stand-in, and a way to read the Slack error a rejected call carried.
 */
import { WebClient, type Logger, type WebClientOptions } from '@slack/web-api';
import {
  createSlackStandin,
  DEFAULT_BOT_TOKEN,
  type SlackStandin,
} from '../../../../src/sandbox/slack-standin';

/** A logger that drops everything, so expected failures do not clutter the test output. */
export const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => 'error' as ReturnType<Logger['getLevel']>,
  setName: () => undefined,
};

/**
 * A `WebClient` for `standin`'s Web API: the bot token unless told otherwise, no retries, silent logging; `extra`
 * options are applied last. The caller owns the stand-in (a client holds no server to close).
 */
export function clientFor(
  standin: SlackStandin,
  token = DEFAULT_BOT_TOKEN,
  extra: WebClientOptions = {},
): WebClient {
  return new WebClient(token, {
    slackApiUrl: standin.apiUrl,
    retryConfig: { retries: 0 },
    logger: silent,
    ...extra,
  });
}

/** The Slack error name a rejected call carried (via WebClient's platform error). */
export async function slackError(
  call: Promise<unknown>,
): Promise<{ code: string; error?: string; data?: unknown }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code: string; data?: { error?: string } };
    return { code: e.code, error: e.data?.error, data: e.data };
  }
  throw new Error('expected the call to fail');
}

/**
 * A fresh stand-in (signing secret `test-secret` unless `options` say otherwise) and a `WebClient` for it.
 * @example [standin, client] = await standinWithClient();
 */
export async function standinWithClient(
  options: Partial<Parameters<typeof createSlackStandin>[0]> = {},
): Promise<[SlackStandin, WebClient]> {
  const standin = await createSlackStandin({ signingSecret: 'test-secret', ...options });
  return [standin, clientFor(standin)];
}
