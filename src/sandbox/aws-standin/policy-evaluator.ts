import {
  actionMatches,
  normalizePrincipal,
  principalAccount,
  wildcardMatch,
  type ConditionBlock,
  type PolicyDocument,
  type Statement,
} from './policy-document';

/**
 * The stand-in's notion of truth: which access a resource policy grants outside the account (the zone of
 * trust of an ACCOUNT analyzer), in the spirit of IAM Access Analyzer's external-access analysis. It is a
 * deliberately small, documented model, not Zelkova:
 *
 * Allow statements
 * - Each value of `Principal.AWS` and (for trust policies) `Principal.Federated` is one grantee; `Service` and
 *   `CanonicalUser` principals are never external. `NotPrincipal` on an Allow counts as `*`.
 * - AWS principals are external when their account (bare id, `arn:aws:iam::<id>:...`, `arn:aws:sts::<id>:...`)
 *   differs from the owner; unplaceable forms (unique ids `AROA…`) are ignored. Root ARNs are reported as the
 *   bare account id, like the service's sample findings. Federated principals are always external.
 * - `*` is public, unless a positive condition (`StringEquals`/`StringLike`/`ArnEquals`/`ArnLike`, not
 *   `…IfExists`) on `aws:PrincipalAccount`, `kms:CallerAccount` or `aws:PrincipalArn` confines it: only the owner
 *   → no external access; other accounts → external, not public. `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths`
 *   → external (the org is outside an account zone of trust), not public. Any other condition keeps it public.
 * - The finding `condition` is the statement's conditions flattened to key → comma-joined values.
 * - Actions: trust policies expand to the four role-assumption actions they match (TRUST_ACTIONS); resource
 *   policies keep the patterns as written (`s3:*` stays `s3:*`), sorted and de-duplicated. `NotAction` on an
 *   Allow grants `*`. `Resource` is ignored: a resource policy is taken to speak about its own resource.
 *
 * Deny statements (explicit deny wins), applied to each grant and each of its actions:
 * - principal: `*`, the exact value, the grantee's account id or root ARN; `NotPrincipal` matches everything
 *   it does not list.
 * - action: a Deny action pattern covers a granted action (or pattern, read literally: `s3:*` covers `s3:Get*`);
 *   `NotAction` covers what it does not list. Partly denied grants keep their other actions.
 * - conditions: none → applies. `StringNotEquals`/`StringNotLike`/`ArnNotEquals`/`ArnNotLike` (also
 *   `…IfExists`) on `aws:PrincipalAccount`/`kms:CallerAccount`/`aws:PrincipalArn` apply to grantees outside the
 *   listed accounts/ARNs; for a public grant they narrow it to the listed non-owner accounts (none left → gone).
 *   The same operators on `aws:PrincipalOrgID` apply to external accounts (assumed outside the org) and narrow a
 *   public grant to that org. `Bool[IfExists] aws:PrincipalIsAWSService false` always holds. `Null` on
 *   `aws:PrincipalAccount`: `false` (key present) holds for AWS grantees, not for federated ones (unsigned
 *   sign-ins carry no account); `true` the other way round. Positive
 *   operators on those keys apply only to the grantees they name. Any other condition makes the Deny
 *   conditional, so it removes nothing (conservative: access may remain).
 */

export type PolicyKind = 'trust' | 'resource';

export const TRUST_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
] as const;

export interface ExternalAccess {
  principal: Record<string, string>;
  actions: string[];
  condition: Record<string, string>;
  isPublic: boolean;
}

interface Grant {
  type: 'AWS' | 'Federated';
  value: string;
  /** Grantee account; `*` for everyone; undefined for federated identities. */
  account: string | undefined;
  actions: string[];
  condition: Record<string, string>;
  isPublic: boolean;
}

type Grantee = Pick<Grant, 'type' | 'value' | 'account'>;

type DenyEffect = 'none' | 'all' | { key: string; values: string[] };

const ACCOUNT_KEYS = ['aws:principalaccount', 'kms:calleraccount'];
const ARN_KEYS = ['aws:principalarn'];
const ORG_KEYS = ['aws:principalorgid', 'aws:principalorgpaths'];
const POSITIVE = ['stringequals', 'stringlike', 'arnequals', 'arnlike'];
const NEGATIVE = ['stringnotequals', 'stringnotlike', 'arnnotequals', 'arnnotlike'];

/** External access granted by `policy` on a resource owned by `account`. */
export function findExternalAccess(
  policy: PolicyDocument,
  account: string,
  kind: PolicyKind,
): ExternalAccess[] {
  let grants = policy.statements
    .filter((s) => s.effect === 'Allow')
    .flatMap((s) => allowGrants(s, account, kind));
  for (const deny of policy.statements.filter((s) => s.effect === 'Deny')) {
    grants = grants.flatMap((grant) => applyDeny(deny, grant, account));
  }
  return merge(grants);
}

