/**
 * IAM JSON policy documents as the remediation code reads and writes them (IAM User Guide, "IAM JSON policy
 * elements reference" and "Grammar of the IAM JSON policy language"):
 * - `Statement` is one object or a list; it is always a list after parsing (IAM accepts both on write).
 * - `Principal`/`NotPrincipal` is `"*"` or an object whose values are a string or a list of strings.
 * - `Action`/`NotAction` (exactly one of them) and `Resource`/`NotResource` are a string or a list of strings.
 * - `Condition` is operator → key → value(s); values may be strings, booleans or numbers.
 *
 * Parsing validates the structure but keeps every statement exactly as written (same keys, same key order,
 * same string-or-list forms, unknown keys kept), so an edit that touches one statement leaves the others
 * untouched. Pure: no I/O, inputs are never mutated.
 */
import { AppError } from '../errors';

export type PrincipalValue = string | string[];
/** `"*"` or e.g. `{AWS: 'arn:aws:iam::999988887777:user/Alice'}`, `{Federated: [...]}`. */
export type Principal = '*' | Record<string, PrincipalValue>;
export type ConditionScalar = string | boolean | number;
/** Operator → condition key → value(s), e.g. `{StringNotEquals: {'aws:PrincipalAccount': '111122223333'}}`. */
export type ConditionBlock = Record<string, Record<string, ConditionScalar | ConditionScalar[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  NotPrincipal?: Principal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
  /** Anything else the statement carried is preserved as is. */
  [other: string]: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
  [other: string]: unknown;
}

/** The input is not a well-formed IAM policy document; `path` names the offending element. */
export class PolicyDocumentError extends AppError {
  constructor(
    readonly reason: string,
    readonly path = '',
    options?: ErrorOptions,
  ) {
    const where = path ? ` at ${path}` : '';
    super(
      'malformed_policy_document',
      `malformed policy document${where}: ${reason}`,
      `The policy document is malformed${where}: ${reason}. Nothing changed.`,
      options,
    );
    this.name = 'PolicyDocumentError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string-or-list field as a list (`undefined` → `[]`). */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function checkStrings(value: unknown, path: string): void {
  const ok =
    (typeof value === 'string' && value.length > 0) ||
    (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0));
  if (!ok) throw new PolicyDocumentError('expected a non-empty string or list of strings', path);
}

function checkPrincipal(value: unknown, path: string): void {
  if (value === '*') return;
  if (!isRecord(value) || Object.keys(value).length === 0) {
    throw new PolicyDocumentError('expected "*" or an object such as {"AWS": "..."}', path);
  }
  for (const [kind, v] of Object.entries(value)) checkStrings(v, `${path}.${kind}`);
}

function checkCondition(value: unknown, path: string): void {
  if (!isRecord(value)) throw new PolicyDocumentError('expected an object of operators', path);
  const scalar = (v: unknown) => ['string', 'boolean', 'number'].includes(typeof v);
  for (const [operator, keys] of Object.entries(value)) {
    if (!isRecord(keys))
      throw new PolicyDocumentError('expected an object of condition keys', `${path}.${operator}`);
    for (const [key, v] of Object.entries(keys)) {
      const ok = scalar(v) || (Array.isArray(v) && v.length > 0 && v.every(scalar));
      if (!ok)
        throw new PolicyDocumentError('expected a value or a list of values', `${path}.${operator}.${key}`);
    }
  }
}

function checkStatement(value: unknown, path: string): PolicyStatement {
  if (!isRecord(value)) throw new PolicyDocumentError('expected a statement object', path);
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') {
    throw new PolicyDocumentError('Effect must be "Allow" or "Deny"', `${path}.Effect`);
  }
  if (value.Sid !== undefined && typeof value.Sid !== 'string') {
    throw new PolicyDocumentError('Sid must be a string', `${path}.Sid`);
  }
  if ('Action' in value === 'NotAction' in value) {
    throw new PolicyDocumentError('a statement needs exactly one of Action and NotAction', path);
  }
  for (const field of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (field in value) checkStrings(value[field], `${path}.${field}`);
  }
  for (const field of ['Principal', 'NotPrincipal']) {
    if (field in value) checkPrincipal(value[field], `${path}.${field}`);
  }
  if ('Condition' in value) checkCondition(value.Condition, `${path}.Condition`);
  return value as PolicyStatement;
}

/**
 * Validates a policy (JSON text or an already parsed value) and returns a deep copy with `Statement` as a list.
 * @throws PolicyDocumentError when the text is not JSON or the structure is not an IAM policy.
 * @example
 * parsePolicyDocument('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}')
 * // → {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole'}]}
 */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  let value: unknown;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new PolicyDocumentError('not valid JSON', '', { cause: err });
    }
  } else {
    // A JSON round trip deep-copies while keeping key order, and rejects what JSON cannot carry.
    const text = JSON.stringify(input);
    if (text === undefined) throw new PolicyDocumentError('expected a JSON object');
    value = JSON.parse(text);
  }
  if (!isRecord(value)) throw new PolicyDocumentError('expected a JSON object');
  if (value.Version !== undefined && typeof value.Version !== 'string') {
    throw new PolicyDocumentError('Version must be a string', 'Version');
  }
  const raw = value.Statement;
  if (raw === undefined) throw new PolicyDocumentError('missing Statement', 'Statement');
  const statements = Array.isArray(raw)
    ? raw.map((s, i) => checkStatement(s, `Statement[${i}]`))
    : [checkStatement(raw, 'Statement')];
  return { ...value, Statement: statements };
}

/**
 * Decodes a document as GetRole (`AssumeRolePolicyDocument`), GetRolePolicy and GetPolicyVersion return it:
 * RFC 3986 URL-encoded JSON, which the JS SDK v3 does not decode. Text that already starts with `{` is taken
 * as plain JSON (an encoded document never does: `{` is `%7B`).
 * @example
 * decodeIamDocument('%7B%22Statement%22%3A%5B%5D%7D') // → {Statement: []}
 */
export function decodeIamDocument(urlEncoded: string): PolicyDocument {
  const trimmed = urlEncoded.trim();
  if (trimmed.startsWith('{')) return parsePolicyDocument(trimmed);
  let text: string;
  try {
    text = decodeURIComponent(trimmed);
  } catch (err) {
    throw new PolicyDocumentError('not valid URL-encoded (RFC 3986) text', '', { cause: err });
  }
  return parsePolicyDocument(text);
}

/**
 * The canonical form: JSON with no whitespace between tokens, keys in document order. This is what should be
 * sent to IAM (never URL-encoded) and what size checks measure.
 * @example serializePolicyDocument({Version: '2012-10-17', Statement: []}) // '{"Version":"2012-10-17","Statement":[]}'
 */
export function serializePolicyDocument(document: PolicyDocument): string {
  return JSON.stringify(document);
}

/**
 * Length as IAM quotas count it ("whitespace not counted"). Measured on the canonical form, so whitespace
 * inside string values is counted too: the figure is never below IAM's, which keeps the size guard safe.
 * @example policyLength(parsePolicyDocument('{ "Statement": [] }')) // 16
 */
export function policyLength(document: PolicyDocument): number {
  return serializePolicyDocument(document).length;
}

/** JSON with object keys sorted: equal for documents or statements that differ only in key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
