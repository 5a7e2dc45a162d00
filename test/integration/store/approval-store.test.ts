import { applyDecision, applyDue, decide, nextDueAt } from '../../../src/approvals/policy';
import { ConcurrentUpdateError, type StoredApproval } from '../../../src/approvals/store-port';
import type { ApprovalAction, ApprovalRequest, Vote } from '../../../src/approvals/types';
import { AlreadyDecidedError } from '../../../src/errors';
import { createStores, type Stores } from '../../../src/store';
import { testDynamoDb, testStores, uniquePrefix } from '../../helpers/ddb';
import { filePolicy, groups, HOUR, requestFor, T0 } from '../../unit/approvals/fixtures';

const policy = filePolicy();

/** A PENDING request (or APPROVED, for `archive`'s empty chain) with this id, opened at `openedAt`. */
function request(id: string, action: ApprovalAction = 'undo', openedAt = T0): ApprovalRequest {
  const r = requestFor(policy, action);
  const shift = openedAt - T0;
  return {
    ...r,
    id,
    createdAt: r.createdAt + shift,
    expiresAt: r.expiresAt + shift,
    stages: r.stages.map((s) => ({ ...s, openedAt: s.openedAt + shift })),
  };
}

const approve = (by: string, stage = 0): Vote => ({ by, verdict: 'approve', stage });

/** decide + applyDecision, failing the test on a refusal. */
function voted(r: ApprovalRequest, vote: Vote, at = T0 + HOUR): ApprovalRequest {
  const decision = decide(r, vote, policy, groups, at);
  if (decision.kind === 'refused') throw new Error(`vote refused: ${decision.message}`);
  return applyDecision(r, decision);
}

/** Stores a new request and returns it with its version. */
async function stored(stores: Stores, r: ApprovalRequest): Promise<StoredApproval> {
  return stores.approvals.create(r, `key-${r.id}`, nextDueAt(r, policy));
}

/** Stores a request and votes it through to APPROVED (undo: two of three). */
async function approved(stores: Stores, id: string): Promise<StoredApproval> {
  const first = await stored(stores, request(id));
  const once = await stores.approvals.transition(id, first.version, voted(first.request, approve('U0SEC1')));
  return stores.approvals.transition(id, once.version, voted(once.request, approve('U0SEC2')));
}

