import type { ValidationNote } from '../../../src/aws/policy-generation';
import type { GapEntry } from '../../../src/policy-generation/gap';
import { RESULT_LIST_MAX, capResult } from '../../../src/policy-generation/generations';
import type { GenerationResult } from '../../../src/policy-generation/job';

const gapEntries = (n: number): GapEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    granted: `ec2:Action${i}`,
    kind: 'unused',
    usedWithin: [],
    policies: ['AdministratorAccess'],
    description: `ec2:Action${i} (not used)`,
  }));
const notes = (n: number, code: string): ValidationNote[] =>
  Array.from({ length: n }, (_, i) => ({ issueCode: code, findingDetails: `${code} ${i}` }));

/** A result; `without` leaves those optional fields out altogether. */
function result(
  overrides: Partial<GenerationResult> = {},
  without: ('gap' | 'validation')[] = [],
): GenerationResult {
  const base: GenerationResult = {
    policies: ['{"Version":"2012-10-17","Statement":[]}'],
    summary: { services: ['ec2'], actions: ['ec2:DescribeInstances'], placeholders: [] },
    validation: { errors: [], securityWarnings: [], warnings: [], suggestions: [] },
    gap: gapEntries(3),
    notes: ['Access Analyzer took its time.'],
    ...overrides,
  };
  for (const key of without) delete base[key];
  return base;
}

describe('capResult: the result as stored, long lists cut', () => {
  it('keeps a result whose lists are within the limit as it is', () => {
    const atLimit = result({
      gap: gapEntries(RESULT_LIST_MAX),
      validation: {
        errors: notes(1, 'ERR'),
        securityWarnings: notes(RESULT_LIST_MAX, 'SEC'),
        warnings: [],
        suggestions: notes(2, 'SUG'),
      },
    });

    expect(capResult(atLimit)).toEqual(atLimit);
    expect(capResult(result())).toEqual(result());
  });

  it('keeps the first RESULT_LIST_MAX of a longer gap and says how many were left out', () => {
    const long = result({ gap: gapEntries(RESULT_LIST_MAX + 37) });

    const capped = capResult(long);

    expect(capped.gap).toEqual(gapEntries(RESULT_LIST_MAX));
    expect(capped.notes).toEqual([
      'Access Analyzer took its time.',
      `37 more gap entries not kept (first ${RESULT_LIST_MAX} shown).`,
    ]);
    expect(capped.policies).toBe(long.policies);
    expect(capped.summary).toBe(long.summary);
    expect(capped.validation).toEqual(long.validation);
  });

  it('cuts each ValidatePolicy severity on its own, one note per list cut', () => {
    const long = result(
      {
        validation: {
          errors: notes(RESULT_LIST_MAX + 1, 'ERR'),
          securityWarnings: notes(5, 'SEC'),
          warnings: notes(RESULT_LIST_MAX * 2, 'WARN'),
          suggestions: notes(RESULT_LIST_MAX, 'SUG'),
        },
      },
      ['gap'],
    );

    const capped = capResult(long);

    expect(capped.validation?.errors).toEqual(notes(RESULT_LIST_MAX, 'ERR'));
    expect(capped.validation?.securityWarnings).toEqual(notes(5, 'SEC'));
    expect(capped.validation?.warnings).toEqual(notes(RESULT_LIST_MAX, 'WARN'));
    expect(capped.validation?.suggestions).toEqual(notes(RESULT_LIST_MAX, 'SUG'));
    expect(capped.notes.slice(1)).toEqual([
      `1 more ValidatePolicy errors not kept (first ${RESULT_LIST_MAX} shown).`,
      `${RESULT_LIST_MAX} more ValidatePolicy warnings not kept (first ${RESULT_LIST_MAX} shown).`,
    ]);
    expect(capped).not.toHaveProperty('gap');
  });

  it('leaves the result it was given untouched', () => {
    const long = result({ gap: gapEntries(RESULT_LIST_MAX + 1) });
    const copy = structuredClone(long);

    capResult(long);

    expect(long).toEqual(copy);
  });

  it('keeps a result without ValidatePolicy findings or gap without them', () => {
    const bare = result({}, ['validation', 'gap']);

    const capped = capResult(bare);

    expect(capped).toEqual(bare);
    expect(capped).not.toHaveProperty('validation');
    expect(capped).not.toHaveProperty('gap');
  });
});
