/**
 * Action ids and button values, defined once and shared by the renderer and the router.
 * Finding buttons: action_id `finding.<action id>` (e.g. `finding.archive`), value = encoded FindingButtonValue.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors';

export const FINDING_ACTION_PREFIX = 'finding.';
export const FINDING_ACTION_PATTERN = /^finding\.[a-z-]+$/;
/** The console link button (a URL button: Slack still sends a block_actions that must be acked). */
export const CONSOLE_LINK_ACTION = 'finding.open-console';

export const findingActionId = (actionId: string) => `${FINDING_ACTION_PREFIX}${actionId}`;

const findingValue = z.object({ f: z.string().min(1).max(128) }).strict();
export interface FindingButtonValue {
  findingId: string;
}

export function encodeFindingValue(v: FindingButtonValue): string {
  return JSON.stringify({ f: v.findingId });
}

/** @throws InvalidInputError if the value was not produced by encodeFindingValue. */
export function decodeFindingValue(raw: string | undefined): FindingButtonValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    throw new InvalidInputError(
      'This button carries no finding reference; the message may be from an older version.',
    );
  }
  const r = findingValue.safeParse(parsed);
  if (!r.success)
    throw new InvalidInputError(
      'This button carries no finding reference; the message may be from an older version.',
    );
  return { findingId: r.data.f };
}
