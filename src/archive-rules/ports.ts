/**
 * What archive rules need from the outside: Access Analyzer's archive-rule API (src/aws/archive-rules.ts) and
 * the record of the rules the bot created (src/store/archive-rule-store.ts). Errors come back as AppErrors.
 */
import type { RuleFilter } from './criteria';

/** An archive rule as Access Analyzer lists it. */
export interface ArchiveRuleSummary {
  ruleName: string;
  filter: RuleFilter;
}

/** How many existing findings a filter matches: ACTIVE ones, and how many of those are public. */
export interface MatchCount {
  active: number;
  public: number;
  /** The count stopped at the cap; there may be more. */
  capped: boolean;
}

/**
 * Access Analyzer archive rules. Rules are created and deleted by analyzer NAME, applied by analyzer ARN (as
 * in the API). `create` of a name that is taken throws, unless `adoptIdentical` is set (the caller knows a
 * previous attempt of the same execution may have made it) and the rule there has the same filter. `delete`
 * of a rule that is gone succeeds.
 */
export interface ArchiveRuleGateway {
  create(
    analyzerName: string,
    ruleName: string,
    filter: RuleFilter,
    clientToken: string,
    options: { adoptIdentical: boolean },
  ): Promise<void>;
  /** The rule of that name, or undefined when the analyzer has none (GetArchiveRule). */
  get(analyzerName: string, ruleName: string): Promise<ArchiveRuleSummary | undefined>;
  /** Archives the existing ACTIVE findings the rule matches (ApplyArchiveRule). */
  apply(analyzerArn: string, ruleName: string, clientToken: string): Promise<void>;
  delete(analyzerName: string, ruleName: string, clientToken: string): Promise<void>;
  list(analyzerName: string): Promise<ArchiveRuleSummary[]>;
  /** Counts the ACTIVE findings the filter matches now (ListFindingsV2, all pages, up to a cap). */
  countMatches(analyzerArn: string, filter: RuleFilter): Promise<MatchCount>;
}

/** A rule the bot created through an approval request: the audit record behind `/iam-findings rules`. */
export interface StoredArchiveRule {
  analyzerArn: string;
  ruleName: string;
  filter: RuleFilter;
  /** Slack user who asked for it. */
  createdBy: string;
  approvedBy: string[];
  /** The approval request that created it. */
  requestId: string;
  /** The finding it was created from: delete requests go to that finding's thread. */
  findingId: string;
  createdAt: string;
  deletedAt?: string;
  deletedBy?: string;
  /** The approval request that deleted it. */
  deleteRequestId?: string;
}

export interface ArchiveRuleStore {
  /**
   * Records a created rule. Safe to repeat for the same request; replaces the record of a deleted rule of the
   * same name. Throws AlreadyDecidedError when a live rule of that name, created by another request, is stored.
   */
  recordCreated(rule: Omit<StoredArchiveRule, 'deletedAt' | 'deletedBy' | 'deleteRequestId'>): Promise<void>;
  /**
   * Before CreateArchiveRule: marks that request `requestId` is about to create the rule, so a retry of the same
   * execution (after a crash between CreateArchiveRule and recordCreated) can tell the rule it finds in Access
   * Analyzer is its own. Returns `resumed: true` when the marker (or the live record) of this request was
   * already there, i.e. a previous attempt got this far. Throws AlreadyDecidedError when a live rule of another
   * request holds the name, or another request's marker younger than PENDING_STALE_MS does.
   */
  markPending(
    analyzerArn: string,
    ruleName: string,
    requestId: string,
    now: number,
  ): Promise<{ resumed: boolean }>;
  /** Drops this request's marker (CreateArchiveRule failed); nothing when another request's marker is there. */
  clearPending(analyzerArn: string, ruleName: string, requestId: string): Promise<void>;
  /** Marks the rule deleted (idempotent for the same delete request). */
  recordDeleted(
    analyzerArn: string,
    ruleName: string,
    by: { deletedBy: string; deleteRequestId: string; at: string },
  ): Promise<void>;
  /** The recorded rule (live or deleted); a bare pending marker is not a record. */
  get(analyzerArn: string, ruleName: string): Promise<StoredArchiveRule | undefined>;
  /** Rules not deleted, oldest first. */
  listLive(): Promise<StoredArchiveRule[]>;
}