describe('ApprovalStore on DynamoDB Local: requests and votes', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('approvals');
  });

  it('opens one request for ten simultaneous creates with the same idempotency key', async () => {
    // Prepare: each retry of the click comes with a fresh request id, but the same key.
    const attempts = Array.from({ length: 10 }, (_, i) => request(`idem-${i}`));
    // Act
    const results = await Promise.all(attempts.map((r) => stores.approvals.create(r, 'click-1')));
    const later = await stores.approvals.create(request('idem-later'), 'click-1');
    // Assess
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)?.request.id as string;
    expect(new Set([...results, later].map((r) => r.request.id))).toEqual(new Set([winner]));
    expect(later.created).toBe(false);
    const losers = attempts.map((r) => r.id).filter((id) => id !== winner);
    const lost = await Promise.all([...losers, 'idem-later'].map((id) => stores.approvals.get(id)));
    expect(lost.every((r) => r === undefined)).toBe(true);
  });

  it('refuses a new key that reuses the id of another request', async () => {
    // Prepare
    await stores.approvals.create(request('dup-id'), 'click-a');
    // Act
    const reuse = stores.approvals.create(request('dup-id'), 'click-b');
    // Assess
    await expect(reuse).rejects.toThrow(/already used/);
    expect((await stores.approvals.get('dup-id'))?.version).toBe(1);
  });

  it('stores a decided vote and reads it back exactly', async () => {
    // Prepare
    const first = await stored(stores, request('roundtrip', 'deny'));
    const next = voted(first.request, {
      by: 'U0SEC1',
      verdict: 'approve',
      reason: 'checked the role',
      stage: 0,
    });
    // Act
    const written = await stores.approvals.transition(
      'roundtrip',
      first.version,
      next,
      nextDueAt(next, policy),
    );
    const read = await stores.approvals.get('roundtrip');
    // Assess
    expect(next.stageIndex).toBe(1);
    expect(read).toEqual(written);
    expect(read?.request).toEqual(next);
    expect(read?.version).toBe(first.version + 1);
    expect(read?.nextDueAt).toBe(nextDueAt(next, policy));
  });

  it('lets exactly one of two simultaneous votes from the same version win', async () => {
    // Prepare: undo needs two of three approvers.
    const first = await stored(stores, request('race'));
    const bySec1 = voted(first.request, approve('U0SEC1'));
    const bySec2 = voted(first.request, approve('U0SEC2'));
    // Act
    const results = await Promise.allSettled([
      stores.approvals.transition('race', first.version, bySec1),
      stores.approvals.transition('race', first.version, bySec2),
    ]);
    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    expect(lost).toBeInstanceOf(ConcurrentUpdateError);
    expect(lost).toBeInstanceOf(AlreadyDecidedError);
    expect(lost.userMessage).toMatch(/same moment/);
    const now = await stores.approvals.get('race');
    expect(lost.current).toEqual(now);
    expect(now?.version).toBe(first.version + 1);
    expect(now?.request.stages[0]?.votes).toHaveLength(1);
  });

  it('counts the losing vote when the caller re-reads and decides again', async () => {
    // Prepare
    const first = await stored(stores, request('retry'));
    await stores.approvals.transition('retry', first.version, voted(first.request, approve('U0SEC1')));
    const stale = voted(first.request, approve('U0SEC2'));
    const lost = await stores.approvals.transition('retry', first.version, stale).catch((e: unknown) => e);
    // Act
    const current = (lost as ConcurrentUpdateError).current as StoredApproval;
    const done = await stores.approvals.transition(
      'retry',
      current.version,
      voted(current.request, approve('U0SEC2')),
    );
    // Assess
    expect(lost).toBeInstanceOf(ConcurrentUpdateError);
    expect(done.request.status).toBe('APPROVED');
    expect(done.request.stages[0]?.votes.map((v) => v.by)).toEqual(['U0SEC1', 'U0SEC2']);
  });

  it('refuses to move a request that is no longer pending', async () => {
    // Prepare
    const first = await stored(stores, request('closed'));
    const rejected = applyDecision(first.request, {
      kind: 'rejected',
      reason: 'too broad',
      vote: { by: 'U0SEC1', verdict: 'reject', reason: 'too broad', at: T0 + HOUR },
    });
    const after = await stores.approvals.transition('closed', first.version, rejected);
    // Act
    const reopen = stores.approvals.transition('closed', after.version, { ...rejected, status: 'PENDING' });
    // Assess
    await expect(reopen).rejects.toThrow(/now rejected/);
    expect((await stores.approvals.get('closed'))?.request.status).toBe('REJECTED');
    expect(after.nextDueAt).toBeUndefined();
  });
});

