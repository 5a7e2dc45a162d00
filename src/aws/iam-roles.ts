/**
 * IAM role trust policies (the TrustPolicyGateway port): the only module that reads or writes a role's
 * AssumeRolePolicyDocument. SDK errors are translated into AppErrors here, so nothing above knows SDK types.
 * IAM actions used: iam:GetRole, iam:UpdateAssumeRolePolicy (on the roles the bot may remediate).
 *
 * Wire facts relied on: GetRole returns `AssumeRolePolicyDocument` RFC 3986 URL-encoded (the SDK v3 does not
 * decode it); UpdateAssumeRolePolicy takes plain JSON; IAM's query error codes (`NoSuchEntity`,
 * `LimitExceeded`, `MalformedPolicyDocument`) reach us as the SDK's `…Exception` classes, unmodelled ones
 * (`AccessDenied`, `Throttling`) under their bare code.
 */
import { GetRoleCommand, UpdateAssumeRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AppError, AwsCallError } from '../errors';
import type { RoleTrustPolicy, TrustPolicyGateway } from '../remediation/ports';
import {
  decodeIamDocument,
  policyLength,
  serializePolicyDocument,
  type PolicyDocument,
} from '../remediation/policy-document';
import { DEFAULT_TRUST_POLICY_MAX_CHARS, PolicyTooLargeError } from '../remediation/trust-policy-deny';

type IamOperation = 'GetRole' | 'UpdateAssumeRolePolicy';

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * The IAM error code without the SDK's `Exception` suffix, so modelled and unmodelled errors compare alike.
 * @example iamErrorCode({ name: 'NoSuchEntityException' }) // 'NoSuchEntity'
 */
export function iamErrorCode(err: unknown): string {
  const e = (err ?? {}) as SdkError;
  const raw = e.Code ?? e.name ?? 'UnknownError';
  return raw.endsWith('Exception') ? raw.slice(0, -'Exception'.length) : raw;
}

/**
 * The quota IAM names in a LimitExceeded message, else the default trust-policy quota.
 * @example quotaFrom('Cannot exceed quota for ACLSizePerRole: 4096') // 4096
 */
export function quotaFrom(message: string | undefined): number {
  const match = /quota for \w+:\s*(\d+)/i.exec(message ?? '');
  return match ? Number(match[1]) : DEFAULT_TRUST_POLICY_MAX_CHARS;
}

/**
 * Turns an SDK error from GetRole/UpdateAssumeRolePolicy into an AppError a Slack approver can act on.
 * `document` is the policy that was being written (for LimitExceeded).
 * @example translateIamError('GetRole', err, 'Audit_CrossAccountRole') // AwsCallError "…no longer exists…"
 */
export function translateIamError(
  operation: IamOperation,
  err: unknown,
  roleName: string,
  document?: PolicyDocument,
): Error {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as SdkError;
  const code = iamErrorCode(err);
  const fail = (userMessage: string) => new AwsCallError(operation, code, userMessage, { cause: err });
  switch (code) {
    case 'NoSuchEntity':
      return fail(`The role \`${roleName}\` no longer exists in IAM (deleted or renamed); nothing changed.`);
    case 'AccessDenied':
      return fail(
        `The bot's AWS role is not allowed to call IAM ${operation} on \`${roleName}\` (AccessDenied). ` +
          `Ask the team that runs the bot to grant iam:${operation}; nothing changed.`,
      );
    case 'LimitExceeded':
      if (operation === 'UpdateAssumeRolePolicy' && document) {
        return new PolicyTooLargeError(policyLength(document), quotaFrom(e.message));
      }
      return fail(`IAM refused ${operation} on \`${roleName}\`: ${e.message ?? 'a limit was exceeded'}.`);
    case 'MalformedPolicyDocument':
      return fail(
        `IAM rejected the trust policy for \`${roleName}\` as malformed: "${e.message ?? 'no reason given'}". Nothing changed.`,
      );
    case 'Throttling':
    case 'TooManyRequests':
      return fail(`IAM is throttling requests (${operation}); nothing changed. Try again in a minute.`);
    default:
      return fail(
        `IAM ${operation} on \`${roleName}\` failed (${code}${e.$metadata?.httpStatusCode ? `, HTTP ${e.$metadata.httpStatusCode}` : ''}); nothing changed.`,
      );
  }
}

/**
 * The TrustPolicyGateway on a real IAMClient.
 * @example
 * const gateway = createTrustPolicyGateway(clients.iam);
 * const { document } = await gateway.getTrustPolicy('Audit_CrossAccountRole');
 * await gateway.putTrustPolicy('Audit_CrossAccountRole', addTrustPolicyDeny(document, finding, opts).document);
 */
export function createTrustPolicyGateway(iam: IAMClient): TrustPolicyGateway {
  return {
    async getTrustPolicy(roleName): Promise<RoleTrustPolicy> {
      let role;
      try {
        ({ Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName })));
      } catch (err) {
        throw translateIamError('GetRole', err, roleName);
      }
      if (!role?.AssumeRolePolicyDocument) {
        throw new AwsCallError(
          'GetRole',
          'MissingTrustPolicy',
          `IAM returned no trust policy for \`${roleName}\`.`,
        );
      }
      return {
        roleName: role.RoleName ?? roleName,
        roleArn: role.Arn ?? '',
        document: decodeIamDocument(role.AssumeRolePolicyDocument),
      };
    },

    async putTrustPolicy(roleName, document): Promise<void> {
      try {
        await iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: roleName,
            PolicyDocument: serializePolicyDocument(document),
          }),
        );
      } catch (err) {
        throw translateIamError('UpdateAssumeRolePolicy', err, roleName, document);
      }
    },
  };
}
