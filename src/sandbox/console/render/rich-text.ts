/**
 * `rich_text` blocks (what Slack stores for messages people type, and what some apps send): sections with
 * styled text, links, mentions and emoji; bullet/ordered lists; preformatted and quote elements.
 */
import type { RenderContext } from './context';
import { nameOf } from './context';
import { isObject, type Json } from './elements';
import { replaceEmoji } from './emoji';
import { attrs, esc, safeUrl } from './html';

function styled(html: string, style: unknown): string {
  if (!isObject(style)) return html;
  let out = html;
  if (style.code) out = `<code>${out}</code>`;
  if (style.bold) out = `<strong>${out}</strong>`;
  if (style.italic) out = `<em>${out}</em>`;
  if (style.strike) out = `<del>${out}</del>`;
  return out;
}

/** `"1f44d"` / `"1f44d-1f3fb"` → the characters; undefined when absent or malformed. */
function unicodeEmoji(unicode: unknown): string | undefined {
  if (typeof unicode !== 'string') return undefined;
  try {
    return esc(String.fromCodePoint(...unicode.split('-').map((h) => parseInt(h, 16))));
  } catch {
    return undefined;
  }
}

function inline(el: Json, ctx: RenderContext): string {
  const text = typeof el.text === 'string' ? el.text : '';
  switch (el.type) {
    case 'text':
      return styled(esc(text).replace(/\n/g, '<br>'), el.style);
    case 'link': {
      const href = typeof el.url === 'string' ? safeUrl(el.url) : undefined;
      const label = esc(text || String(el.url ?? ''));
      const a = href
        ? `<a${attrs({ href, target: '_blank', rel: 'noopener noreferrer' })}>${label}</a>`
        : label;
      return styled(a, el.style);
    }
    case 'user':
      return `<span class="mention${el.user_id === ctx.me ? ' mention-me' : ''}">@${esc(nameOf(ctx, String(el.user_id)))}</span>`;
    case 'channel':
      return `<span class="mention">#${esc(ctx.channels.get(String(el.channel_id)) ?? String(el.channel_id))}</span>`;
    case 'broadcast':
      return `<span class="mention mention-me">@${esc(String(el.range))}</span>`;
    case 'emoji':
      return unicodeEmoji(el.unicode) ?? replaceEmoji(`:${esc(String(el.name))}:`);
    default:
      return esc(text);
  }
}

function inlines(elements: unknown, ctx: RenderContext): string {
  return Array.isArray(elements)
    ? elements
        .filter(isObject)
        .map((e) => inline(e, ctx))
        .join('')
    : '';
}

function part(el: Json, ctx: RenderContext): string {
  switch (el.type) {
    case 'rich_text_section':
      return `<div class="rt-section">${inlines(el.elements, ctx)}</div>`;
    case 'rich_text_preformatted':
      return `<pre>${inlines(el.elements, ctx)}</pre>`;
    case 'rich_text_quote':
      return `<blockquote>${inlines(el.elements, ctx)}</blockquote>`;
    case 'rich_text_list': {
      const tag = el.style === 'ordered' ? 'ol' : 'ul';
      const items = Array.isArray(el.elements)
        ? el.elements
            .filter(isObject)
            .map((item) => `<li>${inlines(item.elements, ctx)}</li>`)
            .join('')
        : '';
      return `<${tag} class="rt-list">${items}</${tag}>`;
    }
    default:
      return '';
  }
}

/** A whole rich_text block. */
export function richText(block: Json, ctx: RenderContext): string {
  const parts = Array.isArray(block.elements) ? block.elements.filter(isObject) : [];
  return `<div class="bk-rich-text">${parts.map((p) => part(p, ctx)).join('')}</div>`;
}
