/** The registry of finding actions: buttons, routes and the bot's IAM permissions derive from this list. */
import { archive } from './archive';
import { deny, undoDeny } from './deny';
import { createArchiveRule } from './not-yet';
import type { FindingAction } from './types';

export const actions: readonly FindingAction[] = [archive, deny, undoDeny, createArchiveRule];

export function actionById(id: string): FindingAction | undefined {
  return actions.find((a) => a.id === id);
}

export type { FindingAction } from './types';
