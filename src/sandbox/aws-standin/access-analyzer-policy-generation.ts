import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { AwsError, validationError } from './errors';
import { generatePolicies, type ActivityLog } from './generated-policy';
import { paginate } from './pagination';

/**
 * Access Analyzer policy generation jobs (StartPolicyGeneration, GetGeneratedPolicy,
 * CancelPolicyGeneration, ListPolicyGenerations) with the documented rules and quotas:
 * - `policyGenerationDetails.principalArn` must be an existing role or user; `cloudTrailDetails` needs
 *   `trails` with a CloudTrail trail ARN, an `accessRole` role ARN and a `startTime` before `endTime`
 *   (default now), at most 90 days apart → else ValidationException;
 * - a repeated `clientToken` returns the first job's id; one job at a time (ConflictException); 50 starts
 *   per 24 hours, cancelled ones included (ServiceQuotaExceededException);
 * - a job is IN_PROGRESS for `generationMs` of the stand-in's clock, then SUCCEEDED with the policies built
 *   from the recorded activity (generated-policy.ts), or FAILED when `failNext` was armed (the next job to
 *   finish takes the failure); CancelPolicyGeneration makes an IN_PROGRESS job CANCELED;
 * - ListPolicyGenerations shows the last 7 days; unknown job ids → ValidationException (the operations
 *   model no ResourceNotFoundException).
 */
type Status = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';
type Input = Record<string, unknown>;

interface Job {
  jobId: string;
  principalArn: string;
  status: Status;
  startedOn: Date;
  completedOn?: Date;
  jobError?: { code: string; message: string };
  clientToken?: string;
  trails: { cloudTrailArn: string; regions?: string[]; allRegions?: boolean }[];
  startTime: Date;
  endTime: Date;
  seq: number;
}

const JOB_ERRORS = [
  'AUTHORIZATION_ERROR',
  'RESOURCE_NOT_FOUND_ERROR',
  'SERVICE_QUOTA_EXCEEDED_ERROR',
  'SERVICE_ERROR',
];
const DAY = 24 * 60 * 60 * 1000;

export interface GenerationDeps {
  clock: Clock;
  activity: ActivityLog;
  principalExists: (arn: string) => boolean;
  generationMs: () => number;
}

export class PolicyGenerationStore {
  private readonly jobs = new Map<string, Job>();
  private readonly failures: { code: string; message: string }[] = [];
  private seq = 1;

  constructor(private readonly deps: GenerationDeps) {}

  /** The next job to finish fails with this `jobError` instead of succeeding. */
  failNext(code: string, message = `Policy generation failed (${code}) in the stand-in`): void {
    if (!JOB_ERRORS.includes(code)) throw new Error(`jobError code must be one of ${JOB_ERRORS.join(', ')}`);
    this.failures.push({ code, message });
  }

  execute(operation: string, input: Input): unknown {
    this.settle();
    switch (operation) {
      case 'StartPolicyGeneration':
        return { jobId: this.start(input) };
      case 'GetGeneratedPolicy':
        return this.result(
          this.job(input.jobId),
          input.includeResourcePlaceholders === true || input.includeResourcePlaceholders === 'true',
        );
      case 'CancelPolicyGeneration': {
        const job = this.job(input.jobId);
        if (job.status === 'IN_PROGRESS')
          Object.assign(job, { status: 'CANCELED', completedOn: this.deps.clock() });
        return {};
      }
      case 'ListPolicyGenerations': {
        const since = this.deps.clock().getTime() - 7 * DAY;
        const principal = typeof input.principalArn === 'string' ? input.principalArn : undefined;
        const jobs = [...this.jobs.values()].filter(
          (j) => j.startedOn.getTime() >= since && (principal === undefined || j.principalArn === principal),
        );
        const { page, nextToken } = paginate(jobs, {
          keyOf: (j) => ({ value: undefined, seq: j.seq }),
          direction: 'ASC',
          maxResults: input.maxResults === undefined ? undefined : Number(input.maxResults),
          defaultMaxResults: 100,
          nextToken: typeof input.nextToken === 'string' ? input.nextToken : undefined,
          query: `generations:${principal ?? ''}`,
        });
        return {
          policyGenerations: page.map((j) => ({ ...jobDetails(j), principalArn: j.principalArn })),
          nextToken,
        };
      }
      default:
        throw new AwsError(
          'UnknownOperationException',
          404,
          `Operation ${operation} is not supported by the stand-in`,
        );
    }
  }

