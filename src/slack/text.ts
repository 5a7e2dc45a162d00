/** Helpers for putting untrusted text into Slack mrkdwn safely and within Block Kit limits. */

/** Escapes the three characters Slack treats as control characters, so ARNs and conditions cannot inject markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text for inside an inline code span: escaped, with backticks replaced so the span cannot be broken out of. */
export function inCode(text: string): string {
  return escapeMrkdwn(text).replace(/`/g, 'ˋ');
}

/** Inline code that cannot be broken out of (backticks inside are replaced). */
export function code(text: string): string {
  return `\`${inCode(text)}\``;
}

/** Cuts text to `max` characters, saying how much was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = (n: number) => ` … (${n} more characters cut; see the console)`;
  const keep = max - note(text.length).length;
  return `${text.slice(0, Math.max(0, keep))}${note(text.length - Math.max(0, keep))}`;
}

/** Slack's date formatting token, falling back to the ISO text in clients that cannot render it. */
export function slackDate(iso: string): string {
  const secs = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(secs)) return escapeMrkdwn(iso);
  return `<!date^${secs}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>`;
}

/**
 * A mrkdwn value of at most `max` characters after escaping: cut on the raw text first, then, if escaping
 * grew it past the limit, cut again without leaving half an entity.
 */
export function safeText(raw: string, max: number, wrap: (s: string) => string = escapeMrkdwn): string {
  let out = wrap(clip(raw, max));
  if (out.length > max) {
    out = out.slice(0, max - 2).replace(/&[a-z]{0,4}$/, '');
    if (out.startsWith('`') && !out.endsWith('`')) out = `${out.slice(0, -1)}\``;
    out = `${out}…`;
  }
  return out;
}
