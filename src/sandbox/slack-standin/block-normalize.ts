import type { AnyBlock } from '@slack/types';
import { isObject, SLOT_TYPES, type Json } from './element-limits';
import { randomAlphanumeric } from './ids';

/**
 * What Slack does to accepted blocks before storing them (visible in `chat.postMessage`'s `message` and in
 * `conversations.history`): every block gets a `block_id` and every interactive element an `action_id` (random
 * short strings when the app gave none), and `plain_text` objects get `emoji: true` unless set.
 * Input is assumed to have passed `validateBlocks`.
 */
export function normalizeBlocks(blocks: unknown[]): AnyBlock[] {
  const copy = structuredClone(blocks) as Json[];
  for (const block of copy) {
    if (block.block_id === undefined) block.block_id = randomAlphanumeric(5);
    visit(block);
  }
  return copy as unknown as AnyBlock[];
}

const INTERACTIVE = new Set<string>(
  [...SLOT_TYPES.actions, ...SLOT_TYPES.accessory, ...SLOT_TYPES.input, ...SLOT_TYPES.context_actions].filter(
    (t) => t !== 'image',
  ),
);
const ELEMENT_KEYS = new Set(['elements', 'accessory', 'element']);

function visit(node: Json): void {
  if (node.type === 'plain_text' && typeof node.text === 'string' && node.emoji === undefined)
    node.emoji = true;
  for (const [key, child] of Object.entries(node)) {
    const children = Array.isArray(child) ? child : [child];
    for (const item of children) {
      if (!isObject(item)) continue;
      const interactive = typeof item.type === 'string' && INTERACTIVE.has(item.type);
      if (ELEMENT_KEYS.has(key) && interactive && item.action_id === undefined) {
        item.action_id = randomAlphanumeric(5);
      }
      visit(item);
    }
  }
}
