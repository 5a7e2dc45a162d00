/**
 * `/iam-generate` as use cases: start a generation, poll it until it ends (or times out), cancel it, and show
 * each step in one Slack message. Everything is driven from the stored job, so it survives restarts and runs
 * safely on several replicas:
 * - start: the job is stored first (its id comes from the Slack command, so a redelivery is the same job),
 *   then the message is posted, then GetRole/GetUser and StartPolicyGeneration run with the job id as client
 *   token (a retried start returns the same Access Analyzer job). Only the delivery that stored the job posts
 *   and starts it (a redelivery takes over only after that one's lease ran out). A crash anywhere leaves the job
 *   STARTING with a `nextPollAt`, and `runDue` resumes the start.
 * - poll (`runDue`): each due job is claimed by a conditional write that moves its `nextPollAt` forward (one
 *   replica polls it), then GetGeneratedPolicy; IN_PROGRESS → next poll with backoff (./job POLL_DELAYS_MS);
 *   SUCCEEDED → the result (./result) is stored and shown, the policy uploaded as a file when it is too long;
 *   FAILED / CANCELED → said with Access Analyzer's reason; past the timeout → cancelled and TIMED_OUT.
 * - cancel: CancelPolicyGeneration, then CANCELED (by whom). A job that finished meanwhile is reported as is.
 * Every write is conditional on the job's version; a lost race re-reads and lets the winner's state stand.
 */
import type { Logger } from 'pino';
import type { PolicyAttacher } from '../aws/iam-policies';
import type { PolicyGenerator } from '../aws/policy-generation';
import { AppError, AwsCallError, errorMessage } from '../errors';
import type { Clock, SlackRef } from '../findings/ports';
import { generationWindow, type GenerateRequest } from './command';
import {
  type GenerationJobRecord,
  type GenerationResult,
  OPEN_STATUSES,
  nextPollDelay,
  timedOut,
  formatElapsed,
} from './job';
import { type GenerationJobStore, type GenerationMessenger, type JobChanges, JobChangedError } from './ports';
import { buildResult } from './result';

/** How long a claimed poll (or start) holds the job before another replica may take it over. */
export const POLL_LEASE_MS = 60_000;

export interface GenerationSettings {
  /** POLICY_GENERATION_TRAIL_ARN */
  trailArn?: string;
  /** POLICY_GENERATION_ROLE_ARN */
  accessRoleArn?: string;
  /** POLICY_GENERATION_TIMEOUT: an open job older than this is cancelled and reported TIMED_OUT. */
  timeoutMs: number;
  /** Where the message goes when the bot cannot post in the channel the command was typed in. */
  fallbackChannel: string;
}

export interface GenerationDeps {
  store: GenerationJobStore;
  generator: PolicyGenerator;
  attacher: Pick<PolicyAttacher, 'attachedPolicies'>;
  messenger: GenerationMessenger;
  clock: Clock;
  log: Logger;
  settings: GenerationSettings;
}

export interface StartInput {
  /** Stable per Slack command (derived from its trigger id): a redelivery finds the same job. */
  jobId: string;
  requester: string;
  /** The channel the command was typed in. */
  channel: string;
  request: GenerateRequest;
}

export interface Generations {
  /** Starts (or finds) the job; returns it with where its message is (`fallback`: not in `channel`). */
  start(input: StartInput): Promise<{ job: GenerationJobRecord; fallback: boolean }>;
  /** Cancels an open job. Throws AppError (for the clicker) when it already ended. */
  cancel(jobId: string, by: string): Promise<GenerationJobRecord>;
  /** Polls every due job (and resumes interrupted starts). Safe to call any number of times. */
  runDue(): Promise<void>;
  /** Re-renders the job's message (after an attach or a revert changed it). */
  refresh(jobId: string): Promise<void>;
  get(jobId: string): Promise<GenerationJobRecord | undefined>;
}