describe('ApprovalStore on DynamoDB Local: executing approved requests', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('approvals-exec');
  });

  it('gives the execution to exactly one of two simultaneous claims, once', async () => {
    // Prepare
    await approved(stores, 'exec-1');
    const now = Date.now();
    // Act
    const claims = await Promise.all([
      stores.approvals.claimExecution('exec-1', 60_000, now),
      stores.approvals.claimExecution('exec-1', 60_000, now),
    ]);
    const winner = claims.find(Boolean);
    const completed = await stores.approvals.completeExecution('exec-1', winner?.token ?? '', {
      status: 'EXECUTED',
      at: now + 10,
    });
    const afterwards = await stores.approvals.claimExecution('exec-1', 60_000, now + 120_000);
    // Assess
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(completed).toBe(true);
    expect(afterwards).toBeUndefined();
    const rec = await stores.approvals.get('exec-1');
    expect(rec?.request.status).toBe('EXECUTED');
    expect(rec?.executedAt).toBe(now + 10);
    expect(rec?.executionLeaseUntil).toBeUndefined();
    expect(rec?.nextDueAt).toBeUndefined();
  });

  it('does not let a pending request be claimed', async () => {
    // Prepare
    await stored(stores, request('exec-pending'));
    // Act
    const claim = await stores.approvals.claimExecution('exec-pending', 60_000, Date.now());
    // Assess
    expect(claim).toBeUndefined();
  });

  it('resumes after a restart: an approved request, and one whose executor died, are found and claimable', async () => {
    // Prepare: one bot approves two requests and starts executing one, then dies.
    const prefix = uniquePrefix('approvals-restart');
    const before = createStores(testDynamoDb(), { tablePrefix: prefix, createTables: true });
    await before.initialize();
    await approved(before, 'never-started');
    await approved(before, 'crashed');
    await stored(before, request('still-pending'));
    const t = Date.now();
    const dead = await before.approvals.claimExecution('crashed', 1_000, t);
    // Act: the next bot starts.
    const after = createStores(testDynamoDb(), { tablePrefix: prefix, createTables: true });
    await after.initialize();
    const whileLeaseLive = await after.approvals.pendingExecutions(t + 500);
    const afterLease = await after.approvals.pendingExecutions(t + 2_000);
    const claimedAgain = await after.approvals.claimExecution('crashed', 60_000, t + 2_000);
    // Assess
    expect(whileLeaseLive.map((a) => a.request.id)).toEqual(['never-started']);
    expect(afterLease.map((a) => a.request.id).sort()).toEqual(['crashed', 'never-started']);
    expect(claimedAgain).toBeDefined();
    expect(claimedAgain?.token).not.toBe(dead?.token);
    // The dead executor's late completion is ignored; the new holder's is recorded.
    expect(
      await after.approvals.completeExecution('crashed', dead?.token ?? '', { status: 'EXECUTED', at: t }),
    ).toBe(false);
    expect(
      await after.approvals.completeExecution('crashed', claimedAgain?.token ?? '', {
        status: 'FAILED',
        at: t + 3_000,
        error: 'AccessDenied',
      }),
    ).toBe(true);
    const rec = await after.approvals.get('crashed');
    expect(rec?.request.status).toBe('FAILED');
    expect(rec?.executionError).toBe('AccessDenied');
    expect((await after.approvals.pendingExecutions(t + 10_000)).map((a) => a.request.id)).toEqual([
      'never-started',
    ]);
  });
});

describe('ApprovalStore on DynamoDB Local: due reminders and expiries', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('approvals-due');
  });

  it('returns only pending requests whose time has come, soonest first', async () => {
    // Prepare: undo reminds 2 h after its stage opened; archive needs no approval (APPROVED at once).
    await stored(stores, request('mid', 'undo', T0)); // due T0+2h
    await stored(stores, request('early', 'undo', T0 - HOUR)); // due T0+1h
    await stored(stores, request('late', 'undo', T0 + 5 * HOUR)); // due T0+7h
    await stored(stores, request('no-approval', 'archive', T0 - 10 * HOUR));
    const gone = await stored(stores, request('rejected', 'undo', T0 - 5 * HOUR));
    await stores.approvals.transition(
      'rejected',
      gone.version,
      applyDecision(gone.request, {
        kind: 'rejected',
        reason: 'no',
        vote: { by: 'U0SEC1', verdict: 'reject', reason: 'no', at: T0 - 4 * HOUR },
      }),
    );
    // Act
    const due = await stores.approvals.due(T0 + 3 * HOUR);
    const first = await stores.approvals.due(T0 + 3 * HOUR, 1);
    // Assess
    expect(due.map((a) => a.request.id)).toEqual(['early', 'mid']);
    expect(due.map((a) => a.nextDueAt)).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
    expect(first.map((a) => a.request.id)).toEqual(['early']);
  });

  it('stops returning a request once its reminder is recorded, until it expires', async () => {
    // Prepare
    const r = await stored(stores, request('reminded', 'undo', T0 - 20 * HOUR)); // due T0-18h, expires T0+4h
    const reminded = applyDue(r.request, { kind: 'remind', stage: 0, mention: [] }, T0 - 18 * HOUR);
    // Act
    await stores.approvals.transition('reminded', r.version, reminded, nextDueAt(reminded, policy));
    const beforeExpiry = await stores.approvals.due(T0 + 3 * HOUR);
    const atExpiry = await stores.approvals.due(T0 + 4 * HOUR);
    // Assess
    expect(beforeExpiry.map((a) => a.request.id)).not.toContain('reminded');
    expect(atExpiry.map((a) => a.request.id)).toContain('reminded');
  });
});
