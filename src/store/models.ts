/**
 * dynamoose models: one table each. Names are `${TABLE_PREFIX}<name>`. Tables are created at start-up when
 * absent (CREATE_TABLES, the default) or owned by infra/ in production (CREATE_TABLES=false).
 * Nested documents are stored as JSON strings: they are read whole, never queried inside.
 */
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import dynamoose from 'dynamoose';
import type { Item } from 'dynamoose/dist/Item';
import { TableUpdateOptions } from 'dynamoose/dist/Table';

export interface FindingItem extends Item {
  id: string;
  analyzerArn: string;
  status: string;
  updatedAtMs: number;
  finding: string;
  suppressed?: boolean;
  slackChannel?: string;
  slackTs?: string;
  renderedKey?: string;
  renderedSnapshot?: string;
  leaseToken?: string;
  leaseUntil?: number;
  syncAttempts?: number;
  archivedBy?: string;
  archivedAt?: string;
  pendingAction?: string;
  pendingRequestId?: string;
  pendingBy?: string;
  pendingUntil?: number;
  /**
   * "Archive with reason…": the reason and review date of the archive the pending claim is about to make (JSON
   * of PendingArchive), so Access Analyzer's ARCHIVED event can record them if the bot's own write never lands.
   */
  pendingArchive?: string;
  /** The Deny the bot added for this finding (JSON of DenyRecord), until it is undone. */
  denied?: string;
  /** "Archive with reason…": the justification, kept while the finding stays archived. */
  archivedReason?: string;
  /** Set (to REVIEW_PENDING) only while an archive review is pending: the hash key of the sparse review index. */
  reviewQueue?: string;
  /** When the pending review reopens the finding (epoch ms): the range key of the review index. */
  reviewDueAt?: number;
  /** The claim of whoever is reopening it now, and until when that claim holds. */
  reviewClaim?: string;
  reviewClaimUntil?: number;
  /** The review date as chosen (epoch ms), once a failed attempt moved `reviewDueAt` to its retry time. */
  reviewScheduledAt?: number;
  /** Failed attempts at the pending review (the retry backoff doubles with each). */
  reviewAttempts?: number;
  /** SYNC_DUE while the Slack message owes work: the hash key of the sparse sync index. */
  syncQueue?: string;
  /** The finding's updatedAtMs when that work became owed: the range key of the sync index. */
  syncDueAt?: number;
  /** Shown in this digest message (a burst) instead of a card of its own, until the digest is expanded. */
  digestId?: string;
  /** The digest was expanded: the card is posted in this thread (the digest message's ts). */
  digestThreadTs?: string;
}

/**
 * One digest message: findings of one group (account, resource type, principal) that arrived in a burst,
 * shown together. `findingIds` is JSON; a finding belongs to the digest while its own `digestId` names it.
 */
export interface DigestItem extends Item {
  id: string;
  groupKey: string;
  findingIds: string;
  createdAt: number;
  slackChannel?: string;
  slackTs?: string;
  /** Posts tried: more than one with no `slackTs` means an earlier attempt may have posted it. */
  postAttempts: number;
  /** Whoever is posting it holds the post until then (epoch ms): one poster at a time, across replicas. */
  postLeaseUntil?: number;
  /** DIGEST_POST_DUE until the message is posted: the hash key of the sparse post index. */
  postQueue?: string;
  expandedBy?: string;
  expandedAt?: number;
}

export interface DecisionItem extends Item {
  findingId: string;
  sk: string;
  requestId: string;
  action: string;
  actor: string;
  phase: string;
  at: string;
  input?: string;
  result?: string;
  error?: string;
}

export interface AnalyzerItem extends Item {
  arn: string;
  seenAt: string;
  baselineAt?: string;
}

export interface UnhandledEventItem extends Item {
  eventId: string;
  detailType: string;
  source: string;
  receivedAt: string;
  body: string;
  expiresAt: number;
}

/**
 * One approval request (`pk` = `request#<id>`) or one idempotency marker (`pk` = `key#<key>`, only `requestId`).
 * Markers have no `status`, so they stay out of the due index.
 */
export interface ApprovalItem extends Item {
  pk: string;
  requestId: string;
  request?: string;
  status?: string;
  version?: number;
  nextDueAt?: number;
  idempotencyKey?: string;
  executionToken?: string;
  executionLeaseUntil?: number;
  executedAt?: number;
  executionError?: string;
  slackChannel?: string;
  slackTs?: string;
}

/** The sparse GSI of findings by (reviewQueue, reviewDueAt): archives whose review date has come (keys only). */
export const FINDINGS_REVIEW_INDEX = 'reviewDueIndex';
/** Sparse index of findings whose Slack message owes work (new, changed, or not yet rendered). */
export const FINDINGS_SYNC_INDEX = 'syncDueIndex';
/** The one value of `syncQueue`. */
export const SYNC_DUE = 'due';
/** The one value of `reviewQueue`: every pending review sits in this partition of the review index. */
export const REVIEW_PENDING = 'pending';

