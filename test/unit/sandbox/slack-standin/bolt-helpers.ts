/**
 * Shared by the stand-in tests that drive a real Bolt app: a silent logger, listener argument types, promises that fail fast when a
 * listener never ran, and a started stand-in + HTTP-mode Bolt app pointed at each other.
 */
import {
  App,
  type AllMiddlewareArgs,
  type BlockAction,
  type SlackActionMiddlewareArgs,
  type SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import { freePort } from '../../../../src/sandbox/free-port';
import {
  createSlackStandin,
  DEFAULT_BOT_TOKEN,
  type SlackStandin,
  type SlackStandinOptions,
} from '../../../../src/sandbox/slack-standin';
import { silent } from './web-client-helpers';

/** Re-exported for callers that import the silent logger from here (e.g. test/browser/helpers/demo-bot.ts). */
export { silent };

/** What a `block_actions` listener receives. */
export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
/** What a slash-command listener receives. */
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** A promise with its resolve/reject handles. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Fails fast (instead of at jest's timeout) when a listener never ran. */
export function within<T>(promise: Promise<T>, ms = 2500): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error(`the Bolt listener did not finish within ${ms} ms`)), ms).unref();
    }),
  ]);
}

export interface BoltPair {
  standin: SlackStandin;
  app: App;
  stop(): Promise<void>;
}

/** A stand-in and a real Bolt app (HTTPReceiver) signed with the same secret; register listeners before clicks. */
export async function startBoltPair(opts: Partial<SlackStandinOptions> = {}): Promise<BoltPair> {
  const signingSecret = opts.signingSecret ?? 'bolt-pair-secret';
  const standin = await createSlackStandin({ ackTimeoutMs: 1500, ...opts, signingSecret });
  const app = new App({
    token: DEFAULT_BOT_TOKEN,
    signingSecret,
    logger: silent,
    clientOptions: { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } },
  });
  const port = await freePort();
  await app.start(port);
  standin.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
  return {
    standin,
    app,
    async stop() {
      await app.stop();
      await standin.close();
    },
  };
}
