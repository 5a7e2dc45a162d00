/**
 * The archive-review half of the FindingStore on DynamoDB Local: due reviews from the sparse index, the claim
 * that lets one runner reopen a finding, and which events drop a pending review.
 */
import type { Finding } from '../../../src/findings/finding';
import type { Stores } from '../../../src/store';
import { aliceRoleFinding } from '../../fixtures/findings';
import { createStores } from '../../../src/store';
import { testDynamoDb, testStores, uniquePrefix } from '../../helpers/ddb';

const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('archive reviews on DynamoDB Local', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('reviews');
  });

  const finding = (id: string, over: Partial<Finding> = {}): Finding =>
    aliceRoleFinding({ id, updatedAt: iso(T0 - DAY), ...over });

  /** A finding archived by U1 at T0 with a reason, and a review in `reviewInDays` (none when undefined). */
  async function archived(id: string, reviewInDays?: number) {
    await stores.findings.apply(finding(id), { suppressed: false });
    await stores.findings.beginAction(
      id,
      { action: 'archive', requestId: `r-${id}`, by: 'U1', until: T0 + 60_000 },
      T0,
    );
    await stores.findings.completeAction(id, `r-${id}`, {
      status: 'ARCHIVED',
      archived: {
        by: 'U1',
        at: iso(T0),
        reason: 'Partner audit role',
        ...(reviewInDays !== undefined ? { reviewAt: iso(T0 + reviewInDays * DAY) } : {}),
      },
    });
  }

  it('lists only pending reviews that are due, earliest first, and keeps the reason and date on the record', async () => {
    // Prepare
    await archived('due-late', 2);
    await archived('due-early', 1);
    await archived('not-yet', 30);
    await archived('no-review');
    // Act
    const due = (await stores.findings.dueReviews(T0 + 3 * DAY, 100)).filter((d) =>
      d.findingId.startsWith('due-'),
    );
    const all = (await stores.findings.dueReviews(T0 + 3 * DAY, 100)).map((d) => d.findingId);
    // Assess
    expect(due).toEqual([
      { findingId: 'due-early', reviewAtMs: T0 + DAY },
      { findingId: 'due-late', reviewAtMs: T0 + 2 * DAY },
    ]);
    expect(all).not.toContain('not-yet');
    expect(all).not.toContain('no-review');
    expect((await stores.findings.get('due-early'))?.archived).toEqual({
      by: 'U1',
      at: iso(T0),
      reason: 'Partner audit role',
      reviewAt: iso(T0 + DAY),
    });
    expect((await stores.findings.get('no-review'))?.archived).toEqual({
      by: 'U1',
      at: iso(T0),
      reason: 'Partner audit role',
    });
  });

  it('gives a due review to one of many claimants, to another once the claim lapses, and to nobody once finished', async () => {
    // Prepare
    await archived('claim-1', 1);
    const due = T0 + DAY;
    const now = T0 + 2 * DAY;
    // Act
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        stores.findings.claimReview('claim-1', due, `t${i}`, now, now + 60_000),
      ),
    );
    // Assess
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(
      await stores.findings.claimReview('claim-1', due, 'late', now + 1000, now + 60_000),
    ).toBeUndefined();
    // A claimant that died: its claim lapses and the next one takes over; the old one can no longer finish.
    expect(
      await stores.findings.claimReview('claim-1', due, 'next', now + 61_000, now + 120_000),
    ).toBeDefined();
    const winner = claims.findIndex(Boolean);
    expect(await stores.findings.finishReview('claim-1', `t${winner}`)).toBe(false);
    // Act: the new holder reopens and finishes
    await stores.findings.markReopened('claim-1', 'next');
    expect(await stores.findings.finishReview('claim-1', 'next')).toBe(true);
    // Assess
    const rec = await stores.findings.get('claim-1');
    expect(rec?.finding.status).toBe('ACTIVE');
    expect(rec?.archived).toBeUndefined();
    expect(
      await stores.findings.claimReview('claim-1', due, 'again', now + 200_000, now + 260_000),
    ).toBeUndefined();
    expect((await stores.findings.dueReviews(now, 100)).map((d) => d.findingId)).not.toContain('claim-1');
  });

  it('lets the next run take a released claim at once', async () => {
    await archived('release-1', 1);
    const now = T0 + 2 * DAY;
    expect(await stores.findings.claimReview('release-1', T0 + DAY, 'a', now, now + 60_000)).toBeDefined();
    await stores.findings.releaseReview('release-1', 'a');
    expect(await stores.findings.claimReview('release-1', T0 + DAY, 'b', now, now + 60_000)).toBeDefined();
  });

  it.each<[string, boolean, Partial<Finding>]>([
    ['un-archived in the console after the archive', true, { status: 'ACTIVE', updatedAt: iso(T0 + 1000) }],
    ['resolved after the archive', true, { status: 'RESOLVED', updatedAt: iso(T0 + 1000) }],
    [
      'archived again (Access Analyzer confirming the archive)',
      false,
      { status: 'ARCHIVED', updatedAt: iso(T0 + 1000) },
    ],
    [
      'active, but from before the archive (a late event)',
      false,
      { status: 'ACTIVE', updatedAt: iso(T0 - 1000) },
    ],
  ])('an event saying the finding was %s drops its review: %s', async (name, drops, change) => {
    // Prepare
    const id = `drop-${name.replace(/\W+/g, '-')}`;
    await archived(id, 5);
    // Act
    expect(await stores.findings.apply(finding(id, change), { suppressed: false })).toBe('updated');
    // Assess
    const rec = await stores.findings.get(id);
    expect(rec?.finding.status).toBe(change.status);
    expect(rec?.archived?.reviewAt !== undefined).toBe(!drops);
    expect(rec?.archived?.reason !== undefined).toBe(!drops);
    expect((await stores.findings.dueReviews(T0 + 10 * DAY, 100)).some((d) => d.findingId === id)).toBe(
      !drops,
    );
  });

  it('keeps the review while the bot itself is reopening the finding (its own ACTIVE event arrives meanwhile)', async () => {
    // Prepare
    await archived('own-event', 1);
    const now = T0 + 2 * DAY;
    await stores.findings.claimReview('own-event', T0 + DAY, 'mine', now, now + 60_000);
    // Act
    await stores.findings.apply(finding('own-event', { status: 'ACTIVE', updatedAt: iso(now) }), {
      suppressed: false,
    });
    // Assess: the reply still has the reason to quote, and the holder clears everything when done
    expect((await stores.findings.get('own-event'))?.archived?.reason).toBe('Partner audit role');
    expect(await stores.findings.finishReview('own-event', 'mine')).toBe(true);
    expect((await stores.findings.get('own-event'))?.archived).toBeUndefined();
  });

  it('leaves no reason or review behind when a plain Archive follows an un-archive', async () => {
    // Prepare: archived with a reason and review, then un-archived by an event
    await archived('plain-after', 3);
    await stores.findings.apply(finding('plain-after', { status: 'ACTIVE', updatedAt: iso(T0 + 1000) }), {
      suppressed: false,
    });
    // Act
    await stores.findings.beginAction(
      'plain-after',
      { action: 'archive', requestId: 'r2', by: 'U2', until: T0 + 2 * DAY },
      T0 + DAY,
    );
    await stores.findings.completeAction('plain-after', 'r2', {
      status: 'ARCHIVED',
      archived: { by: 'U2', at: iso(T0 + DAY) },
    });
    // Assess
    expect((await stores.findings.get('plain-after'))?.archived).toEqual({ by: 'U2', at: iso(T0 + DAY) });
  });

  it('moves a failed review behind later ones until its retry time, keeping its date and counting attempts', async () => {
    // Prepare: its own table, so only these two reviews are due
    const own = await testStores('reviews-defer');
    for (const [id, days] of [
      ['stuck', 1],
      ['later', 2],
    ] as const) {
      await own.findings.apply(finding(id), { suppressed: false });
      await own.findings.beginAction(
        id,
        { action: 'archive', requestId: `r-${id}`, by: 'U1', until: T0 + 1 },
        T0,
      );
      await own.findings.completeAction(id, `r-${id}`, {
        status: 'ARCHIVED',
        archived: { by: 'U1', at: iso(T0), reason: 'Partner audit role', reviewAt: iso(T0 + days * DAY) },
      });
    }
    const now = T0 + 3 * DAY;
    expect((await own.findings.dueReviews(now, 1)).map((d) => d.findingId)).toEqual(['stuck']);
    expect(await own.findings.claimReview('stuck', T0 + DAY, 'a', now, now + 60_000)).toBeDefined();
    // Act: the attempt failed
    await own.findings.deferReview('stuck', 'a', now + 60_000);
    // Assess: the later review is due first; the failed one again only at its retry time
    expect(await own.findings.dueReviews(now, 1)).toEqual([{ findingId: 'later', reviewAtMs: T0 + 2 * DAY }]);
    expect((await own.findings.dueReviews(now + 59_000, 10)).map((d) => d.findingId)).toEqual(['later']);
    expect(await own.findings.dueReviews(now + 60_000, 10)).toContainEqual({
      findingId: 'stuck',
      reviewAtMs: now + 60_000,
    });
    const rec = await own.findings.get('stuck');
    expect(rec?.archived?.reviewAt).toBe(iso(T0 + DAY));
    expect(rec?.reviewAttempts).toBe(1);
    // Act: the retry claims by the new due key, fails again, then succeeds
    const retry = await own.findings.claimReview('stuck', now + 60_000, 'b', now + 61_000, now + 120_000);
    expect(retry?.archived?.reviewAt).toBe(iso(T0 + DAY));
    await own.findings.deferReview('stuck', 'b', now + 200_000);
    expect((await own.findings.get('stuck'))?.reviewAttempts).toBe(2);
    expect(
      await own.findings.claimReview('stuck', now + 200_000, 'c', now + 201_000, now + 260_000),
    ).toBeDefined();
    expect(await own.findings.finishReview('stuck', 'c')).toBe(true);
    // Assess: nothing of the review is left
    const done = await own.findings.get('stuck');
    expect(done?.archived).toBeUndefined();
    expect(done?.reviewAttempts).toBeUndefined();
  });

  it('an ARCHIVED event records the archive an archive claim with a reason was making', async () => {
    // Prepare: claims taken, AWS called, but the bot's own write never came
    await stores.findings.apply(finding('claim-direct'), { suppressed: false });
    const why = { reason: 'Partner audit role', reviewAt: iso(T0 + 5 * DAY) };
    await stores.findings.beginAction(
      'claim-direct',
      { action: 'archive', requestId: 'r-direct', by: 'U1', until: T0 + 60_000, archive: why },
      T0,
    );
    await stores.findings.apply(finding('claim-approved'), { suppressed: false });
    await stores.findings.beginAction(
      'claim-approved',
      { action: 'archive', requestId: 'r-approved', by: 'U2', until: T0 + DAY },
      T0,
    );
    await stores.findings.notePendingArchive('claim-approved', 'r-approved', { reason: why.reason });
    // A request still waiting for approval: its claim says nothing about an archive yet
    await stores.findings.apply(finding('claim-waiting'), { suppressed: false });
    await stores.findings.beginAction(
      'claim-waiting',
      { action: 'archive', requestId: 'r-waiting', by: 'U3', until: T0 + DAY },
      T0,
    );
    expect((await stores.findings.get('claim-direct'))?.pending?.archive).toEqual(why);
    // Act: Access Analyzer's ARCHIVED events
    for (const id of ['claim-direct', 'claim-approved', 'claim-waiting']) {
      await stores.findings.apply(finding(id, { status: 'ARCHIVED', updatedAt: iso(T0 + 1000) }), {
        suppressed: false,
      });
    }
    // Assess
    const direct = await stores.findings.get('claim-direct');
    expect(direct?.finding.status).toBe('ARCHIVED');
    expect(direct?.archived).toEqual({ by: 'U1', at: iso(T0 + 1000), ...why });
    expect(direct?.pending).toBeUndefined();
    expect((await stores.findings.dueReviews(T0 + 6 * DAY, 100)).map((d) => d.findingId)).toContain(
      'claim-direct',
    );
    expect((await stores.findings.get('claim-approved'))?.archived).toEqual({
      by: 'U2',
      at: iso(T0 + 1000),
      reason: why.reason,
    });
    const waiting = await stores.findings.get('claim-waiting');
    expect(waiting?.archived).toBeUndefined();
    expect(waiting?.pending?.requestId).toBe('r-waiting');
  });

  it('adds the review index to a findings table created by an earlier version', async () => {
    // Prepare: the findings table as earlier versions created it (no review index)
    const prefix = uniquePrefix('old');
    await testDynamoDb().createTable({
      TableName: `${prefix}findings`,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const old = createStores(testDynamoDb(), { tablePrefix: prefix, createTables: true });
    // Act
    await old.initialize();
    // Assess
    expect(await old.findings.dueReviews(Date.now(), 10)).toEqual([]);
  });
});
