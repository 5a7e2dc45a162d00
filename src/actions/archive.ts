/**
 * Archive: marks the access as intended. Calls Access Analyzer UpdateFindings(status ARCHIVED) for the finding,
 * records the decision, and updates the message ("Archived by @user, time"). One click archives once: the
 * claim on the finding is a conditional write, and the UpdateFindings clientToken is the request id.
 * Needs: access-analyzer:UpdateFindings.
 * When the approval policy gives `archive` a chain (APPROVAL_POLICY_FILE), the click starts an approval request
 * instead, and `createArchiveRemedy` archives once it is approved.
 * "Archive with reason…" (./archive-with-reason) archives through the same `archiveFinding` and remedy, with a
 * justification and an optional review date (see `ArchiveReason`).
 * @example clicking Archive on an ACTIVE finding → AA status ARCHIVED, message shows "Archived by @alice".
 */
import type { Remedy, RemedyParams } from '../approvals/ports';
import { AppError } from '../errors';
import type { Clock, FindingStore, FindingsSource } from '../findings/ports';
import type { ApprovalPolicy } from '../approvals/types';
import type { ActionDeps, ActionRequest, FindingAction } from './types';

const CLAIM_MS = 2 * 60_000;

/** What "Archive with reason…" adds to an archive: why the access is intended and, optionally, when to look again. */
export interface ArchiveReason {
  /** Trimmed, 10–2,000 characters. */
  reason: string;
  /** ISO time at which the finding is reopened (09:00 UTC of the chosen date). */
  reviewAt?: string;
}

/** Shortest and longest reason (after trimming); the modal's inputs use the same limits. */
export const REASON_MIN_CHARS = 10;
export const REASON_MAX_CHARS = 2000;

/**
 * The reason carried by approval-request params or a stored plan; undefined when there is none (plain Archive).
 * @throws AppError when a reason is there but malformed.
 * @example archiveReasonFrom({ reason: 'Partner audit role', reviewAt: '2026-09-01T09:00:00.000Z' })
 */
export function archiveReasonFrom(params: RemedyParams | undefined): ArchiveReason | undefined {
  if (params?.reason === undefined) return undefined;
  const { reason, reviewAt } = params;
  const valid =
    typeof reason === 'string' &&
    reason.trim().length > 0 &&
    reason.length <= REASON_MAX_CHARS &&
    (reviewAt === undefined || (typeof reviewAt === 'string' && Number.isFinite(Date.parse(reviewAt))));
  if (!valid) {
    throw new AppError(
      'invalid_archive_reason',
      'malformed archive reason or review date',
      'The archive reason or review date is not valid; open *Archive with reason…* again.',
    );
  }
  return { reason, ...(typeof reviewAt === 'string' ? { reviewAt } : {}) };
}

/** The decision-log input of an archive: the AWS call, plus the reason and review date when given. */
function archiveInput(finding: { analyzerArn: string; id: string }, why?: ArchiveReason) {
  return {
    analyzerArn: finding.analyzerArn,
    ids: [finding.id],
    status: 'ARCHIVED',
    ...(why ? { reason: why.reason } : {}),
    ...(why?.reviewAt ? { reviewAt: why.reviewAt } : {}),
  };
}

/**
 * Archives the finding now (no approval): claim, `requested`, UpdateFindings(ARCHIVED), record, `succeeded`,
 * message. Shared by Archive and "Archive with reason…" (`why`).
 * @throws AlreadyDecidedError when another action holds the finding or it is not ACTIVE; AWS errors as AppErrors.
 */
export async function archiveFinding(
  request: Pick<ActionRequest, 'actor' | 'requestId' | 'record'> & { why?: ArchiveReason },
  deps: Pick<ActionDeps, 'store' | 'source' | 'decisions' | 'sync' | 'clock' | 'log'>,
): Promise<void> {
  const { store, source, decisions, sync, clock, log } = deps;
  const { actor, requestId, record, why } = request;
  const { finding } = record;
  const now = clock.now();
  // The reason and review date go on the claim before AWS is called: if the write after UpdateFindings never
  // lands (crash, DynamoDB error), Access Analyzer's ARCHIVED event records them from the claim.
  await store.beginAction(
    finding.id,
    { action: 'archive', requestId, by: actor, until: now + CLAIM_MS, ...(why ? { archive: why } : {}) },
    now,
  );
  const base = { requestId, findingId: finding.id, action: 'archive', actor };
  const input = archiveInput(finding, why);
  await decisions.append({ ...base, phase: 'requested', at: new Date(now).toISOString(), input });
  try {
    await source.setStatus(finding.analyzerArn, [finding.id], 'ARCHIVED', requestId);
  } catch (err) {
    await store.abortAction(finding.id, requestId);
    await decisions.append({
      ...base,
      phase: 'failed',
      at: new Date(clock.now()).toISOString(),
      input,
      error: err instanceof AppError ? err.userMessage : String(err),
    });
    throw err;
  }
  const at = new Date(clock.now()).toISOString();
  await store.completeAction(finding.id, requestId, {
    status: 'ARCHIVED',
    archived: { by: actor, at, ...why },
  });
  await decisions.append({ ...base, phase: 'succeeded', at, input, result: { status: 'ARCHIVED' } });
  log.info({ findingId: finding.id, requestId, reviewAt: why?.reviewAt }, 'finding archived');
  await sync(finding.id, { justChanged: true });
}

