/**
 * Access Analyzer policy generation and policy validation over SDK v3 (the PolicyGenerator port): the only
 * module that starts, polls and cancels generation jobs, looks up the principal's ARN in IAM and runs
 * ValidatePolicy on a generated policy. SDK errors are translated into AppErrors here, so nothing above knows
 * SDK types.
 *
 * IAM actions used, per method:
 * - principalArn: iam:GetRole (role) or iam:GetUser (user);
 * - start: access-analyzer:StartPolicyGeneration and iam:PassRole on the access role (condition key
 *   `iam:PassedToService` = `access-analyzer.amazonaws.com`);
 * - status: access-analyzer:GetGeneratedPolicy;
 * - cancel: access-analyzer:CancelPolicyGeneration and access-analyzer:GetGeneratedPolicy;
 * - validate: access-analyzer:ValidatePolicy.
 *
 * Service facts relied on (Access Analyzer API reference and quotas page):
 * - one generation runs at a time per account and Region, at most 50 start per day (5 in some Regions),
 *   cancelled ones included; which of ConflictException and ServiceQuotaExceededException a second
 *   concurrent start gets is not documented, so both are handled;
 * - a repeated `clientToken` returns the first job's id, so a retried command never starts a second job;
 * - the CloudTrail window is at most 90 days; unknown job ids answer ValidationException (the API models no
 *   ResourceNotFoundException for jobs), and jobs are kept for 7 days;
 * - policies over the 6,144-character managed-policy limit come back split into several generated policies.
 *
 * @example
 *   const generator = createPolicyGenerator(clients.accessAnalyzer, clients.iam);
 *   const principalArn = await generator.principalArn({ kind: 'role', name: 'BucketCreator' });
 *   const jobId = await generator.start({ principalArn, trailArn, accessRoleArn, startTime, endTime, clientToken });
 *   const job = await generator.status(jobId); // poll until job.status !== 'IN_PROGRESS'
 *   const findings = await generator.validate(job.policies![0]!);
 */
import {
  type AccessAnalyzerClient,
  CancelPolicyGenerationCommand,
  GetGeneratedPolicyCommand,
  type GetGeneratedPolicyCommandOutput,
  paginateValidatePolicy,
  StartPolicyGenerationCommand,
} from '@aws-sdk/client-accessanalyzer';
import { GetRoleCommand, GetUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AppError, AwsCallError } from '../errors';
import { iamErrorCode } from './iam-roles';

// ---------------------------------------------------------------------------------------------------------
// Port
// ---------------------------------------------------------------------------------------------------------

/** An IAM principal policy generation can analyse. */
export interface PrincipalRef {
  kind: 'role' | 'user';
  /** The role or user name (not the ARN), e.g. `BucketCreator`. */
  name: string;
}

/** What StartPolicyGeneration needs; `clientToken` makes a retried start return the first job's id. */
export interface StartGenerationInput {
  /** The role or user whose CloudTrail activity is analysed (see {@link PolicyGenerator.principalArn}). */
  principalArn: string;
  /** The CloudTrail trail to read (all Regions are analysed). */
  trailArn: string;
  /** The service role Access Analyzer assumes to read the trail (`cloudTrailDetails.accessRole`). */
  accessRoleArn: string;
  startTime: Date;
  endTime: Date;
  /** Stable per command (e.g. derived from the Slack request), so a retry never starts a second job. */
  clientToken: string;
}

export type GenerationStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';

/** A generation job as GetGeneratedPolicy reports it. Dates are ISO 8601 strings (they are stored). */
export interface GenerationJob {
  jobId: string;
  status: GenerationStatus;
  startedOn: string;
  completedOn?: string;
  /** FAILED only: Access Analyzer's `jobError.code` (AUTHORIZATION_ERROR, RESOURCE_NOT_FOUND_ERROR, …). */
  failureCode?: string;
  /** FAILED only: Access Analyzer's message, or a sentence for the code when it gave none. */
  failureReason?: string;
  /**
   * SUCCEEDED only: the generated identity policies as JSON text, with resource placeholders such as
   * `arn:aws:s3:::${BucketName}`; several when the policy is over the managed-policy size limit.
   */
  policies?: string[];
  /** SUCCEEDED only: the service prefixes of the generated actions (`s3`, `ec2`), sorted. */
  serviceNamespaces?: string[];
  /** SUCCEEDED only: `false` when Access Analyzer says the policy may not cover all the activity. */
  isComplete?: boolean;
}

/** What a cancel found: `canceled` when this call stopped the job, else the job had already finished. */
export interface CancelOutcome {
  status: GenerationStatus;
  canceled: boolean;
  alreadyFinished: boolean;
}

