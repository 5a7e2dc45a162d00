/** DigestStore on DynamoDB: one item per digest message; the sparse post index holds those not yet posted. */
import dynamoose from 'dynamoose';
import type { DigestRecord, DigestStore } from '../findings/digests';
import {
  DIGESTS_POST_INDEX,
  DIGEST_POST_DUE,
  type DigestItem,
  type Models,
  isConditionFailure,
} from './models';

const Condition = dynamoose.Condition;

function toRecord(item: DigestItem): DigestRecord {
  return {
    id: item.id,
    groupKey: item.groupKey,
    findingIds: JSON.parse(item.findingIds) as string[],
    createdAt: item.createdAt,
    ...(item.slackChannel && item.slackTs ? { slack: { channel: item.slackChannel, ts: item.slackTs } } : {}),
    postAttempts: item.postAttempts ?? 0,
    postDue: item.postQueue === DIGEST_POST_DUE,
    ...(item.expandedBy && item.expandedAt !== undefined
      ? { expanded: { by: item.expandedBy, at: item.expandedAt } }
      : {}),
  };
}

export function createDigestStore(models: Models): DigestStore {
  const { digests } = models;
  return {
    async create(d) {
      await digests.create(
        {
          id: d.id,
          groupKey: d.groupKey,
          findingIds: JSON.stringify(d.findingIds),
          createdAt: d.createdAt,
          postAttempts: 0,
          postQueue: DIGEST_POST_DUE,
        },
        { overwrite: false },
      );
    },

    async get(id) {
      const item = await digests.get({ id }, { consistent: true });
      return item ? toRecord(item) : undefined;
    },

    async setMembers(id, findingIds) {
      await digests.update({ id }, { $SET: { findingIds: JSON.stringify(findingIds) } });
    },

    async beginPost(id, lease) {
      try {
        const item = await digests.update(
          { id },
          { $ADD: { postAttempts: 1 }, ...(lease ? { $SET: { postLeaseUntil: lease.until } } : {}) },
          {
            condition: lease
              ? new Condition('id')
                  .exists()
                  .and()
                  .where('slackTs')
                  .not()
                  .exists()
                  .and()
                  .parenthesis((c: InstanceType<typeof Condition>) =>
                    c.where('postLeaseUntil').not().exists().or().where('postLeaseUntil').lt(lease.now),
                  )
              : new Condition('id').exists(),
            returnValues: 'ALL_NEW',
          },
        );
        return toRecord(item as DigestItem);
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async posted(id, ref) {
      try {
        await digests.update(
          { id },
          { $SET: { slackChannel: ref.channel, slackTs: ref.ts }, $REMOVE: ['postQueue', 'postLeaseUntil'] },
          { condition: new Condition('slackTs').not().exists() },
        );
      } catch (err) {
        // Recorded already by another attempt (the same message, found by its metadata).
        if (!isConditionFailure(err)) throw err;
      }
    },

    async claimExpand(id, by, at) {
      try {
        await digests.update(
          { id },
          { $SET: { expandedBy: by, expandedAt: at } },
          { condition: new Condition('id').exists().and().where('expandedBy').not().exists() },
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async listPostDue(limit) {
      const items = await digests
        .query('postQueue')
        .eq(DIGEST_POST_DUE)
        .using(DIGESTS_POST_INDEX)
        .sort('ascending')
        .limit(limit)
        .exec();
      return (items as unknown as { id: string }[]).map((i) => i.id);
    },

    async drop(id) {
      try {
        // Kept (as the record of an empty burst group), but no longer owed a post.
        await digests.update(
          { id },
          { $REMOVE: ['postQueue'] },
          { condition: new Condition('slackTs').not().exists() },
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },
  };
}
