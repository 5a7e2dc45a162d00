/**
 * Principals of role trust policies and the STS actions each kind uses to assume a role:
 * - AWS principals (users, roles, account roots) and service principals call `sts:AssumeRole`;
 * - SAML providers (`arn:…:saml-provider/…`) call `sts:AssumeRoleWithSAML`;
 * - OIDC providers (`arn:…:oidc-provider/…`) and the built-in web identity providers (Cognito, Google,
 *   Facebook, Login with Amazon) call `sts:AssumeRoleWithWebIdentity`;
 * - any of them may also need `sts:TagSession` (session tags) and `sts:SetSourceIdentity` in the same call.
 * A principal `{"AWS": "999988887777"}` means the account and IAM stores it as `arn:aws:iam::999988887777:root`.
 */

export type PrincipalKind = 'AWS' | 'Federated' | 'Service';

/** A principal of one request, e.g. `{kind: 'AWS', id: 'arn:aws:iam::999988887777:user/Alice'}`. */
export interface TypedPrincipal {
  kind: PrincipalKind;
  id: string;
}

export const ASSUME_ROLE = 'sts:AssumeRole';
export const ASSUME_ROLE_WITH_SAML = 'sts:AssumeRoleWithSAML';
export const ASSUME_ROLE_WITH_WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
export const TAG_SESSION = 'sts:TagSession';
export const SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity';
/** The order actions are written in. */
export const STS_ACTION_ORDER = [
  ASSUME_ROLE,
  ASSUME_ROLE_WITH_SAML,
  ASSUME_ROLE_WITH_WEB_IDENTITY,
  TAG_SESSION,
  SET_SOURCE_IDENTITY,
];

const WEB_IDENTITY_HOSTS = new Set([
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
]);

/**
 * An anonymous (unsigned) caller, e.g. a public S3 GET: it matches `"*"` and `{"AWS": "*"}` only and carries
 * none of the `aws:Principal…` condition keys.
 */
export const ANONYMOUS: Readonly<TypedPrincipal> = { kind: 'AWS', id: '*' };

export const isAccountId = (value: string): boolean => /^\d{12}$/.test(value);

/** `arn:<partition>:iam::<account>:root`, the account as a principal. */
export const accountRoot = (accountId: string, partition = 'aws'): string =>
  `arn:${partition}:iam::${accountId}:root`;

/**
 * The parts of an ARN (`arn:partition:service:region:account:resource`; the resource may hold colons).
 * @example parseArn('arn:aws:iam::999988887777:user/Alice')?.account // '999988887777'
 */
export function parseArn(
  value: string,
): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** `arn:…:iam::<account>:root`: every principal of that account. */
export function rootAccountOf(value: string): string | undefined {
  const arn = parseArn(value);
  return arn && arn.service === 'iam' && arn.resource === 'root' ? arn.account : undefined;
}

/** Which web sign-in a federated principal uses: SAML, web identity (OIDC), or not recognisable. */
export function federationOf(provider: string): 'saml' | 'web-identity' | 'unknown' {
  const arn = parseArn(provider);
  if (arn?.service === 'iam' && arn.resource.startsWith('saml-provider/')) return 'saml';
  if (arn?.service === 'iam' && arn.resource.startsWith('oidc-provider/')) return 'web-identity';
  if (WEB_IDENTITY_HOSTS.has(provider.toLowerCase())) return 'web-identity';
  return 'unknown';
}

/**
 * The STS actions through which a principal of this kind can get into a role (or try to).
 * @example assumeActionsFor('Federated', 'arn:aws:iam::111122223333:saml-provider/Okta')
 * // ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity']
 */
export function assumeActionsFor(kind: PrincipalKind, id: string): string[] {
  if (kind !== 'Federated') return [ASSUME_ROLE, TAG_SESSION, SET_SOURCE_IDENTITY];
  const federation = federationOf(id);
  const assume =
    federation === 'saml'
      ? [ASSUME_ROLE_WITH_SAML]
      : federation === 'web-identity'
        ? [ASSUME_ROLE_WITH_WEB_IDENTITY]
        : [ASSUME_ROLE_WITH_SAML, ASSUME_ROLE_WITH_WEB_IDENTITY];
  return [...assume, TAG_SESSION, SET_SOURCE_IDENTITY];
}

/**
 * Guesses the kind of a principal written as one string: an account id or ARN is AWS (an id becomes its root
 * ARN), a SAML/OIDC provider ARN or web identity host is Federated, another `*.amazonaws.com` is a Service.
 * @example classifyPrincipal('999988887777') // {kind: 'AWS', id: 'arn:aws:iam::999988887777:root'}
 */
export function classifyPrincipal(value: string, partition = 'aws'): TypedPrincipal | undefined {
  if (isAccountId(value)) return { kind: 'AWS', id: accountRoot(value, partition) };
  if (federationOf(value) !== 'unknown') return { kind: 'Federated', id: value };
  if (parseArn(value)) return { kind: 'AWS', id: value };
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(value)) return { kind: 'Service', id: value };
  return undefined;
}

/** Sorts STS actions into the canonical order, unknown ones last in name order, without duplicates. */
export function orderActions(actions: Iterable<string>): string[] {
  const rank = (a: string) => {
    const i = STS_ACTION_ORDER.findIndex((known) => known.toLowerCase() === a.toLowerCase());
    return i === -1 ? STS_ACTION_ORDER.length : i;
  };
  const unique = new Map<string, string>();
  for (const a of actions) {
    const canonical = STS_ACTION_ORDER.find((known) => known.toLowerCase() === a.toLowerCase()) ?? a;
    unique.set(canonical.toLowerCase(), canonical);
  }
  return [...unique.values()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
