/**
 * What a generated policy grants, in the terms the `/iam-generate` result shows: services, actions and the
 * resource placeholders left to fill. Input is what GetGeneratedPolicy returns in
 * `generatedPolicyResult.generatedPolicies[].policy` (JSON text), one policy or the several Access Analyzer
 * splits a policy into when it is over the 6,144-character managed-policy limit. Pure: no I/O.
 *
 * **Placeholders.** With `includeResourcePlaceholders`, Access Analyzer writes resource ARNs with `${Name}`
 * for the parts the person must fill: `arn:aws:s3:::${BucketName}`, `arn:aws:kms:${Region}:${Account}:key/${KeyId}`,
 * `arn:aws:iam::${Account}:role/${RoleNameWithPath}`. A placeholder is `${` + a name of letters, digits and
 * `_` starting with a letter + `}`, found in `Resource` and `NotResource`. IAM policy variables are not
 * placeholders and are left alone: they always contain a colon (`${aws:username}`, `${aws:PrincipalTag/team}`)
 * or are one of the escapes `${*}`, `${?}`, `${$}`.
 *
 * @example
 *   summarizeGeneratedPolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",' +
 *     '"Action":["s3:CreateBucket","s3:PutBucketTagging"],"Resource":"arn:aws:s3:::${BucketName}"}]}')
 *   // { services: ['s3'], actions: ['s3:CreateBucket', 's3:PutBucketTagging'], placeholders: ['BucketName'] }
 */
import { asList, parsePolicyDocument, type PolicyDocument } from '../remediation/policy-document';

/** One generated policy: JSON text as GetGeneratedPolicy returns it, or an already parsed document. */
export type GeneratedPolicyInput = string | PolicyDocument;

export interface PolicySummary {
  /** Service prefixes, lower case, sorted: `['iam', 's3']`. */
  services: string[];
  /** Allowed actions as written (the first spelling when they differ only in case), sorted. */
  actions: string[];
  /** Placeholder names without `${…}` (`'BucketName'`), in order of first appearance. */
  placeholders: string[];
}

/** Matches one placeholder; group 1 is its name. Global: use with matchAll / replace. */
export const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The documents behind one or several generated policies, parsed and checked. */
export function parseGeneratedPolicies(
  input: GeneratedPolicyInput | readonly GeneratedPolicyInput[],
): PolicyDocument[] {
  const list: readonly GeneratedPolicyInput[] = Array.isArray(input)
    ? (input as readonly GeneratedPolicyInput[])
    : [input as GeneratedPolicyInput];
  return list.map((policy) => parsePolicyDocument(policy));
}

/** The placeholder names in one resource string, in order, each once. */
export function placeholdersInString(value: string): string[] {
  return unique([...value.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''));
}

/**
 * The placeholder names in the `Resource` and `NotResource` values of the documents, in order of first
 * appearance, each once.
 * @example placeholdersIn([{Statement: [{Effect: 'Allow', Action: 'kms:Decrypt',
 *   Resource: 'arn:aws:kms:${Region}:${Account}:key/${KeyId}'}]}]) // ['Region', 'Account', 'KeyId']
 */
export function placeholdersIn(documents: readonly PolicyDocument[]): string[] {
  const names = documents.flatMap((doc) =>
    doc.Statement.flatMap((s) => [...asList(s.Resource), ...asList(s.NotResource)]).flatMap(
      placeholdersInString,
    ),
  );
  return unique(names);
}

/**
 * Services, actions and placeholders of one generated policy or several (a split policy is summarised as
 * one). Only `Allow` statements with `Action` count towards actions: that is all Access Analyzer generates.
 * @throws PolicyDocumentError when a policy is not valid JSON or not an IAM policy.
 */
export function summarizeGeneratedPolicy(
  input: GeneratedPolicyInput | readonly GeneratedPolicyInput[],
): PolicySummary {
  const documents = parseGeneratedPolicies(input);
  const allowed = documents.flatMap((doc) =>
    doc.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action)),
  );
  const actions = uniqueIgnoringCase(allowed).sort(compareIgnoringCase);
  const services = unique(
    actions.map((a) => (a.includes(':') ? (a.split(':')[0] ?? '') : a).toLowerCase()),
  ).sort();
  return { services, actions, placeholders: placeholdersIn(documents) };
}

/**
 * The policy as readable JSON (2-space indentation), for the message or the uploaded file. Parsing first
 * means text that is not an IAM policy is refused instead of shown.
 * @example formatPolicy('{"Version":"2012-10-17","Statement":[]}') // '{\n  "Version": "2012-10-17",\n  "Statement": []\n}'
 */
export function formatPolicy(policy: GeneratedPolicyInput): string {
  return JSON.stringify(parsePolicyDocument(policy), null, 2);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) if (!seen.has(value.toLowerCase())) seen.set(value.toLowerCase(), value);
  return [...seen.values()];
}

function compareIgnoringCase(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}
