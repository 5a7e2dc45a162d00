/**
 * GenerationJobStore on DynamoDB (table `${TABLE_PREFIX}policy-generations`, hash key `id`), for `/iam-generate`.
 * Every write is conditional, so a redelivered command, two replicas polling at once, Cancel racing a poll, or a
 * restart converge on one outcome:
 * - create(): a put only if no item has that id (`attribute_not_exists(id)`). The id comes from the Slack
 *   command, so a redelivery (or a concurrent duplicate) loses and gets the first job, read consistently, with
 *   `created: false`.
 * - update(): applied only while `version` is the one the caller read, and adds 1 to it; a field set to
 *   `undefined` in the changes is REMOVEd. A lost condition throws JobChangedError with the job as it is now
 *   (read consistently; undefined when there is no such job).
 *
 * The poll index `pollDueIndex` (hash `pollQueue` S, range `nextPollAt` N, all attributes projected) is sparse:
 * - the store sets `pollQueue` (to `open`) on every write that leaves the job STARTING or IN_PROGRESS and removes
 *   it on every write that ends it, so it follows `status` without a read before the write; an item is in a GSI
 *   only when it has both key attributes, so the index holds exactly the open jobs that have a `nextPollAt`;
 * - due() is one Query (`nextPollAt <= now`, ascending, at most `limit`);
 * - openFor() reads that whole partition (open jobs are few: Access Analyzer runs one generation at a time per
 *   account) and keeps the newest job (by `createdAt`) for the principal, names compared case-insensitively;
 * - all attributes are projected, so neither needs a GetItem per job; open jobs are small (the result and the
 *   attachment come once the job ended, when it left the index). Index reads are eventually consistent: a
 *   stale `version` is caught by update().
 * Invariant: an open job always has a `nextPollAt` (the service sets it from the start, so a crash resumes from
 * the table, and removes it only when the job ends); without one it would be invisible to due() and openFor().
 * The store enforces it: create() and update() refuse (a plain Error, not JobChangedError) a write that would
 * leave an open job without `nextPollAt`.
 *
 * IAM: dynamodb:GetItem, PutItem and UpdateItem on the table, dynamodb:Query on its index `pollDueIndex`
 * (plus DescribeTable, and CreateTable when CREATE_TABLES=true; with CREATE_TABLES=false the table and its index
 * must exist).
 * @example
 *   const { job, created } = await stores.generations.create({ ...fields, status: 'STARTING', nextPollAt });
 *   await stores.generations.update(job.id, job.version, { status: 'SUCCEEDED', result, nextPollAt: undefined });
 */
import dynamoose from 'dynamoose';
import type { Item } from 'dynamoose/dist/Item';
import type { SlackRef } from '../findings/ports';
import {
  type GenerationJobRecord,
  type GenerationResult,
  type JobAttachment,
  type JobPrincipal,
  type JobStatus,
  OPEN_STATUSES,
} from '../policy-generation/job';
import { type GenerationJobStore, JobChangedError, type JobChanges } from '../policy-generation/ports';
import {
  GENERATION_OPEN,
  GENERATIONS_POLL_INDEX,
  type GenerationItem,
  type Models,
  isConditionFailure,
} from './models';

const Condition = dynamoose.Condition;

/** How many jobs due() returns when no limit is given. */
const DUE_LIMIT = 25;

/** The item's attributes, without dynamoose's Item methods. */
type Attributes = Omit<GenerationItem, keyof Item>;

/** Every field a write may change (the `satisfies` keeps it in step with JobChanges). */
const CHANGEABLE = Object.keys({
  status: true,
  principal: true,
  awsJobId: true,
  message: true,
  polls: true,
  nextPollAt: true,
  completedAt: true,
  error: true,
  canceledBy: true,
  result: true,
  attachment: true,
} satisfies Record<keyof JobChanges, true>) as (keyof JobChanges)[];

/** Fields every job has: a write may change them, not remove them. */
const REQUIRED: ReadonlySet<keyof JobChanges> = new Set(['status', 'principal', 'polls']);

const isOpen = (status: string | undefined) =>
  status !== undefined && (OPEN_STATUSES as readonly string[]).includes(status);

const has = (changes: JobChanges, field: keyof JobChanges) =>
  Object.prototype.hasOwnProperty.call(changes, field);

/** The attribute names a field is stored under. */
const attributesOf = (field: keyof JobChanges): (keyof Attributes)[] =>
  field === 'message' ? ['slackChannel', 'slackTs'] : [field];

/** The attributes of one (defined) field value. */
function encode(field: keyof JobChanges, value: unknown): Partial<Attributes> {
  switch (field) {
    case 'message': {
      const ref = value as SlackRef;
      return { slackChannel: ref.channel, slackTs: ref.ts };
    }
    case 'principal':
    case 'result':
    case 'attachment':
      return { [field]: JSON.stringify(value) };
    default:
      return { [field]: value };
  }
}

function toItem(job: GenerationJobRecord): Attributes {
  const item: Attributes = {
    id: job.id,
    requester: job.requester,
    principal: JSON.stringify(job.principal),
    days: job.days,
    startTime: job.startTime,
    endTime: job.endTime,
    status: job.status,
    createdAt: job.createdAt,
    polls: job.polls,
    version: job.version,
  };
  for (const field of CHANGEABLE) {
    if (job[field] !== undefined) Object.assign(item, encode(field, job[field]));
  }
  if (isOpen(job.status)) item.pollQueue = GENERATION_OPEN;
  return item;
}

