/**
 * HTML escaping for the console's server-side renderers. Everything that came from the bot or a person goes
 * through `esc` (text) or `attrs` (attribute values); renderers build HTML only from escaped pieces.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Undoes the three escapes Slack asks apps to apply in message text (`&amp;`, `&lt;`, `&gt;`). */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name] ?? '');
}

/** ` name="value"` pairs, escaped; `undefined`/`false` values are left out, `true` writes a bare attribute. */
export function attrs(pairs: Record<string, string | number | boolean | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(pairs)) {
    if (value === undefined || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${esc(String(value))}"`;
  }
  return out;
}

/** Only links a browser can open safely: http(s) and mailto. */
export function safeUrl(url: string): string | undefined {
  return /^(https?:\/\/|mailto:)/i.test(url.trim()) ? url.trim() : undefined;
}
