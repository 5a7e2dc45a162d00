/**
 * The IAM JSON policy language as the stand-in reads it (IAM User Guide, "IAM JSON policy elements
 * reference" and "Grammar of the IAM JSON policy language"):
 * - `Statement` is one object or a list; `Action`, `Resource`, principal values and condition values may be a
 *   string or a list of strings; `"Principal": "*"` means `{"AWS": "*"}`.
 * - action names and condition operators/keys are case-insensitive; `*` and `?` are the only wildcards.
 * - a principal `{"AWS": "999988887777"}` and `arn:aws:iam::999988887777:root` both mean "that account".
 * Structural problems raise PolicySyntaxError; each service turns it into its own error (IAM
 * MalformedPolicyDocument, S3 MalformedPolicy, ...). Size limits are measured as AWS does for IAM: length of
 * the document with all whitespace removed.
 */

export type PrincipalMap = Record<string, string[]>;

/** Condition block: operator → condition key → values, e.g. `{StringEquals: {'aws:PrincipalAccount': [...]}}`. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface Statement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: PrincipalMap;
  notPrincipal?: PrincipalMap;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition: ConditionBlock;
}

export interface PolicyDocument {
  version?: string;
  statements: Statement[];
}

export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError';
}

type Json = Record<string, unknown>;

/** Parses and normalises a policy; throws PolicySyntaxError for anything AWS would reject as malformed. */
export function parsePolicy(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PolicySyntaxError('This policy contains invalid Json');
  }
  if (!isObject(raw)) throw new PolicySyntaxError('The policy must be a JSON object');
  const version = raw.Version;
  if (version !== undefined && typeof version !== 'string') throw new PolicySyntaxError('Invalid Version');
  const list = raw.Statement;
  if (list === undefined) throw new PolicySyntaxError('Missing required field Statement');
  const items = Array.isArray(list) ? list : [list];
  if (items.length === 0) throw new PolicySyntaxError('Missing required field Statement');
  return { version, statements: items.map((item, index) => parseStatement(item, index)) };
}

function parseStatement(item: unknown, index: number): Statement {
  if (!isObject(item)) throw new PolicySyntaxError(`Statement ${index} is not an object`);
  const effect = item.Effect;
  if (effect === undefined) throw new PolicySyntaxError('Missing required field Effect');
  if (effect !== 'Allow' && effect !== 'Deny')
    throw new PolicySyntaxError(`Invalid effect: ${String(effect)}`);
  if (item.Action === undefined && item.NotAction === undefined) {
    throw new PolicySyntaxError('Missing required field Action');
  }
  if (item.Sid !== undefined && typeof item.Sid !== 'string') throw new PolicySyntaxError('Invalid Sid');
  return {
    index,
    sid: item.Sid as string | undefined,
    effect,
    principal: principalMap(item.Principal, 'Principal'),
    notPrincipal: principalMap(item.NotPrincipal, 'NotPrincipal'),
    action: stringList(item.Action, 'Action'),
    notAction: stringList(item.NotAction, 'NotAction'),
    resource: stringList(item.Resource, 'Resource'),
    notResource: stringList(item.NotResource, 'NotResource'),
    condition: conditionBlock(item.Condition),
  };
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    throw new PolicySyntaxError(`Invalid ${field}: expected a string or a list of strings`);
  }
  return list as string[];
}

function principalMap(value: unknown, field: string): PrincipalMap | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return { AWS: ['*'] };
  if (!isObject(value)) throw new PolicySyntaxError(`Invalid ${field}`);
  const map: PrincipalMap = {};
  for (const [type, values] of Object.entries(value)) {
    if (!['AWS', 'Federated', 'Service', 'CanonicalUser'].includes(type)) {
      throw new PolicySyntaxError(`Invalid principal type ${type}`);
    }
    map[type] = stringList(values, `${field}.${type}`) ?? [];
  }
  return map;
}

function conditionBlock(value: unknown): ConditionBlock {
  if (value === undefined) return {};
  if (!isObject(value)) throw new PolicySyntaxError('Invalid Condition');
  const block: ConditionBlock = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!isObject(keys)) throw new PolicySyntaxError(`Invalid Condition operator ${operator}`);
    block[operator] = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (!list.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        throw new PolicySyntaxError(`Invalid Condition value for ${key}`);
      }
      block[operator][key] = list.map(String);
    }
  }
  return block;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Size as AWS counts it for IAM quotas: characters left once all whitespace is removed. */
export function sizeWithoutWhitespace(text: string): number {
  return text.replace(/\s/g, '').length;
}

/**
 * RFC 3986 percent-encoding, as IAM returns policy documents (GetRole, GetPolicyVersion, GetRolePolicy):
 * `encodeURIComponent` plus the sub-delimiters it leaves alone.
 */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** IAM glob: `*` any run of characters, `?` one character; case-insensitive unless told otherwise. */
export function wildcardMatch(pattern: string, value: string, caseSensitive = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseSensitive ? '' : 'i').test(value);
}

/** True when `pattern` (from an Action/NotAction element) matches the action or action pattern `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action);
}

/**
 * The account an AWS principal value belongs to: a bare account id, or field 5 of an `arn:aws:iam::` /
 * `arn:aws:sts::` ARN; `*` for everyone; undefined for forms the stand-in cannot place (unique ids, wildcards).
 */
export function principalAccount(value: string): string | undefined {
  if (value === '*') return '*';
  if (/^\d{12}$/.test(value)) return value;
  const match = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(value);
  return match?.[1];
}

/** `arn:aws:iam::123456789012:root` → `123456789012` (how findings name "the whole account"); else as given. */
export function normalizePrincipal(value: string): string {
  const match = /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(value);
  return match?.[1] ?? value;
}
