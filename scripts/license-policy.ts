/** The licence policy: which SPDX expressions the project accepts in its dependency tree. */

/** Permissive licences (code) and permissive data/documentation licences some packages ship data under. */
export const ALLOWED = new Set([
  'MIT',
  'MIT-0',
  'Apache-2.0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'Unlicense',
  'CC0-1.0',
  'CC-BY-3.0',
  'CC-BY-4.0',
  'Public Domain',
  'Python-2.0',
  'Zlib',
]);

/** True when the SPDX expression is satisfied by allowed licences only. */
export function permitted(expression: string): boolean {
  const e = expression
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .replace(/\*$/, '');
  if (/ OR /i.test(e)) return e.split(/ OR /i).some(permitted);
  if (/ AND /i.test(e)) return e.split(/ AND /i).every(permitted);
  return ALLOWED.has(e.trim().replace(/^\(|\)$/g, ''));
}
