import { createHash } from 'node:crypto';
import type { Clock } from './clock';
import { AwsError } from './errors';
import { epochSeconds, unknownOperation } from './json-rpc-protocol';
import { parsePolicy, PolicySyntaxError } from './policy-document';
import { findExternalAccess } from './policy-evaluator';

/**
 * Secrets Manager secrets and their resource policies. ARNs end in `-` plus six random characters, as
 * Secrets Manager appends; `SecretId` accepts the name or the ARN. Operations: DescribeSecret,
 * GetResourcePolicy, PutResourcePolicy, DeleteResourcePolicy, ValidateResourcePolicy.
 * - PutResourcePolicy: invalid JSON or grammar → MalformedPolicyDocumentException; over 20,480 characters →
 *   LimitExceededException; with `BlockPublicPolicy: true`, a policy the evaluator finds public (Principal
 *   `*` not confined to the account or an org) → PublicPolicyException. Without the flag public policies
 *   are stored (the stand-in does not model a service-side default).
 * - ValidateResourcePolicy answers `PolicyValidationPassed` plus `ValidationErrors` with the same checks.
 * Values are not modelled (no GetSecretValue). Policy writes are announced through `changed`.
 */
export interface Secret {
  name: string;
  arn: string;
  description?: string;
  createdAt: Date;
  lastChangedAt: Date;
  policy?: string;
  tags: Record<string, string>;
}

export interface SecretsContext {
  clock: Clock;
  account: string;
  region: string;
  changed: () => void;
}

const MAX_POLICY = 20_480;
type Input = Record<string, unknown>;

export class SecretsManagerState {
  private readonly secrets = new Map<string, Secret>();

  constructor(private readonly context: SecretsContext) {}

  createSecret(input: {
    name: string;
    description?: string;
    policy?: string | object;
    tags?: Record<string, string>;
  }): Secret {
    if (!/^[\w/+=.@-]{1,512}$/.test(input.name)) throw new Error(`invalid secret name ${input.name}`);
    if (this.secrets.has(input.name)) throw new Error(`secret ${input.name} already exists`);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    // AWS draws the 6-character suffix at random; the stand-in derives it from the name so a re-seeded sandbox
    // account gets the same ARN (and so the same finding ids) after a restart.
    const digest = createHash('sha256')
      .update(`${this.context.account}/${this.context.region}/${input.name}`)
      .digest();
    const suffix = [...digest.subarray(0, 6)].map((b) => alphabet[b % alphabet.length]).join('');
    const now = this.context.clock();
    const secret: Secret = {
      name: input.name,
      arn: `arn:aws:secretsmanager:${this.context.region}:${this.context.account}:secret:${input.name}-${suffix}`,
      description: input.description,
      createdAt: now,
      lastChangedAt: now,
      policy: input.policy === undefined ? undefined : text(input.policy),
      tags: input.tags ?? {},
    };
    this.secrets.set(input.name, secret);
    this.context.changed();
    return secret;
  }

  /** By name or ARN (with or without the random suffix, as Secrets Manager resolves partial ARNs). */
  getSecret(id: string): Secret | undefined {
    return (
      this.secrets.get(id) ??
      [...this.secrets.values()].find((s) => s.arn === id || s.arn.startsWith(`${id}-`))
    );
  }

  listSecrets(): Secret[] {
    return [...this.secrets.values()];
  }

  setPolicy(id: string, policy: string | object | undefined): void {
    const secret = this.getSecret(id);
    if (!secret) throw new Error(`secret ${id} does not exist`);
    secret.policy = policy === undefined ? undefined : text(policy);
    secret.lastChangedAt = this.context.clock();
    this.context.changed();
  }
}

export function executeSecretsManager(
  state: SecretsManagerState,
  account: string,
  operation: string,
  input: Input,
): unknown {
  switch (operation) {
    case 'DescribeSecret': {
      const secret = secretOf(state, input);
      return {
        ARN: secret.arn,
        Name: secret.name,
        Description: secret.description,
        CreatedDate: epochSeconds(secret.createdAt),
        LastChangedDate: epochSeconds(secret.lastChangedAt),
        Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
        VersionIdsToStages: {},
      };
    }
    case 'GetResourcePolicy': {
      const secret = secretOf(state, input);
      return { ARN: secret.arn, Name: secret.name, ResourcePolicy: secret.policy };
    }
    case 'PutResourcePolicy': {
      const secret = secretOf(state, input);
      const policy = requiredPolicy(input);
      const problem = policyProblem(policy, account);
      if (problem) throw problem;
      if (input.BlockPublicPolicy === true && isPublicPolicy(policy, account)) {
        throw new AwsError(
          'PublicPolicyException',
          400,
          'This resource policy will grant public access to the secret.',
        );
      }
      state.setPolicy(secret.arn, policy);
      return { ARN: secret.arn, Name: secret.name };
    }
    case 'DeleteResourcePolicy': {
      const secret = secretOf(state, input);
      state.setPolicy(secret.arn, undefined);
      return { ARN: secret.arn, Name: secret.name };
    }
    case 'ValidateResourcePolicy': {
      if (input.SecretId !== undefined) secretOf(state, input);
      const policy = requiredPolicy(input);
      const problem = policyProblem(policy, account);
      const errors = problem ? [{ CheckName: 'SYNTAX_CHECK', ErrorMessage: problem.message }] : [];
      if (!problem && isPublicPolicy(policy, account)) {
        errors.push({
          CheckName: 'PUBLIC_POLICY',
          ErrorMessage: 'This resource policy grants public access to the secret.',
        });
      }
      return { PolicyValidationPassed: errors.length === 0, ValidationErrors: errors };
    }
    default:
      throw unknownOperation(operation);
  }
}

function secretOf(state: SecretsManagerState, input: Input): Secret {
  const id = input.SecretId;
  if (typeof id !== 'string' || id === '')
    throw new AwsError('InvalidParameterException', 400, 'You must provide a SecretId.');
  const secret = state.getSecret(id);
  if (!secret)
    throw new AwsError('ResourceNotFoundException', 400, "Secrets Manager can't find the specified secret.");
  return secret;
}

function requiredPolicy(input: Input): string {
  const policy = input.ResourcePolicy;
  if (typeof policy !== 'string' || policy === '') {
    throw new AwsError('InvalidParameterException', 400, 'You must provide a ResourcePolicy.');
  }
  return policy;
}

function policyProblem(policy: string, _account: string): AwsError | undefined {
  if (policy.length > MAX_POLICY) {
    return new AwsError(
      'LimitExceededException',
      400,
      `The resource policy exceeds the maximum size of ${MAX_POLICY} characters.`,
    );
  }
  try {
    const document = parsePolicy(policy);
    if (document.statements.some((s) => !s.principal && !s.notPrincipal)) {
      return new AwsError('MalformedPolicyDocumentException', 400, 'Missing required field Principal');
    }
  } catch (error) {
    if (error instanceof PolicySyntaxError)
      return new AwsError('MalformedPolicyDocumentException', 400, error.message);
    throw error;
  }
  return undefined;
}

function isPublicPolicy(policy: string, account: string): boolean {
  return findExternalAccess(parsePolicy(policy), account, 'resource').some((a) => a.isPublic);
}

function text(policy: string | object): string {
  return typeof policy === 'string' ? policy : JSON.stringify(policy);
}