/** The settings `/iam-generate` needs that are not set, by variable name (empty: ready). */
export function missingSettings(settings: Pick<GenerationSettings, 'trailArn' | 'accessRoleArn'>): string[] {
  return [
    ...(settings.trailArn ? [] : ['POLICY_GENERATION_TRAIL_ARN (the CloudTrail trail to read)']),
    ...(settings.accessRoleArn
      ? []
      : ['POLICY_GENERATION_ROLE_ARN (the role Access Analyzer assumes to read the trail)']),
  ];
}

class GenerationRefusedError extends AppError {
  constructor(message: string) {
    super('generation_refused', message, message);
    this.name = 'GenerationRefusedError';
  }
}

const why = (err: unknown) => (err instanceof AppError ? err.userMessage : errorMessage(err));

/** AWS errors that polling again will not cure: permissions, an unknown job. */
const isLasting = (err: unknown) =>
  err instanceof AwsCallError &&
  ['AccessDeniedException', 'AccessDenied', 'ValidationException', 'ResourceNotFoundException'].includes(
    err.awsCode,
  );

/** At most this many gap entries and ValidatePolicy notes per severity are kept (DynamoDB items are ≤ 400 KB). */
export const RESULT_LIST_MAX = 200;

/** The result as stored: long lists cut to RESULT_LIST_MAX, with a note saying how much was left out. */
export function capResult(result: GenerationResult): GenerationResult {
  const notes = [...result.notes];
  const cut = <T>(list: T[] | undefined, what: string): T[] | undefined => {
    if (!list || list.length <= RESULT_LIST_MAX) return list;
    notes.push(`${list.length - RESULT_LIST_MAX} more ${what} not kept (first ${RESULT_LIST_MAX} shown).`);
    return list.slice(0, RESULT_LIST_MAX);
  };
  const v = result.validation;
  const gap = cut(result.gap, 'gap entries');
  const validation = v && {
    errors: cut(v.errors, 'ValidatePolicy errors') ?? [],
    securityWarnings: cut(v.securityWarnings, 'ValidatePolicy security warnings') ?? [],
    warnings: cut(v.warnings, 'ValidatePolicy warnings') ?? [],
    suggestions: cut(v.suggestions, 'ValidatePolicy suggestions') ?? [],
  };
  return { ...result, notes, ...(gap ? { gap } : {}), ...(validation ? { validation } : {}) };
}
const SLACK_CHANNEL_ERRORS = /channel_not_found|not_in_channel|is_archived|restricted_action/;