/** Sparse index of digests not yet posted (postQueue, createdAt), keys only: posted after a crash. */
export const DIGESTS_POST_INDEX = 'postDueIndex';
export const DIGEST_POST_DUE = 'due';

/** The GSI of approvals by (status, nextDueAt): due reminders/expiries and approved actions to execute. */
export const APPROVALS_DUE_INDEX = 'statusDueIndex';

/**
 * One `/iam-generate` job (GenerationJobRecord, src/policy-generation/job.ts). Scalars are top-level attributes;
 * the principal, the result and the attachment are JSON; the message is `slackChannel` + `slackTs`.
 */
export interface GenerationItem extends Item {
  id: string;
  requester: string;
  /** JSON of JobPrincipal (kind, name, arn once known). */
  principal: string;
  days: number;
  startTime: string;
  endTime: string;
  status: string;
  createdAt: number;
  awsJobId?: string;
  slackChannel?: string;
  slackTs?: string;
  polls: number;
  /** When the job is looked at next (epoch ms): the range key of the poll index. */
  nextPollAt?: number;
  completedAt?: number;
  error?: string;
  canceledBy?: string;
  /** JSON of GenerationResult. */
  result?: string;
  /** JSON of JobAttachment. */
  attachment?: string;
  /** Incremented on every write: the optimistic-concurrency check of every update. */
  version: number;
  /**
   * Set (to GENERATION_OPEN) only while the job is open (STARTING or IN_PROGRESS), kept by the store from
   * `status`: the hash key of the sparse poll index, which holds the open jobs that have a `nextPollAt`.
   */
  pollQueue?: string;
}

/**
 * The sparse GSI of generation jobs by (pollQueue, nextPollAt), all attributes projected: the open jobs, for
 * `due` (nextPollAt <= now) and `openFor` (the whole partition: open jobs are few).
 */
export const GENERATIONS_POLL_INDEX = 'pollDueIndex';
/** The one value of `pollQueue`: every open generation job sits in this partition of the poll index. */
export const GENERATION_OPEN = 'open';

/**
 * An archive rule the bot created (`ruleKey` = `<analyzerArn>/archive-rule/<ruleName>`, the rule's ARN form).
 * The record of a deleted rule stays (with `deletedAt`) until a rule of the same name is created again.
 */
export interface ArchiveRuleItem extends Item {
  ruleKey: string;
  analyzerArn: string;
  ruleName: string;
  /** The filter as JSON. */
  filter: string;
  createdBy: string;
  /** Approvers' user ids as JSON. */
  approvedBy: string;
  requestId: string;
  findingId: string;
  createdAt: string;
  deletedAt?: string;
  deletedBy?: string;
  deleteRequestId?: string;
  /** A request about to call CreateArchiveRule for this name (see ArchiveRuleStore.markPending). */
  pendingRequestId?: string;
  pendingAt?: string;
}

export interface Models {
  findings: ReturnType<typeof dynamoose.model<FindingItem>>;
  decisions: ReturnType<typeof dynamoose.model<DecisionItem>>;
  analyzers: ReturnType<typeof dynamoose.model<AnalyzerItem>>;
  unhandledEvents: ReturnType<typeof dynamoose.model<UnhandledEventItem>>;
  approvals: ReturnType<typeof dynamoose.model<ApprovalItem>>;
  archiveRules: ReturnType<typeof dynamoose.model<ArchiveRuleItem>>;
  generations: ReturnType<typeof dynamoose.model<GenerationItem>>;
  digests: ReturnType<typeof dynamoose.model<DigestItem>>;
  /** Creates absent tables (when allowed) and waits for them; call once at start-up. */
  initialize(): Promise<void>;
  tableNames: string[];
}

const tableOptions = (create: boolean) => ({
  create,
  waitForActive: create ? { enabled: true, check: { timeout: 60_000, frequency: 500 } } : false,
  throughput: 'ON_DEMAND' as const,
  initialize: false,
  update: false,
});

/** Points dynamoose at this DynamoDB client (endpoint, region and credentials come from the SDK's own chain). */
export function useDynamoDb(client: DynamoDB): void {
  dynamoose.aws.ddb.set(client);
}

