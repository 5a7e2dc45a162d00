import { createHmac } from 'node:crypto';

/**
 * Slack's v0 request signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`), sent in
 * `X-Slack-Signature` next to `X-Slack-Request-Timestamp` (unix seconds).
 */
export function signatureFor(signingSecret: string, timestampSec: number, rawBody: string): string {
  const hex = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return `v0=${hex}`;
}

/** The two headers Slack adds to every request it sends to an app's Request URL. */
export function signedHeaders(
  signingSecret: string,
  timestampSec: number,
  rawBody: string,
): Record<'X-Slack-Request-Timestamp' | 'X-Slack-Signature', string> {
  return {
    'X-Slack-Request-Timestamp': String(timestampSec),
    'X-Slack-Signature': signatureFor(signingSecret, timestampSec, rawBody),
  };
}