export function createGenerations(deps: GenerationDeps): Generations {
  const { store, generator, messenger, clock, log, settings } = deps;

  /** Writes `changes` unless the job moved on meanwhile (then the stored job wins and is returned). */
  const write = async (
    job: GenerationJobRecord,
    changes: JobChanges,
  ): Promise<{ job: GenerationJobRecord; won: boolean }> => {
    try {
      return { job: await store.update(job.id, job.version, changes), won: true };
    } catch (err) {
      if (!(err instanceof JobChangedError)) throw err;
      return { job: err.current ?? job, won: false };
    }
  };

  const show = async (job: GenerationJobRecord) => {
    if (!job.message) return;
    try {
      await messenger.update(job.message, job);
    } catch (err) {
      log.warn({ jobId: job.id, err: errorMessage(err) }, 'generation message update failed');
    }
  };

  const end = (
    status: 'FAILED' | 'CANCELED' | 'TIMED_OUT',
    error: string,
    extra: JobChanges = {},
  ): JobChanges => ({ status, error, completedAt: clock.now(), nextPollAt: undefined, ...extra });

  /** Posts the job's message (in the command's channel, else the fallback channel) once. */
  const postMessage = async (job: GenerationJobRecord, channel: string) => {
    if (job.message) return { job, fallback: job.message.channel !== channel };
    let ref: SlackRef;
    let fallback = false;
    try {
      ref = await messenger.post(channel, job);
    } catch (err) {
      if (channel === settings.fallbackChannel || !SLACK_CHANNEL_ERRORS.test(errorMessage(err))) throw err;
      log.info({ jobId: job.id, channel, err: errorMessage(err) }, 'cannot post in the command channel');
      ref = await messenger.post(settings.fallbackChannel, job);
      fallback = true;
    }
    const saved = await write(job, { message: ref });
    return { job: saved.job, fallback };
  };

  /** GetRole/GetUser, then StartPolicyGeneration (client token = job id); FAILED with the reason on refusal. */
  const startJob = async (job: GenerationJobRecord): Promise<GenerationJobRecord> => {
    // Cancelled (or ended) meanwhile, e.g. between the post and its write: never start it again.
    if (job.status !== 'STARTING') return job;
    let awsJobId: string;
    let principalArn: string;
    try {
      if (!settings.trailArn || !settings.accessRoleArn) {
        throw new GenerationRefusedError(
          `Policy generation is not configured: set ${missingSettings(settings).join(' and ')}.`,
        );
      }
      principalArn = job.principal.arn ?? (await generator.principalArn(job.principal));
      awsJobId = await generator.start({
        principalArn,
        trailArn: settings.trailArn,
        accessRoleArn: settings.accessRoleArn,
        startTime: new Date(job.startTime),
        endTime: new Date(job.endTime),
        clientToken: job.id,
      });
    } catch (err) {
      log.warn({ jobId: job.id, err: errorMessage(err) }, 'policy generation not started');
      const { job: failed } = await write(job, end('FAILED', why(err)));
      await show(failed);
      return failed;
    }
    const now = clock.now();
    const started = await write(job, {
      status: 'IN_PROGRESS',
      awsJobId,
      principal: { ...job.principal, arn: principalArn },
      nextPollAt: now + nextPollDelay(0),
    });
    if (!started.won && started.job.status === 'CANCELED') {
      // Cancelled while it was starting: stop the job Access Analyzer just started too.
      await generator.cancel(awsJobId).catch(() => undefined);
    }
    log.info({ jobId: job.id, awsJobId, principalArn }, 'policy generation started');
    await show(started.job);
    return started.job;
  };

  /**
   * The job of a command delivered again, or of a concurrent delivery that created it first. The delivery that
   * created the job posts its message and starts it; another one takes over only once that one's lease ran out
   * (it died before posting), by claiming the job first, so two deliveries never post two messages.
   */
  const redelivered = async (job: GenerationJobRecord, channel: string) => {
    const elsewhere = (j: GenerationJobRecord) => j.message !== undefined && j.message.channel !== channel;
    if (job.message || job.status !== 'STARTING' || (job.nextPollAt ?? 0) > clock.now()) {
      return { job, fallback: elsewhere(job) };
    }
    const claim = await write(job, { nextPollAt: clock.now() + POLL_LEASE_MS });
    if (!claim.won) return { job: claim.job, fallback: elsewhere(claim.job) };
    const posted = await postMessage(claim.job, channel);
    return { job: await startJob(posted.job), fallback: posted.fallback };
  };

  async function start(input: StartInput) {
    const existing = await store.get(input.jobId);
    if (existing) return redelivered(existing, input.channel);
    const open = await store.openFor(input.request.kind, input.request.name);
    // A concurrent delivery of this same command stored the job meanwhile: it is this job, not another one.
    if (open?.id === input.jobId) return redelivered(open, input.channel);
    if (open) {
      const where = open.message ? ` (see the message in <#${open.message.channel}>)` : '';
      throw new GenerationRefusedError(
        `A policy generation for ${open.principal.kind} \`${open.principal.name}\` is already running, started by <@${open.requester}>${where}. Wait for it or cancel it.`,
      );
    }
    const now = clock.now();
    const window = generationWindow(new Date(now), input.request.days);
    const created = await store.create({
      id: input.jobId,
      requester: input.requester,
      principal: { kind: input.request.kind, name: input.request.name },
      days: input.request.days,
      startTime: window.startTime.toISOString(),
      endTime: window.endTime.toISOString(),
      status: 'STARTING',
      createdAt: now,
      polls: 0,
      // If this process dies before the start is done, runDue resumes it from here.
      nextPollAt: now + POLL_LEASE_MS,
    });
    if (!created.created) return redelivered(created.job, input.channel);
    let posted: Awaited<ReturnType<typeof postMessage>>;
    try {
      posted = await postMessage(created.job, input.channel);
    } catch (err) {
      // The requester is told (the error goes back to them); nothing is left to start later behind their back.
      await write(created.job, end('FAILED', `The progress message could not be posted: ${why(err)}`));
      throw err;
    }
    log.info(
      { jobId: input.jobId, principal: input.request, requester: input.requester },
      'policy generation requested',
    );
    return { job: await startJob(posted.job), fallback: posted.fallback };
  }

  /** The job reached SUCCEEDED in Access Analyzer: build, store and show the result. */
  const finish = async (job: GenerationJobRecord, awsJob: Awaited<ReturnType<PolicyGenerator['status']>>) => {
    let result;
    try {
      result = await buildResult(job.principal, awsJob, { generator, attacher: deps.attacher });
    } catch (err) {
      const { job: failed } = await write(
        job,
        end('FAILED', `Access Analyzer returned a policy the bot cannot read: ${why(err)}`),
      );
      await show(failed);
      return;
    }
    result = capResult(result);
    const done: JobChanges = {
      status: 'SUCCEEDED',
      result,
      completedAt: awsJob.completedOn ? Date.parse(awsJob.completedOn) : clock.now(),
      nextPollAt: undefined,
      error: undefined,
    };
    // The file goes up before SUCCEEDED is written: a crash in between polls again and uploads again (a
    // duplicate file), where the other order could leave a message pointing at a file that never came.
    const shown = { ...job, ...done } as GenerationJobRecord;
    if (job.message && messenger.needsFile(shown)) {
      try {
        await messenger.uploadPolicy(job.message, shown);
      } catch (err) {
        log.warn({ jobId: job.id, err: errorMessage(err) }, 'policy file upload failed');
        await messenger
          .threadReply(
            job.message,
            `:warning: The policy is too long for the message and the file upload failed: ${why(err)}`,
          )
          .catch(() => undefined);
      }
    }
    let saved: { job: GenerationJobRecord; won: boolean };
    try {
      saved = await write(job, done);
    } catch (err) {
      // Not a lost race (that returns): the item cannot be written (e.g. too large). Say so instead of retrying.
      log.error({ jobId: job.id, err: errorMessage(err) }, 'policy generation result not stored');
      const { job: failed } = await write(
        job,
        end('FAILED', `The policy was generated but the bot could not store the result: ${why(err)}`),
      );
      await show(failed);
      return;
    }
    if (!saved.won) return;
    log.info(
      { jobId: job.id, actions: result.summary.actions.length, parts: result.policies.length },
      'policy generated',
    );
    await show(saved.job);
  };

  /** One look at a claimed job. */
  const poll = async (job: GenerationJobRecord) => {
    const now = clock.now();
    const late = timedOut(job, now, settings.timeoutMs);
    if (job.status === 'STARTING') {
      if (late) {
        // A start that never got through (Slack or AWS kept failing): end it, so the principal is free again.
        const { job: ended } = await write(
          job,
          end('FAILED', `The generation could not be started within ${formatElapsed(settings.timeoutMs)}.`),
        );
        await show(ended);
        return;
      }
      const posted = job.message ? job : (await postMessage(job, settings.fallbackChannel)).job;
      await startJob(posted);
      return;
    }
    if (!job.awsJobId) return;
    const awsJobId = job.awsJobId;
    const timeOut = async () => {
      await generator.cancel(awsJobId).catch(() => undefined);
      const { job: ended } = await write(
        job,
        end(
          'TIMED_OUT',
          `Access Analyzer was still generating after ${formatElapsed(settings.timeoutMs)} (POLICY_GENERATION_TIMEOUT), so the bot cancelled the job. Try a shorter window (\`--days\`), or raise the timeout.`,
        ),
      );
      await show(ended);
    };
    let awsJob;
    try {
      awsJob = await generator.status(awsJobId);
    } catch (err) {
      if (isLasting(err)) {
        // Polling again would fail the same way until the timeout: say what is wrong now.
        const { job: failed } = await write(job, end('FAILED', `The bot cannot follow the job: ${why(err)}`));
        await show(failed);
        return;
      }
      if (late) return timeOut();
      log.warn({ jobId: job.id, err: errorMessage(err) }, 'GetGeneratedPolicy failed; polling again later');
      await write(job, { polls: job.polls + 1, nextPollAt: now + nextPollDelay(job.polls + 1) });
      return;
    }
    switch (awsJob.status) {
      case 'IN_PROGRESS': {
        // The status is read first, so a job that finished just before the deadline keeps its result.
        if (late) return timeOut();
        const { job: next, won } = await write(job, {
          polls: job.polls + 1,
          nextPollAt: now + nextPollDelay(job.polls + 1),
        });
        if (won) await show(next);
        return;
      }
      case 'SUCCEEDED':
        await finish(job, awsJob);
        return;
      case 'FAILED': {
        const reason = awsJob.failureReason ?? awsJob.failureCode ?? 'no reason given';
        const { job: failed } = await write(
          job,
          end('FAILED', `Access Analyzer could not generate the policy: ${reason}.`),
        );
        await show(failed);
        return;
      }
      case 'CANCELED': {
        const { job: canceled } = await write(job, end('CANCELED', 'The job was cancelled outside the bot.'));
        await show(canceled);
        return;
      }
    }
  };

  async function runDue() {
    const now = clock.now();
    for (const due of await store.due(now)) {
      // Claim: push the next look forward, so another replica (or the next tick) leaves it alone meanwhile.
      const claim = await write(due, { nextPollAt: now + POLL_LEASE_MS });
      if (!claim.won || !OPEN_STATUSES.includes(claim.job.status)) continue;
      try {
        await poll(claim.job);
      } catch (err) {
        log.error({ jobId: due.id, err: errorMessage(err) }, 'policy generation poll failed; retried later');
      }
    }
  }

  async function cancel(jobId: string, by: string) {
    let job = await store.get(jobId);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!job) throw new GenerationRefusedError('The bot has no record of this policy generation.');
      if (!OPEN_STATUSES.includes(job.status)) {
        throw new GenerationRefusedError(
          `This policy generation already ended (${job.status.toLowerCase().replace('_', ' ')}); nothing to cancel.`,
        );
      }
      if (job.awsJobId) {
        const outcome = await generator.cancel(job.awsJobId);
        // CANCELED already (a retry of this loop, or a second click): record it as cancelled here.
        if (outcome.alreadyFinished && outcome.status !== 'CANCELED') {
          // It finished first: record how, right now (claimed like any poll, so no replica does it twice).
          const claim = await write(job, { nextPollAt: clock.now() + POLL_LEASE_MS });
          if (claim.won) await poll(claim.job).catch(() => undefined);
          throw new GenerationRefusedError(
            `The policy generation had already ended (${outcome.status.toLowerCase()}) when Cancel was clicked.`,
          );
        }
      }
      const { job: next, won } = await write(
        job,
        end('CANCELED', `Cancelled by <@${by}>.`, { canceledBy: by }),
      );
      if (won) {
        log.info({ jobId, by }, 'policy generation cancelled');
        await show(next);
        return next;
      }
      job = next;
    }
    throw new GenerationRefusedError('The job changed while cancelling; click Cancel again.');
  }

  async function refresh(jobId: string) {
    const job = await store.get(jobId);
    if (job) await show(job);
  }

  return { start, cancel, runDue, refresh, get: (id) => store.get(id) };
}
