/**
 * Routes clicks on finding buttons (`finding.<action>`) to the action registry.
 * Ack first, always: nothing before ack touches AWS or DynamoDB. Errors go to the one error handler.
 * Before any action: REQUESTERS (who may click at all). Actions with an approval chain on an account listed in
 * SENSITIVE_ACCOUNTS first open a modal where the requester types the account id.
 */
import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { actionById, type FindingAction } from '../../actions';
import type { ActionDeps, ClickOrigin } from '../../actions/types';
import type { GroupResolver } from '../../approvals/ports';
import { chainFor, confirmsAccount, needsAccountConfirmation } from '../../approvals/policy';
import { isNamed, mentionList } from '../../approvals/principals';
import { AppError } from '../../errors';
import type { FindingRecord } from '../../findings/ports';
import { confirmAccountModal } from '../blocks/modals';
import type { ErrorReporter } from '../error-handler';
import {
  CONFIRM_ACCOUNT_BLOCK,
  CONFIRM_ACCOUNT_INPUT,
  CONFIRM_ACCOUNT_VIEW,
  CONSOLE_LINK_ACTION,
  FINDING_ACTION_PATTERN,
  FINDING_ACTION_PREFIX,
  decodeConfirmMeta,
  decodeFindingValue,
} from '../ids';

/** Runs work after the ack with bounded concurrency, so a burst of clicks is acked before its work piles up. */
export type AfterAck = <T>(work: () => Promise<T>) => Promise<T>;

export interface FindingListenerDeps extends ActionDeps {
  groups: GroupResolver;
  reportError: ErrorReporter;
  /** Told about each modal an action opened (its view id and hash), e.g. to fill in a count after the ack. */
  onModalOpened?: (opened: {
    action: string;
    viewId: string;
    hash: string;
    record: FindingRecord;
    origin: ClickOrigin;
  }) => void;
}

class NotAllowedError extends AppError {
  constructor(message: string) {
    super('not_allowed', message, message);
    this.name = 'NotAllowedError';
  }
}

function actionFor(actionId: string): FindingAction {
  const def = actionById(actionId.slice(FINDING_ACTION_PREFIX.length));
  if (!def) {
    throw new AppError(
      'unknown_action',
      `unknown action ${actionId}`,
      'This button is not known to this version of the bot.',
    );
  }
  return def;
}

async function loadRecord(deps: ActionDeps, findingId: string): Promise<FindingRecord> {
  const record = await deps.store.get(findingId);
  if (!record) {
    throw new AppError(
      'finding_unknown',
      `finding ${findingId} not in store`,
      'The bot has no record of this finding; it may belong to another deployment.',
    );
  }
  return record;
}

/**
 * REQUESTERS: refuses (with the sentence to show) anyone the policy does not let click. Also used by
 * `/iam-findings rules` (./archive-rules).
 */
export async function checkRequester(
  deps: Pick<FindingListenerDeps, 'policy' | 'groups'>,
  user: string,
): Promise<void> {
  const requesters = deps.policy.requesters;
  if (!requesters) return;
  const groups = await deps.groups(requesters);
  if (!isNamed(user, requesters, groups)) {
    throw new NotAllowedError(
      `You are not allowed to act on findings: the approval policy limits this to ${mentionList(requesters)}.`,
    );
  }
}

async function run(
  def: FindingAction,
  deps: FindingListenerDeps,
  input: { user: string; record: FindingRecord; clickKey: string },
): Promise<void> {
  const requestId = randomUUID();
  const log = deps.log.child({ action: def.id, user: input.user });
  if (!def.execute) throw new Error(`action ${def.id} has no execute`);
  log.info({ findingId: input.record.finding.id, requestId }, 'finding action requested');
  const result = await def.execute(
    { actor: input.user, requestId, record: input.record, clickKey: input.clickKey },
    { ...deps, log },
  );
  if (result.note) log.debug({ requestId, note: result.note }, 'action note');
}

export function registerFindingActions(app: App, deps: FindingListenerDeps, afterAck: AfterAck): void {
  app.action<BlockAction<ButtonAction>>(FINDING_ACTION_PATTERN, async ({ ack, body, action, client }) => {
    await ack();
    if (action.action_id === CONSOLE_LINK_ACTION) return; // a link button: Slack opened the URL itself
    const def = actionFor(action.action_id);
    const { findingId } = decodeFindingValue(action.value);
    const user = body.user.id;
    const clickKey = `${def.id}:${findingId}:${user}:${action.action_ts}`;
    const prepare = async () => {
      await checkRequester(deps, user);
      return loadRecord(deps, findingId);
    };
    const origin = {
      user,
      channel: body.channel?.id ?? '',
      ts: body.message?.ts ?? body.container?.message_ts ?? '',
    };
    if (def.modal) {
      // The modal must open while the trigger_id is valid: no queue, only the stored record is read.
      const record = await prepare();
      const opened = await client.views.open({
        trigger_id: body.trigger_id,
        view: def.modal(record, origin, deps.policy),
      });
      if (opened.view?.id) {
        deps.onModalOpened?.({
          action: def.id,
          viewId: opened.view.id,
          hash: opened.view.hash ?? '',
          record,
          origin,
        });
      }
      return;
    }
    // Only an action that really goes through approval (a non-empty chain) asks for the account id: Archive
    // without a chain stays one click.
    const viaApproval = def.approval !== undefined && chainFor(deps.policy, def.approval).length > 0;
    if (!viaApproval || deps.policy.sensitiveAccounts.length === 0) {
      await afterAck(async () => run(def, deps, { user, record: await prepare(), clickKey }));
      return;
    }
    // A sensitive account needs a modal, and the trigger_id lasts 3 s: decide now, not behind queued work.
    const record = await prepare();
    if (!needsAccountConfirmation(deps.policy, record.finding.accountId)) {
      await afterAck(async () => run(def, deps, { user, record, clickKey }));
      return;
    }
    const meta = {
      findingId,
      action: def.id,
      accountId: record.finding.accountId,
      channel: origin.channel,
      ts: origin.ts,
    };
    await client.views.open({ trigger_id: body.trigger_id, view: confirmAccountModal(meta, def.label) });
  });

  app.view<ViewSubmitAction>(CONFIRM_ACCOUNT_VIEW, async ({ ack, body, view }) => {
    const meta = decodeConfirmMeta(view.private_metadata);
    const typed = view.state.values[CONFIRM_ACCOUNT_BLOCK]?.[CONFIRM_ACCOUNT_INPUT]?.value ?? '';
    // The account id travels in the modal itself, so the check needs no AWS or DynamoDB call before the ack.
    if (!confirmsAccount(typed, meta.accountId)) {
      await ack({
        response_action: 'errors',
        errors: {
          [CONFIRM_ACCOUNT_BLOCK]: "That is not this finding's account id. Type the 12 digits shown above.",
        },
      });
      return;
    }
    await ack();
    const user = body.user.id;
    await afterAck(async () => {
      try {
        const def = actionFor(`${FINDING_ACTION_PREFIX}${meta.action}`);
        await checkRequester(deps, user);
        const record = await loadRecord(deps, meta.findingId);
        await run(def, deps, { user, record, clickKey: `${def.id}:${meta.findingId}:${user}:${view.id}` });
      } catch (err) {
        await deps.reportError(err, { channel: meta.channel, user, threadTs: meta.ts });
      }
    });
  });
}
