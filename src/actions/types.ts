/**
 * A finding action is one file plus one registry line (src/actions/index.ts). The buttons on the finding
 * card, the Slack routing, the IAM permissions the bot needs and the docs all derive from the registry.
 */
import type { ModalView as View } from '../slack/blocks/modal-view';
import type { Logger } from 'pino';
import type { Workflow } from '../approvals/workflow';
import type { ApprovalAction, ApprovalPolicy } from '../approvals/types';
import type { Clock, DecisionLog, FindingRecord, FindingStore, FindingsSource } from '../findings/ports';
import type { FindingSync } from '../findings/sync';

export interface ActionDeps {
  store: FindingStore;
  source: FindingsSource;
  decisions: DecisionLog;
  sync: FindingSync;
  clock: Clock;
  log: Logger;
  workflow: Workflow;
  policy: ApprovalPolicy;
}

export interface ActionRequest {
  /** Slack user id of whoever clicked. */
  actor: string;
  /** Unique per click: idempotency key for the AWS call and key of the decision-log entries. */
  requestId: string;
  record: FindingRecord;
  /** Stable for one Slack click (redeliveries of it share it): the approval request's idempotency key. */
  clickKey: string;
}

export interface ActionResult {
  /** Shown privately to whoever clicked, when there is something to say beyond the updated message. */
  note?: string;
}

export interface FindingAction {
  id: string;
  /** Button text (≤ 75 chars). */
  label: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
  /** IAM actions the bot's role needs for this action (infra derives the task role from these). */
  permissions: string[];
  /** Whether the button is shown for this finding. */
  appliesTo(record: FindingRecord): boolean;
  /**
   * The approval chain the action goes through. Its requester must be allowed by REQUESTERS, and on a
   * SENSITIVE_ACCOUNTS account must type the account id before the action is requested.
   */
  approval?: ApprovalAction;
  /**
   * Actions that ask for input first: the click opens this modal at once (Slack's trigger_id lasts 3 s, so
   * only the stored record is read, never AWS), and the action's own view listener handles the submission.
   * `policy` tells whether the action will need approval and whether the account must be typed (sensitive).
   */
  modal?(record: FindingRecord, origin: ClickOrigin, policy: ApprovalPolicy): View;
  /** What a click does (after the ack, with bounded concurrency). Actions with a `modal` have none. */
  execute?(request: ActionRequest, deps: ActionDeps): Promise<ActionResult>;
}

/** Where a click came from: carried in a modal's private_metadata so its submission can answer there. */
export interface ClickOrigin {
  user: string;
  channel: string;
  /** The finding message's ts. */
  ts: string;
}
