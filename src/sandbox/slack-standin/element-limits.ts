/**
 * Block Kit composition objects and interactive elements, checked against Slack's published limits
 * (docs.slack.dev block-elements / composition-objects; @slack/types 3.2). Problems are reported in Slack's
 * `response_metadata.messages` style: `[ERROR] <what> [json-pointer:/blocks/0/elements/1/text/text]`.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Slack counts characters, not UTF-16 units. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Collects Slack-style validation messages. */
export class Problems {
  readonly messages: string[] = [];

  add(pointer: string, message: string): void {
    this.messages.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  get empty(): boolean {
    return this.messages.length === 0;
  }
}

interface StringRule {
  max: number;
  min?: number;
  required?: boolean;
}

/** A string field with a length limit (`action_id` 255, button `value` 2,000, `url` 3,000, …). */
export function checkString(p: Problems, obj: Json, key: string, ptr: string, rule: StringRule): void {
  const value = obj[key];
  if (value === undefined) {
    if (rule.required) p.add(ptr, `missing required field: ${key}`);
    return;
  }
  if (typeof value !== 'string') return p.add(`${ptr}/${key}`, 'must provide a string');
  const n = charCount(value);
  if (n > rule.max) p.add(`${ptr}/${key}`, `must be less than ${rule.max + 1} characters`);
  if (n < (rule.min ?? 0)) p.add(`${ptr}/${key}`, `must be more than ${(rule.min ?? 1) - 1} characters`);
}

interface TextRule {
  max: number;
  plainOnly?: boolean;
  required?: boolean;
}

/** A text object `{type: 'plain_text'|'mrkdwn', text}` at `at`; header/button/option labels must be plain_text. */
export function checkTextValue(p: Problems, value: unknown, at: string, rule: TextRule): void {
  if (!isObject(value)) return p.add(at, 'must provide an object');
  const allowed = rule.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    p.add(`${at}/type`, 'must be a valid enum value');
  }
  checkString(p, value, 'text', at, { max: rule.max, min: 1, required: true });
}

/** The text object in `obj[key]`, if present (or reports it missing when required). */
export function checkText(p: Problems, obj: Json, key: string, ptr: string, rule: TextRule): void {
  if (obj[key] === undefined) {
    if (rule.required) p.add(ptr, `missing required field: ${key}`);
    return;
  }
  checkTextValue(p, obj[key], `${ptr}/${key}`, rule);
}

function checkStyle(p: Problems, obj: Json, ptr: string): void {
  if (obj.style !== undefined && obj.style !== 'primary' && obj.style !== 'danger') {
    p.add(`${ptr}/style`, 'must be a valid enum value');
  }
}

/** Confirmation dialog: title 100, text 300, confirm 30, deny 30 characters; style primary|danger. */
export function checkConfirm(p: Problems, obj: Json, ptr: string): void {
  const confirm = obj.confirm;
  if (confirm === undefined) return;
  const at = `${ptr}/confirm`;
  if (!isObject(confirm)) return p.add(at, 'must provide an object');
  checkText(p, confirm, 'title', at, { max: 100, plainOnly: true, required: true });
  checkText(p, confirm, 'text', at, { max: 300, required: true });
  checkText(p, confirm, 'confirm', at, { max: 30, plainOnly: true, required: true });
  checkText(p, confirm, 'deny', at, { max: 30, plainOnly: true, required: true });
  checkStyle(p, confirm, at);
}

function checkOptions(
  p: Problems,
  obj: Json,
  key: string,
  ptr: string,
  max: number,
  plainOnly: boolean,
): void {
  const options = obj[key];
  if (options === undefined) return;
  const at = `${ptr}/${key}`;
  if (!Array.isArray(options)) return p.add(at, 'must provide an array');
  if (options.length > max) p.add(at, `no more than ${max} items allowed`);
  options.forEach((option, i) => {
    const o = `${at}/${i}`;
    if (!isObject(option)) return p.add(o, 'must provide an object');
    checkText(p, option, 'text', o, { max: 75, plainOnly, required: true });
    checkString(p, option, 'value', o, { max: 75, min: 1, required: true });
    checkText(p, option, 'description', o, { max: 75, plainOnly });
    checkString(p, option, 'url', o, { max: 3000 });
  });
}