  private start(input: Input): string {
    const token = typeof input.clientToken === 'string' ? input.clientToken : undefined;
    const repeat =
      token === undefined ? undefined : [...this.jobs.values()].find((j) => j.clientToken === token);
    if (repeat) return repeat.jobId;
    const principalArn = String((input.policyGenerationDetails as Input | undefined)?.principalArn ?? '');
    if (!this.deps.principalExists(principalArn))
      throw validationError(`principalArn ${principalArn || '(none)'} is not an existing IAM role or user`);
    const trail = (input.cloudTrailDetails ?? {}) as Input;
    const trails = Array.isArray(trail.trails) ? (trail.trails as Job['trails']) : [];
    if (
      trails.length === 0 ||
      !trails.every((t) => /^arn:aws[\w-]*:cloudtrail:[^:]+:\d{12}:trail\/.+$/.test(String(t.cloudTrailArn)))
    ) {
      throw validationError('cloudTrailDetails.trails must list CloudTrail trail ARNs');
    }
    if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(String(trail.accessRole ?? ''))) {
      throw validationError('cloudTrailDetails.accessRole must be an IAM role ARN');
    }
    const now = this.deps.clock();
    const startTime = new Date(String(trail.startTime ?? ''));
    const endTime = trail.endTime === undefined ? now : new Date(String(trail.endTime));
    if (Number.isNaN(startTime.getTime()) || Number.isNaN(endTime.getTime()) || startTime >= endTime) {
      throw validationError('cloudTrailDetails.startTime must be before endTime');
    }
    if (endTime.getTime() - startTime.getTime() > 90 * DAY)
      throw validationError('The CloudTrail time range cannot exceed 90 days');
    if ([...this.jobs.values()].some((j) => j.status === 'IN_PROGRESS')) {
      throw new AwsError('ConflictException', 409, 'A policy generation job is already in progress', {
        resourceId: principalArn,
        resourceType: 'AWS::AccessAnalyzer::PolicyGeneration',
      });
    }
    const today = [...this.jobs.values()].filter((j) => now.getTime() - j.startedOn.getTime() < DAY).length;
    if (today >= 50) {
      throw new AwsError(
        'ServiceQuotaExceededException',
        402,
        'You have reached the daily quota of 50 policy generations',
        { resourceId: principalArn, resourceType: 'AWS::AccessAnalyzer::PolicyGeneration' },
      );
    }
    const jobId = randomUUID();
    this.jobs.set(jobId, {
      jobId,
      principalArn,
      status: 'IN_PROGRESS',
      startedOn: now,
      clientToken: token,
      trails,
      startTime,
      endTime,
      seq: this.seq++,
    });
    return jobId;
  }

  /** Finishes, in start order, the IN_PROGRESS jobs whose time is up. */
  private settle(): void {
    const now = this.deps.clock();
    for (const job of [...this.jobs.values()].sort((a, b) => a.seq - b.seq)) {
      if (job.status !== 'IN_PROGRESS' || now.getTime() - job.startedOn.getTime() < this.deps.generationMs())
        continue;
      job.completedOn = new Date(job.startedOn.getTime() + this.deps.generationMs());
      const failure = this.failures.shift();
      job.status = failure ? 'FAILED' : 'SUCCEEDED';
      if (failure) job.jobError = failure;
    }
  }

  private job(jobId: unknown): Job {
    const job = typeof jobId === 'string' ? this.jobs.get(jobId) : undefined;
    if (!job) throw validationError(`No policy generation job with id ${String(jobId)}`);
    return job;
  }

  private result(job: Job, placeholders: boolean): unknown {
    const properties = {
      principalArn: job.principalArn,
      isComplete: true,
      cloudTrailProperties: {
        trailProperties: job.trails.map((t) => ({
          cloudTrailArn: t.cloudTrailArn,
          regions: t.regions,
          allRegions: t.allRegions,
        })),
        startTime: job.startTime.toISOString(),
        endTime: job.endTime.toISOString(),
      },
    };
    const policies =
      job.status === 'SUCCEEDED'
        ? generatePolicies(
            this.deps.activity.between(job.principalArn, job.startTime, job.endTime),
            placeholders,
          )
        : undefined;
    return {
      jobDetails: jobDetails(job),
      generatedPolicyResult: { properties, generatedPolicies: policies?.map((policy) => ({ policy })) },
    };
  }
}

function jobDetails(job: Job): Input {
  return {
    jobId: job.jobId,
    status: job.status,
    startedOn: job.startedOn.toISOString(),
    completedOn: job.completedOn?.toISOString(),
    jobError: job.jobError,
  };
}
