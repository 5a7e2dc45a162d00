/**
 * FindingStore on DynamoDB. Every state change is a conditional write, so at-least-once delivery, concurrent
 * handlers and double clicks converge on one outcome:
 * - apply(): only a new finding or a strictly newer `updatedAt` is written (stale and repeated events are no-ops);
 * - the sync lease: one handler at a time talks to Slack for a finding (expires if the bot dies);
 * - beginAction(): one remediation at a time, only on an ACTIVE finding;
 * - archive reviews ("Archive with reason…" with a review date): a sparse GSI holds only pending reviews, and a
 *   claim with a lease lets one replica reopen each once; an event that moves the finding out of ARCHIVED
 *   before then drops the review.
 */
import dynamoose from 'dynamoose';
import { AlreadyDecidedError } from '../errors';
import { type Finding, type FindingStatus, timestampMs } from '../findings/finding';
import type {
  ApplyOutcome,
  ArchiveInfo,
  DenyRecord,
  FindingRecord,
  FindingStore,
  PendingAction,
  PendingArchive,
  SlackRef,
} from '../findings/ports';
import { archiveUpdate, createArchiveReviews } from './archive-reviews';
import { FINDINGS_SYNC_INDEX, type FindingItem, type Models, SYNC_DUE, isConditionFailure } from './models';

const Condition = dynamoose.Condition;

/** A condition group: the lease or claim in `attribute` (an epoch-ms expiry) is absent or ran out before `now`. */
const unheldAt = (attribute: string, now: number) => (c: InstanceType<typeof Condition>) =>
  c.where(attribute).not().exists().or().where(attribute).lt(now);

function archiveOf(item: FindingItem): ArchiveInfo | undefined {
  if (!item.archivedBy || !item.archivedAt) return undefined;
  return {
    by: item.archivedBy,
    at: item.archivedAt,
    ...(item.archivedReason ? { reason: item.archivedReason } : {}),
    // After a failed attempt the due key is the retry time; the review date as chosen is kept apart.
    ...(item.reviewDueAt !== undefined
      ? { reviewAt: new Date(item.reviewScheduledAt ?? item.reviewDueAt).toISOString() }
      : {}),
  };
}

function pendingArchiveOf(item: FindingItem): PendingArchive | undefined {
  if (!item.pendingArchive) return undefined;
  try {
    const parsed = JSON.parse(item.pendingArchive) as Partial<PendingArchive>;
    if (typeof parsed.reason !== 'string') return undefined;
    return {
      reason: parsed.reason,
      ...(typeof parsed.reviewAt === 'string' ? { reviewAt: parsed.reviewAt } : {}),
    };
  } catch {
    return undefined;
  }
}

function toRecord(item: FindingItem): FindingRecord {
  return {
    finding: JSON.parse(item.finding) as Finding,
    updatedAtMs: item.updatedAtMs,
    suppressed: item.suppressed ?? false,
    slack: item.slackTs && item.slackChannel ? { channel: item.slackChannel, ts: item.slackTs } : undefined,
    renderedKey: item.renderedKey,
    renderedSnapshot: item.renderedSnapshot ? JSON.parse(item.renderedSnapshot) : undefined,
    leaseToken: item.leaseToken,
    leaseUntil: item.leaseUntil,
    syncAttempts: item.syncAttempts ?? 0,
    ...(item.syncQueue && item.syncDueAt !== undefined ? { syncDueAt: item.syncDueAt } : {}),
    ...(item.digestId ? { digestId: item.digestId } : {}),
    ...(item.digestThreadTs ? { digestThreadTs: item.digestThreadTs } : {}),
    archived: archiveOf(item),
    ...(item.reviewAttempts ? { reviewAttempts: item.reviewAttempts } : {}),
    pending:
      item.pendingAction && item.pendingRequestId && item.pendingBy && item.pendingUntil
        ? {
            action: item.pendingAction,
            requestId: item.pendingRequestId,
            by: item.pendingBy,
            until: item.pendingUntil,
            ...(pendingArchiveOf(item) ? { archive: pendingArchiveOf(item) } : {}),
          }
        : undefined,
    denied: item.denied ? (JSON.parse(item.denied) as DenyRecord) : undefined,
  };
}

const PENDING_ATTRIBUTES = [
  'pendingAction',
  'pendingRequestId',
  'pendingBy',
  'pendingUntil',
  'pendingArchive',
];

