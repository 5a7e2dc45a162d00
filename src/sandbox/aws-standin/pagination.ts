import { validationError } from './errors';

/** A value a list can be sorted by; `undefined` sorts after every present value. */
export type SortValue = string | number | boolean | undefined;

/** Position of an item in a sorted list: its sort value, then a unique, stable sequence number. */
export interface SortKey {
  value: SortValue;
  seq: number;
}

export type Direction = 'ASC' | 'DESC';

interface Cursor {
  /** Last sort value returned (`null` for undefined, since JSON has no undefined). */
  v: string | number | boolean | null;
  s: number;
  /** Fingerprint of the query the token belongs to. */
  q: string;
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

/** Total order used for sorting and for "strictly after the cursor"; ties break on `seq` ascending. */
export function compareKeys(a: SortKey, b: SortKey, direction: Direction): number {
  const byValue = compareValues(a.value, b.value);
  if (byValue !== 0) {
    const bothPresent = a.value !== undefined && b.value !== undefined;
    return direction === 'DESC' && bothPresent ? -byValue : byValue;
  }
  return a.seq - b.seq;
}

function encode(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decode(token: string, query: string): SortKey {
  let cursor: Partial<Cursor>;
  try {
    cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw validationError('Invalid pagination token', 'other');
  }
  if (typeof cursor !== 'object' || cursor === null || typeof cursor.s !== 'number' || cursor.q !== query) {
    throw validationError('Invalid pagination token', 'other');
  }
  return { value: cursor.v ?? undefined, seq: cursor.s };
}

export interface PageOptions<T> {
  keyOf: (item: T) => SortKey;
  direction: Direction;
  maxResults: number | undefined;
  defaultMaxResults: number;
  nextToken: string | undefined;
  /** Anything that identifies the query (filter, sort, parent resource); a token is only valid for it. */
  query: string;
}

/**
 * Keyset pagination with opaque tokens, like AWS list APIs: the token remembers the last item returned, not
 * an offset, so archiving or adding findings between pages neither skips nor repeats the remaining ones.
 */
export function paginate<T>(items: readonly T[], options: PageOptions<T>): { page: T[]; nextToken?: string } {
  const { keyOf, direction } = options;
  const maxResults = options.maxResults ?? options.defaultMaxResults;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw validationError(`maxResults must be a positive integer, got ${maxResults}`);
  }
  const sorted = [...items].sort((a, b) => compareKeys(keyOf(a), keyOf(b), direction));
  const after = options.nextToken ? decode(options.nextToken, options.query) : undefined;
  const remaining = after ? sorted.filter((item) => compareKeys(keyOf(item), after, direction) > 0) : sorted;
  const page = remaining.slice(0, maxResults);
  const last = page[page.length - 1];
  if (remaining.length <= maxResults || last === undefined) return { page };
  const key = keyOf(last);
  return { page, nextToken: encode({ v: key.value ?? null, s: key.seq, q: options.query }) };
}
