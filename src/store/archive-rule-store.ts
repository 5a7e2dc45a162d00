/**
 * The archive rules the bot created (table `${TABLE_PREFIX}archive-rules`), behind `/iam-findings rules` and
 * the audit trail. One item per rule, keyed `<analyzerArn>/archive-rule/<ruleName>` (the rule's ARN form), so
 * one live record per rule name and analyzer, as in Access Analyzer. Writes are conditional, so a remedy that
 * runs again after a crash (at-least-once) records nothing twice and never overwrites another request's rule:
 * - pending (before CreateArchiveRule): only if no live rule of another request and no fresh marker of another
 *   request; a bare marker (no `requestId`) is not a record: `get` and `listLive` skip it;
 * - created: only if absent, deleted, only a marker, or written by this same request; clears the marker;
 * - deleted: only if present and not yet deleted by another request.
 * @example
 *   await stores.archiveRules.recordCreated({ analyzerArn, ruleName, filter, createdBy: 'U0ONCALL',
 *     approvedBy: ['U0APPROVER1'], requestId, findingId, createdAt: new Date().toISOString() });
 *   const live = await stores.archiveRules.listLive();
 */
import dynamoose from 'dynamoose';
import type { RuleFilter } from '../archive-rules/criteria';
import type { ArchiveRuleStore, StoredArchiveRule } from '../archive-rules/ports';
import { AlreadyDecidedError } from '../errors';
import { type ArchiveRuleItem, type Models, isConditionFailure } from './models';

const Condition = dynamoose.Condition;
type Cond = InstanceType<typeof Condition>;

/**
 * Another request's pending marker older than this no longer holds the name: longer than the workflow's
 * execution lease (5 min), so a crashed execution's retry still finds its own marker.
 */
export const PENDING_STALE_MS = 60 * 60_000;

export const ruleKeyOf = (analyzerArn: string, ruleName: string): string =>
  `${analyzerArn}/archive-rule/${ruleName}`;

function fromItem(item: ArchiveRuleItem): StoredArchiveRule {
  return {
    analyzerArn: item.analyzerArn,
    ruleName: item.ruleName,
    filter: JSON.parse(item.filter) as RuleFilter,
    createdBy: item.createdBy,
    approvedBy: JSON.parse(item.approvedBy) as string[],
    requestId: item.requestId,
    findingId: item.findingId,
    createdAt: item.createdAt,
    ...(item.deletedAt ? { deletedAt: item.deletedAt } : {}),
    ...(item.deletedBy ? { deletedBy: item.deletedBy } : {}),
    ...(item.deleteRequestId ? { deleteRequestId: item.deleteRequestId } : {}),
  };
}

export function createArchiveRuleStore(models: Models): ArchiveRuleStore {
  const { archiveRules } = models;
  const read = async (analyzerArn: string, ruleName: string) =>
    (await archiveRules.get({ ruleKey: ruleKeyOf(analyzerArn, ruleName) }, { consistent: true })) as
      ArchiveRuleItem | undefined;

  return {
    async recordCreated(rule) {
      try {
        await archiveRules.update(
          { ruleKey: ruleKeyOf(rule.analyzerArn, rule.ruleName) },
          {
            $SET: {
              analyzerArn: rule.analyzerArn,
              ruleName: rule.ruleName,
              filter: JSON.stringify(rule.filter),
              createdBy: rule.createdBy,
              approvedBy: JSON.stringify(rule.approvedBy),
              requestId: rule.requestId,
              findingId: rule.findingId,
              createdAt: rule.createdAt,
            },
            $REMOVE: ['deletedAt', 'deletedBy', 'deleteRequestId', 'pendingRequestId', 'pendingAt'],
          },
          {
            // Absent, only a marker, deleted, or ours (a repeat): anything else is a live rule of another request.
            condition: new Condition('requestId')
              .not()
              .exists()
              .or()
              .where('deletedAt')
              .exists()
              .or()
              .where('requestId')
              .eq(rule.requestId),
          },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        throw new AlreadyDecidedError(
          `The bot already has a live archive rule named \`${rule.ruleName}\` on this analyzer.`,
          { cause: err },
        );
      }
    },

    async markPending(analyzerArn, ruleName, requestId, now) {
      const before = await read(analyzerArn, ruleName);
      if (before?.pendingRequestId === requestId) return { resumed: true };
      if (before?.requestId === requestId && !before.deletedAt) return { resumed: true };
      const staleBefore = new Date(now - PENDING_STALE_MS).toISOString();
      try {
        await archiveRules.update(
          { ruleKey: ruleKeyOf(analyzerArn, ruleName) },
          {
            $SET: {
              analyzerArn,
              ruleName,
              pendingRequestId: requestId,
              pendingAt: new Date(now).toISOString(),
            },
          },
          {
            condition: new Condition()
              .parenthesis((c: Cond) => c.where('requestId').not().exists().or().where('deletedAt').exists())
              .and()
              .parenthesis((c: Cond) =>
                c
                  .where('pendingRequestId')
                  .not()
                  .exists()
                  .or()
                  .where('pendingRequestId')
                  .eq(requestId)
                  .or()
                  .where('pendingAt')
                  .lt(staleBefore),
              ),
          },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const current = await read(analyzerArn, ruleName);
        throw new AlreadyDecidedError(
          current?.requestId && !current.deletedAt
            ? `The bot already has a live archive rule named \`${ruleName}\` on this analyzer.`
            : `Another approved request is creating an archive rule named \`${ruleName}\` on this analyzer right now.`,
          { cause: err },
        );
      }
      return { resumed: false };
    },

    async clearPending(analyzerArn, ruleName, requestId) {
      try {
        await archiveRules.update(
          { ruleKey: ruleKeyOf(analyzerArn, ruleName) },
          { $REMOVE: ['pendingRequestId', 'pendingAt'] },
          { condition: new Condition('pendingRequestId').eq(requestId) },
        );
      } catch (err) {
        // Not ours (or gone): nothing to clear.
        if (!isConditionFailure(err)) throw err;
      }
    },

    async recordDeleted(analyzerArn, ruleName, by) {
      try {
        await archiveRules.update(
          { ruleKey: ruleKeyOf(analyzerArn, ruleName) },
          { $SET: { deletedAt: by.at, deletedBy: by.deletedBy, deleteRequestId: by.deleteRequestId } },
          {
            condition: new Condition('requestId')
              .exists()
              .and()
              .parenthesis((c: Cond) =>
                c.where('deletedAt').not().exists().or().where('deleteRequestId').eq(by.deleteRequestId),
              ),
          },
        );
      } catch (err) {
        // Unknown to the store, or deleted already (by this or another request): nothing left to record.
        if (!isConditionFailure(err)) throw err;
      }
    },

    async get(analyzerArn, ruleName) {
      const item = await read(analyzerArn, ruleName);
      return item?.requestId ? fromItem(item) : undefined;
    },

    async listLive() {
      // A handful of rules per analyzer (quota 100): a filtered scan is enough.
      const items = await archiveRules
        .scan(new Condition('deletedAt').not().exists().and().where('requestId').exists())
        .all()
        .exec();
      return (items as unknown as ArchiveRuleItem[])
        .map(fromItem)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.ruleName.localeCompare(b.ruleName));
    },
  };
}
