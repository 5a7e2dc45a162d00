/**
 * "Deny" on an S3 bucket, KMS key, SQS queue or Secrets Manager secret finding, as a pure edit of the
 * resource's policy (bucket policy, key policy, queue policy, secret resource policy).
 *
 * Rules followed (see trust-policy-deny.ts for roles):
 * - an explicit Deny in the resource policy beats every Allow, and cross-account access needs the resource
 *   policy's Allow, so one Deny for the finding's principal on the whole service (`s3:*`, `kms:*`, `sqs:*`,
 *   `secretsmanager:*`) ends the external access whatever the caller's own policies say; a bucket-policy Deny
 *   also covers access granted through ACLs and access points;
 * - Resource: the bucket and its objects (`arn`, `arn/*`), the queue's ARN, `*` in key and secret policies;
 * - the Deny names the finding's principal (an account id becomes `arn:<partition>:iam::<id>:root`); AWS and
 *   service principals everywhere, S3 canonical users in bucket policies only; a principal in the owner
 *   account is not external access and is never denied;
 * - its Sid is `denySid(finding.id)`: the same Deny is never added twice and Undo removes exactly it;
 * - a public finding gets `Principal "*"` only outside the zone of trust: the own account (or organization),
 *   the accounts the policy's Allow statements name (their access is a finding of its own; a public-access
 *   Deny must not cut them off) and AWS services. There is no `Null` condition: an anonymous request carries
 *   no `aws:PrincipalAccount`, `StringNotEquals` holds for a missing key, so anonymous access is denied;
 * - the size quota of each kind is checked before anything is returned; S3, KMS and SQS count bytes (UTF-8),
 *   Secrets Manager characters; SQS also allows at most 20 statements;
 * - KMS: the key policy must still let the own account and its key administrators call kms:PutKeyPolicy
 *   (KMS's policy lockout safety check); otherwise KeyLockoutError.
 * Inputs are never mutated; the AWS calls (GetBucketPolicy/PutBucketPolicy, GetKeyPolicy/PutKeyPolicy,
 * GetQueueAttributes/SetQueueAttributes, GetResourcePolicy/PutResourcePolicy) belong to the caller.
 */
import { AppError, InvalidInputError } from '../errors';
import { allOf, type Tri } from './conditions';
import { denySid } from './deny-sid';
import { isAllowed, type AccessRequest, type DenyEvidence } from './evaluate';
import { ownerProbes, type Probe } from './evidence-probes';
import { policyDiff } from './policy-diff';
import {
  asList,
  parsePolicyDocument,
  policyLength,
  serializePolicyDocument,
  stableJson,
  type PolicyDocument,
  type PolicyStatement,
} from './policy-document';
import { accountRoot, ANONYMOUS, isAccountId, parseArn, rootAccountOf } from './principals';
import {
  DenyNotApplicableError,
  PolicyTooLargeError,
  type AddDenyResult,
  type DenyFinding,
} from './trust-policy-deny';

export type PolicyResourceKind = 's3-bucket' | 'kms-key' | 'sqs-queue' | 'secret';

/** Resource type as Access Analyzer names it → kind. */
export const POLICY_RESOURCE_KINDS: Readonly<Record<string, PolicyResourceKind>> = Object.freeze({
  'AWS::S3::Bucket': 's3-bucket',
  'AWS::KMS::Key': 'kms-key',
  'AWS::SQS::Queue': 'sqs-queue',
  'AWS::SecretsManager::Secret': 'secret',
});

/**
 * Size limit of each kind's policy: S3 20 KB, KMS 32 KB, SQS 8,192 bytes (SQS policy quotas), Secrets
 * Manager 20,480 characters.
 */
export const RESOURCE_POLICY_MAX_CHARS: Readonly<Record<PolicyResourceKind, number>> = Object.freeze({
  's3-bucket': 20_480,
  'kms-key': 32_768,
  'sqs-queue': 8_192,
  secret: 20_480,
});

/** SQS policy quota: statements per queue policy. */
export const SQS_MAX_STATEMENTS = 20;

