/**
 * Slack mrkdwn → safe HTML: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, line breaks, links
 * `<url|label>`, mentions `<@U…>` / `<#C…>` / `<!here>`, `<!date^…|fallback>`, emoji shortcodes, and the
 * `&lt; &gt; &amp;` entities apps must escape. Pure; every piece of text is HTML-escaped.
 *
 * Approach: code, pre blocks and `<…>` specials are cut out first and replaced by placeholders, the rest is
 * escaped and styled, then the placeholders are put back — so `*<url|label>*` is a bold link and nothing inside
 * code is styled.
 */
import type { RenderContext } from './context';
import { nameOf } from './context';
import { formatSlackDate } from './dates';
import { replaceEmoji } from './emoji';
import { attrs, decodeSlackEntities, esc, safeUrl } from './html';

/** Placeholder brackets from the Private Use Area; stripped from the input so they cannot be forged. */
const OPEN = '\uE000';
const CLOSE = '\uE001';

class Slots {
  private readonly html: string[] = [];

  /** Stores rendered HTML and returns its placeholder. */
  put(html: string): string {
    this.html.push(html);
    return `${OPEN}${this.html.length - 1}${CLOSE}`;
  }

  restore(text: string): string {
    return text.replace(/\uE000(\d+)\uE001/g, (_, i: string) => this.html[Number(i)] ?? '');
  }
}

/** Text as it should read: entities decoded, then escaped for HTML. */
const plainText = (raw: string) => esc(decodeSlackEntities(raw));

function link(url: string, label: string): string {
  const href = safeUrl(decodeSlackEntities(url));
  const text = plainText(label);
  if (!href) return text;
  return `<a${attrs({ href, target: '_blank', rel: 'noopener noreferrer' })}>${text}</a>`;
}

function mention(cls: string, text: string): string {
  return `<span class="${cls}">${esc(text)}</span>`;
}

/** One `<…>` special: link, user/channel mention, broadcast, user group or date. */
function special(body: string, ctx: RenderContext): string {
  const bar = body.indexOf('|');
  const target = bar >= 0 ? body.slice(0, bar) : body;
  const label = bar >= 0 ? body.slice(bar + 1) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const me = id === ctx.me ? ' mention-me' : '';
    return mention(`mention${me}`, `@${ctx.users.has(id) ? nameOf(ctx, id) : (label ?? id)}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return mention('mention', `#${ctx.channels.get(id) ?? label ?? id}`);
  }
  if (target.startsWith('!')) return command(target.slice(1), label, ctx);
  return link(target, label ?? target);
}

function command(cmd: string, label: string | undefined, ctx: RenderContext): string {
  if (cmd === 'here' || cmd === 'channel' || cmd === 'everyone')
    return mention('mention mention-me', `@${cmd}`);
  if (cmd.startsWith('subteam^')) return mention('mention', decodeSlackEntities(label ?? '@group'));
  if (cmd.startsWith('date^')) {
    const [, secs, format, url] = cmd.split('^');
    const seconds = Number(secs);
    if (!Number.isFinite(seconds) || format === undefined) return plainText(label ?? '');
    const text = formatSlackDate(decodeSlackEntities(format), seconds, ctx.timeZone, ctx.now);
    const shown = `<time${attrs({ datetime: new Date(seconds * 1000).toISOString() })}>${esc(text)}</time>`;
    const href = url ? safeUrl(decodeSlackEntities(url)) : undefined;
    return href ? `<a${attrs({ href, target: '_blank', rel: 'noopener noreferrer' })}>${shown}</a>` : shown;
  }
  return plainText(label ?? `<!${cmd}>`);
}

/** *bold*, _italic_, ~strike~ on escaped text: markers at word boundaries, content not starting/ending in space. */
function emphasis(text: string): string {
  const styles: [string, string][] = [
    ['\\*', 'strong'],
    ['_', 'em'],
    ['~', 'del'],
  ];
  let out = text;
  for (const [m, tag] of styles) {
    const re = new RegExp(`(^|[^\\p{L}\\p{N}${m}])${m}(?=\\S)([^\\n]*?\\S)${m}(?![\\p{L}\\p{N}${m}])`, 'gu');
    out = out.replace(re, (_, before: string, inner: string) => `${before}<${tag}>${inner}</${tag}>`);
  }
  return out;
}

/** Lines starting with `>` become one blockquote per run; other lines are joined with <br>. */
function lines(text: string): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  const all = text.split('\n');
  all.forEach((line, i) => {
    const q = /^&gt; ?(.*)$/.exec(line);
    if (q) {
      quote.push(q[1] ?? '');
      return;
    }
    flush();
    out.push(line + (i < all.length - 1 ? '<br>' : ''));
  });
  flush();
  return out.join('');
}

/** Renders a mrkdwn string to an HTML fragment (no wrapper element). */
export function renderMrkdwn(source: string, ctx: RenderContext): string {
  const slots = new Slots();
  let text = source.replace(/[\uE000\uE001]/g, '');
  text = text.replace(/```\n?([\s\S]*?)```/g, (_, code: string) =>
    slots.put(`<pre>${plainText(code)}</pre>`),
  );
  text = text.replace(/`([^`\n]+)`/g, (_, code: string) => slots.put(`<code>${plainText(code)}</code>`));
  text = text.replace(/<([^<>\n]+)>/g, (_, body: string) => slots.put(special(body, ctx)));
  const styled = lines(emphasis(replaceEmoji(plainText(text))));
  return slots.restore(styled);
}

/** A plain_text object's text: escaped, with emoji shortcodes unless `emoji: false`. */
export function renderPlain(text: string, emoji = true): string {
  const escaped = esc(text);
  return (emoji ? replaceEmoji(escaped) : escaped).replace(/\n/g, '<br>');
}