export function createFindingStore(models: Models): FindingStore {
  const { findings } = models;

  const get = async (id: string) => {
    const item = await findings.get({ id }, { consistent: true });
    return item ? toRecord(item) : undefined;
  };

  const reviews = createArchiveReviews(models, { get, toRecord });

  /**
   * Access Analyzer says ARCHIVED while an archive claim with a reason is pending: the archive the claim was
   * making happened (its own write after UpdateFindings may never come), so record it from the claim.
   */
  const recordPendingArchive = async (item: FindingItem, finding: Finding) => {
    const why = pendingArchiveOf(item);
    if (!why || !item.pendingRequestId || !item.pendingBy) return;
    const archive = archiveUpdate({
      by: item.pendingBy,
      at: new Date(timestampMs(finding.updatedAt)).toISOString(),
      ...why,
    });
    try {
      await findings.update(
        { id: finding.id },
        { $SET: archive.set, $REMOVE: [...PENDING_ATTRIBUTES, ...archive.remove] },
        {
          condition: new Condition('pendingRequestId')
            .eq(item.pendingRequestId)
            .and()
            .where('status')
            .eq('ARCHIVED'),
        },
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  };

  return {
    ...reviews,
    get,

    async getMany(ids) {
      const out = new Map<string, FindingRecord>();
      for (let i = 0; i < ids.length; i += 100) {
        const batch = ids.slice(i, i + 100).map((id) => ({ id }));
        const items = await findings.batchGet(batch);
        for (const item of items) out.set(item.id, toRecord(item));
      }
      return out;
    },

    async apply(finding, options): Promise<ApplyOutcome> {
      const { suppressed, lease } = options;
      const updatedAtMs = timestampMs(finding.updatedAt);
      const leaseSet = lease ? { leaseToken: lease.token, leaseUntil: lease.until } : {};
      if (!options.exists) {
        try {
          // Create: only if absent.
          await findings.create(
            {
              id: finding.id,
              analyzerArn: finding.analyzerArn,
              status: finding.status,
              updatedAtMs,
              finding: JSON.stringify(finding),
              suppressed,
              // The sync lease in the same write: the caller's sync goes on from here.
              syncAttempts: lease ? 1 : 0,
              ...leaseSet,
              // Slack work is owed: the sparse sync index holds it until completeSync (survives a crash).
              ...(!suppressed && finding.status === 'ACTIVE' && !finding.isDeleted
                ? { syncQueue: SYNC_DUE, syncDueAt: updatedAtMs }
                : {}),
            },
            { overwrite: false },
          );
          if (lease) options.leased = true;
          return 'created';
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      }
      const set = {
        status: finding.status,
        updatedAtMs,
        finding: JSON.stringify(finding),
        analyzerArn: finding.analyzerArn,
        ...(suppressed ? {} : { syncQueue: SYNC_DUE, syncDueAt: updatedAtMs }),
      };
      const newer = () => new Condition('updatedAtMs').lt(updatedAtMs);
      let updated: FindingItem | undefined;
      if (lease) {
        try {
          // Update and take the free sync lease at once (the usual case: one write instead of two).
          updated = (await findings.update(
            { id: finding.id },
            { $SET: { ...set, ...leaseSet }, $ADD: { syncAttempts: 1 } },
            {
              condition: newer().and().parenthesis(unheldAt('leaseUntil', lease.now)),
              returnValues: 'ALL_NEW',
            },
          )) as FindingItem;
          options.leased = true;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      }
      if (!updated) {
        try {
          // Update: only if strictly newer than what is stored (the lease, if any, stays with its holder).
          updated = (await findings.update(
            { id: finding.id },
            { $SET: set },
            { condition: newer(), returnValues: 'ALL_NEW' },
          )) as FindingItem;
        } catch (err) {
          if (isConditionFailure(err)) return 'stale';
          throw err;
        }
      }
      if (finding.status !== 'ARCHIVED' && updated.reviewDueAt !== undefined) {
        await reviews.dropReviewAfter(finding.id, finding.updatedAt);
      }
      if (finding.status === 'ARCHIVED' && updated.pendingArchive) {
        await recordPendingArchive(updated, finding);
      }
      return 'updated';
    },

    async listSyncDue(limit) {
      const items = await findings
        .query('syncQueue')
        .eq(SYNC_DUE)
        .using(FINDINGS_SYNC_INDEX)
        .sort('ascending')
        .limit(limit)
        .exec();
      return (items as unknown as { id: string }[]).map((i) => i.id);
    },

    async clearSyncDue(id, observedDueAt) {
      try {
        await findings.update(
          { id },
          { $REMOVE: ['syncQueue', 'syncDueAt'] },
          { condition: new Condition('syncDueAt').eq(observedDueAt) },
        );
      } catch (err) {
        // A newer change owes Slack work again: leave its mark.
        if (!isConditionFailure(err)) throw err;
      }
    },

    async acquireLease(id, token, now, until) {
      try {
        const item = await findings.update(
          { id },
          { $SET: { leaseToken: token, leaseUntil: until }, $ADD: { syncAttempts: 1 } },
          {
            condition: new Condition('id').exists().and().parenthesis(unheldAt('leaseUntil', now)),
            returnValues: 'ALL_NEW',
          },
        );
        return toRecord(item as FindingItem);
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async joinDigest(id, digestId, renderedKey, now) {
      try {
        await findings.update(
          { id },
          { $SET: { digestId, renderedKey }, $REMOVE: ['syncQueue', 'syncDueAt'] },
          {
            condition: new Condition('id')
              .exists()
              .and()
              .where('slackTs')
              .not()
              .exists()
              .and()
              .where('digestId')
              .not()
              .exists()
              .and()
              .parenthesis(unheldAt('leaseUntil', now)),
          },
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async expandFromDigest(id, digestId, threadTs, now) {
      try {
        await findings.update(
          { id },
          { $SET: { digestThreadTs: threadTs, syncQueue: SYNC_DUE, syncDueAt: now } },
          { condition: new Condition('digestId').eq(digestId).and().where('slackTs').not().exists() },
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async completeSync(id, token, rendered: { slack?: SlackRef; key: string; snapshot: unknown }) {
      try {
        await findings.update(
          { id },
          {
            $SET: {
              ...(rendered.slack ? { slackChannel: rendered.slack.channel, slackTs: rendered.slack.ts } : {}),
              renderedKey: rendered.key,
              renderedSnapshot: JSON.stringify(rendered.snapshot),
            },
            $REMOVE: ['leaseToken', 'leaseUntil', 'syncQueue', 'syncDueAt'],
          },
          { condition: new Condition('leaseToken').eq(token) },
        );
      } catch (err) {
        // Our lease expired and someone else took over; they will render the current state.
        if (!isConditionFailure(err)) throw err;
      }
    },

    async releaseLease(id, token, options = {}) {
      try {
        await findings.update(
          { id },
          { $REMOVE: ['leaseToken', 'leaseUntil', ...(options.done ? ['syncQueue', 'syncDueAt'] : [])] },
          { condition: new Condition('leaseToken').eq(token) },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async beginAction(id, pending: PendingAction, now, options = {}) {
      const statuses = options.statuses ?? ['ACTIVE'];
      try {
        await findings.update(
          { id },
          {
            $SET: {
              pendingAction: pending.action,
              pendingRequestId: pending.requestId,
              pendingBy: pending.by,
              pendingUntil: pending.until,
              ...(pending.archive ? { pendingArchive: JSON.stringify(pending.archive) } : {}),
            },
            // What an earlier claim was about to archive is not this one's.
            ...(pending.archive ? {} : { $REMOVE: ['pendingArchive'] }),
          },
          {
            condition: new Condition('status')
              .in([...statuses])
              .and()
              .parenthesis(unheldAt('pendingUntil', now)),
          },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const current = await get(id);
        if (!current) throw new AlreadyDecidedError('This finding is not known to the bot.', { cause: err });
        if (!statuses.includes(current.finding.status)) {
          const by = current.archived ? ` by <@${current.archived.by}>` : '';
          throw new AlreadyDecidedError(
            `This finding is already ${current.finding.status.toLowerCase()}${by}; nothing to do.`,
            {
              cause: err,
            },
          );
        }
        throw new AlreadyDecidedError(
          `<@${current.pending?.by ?? 'someone'}> is already acting on this finding (${current.pending?.action ?? 'an action'}).`,
          { cause: err },
        );
      }
    },

    async completeAction(id, requestId, result: { status: FindingStatus; archived?: ArchiveInfo }) {
      const current = await get(id);
      if (!current) return;
      const finding: Finding = { ...current.finding, status: result.status };
      const archive = result.archived ? archiveUpdate(result.archived) : { set: {}, remove: [] };
      await findings
        .update(
          { id },
          {
            $SET: { status: result.status, finding: JSON.stringify(finding), ...archive.set },
            $REMOVE: [...PENDING_ATTRIBUTES, ...archive.remove],
          },
          // Only the request that holds the claim completes it; a newer AWS event (higher updatedAtMs) wins over us.
          {
            condition: new Condition('pendingRequestId')
              .eq(requestId)
              .and()
              .where('updatedAtMs')
              .eq(current.updatedAtMs),
          },
        )
        .catch(async (err: unknown) => {
          if (!isConditionFailure(err)) throw err;
          // AA's own event got here first: keep its state, just record who archived and drop the claim.
          await findings
            .update(
              { id },
              { $SET: archive.set, $REMOVE: [...PENDING_ATTRIBUTES, ...archive.remove] },
              { condition: new Condition('pendingRequestId').eq(requestId) },
            )
            .catch((e: unknown) => {
              if (!isConditionFailure(e)) throw e;
            });
        });
    },

    async finishRemediation(id, requestId, change) {
      const denied = change.denied
        ? { $SET: { denied: JSON.stringify(change.denied) } }
        : { $REMOVE: ['denied'] };
      try {
        await findings.update(
          { id },
          change.denied
            ? { $SET: { denied: JSON.stringify(change.denied) }, $REMOVE: PENDING_ATTRIBUTES }
            : { $REMOVE: ['denied', ...PENDING_ATTRIBUTES] },
          { condition: new Condition('pendingRequestId').eq(requestId) },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // The claim lapsed or was never ours: still record the policy change, which did happen.
        await findings.update({ id }, denied);
      }
    },

    async notePendingArchive(id, requestId, archive) {
      try {
        await findings.update(
          { id },
          { $SET: { pendingArchive: JSON.stringify(archive) } },
          { condition: new Condition('pendingRequestId').eq(requestId) },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async abortAction(id, requestId) {
      try {
        await findings.update(
          { id },
          { $REMOVE: PENDING_ATTRIBUTES },
          { condition: new Condition('pendingRequestId').eq(requestId) },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },
  };
}