export interface ResourceDenyOptions {
  kind: PolicyResourceKind;
  /** The finding's resource ARN. */
  resourceArn: string;
  /** The account that owns the resource (12 digits). */
  ownAccount: string;
  /** When set, a public finding is denied outside this organization (`o-…`) instead of outside the account. */
  orgId?: string;
  /** ARN partition for account-root principals. Default `aws`. */
  partition?: string;
  /** Default `RESOURCE_POLICY_MAX_CHARS[kind]`. */
  maxChars?: number;
}

export interface RemoveResourceDenyResult {
  /** `null` when no statement is left: the caller deletes the policy. */
  document: PolicyDocument | null;
  removed: boolean;
  diff: string;
}

/** KMS would refuse the new key policy (or the owner would lose control of the key); nothing changed. */
export class KeyLockoutError extends AppError {
  constructor(
    readonly principal: string,
    detail?: string,
  ) {
    const message =
      `the Deny would take kms:PutKeyPolicy away from ${principal}` +
      `${detail ? ` (${detail})` : ''}; nothing changed`;
    super(
      'kms_lockout',
      message,
      `Cannot add the Deny: it would lock the account out of its own KMS key (${principal} could no longer ` +
        'change the key policy). Nothing changed.',
    );
    this.name = 'KeyLockoutError';
  }
}

type ResourcePrincipalKind = 'AWS' | 'Service' | 'CanonicalUser';

interface KindRules {
  /** What messages call the policy. */
  policy: string;
  /** ARN service and action prefix. */
  service: string;
  resource: (arn: string) => string | string[];
  principalKinds: ResourcePrincipalKind[];
  /** Quota counted in UTF-8 bytes rather than characters. */
  bytes: boolean;
  /** Probed for every external principal besides the finding's actions. */
  externalAction: string;
  /** Probed for the owner's side. */
  ownerActions: string[];
}

const RULES: Record<PolicyResourceKind, KindRules> = {
  's3-bucket': {
    policy: 'bucket policy',
    service: 's3',
    resource: (arn) => [arn, `${arn}/*`],
    principalKinds: ['AWS', 'Service', 'CanonicalUser'],
    bytes: true,
    externalAction: 's3:GetObject',
    ownerActions: ['s3:GetObject', 's3:PutObject', 's3:PutBucketPolicy'],
  },
  'kms-key': {
    policy: 'key policy',
    service: 'kms',
    resource: () => '*',
    principalKinds: ['AWS', 'Service'],
    bytes: true,
    externalAction: 'kms:Decrypt',
    ownerActions: ['kms:Decrypt', 'kms:Encrypt', 'kms:PutKeyPolicy', 'kms:DescribeKey'],
  },
  'sqs-queue': {
    policy: 'queue policy',
    service: 'sqs',
    resource: (arn) => arn,
    principalKinds: ['AWS', 'Service'],
    bytes: true,
    externalAction: 'sqs:SendMessage',
    ownerActions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:SetQueueAttributes'],
  },
  secret: {
    policy: 'secret policy',
    service: 'secretsmanager',
    resource: () => '*',
    principalKinds: ['AWS', 'Service'],
    bytes: false,
    externalAction: 'secretsmanager:GetSecretValue',
    ownerActions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutResourcePolicy'],
  },
};

function listOf(values: Iterable<string>): string | string[] {
  const list = [...new Set(values)];
  return list.length === 1 ? list[0]! : list;
}

function checkOptions(options: ResourceDenyOptions): KindRules {
  const { kind, resourceArn, ownAccount, orgId } = options;
  const rules = Object.hasOwn(RULES, kind) ? RULES[kind] : undefined;
  if (!rules)
    throw new InvalidInputError(`kind must be one of ${Object.keys(RULES).join(', ')}, got "${kind}"`);
  if (!isAccountId(ownAccount))
    throw new InvalidInputError(`ownAccount must be 12 digits, got "${ownAccount}"`);
  if (orgId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(orgId)) {
    throw new InvalidInputError(`orgId must look like o-abcdefghij, got "${orgId}"`);
  }
  const arn = parseArn(resourceArn);
  const isBucket = arn?.service === 's3' && arn.resource !== '' && !arn.resource.includes('/');
  if (!arn || arn.service !== rules.service || (kind === 's3-bucket' && !isBucket)) {
    throw new InvalidInputError(`resourceArn must be the ARN of a ${kind}, got "${resourceArn}"`);
  }
  if (arn.account !== '' && arn.account !== ownAccount) {
    throw new InvalidInputError(`resourceArn ${resourceArn} is not in account ${ownAccount}`);
  }
  return rules;
}

