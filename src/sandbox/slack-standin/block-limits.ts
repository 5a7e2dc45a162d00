import {
  checkElement,
  checkString,
  checkText,
  checkTextValue,
  isObject,
  Problems,
  SLOT_TYPES,
  type Json,
} from './element-limits';

/**
 * Block-level Block Kit validation, copying what Slack rejects with `invalid_blocks` (messages) or
 * `invalid_arguments` (views): at most 50 blocks per message / 100 per modal or Home tab, block_id ≤ 255 and unique,
 * section text 3,000 / ≤ 10 fields × 2,000, header 150, ≤ 25 actions elements, ≤ 10 context elements, unknown types.
 */

export type Surface = 'message' | 'modal' | 'home';

export const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

type BlockCheck = (p: Problems, block: Json, ptr: string) => void;

function elementsArray(p: Problems, block: Json, ptr: string, max: number): unknown[] {
  const elements = block.elements;
  if (!Array.isArray(elements)) {
    p.add(ptr, 'missing required field: elements');
    return [];
  }
  if (elements.length === 0) p.add(`${ptr}/elements`, 'must provide at least 1 item');
  if (elements.length > max) p.add(`${ptr}/elements`, `no more than ${max} items allowed`);
  return elements;
}

function checkSection(p: Problems, block: Json, ptr: string): void {
  if (block.text === undefined && block.fields === undefined) {
    p.add(ptr, 'must provide at least one of: text, fields');
  }
  checkText(p, block, 'text', ptr, { max: 3000 });
  if (block.fields !== undefined) {
    const at = `${ptr}/fields`;
    if (!Array.isArray(block.fields)) {
      p.add(at, 'must provide an array');
    } else {
      if (block.fields.length > 10) p.add(at, 'no more than 10 items allowed');
      block.fields.forEach((field, i) => checkTextValue(p, field, `${at}/${i}`, { max: 2000 }));
    }
  }
  if (block.accessory !== undefined)
    checkElement(p, block.accessory, `${ptr}/accessory`, SLOT_TYPES.accessory);
}

function checkActions(p: Problems, block: Json, ptr: string): void {
  const seen = new Set<string>();
  elementsArray(p, block, ptr, 25).forEach((el, i) => {
    const at = `${ptr}/elements/${i}`;
    checkElement(p, el, at, SLOT_TYPES.actions);
    const id = isObject(el) ? el.action_id : undefined;
    if (typeof id === 'string') {
      if (seen.has(id)) p.add(`${at}/action_id`, `duplicate action_id: ${id}`);
      seen.add(id);
    }
  });
}

function checkContext(p: Problems, block: Json, ptr: string): void {
  elementsArray(p, block, ptr, 10).forEach((el, i) => {
    const at = `${ptr}/elements/${i}`;
    if (isObject(el) && (el.type === 'plain_text' || el.type === 'mrkdwn')) {
      checkTextValue(p, el, at, { max: 3000 });
    } else {
      checkElement(p, el, at, ['image']);
    }
  });
}

function checkImage(p: Problems, block: Json, ptr: string): void {
  if (block.image_url === undefined && block.slack_file === undefined) {
    p.add(ptr, 'missing required field: image_url');
  }
  checkString(p, block, 'image_url', ptr, { max: 3000 });
  checkString(p, block, 'alt_text', ptr, { max: 2000, required: true });
  checkText(p, block, 'title', ptr, { max: 2000, plainOnly: true });
}

function checkInput(p: Problems, block: Json, ptr: string): void {
  checkText(p, block, 'label', ptr, { max: 2000, plainOnly: true, required: true });
  checkText(p, block, 'hint', ptr, { max: 2000, plainOnly: true });
  if (block.element === undefined) p.add(ptr, 'missing required field: element');
  else checkElement(p, block.element, `${ptr}/element`, SLOT_TYPES.input);
}

const lenient: BlockCheck = () => undefined;

const BLOCK_CHECKS: Record<string, BlockCheck> = {
  section: checkSection,
  actions: checkActions,
  context: checkContext,
  header: (p, b, ptr) => checkText(p, b, 'text', ptr, { max: 150, plainOnly: true, required: true }),
  divider: lenient,
  image: checkImage,
  input: checkInput,
  markdown: (p, b, ptr) => checkString(p, b, 'text', ptr, { max: 12000, min: 1, required: true }),
  rich_text: (p, b, ptr) => {
    if (!Array.isArray(b.elements)) p.add(ptr, 'missing required field: elements');
  },
  context_actions: (p, b, ptr) =>
    elementsArray(p, b, ptr, 5).forEach((el, i) =>
      checkElement(p, el, `${ptr}/elements/${i}`, SLOT_TYPES.context_actions),
    ),
  file: (p, b, ptr) => checkString(p, b, 'external_id', ptr, { max: 255, required: true }),
  video: (p, b, ptr) => {
    for (const k of ['video_url', 'thumbnail_url', 'alt_text'])
      checkString(p, b, k, ptr, { max: 3000, required: true });
    checkText(p, b, 'title', ptr, { max: 200, plainOnly: true, required: true });
  },
  table: lenient,
  data_table: lenient,
  alert: lenient,
  card: lenient,
  carousel: lenient,
  container: lenient,
  task_card: lenient,
  plan: lenient,
};

/**
 * Validates a `blocks` array for a surface. `root` is the JSON pointer of the array (`/blocks` for messages,
 * `/view/blocks` for views). Returns Slack-style messages; empty means valid.
 */
export function validateBlocks(blocks: unknown, surface: Surface, root = '/blocks'): string[] {
  const p = new Problems();
  if (!Array.isArray(blocks)) {
    p.add(root, 'must provide an array');
    return p.messages;
  }
  const max = MAX_BLOCKS[surface];
  if (blocks.length > max) p.add(root, `no more than ${max} items allowed`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const ptr = `${root}/${i}`;
    if (!isObject(block)) return p.add(ptr, 'must provide an object');
    if (typeof block.type !== 'string') return p.add(ptr, 'missing required field: type');
    const check = BLOCK_CHECKS[block.type];
    if (!check) return p.add(`${ptr}/type`, `unsupported type: ${block.type}`);
    checkString(p, block, 'block_id', ptr, { max: 255, min: 1 });
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) p.add(`${ptr}/block_id`, `duplicate block_id: ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    check(p, block, ptr);
  });
  return p.messages;
}

/** True if any block is an `input` block — modals with inputs need a `submit` button. */
export function hasInputBlocks(blocks: unknown): boolean {
  return Array.isArray(blocks) && blocks.some((b) => isObject(b) && b.type === 'input');
}
