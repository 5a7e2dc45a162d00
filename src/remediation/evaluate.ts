/**
 * A small evaluator for one narrow question asked before a Deny is approved: does this role trust policy let
 * this principal call this STS action, and does an explicit Deny block it? It models (IAM User Guide,
 * "Policy evaluation logic" and the Principal/Action/Condition element pages):
 * - an explicit Deny that applies wins over every Allow; with no applicable Allow the request is implicitly
 *   denied;
 * - Principal: `"*"` and `{"AWS": "*"}` match every caller; `{"Federated": "*"}`/`{"Service": "*"}` every
 *   caller of that kind; an account id or `arn:…:iam::<acct>:root` matches every AWS principal of that account;
 *   any other value matches the identical ARN, provider or service name; an anonymous caller (`ANONYMOUS`,
 *   the AWS principal `*`) matches only `"*"` and `{"AWS": "*"}`;
 * - Action/NotAction with the `*` and `?` wildcards, case-insensitively; `Resource` is ignored (trust
 *   policies have none; resource-policy callers ask only about Denies that cover the whole resource);
 * - conditions as in conditions.ts, on `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn`,
 *   `aws:PrincipalIsAWSService` and `aws:SecureTransport`. AWS principals carry the first four; service
 *   principals only `aws:PrincipalIsAWSService` (true); federated (web identity, SAML) callers sign no request,
 *   so they carry none unless the caller says otherwise; anonymous callers carry none of them.
 *   `aws:SecureTransport` is known only when the request says so.
 * Where it is unsure (unmodelled operators or keys, `NotPrincipal` that does not exclude the caller, org ids
 * not given) the answer is `'unknown'`: it never claims "blocked" or "allowed" on a guess. It knows nothing of
 * the caller's own identity policies, SCPs/RCPs, permission boundaries or session policies.
 */
import { allOf, evaluateCondition, wildcardMatch, type RequestContext, type Tri } from './conditions';
import { asList, type PolicyDocument, type PolicyStatement, type Principal } from './policy-document';
import {
  accountRoot,
  ANONYMOUS,
  classifyPrincipal,
  isAccountId,
  parseArn,
  rootAccountOf,
  type PrincipalKind,
  type TypedPrincipal,
} from './principals';
import type { DenyFinding } from './trust-policy-deny';
import { externalProbes, ownerProbes, type EvidenceOptions } from './evidence-probes';

export type { EvidenceOptions } from './evidence-probes';

export interface AccessRequest {
  /**
   * `{kind, id}`, `{AWS: arn}`/`{Federated: provider}`/`{Service: name}`, or a string (kind guessed);
   * `'*'`, `{AWS: '*'}` or `ANONYMOUS` for an anonymous caller.
   */
  principal: string | TypedPrincipal | Partial<Record<PrincipalKind, string>>;
  action: string;
  /** `aws:PrincipalAccount`; derived from an AWS principal's ARN when omitted; `null` = not in the request. */
  principalAccount?: string | null;
  /** `aws:PrincipalOrgID`; `undefined` = not known, `null` = the caller is in no organization. */
  principalOrgId?: string | null;
  /** `aws:PrincipalIsAWSService`; defaults to true for service principals, false for AWS principals. */
  principalIsAwsService?: boolean;
  /** `aws:SecureTransport` (the request came over TLS); `undefined` = not known. */
  secureTransport?: boolean;
}

export interface AccessDecision {
  allowed: Tri;
  decision: 'allow' | 'explicit-deny' | 'implicit-deny' | 'unknown';
  reason: string;
  /** The statements behind the decision: their Sid, or `Statement[i]` when they have none. */
  matchedStatementSids: string[];
}

function typed(principal: AccessRequest['principal']): TypedPrincipal {
  if (principal === '*') return ANONYMOUS;
  if (typeof principal === 'string') {
    const p = classifyPrincipal(principal);
    if (!p) throw new TypeError(`cannot tell the kind of principal "${principal}"; pass {kind, id}`);
    return p;
  }
  if ('kind' in principal && 'id' in principal) return principal as TypedPrincipal;
  const [kind, id] = Object.entries(principal)[0] ?? [];
  if (!id || (kind !== 'AWS' && kind !== 'Federated' && kind !== 'Service')) {
    throw new TypeError('principal must name one of AWS, Federated, Service');
  }
  return kind === 'AWS' && isAccountId(id) ? { kind, id: accountRoot(id) } : { kind, id };
}