/** The principal values of the finding, by kind, in the form the policy stores them. */
function findingPrincipals(
  finding: DenyFinding,
  rules: KindRules,
  partition: string,
): Map<ResourcePrincipalKind, string[]> {
  const byKind = new Map<ResourcePrincipalKind, string[]>();
  for (const [key, raw] of Object.entries(finding.principal ?? {})) {
    const kind = rules.principalKinds.find((k) => k.toLowerCase() === key.toLowerCase());
    if (!kind) throw new DenyNotApplicableError(`a ${rules.policy} Deny cannot name "${key}" principals`);
    for (const value of asList(raw).map((v) => v.trim())) {
      if (kind === 'AWS' && value !== '*' && !isAccountId(value) && !parseArn(value)) {
        throw new DenyNotApplicableError(
          `"${value}" is neither an account id nor an ARN (a deleted principal?); deny its account instead`,
        );
      }
      if (kind === 'CanonicalUser' && !/^[0-9a-f]{64}$/i.test(value)) {
        throw new DenyNotApplicableError(`"${value}" is not an S3 canonical user id`);
      }
      const stored = kind === 'AWS' && isAccountId(value) ? accountRoot(value, partition) : value;
      byKind.set(kind, [...(byKind.get(kind) ?? []), stored]);
    }
  }
  return byKind;
}

const isPublicFinding = (finding: DenyFinding, byKind: Map<ResourcePrincipalKind, string[]>) =>
  finding.isPublic === true || [...byKind.values()].some((vs) => vs.includes('*'));

/** Accounts other than the own one that the policy's Allow statements name as AWS principals, sorted. */
function namedAccounts(document: PolicyDocument | null, ownAccount: string): string[] {
  const accounts = new Set<string>();
  for (const s of document?.Statement ?? []) {
    if (s.Effect !== 'Allow' || s.Principal === undefined || s.Principal === '*') continue;
    for (const [key, value] of Object.entries(s.Principal)) {
      if (key.toUpperCase() !== 'AWS') continue;
      for (const v of asList(value)) {
        const account = isAccountId(v) ? v : parseArn(v)?.account;
        if (account && isAccountId(account) && account !== ownAccount) accounts.add(account);
      }
    }
  }
  return [...accounts].sort();
}

/**
 * The Deny statement for a finding (without touching any document). `current` is the policy as it is: a
 * public finding's Deny spares the accounts its Allow statements name.
 * @example
 * resourcePolicyDenyStatement(partnerFinding, { kind: 's3-bucket', resourceArn: 'arn:aws:s3:::b', ownAccount })
 * // {Sid: 'AADeny…', Effect: 'Deny', Principal: {AWS: 'arn:aws:iam::444455556666:root'}, Action: 's3:*',
 * //  Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*']}
 */
