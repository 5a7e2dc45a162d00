/**
 * Routes clicks on finding buttons (`finding.<action>`) to the action registry.
 * Ack first, always: nothing before ack touches AWS or DynamoDB. Errors go to the one error handler.
 */
import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { actionById } from '../../actions';
import type { ActionDeps } from '../../actions/types';
import { AppError } from '../../errors';
import {
  CONSOLE_LINK_ACTION,
  FINDING_ACTION_PATTERN,
  FINDING_ACTION_PREFIX,
  decodeFindingValue,
} from '../ids';

/** Runs work after the ack with bounded concurrency, so a burst of clicks is acked before its work piles up. */
export type AfterAck = <T>(work: () => Promise<T>) => Promise<T>;

export function registerFindingActions(app: App, deps: ActionDeps, afterAck: AfterAck): void {
  app.action<BlockAction<ButtonAction>>(FINDING_ACTION_PATTERN, async ({ ack, body, action }) => {
    await ack();
    if (action.action_id === CONSOLE_LINK_ACTION) return; // a link button: Slack opened the URL itself
    await afterAck(async () => {
      const def = actionById(action.action_id.slice(FINDING_ACTION_PREFIX.length));
      if (!def)
        throw new AppError(
          'unknown_action',
          `unknown action ${action.action_id}`,
          'This button is not known to this version of the bot.',
        );
      const { findingId } = decodeFindingValue(action.value);
      const requestId = randomUUID();
      const log = deps.log.child({ action: def.id, user: body.user.id });
      log.info({ findingId, requestId }, 'finding action clicked');
      const record = await deps.store.get(findingId);
      if (!record) {
        throw new AppError(
          'finding_unknown',
          `finding ${findingId} not in store`,
          'The bot has no record of this finding; it may belong to another deployment.',
        );
      }
      await def.execute({ actor: body.user.id, requestId, record }, { ...deps, log });
    });
  });
}
