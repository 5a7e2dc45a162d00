/**
 * The submission of the "Archive with reason…" modal (the click that opens it is routed by ./finding-actions).
 * Before the ack only the submission itself is checked (no DynamoDB, no AWS): a short reason, a review date in
 * the past or more than a year ahead, or a wrong account id answer `response_action: 'errors'` and change
 * nothing. After the ack, with the same bounded concurrency as clicks: REQUESTERS, the metadata checked
 * against the stored finding (private_metadata is not trusted: the account it names must be the finding's, and
 * when archiving needs approval on a SENSITIVE_ACCOUNTS account it must have named, and had typed, exactly
 * that account; otherwise nothing changes), then archive or request approval. Errors reach the requester in the finding's thread or privately, through the one error reporter.
 */
import { randomUUID } from 'node:crypto';
import type { App, ViewSubmitAction } from '@slack/bolt';
import { archiveNeedsApproval, archiveOrRequest } from '../../actions/archive';
import { checkArchiveReason } from '../../actions/archive-with-reason';
import { needsAccountConfirmation } from '../../approvals/policy';
import { isNamed, mentionList } from '../../approvals/principals';
import { AppError } from '../../errors';
import { decodeArchiveReasonMeta, type ArchiveReasonMeta } from '../blocks/archive-reason-modal';
import { ARCHIVE_REASON_BLOCKS, ARCHIVE_REASON_VIEW } from '../ids';
import type { AfterAck, FindingListenerDeps } from './finding-actions';

export function registerArchiveReason(app: App, deps: FindingListenerDeps, afterAck: AfterAck): void {
  app.view<ViewSubmitAction>(ARCHIVE_REASON_VIEW, async ({ ack, body, view }) => {
    const user = body.user.id;
    let meta: ArchiveReasonMeta;
    try {
      meta = decodeArchiveReasonMeta(view.private_metadata);
    } catch (err) {
      await ack();
      await deps.reportError(err, { user });
      return;
    }
    const values = view.state.values;
    const entry = (block: string) => values[block]?.[block];
    const checked = checkArchiveReason(
      {
        reason: entry(ARCHIVE_REASON_BLOCKS.reason)?.value,
        reviewOn: entry(ARCHIVE_REASON_BLOCKS.reviewOn)?.selected_date,
        account: entry(ARCHIVE_REASON_BLOCKS.account)?.value,
      },
      { now: deps.clock.now(), ...(meta.accountId ? { accountId: meta.accountId } : {}) },
    );
    if (checked.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: checked.errors });
      return;
    }
    await ack();
    await afterAck(async () => {
      const requestId = randomUUID();
      const log = deps.log.child({ action: 'archive-with-reason', user });
      try {
        const requesters = deps.policy.requesters;
        if (requesters && !isNamed(user, requesters, await deps.groups(requesters))) {
          const message = `You are not allowed to act on findings: the approval policy limits this to ${mentionList(requesters)}.`;
          throw new AppError('not_allowed', message, message);
        }
        const record = await deps.store.get(meta.findingId);
        if (!record) {
          throw new AppError(
            'finding_unknown',
            `finding ${meta.findingId} not in store`,
            'The bot has no record of this finding; it may belong to another deployment.',
          );
        }
        const accountId = record.finding.accountId;
        const mustConfirm =
          archiveNeedsApproval(deps.policy) && needsAccountConfirmation(deps.policy, accountId);
        if (
          (meta.accountId !== undefined && meta.accountId !== accountId) ||
          (mustConfirm && meta.accountId === undefined)
        ) {
          log.warn(
            { findingId: meta.findingId, metaAccountId: meta.accountId, accountId },
            'archive with reason refused: the dialog did not confirm the finding’s account',
          );
          throw new AppError(
            'account_not_confirmed',
            `archive-with-reason metadata account ${meta.accountId ?? 'none'} does not confirm ${accountId}`,
            `Nothing was archived: this dialog did not confirm the finding's account (${accountId}). Click *Archive with reason…* on the finding again.`,
          );
        }
        log.info(
          { findingId: meta.findingId, requestId, reviewAt: checked.why.reviewAt },
          'archive with reason',
        );
        await archiveOrRequest(
          {
            actor: user,
            requestId,
            record,
            clickKey: `archive-with-reason:${meta.findingId}:${user}:${view.id}`,
            why: checked.why,
          },
          { ...deps, log },
        );
      } catch (err) {
        await deps.reportError(err, { channel: meta.channel, user, threadTs: meta.ts });
      }
    });
  });
}