export function resourcePolicyDenyStatement(
  finding: DenyFinding,
  options: ResourceDenyOptions,
  current?: PolicyDocument | null,
): PolicyStatement {
  const rules = checkOptions(options);
  const { ownAccount, orgId, partition = 'aws' } = options;
  const byKind = findingPrincipals(finding, rules, partition);
  const isPublic = isPublicFinding(finding, byKind);
  if (byKind.size === 0 && !isPublic) throw new DenyNotApplicableError('the finding names no principal');

  const statement: PolicyStatement = { Sid: denySid(finding.id), Effect: 'Deny' };
  if (isPublic) {
    const keep = namedAccounts(current ? parsePolicyDocument(current) : null, ownAccount);
    // Keys of one operator are ANDed: denied only when the caller matches none of the trusted values. The owner
    // account is always among them, even with an organization: a wrong ORGANIZATION_ID, or an account outside
    // (or moved out of) the organization, must never lock the owner out.
    const accounts = { 'aws:PrincipalAccount': listOf([ownAccount, ...keep]) };
    const zone = orgId ? { 'aws:PrincipalOrgID': orgId, ...accounts } : accounts;
    statement.Principal = '*';
    statement.Action = `${rules.service}:*`;
    statement.Resource = rules.resource(options.resourceArn);
    statement.Condition = {
      StringNotEquals: zone,
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    };
    return statement;
  }
  for (const value of byKind.get('AWS') ?? []) {
    const account = rootAccountOf(value) ?? parseArn(value)?.account;
    if (account === ownAccount) {
      throw new DenyNotApplicableError(
        `${value} is in the owner account ${ownAccount}: that is not external access`,
      );
    }
  }
  statement.Principal = Object.fromEntries([...byKind].map(([kind, values]) => [kind, listOf(values)]));
  statement.Action = `${rules.service}:*`;
  statement.Resource = rules.resource(options.resourceArn);
  return statement;
}

function checkSize(document: PolicyDocument, rules: KindRules, maxChars: number): void {
  const length = rules.bytes
    ? Buffer.byteLength(serializePolicyDocument(document), 'utf8')
    : policyLength(document);
  if (length > maxChars) throw new PolicyTooLargeError(length, maxChars, rules.policy);
}

/**
 * KMS's lockout safety check, done before KMS does it: the own account root and every own-account principal
 * `before`'s Allow statements name must keep kms:PutKeyPolicy if `before` gave it to them.
 * @throws KeyLockoutError naming the first principal that would lose it.
 */
export function checkKeyLockout(
  before: PolicyDocument | null,
  after: PolicyDocument,
  options: Pick<ResourceDenyOptions, 'ownAccount' | 'orgId' | 'partition'>,
): void {
  if (!before) return;
  const { ownAccount, partition = 'aws' } = options;
  const admins = new Set([accountRoot(ownAccount, partition)]);
  for (const s of before.Statement) {
    if (s.Effect !== 'Allow' || s.Principal === undefined || s.Principal === '*') continue;
    for (const [key, value] of Object.entries(s.Principal)) {
      if (key.toUpperCase() !== 'AWS') continue;
      for (const v of asList(value)) {
        const id = isAccountId(v) ? accountRoot(v, partition) : v;
        if (parseArn(id)?.account === ownAccount) admins.add(id);
      }
    }
  }
  for (const id of admins) {
    const request: AccessRequest = {
      principal: { kind: 'AWS', id },
      action: 'kms:PutKeyPolicy',
      // The owner is not assumed to be in ORGANIZATION_ID: if it is not, it must still keep its key.
      principalOrgId: null,
      secureTransport: true,
    };
    if (isAllowed(before, request).allowed === false) continue;
    const now = isAllowed(after, request);
    if (now.allowed === false) throw new KeyLockoutError(id, now.reason);
  }
}

/**
 * Adds (or repairs) the finding's Deny in a resource policy; `null` (no policy yet) starts a new one. Same
 * statement already there → `changed: false`; a statement with that Sid that was edited meanwhile → replaced
 * in place; otherwise appended.
 * @throws PolicyTooLargeError when the result would exceed the kind's quota (nothing is returned).
 * @throws KeyLockoutError when a key policy would no longer let the owner change it.
 * @throws DenyNotApplicableError, InvalidInputError, PolicyDocumentError for unusable input.
 * @example
 * const { document, changed } = addResourcePolicyDeny(current, finding, { kind: 'kms-key', resourceArn, ownAccount });
 * if (changed) await kms.putKeyPolicy({ KeyId, Policy: serializePolicyDocument(document) });
 */
