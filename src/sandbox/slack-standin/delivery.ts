import { request } from 'node:http';
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
    // A fresh connection per delivery, as Slack's senders do; a pooled fetch here would queue deliveries
    // behind the app's own outbound calls in the same process and distort ack timings.
    const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const r = request(req.url, { method: 'POST', headers, agent: false, signal }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end(req.body);
    });
    const body = response.text;
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
