/**
 * "Deny" on an IAM role finding, as a pure edit of the role's trust policy (AssumeRolePolicyDocument).
 *
 * IAM rules followed:
 * - an explicit Deny in the trust policy beats every Allow, whatever the caller's own policies say, so the bot
 *   appends one Deny statement and leaves the Allow statements as they are;
 * - the Deny names the finding's principal (an account id becomes `arn:<partition>:iam::<id>:root`) and every
 *   STS action through which that kind of principal gets in (see principals.ts), plus any `sts:` action the
 *   finding lists; trust-policy statements take no `Resource` ("Has prohibited field Resource");
 * - its Sid is `denySid(finding.id)`, alphanumeric and unique, so the same Deny is never added twice and Undo
 *   removes exactly it;
 * - a public finding (principal `*` or `isPublic`) never gets a bare `Deny *`, which would lock out the owner
 *   account and AWS services: it denies `*` only outside the zone of trust (`StringNotEquals`
 *   `aws:PrincipalAccount` = own account, or `aws:PrincipalOrgID` = the organization) and only for callers that
 *   are not AWS services (`BoolIfExists aws:PrincipalIsAWSService false`), and only for signed requests, which
 *   carry `aws:PrincipalAccount` (`Null … false`): federated sign-ins (AssumeRoleWithSAML / WebIdentity) carry
 *   no account, so without it a negated account condition would match them and refuse the owner's own tagged
 *   SAML/OIDC sessions (sts:TagSession, sts:SetSourceIdentity);
 * - the trust policy length quota (2,048 characters without whitespace by default; accounts can raise it) is
 *   checked before anything is returned.
 * Inputs are never mutated; the AWS calls (GetRole, UpdateAssumeRolePolicy) belong to the caller.
 */
import { AppError, InvalidInputError } from '../errors';
import type { Finding } from '../findings/finding';
import { denySid } from './deny-sid';
import { policyDiff } from './policy-diff';
import {
  parsePolicyDocument,
  policyLength,
  stableJson,
  type PolicyDocument,
  type PolicyStatement,
} from './policy-document';
import {
  accountRoot,
  assumeActionsFor,
  isAccountId,
  orderActions,
  parseArn,
  type PrincipalKind,
} from './principals';

export { policyDiff } from './policy-diff';

/** Default IAM quota for a role trust policy, in characters without whitespace. */
export const DEFAULT_TRUST_POLICY_MAX_CHARS = 2048;

/** What the Deny needs from a finding; principal values may also be lists. */
export type DenyFinding = Pick<Finding, 'id' | 'action' | 'isPublic'> & {
  principal?: Record<string, string | string[]>;
};

export interface DenyOptions {
  /** The account that owns the role (12 digits): it keeps its access when a public finding is denied. */
  ownAccount: string;
  /** When set, a public finding is denied outside this organization (`o-…`) instead of outside the account. */
  orgId?: string;
  /** The account's trust policy length quota. Default 2,048; Service Quotas can raise it. */
  maxChars?: number;
  /** ARN partition for account-root principals. Default `aws`. */
  partition?: string;
}

export interface AddDenyResult {
  document: PolicyDocument;
  /** The Deny statement as it is in `document`. */
  statement: PolicyStatement;
  /** False when the same statement was already there (the document is then returned as it was). */
  changed: boolean;
  diff: string;
}

export interface RemoveDenyResult {
  document: PolicyDocument;
  removed: boolean;
  diff: string;
}

/** The edited policy would exceed its quota; nothing is returned and nothing changed. */
export class PolicyTooLargeError extends AppError {
  constructor(
    readonly length: number,
    readonly quota: number,
    /** What the message calls the policy, e.g. `bucket policy`. */
    what = 'trust policy',
  ) {
    const message = `the ${what} would be ${length} characters; the quota is ${quota}; nothing changed`;
    super('policy_too_large', message, `Cannot add the Deny: ${message}.`);
    this.name = 'PolicyTooLargeError';
  }
}

/** The finding cannot be turned into a trust-policy Deny (no principal, a principal kind trust policies lack…). */
export class DenyNotApplicableError extends AppError {
  constructor(reason: string) {
    super('deny_not_applicable', reason, `Deny is not possible for this finding: ${reason}.`);
    this.name = 'DenyNotApplicableError';
  }
}

const KINDS: PrincipalKind[] = ['AWS', 'Federated', 'Service'];

function listOf(values: Iterable<string>): string | string[] {
  const list = [...new Set(values)];
  return list.length === 1 ? list[0]! : list;
}

/** The principal values of the finding, by kind, in the form IAM stores them. */
function findingPrincipals(finding: DenyFinding, partition: string): Map<PrincipalKind, string[]> {
  const byKind = new Map<PrincipalKind, string[]>();
  for (const [key, raw] of Object.entries(finding.principal ?? {})) {
    const kind = KINDS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (!kind) throw new DenyNotApplicableError(`a role trust policy has no "${key}" principals`);
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => v.trim());
    for (const value of values) {
      if (kind === 'AWS' && value !== '*' && !isAccountId(value) && !parseArn(value)) {
        throw new DenyNotApplicableError(
          `"${value}" is neither an account id nor an ARN (a deleted principal?); deny its account instead`,
        );
      }
      const stored = kind === 'AWS' && isAccountId(value) ? accountRoot(value, partition) : value;
      byKind.set(kind, [...(byKind.get(kind) ?? []), stored]);
    }
  }
  return byKind;
}