export function addResourcePolicyDeny(
  document: PolicyDocument | null,
  finding: DenyFinding,
  options: ResourceDenyOptions,
): AddDenyResult {
  const rules = checkOptions(options);
  const maxChars = options.maxChars ?? RESOURCE_POLICY_MAX_CHARS[options.kind];
  const before = document ? parsePolicyDocument(document) : null;
  const statement = resourcePolicyDenyStatement(finding, options, before);
  const current = before?.Statement ?? [];
  const existing = current.filter((s) => s.Sid === statement.Sid);
  if (before && existing.length === 1 && stableJson(existing[0]) === stableJson(statement)) {
    checkSize(before, rules, maxChars);
    return { document: before, statement: existing[0]!, changed: false, diff: '(no change)' };
  }
  const at = current.findIndex((s) => s.Sid === statement.Sid);
  const others = current.filter((s) => s.Sid !== statement.Sid);
  const Statement =
    at === -1 ? [...others, statement] : [...others.slice(0, at), statement, ...others.slice(at)];
  const after: PolicyDocument = before
    ? { ...parsePolicyDocument(before), Statement }
    : { Version: '2012-10-17', Statement };
  checkSize(after, rules, maxChars);
  if (options.kind === 'sqs-queue' && Statement.length > SQS_MAX_STATEMENTS) {
    throw new DenyNotApplicableError(
      `the queue policy would have ${Statement.length} statements; SQS allows ${SQS_MAX_STATEMENTS}`,
    );
  }
  if (options.kind === 'kms-key') checkKeyLockout(before, after, options);
  return { document: after, statement, changed: true, diff: policyDiff(before ?? undefined, after) };
}

/**
 * Undo: removes exactly the statement whose Sid is `denySid(findingId)` and nothing else; every other
 * statement keeps its position and content. With no statement left the document is `null`.
 * @example
 * const { document, removed } = removeResourcePolicyDeny(current, finding.id);
 * if (removed && document === null) await s3.deleteBucketPolicy({ Bucket });
 */
export function removeResourcePolicyDeny(
  document: PolicyDocument | null,
  findingId: string,
): RemoveResourceDenyResult {
  const sid = denySid(findingId);
  if (!document) return { document: null, removed: false, diff: '(no change)' };
  const before = parsePolicyDocument(document);
  const kept = before.Statement.filter((s) => s.Sid !== sid);
  if (kept.length === before.Statement.length)
    return { document: before, removed: false, diff: '(no change)' };
  const after = kept.length === 0 ? null : { ...parsePolicyDocument(before), Statement: kept };
  return { document: after, removed: true, diff: policyDiff(before, after ?? undefined) };
}

/** An account that is neither `own` nor trusted, to stand for "anyone outside". */
function outsider(own: string, trusted: string[]): string {
  const candidates = [9, 8, 7, 6, 5, 4, 3, 2].map((d) => String(d).repeat(12));
  return candidates.find((a) => a !== own && !trusted.includes(a)) ?? '000000000001';
}

const verdict = (ok: Tri, yes: string, no: string) => (ok === true ? yes : ok === false ? no : 'unsure');

/** The request a probe makes for `action`: over HTTPS, as every AWS SDK sends it. */
const requestOf = (probe: Probe, action: string): AccessRequest => ({
  principal: probe.principal,
  action,
  principalOrgId: probe.orgId,
  secureTransport: true,
});

/**
 * Evidence for the approver that a resource-policy Deny does what it should: every external principal of the
 * finding (an account also through one of its roles; a public finding through an anonymous caller and a role
 * of an unrelated account) is denied each action the finding lists plus a typical one of the service, and the
 * own account, the principals and services `before` allows, and the partner accounts a public Deny spares
 * keep their access. Probes are HTTPS requests (`aws:SecureTransport` true). The evaluator ignores
 * `Resource`: the Deny covers the whole resource, so that changes no answer about it.
 * A same-account principal that `before` did not allow (S3, SQS, Secrets Manager: its identity policies may)
 * counts as kept when `after` does not explicitly deny it; key policies have no such path.
 * @example
 * resourceDenyEvidence(before, addResourcePolicyDeny(before, finding, options).document, finding, options)
 * // {blocksExternal: true, keepsOwnerAccess: true, details: ['blocked: AWS arn:…:444455556666:root → kms:Decrypt …', …]}
 */
