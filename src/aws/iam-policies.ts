/**
 * A role's identity policies in IAM (the PolicyAttacher port): reads what a role is granted today (attached
 * managed policies and inline policies, decoded), creates a customer managed policy, and attaches or detaches
 * it. SDK errors are translated into AppErrors here, so nothing above knows SDK types.
 *
 * IAM actions used, per method:
 * - attachedPolicies: iam:ListAttachedRolePolicies, iam:GetPolicy, iam:GetPolicyVersion,
 *   iam:ListRolePolicies, iam:GetRolePolicy;
 * - createPolicy: iam:CreatePolicy; when the name is taken, also iam:ListPolicies and iam:GetPolicyVersion
 *   (to compare documents);
 * - attach: iam:ListAttachedRolePolicies, iam:AttachRolePolicy;
 * - detach: iam:DetachRolePolicy; when IAM answers NoSuchEntity, also iam:ListAttachedRolePolicies.
 *
 * Wire facts relied on: GetPolicyVersion and GetRolePolicy return documents RFC 3986 URL-encoded (the SDK v3
 * does not decode them); CreatePolicy takes plain JSON; AttachRolePolicy of a policy already attached
 * succeeds; DetachRolePolicy of a policy not attached answers NoSuchEntity, as does either call on a role
 * that does not exist; a customer managed policy name is unique in the account, case-insensitively
 * (EntityAlreadyExists); IAM's query error codes reach us as `…Exception` classes or their bare code
 * (see iamErrorCode).
 *
 * @example
 *   const attacher = createPolicyAttacher(clients.iam);
 *   const today = await attacher.attachedPolicies('BucketCreator');
 *   const { policyArn } = await attacher.createPolicy('BucketCreator-least-privilege', json, 'From /iam-generate');
 *   await attacher.attach('BucketCreator', policyArn);
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  type IAMClient,
  paginateListAttachedRolePolicies,
  paginateListPolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import { AppError, AwsCallError } from '../errors';
import { decodeIamDocument, stableJson, type PolicyDocument } from '../remediation/policy-document';
import { iamErrorCode } from './iam-roles';

// ---------------------------------------------------------------------------------------------------------
// Port
// ---------------------------------------------------------------------------------------------------------

/** A managed policy attached to a role, with the document of its default version. */
export interface AttachedManagedPolicy {
  kind: 'managed';
  name: string;
  arn: string;
  /** The default version the document was read from, e.g. `v1`. */
  versionId: string;
  /** AWS managed (`arn:aws:iam::aws:policy/…`) rather than customer managed. */
  awsManaged: boolean;
  document: PolicyDocument;
}

/** An inline policy embedded in a role. */
export interface InlineRolePolicy {
  kind: 'inline';
  name: string;
  document: PolicyDocument;
}

/** What a role is granted by: `{name, document}` is what a gap computation needs. */
export type RolePolicy = AttachedManagedPolicy | InlineRolePolicy;

/** The outcome of createPolicy: `created` false when an identical policy of that name was already there. */
export interface CreatedPolicy {
  policyArn: string;
  created: boolean;
}

/**
 * Reads and changes a role's identity policies. Every method throws an AppError (usually AwsCallError)
 * whose `userMessage` is safe to show in Slack. All writes are idempotent, so a retried approval is safe.
 */