const isAnonymous = (p: TypedPrincipal) => p.kind === 'AWS' && p.id === '*';

function contextOf(request: AccessRequest, p: TypedPrincipal): RequestContext {
  const transport = request.secureTransport === undefined ? undefined : String(request.secureTransport);
  if (isAnonymous(p)) {
    // An unsigned request: no principal keys at all.
    return {
      'aws:principalaccount': null,
      'aws:principalarn': null,
      'aws:principalorgid': null,
      'aws:principalisawsservice': null,
      'aws:securetransport': transport,
    };
  }
  const aws = p.kind === 'AWS';
  const account = request.principalAccount !== undefined ? request.principalAccount : parseArn(p.id)?.account;
  const isService =
    request.principalIsAwsService ?? (p.kind === 'Federated' ? undefined : p.kind === 'Service');
  return {
    'aws:principalaccount': aws ? (account ?? null) : (request.principalAccount ?? null),
    'aws:principalarn': aws ? p.id : null,
    'aws:principalorgid': aws ? request.principalOrgId : (request.principalOrgId ?? null),
    'aws:principalisawsservice': isService === undefined ? null : String(isService),
    'aws:securetransport': transport,
  };
}

function principalMatches(
  element: Principal,
  p: TypedPrincipal,
  account: string | null | undefined,
): boolean {
  if (element === '*') return true;
  return Object.entries(element).some(([key, value]) => {
    const values = asList(value);
    if (key.toUpperCase() === 'AWS' && values.includes('*')) return true;
    if (key.toLowerCase() !== p.kind.toLowerCase()) return false;
    return values.some((v) => {
      if (v === '*') return true;
      if (p.kind !== 'AWS') return v === p.id;
      const root = isAccountId(v) ? v : rootAccountOf(v);
      return root !== undefined ? root === account : v === p.id;
    });
  });
}

const actionMatches = (patterns: string | string[] | undefined, action: string) =>
  asList(patterns).some((pattern) => wildcardMatch(pattern, action, true));

interface Applied {
  label: string;
  effect: 'Allow' | 'Deny';
  applies: Tri;
  why?: string;
}

function applies(s: PolicyStatement, request: AccessRequest, p: TypedPrincipal, ctx: RequestContext): Tri {
  const account = ctx['aws:principalaccount'];
  let principal: Tri = false;
  if (s.Principal !== undefined) principal = principalMatches(s.Principal, p, account);
  else if (s.NotPrincipal !== undefined) {
    // Excluding the caller is certain; anything else depends on how AWS expands the excluded principals.
    principal = s.NotPrincipal === '*' || principalMatches(s.NotPrincipal, p, account) ? false : 'unknown';
  }
  const action =
    s.Action !== undefined
      ? actionMatches(s.Action, request.action)
      : !actionMatches(s.NotAction, request.action);
  return allOf([principal, action]) === false
    ? false
    : allOf([principal, action, evaluateCondition(s.Condition, ctx).result]);
}

/**
 * @example
 * isAllowed(trustPolicy, { principal: 'arn:aws:iam::999988887777:user/Alice', action: 'sts:AssumeRole' })
 * // {allowed: false, decision: 'explicit-deny', reason: '…', matchedStatementSids: ['AADeny…']}
 */
