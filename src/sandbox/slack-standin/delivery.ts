import { signedHeaders } from './signing';
import type { DeliveryResult } from './types';

/** Slack waits this long for the app's HTTP 200 before showing the person an error. */
export const ACK_TIMEOUT_MS = 3000;

export interface RawDelivery {
  url: string;
  body: string;
  contentType: string;
  /** Signed with this secret at `timestampSec` unless `signature` is given verbatim. */
  signingSecret: string;
  timestampSec: number;
  signature?: string;
  ackTimeoutMs: number;
}

/**
 * POSTs a request the way Slack calls an app's Request URL: signed v0 headers, Slack's user agent, and it gives
 * up after the ack window (3 s) — the person then sees an error even if the app finishes later.
 */
export async function deliver(req: RawDelivery): Promise<Omit<DeliveryResult, 'payload'>> {
  const headers: Record<string, string> = {
    'Content-Type': req.contentType,
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signedHeaders(req.signingSecret, req.timestampSec, req.body),
  };
  if (req.signature !== undefined) headers['X-Slack-Signature'] = req.signature;
  const signal = AbortSignal.timeout(req.ackTimeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(req.url, {
      method: 'POST',
      headers,
      body: req.body,
      redirect: 'manual',
      signal,
    });
    const body = await response.text();
    return {
      status: response.status,
      body,
      ms: elapsed(),
      timedOut: false,
      ...(response.status === 200 ? {} : { error: 'http_error' as const }),
    };
  } catch (err) {
    // Checked on the signal, not the error: errors may come from another realm (e.g. under jest).
    const timedOut = signal.aborted;
    const e = err as { message?: unknown; cause?: { message?: unknown } };
    const reason = String(e.cause?.message ?? e.message ?? err);
    return {
      status: 0,
      body: timedOut ? '' : reason,
      ms: elapsed(),
      timedOut,
      error: timedOut ? 'http_timeout' : 'connection_failed',
    };
  }
}