function allowGrants(statement: Statement, own: string, kind: PolicyKind): Grant[] {
  const actions = grantedActions(statement, kind);
  if (actions.length === 0) return [];
  const condition = flatten(statement.condition);
  const entries: [Grant['type'], string][] = statement.notPrincipal
    ? [['AWS', '*']]
    : [
        ...(statement.principal?.AWS ?? []).map((v): [Grant['type'], string] => ['AWS', v]),
        ...(kind === 'trust' ? (statement.principal?.Federated ?? []) : []).map(
          (v): [Grant['type'], string] => ['Federated', v],
        ),
      ];
  const allowed = allowedAccounts(statement.condition);
  const orgScoped = Object.entries(statement.condition).some(
    ([operator, keys]) =>
      POSITIVE.includes(operator.toLowerCase()) &&
      Object.keys(keys).some((k) => ORG_KEYS.includes(k.toLowerCase())),
  );
  const grants: Grant[] = [];
  for (const [type, raw] of entries) {
    const value = type === 'AWS' ? normalizePrincipal(raw) : raw;
    const account = type === 'AWS' ? principalAccount(value) : undefined;
    const grant: Grant = { type, value, account, actions, condition, isPublic: false };
    if (type === 'Federated') {
      if (allowed === undefined) grants.push(grant);
    } else if (account === '*') {
      const outside = allowed === undefined ? undefined : [...allowed].filter((a) => a !== own);
      if (outside !== undefined && outside.length === 0) continue;
      grants.push({ ...grant, isPublic: outside === undefined && !orgScoped });
    } else if (account !== undefined && account !== own && (allowed === undefined || allowed.has(account))) {
      grants.push(grant);
    }
  }
  return grants;
}

/**
 * True when an unconditional Allow lets `principal` (an account id, root ARN or principal ARN) call `action`
 * and no Deny that applies to it (by the rules above) covers the action. Used by the KMS lockout check.
 */
export function principalMayCall(
  policy: PolicyDocument,
  principal: string,
  action: string,
  own: string,
): boolean {
  const value = normalizePrincipal(principal);
  const grantee: Grantee = { type: 'AWS', value, account: principalAccount(value) };
  const allowed = policy.statements.some(
    (s) =>
      s.effect === 'Allow' &&
      Object.keys(s.condition).length === 0 &&
      s.principal !== undefined &&
      principalListed(s.principal, grantee) &&
      (s.action
        ? s.action.some((p) => actionMatches(p, action))
        : !(s.notAction ?? []).some((p) => actionMatches(p, action))),
  );
  const denied = policy.statements.some(
    (s) => s.effect === 'Deny' && denyEffect(s, grantee, own) === 'all' && denyCoversAction(s, action),
  );
  return allowed && !denied;
}

function grantedActions(statement: Statement, kind: PolicyKind): string[] {
  if (kind === 'trust') {
    return TRUST_ACTIONS.filter((a) =>
      statement.action
        ? statement.action.some((p) => actionMatches(p, a))
        : !(statement.notAction ?? []).some((p) => actionMatches(p, a)),
    );
  }
  return statement.action ? unique(statement.action) : ['*'];
}

/** Accounts a positive, non-IfExists condition confines the caller to; undefined when unconfined. */
function allowedAccounts(block: ConditionBlock): Set<string> | undefined {
  let allowed: Set<string> | undefined;
  for (const [operator, keys] of Object.entries(block)) {
    if (!POSITIVE.includes(operator.toLowerCase())) continue;
    for (const [key, values] of Object.entries(keys)) {
      const k = key.toLowerCase();
      let accounts: string[] | undefined;
      if (ACCOUNT_KEYS.includes(k)) accounts = values;
      if (ARN_KEYS.includes(k)) {
        const placed = values.map((v) => principalAccount(v));
        accounts = placed.every((a) => a !== undefined && a !== '*') ? (placed as string[]) : undefined;
      }
      if (accounts === undefined || accounts.some((a) => a.includes('*') || a.includes('?'))) continue;
      allowed = new Set(allowed ? accounts.filter((a) => allowed?.has(a)) : accounts);
    }
  }
  return allowed;
}

function applyDeny(deny: Statement, grant: Grant, own: string): Grant[] {
  const effect = denyEffect(deny, grant, own);
  if (effect === 'none') return [grant];
  const covered = grant.actions.filter((a) => denyCoversAction(deny, a));
  if (covered.length === 0) return [grant];
  const rest = grant.actions.filter((a) => !covered.includes(a));
  const kept = rest.length > 0 ? [{ ...grant, actions: rest }] : [];
  if (effect === 'all') return kept;
  const condition = { ...grant.condition, [effect.key]: effect.values.join(',') };
  return [...kept, { ...grant, actions: covered, condition, isPublic: false }];
}

