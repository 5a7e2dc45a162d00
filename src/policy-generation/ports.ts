/**
 * The generation job store, as `/iam-generate` sees it (implemented on DynamoDB in
 * src/store/generation-store.ts). Every write is conditional, so a redelivered command, two replicas polling
 * at once, Cancel racing a poll, or a restart converge on one outcome.
 */
import type { SlackRef } from '../findings/ports';
import type { GenerationJobRecord } from './job';

/** A conditional write on a job lost: it changed since it was read. `current` is the job as it is now. */
export class JobChangedError extends Error {
  constructor(
    readonly jobId: string,
    readonly current: GenerationJobRecord | undefined,
  ) {
    super(`generation job ${jobId} changed since it was read`);
    this.name = 'JobChangedError';
  }
}

/** The fields a write may change (the id, requester and window never change). */
export type JobChanges = Partial<
  Pick<
    GenerationJobRecord,
    | 'status'
    | 'principal'
    | 'awsJobId'
    | 'message'
    | 'polls'
    | 'nextPollAt'
    | 'completedAt'
    | 'error'
    | 'canceledBy'
    | 'result'
    | 'attachment'
  >
>;

export interface GenerationJobStore {
  /**
   * Stores a new job (version 1) unless one with that id exists; returns what is stored and whether this call
   * created it (a redelivered command gets the first job, `created: false`).
   */
  create(job: Omit<GenerationJobRecord, 'version'>): Promise<{ job: GenerationJobRecord; created: boolean }>;
  /** The job, read consistently; undefined when unknown. */
  get(id: string): Promise<GenerationJobRecord | undefined>;
  /**
   * Applies `changes` if the job is still at `expectedVersion` (fields set to `undefined` are removed, e.g.
   * `nextPollAt` once the job ended) and returns the job as stored.
   * @throws JobChangedError with `current` = the job as it is now, when it changed since (or is unknown).
   */
  update(id: string, expectedVersion: number, changes: JobChanges): Promise<GenerationJobRecord>;
  /**
   * Open jobs whose `nextPollAt` is at or before `now`, soonest first, at most `limit`. From a sparse index
   * (eventually consistent): the version may be stale, which `update` then detects.
   */
  due(now: number, limit?: number): Promise<GenerationJobRecord[]>;
  /**
   * The most recent open job (STARTING or IN_PROGRESS) for this principal, if any (names compared as IAM
   * does: case-insensitively). Open jobs are few (Access Analyzer runs one at a time per account).
   */
  openFor(kind: 'role' | 'user', name: string): Promise<GenerationJobRecord | undefined>;
}

/** The Slack side of a job: one message, edited as the job moves, plus the policy file and thread notes. */
export interface GenerationMessenger {
  /** Posts the job's message in `channel` and returns where it is. */
  post(channel: string, job: GenerationJobRecord): Promise<SlackRef>;
  /** Re-renders the job's message (progress, result, attachment). */
  update(ref: SlackRef, job: GenerationJobRecord): Promise<void>;
  /** Whether the result is too long for the message, so the policy goes in a file. */
  needsFile(job: GenerationJobRecord): boolean;
  /** Uploads the generated policy as a JSON file in the message's thread. */
  uploadPolicy(ref: SlackRef, job: GenerationJobRecord): Promise<void>;
  threadReply(ref: SlackRef, text: string): Promise<void>;
}