function checkButton(p: Problems, el: Json, ptr: string): void {
  checkText(p, el, 'text', ptr, { max: 75, plainOnly: true, required: true });
  checkString(p, el, 'value', ptr, { max: 2000 });
  checkString(p, el, 'url', ptr, { max: 3000 });
  checkString(p, el, 'accessibility_label', ptr, { max: 75 });
  checkStyle(p, el, ptr);
}

function checkSelect(p: Problems, el: Json, ptr: string): void {
  if (el.type === 'static_select' || el.type === 'multi_static_select') {
    if (el.options === undefined && el.option_groups === undefined)
      p.add(ptr, 'missing required field: options');
    checkOptions(p, el, 'options', ptr, 100, true);
    if (Array.isArray(el.option_groups)) {
      if (el.option_groups.length > 100) p.add(`${ptr}/option_groups`, 'no more than 100 items allowed');
      el.option_groups.forEach((g, i) => {
        const gp = `${ptr}/option_groups/${i}`;
        if (!isObject(g)) return p.add(gp, 'must provide an object');
        checkText(p, g, 'label', gp, { max: 75, plainOnly: true, required: true });
        checkOptions(p, g, 'options', gp, 100, true);
      });
    }
  }
}

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
].flatMap((t) => [t, `multi_${t}`]);

const ELEMENT_CHECKS: Record<string, (p: Problems, el: Json, ptr: string) => void> = {
  button: checkButton,
  workflow_button: checkButton,
  icon_button: () => undefined,
  feedback_buttons: () => undefined,
  overflow: (p, el, ptr) => {
    if (!Array.isArray(el.options)) return p.add(ptr, 'missing required field: options');
    checkOptions(p, el, 'options', ptr, 5, true);
  },
  checkboxes: (p, el, ptr) => checkOptions(p, el, 'options', ptr, 10, false),
  radio_buttons: (p, el, ptr) => checkOptions(p, el, 'options', ptr, 10, false),
  datepicker: () => undefined,
  timepicker: () => undefined,
  datetimepicker: () => undefined,
  plain_text_input: (p, el, ptr) => {
    for (const k of ['min_length', 'max_length'] as const) {
      const v = el[k];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 3000)) {
        p.add(`${ptr}/${k}`, 'must be between 0 and 3000');
      }
    }
  },
  number_input: () => undefined,
  email_text_input: () => undefined,
  url_text_input: () => undefined,
  rich_text_input: () => undefined,
  file_input: () => undefined,
  image: (p, el, ptr) => {
    if (el.image_url === undefined && el.slack_file === undefined)
      p.add(ptr, 'missing required field: image_url');
    checkString(p, el, 'image_url', ptr, { max: 3000 });
    checkString(p, el, 'alt_text', ptr, { max: 2000, required: true });
  },
  ...Object.fromEntries(SELECTS.map((t) => [t, checkSelect])),
};

/** Which element types each slot accepts (Slack's block reference). */
export const SLOT_TYPES = {
  actions: [
    'button',
    'workflow_button',
    'overflow',
    'checkboxes',
    'radio_buttons',
    'datepicker',
    'timepicker',
    'datetimepicker',
    'rich_text_input',
    ...SELECTS,
  ],
  accessory: [
    'button',
    'workflow_button',
    'overflow',
    'checkboxes',
    'radio_buttons',
    'datepicker',
    'timepicker',
    'image',
    ...SELECTS,
  ],
  input: [
    'plain_text_input',
    'number_input',
    'email_text_input',
    'url_text_input',
    'rich_text_input',
    'file_input',
    'checkboxes',
    'radio_buttons',
    'datepicker',
    'timepicker',
    'datetimepicker',
    ...SELECTS,
  ],
  context_actions: ['feedback_buttons', 'icon_button'],
} as const;

/** One element in a slot: its type must fit the slot, then its own limits apply. */
export function checkElement(p: Problems, el: unknown, ptr: string, allowed: readonly string[]): void {
  if (!isObject(el)) return p.add(ptr, 'must provide an object');
  if (typeof el.type !== 'string' || !allowed.includes(el.type)) {
    return p.add(ptr, 'failed to match all allowed schemas');
  }
  checkString(p, el, 'action_id', ptr, { max: 255 });
  checkText(p, el, 'placeholder', ptr, { max: 150, plainOnly: true });
  checkConfirm(p, el, ptr);
  ELEMENT_CHECKS[el.type]?.(p, el, ptr);
}
