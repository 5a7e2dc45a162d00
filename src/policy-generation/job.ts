/**
 * One `/iam-generate` run, as the bot keeps it: from the command to the generated policy (or why there is
 * none). Plain data plus the pure rules around it (when to poll next, when to give up, how far along it
 * looks); the store (src/store/generation-store.ts) persists it, src/policy-generation/service.ts does the I/O.
 *
 * Life of a job:
 *   STARTING     stored before any AWS call (the command's idempotency key is its id); the message is posted;
 *                then GetRole/GetUser and StartPolicyGeneration (client token = the job id) run.
 *   IN_PROGRESS  Access Analyzer's job id is known; polled with backoff through `nextPollAt` (a sparse index,
 *                so a restart resumes polling from the table, not from memory).
 *   SUCCEEDED    the result is stored (policies, summary, ValidatePolicy findings, gap) and shown.
 *   FAILED       the start was refused (role not found, AccessDenied, quota…) or the job failed: `error` says why.
 *   CANCELED     someone clicked Cancel (CancelPolicyGeneration), or Access Analyzer reports it cancelled.
 *   TIMED_OUT    still IN_PROGRESS after POLICY_GENERATION_TIMEOUT; the bot stopped polling (and cancelled it).
 * Times are epoch milliseconds.
 */
import type { PolicyValidation } from '../aws/policy-generation';
import type { SlackRef } from '../findings/ports';
import type { GapEntry } from './gap';
import type { PolicySummary } from './summary';

export type JobStatus = 'STARTING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'TIMED_OUT';

export const OPEN_STATUSES: readonly JobStatus[] = ['STARTING', 'IN_PROGRESS'];

/** The role or user whose CloudTrail activity is analysed. */
export interface JobPrincipal {
  kind: 'role' | 'user';
  name: string;
  /** Known once GetRole/GetUser answered. */
  arn?: string;
}

/** What the generation produced, as shown and as the attach request uses it. */
export interface GenerationResult {
  /** The generated policies as formatted JSON, with `${…}` placeholders; several when AWS split it. */
  policies: string[];
  summary: PolicySummary;
  /** ValidatePolicy findings, all parts together; undefined when ValidatePolicy could not run (see notes). */
  validation?: PolicyValidation;
  /** Actions the principal's policies grant today that it did not use (roles only). */
  gap?: GapEntry[];
  /** Names (and ARNs) of the managed policies attached to the role when the result was built. */
  attached?: { name: string; arn: string; awsManaged: boolean }[];
  /** Access Analyzer says the policy may not cover all the activity (e.g. too much data). */
  incomplete?: boolean;
  /** Things the bot could not do while building the result ("the gap could not be computed: …"). */
  notes: string[];
}

/** A least-privilege policy attached through an approved `attach-policy` request (for the one-click revert). */
export interface JobAttachment {
  requestId: string;
  /** The managed policies created (or found identical) and attached. */
  policyArns: string[];
  /** The managed policies detached in the same change; re-attached by a revert. */
  detached: { name: string; arn: string }[];
  at: number;
  /** Set when the change failed midway: what went wrong (the policies listed are what was done). */
  partial?: string;
  /** Set once a revert put the detached policies back. */
  revertedAt?: number;
  revertRequestId?: string;
}

export interface GenerationJobRecord {
  /** The bot's id for the run (derived from the Slack command, so a redelivery is the same job). */
  id: string;
  /** Slack user who typed the command. */
  requester: string;
  principal: JobPrincipal;
  days: number;
  /** The CloudTrail window, ISO 8601. */
  startTime: string;
  endTime: string;
  status: JobStatus;
  createdAt: number;
  /** Access Analyzer's job id, once StartPolicyGeneration answered. */
  awsJobId?: string;
  /** The progress (then result) message. */
  message?: SlackRef;
  /** How many times GetGeneratedPolicy was called. */
  polls: number;
  /** When the job should be looked at next (poll, or resume a start); absent once it ended. */
  nextPollAt?: number;
  completedAt?: number;
  /** FAILED / TIMED_OUT / CANCELED: what to tell people. */
  error?: string;
  canceledBy?: string;
  result?: GenerationResult;
  attachment?: JobAttachment;
  /** Incremented on every write (optimistic concurrency). */
  version: number;
}

/** Polling backoff: first look soon, then less and less often, never more than a minute apart. */
export const POLL_DELAYS_MS = [3_000, 5_000, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000] as const;

/** How long after `polls` polls the next one is due. */
export function nextPollDelay(polls: number): number {
  const delays: readonly number[] = POLL_DELAYS_MS;
  return delays[Math.min(Math.max(polls, 0), delays.length - 1)] ?? 60_000;
}

/** Whether an open job has run longer than the timeout. */
export function timedOut(
  job: Pick<GenerationJobRecord, 'createdAt'>,
  now: number,
  timeoutMs: number,
): boolean {
  return now - job.createdAt >= timeoutMs;
}

/**
 * How far along the job looks, 0–1. Access Analyzer reports no percentage, so this is an estimate from the
 * elapsed time against a typical run (`typicalMs`): it rises quickly at first, then slows, and stays under
 * 95% until the job is actually done.
 */
export function progressEstimate(elapsedMs: number, typicalMs: number): number {
  if (elapsedMs <= 0 || typicalMs <= 0) return 0;
  return Math.min(0.95, 1 - Math.exp(-elapsedMs / typicalMs));
}

/** `▓▓▓▓░░░░░░ 40%`: a text progress bar of `width` cells. */
export function progressBar(fraction: number, width = 20): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)} ${Math.round(f * 100)}%`;
}

/** `2m 05s`, `45s`, `1h 02m`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The decision-log and approval subject key of a job (the decision log is keyed by subject). */
export function jobSubjectKey(jobId: string): string {
  return `policy-generation:${jobId}`;
}
