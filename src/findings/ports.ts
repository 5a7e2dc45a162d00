/**
 * The ports the findings domain talks through. Implementations live at the edges:
 * src/store (DynamoDB via dynamoose), src/slack (Web API), src/aws (Access Analyzer).
 */
import type { Finding, FindingSnapshot, FindingStatus } from './finding';

export interface SlackRef {
  channel: string;
  ts: string;
}

/** A remediation in flight on a finding (claimed with a conditional write, expires if the bot dies). */
export interface PendingAction {
  action: string;
  requestId: string;
  by: string;
  until: number;
  /**
   * An archive ("Archive with reason…") about to be made by this claim: its reason and review date, stored
   * before UpdateFindings so that Access Analyzer's ARCHIVED event records them even if the bot's own write
   * after the call never happens (crash, DynamoDB error). See FindingStore.apply.
   */
  archive?: PendingArchive;
}

/** The reason and optional review date (ISO) an archive in flight will record. */
export interface PendingArchive {
  reason: string;
  reviewAt?: string;
}

/** The explicit Deny the bot added to the resource policy for a finding (kept until it is undone). */
export interface DenyRecord {
  /** The approval request that added it. */
  requestId: string;
  /** Statement id in the resource policy: Undo removes exactly this statement. */
  sid: string;
  /** The policy it is in (role ARN for a trust policy). */
  resourceArn: string;
  requestedBy: string;
  approvedBy: string[];
  at: string;
}

/** Who archived the finding through the bot, and (with "Archive with reason…") why and until when. */
export interface ArchiveInfo {
  /** Slack user id. */
  by: string;
  /** ISO time of the archive. */
  at: string;
  /** The justification typed in the "Archive with reason…" modal (trimmed, 10–2,000 characters). */
  reason?: string;
  /** ISO time the finding is reopened (09:00 UTC of the chosen date); present only while that review is pending. */
  reviewAt?: string;
}

export interface FindingRecord {
  finding: Finding;
  updatedAtMs: number;
  /** Stored but deliberately not posted (first start without BACKFILL). */
  suppressed: boolean;
  slack?: SlackRef;
  /** What the Slack message currently shows (to decide whether to update it and what to say). */
  renderedKey?: string;
  renderedSnapshot?: FindingSnapshot;
  /** Sync lease: whoever holds it talks to Slack for this finding. */
  leaseToken?: string;
  leaseUntil?: number;
  /** How many times a sync lease was taken; >1 with no message means an earlier post may have happened. */
  syncAttempts: number;
  /** Set while the Slack message owes work (kept in a sparse index, so it survives a crash): when it became owed. */
  syncDueAt?: number;
  /** Shown by this digest message (a burst) instead of a card of its own (see ./digests). */
  digestId?: string;
  /** The digest was expanded: the card is posted in the digest's thread (this ts). */
  digestThreadTs?: string;
  archived?: ArchiveInfo;
  /** Failed attempts at the pending archive review (see deferReview). */
  reviewAttempts?: number;
  pending?: PendingAction;
  denied?: DenyRecord;
}

export type ApplyOutcome = 'created' | 'updated' | 'stale';

export interface ApplyOptions {
  suppressed: boolean;
  /** The caller read the record just before (it exists): go straight to the conditional update. */
  exists?: boolean;
  /**
   * Take the sync lease in the same write (saving the lease's own write), when the lease is free: the caller
   * then passes `token` to the sync. `leased` in the result says whether it was taken.
   */
  lease?: { token: string; now: number; until: number };
  /** Set by `apply` when it took `lease`. */
  leased?: boolean;
}

/**
 * A review that is due: the finding and its due key (epoch ms): the review date, or after failed attempts the
 * retry time (the review date as chosen is then the claimed record's `archived.reviewAt`).
 */
export interface DueReview {
  findingId: string;
  reviewAtMs: number;
}