export function resourceDenyEvidence(
  before: PolicyDocument | null,
  after: PolicyDocument,
  finding: DenyFinding,
  options: ResourceDenyOptions,
): DenyEvidence {
  const rules = checkOptions(options);
  const { kind, ownAccount, orgId, partition = 'aws' } = options;
  const was = before ? parsePolicyDocument(before) : { Statement: [] };
  const now = parsePolicyDocument(after);
  const byKind = findingPrincipals(finding, rules, partition);
  const isPublic = isPublicFinding(finding, byKind);
  const keep = isPublic ? namedAccounts(was, ownAccount) : [];
  const details: string[] = [];

  const actions = [...new Set([...(finding.action ?? []), rules.externalAction])];
  const external: Probe[] = [];
  const blocks: Tri[] = [];
  const addAws = (id: string) => {
    external.push({ principal: { kind: 'AWS', id }, actions, orgId: null });
    const root = rootAccountOf(id);
    // An account principal stands for all of its principals: check one of them too.
    if (root)
      external.push({
        principal: { kind: 'AWS', id: `arn:${partition}:iam::${root}:role/AnyRole` },
        actions,
        orgId: null,
      });
  };
  for (const [k, values] of byKind) {
    for (const v of values.filter((x) => x !== '*')) {
      if (k === 'AWS') addAws(v);
      else if (k === 'Service')
        external.push({ principal: { kind: 'Service', id: v }, actions, orgId: null });
      else {
        blocks.push('unknown');
        details.push(`unsure: ${k} ${v} is not modelled by the evaluator`);
      }
    }
  }
  if (isPublic) {
    external.push({ principal: ANONYMOUS, actions, orgId: null });
    addAws(accountRoot(outsider(ownAccount, keep), partition));
  }
  for (const probe of external) {
    for (const action of probe.actions) {
      const request = requestOf(probe, action);
      const d = isAllowed(now, request);
      const ok: Tri = d.allowed === false ? true : d.allowed === true ? false : 'unknown';
      blocks.push(ok);
      details.push(`${verdict(ok, 'blocked', 'NOT blocked')}: ${d.reason}`);
    }
  }

  // The services the finding names are the ones being denied.
  const denied = new Set(byKind.get('Service') ?? []);
  const owners: Probe[] = ownerProbes(was, finding, ownAccount, { orgId, partition })
    .filter((p) => p.principal.kind !== 'Federated' && !denied.has(p.principal.id))
    .map((p) => ({ ...p, actions: rules.ownerActions }));
  for (const account of keep) {
    owners.push({
      principal: { kind: 'AWS', id: accountRoot(account, partition) },
      actions: rules.ownerActions,
      orgId: null,
    });
  }
  const keeps: Tri[] = [];
  for (const probe of owners) {
    const sameAccount = kind !== 'kms-key' && parseArn(probe.principal.id)?.account === ownAccount;
    for (const action of probe.actions) {
      const request = requestOf(probe, action);
      const then = isAllowed(was, request);
      const viaIdentity = sameAccount && then.decision === 'implicit-deny';
      if (then.allowed === false && !viaIdentity) continue;
      const d = isAllowed(now, request);
      let ok: Tri;
      if (viaIdentity) {
        ok = d.decision === 'implicit-deny' ? true : d.decision === 'explicit-deny' ? false : 'unknown';
      } else {
        ok = d.allowed === true ? true : then.allowed === true && d.allowed === false ? false : 'unknown';
      }
      keeps.push(ok);
      const note = viaIdentity && ok === true ? ' (not denied; its identity policies decide)' : '';
      details.push(`${verdict(ok, 'kept', 'LOST')}: ${d.reason}${note}`);
    }
  }
  if (keeps.length === 0) details.push('no own-account, service or partner principal was allowed before');
  return {
    blocksExternal: blocks.length === 0 ? 'unknown' : allOf(blocks),
    keepsOwnerAccess: allOf(keeps),
    details,
  };
}
