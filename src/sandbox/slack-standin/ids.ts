import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random string over [A-Za-z0-9] — the alphabet of Slack's generated block_ids/action_ids. */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Upper-case id with a Slack prefix letter, e.g. `V0A1B2C3D4E` for views. */
export function slackId(prefix: string): string {
  return `${prefix}0${randomAlphanumeric(9).toUpperCase()}`;
}

/**
 * Message timestamps like Slack's: `"<unix seconds>.<6 digits>"`, unique and strictly increasing per workspace
 * (Slack guarantees uniqueness per channel; one counter for all channels is stricter and simpler).
 */
export class TsClock {
  private lastMicros = 0;

  /** Makes every later ts greater than `micros` (after restoring saved messages). */
  advancePast(micros: number): void {
    this.lastMicros = Math.max(this.lastMicros, micros);
  }

  constructor(private readonly nowMs: () => number) {}

  next(): string {
    const micros = Math.max(Math.floor(this.nowMs()) * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return formatTs(micros);
  }
}

export function formatTs(micros: number): string {
  const secs = Math.floor(micros / 1_000_000);
  const frac = micros - secs * 1_000_000;
  return `${secs}.${String(frac).padStart(6, '0')}`;
}

/** Parses `"1719936116.634509"` into microseconds; NaN if malformed. */
export function tsToMicros(ts: string): number {
  const m = /^(\d+)\.(\d{6})$/.exec(ts);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1_000_000 + Number(m[2]);
}

/** Trigger ids look like `13345224609.738474920.8088930838d88f008e0e01cb1e3b4ad2`. */
export function triggerId(teamNumber: number, nowMs: number): string {
  return `${Math.floor(nowMs)}.${teamNumber}.${randomHex(16)}`;
}