/** One ValidatePolicy finding. */
export interface ValidationNote {
  issueCode: string;
  findingDetails: string;
  learnMoreLink?: string;
}

/** ValidatePolicy findings by severity; a policy with `errors` must not be attached. */
export interface PolicyValidation {
  errors: ValidationNote[];
  securityWarnings: ValidationNote[];
  warnings: ValidationNote[];
  suggestions: ValidationNote[];
}

/**
 * The AWS edge of `/iam-generate`: from a principal's name to a generated, validated identity policy.
 * Every method throws an AppError (usually AwsCallError) whose `userMessage` is safe to show in Slack.
 */
export interface PolicyGenerator {
  /**
   * The ARN of a role (GetRole) or user (GetUser).
   * @throws PrincipalNotFoundError when IAM does not know the name.
   */
  principalArn(principal: PrincipalRef): Promise<string>;
  /** Starts a generation job (or returns the job a previous call with the same clientToken started). */
  start(input: StartGenerationInput): Promise<string>;
  /** The job's state; SUCCEEDED jobs carry the policies (with placeholders, no service-level template). */
  status(jobId: string): Promise<GenerationJob>;
  /** Cancels a running job; a job that already finished is not an error, it is reported. */
  cancel(jobId: string): Promise<CancelOutcome>;
  /** ValidatePolicy as an identity policy, all pages, grouped by severity. */
  validate(policyJson: string): Promise<PolicyValidation>;
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/** IAM does not know the role or user a generation was asked for. */
export class PrincipalNotFoundError extends AppError {
  constructor(
    readonly principal: PrincipalRef,
    options?: ErrorOptions,
  ) {
    super(
      'principal_not_found',
      `${principal.kind} ${principal.name} not found in IAM`,
      `IAM has no ${principal.kind} named \`${principal.name}\` in this account; check the name (it is case-sensitive as typed in AWS). Nothing was started.`,
      options,
    );
    this.name = 'PrincipalNotFoundError';
  }
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The daily quota sentence, shared by ServiceQuotaExceededException on start. */
export const GENERATION_QUOTA_MESSAGE =
  'Access Analyzer refused to start another policy generation: the daily quota of policy generations ' +
  '(50 a day per Region, 5 in some Regions, cancelled ones included) is used up, or another generation is ' +
  'still running (only one runs at a time). Nothing was started; try again later.';

const JOB_FAILURES: Record<string, string> = {
  AUTHORIZATION_ERROR:
    'the access role could not read the trail, its S3 bucket or its KMS key (check the role and the bucket policy)',
  RESOURCE_NOT_FOUND_ERROR: 'the trail or its S3 bucket was not found',
  SERVICE_QUOTA_EXCEEDED_ERROR:
    'the trail data in the window is over the per-generation limits (100,000 log files, 25 GB); try a shorter window',
  SERVICE_ERROR: 'Access Analyzer hit an internal error; try again',
};

/**
 * Turns an SDK error of an Access Analyzer policy-generation call into an AppError a person can act on.
 * `subject` names the principal (start) or the job id (status, cancel).
 * @example translateGenerationError('StartPolicyGeneration', err, 'arn:aws:iam::111122223333:role/BucketCreator')
 */
export function translateGenerationError(
  operation: 'StartPolicyGeneration' | 'GetGeneratedPolicy' | 'CancelPolicyGeneration' | 'ValidatePolicy',
  err: unknown,
  subject: string,
  accessRoleArn?: string,
): Error {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as SdkError;
  const code = e.name ?? 'UnknownError';
  const said = e.message ? ` AWS said: "${e.message}".` : '';
  const fail = (userMessage: string) => new AwsCallError(operation, code, userMessage, { cause: err });
  const outcome = operation === 'StartPolicyGeneration' ? 'Nothing was started.' : 'Nothing changed.';
  switch (code) {
    case 'ServiceQuotaExceededException':
      return fail(
        operation === 'StartPolicyGeneration'
          ? GENERATION_QUOTA_MESSAGE
          : `Access Analyzer ${operation} is over a service quota.${said} ${outcome}`,
      );
    case 'ConflictException':
      return fail(
        `Another policy generation is already running in this account (Access Analyzer runs one at a time); wait for it to finish or cancel it, then try again. ${outcome}`,
      );
    case 'AccessDeniedException': {
      const needs =
        operation === 'StartPolicyGeneration'
          ? `access-analyzer:StartPolicyGeneration, and iam:PassRole on the access role${accessRoleArn ? ` \`${accessRoleArn}\`` : ''}`
          : `access-analyzer:${operation}`;
      return fail(
        `The bot's AWS role is not allowed to call Access Analyzer ${operation} (AccessDenied). Ask the team that runs the bot to grant ${needs}.${said} ${outcome}`,
      );
    }
    case 'ValidationException':
      if (operation === 'StartPolicyGeneration') {
        return fail(
          `Access Analyzer refused to start policy generation for \`${subject}\`: "${e.message ?? 'validation error'}". Check the trail ARN, the access role ARN and the window (at most 90 days). ${outcome}`,
        );
      }
      if (operation === 'ValidatePolicy') {
        return fail(`Access Analyzer could not validate the policy: "${e.message ?? 'validation error'}".`);
      }
      return fail(
        `Access Analyzer refused ${operation} for policy generation job \`${subject}\`: "${e.message ?? 'validation error'}" (jobs are kept for 7 days).`,
      );
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return fail(`Access Analyzer is throttling requests (${operation}). ${outcome} Try again in a minute.`);
    default:
      return fail(
        `Access Analyzer ${operation} failed (${code}${e.$metadata?.httpStatusCode ? `, HTTP ${e.$metadata.httpStatusCode}` : ''}). ${outcome}`,
      );
  }
}

