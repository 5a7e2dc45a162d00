/** The small modals of the approval flow: a reason for a rejection, and typing a sensitive account's id. */
import type { ModalView } from '@slack/types';
import {
  CONFIRM_ACCOUNT_BLOCK,
  CONFIRM_ACCOUNT_INPUT,
  CONFIRM_ACCOUNT_VIEW,
  REJECT_REASON_BLOCK,
  REJECT_REASON_INPUT,
  REJECT_REASON_MAX,
  REJECT_REASON_VIEW,
  encodeApprovalValue,
  encodeConfirmMeta,
  type ApprovalButtonValue,
  type ConfirmAccountMeta,
} from '../ids';
import { code, escapeMrkdwn } from '../text';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** Asks a rejecting approver why (the reason goes to the requester, the thread and the decision log). */
export function rejectReasonModal(value: ApprovalButtonValue): ModalView {
  return {
    type: 'modal',
    callback_id: REJECT_REASON_VIEW,
    private_metadata: encodeApprovalValue(value),
    title: plain('Reject request'),
    submit: plain('Reject'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: REJECT_REASON_BLOCK,
        label: plain('Why reject it?'),
        element: {
          type: 'plain_text_input',
          action_id: REJECT_REASON_INPUT,
          multiline: true,
          min_length: 3,
          max_length: REJECT_REASON_MAX,
          placeholder: plain('The requester and the thread will see this.'),
        },
      },
    ],
  };
}

/** Makes the requester type the account id before acting on a SENSITIVE_ACCOUNTS account. */
export function confirmAccountModal(meta: ConfirmAccountMeta, label: string): ModalView {
  const { accountId } = meta;
  return {
    type: 'modal',
    callback_id: CONFIRM_ACCOUNT_VIEW,
    private_metadata: encodeConfirmMeta(meta),
    title: plain('Sensitive account'),
    submit: plain(`Request ${label}`.slice(0, 24)),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Account ${code(accountId)} is marked sensitive. To request *${escapeMrkdwn(label)}*, type its 12-digit account id.`,
        },
      },
      {
        type: 'input',
        block_id: CONFIRM_ACCOUNT_BLOCK,
        label: plain('Account id'),
        element: {
          type: 'plain_text_input',
          action_id: CONFIRM_ACCOUNT_INPUT,
          min_length: 12,
          max_length: 20,
          placeholder: plain('123456789012'),
        },
      },
    ],
  };
}
