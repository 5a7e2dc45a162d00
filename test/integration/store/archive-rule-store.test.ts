import type { StoredArchiveRule } from '../../../src/archive-rules/ports';
import { AlreadyDecidedError } from '../../../src/errors';
import { PENDING_STALE_MS } from '../../../src/store/archive-rule-store';
import type { Stores } from '../../../src/store';
import { testStores } from '../../helpers/ddb';

const ANALYZER = 'arn:aws:access-analyzer:us-west-2:111122223333:analyzer/MyAnalyzer';

const rule = (ruleName: string, over: Partial<StoredArchiveRule> = {}) => ({
  analyzerArn: ANALYZER,
  ruleName,
  filter: { 'principal.AWS': { eq: ['arn:aws:iam::999988887777:user/Alice'] } },
  createdBy: 'U0ONCALL',
  approvedBy: ['U0APPROVER1'],
  requestId: `req-${ruleName}`,
  findingId: 'f-1',
  createdAt: '2026-11-23T10:00:00.000Z',
  ...over,
});

describe('ArchiveRuleStore on DynamoDB Local', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('archive-rules');
  });

  it('records a rule once, also when the same request records it again (a retried execution)', async () => {
    // Act
    await stores.archiveRules.recordCreated(rule('once'));
    await stores.archiveRules.recordCreated(rule('once'));
    // Assess
    expect(await stores.archiveRules.get(ANALYZER, 'once')).toEqual(rule('once'));
  });

  it('refuses a live rule of the same name from another request, and lets only one of two racers win', async () => {
    // Prepare
    await stores.archiveRules.recordCreated(rule('taken'));
    // Act
    const other = stores.archiveRules.recordCreated(rule('taken', { requestId: 'req-other' }));
    const racers = await Promise.allSettled([
      stores.archiveRules.recordCreated(rule('raced', { requestId: 'req-a' })),
      stores.archiveRules.recordCreated(rule('raced', { requestId: 'req-b' })),
    ]);
    // Assess
    await expect(other).rejects.toBeInstanceOf(AlreadyDecidedError);
    expect(racers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await stores.archiveRules.get(ANALYZER, 'taken'))?.requestId).toBe('req-taken');
  });

  it('marks a rule deleted once, lists only live rules, and lets the name be used again after deletion', async () => {
    // Prepare
    await stores.archiveRules.recordCreated(rule('gone'));
    const by = { deletedBy: 'U0APPROVER2', deleteRequestId: 'del-1', at: '2026-11-24T10:00:00.000Z' };
    // Act
    await stores.archiveRules.recordDeleted(ANALYZER, 'gone', by);
    await stores.archiveRules.recordDeleted(ANALYZER, 'gone', by);
    await stores.archiveRules.recordDeleted(ANALYZER, 'gone', {
      ...by,
      deletedBy: 'U0X',
      deleteRequestId: 'del-2',
    });
    await stores.archiveRules.recordDeleted(ANALYZER, 'never-created', by);
    // Assess
    expect(await stores.archiveRules.get(ANALYZER, 'gone')).toMatchObject({
      deletedBy: 'U0APPROVER2',
      deleteRequestId: 'del-1',
    });
    expect((await stores.archiveRules.listLive()).map((r) => r.ruleName)).not.toContain('gone');
    expect(await stores.archiveRules.get(ANALYZER, 'never-created')).toBeUndefined();

    // Act: the same name again, by a new request
    await stores.archiveRules.recordCreated(rule('gone', { requestId: 'req-again' }));
    const again = await stores.archiveRules.get(ANALYZER, 'gone');
    expect(again).toEqual(rule('gone', { requestId: 'req-again' }));
    expect((await stores.archiveRules.listLive()).map((r) => r.ruleName)).toContain('gone');
  });

  it('keeps a pending marker per request: resumed for the same request, refused for another, never listed', async () => {
    // Prepare
    const at = Date.parse('2026-11-23T10:00:00.000Z');
    const store = stores.archiveRules;
    // Act / Assess: a first attempt, and its retry after a crash
    expect(await store.markPending(ANALYZER, 'marked', 'req-a', at)).toEqual({ resumed: false });
    expect(await store.markPending(ANALYZER, 'marked', 'req-a', at + 1000)).toEqual({ resumed: true });
    // A bare marker is not a record
    expect(await store.get(ANALYZER, 'marked')).toBeUndefined();
    expect((await store.listLive()).map((r) => r.ruleName)).not.toContain('marked');
    // Another request while the marker is fresh: refused; once stale: taken over
    await expect(store.markPending(ANALYZER, 'marked', 'req-b', at + 60_000)).rejects.toThrow(
      /Another approved request is creating/,
    );
    expect(await store.markPending(ANALYZER, 'marked', 'req-b', at + PENDING_STALE_MS + 1)).toEqual({
      resumed: false,
    });
    // Recording the rule clears the marker; the same request is still resumed, another is refused
    await store.recordCreated(rule('marked', { requestId: 'req-b' }));
    expect(await store.get(ANALYZER, 'marked')).toEqual(rule('marked', { requestId: 'req-b' }));
    expect(await store.markPending(ANALYZER, 'marked', 'req-b', at)).toEqual({ resumed: true });
    await expect(store.markPending(ANALYZER, 'marked', 'req-c', at)).rejects.toThrow(
      /already has a live archive rule/,
    );
  });

  it('clears only its own marker', async () => {
    const store = stores.archiveRules;
    await store.markPending(ANALYZER, 'cleared', 'req-a', Date.now());
    await store.clearPending(ANALYZER, 'cleared', 'req-other');
    await expect(store.markPending(ANALYZER, 'cleared', 'req-b', Date.now())).rejects.toBeInstanceOf(
      AlreadyDecidedError,
    );
    await store.clearPending(ANALYZER, 'cleared', 'req-a');
    expect(await store.markPending(ANALYZER, 'cleared', 'req-b', Date.now())).toEqual({ resumed: false });
  });
});
