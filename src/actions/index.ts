/** The registry of finding actions: buttons, routes and the bot's IAM permissions derive from this list. */
import { archive } from './archive';
import { archiveWithReason } from './archive-with-reason';
import { deny, undoDeny } from './deny';
import { createArchiveRule } from './archive-rule';
import type { FindingAction } from './types';

export const actions: readonly FindingAction[] = [
  archive,
  archiveWithReason,
  deny,
  undoDeny,
  createArchiveRule,
];

export function actionById(id: string): FindingAction | undefined {
  return actions.find((a) => a.id === id);
}

export type { FindingAction } from './types';
