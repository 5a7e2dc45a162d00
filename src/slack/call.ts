/** Runs one Web API call and turns Slack's error into a SlackCallError naming the method and Slack's error code. */
import { SlackCallError } from '../errors';

export async function slackCall<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string }; message?: string };
    throw new SlackCallError(method, e.data?.error ?? e.code ?? e.message ?? 'unknown_error', { cause: err });
  }
}
