/**
 * Approval chains: the policy (who may request and who must approve each action) and the state of one
 * approval request. Everything here is plain data, so the pure decision functions in ./policy can be tested
 * table-style and the store can persist a request as it is. Times are epoch milliseconds, like `Clock.now()`.
 */

/** The actions an approval policy governs (the `actions:` keys of the policy file). */
export const APPROVAL_ACTIONS = ['deny', 'undo', 'archive-rule', 'archive', 'attach-policy'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

/**
 * A Slack user id (`U…`/`W…`) or user-group id (`S…`). Wherever a policy lists people, a user group stands
 * for its members, looked up at decision time (see {@link GroupsOf}).
 */
export type PrincipalId = string;

/** One stage of a chain: `required` different people among `approvers` must approve before the next opens. */
export interface ApprovalStage {
  /** Shown to people ("Waiting for security on-call"). */
  name: string;
  approvers: readonly PrincipalId[];
  /** How many different approvers must approve; at least 1. */
  required: number;
  /**
   * Told when the stage is still undecided after `remindAfterMs`; from then on they may also vote in the
   * stage (the head of security can unblock a request the on-call rota forgot).
   */
  escalateTo?: readonly PrincipalId[];
}

/** The ordered stages an action needs; no stages means the action runs without approval. */
export interface ApprovalChain {
  stages: readonly ApprovalStage[];
}

/**
 * Where the chains came from. `unconfigured`: neither APPROVERS nor APPROVAL_POLICY_FILE is set, so every
 * action that needs approval has a stage with no approvers and requests for it are refused (never
 * auto-approved); actions with an empty chain (archive) still run.
 */
export type PolicySource = 'env' | 'file' | 'unconfigured';

/** The approval policy, validated once at start-up (see loadApprovalPolicy) and frozen. */
export interface ApprovalPolicy {
  source: PolicySource;
  chains: Readonly<Record<ApprovalAction, ApprovalChain>>;
  /** The stage appended for an archive rule with no principal or account criterion (a broad rule). */
  broadRuleStage: ApprovalStage;
  /** Who may request actions at all; undefined means anyone in the channel. */
  requesters?: readonly PrincipalId[];
  /** A request expires this long after it was made (APPROVAL_TTL, default 24 h). */
  ttlMs: number;
  /** A stage still undecided this long after it opened reminds (and escalates) once. Default 2 h. */
  remindAfterMs: number;
  /** 12-digit account ids whose actions the requester must confirm by typing the id. */
  sensitiveAccounts: readonly string[];
  /** Settings that were set but had no effect (e.g. APPROVERS next to a policy file); log them at start. */
  warnings: readonly string[];
}

/**
 * User-group membership, passed in as data: group id (`S…`) → member user ids, as Slack's
 * `usergroups.users.list` returns them. A group with no entry has no members, so it grants nothing.
 * Pass every group the policy names.
 */
export type GroupsOf = ReadonlyMap<PrincipalId, readonly string[]>;

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'EXECUTED' | 'FAILED';

/** A vote as stored on a request. */
export interface RecordedVote {
  /** Slack user id of the voter. */
  by: string;
  verdict: 'approve' | 'reject';
  /** Required for a reject, optional for an approve. */
  reason?: string;
  at: number;
}

/** Progress of one stage, created when the stage opens. */
export interface StageState {
  openedAt: number;
  votes: readonly RecordedVote[];
  /** Set once the reminder for this stage was sent, so it is not sent twice (also across restarts). */
  remindedAt?: number;
  /** Set once the stage was escalated; escalate_to people may vote from then on. */
  escalatedAt?: number;
}

/**
 * What a request without a finding is about: `key` names it in the decision log (e.g.
 * `policy-generation:<job id>`) and `thread` is the Slack message whose thread shows the request and its notes.
 */
export interface ApprovalSubject {
  key: string;
  thread?: { channel: string; ts: string };
}

/** One approval request, as the store keeps it. */
export interface ApprovalRequest {
  id: string;
  action: ApprovalAction;
  /** Slack user id of whoever clicked the action. */
  requester: string;
  createdAt: number;
  expiresAt: number;
  status: ApprovalStatus;
  /**
   * The chain as it was when the request was made. Votes are judged against this snapshot, so a config
   * change or a restart mid-request cannot shift stages under it, and the audit log shows what was required.
   */
  chain: readonly ApprovalStage[];
  /** Index into `chain` of the stage now open. */
  stageIndex: number;
  /** One entry per stage opened so far (`stages[stageIndex]` is the open one). */
  stages: readonly StageState[];
  /** The finding the request acts on (absent for requests about something else, see `subject`). */
  findingId?: string;
  /** A request about something other than a finding (a generated policy to attach): see ApprovalSubject. */
  subject?: ApprovalSubject;
  /** What will be done, as the approvers were shown it (action-specific JSON, see src/remediation/plan.ts). */
  plan?: Record<string, unknown>;
}

/** A click on Approve or Reject, as the Slack edge parsed it. */
export interface Vote {
  by: string;
  verdict: 'approve' | 'reject';
  reason?: string;
  /** The stage the button was rendered for; a stale button (an earlier stage) is refused. */
  stage: number;
}

export type RefusalCode =
  | 'self-approval'
  | 'not-an-approver'
  | 'already-voted'
  | 'closed'
  | 'expired'
  | 'wrong-stage'
  | 'reason-required';

/** What a vote does. Refusals change nothing; their `message` is shown privately to the voter. */
export type Decision =
  | { kind: 'recorded'; stageComplete: false; vote: RecordedVote; remaining: number }
  | { kind: 'stage-approved'; nextStage: number; vote: RecordedVote; mention: readonly PrincipalId[] }
  | { kind: 'approved'; vote: RecordedVote }
  | { kind: 'rejected'; reason: string; vote: RecordedVote }
  | { kind: 'refused'; code: RefusalCode; message: string };

/** Time-based work due on a request; the caller records `remindedAt`/`escalatedAt` after doing it. */
export type DueAction =
  | { kind: 'expire' }
  | { kind: 'remind'; stage: number; mention: readonly PrincipalId[] }
  | { kind: 'escalate'; stage: number; to: readonly PrincipalId[] };

export type RequestCheck =
  { kind: 'allowed'; chain: readonly ApprovalStage[] } | { kind: 'refused'; reason: string };
