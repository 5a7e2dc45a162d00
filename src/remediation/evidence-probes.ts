/**
 * The principals denyEvidence probes a trust policy with: for the finding's side, each external principal it
 * names (an account also through one of its roles; "everyone" through a role of an unrelated account), with
 * every action the finding lists and every STS action its kind uses; for the owner's side, a role and the root
 * of the own account, every own-account AWS principal, every service principal and every federated provider
 * (other than the finding's) the old policy allowed.
 */
import { asList, type PolicyDocument } from './policy-document';
import {
  accountRoot,
  assumeActionsFor,
  isAccountId,
  parseArn,
  rootAccountOf,
  type TypedPrincipal,
} from './principals';
import type { DenyFinding } from './trust-policy-deny';

export interface EvidenceOptions {
  /** The organization, when the Deny is relative to it: own principals are then taken to be in it. */
  orgId?: string;
  /** Own-account principals to check besides those `before` names. Default `role/Admin` and the root. */
  ownPrincipals?: string[];
  partition?: string;
}

export type Probe = { principal: TypedPrincipal; actions: string[]; orgId: string | null };

/** An account that is not `own`, to stand for "anyone outside" when the finding is public. */
const outsider = (own: string) => (own === '999999999999' ? '888888888888' : '999999999999');

export function externalProbes(finding: DenyFinding, ownAccount: string, partition: string): Probe[] {
  const probes: Probe[] = [];
  const add = (principal: TypedPrincipal) => {
    const actions = [
      ...new Set([...(finding.action ?? []), ...assumeActionsFor(principal.kind, principal.id)]),
    ];
    probes.push({ principal, actions, orgId: null });
    const root = rootAccountOf(principal.id);
    // An account principal stands for all of its principals: check one of them too.
    if (principal.kind === 'AWS' && root)
      add({ kind: 'AWS', id: `arn:${partition}:iam::${root}:role/AnyRole` });
  };
  const entries = Object.entries(finding.principal ?? {});
  if (entries.length === 0 && finding.isPublic) entries.push(['AWS', '*']);
  for (const [key, raw] of entries) {
    for (const value of asList(raw)) {
      const kind = (['AWS', 'Federated', 'Service'] as const).find(
        (k) => k.toLowerCase() === key.toLowerCase(),
      );
      if (!kind) continue;
      if (value === '*') add({ kind: 'AWS', id: accountRoot(outsider(ownAccount), partition) });
      else add({ kind, id: kind === 'AWS' && isAccountId(value) ? accountRoot(value, partition) : value });
    }
  }
  return probes;
}

export function ownerProbes(
  before: PolicyDocument,
  finding: DenyFinding,
  ownAccount: string,
  options: EvidenceOptions,
): Probe[] {
  const partition = options.partition ?? 'aws';
  const orgId = options.orgId ?? null;
  const ids = new Set(
    options.ownPrincipals ?? [
      `arn:${partition}:iam::${ownAccount}:role/Admin`,
      accountRoot(ownAccount, partition),
    ],
  );
  const services = new Set<string>();
  const federated = new Set<string>();
  const named = new Set(Object.values(finding.principal ?? {}).flatMap((v) => asList(v)));
  for (const s of before.Statement) {
    if (s.Effect !== 'Allow' || s.Principal === undefined || s.Principal === '*') continue;
    for (const [key, value] of Object.entries(s.Principal)) {
      for (const v of asList(value)) {
        const id = isAccountId(v) ? accountRoot(v, partition) : v;
        if (key.toUpperCase() === 'AWS' && parseArn(id)?.account === ownAccount) ids.add(id);
        if (key.toLowerCase() === 'service' && v !== '*') services.add(v);
        // Other federations the finding does not name must keep working too.
        if (key.toLowerCase() === 'federated' && v !== '*' && !named.has(v)) federated.add(v);
      }
    }
  }
  const probe = (principal: TypedPrincipal): Probe => ({
    principal,
    actions: assumeActionsFor(principal.kind, principal.id),
    orgId: principal.kind === 'AWS' ? orgId : null,
  });
  return [
    ...[...ids].map((id) => probe({ kind: 'AWS', id })),
    ...[...services].map((id) => probe({ kind: 'Service', id })),
    ...[...federated].map((id) => probe({ kind: 'Federated', id })),
  ];
}