export const archive: FindingAction = {
  id: 'archive',
  label: 'Archive',
  style: 'primary',
  permissions: ['access-analyzer:UpdateFindings'],
  // Only when the policy gives `archive` a chain (see `goesThroughApproval`): a sensitive account's id is typed
  // first. Without a chain Archive stays one click.
  approval: 'archive',
  appliesTo: ({ finding: f }) => f.status === 'ACTIVE' && !f.isDeleted,

  async execute(request, deps) {
    await archiveOrRequest(request, deps);
    return {};
  },
};

/** Whether the approval policy puts Archive through approval. */
export const archiveNeedsApproval = (policy: ApprovalPolicy): boolean =>
  policy.chains.archive.stages.length > 0;

/**
 * Archives now, or, when the approval policy gives `archive` a chain, requests approval (with the reason and
 * review date as params when there are). `clickKey` makes a redelivered click or submission open no second
 * request. Refusals and failures throw AppErrors for the error reporter.
 */
export async function archiveOrRequest(
  request: Pick<ActionRequest, 'actor' | 'requestId' | 'record' | 'clickKey'> & { why?: ArchiveReason },
  deps: ActionDeps,
): Promise<void> {
  const { actor, requestId, record, clickKey, why } = request;
  if (archiveNeedsApproval(deps.policy)) {
    await deps.workflow.request({
      action: 'archive',
      findingId: record.finding.id,
      requester: actor,
      requestId,
      idempotencyKey: clickKey,
      ...(why ? { params: { reason: why.reason, ...(why.reviewAt ? { reviewAt: why.reviewAt } : {}) } } : {}),
    });
    return;
  }
  await archiveFinding({ actor, requestId, record, ...(why ? { why } : {}) }, deps);
}

/** The lines the approvers see under "What changes": the status, and the reason and review date when given. */
function planDiff(status: string, why?: ArchiveReason): string {
  const lines = [`- status: ${status}`, '+ status: ARCHIVED'];
  if (why) {
    const [first = '', ...rest] = why.reason.split('\n');
    lines.push(`+ reason: ${first}`, ...rest.map((l) => `+         ${l}`));
    if (why.reviewAt) lines.push(`+ review on: ${why.reviewAt} (reopened then)`);
  }
  return lines.join('\n');
}

/**
 * Archive after approval (when the policy gives `archive` a chain): UpdateFindings, then the record. With
 * "Archive with reason…" the request's params (reason, reviewAt) go into the plan, and `apply` takes them from
 * there, so what was approved is what is recorded. A review date that passed while the request waited for
 * approval is not kept (the finding would be reopened at once): the finding is archived without one, and the
 * summary says so. A request whose review date is already past is refused (`check`).
 */
export function createArchiveRemedy(deps: {
  source: FindingsSource;
  store: FindingStore;
  clock: Clock;
}): Remedy {
  return {
    action: 'archive',
    label: 'Archive',
    statuses: ['ACTIVE'],
    check(rec, params) {
      if (rec.finding.isDeleted) {
        throw new AppError(
          'not_archivable',
          'deleted finding',
          "This finding's resource is deleted; there is nothing to archive.",
        );
      }
      const why = archiveReasonFrom(params);
      if (why?.reviewAt && Date.parse(why.reviewAt) <= deps.clock.now()) {
        throw new AppError(
          'review_date_passed',
          `review date ${why.reviewAt} already passed`,
          'The review date has already passed; open *Archive with reason…* again and pick a later date.',
        );
      }
    },
    plan: async (rec, params) => {
      const why = archiveReasonFrom(params);
      return {
        kind: 'finding-status',
        diff: planDiff(rec.finding.status, why),
        ...(why ? { reason: why.reason } : {}),
        ...(why?.reviewAt ? { reviewAt: why.reviewAt } : {}),
      };
    },
    async apply(rec, request) {
      const { finding } = rec;
      const approved = archiveReasonFrom(request.plan);
      // Approval can outlast the review date: archiving with it would reopen the finding at the next run.
      const lapsed =
        approved?.reviewAt !== undefined && Date.parse(approved.reviewAt) <= deps.clock.now()
          ? approved.reviewAt
          : undefined;
      const why: ArchiveReason | undefined = approved
        ? {
            reason: approved.reason,
            ...(approved.reviewAt && !lapsed ? { reviewAt: approved.reviewAt } : {}),
          }
        : undefined;
      // On the claim before AWS is called, so Access Analyzer's ARCHIVED event can record them if our write fails.
      if (why) await deps.store.notePendingArchive(finding.id, request.id, why);
      await deps.source.setStatus(finding.analyzerArn, [finding.id], 'ARCHIVED', request.id);
      const at = new Date(deps.clock.now()).toISOString();
      await deps.store.completeAction(finding.id, request.id, {
        status: 'ARCHIVED',
        archived: { by: request.requester, at, ...why },
      });
      const approvers = request.approvers.map((a) => `<@${a}>`).join(', ');
      const review = why?.reviewAt
        ? ` It will be reopened on ${why.reviewAt.slice(0, 10)}.`
        : lapsed
          ? ` The review date (${lapsed.slice(0, 10)}) passed while the request waited; archived without a review date.`
          : '';
      return {
        summary: `🗄️ Archived, requested by <@${request.requester}>, approved by ${approvers}.${review}`,
        details: {
          status: 'ARCHIVED',
          ...(why ? { reason: why.reason } : {}),
          ...(why?.reviewAt ? { reviewAt: why.reviewAt } : {}),
          ...(lapsed ? { reviewDateLapsed: lapsed } : {}),
        },
      };
    },
  };
}
