import { permitted } from '../../../scripts/license-policy';

describe('licence allow-list', () => {
  it.each([
    'MIT',
    'Apache-2.0',
    'ISC',
    'BSD-3-Clause',
    '(MIT OR CC0-1.0)',
    'Apache-2.0 AND MIT',
    'Unlicense',
    'MIT*',
  ])('permits %s', (l) => expect(permitted(l)).toBe(true));
  it.each([
    'AGPL-3.0',
    'AGPL-3.0-only',
    'GPL-3.0',
    'GPL-2.0-or-later',
    'LGPL-3.0',
    'SSPL-1.0',
    'UNKNOWN',
    'MIT AND GPL-3.0',
    'UNLICENSED',
  ])('refuses %s', (l) => expect(permitted(l)).toBe(false));
  it('accepts a dual licence when one side is permissive', () => {
    expect(permitted('GPL-3.0 OR MIT')).toBe(true);
  });
});