/** Turns an SDK error of GetRole/GetUser into an AppError. */
function translatePrincipalError(err: unknown, principal: PrincipalRef): Error {
  if (err instanceof AppError) return err;
  const operation = principal.kind === 'role' ? 'GetRole' : 'GetUser';
  const code = iamErrorCode(err);
  const e = (err ?? {}) as SdkError;
  const fail = (userMessage: string) => new AwsCallError(operation, code, userMessage, { cause: err });
  switch (code) {
    case 'NoSuchEntity':
      return new PrincipalNotFoundError(principal, { cause: err });
    case 'AccessDenied':
      return fail(
        `The bot's AWS role is not allowed to call IAM ${operation} on \`${principal.name}\` (AccessDenied). Ask the team that runs the bot to grant iam:${operation}. Nothing was started.`,
      );
    case 'Throttling':
    case 'TooManyRequests':
      return fail(`IAM is throttling requests (${operation}). Nothing was started; try again in a minute.`);
    default:
      return fail(
        `IAM ${operation} on \`${principal.name}\` failed (${code}${e.$metadata?.httpStatusCode ? `, HTTP ${e.$metadata.httpStatusCode}` : ''}). Nothing was started.`,
      );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/**
 * The service prefixes of the actions in policies given as JSON text; unreadable policies are skipped.
 * @example serviceNamespacesOf(['{"Statement":[{"Effect":"Allow","Action":["s3:CreateBucket","EC2:Run*"],"Resource":"*"}]}'])
 * // ['ec2', 's3']
 */
export function serviceNamespacesOf(policies: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of policies) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const raw = (parsed as { Statement?: unknown } | null)?.Statement;
    const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    for (const statement of statements) {
      const actions = (statement as { Action?: unknown } | null)?.Action;
      for (const action of Array.isArray(actions) ? actions : [actions]) {
        if (typeof action !== 'string' || !action.includes(':')) continue;
        found.add(action.split(':')[0]!.toLowerCase());
      }
    }
  }
  return [...found].sort();
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();
const STATUSES: readonly string[] = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'CANCELED'];

/** GetGeneratedPolicy output → GenerationJob. */
function toJob(jobId: string, out: GetGeneratedPolicyCommandOutput): GenerationJob {
  const details = out.jobDetails;
  if (!details?.status || !STATUSES.includes(details.status)) {
    throw new AwsCallError(
      'GetGeneratedPolicy',
      'MissingJobDetails',
      `Access Analyzer returned no status for policy generation job \`${jobId}\`.`,
    );
  }
  const job: GenerationJob = {
    jobId: details.jobId ?? jobId,
    status: details.status as GenerationStatus,
    startedOn: iso(details.startedOn) ?? '',
  };
  if (details.completedOn) job.completedOn = iso(details.completedOn);
  if (job.status === 'FAILED') {
    const code = details.jobError?.code ?? 'SERVICE_ERROR';
    job.failureCode = code;
    job.failureReason = details.jobError?.message || JOB_FAILURES[code] || 'no reason given';
  }
  if (job.status === 'SUCCEEDED') {
    const policies = (out.generatedPolicyResult?.generatedPolicies ?? [])
      .map((p) => p.policy)
      .filter((p): p is string => typeof p === 'string' && p !== '');
    job.policies = policies;
    job.serviceNamespaces = serviceNamespacesOf(policies);
    const complete = out.generatedPolicyResult?.properties?.isComplete;
    if (complete !== undefined) job.isComplete = complete;
  }
  return job;
}

// ---------------------------------------------------------------------------------------------------------
// Adapter
// ---------------------------------------------------------------------------------------------------------

