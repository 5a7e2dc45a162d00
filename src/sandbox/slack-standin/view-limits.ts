import { hasInputBlocks, validateBlocks } from './block-limits';
import { checkString, checkText, isObject, Problems } from './element-limits';

/**
 * View payload checks behind `views.open/push/update/publish` → `invalid_arguments` with Slack-style messages:
 * modal `title`/`submit`/`close` ≤ 24 chars (plain_text), `submit` required when the view has input blocks,
 * `private_metadata` ≤ 3,000, `callback_id`/`external_id` ≤ 255, blocks ≤ 100.
 */
export function validateView(view: unknown, allowedTypes: readonly ('modal' | 'home')[]): string[] {
  const p = new Problems();
  const ptr = '/view';
  if (!isObject(view)) {
    p.add(ptr, 'must provide an object');
    return p.messages;
  }
  if (typeof view.type !== 'string' || !(allowedTypes as readonly string[]).includes(view.type)) {
    p.add(`${ptr}/type`, 'must be a valid enum value');
    return p.messages;
  }
  if (view.type === 'modal') {
    checkText(p, view, 'title', ptr, { max: 24, plainOnly: true, required: true });
    checkText(p, view, 'close', ptr, { max: 24, plainOnly: true });
    checkText(p, view, 'submit', ptr, { max: 24, plainOnly: true });
    if (view.submit === undefined && hasInputBlocks(view.blocks)) {
      p.add(ptr, 'missing required field: submit (required when the view contains input blocks)');
    }
  }
  checkString(p, view, 'private_metadata', ptr, { max: 3000 });
  checkString(p, view, 'callback_id', ptr, { max: 255 });
  checkString(p, view, 'external_id', ptr, { max: 255 });
  if (view.blocks === undefined) p.add(ptr, 'missing required field: blocks');
  else
    p.messages.push(...validateBlocks(view.blocks, view.type === 'home' ? 'home' : 'modal', `${ptr}/blocks`));
  return p.messages;
}
