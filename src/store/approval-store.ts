/**
 * ApprovalStore on DynamoDB (table `${TABLE_PREFIX}approvals`). The request is stored whole as JSON; `status`,
 * `version` and `nextDueAt` are copied to top-level attributes for conditions and for the GSI
 * (`statusDueIndex`: hash `status`, range `nextDueAt`) that answers both `due` (PENDING) and
 * `pendingExecutions` (APPROVED). Every write is conditional and adds 1 to `version`.
 *
 * Idempotent create: the request item (`request#<id>`) and a marker item (`key#<idempotencyKey>` → request id)
 * are written in one transaction, each only if absent. A retried click that comes with a fresh request id
 * loses on the marker and gets the request the marker points to. (Keying the request by the idempotency key
 * instead would make ids depend on Slack payload details; a GSI on the key could not enforce uniqueness.)
 *
 * Execution: `claimExecution` sets a random `executionToken` and `executionLeaseUntil`, and moves `nextDueAt`
 * to the lease's end, so an APPROVED request is in the index at "creation time" until claimed, and at "lease
 * end" while claimed: `pendingExecutions(now)` is then one index query (`nextDueAt <= now`).
 * @example
 *   const stores = createStores(dynamodb, { tablePrefix: 'prod-', createTables: false });
 *   const { request, version } = (await stores.approvals.get(id))!;
 *   await stores.approvals.transition(id, version, applyDecision(request, decision), nextDueAt(next, policy));
 */
import { randomUUID } from 'node:crypto';
import dynamoose from 'dynamoose';
import type {
  ApprovalStore,
  ExecutionClaim,
  ExecutionOutcome,
  StoredApproval,
} from '../approvals/store-port';
import { ConcurrentUpdateError } from '../approvals/store-port';
import type { ApprovalRequest } from '../approvals/types';
import { APPROVALS_DUE_INDEX, type ApprovalItem, type Models, isConditionFailure } from './models';

const Condition = dynamoose.Condition;

const requestPk = (id: string) => `request#${id}`;
const keyPk = (key: string) => `key#${key}`;

/** How often a create that collided with a concurrent transaction on the same key is tried again. */
const CREATE_ATTEMPTS = 6;

function toStored(item: ApprovalItem): StoredApproval {
  if (item.request === undefined || item.version === undefined) {
    throw new Error(`approvals item ${item.pk} is not an approval request`);
  }
  return {
    request: JSON.parse(item.request) as ApprovalRequest,
    version: item.version,
    ...(item.nextDueAt !== undefined ? { nextDueAt: item.nextDueAt } : {}),
    ...(item.executionLeaseUntil !== undefined ? { executionLeaseUntil: item.executionLeaseUntil } : {}),
    ...(item.executedAt !== undefined ? { executedAt: item.executedAt } : {}),
    ...(item.executionError !== undefined ? { executionError: item.executionError } : {}),
    ...(item.slackChannel && item.slackTs
      ? { message: { channel: item.slackChannel, ts: item.slackTs } }
      : {}),
    ...(item.status === 'EXECUTED' && item.nextDueAt !== undefined ? { verifyAt: item.nextDueAt } : {}),
  };
}

/**
 * The index position of a request written with this state: PENDING when its timed work is due (never later
 * than its expiry); APPROVED (not yet claimed) since its creation, so execution is due at once; else none.
 */
function dueAtFor(request: ApprovalRequest, hint: number | undefined): number | undefined {
  if (request.status === 'PENDING') return Math.min(hint ?? request.expiresAt, request.expiresAt);
  if (request.status === 'APPROVED') return request.createdAt;
  return undefined;
}

