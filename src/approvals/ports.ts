/**
 * What the approval workflow needs from the outside besides the store: a way to show requests in Slack,
 * user-group membership, and the remedies it runs once a request is approved.
 */
import type { Finding, FindingStatus } from '../findings/finding';
import type { DenyRecord, FindingRecord, SlackRef } from '../findings/ports';
import type { ChainOptions } from './policy';
import type { StoredApproval } from './store-port';
import type { ApprovalAction, GroupsOf } from './types';

/** The request as its Slack message renders it. */
export interface ApprovalView {
  approval: StoredApproval;
  /** The finding the request acts on; absent for a request about something else (a generated policy). */
  finding?: Finding;
  /** "Deny", "Undo deny". */
  label: string;
  /** What happened once it ran (or why it failed), shown under the request. */
  outcome?: string;
}

/** The Slack side of approvals: one message per request, in the finding's thread, edited as it moves. */
export interface ApprovalNotifier {
  /**
   * Posts the request (with Approve / Reject while PENDING) in the thread of `threadRef` (the finding's message,
   * or the subject's), else in the findings channel.
   */
  post(threadRef: SlackRef | undefined, view: ApprovalView): Promise<SlackRef>;
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

/** What the requester filled in (e.g. the archive rule's criteria from its modal); validated by `check`. */
export type RemedyParams = Record<string, unknown>;

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
  /**
   * Whether a request holds the finding's claim (one open request per finding) while it is open. Default true.
   * False for requests about more than this one finding (archive rules), which may run beside a Deny.
   */
  claimsFinding?: boolean;
  /** Throws an AppError (shown to the requester) when the remedy does not apply to this finding or params. */
  check(record: FindingRecord, params?: RemedyParams): void;
  plan(record: FindingRecord, params?: RemedyParams): Promise<Record<string, unknown>>;
  /** Extra approval stages the plan calls for (a broad archive rule needs one more stage). */
  chainOptions?(plan: Record<string, unknown>): ChainOptions;
  apply(record: FindingRecord, request: RemedyRequest): Promise<RemedyResult>;
}

/** The approved request as a remedy's `apply` gets it. */
export interface RemedyRequest {
  id: string;
  requester: string;
  approvers: string[];
  plan?: Record<string, unknown>;
}

/**
 * A remediation about something other than a finding (attaching a generated policy): the same life as a
 * Remedy (check → plan → approvals → apply exactly once), without a finding record or claim. The request
 * carries an ApprovalSubject (where its messages go, its decision-log key).
 */
export interface SubjectRemedy {
  action: ApprovalAction;
  label: string;
  subject: true;
  check(params?: RemedyParams): void;
  plan(params?: RemedyParams): Promise<Record<string, unknown>>;
  chainOptions?(plan: Record<string, unknown>): ChainOptions;
  apply(request: RemedyRequest): Promise<RemedyResult>;
}

export type AnyRemedy = Remedy | SubjectRemedy;

export const isSubjectRemedy = (remedy: AnyRemedy): remedy is SubjectRemedy =>
  (remedy as SubjectRemedy).subject === true;