export function defineModels(prefix: string, createTables: boolean): Models {
  const opts = tableOptions(createTables);
  const findings = dynamoose.model<FindingItem>(
    `${prefix}findings`,
    new dynamoose.Schema(
      {
        id: { type: String, hashKey: true },
        analyzerArn: String,
        status: String,
        updatedAtMs: Number,
        finding: String,
        suppressed: Boolean,
        slackChannel: String,
        slackTs: String,
        renderedKey: String,
        renderedSnapshot: String,
        leaseToken: String,
        leaseUntil: Number,
        syncAttempts: Number,
        archivedBy: String,
        archivedAt: String,
        pendingAction: String,
        pendingRequestId: String,
        pendingBy: String,
        pendingUntil: Number,
        pendingArchive: String,
        denied: String,
        archivedReason: String,
        reviewQueue: {
          type: String,
          index: { name: FINDINGS_REVIEW_INDEX, type: 'global', rangeKey: 'reviewDueAt', project: false },
        },
        reviewDueAt: Number,
        reviewClaim: String,
        reviewClaimUntil: Number,
        reviewScheduledAt: Number,
        reviewAttempts: Number,
        syncQueue: {
          type: String,
          index: { name: FINDINGS_SYNC_INDEX, type: 'global', rangeKey: 'syncDueAt', project: false },
        },
        syncDueAt: Number,
        digestId: String,
        digestThreadTs: String,
      },
      { saveUnknown: false },
    ),
    // A findings table created before the review index existed gets it at start (when tables may be managed).
    createTables ? { ...opts, update: [TableUpdateOptions.indexes] } : opts,
  );
  const decisions = dynamoose.model<DecisionItem>(
    `${prefix}decisions`,
    new dynamoose.Schema({
      findingId: { type: String, hashKey: true },
      sk: { type: String, rangeKey: true },
      requestId: String,
      action: String,
      actor: String,
      phase: String,
      at: String,
      input: String,
      result: String,
      error: String,
    }),
    opts,
  );
  const analyzers = dynamoose.model<AnalyzerItem>(
    `${prefix}analyzers`,
    new dynamoose.Schema({ arn: { type: String, hashKey: true }, seenAt: String, baselineAt: String }),
    opts,
  );
  const unhandledEvents = dynamoose.model<UnhandledEventItem>(
    `${prefix}unhandled-events`,
    new dynamoose.Schema({
      eventId: { type: String, hashKey: true },
      detailType: String,
      source: String,
      receivedAt: String,
      body: String,
      expiresAt: Number,
    }),
    opts,
  );
  const approvals = dynamoose.model<ApprovalItem>(
    `${prefix}approvals`,
    new dynamoose.Schema(
      {
        pk: { type: String, hashKey: true },
        requestId: String,
        request: String,
        status: {
          type: String,
          index: { name: APPROVALS_DUE_INDEX, type: 'global', rangeKey: 'nextDueAt', project: true },
        },
        version: Number,
        nextDueAt: Number,
        idempotencyKey: String,
        executionToken: String,
        executionLeaseUntil: Number,
        executedAt: Number,
        executionError: String,
        slackChannel: String,
        slackTs: String,
      },
      { saveUnknown: false },
    ),
    opts,
  );
  const archiveRules = dynamoose.model<ArchiveRuleItem>(
    `${prefix}archive-rules`,
    new dynamoose.Schema(
      {
        ruleKey: { type: String, hashKey: true },
        analyzerArn: String,
        ruleName: String,
        filter: String,
        createdBy: String,
        approvedBy: String,
        requestId: String,
        findingId: String,
        createdAt: String,
        deletedAt: String,
        deletedBy: String,
        deleteRequestId: String,
        pendingRequestId: String,
        pendingAt: String,
      },
      { saveUnknown: false },
    ),
    opts,
  );
  const generations = dynamoose.model<GenerationItem>(
    `${prefix}policy-generations`,
    new dynamoose.Schema(
      {
        id: { type: String, hashKey: true },
        requester: String,
        principal: String,
        days: Number,
        startTime: String,
        endTime: String,
        status: String,
        createdAt: Number,
        awsJobId: String,
        slackChannel: String,
        slackTs: String,
        polls: Number,
        nextPollAt: Number,
        completedAt: Number,
        error: String,
        canceledBy: String,
        result: String,
        attachment: String,
        version: Number,
        pollQueue: {
          type: String,
          index: { name: GENERATIONS_POLL_INDEX, type: 'global', rangeKey: 'nextPollAt', project: true },
        },
      },
      { saveUnknown: false },
    ),
    opts,
  );
  const digests = dynamoose.model<DigestItem>(
    `${prefix}digests`,
    new dynamoose.Schema(
      {
        id: { type: String, hashKey: true },
        groupKey: String,
        findingIds: String,
        createdAt: Number,
        slackChannel: String,
        slackTs: String,
        postAttempts: Number,
        postLeaseUntil: Number,
        postQueue: {
          type: String,
          index: { name: DIGESTS_POST_INDEX, type: 'global', rangeKey: 'createdAt', project: false },
        },
        expandedBy: String,
        expandedAt: Number,
      },
      { saveUnknown: false },
    ),
    opts,
  );
  const all = [
    findings,
    decisions,
    analyzers,
    unhandledEvents,
    approvals,
    archiveRules,
    generations,
    digests,
  ];
  return {
    findings,
    decisions,
    analyzers,
    unhandledEvents,
    approvals,
    archiveRules,
    generations,
    digests,
    tableNames: all.map((m) => m.table().name),
    async initialize() {
      await Promise.all(all.map((m) => m.table().initialize()));
    },
  };
}

/** True when a dynamoose/DynamoDB error is a lost conditional write. */
export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}
