import type { AnyBlock } from '@slack/types';
import { charCount, isObject, type Json } from './element-limits';
import { initialState } from './interactions';
import type { StandinChannel, StandinUser } from './types';

/**
 * A modal's `state.values` as Slack reports it in `view_submission` / view `block_actions` payloads: every stateful
 * element of the view, keyed `[block_id][action_id]`, with the value field its type uses (`value`,
 * `selected_option`, `selected_user`, `selected_users`, `selected_date`, `selected_options`, …). Also Slack's own
 * client-side checks (required inputs, `min_length`/`max_length`) that stop a submission before the app sees it.
 */

/** What a person entered in one element: text, an option value / user id / channel id / date, or several. */
export type ViewValue = string | string[] | null;

/**
 * Entered values by block_id — the value of the block's only stateful element — or by block_id then action_id
 * (blocks with several elements).
 */
export type ViewValues = Record<string, ViewValue | Record<string, ViewValue>>;

export type StateValues = Record<string, Record<string, Json>>;

interface Lookup {
  users: StandinUser[];
  channels: StandinChannel[];
}

/** Stateful elements of a block: an input's element, an actions block's elements, a section's accessory. */
function statefulElements(block: Json): Json[] {
  if (block.type === 'context') return [];
  const candidates = Array.isArray(block.elements) ? block.elements : [block.accessory, block.element];
  return candidates.filter(
    (el): el is Json =>
      isObject(el) &&
      typeof el.action_id === 'string' &&
      !['button', 'overflow', 'image', 'workflow_button'].includes(String(el.type)),
  );
}

function optionsOf(el: Json): Json[] {
  const flat = Array.isArray(el.options) ? el.options : [];
  const groups = Array.isArray(el.option_groups) ? el.option_groups : [];
  const grouped = groups.flatMap((g) => (isObject(g) && Array.isArray(g.options) ? g.options : []));
  return [...flat, ...grouped].filter(isObject);
}

function option(el: Json, value: string, where: string): Json {
  const found = optionsOf(el).find((o) => o.value === value);
  if (!found) throw new Error(`Slack stand-in: ${where} has no option with value ${JSON.stringify(value)}`);
  return structuredClone(found);
}

function single(raw: ViewValue, where: string): string | null {
  if (Array.isArray(raw)) throw new Error(`Slack stand-in: ${where} takes one value, not a list`);
  return raw === '' ? null : raw;
}

function many(raw: ViewValue): string[] {
  if (raw === null || raw === '') return [];
  return Array.isArray(raw) ? raw : [raw];
}

function known(list: { id: string }[], id: string, what: string, where: string): string {
  if (!list.some((x) => x.id === id)) throw new Error(`Slack stand-in: ${where}: unknown ${what} ${id}`);
  return id;
}

/** One element's state entry from a raw value, shaped per element type like Slack's payloads. */
export function stateEntry(el: Json, raw: ViewValue, where: string, lookup: Lookup): Json {
  const type = String(el.type);
  const one = () => single(raw, where);
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type, value: one() };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons': {
      const v = one();
      return { type, selected_option: v === null ? null : option(el, v, where) };
    }
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: many(raw).map((v) => option(el, v, where)) };
    case 'users_select': {
      const v = one();
      return { type, selected_user: v === null ? null : known(lookup.users, v, 'user', where) };
    }
    case 'multi_users_select':
      return { type, selected_users: many(raw).map((v) => known(lookup.users, v, 'user', where)) };
    case 'conversations_select':
    case 'channels_select': {
      const v = one();
      const field = type === 'channels_select' ? 'selected_channel' : 'selected_conversation';
      return { type, [field]: v === null ? null : known(lookup.channels, v, 'channel', where) };
    }
    case 'multi_conversations_select':
    case 'multi_channels_select': {
      const field = type === 'multi_channels_select' ? 'selected_channels' : 'selected_conversations';
      return { type, [field]: many(raw).map((v) => known(lookup.channels, v, 'channel', where)) };
    }
    case 'datepicker': {
      const v = one();
      if (v !== null && !/^\d{4}-\d{2}-\d{2}$/.test(v))
        throw new Error(`Slack stand-in: ${where}: dates are YYYY-MM-DD`);
      return { type, selected_date: v };
    }
    case 'timepicker': {
      const v = one();
      if (v !== null && !/^\d{2}:\d{2}$/.test(v))
        throw new Error(`Slack stand-in: ${where}: times are HH:mm`);
      return { type, selected_time: v };
    }
    default:
      throw new Error(`Slack stand-in: ${where}: entering values into ${type} is not supported`);
  }
}

