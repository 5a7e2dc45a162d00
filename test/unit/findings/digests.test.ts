/** Digest grouping, eligibility and the digest message (issue #8, bursts). */
import { MAX_PER_DIGEST, digestGroupKey, digestible, groupForDigests } from '../../../src/findings/digests';
import type { Finding } from '../../../src/findings/finding';
import type { FindingRecord } from '../../../src/findings/ports';
import { DIGEST_LISTED, digestCard } from '../../../src/slack/blocks/digest-card';
import { DIGEST_EXPAND_ACTION, decodeDigestValue } from '../../../src/slack/ids';

const NOW = 1_700_000_000_000;

function rec(i: number, over: Partial<Finding> = {}, recOver: Partial<FindingRecord> = {}): FindingRecord {
  return {
    finding: {
      id: `f-${i}`,
      analyzerArn: 'arn:aws:access-analyzer:us-west-2:111122223333:analyzer/A',
      kind: 'external',
      status: 'ACTIVE',
      isDeleted: false,
      resource: `arn:aws:s3:::bucket-${i}`,
      resourceType: 'AWS::S3::Bucket',
      accountId: '111122223333',
      region: 'us-west-2',
      principal: { AWS: '999988887777' },
      createdAt: '2024-05-01T10:00:00Z',
      analyzedAt: '2024-05-01T10:00:00Z',
      updatedAt: '2024-05-01T10:00:00Z',
      ...over,
    } as Finding,
    updatedAtMs: NOW,
    suppressed: false,
    syncAttempts: 0,
    ...recOver,
  };
}

describe('digestGroupKey', () => {
  it('is the same for one account, resource type and principal, and differs when any of them does', () => {
    const base = digestGroupKey(rec(1).finding);
    expect(digestGroupKey(rec(2).finding)).toBe(base);
    expect(digestGroupKey(rec(3, { accountId: '444455556666' }).finding)).not.toBe(base);
    expect(digestGroupKey(rec(4, { resourceType: 'AWS::KMS::Key' }).finding)).not.toBe(base);
    expect(digestGroupKey(rec(5, { principal: { AWS: '*' } }).finding)).not.toBe(base);
  });
});

describe('groupForDigests', () => {
  it('keeps first-seen order and cuts groups at the maximum', () => {
    const records = [
      ...Array.from({ length: 7 }, (_, i) => rec(i)),
      rec(100, { principal: { AWS: '444455556666' } }),
    ];
    const groups = groupForDigests(records, 3);
    expect(groups.map((g) => g.ids)).toEqual([
      ['f-0', 'f-1', 'f-2'],
      ['f-3', 'f-4', 'f-5'],
      ['f-6'],
      ['f-100'],
    ]);
    expect(MAX_PER_DIGEST).toBe(50);
  });
});

describe('digestible', () => {
  it.each<[string, FindingRecord, boolean]>([
    ['a new active finding', rec(1), true],
    ['one with a card', rec(1, {}, { slack: { channel: 'C', ts: '1.2' } }), false],
    ['one in a digest', rec(1, {}, { digestId: 'd' }), false],
    ['one a sync holds', rec(1, {}, { leaseUntil: NOW + 1000 }), false],
    ['one whose lease ran out before any attempt', rec(1, {}, { leaseUntil: NOW - 1 }), true],
    ['one already tried (a card may be posted)', rec(1, {}, { syncAttempts: 1 }), false],
    ['an archived one', rec(1, { status: 'ARCHIVED' }), false],
    ['a suppressed one', rec(1, {}, { suppressed: true }), false],
  ])('%s: %s', (_, r, expected) => {
    expect(digestible(r, NOW)).toBe(expected);
  });
});

describe('digestCard', () => {
  const digest = {
    id: '0b8f6c1e-3a55-4c55-9d7f-8a4a2b1c0d9e',
    groupKey: 'k',
    findingIds: [],
    createdAt: NOW,
    postAttempts: 1,
    postDue: false,
  };

  it('lists the first findings, counts the rest and the states, and offers to show the active ones', () => {
    const members = Array.from({ length: 20 }, (_, i) => rec(i, i < 3 ? { status: 'ARCHIVED' } : {}));
    const card = digestCard({ digest, members, threshold: 20 });
    const text = JSON.stringify(card.blocks);
    expect(card.text).toBe(
      '20 new findings: AWS::S3::Bucket shared with AWS: 999988887777 (account 111122223333)',
    );
    expect(text).toContain('bucket-0');
    expect(text).toContain(`bucket-${DIGEST_LISTED - 1}`);
    expect(text).not.toContain(`bucket-${DIGEST_LISTED}\``);
    expect(text).toContain(`…and ${20 - DIGEST_LISTED} more`);
    expect(text).toContain('17 active · 3 archived · 0 resolved');
    const actions = card.blocks.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string; text: { text: string } }[];
    };
    expect(actions.elements[0]?.action_id).toBe(DIGEST_EXPAND_ACTION);
    expect(actions.elements[0]?.text.text).toBe('Show 17 findings');
    expect(decodeDigestValue(actions.elements[0]?.value)).toBe(digest.id);
  });

  it('says who expanded it, without the button', () => {
    const card = digestCard({
      digest: { ...digest, expanded: { by: 'U0ONCALL', at: NOW } },
      members: [rec(1)],
      threshold: 20,
    });
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('Expanded by <@U0ONCALL>');
    expect(text).not.toContain(DIGEST_EXPAND_ACTION);
  });

  it('offers nothing to show when no finding is active', () => {
    const card = digestCard({ digest, members: [rec(1, { status: 'RESOLVED' })], threshold: 20 });
    expect(JSON.stringify(card.blocks)).not.toContain(DIGEST_EXPAND_ACTION);
    expect(JSON.stringify(card.blocks)).toContain('None of these findings is active any more');
  });

  it('escapes hostile resource names and principals', () => {
    const card = digestCard({
      digest,
      members: [rec(1, { resource: 'arn:aws:s3:::<!channel>', principal: { AWS: '<@U0BOSS>' } })],
      threshold: 20,
    });
    const text = JSON.stringify(card.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0BOSS>');
    expect(card.text).not.toContain('<@U0BOSS>');
  });
});

describe('decodeDigestValue', () => {
  it.each(['', 'nope', '{"d":"not-a-uuid"}', '{"d":"0b8f6c1e-3a55-4c55-9d7f-8a4a2b1c0d9e","x":1}'])(
    'refuses %s',
    (raw) => {
      expect(() => decodeDigestValue(raw)).toThrow(/no digest reference/);
    },
  );
});
