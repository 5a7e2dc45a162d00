/**
 * Block Kit elements on message and modal surfaces: text objects, buttons (primary / danger / default, URL
 * buttons, confirm dialogs carried in a `<template>` next to the button), images, and a visible stand-in for
 * interactive elements the console does not operate outside modals (selects, overflow menus in messages).
 */
import type { RenderContext } from './context';
import { attrs, esc, safeUrl } from './html';
import { renderMrkdwn, renderPlain } from './mrkdwn';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `{type: 'plain_text'|'mrkdwn', text}` object as HTML; anything else renders as nothing. */
export function textObject(value: unknown, ctx: RenderContext): string {
  if (!isObject(value) || typeof value.text !== 'string') return '';
  return value.type === 'mrkdwn'
    ? renderMrkdwn(value.text, ctx)
    : renderPlain(value.text, value.emoji !== false);
}

/** The text of a text object without markup (labels, aria). */
export function rawText(value: unknown): string {
  return isObject(value) && typeof value.text === 'string' ? value.text : '';
}

function confirmTemplate(confirm: Json, ctx: RenderContext): string {
  const style = confirm.style === 'danger' ? 'danger' : 'primary';
  return (
    `<template class="confirm-template">` +
    `<h2 class="confirm-title">${textObject(confirm.title, ctx) || 'Are you sure?'}</h2>` +
    `<div class="confirm-text">${textObject(confirm.text, ctx)}</div>` +
    `<div class="confirm-buttons">` +
    `<button type="button" class="bk-btn" data-testid="confirm-deny" data-confirm-answer="deny">${
      textObject(confirm.deny, ctx) || 'Cancel'
    }</button>` +
    `<button type="button" class="bk-btn bk-btn-${style}" data-testid="confirm-confirm" data-confirm-answer="confirm">${
      textObject(confirm.confirm, ctx) || 'Yes'
    }</button>` +
    `</div></template>`
  );
}

/**
 * A button: `data-*` carry what a click sends (action_id, block_id, value, url); the enclosing container
 * (message, ephemeral or modal) says where it is.
 */
export function button(el: Json, blockId: string, ctx: RenderContext): string {
  const style = el.style === 'primary' || el.style === 'danger' ? ` bk-btn-${el.style}` : '';
  const url = typeof el.url === 'string' ? safeUrl(el.url) : undefined;
  const actionId = String(el.action_id ?? '');
  const confirm = isObject(el.confirm) ? el.confirm : undefined;
  const a = attrs({
    type: 'button',
    class: `bk-btn${style}${url ? ' bk-btn-link' : ''}`,
    'data-testid': `button-${actionId}`,
    'data-action-id': actionId,
    'data-block-id': blockId,
    'data-value': typeof el.value === 'string' ? el.value : undefined,
    'data-url': url,
    'data-confirm': confirm ? '1' : undefined,
    title: url ? `Opens ${url}` : undefined,
    'aria-label': typeof el.accessibility_label === 'string' ? el.accessibility_label : undefined,
  });
  const icon = url ? '<span class="ext" aria-hidden="true">↗</span>' : '';
  return `<button${a}>${textObject(el.text, ctx)}${icon}</button>${confirm ? confirmTemplate(confirm, ctx) : ''}`;
}

/** An image element or block: the picture cannot load offline, so its alt text in a frame, linked. */
export function image(el: Json, cls: string): string {
  const alt = typeof el.alt_text === 'string' ? el.alt_text : 'image';
  const url = typeof el.image_url === 'string' ? safeUrl(el.image_url) : undefined;
  const label = `<span class="${cls}" role="img"${attrs({ 'aria-label': alt, title: url })}>🖼 ${esc(alt)}</span>`;
  return url ? `<a${attrs({ href: url, target: '_blank', rel: 'noopener noreferrer' })}>${label}</a>` : label;
}

const LABELS: Record<string, string> = {
  static_select: 'Select',
  external_select: 'Select',
  users_select: 'Select a person',
  multi_users_select: 'Select people',
  conversations_select: 'Select a conversation',
  channels_select: 'Select a channel',
  overflow: '⋯',
  datepicker: 'Pick a date',
  timepicker: 'Pick a time',
};

/** An element in an `actions` block or a section accessory of a message. */
export function messageElement(el: unknown, blockId: string, ctx: RenderContext): string {
  if (!isObject(el)) return '';
  if (el.type === 'button') return button(el, blockId, ctx);
  if (el.type === 'image') return image(el, 'bk-img-small');
  const type = String(el.type);
  const label = rawText(el.placeholder) || LABELS[type] || type;
  return `<span class="bk-unsupported" title="${esc(type)}: not operable in the sandbox console">${esc(label)} ▾</span>`;
}