/**
 * The PolicyGenerator on real SDK clients.
 * @example const generator = createPolicyGenerator(clients.accessAnalyzer, clients.iam);
 */
export function createPolicyGenerator(aa: AccessAnalyzerClient, iam: IAMClient): PolicyGenerator {
  async function read(jobId: string, placeholders: boolean): Promise<GenerationJob> {
    try {
      const out = await aa.send(
        new GetGeneratedPolicyCommand({
          jobId,
          includeResourcePlaceholders: placeholders,
          includeServiceLevelTemplate: false,
        }),
      );
      return toJob(jobId, out);
    } catch (err) {
      throw translateGenerationError('GetGeneratedPolicy', err, jobId);
    }
  }

  return {
    async principalArn(principal) {
      let arn: string | undefined;
      try {
        if (principal.kind === 'role') {
          arn = (await iam.send(new GetRoleCommand({ RoleName: principal.name }))).Role?.Arn;
        } else {
          arn = (await iam.send(new GetUserCommand({ UserName: principal.name }))).User?.Arn;
        }
      } catch (err) {
        throw translatePrincipalError(err, principal);
      }
      if (!arn) {
        throw new AwsCallError(
          principal.kind === 'role' ? 'GetRole' : 'GetUser',
          'MissingArn',
          `IAM returned no ARN for the ${principal.kind} \`${principal.name}\`. Nothing was started.`,
        );
      }
      return arn;
    },

    async start(input) {
      let jobId: string | undefined;
      try {
        ({ jobId } = await aa.send(
          new StartPolicyGenerationCommand({
            policyGenerationDetails: { principalArn: input.principalArn },
            cloudTrailDetails: {
              trails: [{ cloudTrailArn: input.trailArn, allRegions: true }],
              accessRole: input.accessRoleArn,
              startTime: input.startTime,
              endTime: input.endTime,
            },
            clientToken: input.clientToken,
          }),
        ));
      } catch (err) {
        throw translateGenerationError('StartPolicyGeneration', err, input.principalArn, input.accessRoleArn);
      }
      if (!jobId) {
        throw new AwsCallError(
          'StartPolicyGeneration',
          'MissingJobId',
          `Access Analyzer started no job for \`${input.principalArn}\` (no job id returned).`,
        );
      }
      return jobId;
    },

    status: (jobId) => read(jobId, true),

    async cancel(jobId) {
      // A finished job is reported without calling Cancel: it cannot be stopped, and nothing changes.
      const before = await read(jobId, false);
      if (before.status !== 'IN_PROGRESS') {
        return { status: before.status, canceled: false, alreadyFinished: true };
      }
      try {
        await aa.send(new CancelPolicyGenerationCommand({ jobId }));
      } catch (err) {
        // The job may have finished between the two calls; a service that refuses to cancel a finished
        // job is then answered with what happened to it.
        const name = (err as SdkError | undefined)?.name;
        if (name !== 'ValidationException' && name !== 'ConflictException') {
          throw translateGenerationError('CancelPolicyGeneration', err, jobId);
        }
        const after = await read(jobId, false);
        if (after.status === 'IN_PROGRESS')
          throw translateGenerationError('CancelPolicyGeneration', err, jobId);
        return { status: after.status, canceled: false, alreadyFinished: true };
      }
      const after = await read(jobId, false);
      return {
        status: after.status,
        canceled: after.status === 'CANCELED',
        alreadyFinished: after.status === 'SUCCEEDED' || after.status === 'FAILED',
      };
    },

    async validate(policyJson) {
      const grouped: PolicyValidation = { errors: [], securityWarnings: [], warnings: [], suggestions: [] };
      const bucket: Record<string, ValidationNote[]> = {
        ERROR: grouped.errors,
        SECURITY_WARNING: grouped.securityWarnings,
        WARNING: grouped.warnings,
        SUGGESTION: grouped.suggestions,
      };
      try {
        const pages = paginateValidatePolicy(
          { client: aa, pageSize: 100 },
          { policyDocument: policyJson, policyType: 'IDENTITY_POLICY' },
        );
        for await (const page of pages) {
          for (const f of page.findings ?? []) {
            const note: ValidationNote = {
              issueCode: f.issueCode ?? 'UNKNOWN',
              findingDetails: f.findingDetails ?? '',
            };
            if (f.learnMoreLink) note.learnMoreLink = f.learnMoreLink;
            // An unknown finding type is kept, as a warning, rather than dropped.
            (bucket[f.findingType ?? ''] ?? grouped.warnings).push(note);
          }
        }
      } catch (err) {
        throw translateGenerationError('ValidatePolicy', err, 'policy');
      }
      return grouped;
    },
  };
}