/** The `Code`s of a cancelled transaction, index-aligned with its actions (empty for other errors). */
function cancellationCodes(err: unknown): (string | undefined)[] {
  const reasons = (err as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons;
  return reasons?.map((r) => r.Code) ?? [];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createApprovalStore(models: Models): ApprovalStore {
  const { approvals } = models;

  const readItem = async (pk: string) => approvals.get({ pk }, { consistent: true });

  const get = async (id: string) => {
    const item = await readItem(requestPk(id));
    return item ? toStored(item) : undefined;
  };

  /** The request an idempotency key already created, if any. */
  const byKey = async (key: string) => {
    const marker = await readItem(keyPk(key));
    if (!marker) return undefined;
    const stored = await get(marker.requestId);
    if (!stored)
      throw new Error(`idempotency key ${key} points to missing approval request ${marker.requestId}`);
    return stored;
  };

  const queryIndex = async (status: 'PENDING' | 'APPROVED' | 'EXECUTED', now: number, limit?: number) => {
    const query = approvals
      .query('status')
      .eq(status)
      .where('nextDueAt')
      .le(now)
      .using(APPROVALS_DUE_INDEX)
      .sort('ascending');
    const items = await (limit === undefined ? query.all() : query.limit(limit)).exec();
    return items.map(toStored);
  };

  return {
    get,

    async create(request, idempotencyKey, nextDueAt) {
      const due = dueAtFor(request, nextDueAt);
      const item = {
        pk: requestPk(request.id),
        requestId: request.id,
        request: JSON.stringify(request),
        status: request.status,
        version: 1,
        idempotencyKey,
        ...(due !== undefined ? { nextDueAt: due } : {}),
      };
      for (let attempt = 1; ; attempt++) {
        try {
          await dynamoose.transaction([
            approvals.transaction.create(item, { overwrite: false }),
            approvals.transaction.create(
              { pk: keyPk(idempotencyKey), requestId: request.id },
              { overwrite: false },
            ),
          ]);
          return { ...toStored(item as ApprovalItem), created: true };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          const existing = await byKey(idempotencyKey);
          if (existing) return { ...existing, created: false };
          if (cancellationCodes(err)[0] === 'ConditionalCheckFailed') {
            throw new Error(`approval request id ${request.id} is already used by another request`, {
              cause: err,
            });
          }
          // Cancelled by a concurrent transaction on the same key that has not committed yet: read again soon.
          if (attempt >= CREATE_ATTEMPTS) throw err;
          await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
        }
      }
    },

    async transition(id, expectedVersion, next, nextDueAt) {
      if (next.id !== id) throw new Error(`transition of ${id} was given request ${next.id}`);
      if (next.status === 'EXECUTED' || next.status === 'FAILED') {
        throw new Error(`${next.status} is recorded by completeExecution, not transition`);
      }
      const due = dueAtFor(next, nextDueAt);
      try {
        const item = await approvals.update(
          { pk: requestPk(id) },
          {
            $SET: {
              request: JSON.stringify(next),
              status: next.status,
              ...(due !== undefined ? { nextDueAt: due } : {}),
            },
            $ADD: { version: 1 },
            ...(due === undefined ? { $REMOVE: ['nextDueAt'] } : {}),
          },
          {
            // Only an open request moves, and only from the state the caller decided on.
            condition: new Condition('version').eq(expectedVersion).and().where('status').eq('PENDING'),
            returnValues: 'ALL_NEW',
          },
        );
        return toStored(item as ApprovalItem);
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        throw new ConcurrentUpdateError(id, expectedVersion, await get(id), { cause: err });
      }
    },

    async due(now, limit) {
      return queryIndex('PENDING', now, limit);
    },

    async claimExecution(id, leaseMs, now): Promise<ExecutionClaim | undefined> {
      const token = randomUUID();
      const leaseUntil = now + leaseMs;
      try {
        const item = await approvals.update(
          { pk: requestPk(id) },
          {
            $SET: { executionToken: token, executionLeaseUntil: leaseUntil, nextDueAt: leaseUntil },
            $ADD: { version: 1 },
          },
          {
            condition: new Condition('status')
              .eq('APPROVED')
              .and()
              .where('executedAt')
              .not()
              .exists()
              .and()
              .parenthesis((c: InstanceType<typeof Condition>) =>
                c.where('executionLeaseUntil').not().exists().or().where('executionLeaseUntil').le(now),
              ),
            returnValues: 'ALL_NEW',
          },
        );
        return { token, leaseUntil, approval: toStored(item as ApprovalItem) };
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async completeExecution(id, token, outcome: ExecutionOutcome) {
      if (outcome.status === 'FAILED' && !outcome.error) throw new Error('a FAILED execution needs an error');
      const current = await readItem(requestPk(id));
      if (!current || current.executionToken !== token || current.status !== 'APPROVED') return false;
      const next: ApprovalRequest = { ...toStored(current).request, status: outcome.status };
      const verifyAt = outcome.status === 'EXECUTED' ? outcome.verifyAt : undefined;
      try {
        await approvals.update(
          { pk: requestPk(id) },
          {
            $SET: {
              request: JSON.stringify(next),
              status: outcome.status,
              executedAt: outcome.at,
              ...(outcome.error ? { executionError: outcome.error } : {}),
              ...(verifyAt !== undefined ? { nextDueAt: verifyAt } : {}),
            },
            $ADD: { version: 1 },
            $REMOVE: [
              'executionToken',
              'executionLeaseUntil',
              ...(verifyAt === undefined ? ['nextDueAt'] : []),
            ],
          },
          {
            // Still our claim (nobody took over after our lease ran out) and unchanged since we read it.
            condition: new Condition('executionToken')
              .eq(token)
              .and()
              .where('version')
              .eq(current.version as number),
          },
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async pendingExecutions(now, limit) {
      return queryIndex('APPROVED', now, limit);
    },

    async attachMessage(id, message) {
      try {
        await approvals.update(
          { pk: requestPk(id) },
          { $SET: { slackChannel: message.channel, slackTs: message.ts } },
          { condition: new Condition('pk').exists().and().where('slackTs').not().exists() },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      return get(id);
    },

    async dueVerifications(now, limit) {
      return queryIndex('EXECUTED', now, limit);
    },

    async claimVerification(id) {
      try {
        await approvals.update(
          { pk: requestPk(id) },
          { $REMOVE: ['nextDueAt'], $ADD: { version: 1 } },
          { condition: new Condition('status').eq('EXECUTED').and().where('nextDueAt').exists() },
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}
