import { validationError } from './errors';
import type { StandinFinding } from './access-analyzer-model';
import type { Direction, SortValue } from './pagination';

/** The API's `Criterion`: every operator given must hold; values are strings, booleans included. */
export interface Criterion {
  eq?: string[];
  neq?: string[];
  contains?: string[];
  exists?: boolean;
}

export type FilterMap = Record<string, Criterion>;

const SCALAR_KEYS = [
  'id',
  'status',
  'resource',
  'resourceType',
  'resourceOwnerAccount',
  'error',
  'findingType',
  'resourceControlPolicyRestriction',
] as const;

/**
 * Reads a filter key of the ListFindings/ListFindingsV2/archive-rule filter language: plain attributes,
 * `isPublic` as 'true'/'false', and the dotted `principal.<Kind>` / `condition.<key>` forms. Unknown keys are
 * rejected with a ValidationException (the real service's exact message is not reproduced).
 */
function attribute(finding: StandinFinding, key: string): string | undefined {
  if ((SCALAR_KEYS as readonly string[]).includes(key)) {
    return finding[key as (typeof SCALAR_KEYS)[number]];
  }
  if (key === 'isPublic') return finding.isPublic === undefined ? undefined : String(finding.isPublic);
  if (key.startsWith('principal.')) return finding.principal?.[key.slice('principal.'.length)];
  if (key.startsWith('condition.')) return finding.condition[key.slice('condition.'.length)];
  throw validationError(`Unsupported filter key: ${key}`);
}

function checkValues(key: string, op: string, values: unknown): void {
  if (values === undefined) return;
  const ok = Array.isArray(values) && values.length >= 1 && values.length <= 20;
  if (!ok || !values.every((v) => typeof v === 'string')) {
    throw validationError(`filter.${key}.${op} must be a list of 1 to 20 strings`);
  }
}

/** Rejects malformed filters up front, so a bad filter fails even when no finding would be examined. */
export function validateFilter(filter: unknown): FilterMap {
  if (filter === undefined || filter === null) return {};
  if (typeof filter !== 'object' || Array.isArray(filter)) throw validationError('filter must be a map');
  const probe = { condition: {}, unusedDetails: [] } as unknown as StandinFinding;
  for (const [key, criterion] of Object.entries(filter as Record<string, Criterion>)) {
    attribute(probe, key);
    if (typeof criterion !== 'object' || criterion === null)
      throw validationError(`filter.${key} is invalid`);
    for (const op of ['eq', 'neq', 'contains'] as const) checkValues(key, op, criterion[op]);
    const empty = ['eq', 'neq', 'contains', 'exists'].every(
      (op) => criterion[op as keyof Criterion] === undefined,
    );
    if (empty) throw validationError(`filter.${key} needs at least one of eq, neq, contains, exists`);
  }
  return filter as FilterMap;
}

export function matchesFilter(finding: StandinFinding, filter: FilterMap): boolean {
  return Object.entries(filter).every(([key, criterion]) => {
    const value = attribute(finding, key);
    if (criterion.exists !== undefined && criterion.exists !== (value !== undefined)) return false;
    if (criterion.eq && (value === undefined || !criterion.eq.includes(value))) return false;
    if (criterion.neq && value !== undefined && criterion.neq.includes(value)) return false;
    if (
      criterion.contains &&
      (value === undefined || !criterion.contains.some((part) => value.includes(part)))
    ) {
      return false;
    }
    return true;
  });
}

const DATE_KEYS = ['createdAt', 'analyzedAt', 'updatedAt'] as const;

export interface SortSpec {
  valueOf: (finding: StandinFinding) => SortValue;
  direction: Direction;
}

/**
 * The API's `SortCriteria {attributeName, orderBy}`. Any top-level scalar attribute may be named; without a
 * sort the stand-in returns findings in creation order (the real default order is not documented).
 */
export function sortSpec(sort: unknown): SortSpec {
  const { attributeName, orderBy } = (sort ?? {}) as { attributeName?: string; orderBy?: string };
  if (orderBy !== undefined && orderBy !== 'ASC' && orderBy !== 'DESC') {
    throw validationError(`sort.orderBy must be ASC or DESC`);
  }
  const direction: Direction = orderBy ?? 'ASC';
  if (attributeName === undefined) return { valueOf: () => undefined, direction };
  if ((DATE_KEYS as readonly string[]).includes(attributeName)) {
    const key = attributeName as (typeof DATE_KEYS)[number];
    return { valueOf: (f) => f[key].getTime(), direction };
  }
  if (attributeName === 'isPublic' || (SCALAR_KEYS as readonly string[]).includes(attributeName)) {
    return { valueOf: (f) => attribute(f, attributeName), direction };
  }
  throw validationError(`Unsupported sort attribute: ${attributeName}`);
}
