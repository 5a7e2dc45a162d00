import { triggerId } from './ids';

/** How long Slack accepts a trigger_id after the interaction that produced it. */
export const TRIGGER_TTL_MS = 3000;

interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

/**
 * trigger_ids as Slack hands them out with every interaction and slash command: usable once, for 3 s, by
 * `views.open` / `views.push`. Errors use Slack's names.
 */
export class Triggers {
  private readonly issued = new Map<string, Trigger>();

  constructor(
    private readonly now: () => number,
    private readonly teamNumber: number,
  ) {}

  issue(user: string): string {
    const id = triggerId(this.teamNumber, this.now());
    this.issued.set(id, { user, issuedAt: this.now(), used: false });
    return id;
  }

  /** Consumes a trigger; returns the user it belongs to, or the Slack error name. */
  exchange(id: string): { user: string } | { error: string } {
    const trigger = this.issued.get(id);
    if (!trigger) return { error: 'invalid_trigger_id' };
    if (trigger.used) return { error: 'exchanged_trigger_id' };
    if (this.now() - trigger.issuedAt > TRIGGER_TTL_MS) return { error: 'expired_trigger_id' };
    trigger.used = true;
    return { user: trigger.user };
  }
}