/**
 * The Deny statement for a finding (without touching any document).
 * @example
 * trustPolicyDenyStatement(aliceFinding, { ownAccount: '111122223333' })
 * // {Sid: 'AADeny…', Effect: 'Deny', Principal: {AWS: 'arn:aws:iam::999988887777:user/Alice'},
 * //  Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']}
 */
export function trustPolicyDenyStatement(finding: DenyFinding, options: DenyOptions): PolicyStatement {
  const { ownAccount, orgId, partition = 'aws' } = options;
  if (!isAccountId(ownAccount))
    throw new InvalidInputError(`ownAccount must be 12 digits, got "${ownAccount}"`);
  if (orgId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(orgId)) {
    throw new InvalidInputError(`orgId must look like o-abcdefghij, got "${orgId}"`);
  }
  const byKind = findingPrincipals(finding, partition);
  const isPublic = finding.isPublic === true || [...byKind.values()].some((vs) => vs.includes('*'));
  if (byKind.size === 0 && !isPublic) throw new DenyNotApplicableError('the finding names no principal');
  if (byKind.size === 0) byKind.set('AWS', ['*']);

  const actions = [...byKind].flatMap(([kind, values]) => values.flatMap((v) => assumeActionsFor(kind, v)));
  actions.push(...(finding.action ?? []).filter((a) => /^sts:/i.test(a)));
  const statement: PolicyStatement = { Sid: denySid(finding.id), Effect: 'Deny' };
  if (isPublic) {
    // Everyone outside the zone of trust; the owner account (or organization) and AWS services keep working.
    statement.Principal = '*';
    statement.Action = orderActions(actions);
    statement.Condition = {
      // ANDed keys: with an organization the owner account stays exempt even if it is not in it.
      StringNotEquals: orgId
        ? { 'aws:PrincipalOrgID': orgId, 'aws:PrincipalAccount': ownAccount }
        : { 'aws:PrincipalAccount': ownAccount },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      Null: { 'aws:PrincipalAccount': 'false' },
    };
  } else {
    statement.Principal = Object.fromEntries([...byKind].map(([kind, values]) => [kind, listOf(values)]));
    statement.Action = orderActions(actions);
  }
  return statement;
}

function checkSize(document: PolicyDocument, maxChars: number): void {
  const length = policyLength(document);
  if (length > maxChars) throw new PolicyTooLargeError(length, maxChars);
}

/**
 * Adds (or repairs) the finding's Deny in a trust policy. Same statement already there → `changed: false`;
 * a statement with that Sid that was edited meanwhile → replaced in place; otherwise appended.
 * @throws PolicyTooLargeError when the result would exceed `maxChars` (nothing is returned).
 * @throws DenyNotApplicableError, InvalidInputError, PolicyDocumentError for unusable input.
 * @example
 * const { document, changed, diff } = addTrustPolicyDeny(decodeIamDocument(role.AssumeRolePolicyDocument!),
 *   finding, { ownAccount: '111122223333' });
 * if (changed) await iam.updateAssumeRolePolicy({ RoleName, PolicyDocument: serializePolicyDocument(document) });
 */
export function addTrustPolicyDeny(
  document: PolicyDocument,
  finding: DenyFinding,
  options: DenyOptions,
): AddDenyResult {
  const maxChars = options.maxChars ?? DEFAULT_TRUST_POLICY_MAX_CHARS;
  const before = parsePolicyDocument(document);
  const statement = trustPolicyDenyStatement(finding, options);
  const existing = before.Statement.filter((s) => s.Sid === statement.Sid);
  if (existing.length === 1 && stableJson(existing[0]) === stableJson(statement)) {
    checkSize(before, maxChars);
    return { document: before, statement: existing[0]!, changed: false, diff: '(no change)' };
  }
  const at = before.Statement.findIndex((s) => s.Sid === statement.Sid);
  const others = before.Statement.filter((s) => s.Sid !== statement.Sid);
  const Statement =
    at === -1 ? [...others, statement] : [...others.slice(0, at), statement, ...others.slice(at)];
  const after: PolicyDocument = { ...parsePolicyDocument(before), Statement };
  checkSize(after, maxChars);
  return { document: after, statement, changed: true, diff: policyDiff(before, after) };
}

/**
 * Undo: removes exactly the statement whose Sid is `denySid(findingId)` and nothing else; every other
 * statement keeps its position and content, even if the policy was edited since the Deny was added.
 * @example
 * const { document, removed } = removeTrustPolicyDeny(current, finding.id);
 * if (removed) await iam.updateAssumeRolePolicy({ RoleName, PolicyDocument: serializePolicyDocument(document) });
 */
export function removeTrustPolicyDeny(document: PolicyDocument, findingId: string): RemoveDenyResult {
  const sid = denySid(findingId);
  const before = parsePolicyDocument(document);
  const kept = before.Statement.filter((s) => s.Sid !== sid);
  if (kept.length === before.Statement.length)
    return { document: before, removed: false, diff: '(no change)' };
  const after: PolicyDocument = { ...parsePolicyDocument(before), Statement: kept };
  return { document: after, removed: true, diff: policyDiff(before, after) };
}