export interface PolicyAttacher {
  /** Attached managed policies (all pages, default versions) then inline policies, documents decoded. */
  attachedPolicies(roleName: string): Promise<RolePolicy[]>;
  /**
   * Creates a customer managed policy (path `/`). When the name is taken by a policy with the same document
   * (a retried request), that policy's ARN is returned with `created: false`.
   * @throws PolicyNameTakenError when the name is taken by a policy with another document.
   */
  createPolicy(name: string, document: string, description?: string): Promise<CreatedPolicy>;
  /** Attaches a managed policy; `alreadyAttached` says it was attached before (nothing changed). */
  attach(roleName: string, policyArn: string): Promise<{ alreadyAttached: boolean }>;
  /** Detaches a managed policy; `detached` false when it was not attached (nothing changed). */
  detach(roleName: string, policyArn: string): Promise<{ detached: boolean }>;
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/** A customer managed policy of this name exists with another document. */
export class PolicyNameTakenError extends AppError {
  constructor(
    readonly policyName: string,
    readonly existingArn: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      'policy_name_taken',
      `managed policy ${policyName} exists with another document`,
      `A managed policy named \`${policyName}\` already exists${existingArn ? ` (\`${existingArn}\`)` : ''} with a different document; nothing changed. Choose another name, or delete the old policy first.`,
      options,
    );
    this.name = 'PolicyNameTakenError';
  }
}

type IamPolicyOperation =
  | 'ListAttachedRolePolicies'
  | 'GetPolicy'
  | 'GetPolicyVersion'
  | 'ListRolePolicies'
  | 'GetRolePolicy'
  | 'CreatePolicy'
  | 'ListPolicies'
  | 'AttachRolePolicy'
  | 'DetachRolePolicy';

interface SdkError {
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const READS = new Set<IamPolicyOperation>([
  'ListAttachedRolePolicies',
  'GetPolicy',
  'GetPolicyVersion',
  'ListRolePolicies',
  'GetRolePolicy',
  'ListPolicies',
]);

/**
 * Turns an SDK error of an IAM policy call into an AppError a Slack approver can act on. `subject` is what
 * the call was about: the role name, the policy name, or `role → policy ARN`.
 * @example translatePolicyError('AttachRolePolicy', err, 'BucketCreator', policyArn)
 */
export function translatePolicyError(
  operation: IamPolicyOperation,
  err: unknown,
  subject: string,
  policy?: string,
): Error {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as SdkError;
  const code = iamErrorCode(err);
  const said = e.message ? `"${e.message}"` : 'no reason given';
  const outcome = READS.has(operation) ? '' : ' Nothing changed.';
  const what = policy ? `\`${subject}\` and policy \`${policy}\`` : `\`${subject}\``;
  const fail = (userMessage: string) => new AwsCallError(operation, code, userMessage, { cause: err });
  switch (code) {
    case 'NoSuchEntity':
      return fail(`IAM does not know ${what} (${operation}): ${said}.${outcome}`);
    case 'AccessDenied':
      return fail(
        `The bot's AWS role is not allowed to call IAM ${operation} on ${what} (AccessDenied). Ask the team that runs the bot to grant iam:${operation}.${outcome}`,
      );
    case 'LimitExceeded':
      if (operation === 'AttachRolePolicy') {
        return fail(
          `The role \`${subject}\` already has as many managed policies attached as IAM allows (10 by default, up to 20 with a quota increase): ${said}. Detach one first.${outcome}`,
        );
      }
      return fail(`IAM refused ${operation} on ${what}, a limit was reached: ${said}.${outcome}`);
    case 'MalformedPolicyDocument':
      return fail(`IAM rejected the policy document for ${what} as malformed: ${said}.${outcome}`);
    case 'PolicyNotAttachable':
    case 'UnmodifiableEntity':
      return fail(`IAM refused ${operation} on ${what} (${code}): ${said}.${outcome}`);
    case 'Throttling':
    case 'TooManyRequests':
      return fail(`IAM is throttling requests (${operation}).${outcome} Try again in a minute.`);
    default:
      return fail(
        `IAM ${operation} on ${what} failed (${code}${e.$metadata?.httpStatusCode ? `, HTTP ${e.$metadata.httpStatusCode}` : ''}).${outcome}`,
      );
  }
}

/** Decodes a document IAM returned; an unreadable one is reported, not guessed at. */
function decode(operation: IamPolicyOperation, what: string, encoded: string | undefined): PolicyDocument {
  try {
    return decodeIamDocument(encoded ?? '');
  } catch (err) {
    throw new AwsCallError(
      operation,
      'UnreadablePolicy',
      `The policy ${what} as IAM returned it is not a policy the bot can read (${err instanceof Error ? err.message : 'not JSON'}).`,
      { cause: err },
    );
  }
}

/** Canonical text of a policy for comparison (key order and whitespace ignored), or the trimmed text. */
function comparable(document: string | PolicyDocument): string {
  if (typeof document !== 'string') return stableJson(document);
  try {
    return stableJson(JSON.parse(document));
  } catch {
    return document.trim();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Adapter
// ---------------------------------------------------------------------------------------------------------

/**
 * The PolicyAttacher on a real IAMClient.
 * @example const attacher = createPolicyAttacher(clients.iam);
 */
export function createPolicyAttacher(iam: IAMClient): PolicyAttacher {
  async function attachedArns(roleName: string): Promise<{ name: string; arn: string }[]> {
    const found: { name: string; arn: string }[] = [];
    try {
      for await (const page of paginateListAttachedRolePolicies(
        { client: iam, pageSize: 100 },
        { RoleName: roleName },
      )) {
        for (const p of page.AttachedPolicies ?? []) {
          if (p.PolicyArn) found.push({ name: p.PolicyName ?? p.PolicyArn, arn: p.PolicyArn });
        }
      }
    } catch (err) {
      throw translatePolicyError('ListAttachedRolePolicies', err, roleName);
    }
    return found;
  }

  /** The decoded document of a policy version. */
  async function versionDocument(policyArn: string, versionId: string): Promise<PolicyDocument> {
    let encoded: string | undefined;
    try {
      const out = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }));
      encoded = out.PolicyVersion?.Document;
    } catch (err) {
      throw translatePolicyError('GetPolicyVersion', err, policyArn);
    }
    return decode('GetPolicyVersion', `\`${policyArn}\` (${versionId})`, encoded);
  }

