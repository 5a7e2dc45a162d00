/**
 * FindingStore.apply taking the sync lease in the same write (issue #8: fewer DynamoDB writes per finding), and
 * `exists` skipping the create attempt. The lease is only ever taken when free, and a finding a sync holds is
 * still updated (its holder renders the new state).
 */
import type { ApplyOptions } from '../../../src/findings/ports';
import type { Finding } from '../../../src/findings/finding';
import type { Stores } from '../../../src/store';
import { aliceRoleFinding } from '../../fixtures/findings';
import { testStores } from '../../helpers/ddb';

const finding = (id: string, over: Partial<Finding> = {}): Finding => aliceRoleFinding({ id, ...over });
const NOW = Date.now();
const lease = (token: string) => ({ token, now: NOW, until: NOW + 60_000 });

describe('apply with the sync lease', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('leasewrite');
  });

  it('creates a finding holding the lease, counted as one sync attempt', async () => {
    const opts: ApplyOptions = { suppressed: false, lease: lease('t-create') };
    expect(await stores.findings.apply(finding('lw-1'), opts)).toBe('created');
    expect(opts.leased).toBe(true);
    const rec = await stores.findings.get('lw-1');
    expect(rec).toMatchObject({ leaseToken: 't-create', leaseUntil: NOW + 60_000, syncAttempts: 1 });
    expect(rec?.syncDueAt).toBeDefined();
    // Nobody else gets it meanwhile.
    expect(await stores.findings.acquireLease('lw-1', 'other', NOW, NOW + 60_000)).toBeUndefined();
  });

  it('updates a known finding and takes its free lease in one write', async () => {
    await stores.findings.apply(finding('lw-2'), { suppressed: false });
    const opts: ApplyOptions = { suppressed: false, exists: true, lease: lease('t-update') };
    const outcome = await stores.findings.apply(
      finding('lw-2', { status: 'ARCHIVED', updatedAt: '2024-05-02T10:00:00Z' }),
      opts,
    );
    expect(outcome).toBe('updated');
    expect(opts.leased).toBe(true);
    expect(await stores.findings.get('lw-2')).toMatchObject({
      leaseToken: 't-update',
      syncAttempts: 1,
      finding: { status: 'ARCHIVED' },
    });
  });

  it('updates a finding another sync holds without taking its lease', async () => {
    await stores.findings.apply(finding('lw-3'), { suppressed: false });
    expect(await stores.findings.acquireLease('lw-3', 'holder', NOW, NOW + 60_000)).toBeDefined();
    const opts: ApplyOptions = { suppressed: false, exists: true, lease: lease('t-late') };
    const outcome = await stores.findings.apply(
      finding('lw-3', { status: 'RESOLVED', updatedAt: '2024-05-02T10:00:00Z' }),
      opts,
    );
    expect(outcome).toBe('updated');
    expect(opts.leased).toBeUndefined();
    expect(await stores.findings.get('lw-3')).toMatchObject({
      leaseToken: 'holder',
      finding: { status: 'RESOLVED' },
    });
  });

  it('takes nothing and changes nothing for a stale state', async () => {
    await stores.findings.apply(finding('lw-4', { updatedAt: '2024-05-03T10:00:00Z' }), {
      suppressed: false,
    });
    const opts: ApplyOptions = { suppressed: false, exists: true, lease: lease('t-stale') };
    expect(await stores.findings.apply(finding('lw-4', { status: 'ARCHIVED' }), opts)).toBe('stale');
    expect(opts.leased).toBeUndefined();
    const rec = await stores.findings.get('lw-4');
    expect(rec?.leaseToken).toBeUndefined();
    expect(rec?.finding.status).toBe('ACTIVE');
  });

  it('with `exists` on a finding that is not stored, stores nothing', async () => {
    expect(await stores.findings.apply(finding('lw-5'), { suppressed: false, exists: true })).toBe('stale');
    expect(await stores.findings.get('lw-5')).toBeUndefined();
  });
});
