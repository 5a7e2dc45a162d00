/**
 * The slice of IAM condition evaluation the trust- and resource-policy Denies rely on (IAM User Guide, "IAM
 * JSON policy elements: Condition operators" and "Condition with multiple context keys or values"):
 * - all operators of a block, and all keys of an operator, must hold (AND); the values of one key are
 *   alternatives (OR); a negated operator (`…Not…`) holds when the request value matches none of them;
 * - a key missing from the request: plain operators are false, negated operators are true, `…IfExists`
 *   operators are true; `Null: {key: 'true'}` holds exactly when the key is missing;
 * - `StringEquals`/`StringLike` are case-sensitive, `…IgnoreCase` is not; `*` and `?` are the wildcards of the
 *   `…Like` operators; `ArnEquals` and `ArnLike` both compare the six ARN parts separately, with wildcards;
 *   `Bool` compares `true`/`false`.
 * Anything else (other operators, `ForAnyValue:`/`ForAllValues:`, policy variables, keys outside
 * `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn`, `aws:PrincipalIsAWSService`,
 * `aws:SecureTransport`, or a key whose request value the caller did not know) makes the answer `'unknown'`,
 * never a guess.
 */
import type { ConditionBlock, ConditionScalar } from './policy-document';
import { parseArn } from './principals';

export type Tri = true | false | 'unknown';

/**
 * Request values by lower-cased key: a string when present, `null` when the request does not carry the key,
 * `undefined` (or no entry) when the value is not known.
 */
export type RequestContext = Record<string, string | null | undefined>;

export const SUPPORTED_KEYS = [
  'aws:PrincipalAccount',
  'aws:PrincipalOrgID',
  'aws:PrincipalArn',
  'aws:PrincipalIsAWSService',
  'aws:SecureTransport',
];
const SUPPORTED = new Set(SUPPORTED_KEYS.map((k) => k.toLowerCase()));

export interface ConditionResult {
  result: Tri;
  /** Why, for `false` and `'unknown'` results. */
  reason?: string;
}

/**
 * IAM wildcard matching: `*` any run of characters, `?` any one character.
 * @example wildcardMatch('sts:Assume*', 'sts:AssumeRole') // true
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function arnMatch(pattern: string, value: string): boolean {
  const p = parseArn(pattern);
  const v = parseArn(value);
  if (!p || !v) return pattern === '*' || wildcardMatch(pattern, value);
  const parts = ['partition', 'service', 'region', 'account', 'resource'] as const;
  return parts.every((part) => wildcardMatch(p[part], v[part]));
}

type Matcher = (requestValue: string, policyValue: string) => boolean | 'unknown';

const MATCHERS: Record<string, { match: Matcher; negated: boolean }> = {
  stringequals: { match: (r, p) => r === p, negated: false },
  stringnotequals: { match: (r, p) => r === p, negated: true },
  stringequalsignorecase: { match: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  stringnotequalsignorecase: { match: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: true },
  stringlike: { match: (r, p) => wildcardMatch(p, r), negated: false },
  stringnotlike: { match: (r, p) => wildcardMatch(p, r), negated: true },
  arnequals: { match: (r, p) => arnMatch(p, r), negated: false },
  arnlike: { match: (r, p) => arnMatch(p, r), negated: false },
  arnnotequals: { match: (r, p) => arnMatch(p, r), negated: true },
  arnnotlike: { match: (r, p) => arnMatch(p, r), negated: true },
  bool: {
    match: (r, p) => (/^(true|false)$/i.test(p) ? r.toLowerCase() === p.toLowerCase() : 'unknown'),
    negated: false,
  },
};

/** Kleene AND: any false → false; else any unknown → unknown; else true. */
export function allOf(results: Tri[]): Tri {
  if (results.includes(false)) return false;
  return results.includes('unknown') ? 'unknown' : true;
}

function evaluateKey(
  operator: string,
  key: string,
  values: ConditionScalar[],
  ctx: RequestContext,
): ConditionResult {
  const op = operator.toLowerCase();
  const lowerKey = key.toLowerCase();
  const unknown = (why: string): ConditionResult => ({
    result: 'unknown',
    reason: `${operator} ${key}: ${why}`,
  });
  if (op.includes(':')) return unknown('set operators (ForAnyValue/ForAllValues) are not modelled');
  if (!SUPPORTED.has(lowerKey)) return unknown('condition key not modelled');
  const texts = values.map(String);
  if (texts.some((t) => t.includes('${'))) return unknown('policy variables are not modelled');
  const requestValue = ctx[lowerKey];
  if (requestValue === undefined) return unknown('the request value is not known');
  const no = (why: string): ConditionResult => ({ result: false, reason: `${operator} ${key}: ${why}` });
  if (op === 'null') {
    if (!texts.every((t) => /^(true|false)$/i.test(t))) return unknown('Null takes true or false');
    const holds = texts.some((t) => (t.toLowerCase() === 'true') === (requestValue === null));
    return holds ? { result: true } : no(requestValue === null ? 'key is missing' : 'key is present');
  }
  const ifExists = op.endsWith('ifexists');
  const matcher = MATCHERS[ifExists ? op.slice(0, -'ifexists'.length) : op];
  if (!matcher) return unknown('condition operator not modelled');
  if (requestValue === null) {
    return ifExists || matcher.negated ? { result: true } : no('key is missing from the request');
  }
  const matches = texts.map((t) => matcher.match(requestValue, t));
  if (matches.includes(true)) return matcher.negated ? no(`"${requestValue}" matches`) : { result: true };
  if (matches.includes('unknown')) return unknown('value not comparable');
  return matcher.negated ? { result: true } : no(`"${requestValue}" does not match`);
}

/**
 * Evaluates a statement's `Condition` block against what is known of the request.
 * @example
 * evaluateCondition({StringNotEquals: {'aws:PrincipalAccount': '111122223333'}},
 *   {'aws:principalaccount': '999988887777'}) // {result: true}
 */
export function evaluateCondition(block: ConditionBlock | undefined, ctx: RequestContext): ConditionResult {
  const results: ConditionResult[] = [];
  for (const [operator, keys] of Object.entries(block ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      results.push(evaluateKey(operator, key, Array.isArray(value) ? value : [value], ctx));
    }
  }
  const result = allOf(results.map((r) => r.result));
  const reason = results.find((r) => r.result === result)?.reason;
  return result === true ? { result } : { result, reason };
}
