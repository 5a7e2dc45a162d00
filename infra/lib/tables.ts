/**
 * The bot's eight DynamoDB tables, as src/store/models.ts defines them (the bot runs with CREATE_TABLES=false
 * and checks at start that each exists). All on-demand, with point-in-time recovery, encryption at rest with an
 * AWS managed key, deletion protection, and retained if the stack is deleted: they are the audit trail.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

const S = dynamodb.AttributeType.STRING;
const N = dynamodb.AttributeType.NUMBER;

interface TableSpec {
  /** Name after the prefix. */
  suffix: string;
  partitionKey: dynamodb.Attribute;
  sortKey?: dynamodb.Attribute;
  indexes?: {
    name: string;
    partitionKey: dynamodb.Attribute;
    sortKey: dynamodb.Attribute;
    projection: dynamodb.ProjectionType;
  }[];
  /** Attribute holding an epoch-seconds expiry. */
  ttl?: string;
}

/** The tables and their keys, indexes and TTL: keep in step with src/store/models.ts (a test compares them). */
export const TABLE_SPECS: readonly TableSpec[] = [
  {
    suffix: 'findings',
    partitionKey: { name: 'id', type: S },
    indexes: [
      {
        name: 'reviewDueIndex',
        partitionKey: { name: 'reviewQueue', type: S },
        sortKey: { name: 'reviewDueAt', type: N },
        projection: dynamodb.ProjectionType.KEYS_ONLY,
      },
      {
        name: 'syncDueIndex',
        partitionKey: { name: 'syncQueue', type: S },
        sortKey: { name: 'syncDueAt', type: N },
        projection: dynamodb.ProjectionType.KEYS_ONLY,
      },
    ],
  },
  { suffix: 'decisions', partitionKey: { name: 'findingId', type: S }, sortKey: { name: 'sk', type: S } },
  { suffix: 'analyzers', partitionKey: { name: 'arn', type: S } },
  { suffix: 'unhandled-events', partitionKey: { name: 'eventId', type: S }, ttl: 'expiresAt' },
  {
    suffix: 'approvals',
    partitionKey: { name: 'pk', type: S },
    indexes: [
      {
        name: 'statusDueIndex',
        partitionKey: { name: 'status', type: S },
        sortKey: { name: 'nextDueAt', type: N },
        projection: dynamodb.ProjectionType.ALL,
      },
    ],
  },
  { suffix: 'archive-rules', partitionKey: { name: 'ruleKey', type: S } },
  {
    suffix: 'policy-generations',
    partitionKey: { name: 'id', type: S },
    indexes: [
      {
        name: 'pollDueIndex',
        partitionKey: { name: 'pollQueue', type: S },
        sortKey: { name: 'nextPollAt', type: N },
        projection: dynamodb.ProjectionType.ALL,
      },
    ],
  },
  {
    suffix: 'digests',
    partitionKey: { name: 'id', type: S },
    indexes: [
      {
        name: 'postDueIndex',
        partitionKey: { name: 'postQueue', type: S },
        sortKey: { name: 'createdAt', type: N },
        projection: dynamodb.ProjectionType.KEYS_ONLY,
      },
    ],
  },
];

export class BotTables extends Construct {
  readonly tables: dynamodb.TableV2[];
  /** `<table arn>/index/<name>` of each index the bot queries. */
  readonly indexArns: string[];

  constructor(scope: Construct, id: string, props: { prefix: string }) {
    super(scope, id);
    this.tables = TABLE_SPECS.map(
      (spec) =>
        new dynamodb.TableV2(this, spec.suffix, {
          tableName: `${props.prefix}${spec.suffix}`,
          partitionKey: spec.partitionKey,
          sortKey: spec.sortKey,
          billing: dynamodb.Billing.onDemand(),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
          timeToLiveAttribute: spec.ttl,
          globalSecondaryIndexes: spec.indexes?.map((index) => ({
            indexName: index.name,
            partitionKey: index.partitionKey,
            sortKey: index.sortKey,
            projectionType: index.projection,
          })),
        }),
    );
    this.indexArns = TABLE_SPECS.flatMap((spec, i) =>
      (spec.indexes ?? []).map(
        (index) => `${(this.tables[i] as dynamodb.TableV2).tableArn}/index/${index.name}`,
      ),
    );
  }
}
