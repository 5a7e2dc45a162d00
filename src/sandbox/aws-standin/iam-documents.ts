import { AwsError } from './errors';
import type { IamState } from './iam-state';
import {
  parsePolicy,
  PolicySyntaxError,
  principalAccount,
  sizeWithoutWhitespace,
  type PolicyDocument,
} from './policy-document';

/**
 * IAM's checks on policy documents and its list paging, as the IAM API documents them:
 * - characters outside TAB/LF/CR/U+0020–U+00FF, invalid JSON or grammar → MalformedPolicyDocument;
 * - the size quota is counted without whitespace → LimitExceeded "Cannot exceed quota for <Quota>: <max>";
 * - Sids match `[0-9A-Za-z]*` and are unique;
 * - trust policies: no `Resource`, a `Principal` is required, role/user principals of this account must exist
 *   ("Invalid principal in policy"); identity policies: no `Principal`, a `Resource` is required.
 * Lists page with `Marker` (opaque position) and `MaxItems` (1–1000, default 100) plus `IsTruncated`.
 */
type Input = Record<string, unknown>;

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', 400, message);
}

/** Validates a document before IAM stores it; returns it parsed. */
export function checkDocument(
  iam: IamState,
  account: string,
  text: string,
  kind: 'trust' | 'identity',
  quota: string,
  max: number,
): PolicyDocument {
  if (/[^\t\n\r\x20-\xff]/.test(text))
    throw malformed('The policy contains characters outside the supported range.');
  let document: PolicyDocument;
  try {
    document = parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw malformed(error.message);
    throw error;
  }
  if (sizeWithoutWhitespace(text) > max)
    throw new AwsError('LimitExceeded', 409, `Cannot exceed quota for ${quota}: ${max}`);
  const sids = document.statements.map((s) => s.sid).filter((s): s is string => s !== undefined && s !== '');
  if (sids.some((sid) => !/^[0-9A-Za-z]*$/.test(sid))) {
    throw malformed(
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    );
  }
  if (new Set(sids).size !== sids.length)
    throw malformed('Statement IDs (SID) in a single policy must be unique.');
  for (const statement of document.statements) {
    if (kind === 'trust') {
      if (statement.resource || statement.notResource) throw malformed('Has prohibited field Resource');
      if (!statement.principal && !statement.notPrincipal)
        throw malformed('Missing required field Principal');
      for (const value of statement.principal?.AWS ?? []) {
        const local = principalAccount(value) === account && /:(role|user)\//.test(value);
        if (local && !iam.principalExists(value))
          throw malformed(`Invalid principal in policy: "AWS":"${value}"`);
      }
    } else {
      if (statement.principal || statement.notPrincipal)
        throw malformed('Policy document should not specify a principal.');
      if (!statement.resource && !statement.notResource)
        throw malformed('Policy statement must contain resources.');
    }
  }
  return document;
}

/** IAM `Marker`/`MaxItems` paging; the marker is an opaque position. */
export function page<T>(all: T[], input: Input): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = input.MaxItems === undefined ? 100 : Number(input.MaxItems);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw new AwsError(
      'ValidationError',
      400,
      `Value ${String(input.MaxItems)} for MaxItems must be between 1 and 1000`,
    );
  }
  const marker = typeof input.Marker === 'string' && input.Marker !== '' ? input.Marker : undefined;
  const start = marker === undefined ? 0 : Number(Buffer.from(marker, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new AwsError('ValidationError', 400, 'Invalid Marker');
  const items = all.slice(start, start + max);
  const more = start + max < all.length;
  return {
    items,
    IsTruncated: more,
    Marker: more ? Buffer.from(String(start + max)).toString('base64url') : undefined,
  };
}
