import { AlreadyDecidedError } from '../../../src/errors';
import type { Finding } from '../../../src/findings/finding';
import type { Stores } from '../../../src/store';
import { aliceRoleFinding } from '../../fixtures/findings';
import { testStores } from '../../helpers/ddb';

const finding = (over: Partial<Finding> = {}): Finding => aliceRoleFinding({ id: 'f-1', ...over });

describe('FindingStore on DynamoDB Local', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('store');
  });

  it('stores a new finding once and ignores repeats and older states', async () => {
    // Prepare
    const f = finding({ id: 'apply-1' });
    // Act
    const first = await stores.findings.apply(f, { suppressed: false });
    const repeat = await stores.findings.apply(f, { suppressed: false });
    const newer = await stores.findings.apply(
      { ...f, status: 'RESOLVED', updatedAt: '2024-05-02T10:00:00Z' },
      { suppressed: false },
    );
    const older = await stores.findings.apply(
      { ...f, status: 'ARCHIVED', updatedAt: '2024-05-01T12:00:00Z' },
      { suppressed: false },
    );
    // Assess
    expect([first, repeat, newer, older]).toEqual(['created', 'stale', 'updated', 'stale']);
    const rec = await stores.findings.get('apply-1');
    expect(rec?.finding.status).toBe('RESOLVED');
  });

  it('gives the sync lease to exactly one of many concurrent takers', async () => {
    // Prepare
    await stores.findings.apply(finding({ id: 'lease-1' }), { suppressed: false });
    const now = Date.now();
    // Act
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        stores.findings.acquireLease('lease-1', `token-${i}`, now, now + 60_000),
      ),
    );
    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lets a new taker have an expired lease, and only the holder complete the sync', async () => {
    await stores.findings.apply(finding({ id: 'lease-2' }), { suppressed: false });
    const t0 = Date.now();
    expect(await stores.findings.acquireLease('lease-2', 'old', t0, t0 + 1000)).toBeDefined();
    expect(await stores.findings.acquireLease('lease-2', 'new', t0 + 500, t0 + 60_000)).toBeUndefined();
    const taken = await stores.findings.acquireLease('lease-2', 'new', t0 + 2000, t0 + 60_000);
    expect(taken?.syncAttempts).toBe(2);
    // The old holder's completion is ignored; the new holder's is recorded.
    const snapshot = { status: 'ACTIVE' as const, isDeleted: false };
    await stores.findings.completeSync('lease-2', 'old', {
      slack: { channel: 'C1', ts: '1.1' },
      key: 'k-old',
      snapshot,
    });
    expect((await stores.findings.get('lease-2'))?.slack).toBeUndefined();
    await stores.findings.completeSync('lease-2', 'new', {
      slack: { channel: 'C1', ts: '2.2' },
      key: 'k-new',
      snapshot,
    });
    const rec = await stores.findings.get('lease-2');
    expect(rec?.slack).toEqual({ channel: 'C1', ts: '2.2' });
    expect(rec?.renderedKey).toBe('k-new');
    expect(rec?.leaseToken).toBeUndefined();
  });

  it('lets one of two simultaneous actions claim a finding and refuses the other', async () => {
    await stores.findings.apply(finding({ id: 'act-1' }), { suppressed: false });
    const now = Date.now();
    const claim = (requestId: string, by: string) =>
      stores.findings.beginAction('act-1', { action: 'archive', requestId, by, until: now + 60_000 }, now);
    const results = await Promise.allSettled([claim('r1', 'U1'), claim('r2', 'U2')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(AlreadyDecidedError);
    expect(rejected.reason.userMessage).toMatch(/already acting/);
  });

  it('completes an action as archived and refuses a later claim on the archived finding', async () => {
    await stores.findings.apply(finding({ id: 'act-2' }), { suppressed: false });
    const now = Date.now();
    await stores.findings.beginAction(
      'act-2',
      { action: 'archive', requestId: 'r1', by: 'U1', until: now + 60_000 },
      now,
    );
    await stores.findings.completeAction('act-2', 'r1', {
      status: 'ARCHIVED',
      archived: { by: 'U1', at: '2024-05-03T00:00:00Z' },
    });
    const rec = await stores.findings.get('act-2');
    expect(rec?.finding.status).toBe('ARCHIVED');
    expect(rec?.archived).toEqual({ by: 'U1', at: '2024-05-03T00:00:00Z' });
    expect(rec?.pending).toBeUndefined();
    await expect(
      stores.findings.beginAction(
        'act-2',
        { action: 'archive', requestId: 'r2', by: 'U2', until: now + 60_000 },
        now,
      ),
    ).rejects.toThrow(/already archived by <@U1>/);
  });

  it('does not let a stale duplicate of the old event undo a local archive', async () => {
    const f = finding({ id: 'act-3' });
    await stores.findings.apply(f, { suppressed: false });
    const now = Date.now();
    await stores.findings.beginAction(
      'act-3',
      { action: 'archive', requestId: 'r1', by: 'U1', until: now + 60_000 },
      now,
    );
    await stores.findings.completeAction('act-3', 'r1', {
      status: 'ARCHIVED',
      archived: { by: 'U1', at: '2024-05-03T00:00:00Z' },
    });
    expect(await stores.findings.apply(f, { suppressed: false })).toBe('stale');
    expect((await stores.findings.get('act-3'))?.finding.status).toBe('ARCHIVED');
  });

  it('releases the claim on abort without changing the state', async () => {
    await stores.findings.apply(finding({ id: 'act-4' }), { suppressed: false });
    const now = Date.now();
    await stores.findings.beginAction(
      'act-4',
      { action: 'archive', requestId: 'r1', by: 'U1', until: now + 60_000 },
      now,
    );
    await stores.findings.abortAction('act-4', 'r1');
    const rec = await stores.findings.get('act-4');
    expect(rec?.pending).toBeUndefined();
    expect(rec?.finding.status).toBe('ACTIVE');
  });

  it('writes each decision-log entry once however often it is appended', async () => {
    const d = {
      requestId: 'req-1',
      findingId: 'dl-1',
      action: 'archive',
      actor: 'U1',
      at: '2024-05-03T00:00:00Z',
    };
    await stores.decisions.append({ ...d, phase: 'requested', input: { ids: ['dl-1'] } });
    await stores.decisions.append({ ...d, phase: 'requested', input: { ids: ['dl-1'] } });
    await stores.decisions.append({
      ...d,
      phase: 'succeeded',
      at: '2024-05-03T00:00:01Z',
      result: { status: 'ARCHIVED' },
    });
    const log = await stores.decisions.forFinding('dl-1');
    expect(log.map((e) => e.phase)).toEqual(['requested', 'succeeded']);
    expect(log[1]?.result).toEqual({ status: 'ARCHIVED' });
  });

  it('reads many findings in batches', async () => {
    const ids = Array.from({ length: 130 }, (_, i) => `many-${i}`);
    await Promise.all(ids.map((id) => stores.findings.apply(finding({ id }), { suppressed: true })));
    const got = await stores.findings.getMany([...ids, 'missing']);
    expect(got.size).toBe(130);
    expect(got.get('many-7')?.suppressed).toBe(true);
  });
});