function toRecord(item: Attributes): GenerationJobRecord {
  return {
    id: item.id,
    requester: item.requester,
    principal: JSON.parse(item.principal) as JobPrincipal,
    days: item.days,
    startTime: item.startTime,
    endTime: item.endTime,
    status: item.status as JobStatus,
    createdAt: item.createdAt,
    ...(item.awsJobId !== undefined ? { awsJobId: item.awsJobId } : {}),
    ...(item.slackChannel !== undefined && item.slackTs !== undefined
      ? { message: { channel: item.slackChannel, ts: item.slackTs } }
      : {}),
    polls: item.polls,
    ...(item.nextPollAt !== undefined ? { nextPollAt: item.nextPollAt } : {}),
    ...(item.completedAt !== undefined ? { completedAt: item.completedAt } : {}),
    ...(item.error !== undefined ? { error: item.error } : {}),
    ...(item.canceledBy !== undefined ? { canceledBy: item.canceledBy } : {}),
    ...(item.result !== undefined ? { result: JSON.parse(item.result) as GenerationResult } : {}),
    ...(item.attachment !== undefined ? { attachment: JSON.parse(item.attachment) as JobAttachment } : {}),
    version: item.version,
  };
}

class OpenJobNeedsPollError extends Error {
  constructor(jobId: string) {
    super(`generation job ${jobId} would be open (STARTING or IN_PROGRESS) without a nextPollAt`);
    this.name = 'OpenJobNeedsPollError';
  }
}

/**
 * What an update writes: the attributes to SET and to REMOVE, and what the stored item must hold besides its
 * version so that an open job keeps a nextPollAt (`nextPollAt`: it has one; `closed`: it is not open).
 */
function planUpdate(
  id: string,
  changes: JobChanges,
): { set: Partial<Attributes>; remove: string[]; needs?: 'nextPollAt' | 'closed' } {
  const unknown = Object.keys(changes).filter((k) => !(CHANGEABLE as string[]).includes(k));
  if (unknown.length > 0) throw new Error(`generation job ${id}: ${unknown.join(', ')} cannot be changed`);
  const set: Partial<Attributes> = {};
  const remove: string[] = [];
  for (const field of CHANGEABLE) {
    if (!has(changes, field)) continue;
    const value = changes[field];
    if (value !== undefined) Object.assign(set, encode(field, value));
    else if (REQUIRED.has(field)) throw new Error(`generation job ${id}: ${field} cannot be removed`);
    else remove.push(...attributesOf(field));
  }
  const dropsPoll = has(changes, 'nextPollAt') && changes.nextPollAt === undefined;
  if (!has(changes, 'status')) {
    // `pollQueue` stays as it is (it follows the status); removing nextPollAt needs a job that is not open.
    return { set, remove, ...(dropsPoll ? { needs: 'closed' as const } : {}) };
  }
  if (!isOpen(changes.status)) return { set, remove: [...remove, 'pollQueue'] };
  if (dropsPoll) throw new OpenJobNeedsPollError(id);
  set.pollQueue = GENERATION_OPEN;
  return { set, remove, ...(has(changes, 'nextPollAt') ? {} : { needs: 'nextPollAt' as const }) };
}

export function createGenerationStore(models: Models): GenerationJobStore {
  const { generations } = models;

  const get = async (id: string) => {
    const item = await generations.get({ id }, { consistent: true });
    return item ? toRecord(item) : undefined;
  };

  /** The open jobs with a nextPollAt, soonest first (up to `now` and `limit` when given). */
  const openJobs = async (now?: number, limit?: number) => {
    let query = generations.query('pollQueue').eq(GENERATION_OPEN);
    if (now !== undefined) query = query.where('nextPollAt').le(now);
    query = query.using(GENERATIONS_POLL_INDEX).sort('ascending');
    const items = await (limit === undefined ? query.all() : query.limit(limit)).exec();
    // The index only holds open jobs; the status check guards against an item written outside the store.
    return items.map(toRecord).filter((job) => isOpen(job.status));
  };

  return {
    get,

    async create(job) {
      const record: GenerationJobRecord = { ...job, version: 1 };
      if (isOpen(record.status) && record.nextPollAt === undefined) throw new OpenJobNeedsPollError(job.id);
      const item = toItem(record);
      try {
        await generations.create(item, { overwrite: false });
        return { job: toRecord(item), created: true };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const existing = await get(job.id);
        if (!existing) throw err;
        return { job: existing, created: false };
      }
    },

    async update(id, expectedVersion, changes) {
      const { set, remove, needs } = planUpdate(id, changes);
      let condition = new Condition('version').eq(expectedVersion);
      if (needs === 'nextPollAt') condition = condition.and().where('nextPollAt').exists();
      if (needs === 'closed') condition = condition.and().where('pollQueue').not().exists();
      try {
        const item = await generations.update(
          { id },
          {
            ...(Object.keys(set).length > 0 ? { $SET: set } : {}),
            $ADD: { version: 1 },
            ...(remove.length > 0 ? { $REMOVE: remove } : {}),
          },
          { condition, returnValues: 'ALL_NEW' },
        );
        return toRecord(item);
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const current = await get(id);
        // Unchanged since read: it was the open-job check that failed, not the version.
        if (needs && current?.version === expectedVersion) throw new OpenJobNeedsPollError(id);
        throw new JobChangedError(id, current);
      }
    },

    async due(now, limit = DUE_LIMIT) {
      if (limit <= 0) return [];
      return openJobs(now, limit);
    },

    async openFor(kind, name) {
      const wanted = name.toLowerCase();
      const matching = (await openJobs()).filter(
        (job) => job.principal.kind === kind && job.principal.name.toLowerCase() === wanted,
      );
      return matching.reduce<GenerationJobRecord | undefined>(
        (newest, job) => (!newest || job.createdAt > newest.createdAt ? job : newest),
        undefined,
      );
    },
  };
}
