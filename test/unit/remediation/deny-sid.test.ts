import { InvalidInputError } from '../../../src/errors';
import { MAX_SID_LENGTH, denySid, isDenySid } from '../../../src/remediation/deny-sid';

/** The grammar IAM enforces for Sids in every IAM policy, trust policies included. */
const IAM_SID = /^[0-9A-Za-z]*$/;

describe('denySid', () => {
  it.each([
    ['a finding UUID', '22222222-dcba-4444-dcba-333333333333', 'AADeny22222222dcba4444dcba333333333333'],
    ['the blog finding id', '5a3b7c9d-1111-4e2f-9a8b-0123456789ab', 'AADeny5a3b7c9d11114e2f9a8b0123456789ab'],
    ['an id with underscores, dots, colons and spaces', 'a_b.c:d e', 'AADenyabcde'],
    ['an id with non-ASCII letters', 'ümlaut-ß-1', 'AADenymlaut1'],
    ['an id that is already alphanumeric', 'ABC123', 'AADenyABC123'],
  ])('turns %s into a valid IAM Sid', (_name, findingId, expected) => {
    // Prepare / Act
    const sid = denySid(findingId);

    // Assess
    expect(sid).toBe(expected);
    expect(sid).toMatch(IAM_SID);
    expect(sid.length).toBeLessThanOrEqual(MAX_SID_LENGTH);
  });

  it('is deterministic, and different UUIDs give different Sids', () => {
    // Prepare
    const a = '22222222-dcba-4444-dcba-333333333333';
    const b = '22222222-dcba-4444-dcba-333333333334';

    // Act / Assess
    expect(denySid(a)).toBe(denySid(a));
    expect(denySid(a)).not.toBe(denySid(b));
  });

  it('stays within 100 characters for very long ids and keeps them apart', () => {
    // Prepare
    const long = 'x'.repeat(300);
    const longToo = `${'x'.repeat(299)}y`;

    // Act
    const sids = [denySid(long), denySid(longToo)];

    // Assess
    for (const sid of sids) {
      expect(sid.length).toBe(MAX_SID_LENGTH);
      expect(sid).toMatch(IAM_SID);
    }
    expect(sids[0]).not.toBe(sids[1]);
  });

  it.each(['', '----', '  '])('rejects the id %p that has no letters or digits', (findingId) => {
    // Prepare / Act / Assess
    expect(() => denySid(findingId)).toThrow(InvalidInputError);
  });

  it('recognises the Sids it writes', () => {
    // Prepare / Act / Assess
    expect(isDenySid(denySid('22222222-dcba-4444-dcba-333333333333'))).toBe(true);
    expect(isDenySid('AllowAlice')).toBe(false);
    expect(isDenySid('AADeny-1')).toBe(false);
    expect(isDenySid(undefined)).toBe(false);
  });
});
