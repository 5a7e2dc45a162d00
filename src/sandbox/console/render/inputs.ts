/**
 * Modal input blocks as form controls: plain_text_input (single/multiline), number/email/url inputs,
 * static_select, multi_static_select, users_select, multi_users_select, conversations/channels selects,
 * datepicker, timepicker, checkboxes and radio_buttons. Each control carries `data-el-type`, `data-block-id` and
 * `data-action-id` so the page can read values back; shown values come from the view's state (what the person
 * entered, kept across `errors` and `update`), else the element's initial value. Errors render under the block.
 */
import type { RenderContext } from './context';
import { isObject, rawText, textObject, type Json } from './elements';
import { attrs, esc } from './html';

export type StateValues = Record<string, Record<string, Json>>;

interface Ctl {
  el: Json;
  id: string;
  blockId: string;
  actionId: string;
  entry: Json | undefined;
  ctx: RenderContext;
}

function base(c: Ctl, extra: Record<string, string | number | boolean | undefined> = {}): string {
  return attrs({
    id: c.id,
    'data-testid': `input-${c.blockId}`,
    'data-el-type': String(c.el.type),
    'data-block-id': c.blockId,
    'data-action-id': c.actionId,
    ...extra,
  });
}

/** The entered value if the state has one for this element, else the initial one. */
function current<T>(c: Ctl, field: string, initial: string): T | undefined {
  if (c.entry && field in c.entry) return c.entry[field] as T;
  return c.el[initial] as T | undefined;
}

function optionsOf(el: Json): { group?: string; options: Json[] }[] {
  const flat = Array.isArray(el.options) ? [{ options: el.options.filter(isObject) }] : [];
  const groups = Array.isArray(el.option_groups)
    ? el.option_groups.filter(isObject).map((g) => ({
        group: rawText(g.label),
        options: Array.isArray(g.options) ? g.options.filter(isObject) : [],
      }))
    : [];
  return [...flat, ...groups];
}

function selectOptions(items: { value: string; label: string }[], chosen: Set<string>): string {
  return items
    .map((o) => `<option${attrs({ value: o.value, selected: chosen.has(o.value) })}>${esc(o.label)}</option>`)
    .join('');
}

function textInput(c: Ctl): string {
  const value = current<string | null>(c, 'value', 'initial_value') ?? '';
  const common = {
    placeholder: rawText(c.el.placeholder) || undefined,
    maxlength: typeof c.el.max_length === 'number' ? c.el.max_length : undefined,
    'data-min-length': typeof c.el.min_length === 'number' ? c.el.min_length : undefined,
  };
  if (c.el.type === 'plain_text_input' && c.el.multiline === true) {
    return `<textarea${base(c, { ...common, rows: 4 })}>${esc(String(value))}</textarea>`;
  }
  const type = { number_input: 'number', email_text_input: 'email', url_text_input: 'url' }[
    String(c.el.type)
  ];
  return `<input${base(c, { ...common, type: type ?? 'text', value: String(value) })}>`;
}

function staticSelect(c: Ctl, multiple: boolean): string {
  const chosen = multiple
    ? (current<Json[]>(c, 'selected_options', 'initial_options') ?? [])
    : [current<Json | null>(c, 'selected_option', 'initial_option')];
  const values = new Set(chosen.filter(isObject).map((o) => String(o.value)));
  const body = optionsOf(c.el)
    .map(({ group, options }) => {
      const html = selectOptions(
        options.map((o) => ({ value: String(o.value), label: rawText(o.text) })),
        values,
      );
      return group === undefined ? html : `<optgroup${attrs({ label: group })}>${html}</optgroup>`;
    })
    .join('');
  return select(c, multiple, body);
}

function select(c: Ctl, multiple: boolean, body: string): string {
  const placeholder = multiple
    ? ''
    : `<option value="">${esc(rawText(c.el.placeholder) || 'Select an item')}</option>`;
  return `<select${base(c, { multiple })}>${placeholder}${body}</select>`;
}

function pickSelect(c: Ctl, kind: 'user' | 'channel', multiple: boolean): string {
  const field = {
    users_select: ['selected_user', 'initial_user'],
    multi_users_select: ['selected_users', 'initial_users'],
    conversations_select: ['selected_conversation', 'initial_conversation'],
    multi_conversations_select: ['selected_conversations', 'initial_conversations'],
    channels_select: ['selected_channel', 'initial_channel'],
    multi_channels_select: ['selected_channels', 'initial_channels'],
  }[String(c.el.type)] ?? ['', ''];
  const now = current<string | string[] | null>(c, field[0] ?? '', field[1] ?? '');
  const chosen = new Set(Array.isArray(now) ? now : now ? [now] : []);
  const items =
    kind === 'user'
      ? [...c.ctx.users].filter(([, u]) => !u.isBot).map(([id, u]) => ({ value: id, label: u.name }))
      : [...c.ctx.channels].map(([id, name]) => ({ value: id, label: `#${name}` }));
  return select(c, multiple, selectOptions(items, chosen));
}

