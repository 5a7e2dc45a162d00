/**
 * The gap: what a principal's policies grant today that it did not use in the generation window, i.e. what a
 * least-privilege policy would take away. Pure: no I/O; the caller reads the attached and inline policies
 * (decoded) and passes the used actions from summarizeGeneratedPolicy.
 *
 * Rules (kept simple on purpose, and on the safe side: a gap is never hidden, at worst over-reported):
 * - Only `Allow` statements count. Deny statements, `Resource`, `Condition` and permissions boundaries are
 *   ignored: the gap is about actions, as the generated policy is.
 * - Actions match as IAM matches them: case-insensitive, `*` any run of characters, `?` one character.
 * - A granted action without wildcards is in the gap when no used action or pattern matches it.
 * - A granted wildcard (`*`, `s3:*`, `s3:Get*`) is in the gap unless one used pattern covers all of it (the
 *   service-level template can generate `s3:*`): with no action catalogue, a wildcard is assumed to grant
 *   more than the used actions it matches. It is reported as `unused` when no used action falls in it, and
 *   as `wider` ("all actions except the 2 used") when some do.
 * - An `Allow` with `NotAction` grants every action except those listed; it is covered only by a used `*`.
 * - The same pattern granted by several policies is one entry listing every policy (case-insensitive).
 *
 * @example
 *   policyGap([{ name: 'AdministratorAccess', document: adminDoc }], ['s3:CreateBucket', 's3:ListAllMyBuckets'])
 *   // [{ granted: '*', kind: 'wider', usedWithin: ['s3:CreateBucket', 's3:ListAllMyBuckets'],
 *   //    policies: ['AdministratorAccess'], description: 'all actions except the 2 used' }]
 */
import { asList, parsePolicyDocument, type PolicyDocument } from '../remediation/policy-document';

/** A policy the principal has today: an attached managed policy or an inline one, by name. */
export interface GrantedPolicy {
  name: string;
  /** Plain JSON text or a parsed document (decode IAM's URL-encoded text first: decodeIamDocument). */
  document: string | PolicyDocument;
}

export interface GapEntry {
  /** The granted action or pattern as first written, or `NotAction: a, b` for a NotAction statement. */
  granted: string;
  /** `unused`: nothing in it was used; `wider`: a wildcard of which only `usedWithin` was used. */
  kind: 'unused' | 'wider';
  /** The used actions (or patterns) that fall inside the grant, sorted. */
  usedWithin: string[];
  /** Names of the policies that grant it, in input order. */
  policies: string[];
  /** One line for people: `all s3 actions except the 2 used`, `s3:DeleteBucket (not used)`. */
  description: string;
}

/** Whether an IAM action pattern (`s3:Get*`, `*`, `s3:CreateBucket`) matches an action, as IAM matches. */
export function actionMatches(pattern: string, action: string): boolean {
  return globRegex(pattern, '.').test(action);
}

/**
 * Whether every action `inner` matches is matched by `outer` too. Sound (never true when it is not), which
 * is what keeps the gap from being hidden; exotic patterns may be reported uncovered.
 * @example patternCovers('s3:*', 's3:Get*') // true
 * @example patternCovers('s3:Get*', 's3:*') // false
 */
export function patternCovers(outer: string, inner: string): boolean {
  // `inner` is read literally: its `*` can only be absorbed by a `*` of `outer`, its `?` by a `?` or a `*`.
  return globRegex(outer, '[^*]').test(inner);
}

function globRegex(pattern: string, one: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? one : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

const hasWildcard = (pattern: string): boolean => /[*?]/.test(pattern);

function describeGap(granted: string, usedCount: number, notActions?: string[]): string {
  const used = usedCount === 0 ? ' (none used)' : ` except the ${usedCount} used`;
  if (notActions) return `all actions but ${notActions.join(', ')} (NotAction)${used}`;
  if (!hasWildcard(granted)) return `${granted} (not used)`;
  if (granted === '*') return `all actions${used}`;
  const service = /^([^:*?]+):\*$/.exec(granted);
  if (service) return `all ${service[1]?.toLowerCase()} actions${used}`;
  return `all actions matching ${granted}${used}`;
}

interface Grant {
  granted: string;
  policies: string[];
  notActions?: string[];
}

function collectGrants(granted: readonly GrantedPolicy[]): Grant[] {
  const grants = new Map<string, Grant>();
  const add = (key: string, grant: Omit<Grant, 'policies'>, policy: string): void => {
    const existing = grants.get(key);
    if (!existing) grants.set(key, { ...grant, policies: [policy] });
    else if (!existing.policies.includes(policy)) existing.policies.push(policy);
  };
  for (const { name, document } of granted) {
    for (const statement of parsePolicyDocument(document).Statement) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asList(statement.Action)) add(action.toLowerCase(), { granted: action }, name);
      if (statement.NotAction !== undefined) {
        const notActions = asList(statement.NotAction);
        const granted = `NotAction: ${notActions.join(', ')}`;
        add(granted.toLowerCase(), { granted, notActions }, name);
      }
    }
  }
  return [...grants.values()];
}

/**
 * What the granted policies allow beyond the used actions, sorted by the granted pattern (rules in the header).
 * @param used actions or patterns the principal used (`summarizeGeneratedPolicy(...).actions`).
 * @throws PolicyDocumentError when a granted document is not an IAM policy.
 */
export function policyGap(granted: readonly GrantedPolicy[], used: readonly string[]): GapEntry[] {
  const entries: GapEntry[] = [];
  for (const grant of collectGrants(granted)) {
    const { notActions } = grant;
    const covered = notActions ? used.includes('*') : used.some((u) => patternCovers(u, grant.granted));
    if (covered) continue;
    const usedWithin = used
      .filter((u) =>
        notActions ? !notActions.some((n) => patternCovers(n, u)) : patternCovers(grant.granted, u),
      )
      .sort();
    entries.push({
      granted: grant.granted,
      kind: usedWithin.length === 0 ? 'unused' : 'wider',
      usedWithin,
      policies: grant.policies,
      description: describeGap(grant.granted, usedWithin.length, notActions),
    });
  }
  const key = (e: GapEntry): string => e.granted.toLowerCase();
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