/**
 * Archives with a review date ("Archive with reason…"): found cheaply when due, and reopened once across
 * replicas and restarts through a claim with a lease (like the sync lease). An event that moves the finding out
 * of ARCHIVED before the review date drops the review (see `apply`).
 */
export interface ArchiveReviewStore {
  /** Pending reviews whose time is at or before `now`, earliest first, at most `limit`. */
  dueReviews(now: number, limit: number): Promise<DueReview[]>;
  /**
   * Takes the review scheduled for `reviewAtMs` if it is still pending and nobody holds a live claim on it.
   * @returns the record as of the claim, or undefined (someone else has it, or it is no longer pending).
   */
  claimReview(
    id: string,
    reviewAtMs: number,
    token: string,
    now: number,
    until: number,
  ): Promise<FindingRecord | undefined>;
  /** Access Analyzer reopened it: the stored status becomes ACTIVE (if still ARCHIVED) while the claim is ours. */
  markReopened(id: string, token: string): Promise<void>;
  /** The review is done (or moot): the archive details, the review and the claim are cleared. False if the claim was lost. */
  finishReview(id: string, token: string): Promise<boolean>;
  /** Gives the claim back after a failure, so the next run retries at once. */
  releaseReview(id: string, token: string): Promise<void>;
  /**
   * Gives the claim back after a failed attempt and moves the review's due time to `retryAt` (the review date
   * as chosen is kept for the record, the card and the client token), counting the attempt; later reviews are
   * due before it meanwhile. Only while `token` holds the claim. `keepClaim`: the claim is kept until `retryAt`
   * (the finding was already reopened in Access Analyzer, so its ACTIVE event must not drop the review).
   */
  deferReview(id: string, token: string, retryAt: number, options?: { keepClaim?: boolean }): Promise<void>;
}

export interface FindingStore extends ArchiveReviewStore {
  get(id: string): Promise<FindingRecord | undefined>;
  getMany(ids: string[]): Promise<Map<string, FindingRecord>>;
  /**
   * Stores the finding if new or newer (by updatedAt) than what is stored; never overwrites newer state.
   * An ARCHIVED state arriving while an archive claim with a reason is pending (`PendingAction.archive`)
   * records that archive (who, reason, review date) and drops the claim: the bot's own write after
   * UpdateFindings may never have happened.
   */
  apply(finding: Finding, options: ApplyOptions): Promise<ApplyOutcome>;
  /** Takes the sync lease if free or expired; returns the record as of the lease, or undefined if busy. */
  acquireLease(id: string, token: string, now: number, until: number): Promise<FindingRecord | undefined>;
  /**
   * Records what was rendered and releases the lease (only if still ours). Without `slack`: the finding's
   * digest showed it (no card of its own).
   */
  completeSync(
    id: string,
    token: string,
    rendered: { slack?: SlackRef; key: string; snapshot: FindingSnapshot },
  ): Promise<void>;
  /**
   * The finding joins digest `digestId` instead of getting a card: only if it has no message, is in no digest
   * and no sync holds it. Its "owes Slack work" mark is dropped (the digest shows `renderedKey`). False if not.
   */
  joinDigest(id: string, digestId: string, renderedKey: string, now: number): Promise<boolean>;
  /** The digest was expanded: the finding (still in it, with no card) owes a card in thread `threadTs`. */
  expandFromDigest(id: string, digestId: string, threadTs: string, now: number): Promise<boolean>;
  releaseLease(id: string, token: string, options?: { done?: boolean }): Promise<void>;
  /** Findings whose Slack message owes work, oldest change first (the sparse sync index). */
  listSyncDue(limit: number): Promise<string[]>;
  /** Drops the "owes Slack work" mark, unless a newer change set it again since `observedDueAt`. */
  clearSyncDue(id: string, observedDueAt: number): Promise<void>;
  /**
   * Claims a one-at-a-time action on the finding (by default only when it is ACTIVE); throws
   * AlreadyDecidedError if another action holds a live claim or the status is not one of `statuses`.
   */
  beginAction(
    id: string,
    pending: PendingAction,
    now: number,
    options?: { statuses?: readonly FindingStatus[] },
  ): Promise<void>;
  /**
   * A remediation ran: records the Deny the bot added (or, with null, that it was removed) and drops the
   * claim of `requestId` if it still holds it. The finding's status is left to Access Analyzer's events.
   */
  finishRemediation(id: string, requestId: string, change: { denied: DenyRecord | null }): Promise<void>;
  /** The action succeeded: status set locally (AA's own event confirms later), pending cleared. */
  completeAction(
    id: string,
    requestId: string,
    result: { status: FindingStatus; archived?: ArchiveInfo },
  ): Promise<void>;
  /**
   * Adds the archive's reason and review date to the claim `requestId` holds (an archive after approval,
   * whose claim was taken when it was requested), before UpdateFindings. A no-op if the claim is not its.
   */
  notePendingArchive(id: string, requestId: string, archive: PendingArchive): Promise<void>;
  /** The action failed: pending cleared, state unchanged. */
  abortAction(id: string, requestId: string): Promise<void>;
}

