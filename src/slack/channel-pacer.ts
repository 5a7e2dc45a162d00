/**
 * Paces messages posted to each channel (chat.postMessage, thread replies included) to Slack's limit of about
 * one per second per channel: each post takes the channel's next free slot, `intervalMs` after the previous one.
 * When Slack answers 429 anyway (another app, another replica), `pause` pushes every channel's next slot past
 * the Retry-After it gave. `intervalMs` 0 turns pacing off (tests).
 */
export interface ChannelPacer {
  /** Waits for the channel's next slot. */
  wait(channel: string): Promise<void>;
  /** Slack said Retry-After: no channel posts before then. */
  pause(ms: number): void;
  /** True when a post to the channel now would have to wait. */
  busy(channel: string): boolean;
}

export function createChannelPacer(
  intervalMs: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): ChannelPacer {
  const nextSlot = new Map<string, number>();
  let pausedUntil = 0;
  return {
    async wait(channel) {
      if (intervalMs <= 0 && pausedUntil <= now()) return;
      const t = now();
      const slot = Math.max(t, nextSlot.get(channel) ?? 0, pausedUntil);
      nextSlot.set(channel, slot + intervalMs);
      if (slot > t) await sleep(slot - t);
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
    busy(channel) {
      return Math.max(nextSlot.get(channel) ?? 0, pausedUntil) > now();
    },
  };
}
