/** The DynamoDB-backed stores, built together from one set of models. */
import { DescribeTableCommand, type DynamoDB } from '@aws-sdk/client-dynamodb';
import type { ApprovalStore } from '../approvals/store-port';
import type { ArchiveRuleStore } from '../archive-rules/ports';
import { errorMessage } from '../errors';
import type { AnalyzerRegistry, DecisionLog, FindingStore, UnhandledEventStore } from '../findings/ports';
import type { GenerationJobStore } from '../policy-generation/ports';
import type { DigestStore } from '../findings/digests';
import { createAnalyzerRegistry } from './analyzer-registry';
import { createApprovalStore } from './approval-store';
import { createArchiveRuleStore } from './archive-rule-store';
import { createDecisionLog } from './decision-log';
import { createDigestStore } from './digest-store';
import { createFindingStore } from './finding-store';
import { createGenerationStore } from './generation-store';
import { defineModels, useDynamoDb } from './models';
import { createUnhandledEventStore } from './unhandled-events';

export interface Stores {
  findings: FindingStore;
  decisions: DecisionLog;
  analyzers: AnalyzerRegistry;
  unhandled: UnhandledEventStore;
  approvals: ApprovalStore;
  /** Archive rules the bot created (`/iam-findings rules`). */
  archiveRules: ArchiveRuleStore;
  /** `/iam-generate` policy generation jobs. */
  generations: GenerationJobStore;
  /** Digest messages (bursts of findings shown together). */
  digests: DigestStore;
  /** Creates absent tables when allowed; fails with the table names when they are missing and may not be created. */
  initialize(): Promise<void>;
  /** DynamoDB reachable and the findings table there. */
  ready(): Promise<{ ok: boolean; detail?: string }>;
  tableNames: string[];
}

export function createStores(
  dynamodb: DynamoDB,
  opts: { tablePrefix: string; createTables: boolean },
): Stores {
  useDynamoDb(dynamodb);
  const models = defineModels(opts.tablePrefix, opts.createTables);
  return {
    findings: createFindingStore(models),
    decisions: createDecisionLog(models),
    analyzers: createAnalyzerRegistry(models),
    unhandled: createUnhandledEventStore(models),
    approvals: createApprovalStore(models),
    archiveRules: createArchiveRuleStore(models),
    generations: createGenerationStore(models),
    digests: createDigestStore(models),
    tableNames: models.tableNames,
    async initialize() {
      try {
        await models.initialize();
      } catch (err) {
        throw new Error(
          `DynamoDB tables ${models.tableNames.join(', ')} are not usable: ${errorMessage(err)}` +
            (opts.createTables ? '' : ' (CREATE_TABLES=false: the tables must exist already)'),
          { cause: err },
        );
      }
      if (!opts.createTables) {
        // dynamoose does not check existence when it may not create: do it, to fail at start, not at first use.
        for (const name of models.tableNames) {
          try {
            await dynamodb.send(new DescribeTableCommand({ TableName: name }));
          } catch (err) {
            throw new Error(
              `DynamoDB table ${name} is not usable (CREATE_TABLES=false: it must exist already): ${errorMessage(err)}`,
              {
                cause: err,
              },
            );
          }
        }
      }
    },
    async ready() {
      try {
        const name = models.tableNames[0] as string;
        const out = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
        return out.Table?.TableStatus === 'ACTIVE'
          ? { ok: true }
          : { ok: false, detail: `table ${name} is ${out.Table?.TableStatus}` };
      } catch (err) {
        return { ok: false, detail: `DynamoDB not reachable: ${errorMessage(err)}` };
      }
    },
  };
}