export type DecisionPhase =
  | 'requested'
  | 'vote'
  | 'stage-approved'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'reminded'
  | 'escalated'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'verified'
  | 'not-verified'
  /** An archive's review date came and the bot set the finding ACTIVE again ("Archive with reason…"). */
  | 'reopened';

export interface Decision {
  requestId: string;
  findingId: string;
  action: string;
  actor: string;
  phase: DecisionPhase;
  /** Tells entries of one phase apart (the voter of a `vote`, the stage of a `reminded`). */
  seq?: string;
  at: string;
  input?: unknown;
  result?: unknown;
  error?: string;
}

export interface DecisionLog {
  /** Appends once; a repeat of the same (requestId, phase) is ignored. */
  append(decision: Decision): Promise<void>;
  forFinding(findingId: string): Promise<Decision[]>;
}

export interface AnalyzerRegistry {
  /** Analyzers known to the bot (configured or seen in events), with whether their baseline is taken. */
  list(): Promise<{ arn: string; seenAt: string; baselineAt?: string }[]>;
  /** Records an analyzer as seen; returns true if it was new. */
  remember(arn: string): Promise<boolean>;
  markBaseline(arn: string, at: string): Promise<void>;
}

export interface UnhandledEventStore {
  put(event: {
    eventId: string;
    detailType: string;
    source: string;
    body: unknown;
    receivedAt: string;
  }): Promise<void>;
}

/** A finding as listed by ListFindingsV2 (summary only). */
export interface FindingSummary {
  id: string;
  status: FindingStatus;
  createdAt: string;
  updatedAt: string;
}

export interface FindingsSource {
  /** Every finding of the analyzer, all pages. */
  list(analyzerArn: string): AsyncIterable<FindingSummary>;
  /** The whole finding (GetFindingV2), including what events do not carry (sources, unused details). */
  get(analyzerArn: string, id: string): Promise<Finding>;
  setStatus(
    analyzerArn: string,
    ids: string[],
    status: 'ACTIVE' | 'ARCHIVED',
    clientToken: string,
  ): Promise<void>;
}

/** The finding card as the messenger renders it. */
export interface CardView {
  record: FindingRecord;
}

export interface FindingMessenger {
  post(view: CardView): Promise<SlackRef>;
  update(ref: SlackRef, view: CardView): Promise<void>;
  /** `broadcast`: also sent to the channel (reply_broadcast), still in the finding's thread. */
  threadReply(ref: SlackRef, text: string, options?: { broadcast?: boolean }): Promise<void>;
  /**
   * Looks for a message already posted for this finding (after a crash between post and store): in the channel,
   * or with `threadTs` among that thread's replies (a card posted in an expanded digest's thread).
   */
  findPosted(findingId: string, threadTs?: string): Promise<SlackRef | undefined>;
  ephemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
