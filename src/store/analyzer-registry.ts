/** Analyzers the bot reconciles: the configured one plus any seen in events; remembers whose baseline is taken. */
import dynamoose from 'dynamoose';
import type { AnalyzerRegistry } from '../findings/ports';
import { type Models, isConditionFailure } from './models';

export function createAnalyzerRegistry(models: Models, now: () => Date = () => new Date()): AnalyzerRegistry {
  const { analyzers } = models;
  return {
    async list() {
      const items = await analyzers.scan().exec();
      return items.map((i) => ({ arn: i.arn, seenAt: i.seenAt, baselineAt: i.baselineAt }));
    },
    async remember(arn) {
      try {
        await analyzers.create({ arn, seenAt: now().toISOString() }, { overwrite: false });
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
    async markBaseline(arn, at) {
      await analyzers.update(
        { arn },
        { $SET: { baselineAt: at } },
        { condition: new dynamoose.Condition('arn').exists() },
      );
    },
  };
}
