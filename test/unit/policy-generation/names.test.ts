import { InvalidInputError } from '../../../src/errors';
import {
  POLICY_NAME_MAX,
  POLICY_NAME_PATTERN,
  leastPrivilegePolicyName,
  utcDay,
  type PolicyNameOptions,
} from '../../../src/policy-generation/names';

const at = new Date('2026-03-31T23:30:00Z');

describe('leastPrivilegePolicyName', () => {
  it.each<[string, string, PolicyNameOptions, string]>([
    ['a role name', 'app-deployer', {}, 'app-deployer-least-privilege-20260331'],
    ['every character IAM allows', 'a_Z0+=,.@-', {}, 'a_Z0+=,.@--least-privilege-20260331'],
    ['one part of one', 'app', { part: 1, parts: 1 }, 'app-least-privilege-20260331'],
    ['the second of three parts', 'app', { part: 2, parts: 3 }, 'app-least-privilege-20260331-2of3'],
    ['characters IAM refuses', 'team/app role:1', {}, 'team-app-role-1-least-privilege-20260331'],
    ['surrounding spaces', '  app ', {}, 'app-least-privilege-20260331'],
    ['an empty name', '', {}, 'principal-least-privilege-20260331'],
  ])('names the policy of %s', (_name, principal, options, expected) => {
    // Prepare / Act
    const name = leastPrivilegePolicyName(principal, at, options);

    // Assess
    expect(name).toBe(expected);
    expect(name).toMatch(POLICY_NAME_PATTERN);
  });

  it('uses the UTC day, whatever the local time zone', () => {
    // Act / Assess
    expect(utcDay(new Date('2026-01-01T00:30:00+02:00'))).toBe('20251231');
  });

  it('shortens an over-long name, never the suffix, to 128 characters', () => {
    // Prepare
    const long = 'r'.repeat(200);

    // Act
    const name = leastPrivilegePolicyName(long, at, { part: 10, parts: 12 });

    // Assess
    expect(name).toHaveLength(POLICY_NAME_MAX);
    expect(name).toMatch(POLICY_NAME_PATTERN);
    expect(name.endsWith('-least-privilege-20260331-10of12')).toBe(true);
  });

  it('keeps a 64-character role name whole', () => {
    // Prepare
    const role = 'r'.repeat(64);

    // Act / Assess
    expect(leastPrivilegePolicyName(role, at, { part: 3, parts: 3 })).toBe(
      `${role}-least-privilege-20260331-3of3`,
    );
  });

  it.each<[string, Date, PolicyNameOptions]>([
    ['an invalid date', new Date('not a date'), {}],
    ['part 0', at, { part: 0, parts: 2 }],
    ['a part after the last', at, { part: 3, parts: 2 }],
    ['a fractional part', at, { part: 1.5, parts: 2 }],
  ])('refuses %s', (_name, date, options) => {
    // Act / Assess
    expect(() => leastPrivilegePolicyName('app', date, options)).toThrow(InvalidInputError);
  });
});
