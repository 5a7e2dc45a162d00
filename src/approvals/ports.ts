/**
 * What the approval workflow needs from the outside besides the store: a way to show requests in Slack,
 * user-group membership, and the remedies it runs once a request is approved.
 */
import type { Finding, FindingStatus } from '../findings/finding';
import type { DenyRecord, FindingRecord, SlackRef } from '../findings/ports';
import type { StoredApproval } from './store-port';
import type { ApprovalAction, GroupsOf } from './types';

/** The request as its Slack message renders it. */
export interface ApprovalView {
  approval: StoredApproval;
  finding: Finding;
  /** "Deny", "Undo deny". */
  label: string;
  /** What happened once it ran (or why it failed), shown under the request. */
  outcome?: string;
}

/** The Slack side of approvals: one message per request, in the finding's thread, edited as it moves. */
export interface ApprovalNotifier {
  /** Posts the request (with Approve / Reject while PENDING); in the finding's thread when it has a message. */
  post(findingRef: SlackRef | undefined, view: ApprovalView): Promise<SlackRef>;
  update(ref: SlackRef, view: ApprovalView): Promise<void>;
}

/** Members of the user groups among `ids` (Slack usergroups.users.list). */
export type GroupResolver = (ids: readonly string[]) => Promise<GroupsOf>;

/** What running a remedy changed, for the log, the thread and the finding record. */
export interface RemedyResult {
  /** Short mrkdwn text for the thread ("Deny added to the trust policy of …"). */
  summary: string;
  /** Before/after/diff etc., stored in the decision log. */
  details: Record<string, unknown>;
  /** The Deny now in place (deny), null when removed (undo), undefined when the remedy does not track one. */
  denied?: DenyRecord | null;
  /** Access Analyzer should report the finding RESOLVED once it re-analysed: checked after VERIFY_AFTER. */
  expectResolved?: boolean;
}

/**
 * One remediation the workflow can run after approval. `plan` runs before the request is stored (its result
 * is what approvers see); `apply` runs exactly once per approved request and must be idempotent with respect
 * to the resource (a retry after a crash finds the change already made and does nothing).
 */
export interface Remedy {
  action: ApprovalAction;
  label: string;
  /** Statuses the finding may be in for the request to start. */
  statuses: readonly FindingStatus[];
  /** Throws an AppError (shown to the requester) when the remedy does not apply to this finding. */
  check(record: FindingRecord): void;
  plan(record: FindingRecord): Promise<Record<string, unknown>>;
  apply(
    record: FindingRecord,
    request: { id: string; requester: string; approvers: string[]; plan?: Record<string, unknown> },
  ): Promise<RemedyResult>;
}
