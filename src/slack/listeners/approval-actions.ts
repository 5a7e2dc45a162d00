/**
 * Approve and Reject on approval request messages. Approve: ack, then the vote. Reject: ack and open a modal
 * for the reason at once (the trigger_id lasts 3 s); its submission is acked, then the vote is recorded.
 * Refusals (own request, not an approver, already voted, closed, expired) reach the voter privately.
 */
import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Workflow } from '../../approvals/workflow';
import type { ApprovalStore } from '../../approvals/store-port';
import { rejectReasonModal } from '../blocks/modals';
import type { ErrorReporter } from '../error-handler';
import {
  APPROVE_ACTION,
  REJECT_ACTION,
  REJECT_REASON_BLOCK,
  REJECT_REASON_INPUT,
  REJECT_REASON_MAX,
  REJECT_REASON_VIEW,
  decodeApprovalValue,
} from '../ids';
import type { AfterAck } from './finding-actions';

export interface ApprovalListenerDeps {
  workflow: Workflow;
  approvals: ApprovalStore;
  reportError: ErrorReporter;
}

export function registerApprovalActions(app: App, deps: ApprovalListenerDeps, afterAck: AfterAck): void {
  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION, async ({ ack, body, action }) => {
    await ack();
    await afterAck(async () => {
      const { requestId, stage } = decodeApprovalValue(action.value);
      await deps.workflow.vote({ requestId, stage, by: body.user.id, verdict: 'approve' });
    });
  });

  app.action<BlockAction<ButtonAction>>(REJECT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const value = decodeApprovalValue(action.value);
    await client.views.open({ trigger_id: body.trigger_id, view: rejectReasonModal(value) });
  });

  app.view<ViewSubmitAction>(REJECT_REASON_VIEW, async ({ ack, body, view }) => {
    const reason = view.state.values[REJECT_REASON_BLOCK]?.[REJECT_REASON_INPUT]?.value?.trim() ?? '';
    if (reason.length < 3 || reason.length > REJECT_REASON_MAX) {
      await ack({
        response_action: 'errors',
        errors: {
          [REJECT_REASON_BLOCK]:
            reason.length < 3
              ? 'Please say why you reject it.'
              : `Please keep the reason to ${REJECT_REASON_MAX} characters (it has ${reason.length}).`,
        },
      });
      return;
    }
    await ack();
    const user = body.user.id;
    await afterAck(async () => {
      let requestId: string | undefined;
      try {
        const value = decodeApprovalValue(view.private_metadata);
        requestId = value.requestId;
        await deps.workflow.vote({ ...value, by: user, verdict: 'reject', reason });
      } catch (err) {
        // A modal has no channel: tell the voter where the request is, when it is known.
        const message = requestId
          ? (await deps.approvals.get(requestId).catch(() => undefined))?.message
          : undefined;
        await deps.reportError(
          err,
          message ? { user, channel: message.channel, threadTs: message.ts } : { user },
        );
      }
    });
  });
}