  async function managed(name: string, arn: string): Promise<AttachedManagedPolicy> {
    let versionId: string | undefined;
    try {
      versionId = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
    } catch (err) {
      throw translatePolicyError('GetPolicy', err, arn);
    }
    if (!versionId) {
      throw new AwsCallError(
        'GetPolicy',
        'MissingDefaultVersion',
        `IAM returned no default version for \`${arn}\`.`,
      );
    }
    return {
      kind: 'managed',
      name,
      arn,
      versionId,
      awsManaged: /^arn:aws[\w-]*:iam::aws:policy\//.test(arn),
      document: await versionDocument(arn, versionId),
    };
  }

  async function inline(roleName: string): Promise<InlineRolePolicy[]> {
    const names: string[] = [];
    try {
      for await (const page of paginateListRolePolicies(
        { client: iam, pageSize: 100 },
        { RoleName: roleName },
      )) {
        names.push(...(page.PolicyNames ?? []));
      }
    } catch (err) {
      throw translatePolicyError('ListRolePolicies', err, roleName);
    }
    const policies: InlineRolePolicy[] = [];
    for (const name of names) {
      let encoded: string | undefined;
      try {
        ({ PolicyDocument: encoded } = await iam.send(
          new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }),
        ));
      } catch (err) {
        throw translatePolicyError('GetRolePolicy', err, roleName, name);
      }
      policies.push({
        kind: 'inline',
        name,
        document: decode('GetRolePolicy', `\`${name}\` of \`${roleName}\``, encoded),
      });
    }
    return policies;
  }

  /** The customer managed policy of this name (path `/` or any), or undefined. */
  async function findLocal(name: string): Promise<{ arn: string; versionId: string } | undefined> {
    const lower = name.toLowerCase();
    try {
      for await (const page of paginateListPolicies({ client: iam, pageSize: 100 }, { Scope: 'Local' })) {
        const hit = (page.Policies ?? []).find((p) => p.PolicyName?.toLowerCase() === lower);
        if (hit?.Arn && hit.DefaultVersionId) return { arn: hit.Arn, versionId: hit.DefaultVersionId };
      }
    } catch (err) {
      throw translatePolicyError('ListPolicies', err, name);
    }
    return undefined;
  }

  return {
    async attachedPolicies(roleName) {
      const policies: RolePolicy[] = [];
      for (const { name, arn } of await attachedArns(roleName)) policies.push(await managed(name, arn));
      policies.push(...(await inline(roleName)));
      return policies;
    },

    async createPolicy(name, document, description) {
      try {
        const out = await iam.send(
          new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document, Description: description }),
        );
        const arn = out.Policy?.Arn;
        if (!arn) {
          throw new AwsCallError(
            'CreatePolicy',
            'MissingArn',
            `IAM returned no ARN for the new policy \`${name}\`.`,
          );
        }
        return { policyArn: arn, created: true };
      } catch (err) {
        if (iamErrorCode(err) !== 'EntityAlreadyExists')
          throw translatePolicyError('CreatePolicy', err, name);
        // A retried request finds its own policy: same document → the same outcome as the first attempt.
        const existing = await findLocal(name);
        if (!existing) throw new PolicyNameTakenError(name, undefined, { cause: err });
        const current = await versionDocument(existing.arn, existing.versionId);
        if (comparable(current) !== comparable(document)) {
          throw new PolicyNameTakenError(name, existing.arn, { cause: err });
        }
        return { policyArn: existing.arn, created: false };
      }
    },

    async attach(roleName, policyArn) {
      const before = await attachedArns(roleName);
      if (before.some((p) => p.arn === policyArn)) return { alreadyAttached: true };
      try {
        await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
      } catch (err) {
        throw translatePolicyError('AttachRolePolicy', err, roleName, policyArn);
      }
      return { alreadyAttached: false };
    },

    async detach(roleName, policyArn) {
      try {
        await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
        return { detached: true };
      } catch (err) {
        if (iamErrorCode(err) !== 'NoSuchEntity') {
          throw translatePolicyError('DetachRolePolicy', err, roleName, policyArn);
        }
        // NoSuchEntity means "not attached" or "no such role"; only the first is the goal reached.
        const attached = await attachedArns(roleName).catch((listError: unknown) => {
          if (listError instanceof AwsCallError && listError.awsCode === 'NoSuchEntity') return undefined;
          throw listError;
        });
        if (!attached || attached.some((p) => p.arn === policyArn)) {
          throw translatePolicyError('DetachRolePolicy', err, roleName, policyArn);
        }
        return { detached: false };
      }
    },
  };
}