/**
 * The state Slack sends: initial values of every stateful element, then what was stored (earlier edits), then
 * `values`. Unknown block_ids/action_ids and unknown options are errors (a person cannot pick them).
 */
export function viewState(
  blocks: AnyBlock[],
  stored: StateValues,
  values: ViewValues | undefined,
  lookup: Lookup,
): StateValues {
  const state = initialState(blocks).values;
  for (const [blockId, byAction] of Object.entries(stored)) {
    for (const [actionId, entry] of Object.entries(byAction)) {
      if (state[blockId]?.[actionId]) state[blockId][actionId] = structuredClone(entry);
    }
  }
  const byBlock = new Map((blocks as unknown as Json[]).map((b) => [String(b.block_id), b]));
  for (const [blockId, given] of Object.entries(values ?? {})) {
    const block = byBlock.get(blockId);
    const elements = block ? statefulElements(block) : [];
    if (elements.length === 0) throw new Error(`Slack stand-in: the view has no input block ${blockId}`);
    const perAction: Record<string, ViewValue> = isObject(given)
      ? (given as Record<string, ViewValue>)
      : { [String(elements[0]?.action_id)]: given };
    if (!isObject(given) && elements.length > 1) {
      throw new Error(`Slack stand-in: block ${blockId} has several elements; give values by action_id`);
    }
    for (const [actionId, raw] of Object.entries(perAction)) {
      const el = elements.find((e) => e.action_id === actionId);
      if (!el) throw new Error(`Slack stand-in: block ${blockId} has no element ${actionId}`);
      (state[blockId] ??= {})[actionId] = stateEntry(el, raw, `${blockId}/${actionId}`, lookup);
    }
  }
  return state;
}

/**
 * What survives `views.update` / `response_action: update`: Slack keeps entered values of elements whose
 * block_id, action_id and type are unchanged (an empty one lets the new view's initial value show).
 */
export function preservedState(blocks: AnyBlock[], previous: StateValues): StateValues {
  const kept: StateValues = {};
  for (const block of blocks as unknown as Json[]) {
    const blockId = String(block.block_id);
    for (const el of statefulElements(block)) {
      const entry = previous[blockId]?.[String(el.action_id)];
      if (entry && entry.type === el.type && !isEmpty(entry)) {
        (kept[blockId] ??= {})[String(el.action_id)] = structuredClone(entry);
      }
    }
  }
  return kept;
}

function isEmpty(entry: Json | undefined): boolean {
  if (!entry) return true;
  const { type: _type, ...rest } = entry;
  return Object.values(rest).every((v) => v === null || v === '' || (Array.isArray(v) && v.length === 0));
}

/**
 * What Slack's client says before it lets a modal be submitted, by block_id: required inputs left empty
 * ("Please complete this required field.") and plain_text_input `min_length`/`max_length`.
 */
export function clientSideErrors(blocks: AnyBlock[], state: StateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const block of blocks as unknown as Json[]) {
    if (block.type !== 'input' || !isObject(block.element)) continue;
    const blockId = String(block.block_id);
    const el = block.element;
    const entry = state[blockId]?.[String(el.action_id)];
    if (isEmpty(entry)) {
      if (block.optional !== true) errors[blockId] = 'Please complete this required field.';
      continue;
    }
    if (el.type === 'plain_text_input' && typeof entry?.value === 'string') {
      const n = charCount(entry.value);
      if (typeof el.min_length === 'number' && n < el.min_length) {
        errors[blockId] = `Please enter at least ${el.min_length} characters.`;
      } else if (typeof el.max_length === 'number' && n > el.max_length) {
        errors[blockId] = `Please enter no more than ${el.max_length} characters.`;
      }
    }
  }
  return errors;
}
