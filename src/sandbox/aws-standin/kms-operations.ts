import { AwsError } from './errors';
import type { IamState } from './iam-state';
import { epochSeconds, unknownOperation } from './json-rpc-protocol';
import type { KmsKey, KmsState } from './kms-state';
import { parsePolicy, principalAccount, PolicySyntaxError, type PolicyDocument } from './policy-document';
import { principalMayCall } from './policy-evaluator';

type Input = Record<string, unknown>;

/**
 * KMS key-policy operations (GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, DescribeKey, ListKeys) with KMS's
 * rules: `PolicyName` can only be `default`; a policy over 32 KB → LimitExceededException; invalid JSON, a
 * statement without `Principal`, or a principal of this account that does not exist →
 * MalformedPolicyDocumentException.
 *
 * Lockout safety check, simplified: KMS checks that the principal making PutKeyPolicy could make another
 * PutKeyPolicy call under the new policy. The stand-in does not know who calls, so it checks the account
 * root instead (the principal the default key policy trusts): unless `BypassPolicyLockoutSafetyCheck` is
 * true, the new policy must contain an Allow statement WITHOUT a Condition whose Principal lists `*`, the
 * account id or `arn:aws:iam::<account>:root` and whose Action (or NotAction) covers `kms:PutKeyPolicy`
 * (`kms:*`, `*`, `kms:Put*`, …), and no Deny statement may remove that (a Deny naming `*`, the account or
 * its root, unconditionally or with conditions that hold for the owner, covering `kms:PutKeyPolicy`).
 * Otherwise: MalformedPolicyDocumentException "The new key policy will not allow you to update the key
 * policy in the future."
 */
export function executeKms(
  kms: KmsState,
  iam: IamState,
  account: string,
  operation: string,
  input: Input,
): unknown {
  switch (operation) {
    case 'GetKeyPolicy': {
      const key = keyOf(kms, input);
      policyName(input);
      return { Policy: key.policy, PolicyName: 'default' };
    }
    case 'PutKeyPolicy': {
      const key = keyOf(kms, input);
      policyName(input);
      const policy = input.Policy;
      if (typeof policy !== 'string' || policy === '') throw validation('Policy');
      checkPolicy(iam, account, policy, input.BypassPolicyLockoutSafetyCheck === true);
      kms.setPolicy(key.keyId, policy);
      return {};
    }
    case 'ListKeyPolicies':
      keyOf(kms, input);
      return { PolicyNames: ['default'], Truncated: false };
    case 'DescribeKey':
      return { KeyMetadata: metadata(keyOf(kms, input), account) };
    case 'ListKeys': {
      const limit = input.Limit === undefined ? 100 : Number(input.Limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new AwsError('ValidationException', 400, 'Limit must be between 1 and 1000');
      }
      const start =
        typeof input.Marker === 'string' ? Number(Buffer.from(input.Marker, 'base64url').toString()) : 0;
      if (!Number.isInteger(start) || start < 0)
        throw new AwsError('InvalidMarkerException', 400, 'Invalid marker');
      const keys = kms.listKeys();
      const page = keys.slice(start, start + limit);
      const truncated = start + limit < keys.length;
      return {
        Keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
        Truncated: truncated,
        NextMarker: truncated ? Buffer.from(String(start + limit)).toString('base64url') : undefined,
      };
    }
    default:
      throw unknownOperation(operation);
  }
}

function validation(field: string): AwsError {
  return new AwsError(
    'ValidationException',
    400,
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}

function keyOf(kms: KmsState, input: Input): KmsKey {
  const keyId = input.KeyId;
  if (typeof keyId !== 'string' || keyId === '') throw validation('KeyId');
  const key = kms.getKey(keyId);
  if (!key) throw new AwsError('NotFoundException', 404, `Key '${keyId}' does not exist`);
  return key;
}

function policyName(input: Input): void {
  if (input.PolicyName !== undefined && input.PolicyName !== 'default') {
    throw new AwsError('NotFoundException', 404, `No such policy exists: ${String(input.PolicyName)}`);
  }
}

function checkPolicy(iam: IamState, account: string, policy: string, bypass: boolean): void {
  if (Buffer.byteLength(policy, 'utf8') > 32 * 1024) {
    throw new AwsError('LimitExceededException', 400, 'Policy exceeds the maximum size of 32768 bytes');
  }
  let document: PolicyDocument;
  try {
    document = parsePolicy(policy);
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw malformed(`Policy contains invalid JSON: ${error.message}`);
    throw error;
  }
  for (const statement of document.statements) {
    if (!statement.principal && !statement.notPrincipal)
      throw malformed('Policy contains a statement with no principal.');
    for (const value of statement.principal?.AWS ?? []) {
      const local = principalAccount(value) === account && /:(role|user)\//.test(value);
      if (local && !iam.principalExists(value))
        throw malformed('Policy contains a statement with one or more invalid principals.');
    }
  }
  if (!bypass && !principalMayCall(document, `arn:aws:iam::${account}:root`, 'kms:PutKeyPolicy', account)) {
    throw malformed('The new key policy will not allow you to update the key policy in the future.');
  }
}

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicyDocumentException', 400, message);
}

function metadata(key: KmsKey, account: string): Record<string, unknown> {
  return {
    AWSAccountId: account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epochSeconds(key.createdAt),
    Enabled: true,
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  };
}