export function isAllowed(policy: PolicyDocument, request: AccessRequest): AccessDecision {
  const p = typed(request.principal);
  const ctx = contextOf(request, p);
  const applied: Applied[] = policy.Statement.map((s, i) => {
    const result: Applied = {
      label: s.Sid ?? `Statement[${i}]`,
      effect: s.Effect,
      applies: applies(s, request, p, ctx),
    };
    if (result.applies === 'unknown')
      result.why = evaluateCondition(s.Condition, ctx).reason ?? 'NotPrincipal';
    return result;
  });
  const pick = (effect: 'Allow' | 'Deny', a: Tri) =>
    applied.filter((x) => x.effect === effect && x.applies === a).map((x) => x.label);
  const who = `${isAnonymous(p) ? 'anonymous' : `${p.kind} ${p.id}`} → ${request.action}`;
  const denied = pick('Deny', true);
  if (denied.length > 0) {
    return {
      allowed: false,
      decision: 'explicit-deny',
      reason: `${who}: explicitly denied by ${denied.join(', ')}`,
      matchedStatementSids: denied,
    };
  }
  const allows = pick('Allow', true);
  const unsure = [...pick('Deny', 'unknown'), ...(allows.length > 0 ? [] : pick('Allow', 'unknown'))];
  if (unsure.length > 0 && (allows.length > 0 || pick('Allow', 'unknown').length > 0)) {
    const why = applied.filter((x) => unsure.includes(x.label)).map((x) => `${x.label} (${x.why})`);
    return {
      allowed: 'unknown',
      decision: 'unknown',
      reason: `${who}: cannot tell; ${why.join(', ')}`,
      matchedStatementSids: unsure,
    };
  }
  if (allows.length > 0) {
    return {
      allowed: true,
      decision: 'allow',
      reason: `${who}: allowed by ${allows.join(', ')}`,
      matchedStatementSids: allows,
    };
  }
  return {
    allowed: false,
    decision: 'implicit-deny',
    reason: `${who}: no statement allows it`,
    matchedStatementSids: [],
  };
}

export interface DenyEvidence {
  /** Every (external principal × action) of the finding is denied by `after`. */
  blocksExternal: Tri;
  /**
   * Every own-account principal, service principal and federated provider the finding does not name that
   * `before` allowed is still allowed by `after`.
   */
  keepsOwnerAccess: Tri;
  details: string[];
}

/**
 * Evidence for the approver that a Deny does what it should: each external principal of the finding is denied
 * every action in `after`, and every own-account principal, service principal and other federated provider
 * that `before` allowed is still allowed. External principals are taken to be outside `orgId`: that is what makes them a finding.
 * @example
 * denyEvidence(before, addTrustPolicyDeny(before, finding, { ownAccount }).document, finding, ownAccount)
 * // {blocksExternal: true, keepsOwnerAccess: true, details: ['blocked: AWS arn:…:user/Alice → sts:AssumeRole …', …]}
 */
export function denyEvidence(
  before: PolicyDocument,
  after: PolicyDocument,
  finding: DenyFinding,
  ownAccount: string,
  options: EvidenceOptions = {},
): DenyEvidence {
  const details: string[] = [];
  const blocks: Tri[] = [];
  for (const probe of externalProbes(finding, ownAccount, options.partition ?? 'aws')) {
    for (const action of probe.actions) {
      const d = isAllowed(after, { principal: probe.principal, action, principalOrgId: probe.orgId });
      const ok: Tri = d.allowed === false ? true : d.allowed === true ? false : 'unknown';
      blocks.push(ok);
      details.push(`${ok === true ? 'blocked' : ok === false ? 'NOT blocked' : 'unsure'}: ${d.reason}`);
    }
  }
  const keeps: Tri[] = [];
  for (const probe of ownerProbes(before, finding, ownAccount, options)) {
    for (const action of probe.actions) {
      const request = { principal: probe.principal, action, principalOrgId: probe.orgId };
      const was = isAllowed(before, request);
      if (was.allowed === false) continue;
      const now = isAllowed(after, request);
      const ok: Tri =
        now.allowed === true ? true : was.allowed === true && now.allowed === false ? false : 'unknown';
      keeps.push(ok);
      details.push(`${ok === true ? 'kept' : ok === false ? 'LOST' : 'unsure'}: ${now.reason}`);
    }
  }
  if (keeps.length === 0)
    details.push('no own-account, service or other federated principal was allowed before');
  return {
    blocksExternal: blocks.length === 0 ? 'unknown' : allOf(blocks),
    keepsOwnerAccess: allOf(keeps),
    details,
  };
}