/** How a Deny statement bears on a grantee, ignoring actions (see the module comment). */
function denyEffect(deny: Statement, grant: Grantee, own: string): DenyEffect {
  const listed = deny.notPrincipal ?? deny.principal;
  const named = listed !== undefined && principalListed(listed, grant);
  if (deny.notPrincipal ? named : !named) return 'none';
  let narrowed: DenyEffect = 'all';
  for (const [operator, keys] of Object.entries(deny.condition)) {
    for (const [key, values] of Object.entries(keys)) {
      const result = conditionEffect(operator.toLowerCase(), key.toLowerCase(), values, grant, own);
      if (result === 'none') return 'none';
      if (result === 'all') continue;
      if (narrowed !== 'all') return 'none';
      narrowed = result;
    }
  }
  return narrowed;
}

function principalListed(listed: Record<string, string[]>, grant: Grantee): boolean {
  const values = listed[grant.type] ?? [];
  if ((listed.AWS ?? []).includes('*')) return true;
  return values.some((raw) => {
    const value = normalizePrincipal(raw);
    if (value === grant.value) return true;
    return grant.type === 'AWS' && grant.account !== '*' && value === grant.account;
  });
}

function conditionEffect(
  operator: string,
  key: string,
  values: string[],
  grant: Grantee,
  own: string,
): DenyEffect {
  const base = operator.replace(/ifexists$/, '');
  const ifExists = operator.endsWith('ifexists');
  if (key === 'aws:principalisawsservice' && base === 'bool')
    return values.includes('false') ? 'all' : 'none';
  if (base === 'null' && key === 'aws:principalaccount') {
    const present = grant.type !== 'Federated';
    return values.includes('false') === present ? 'all' : 'none';
  }
  const negative = NEGATIVE.includes(base);
  if (!negative && !POSITIVE.includes(base)) return 'none';
  const isAccountKey = ACCOUNT_KEYS.includes(key);
  const isArnKey = ARN_KEYS.includes(key);
  const isOrgKey = ORG_KEYS.includes(key);
  if (!isAccountKey && !isArnKey && !isOrgKey) return 'none';
  if (grant.type === 'Federated') return negative || ifExists ? 'all' : 'none';
  if (grant.account === '*') {
    if (!negative) return 'none';
    if (isOrgKey)
      return { key: key === 'aws:principalorgid' ? 'aws:PrincipalOrgID' : 'aws:PrincipalOrgPaths', values };
    const accounts = isAccountKey ? values : values.map((v) => principalAccount(v) ?? '*');
    if (accounts.some((a) => a === '*' || a.includes('*'))) return 'none';
    const outside = accounts.filter((a) => a !== own);
    return outside.length === 0 ? 'all' : { key: 'aws:PrincipalAccount', values: outside };
  }
  const account = grant.account ?? '';
  let named: boolean;
  if (isOrgKey) named = false;
  else if (isAccountKey) named = values.some((v) => wildcardMatch(v, account, true));
  else {
    // A bare account grantee (every principal of that account) is only fully named by an ARN of that account's root.
    const wholeAccount = grant.value === account;
    named = values.some((v) =>
      wholeAccount ? normalizePrincipal(v) === account : wildcardMatch(v, grant.value),
    );
  }
  return negative !== named ? 'all' : 'none';
}

export function denyCoversAction(deny: Statement, action: string): boolean {
  if (deny.action) return deny.action.some((p) => actionMatches(p, action));
  return !(deny.notAction ?? []).some((p) => actionMatches(p, action) || actionMatches(action, p));
}

function flatten(block: ConditionBlock): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const keys of Object.values(block)) {
    for (const [key, values] of Object.entries(keys)) flat[key] = values.join(',');
  }
  return flat;
}

function merge(grants: Grant[]): ExternalAccess[] {
  const byKey = new Map<string, ExternalAccess>();
  for (const grant of grants) {
    const condition = Object.fromEntries(
      Object.entries(grant.condition).sort(([a], [b]) => a.localeCompare(b)),
    );
    const key = JSON.stringify([grant.type, grant.value, condition, grant.isPublic]);
    const found = byKey.get(key);
    if (found) found.actions = unique([...found.actions, ...grant.actions]);
    else
      byKey.set(key, {
        principal: { [grant.type]: grant.value },
        actions: unique(grant.actions),
        condition,
        isPublic: grant.isPublic,
      });
  }
  return [...byKey.values()];
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
