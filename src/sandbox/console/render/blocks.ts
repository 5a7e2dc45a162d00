/**
 * Block Kit → HTML for messages and modals: header, section (text, 2-column fields, accessory), context, divider,
 * actions, image, rich_text, markdown, and (in modals) input blocks. Unknown block types show as a labelled
 * placeholder so a bot author sees that something is there.
 */
import type { RenderContext } from './context';
import { image, isObject, messageElement, textObject, type Json } from './elements';
import { esc } from './html';
import { inputBlock, inputElement, type StateValues } from './inputs';
import { renderMrkdwn } from './mrkdwn';
import { richText } from './rich-text';

export interface BlockOptions {
  /** Modals render interactive elements as form controls and show input blocks. */
  surface: 'message' | 'modal';
  /** The view's `state.values` (modals). */
  state?: StateValues;
  /** Messages by input block_id (modals, from `response_action: errors`). */
  errors?: Record<string, string>;
}

const STATEFUL = new Set([
  'static_select',
  'multi_static_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'datepicker',
  'timepicker',
  'checkboxes',
  'radio_buttons',
]);

function element(el: unknown, blockId: string, ctx: RenderContext, opts: BlockOptions): string {
  if (opts.surface === 'modal' && isObject(el) && STATEFUL.has(String(el.type))) {
    return `<span class="bk-inline-input">${inputElement(el, blockId, ctx, opts.state ?? {})}</span>`;
  }
  return messageElement(el, blockId, ctx);
}

function section(block: Json, id: string, ctx: RenderContext, opts: BlockOptions): string {
  const text = block.text ? `<div class="bk-text">${textObject(block.text, ctx)}</div>` : '';
  const fields = Array.isArray(block.fields)
    ? `<div class="bk-fields">${block.fields.map((f) => `<div class="bk-field">${textObject(f, ctx)}</div>`).join('')}</div>`
    : '';
  const accessory = block.accessory
    ? `<div class="bk-accessory">${element(block.accessory, id, ctx, opts)}</div>`
    : '';
  return `<div class="bk-section"><div class="bk-section-body">${text}${fields}</div>${accessory}</div>`;
}

function context(block: Json, ctx: RenderContext): string {
  const items = Array.isArray(block.elements) ? block.elements : [];
  const html = items
    .map((el) => (isObject(el) && el.type === 'image' ? image(el, 'bk-img-tiny') : textObject(el, ctx)))
    .map((h) => `<span class="bk-context-item">${h}</span>`)
    .join('');
  return `<div class="bk-context">${html}</div>`;
}

function actions(block: Json, id: string, ctx: RenderContext, opts: BlockOptions): string {
  const items = Array.isArray(block.elements) ? block.elements : [];
  return `<div class="bk-actions">${items.map((el) => element(el, id, ctx, opts)).join('')}</div>`;
}

/** One block as HTML, wrapped with its block_id. */
export function renderBlock(block: unknown, ctx: RenderContext, opts: BlockOptions): string {
  if (!isObject(block)) return '';
  const id = String(block.block_id ?? '');
  const wrap = (cls: string, html: string) => `<div class="bk ${cls}" data-block="${esc(id)}">${html}</div>`;
  switch (block.type) {
    case 'header':
      return wrap('bk-header-block', `<div class="bk-header">${textObject(block.text, ctx)}</div>`);
    case 'section':
      return wrap('bk-section-block', section(block, id, ctx, opts));
    case 'context':
      return wrap('bk-context-block', context(block, ctx));
    case 'divider':
      return wrap('bk-divider-block', '<hr class="bk-divider">');
    case 'actions':
      return wrap('bk-actions-block', actions(block, id, ctx, opts));
    case 'image': {
      const title = block.title ? `<div class="bk-image-title">${textObject(block.title, ctx)}</div>` : '';
      return wrap('bk-image-block', `${title}${image(block, 'bk-img')}`);
    }
    case 'rich_text':
      return wrap('bk-rich-text-block', richText(block, ctx));
    case 'markdown':
      return wrap('bk-markdown-block', renderMrkdwn(String(block.text ?? ''), ctx));
    case 'input':
      if (opts.surface === 'modal') {
        return wrap('bk-input-block', inputBlock(block, ctx, opts.state ?? {}, opts.errors?.[id]));
      }
      return wrap('bk-unknown', '<span class="bk-unsupported">input block (only shown in modals)</span>');
    default:
      return wrap('bk-unknown', `<span class="bk-unsupported">${esc(String(block.type))} block</span>`);
  }
}

/** A list of blocks as HTML. */
export function renderBlocks(blocks: unknown, ctx: RenderContext, opts: BlockOptions): string {
  return Array.isArray(blocks) ? blocks.map((b) => renderBlock(b, ctx, opts)).join('') : '';
}
