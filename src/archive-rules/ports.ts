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
 * in the API). Idempotent: `create` of a rule that exists with the same filter succeeds (a retried execution);
 * with another filter it throws. `delete` of a rule that is gone succeeds.
 */
export interface ArchiveRuleGateway {
  create(analyzerName: string, ruleName: string, filter: RuleFilter, clientToken: string): Promise<void>;
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
  /** Marks the rule deleted (idempotent for the same delete request). */
  recordDeleted(
    analyzerArn: string,
    ruleName: string,
    by: { deletedBy: string; deleteRequestId: string; at: string },
  ): Promise<void>;
  get(analyzerArn: string, ruleName: string): Promise<StoredArchiveRule | undefined>;
  /** Rules not deleted, oldest first. */
  listLive(): Promise<StoredArchiveRule[]>;
}
