/**
 * The durable approval store, as the approval use cases see it (implemented in src/store/approval-store.ts).
 * Every write is conditional, so double clicks, retried Slack deliveries, several replicas and restarts
 * converge on one outcome:
 * - `create` is idempotent per idempotency key (a retried click never opens a second request);
 * - `transition` is optimistic concurrency on `version` (two people clicking at once: exactly one winner);
 * - `claimExecution` / `completeExecution` run an approved action at most once at a time, and a crashed
 *   executor's lease expires so `pendingExecutions` hands the request to the next start-up;
 * - `due` finds PENDING requests whose reminder, escalation or expiry has come, from the table, not memory.
 */
import type { ConcurrentUpdateError } from '../errors';
export { ConcurrentUpdateError } from '../errors';
import type { ApprovalRequest, ApprovalStatus } from './types';

/** A request as stored, with what the store adds around it. */
export interface StoredApproval {
  request: ApprovalRequest;
  /** Incremented on every write; pass it back to `transition` as the expected version. */
  version: number;
  /**
   * When the bot next has to act on the request (epoch ms): for PENDING, the reminder/escalation/expiry time;
   * for APPROVED, when execution is due (the request's creation, or the expiry of a running executor's lease).
   * Absent once the request is closed.
   */
  nextDueAt?: number;
  /** The lease of the executor that claimed the approved action, while it runs (epoch ms). */
  executionLeaseUntil?: number;
  /** When the action finished (EXECUTED or FAILED). */
  executedAt?: number;
  /** Why the action failed (FAILED only). */
  executionError?: string;
  /** The Slack message that shows the request to its approvers, once posted. */
  message?: { channel: string; ts: string };
  /** EXECUTED: when the bot checks that the action had its effect; absent once checked. */
  verifyAt?: number;
}

/** What `claimExecution` hands the one executor that won: keep `token` to complete the execution. */
export interface ExecutionClaim {
  token: string;
  leaseUntil: number;
  approval: StoredApproval;
}

/** How an executed action ended. */
export interface ExecutionOutcome {
  status: Extract<ApprovalStatus, 'EXECUTED' | 'FAILED'>;
  at: number;
  /** Required for FAILED: shown in the audit trail. */
  error?: string;
  /** EXECUTED only: when to check that the action had its effect (see `dueVerifications`). */
  verifyAt?: number;
}

/** `transition` lost: see ConcurrentUpdateError in src/errors.ts; `current` is a StoredApproval here. */
export type ApprovalConflict = ConcurrentUpdateError<StoredApproval>;

export interface ApprovalStore {
  /**
   * Stores a new request once per `idempotencyKey` (e.g. derived from the Slack click: finding, action,
   * requester, action_ts). A repeat with the same key, even with a fresh request id, returns the request the
   * first call stored, with `created: false`.
   * @param nextDueAt for a PENDING request, `nextDueAt(request, policy)`; defaults to `request.expiresAt`.
   * @example await store.create(openRequest(policy, { id: randomUUID(), … }), `${findingId}:deny:${user}:${actionTs}`)
   */
  create(
    request: ApprovalRequest,
    idempotencyKey: string,
    nextDueAt?: number,
  ): Promise<StoredApproval & { created: boolean }>;

  /** The request with this id, read consistently; undefined when unknown. */
  get(id: string): Promise<StoredApproval | undefined>;

  /**
   * Replaces the request with `next` if it is still at `expectedVersion`, and returns what was stored.
   * Status EXECUTED/FAILED is only reachable through `completeExecution`.
   * @param nextDueAt for a PENDING `next`, `nextDueAt(next, policy)`; defaults to `next.expiresAt`.
   * @throws ConcurrentUpdateError when the request changed since it was read (see there for retrying).
   * @example await store.transition(id, stored.version, applyDecision(stored.request, decision), nextDueAt(next, policy))
   */
  transition(
    id: string,
    expectedVersion: number,
    next: ApprovalRequest,
    nextDueAt?: number,
  ): Promise<StoredApproval>;

  /**
   * PENDING requests whose `nextDueAt` is at or before `now`, soonest first, at most `limit`. Read from an
   * index (eventually consistent): the version returned may be stale, which `transition` then detects.
   */
  due(now: number, limit?: number): Promise<StoredApproval[]>;

  /**
   * Takes the right to execute an APPROVED request for `leaseMs`: succeeds for exactly one caller while the
   * request is not executed and no other lease is live. Undefined when someone else holds it or it is closed.
   */
  claimExecution(id: string, leaseMs: number, now: number): Promise<ExecutionClaim | undefined>;

  /**
   * Records how the claimed execution ended (status EXECUTED or FAILED, `executedAt`). Only the holder of
   * `token` can do it, even after its lease ran out, as long as nobody claimed the request since. Returns
   * false when the claim was lost (another executor took over after the lease expired); do not retry then.
   */
  completeExecution(id: string, token: string, outcome: ExecutionOutcome): Promise<boolean>;

  /**
   * APPROVED requests not executed and not claimed by a live lease, oldest first: what a fresh start-up must
   * resume (claim each, then execute).
   */
  pendingExecutions(now: number, limit?: number): Promise<StoredApproval[]>;

  /** Records where the request's Slack message is (first writer wins; a repeat changes nothing). */
  attachMessage(id: string, message: { channel: string; ts: string }): Promise<StoredApproval | undefined>;

  /** EXECUTED requests whose `verifyAt` has come, soonest first. */
  dueVerifications(now: number, limit?: number): Promise<StoredApproval[]>;

  /** Takes the verification of an EXECUTED request: true for exactly one caller, false when already taken. */
  claimVerification(id: string): Promise<boolean>;
}
