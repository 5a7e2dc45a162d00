/**
 * What the renderers need to know besides the blocks: who is who (mentions, authors), which channel is which,
 * the viewer (ephemerals, modals), the clock and the viewer's time zone (dates), and uploaded files' content.
 */
import type { StandinChannel, StandinUser } from '../../slack-standin';

export interface RenderContext {
  /** People and the bot, by id. */
  users: Map<string, { name: string; isBot: boolean }>;
  channels: Map<string, string>;
  /** The person the page acts as. */
  me: string;
  /** IANA zone for dates and times, e.g. `Europe/Berlin`; invalid zones fall back to UTC. */
  timeZone: string;
  /** Milliseconds, for "Today"/"ago" wording. */
  now: number;
  /** An uploaded file's bytes by file id (previews in file cards); without it, cards show no content. */
  fileContent?: (id: string) => Uint8Array | undefined;
}

export function renderContext(args: {
  users: StandinUser[];
  channels: StandinChannel[];
  bot: { id: string; name: string };
  me: string;
  timeZone?: string;
  now?: number;
  fileContent?: (id: string) => Uint8Array | undefined;
}): RenderContext {
  const users = new Map<string, { name: string; isBot: boolean }>();
  users.set(args.bot.id, { name: args.bot.name, isBot: true });
  for (const u of args.users) users.set(u.id, { name: u.realName ?? u.name, isBot: false });
  return {
    users,
    channels: new Map(args.channels.map((c) => [c.id, c.name])),
    me: args.me,
    timeZone: validTimeZone(args.timeZone),
    now: args.now ?? Date.now(),
    ...(args.fileContent ? { fileContent: args.fileContent } : {}),
  };
}

/** The zone if Intl knows it, else UTC. */
export function validTimeZone(zone: string | undefined): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** A person's or the bot's display name; unknown ids stay as they are. */
export function nameOf(ctx: RenderContext, id: string): string {
  return ctx.users.get(id)?.name ?? id;
}

/** Two letters for an avatar: "Olivia Oncall" → "OO", "iam-findings-bot" → "IF". */
export function initials(name: string): string {
  const words = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : name.slice(0, 2);
  return letters.toUpperCase() || '?';
}

/** A stable avatar colour class (`av-0` … `av-7`) for an id. */
export function avatarClass(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return `av-${h % 8}`;
}
