/**
 * Slack's special rate limit on posting: about one message per second per channel (chat.postMessage, thread
 * replies included), short bursts tolerated. Off by default; `limitPostRate(perSecond)` turns it on: a post that
 * would make more than `perSecond` accepted posts in the channel within any one second is answered like Slack
 * does, HTTP 429 with `Retry-After: 1` and `{ok:false, error:'ratelimited'}`. Accepted post times are kept so
 * tests can check that a channel was never over the limit.
 */
export class PostRateLimit {
  private perSecond: number | undefined;
  private readonly accepted = new Map<string, number[]>();
  private refused = 0;

  constructor(private readonly now: () => number) {}

  set(perSecond: number | undefined): void {
    if (perSecond !== undefined && !(perSecond > 0)) throw new Error('limitPostRate needs a positive rate');
    this.perSecond = perSecond;
  }

  /** True when the post may go ahead (and is counted); false when Slack would answer 429. */
  admit(channel: string): boolean {
    const now = this.now();
    const times = this.accepted.get(channel) ?? [];
    if (this.perSecond !== undefined) {
      let inLastSecond = 0;
      for (let i = times.length - 1; i >= 0 && now - (times[i] as number) < 1000; i--) inLastSecond++;
      if (inLastSecond >= this.perSecond) {
        this.refused++;
        return false;
      }
    }
    times.push(now);
    this.accepted.set(channel, times);
    return true;
  }

  stats(): { refused: number; accepted: Record<string, number[]> } {
    return {
      refused: this.refused,
      accepted: Object.fromEntries([...this.accepted].map(([c, t]) => [c, [...t]])),
    };
  }
}