function picker(c: Ctl, type: 'date' | 'time'): string {
  const value =
    type === 'date'
      ? current<string | null>(c, 'selected_date', 'initial_date')
      : current<string | null>(c, 'selected_time', 'initial_time');
  return `<input${base(c, { type, value: value ?? '' })}>`;
}

function choices(c: Ctl, type: 'checkbox' | 'radio'): string {
  const chosen =
    type === 'checkbox'
      ? (current<Json[]>(c, 'selected_options', 'initial_options') ?? [])
      : [current<Json | null>(c, 'selected_option', 'initial_option')];
  const values = new Set(chosen.filter(isObject).map((o) => String(o.value)));
  const items = optionsOf(c.el)
    .flatMap((g) => g.options)
    .map((o, i) => {
      const input = attrs({ type, name: c.id, value: String(o.value), checked: values.has(String(o.value)) });
      const id = `${c.id}-${i}`;
      const description = o.description
        ? `<span class="choice-desc">${textObject(o.description, c.ctx)}</span>`
        : '';
      return `<label class="choice" for="${esc(id)}"><input id="${esc(id)}"${input}><span>${textObject(o.text, c.ctx)}${description}</span></label>`;
    })
    .join('');
  return `<fieldset${base(c, { class: 'choices', 'aria-labelledby': `${c.id}-label` })}>${items}</fieldset>`;
}

/** One stateful element of a modal as a form control (unknown types: a visible note). */
export function inputElement(el: Json, blockId: string, ctx: RenderContext, state: StateValues): string {
  const actionId = String(el.action_id ?? '');
  const c: Ctl = {
    el,
    blockId,
    actionId,
    ctx,
    id: `in-${blockId}-${actionId}`,
    entry: state[blockId]?.[actionId],
  };
  switch (el.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return textInput(c);
    case 'static_select':
    case 'multi_static_select':
      return staticSelect(c, el.type === 'multi_static_select');
    case 'users_select':
    case 'multi_users_select':
      return pickSelect(c, 'user', el.type === 'multi_users_select');
    case 'conversations_select':
    case 'multi_conversations_select':
    case 'channels_select':
    case 'multi_channels_select':
      return pickSelect(c, 'channel', String(el.type).startsWith('multi_'));
    case 'datepicker':
      return picker(c, 'date');
    case 'timepicker':
      return picker(c, 'time');
    case 'checkboxes':
      return choices(c, 'checkbox');
    case 'radio_buttons':
      return choices(c, 'radio');
    default:
      return `<span class="bk-unsupported">${esc(String(el.type))} is not supported in the sandbox console</span>`;
  }
}

/** An `input` block: label (with "(optional)"), control, hint, and the error from `response_action: errors`. */
export function inputBlock(block: Json, ctx: RenderContext, state: StateValues, error?: string): string {
  const blockId = String(block.block_id ?? '');
  const el = isObject(block.element) ? block.element : {};
  const controlId = `in-${blockId}-${String(el.action_id ?? '')}`;
  const optional = block.optional === true ? ' <span class="optional">(optional)</span>' : '';
  const grouped = el.type === 'checkboxes' || el.type === 'radio_buttons';
  const label = grouped
    ? `<div class="input-label" id="${esc(controlId)}-label">${textObject(block.label, ctx)}${optional}</div>`
    : `<label class="input-label" for="${esc(controlId)}">${textObject(block.label, ctx)}${optional}</label>`;
  const hint = block.hint ? `<div class="input-hint">${textObject(block.hint, ctx)}</div>` : '';
  const wrap = attrs({
    class: `bk-input${error ? ' has-error' : ''}`,
    'data-input-block': blockId,
    'data-optional': block.optional === true ? '1' : undefined,
    // Slack sends block_actions when such an input changes (option picked, box ticked, Enter pressed).
    'data-dispatch': block.dispatch_action === true ? '1' : undefined,
  });
  const err = `<div class="input-error" role="alert" data-testid="error-${esc(blockId)}">${esc(error ?? '')}</div>`;
  return `<div${wrap}>${label}${inputElement(el, blockId, ctx, state)}${hint}${err}</div>`;
}
