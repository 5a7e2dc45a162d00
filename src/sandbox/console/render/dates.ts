/**
 * Dates as Slack's clients show them: `<!date^…^{token}…|fallback>` tokens in mrkdwn, message times
 * ("2:05 PM") and day dividers ("Today", "Tuesday, July 2nd"), in the viewer's time zone, US English.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: string;
  hour: number;
  minute: number;
  second: number;
}

function partsOf(ms: number, timeZone: string): Parts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'long',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const get = (type: string) => fmt.formatToParts(ms).find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: get('weekday'),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
  };
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

function clock(p: Parts, seconds: boolean): string {
  const h = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${h}:${pad(p.minute)}${seconds ? `:${pad(p.second)}` : ''} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

/** "Today" / "Yesterday" / "Tomorrow" when the day is one of those, else undefined. */
function relativeDay(p: Parts, nowMs: number, timeZone: string): string | undefined {
  const day = Date.UTC(p.year, p.month - 1, p.day);
  const n = partsOf(nowMs, timeZone);
  const diff = Math.round((day - Date.UTC(n.year, n.month - 1, n.day)) / 86_400_000);
  return ({ 0: 'Today', [-1]: 'Yesterday', 1: 'Tomorrow' } as Record<number, string>)[diff];
}

function ago(ms: number, nowMs: number): string {
  const secs = Math.round((nowMs - ms) / 1000);
  const abs = Math.abs(secs);
  const [n, unit] =
    abs < 60
      ? [abs, 'second']
      : abs < 3600
        ? [Math.floor(abs / 60), 'minute']
        : abs < 86_400
          ? [Math.floor(abs / 3600), 'hour']
          : [Math.floor(abs / 86_400), 'day'];
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return secs >= 0 ? `${text} ago` : `in ${text}`;
}

/**
 * Fills a Slack date template (`{date_short_pretty} at {time}`) for unix seconds `secs`. Unknown tokens stay
 * as written, like Slack's clients do.
 */
export function formatSlackDate(template: string, secs: number, timeZone: string, nowMs: number): string {
  const ms = secs * 1000;
  const p = partsOf(ms, timeZone);
  const month = MONTHS[p.month - 1] ?? '';
  const date = `${month} ${ordinal(p.day)}, ${p.year}`;
  const short = `${month.slice(0, 3)} ${p.day}, ${p.year}`;
  const long = `${p.weekday}, ${date}`;
  const pretty = (fallback: string) => relativeDay(p, nowMs, timeZone) ?? fallback;
  const tokens: Record<string, () => string> = {
    date_num: () => `${p.year}-${pad(p.month)}-${pad(p.day)}`,
    date_slash: () => `${pad(p.month)}/${pad(p.day)}/${p.year}`,
    date: () => date,
    date_short: () => short,
    date_long: () => long,
    date_long_full: () => long,
    date_pretty: () => pretty(date),
    date_short_pretty: () => pretty(short),
    date_long_pretty: () => pretty(long),
    time: () => clock(p, false),
    time_secs: () => clock(p, true),
    ago: () => ago(ms, nowMs),
  };
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => tokens[name]?.() ?? whole);
}

/** A message's time, "2:05 PM". */
export function messageTime(ts: string, timeZone: string): string {
  return clock(partsOf(Number(ts) * 1000, timeZone), false);
}

/** Full date and time for a tooltip, "Tuesday, July 2nd, 2024 at 2:05:16 PM". */
export function messageTooltip(ts: string, timeZone: string, nowMs: number): string {
  return formatSlackDate('{date_long} at {time_secs}', Math.floor(Number(ts)), timeZone, nowMs);
}

/** The day a message belongs to, for dividers: "Today", "Yesterday" or "Tuesday, July 2nd". */
export function dayLabel(ts: string, timeZone: string, nowMs: number): string {
  const p = partsOf(Number(ts) * 1000, timeZone);
  return relativeDay(p, nowMs, timeZone) ?? `${p.weekday}, ${MONTHS[p.month - 1] ?? ''} ${ordinal(p.day)}`;
}
