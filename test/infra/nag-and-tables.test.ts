/**
 * cdk-nag's AwsSolutions pack passes for every deployment shape (each acknowledgement carries a reason, and a
 * new finding fails synthesis), and the stack's tables are exactly the ones the bot's models describe.
 */
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { defineModels } from '../../src/store/models';
import { HTTP_API_DESTINATION, MINIMAL, SOCKET_FULL, synthStack } from './helpers/synth';

const acknowledgements = (root: IConstruct) =>
  root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason })),
        ),
    );

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['minimal', MINIMAL],
    ['every option with SQS', SOCKET_FULL],
    ['HTTP mode with the API destination', HTTP_API_DESTINATION],
    [
      'an existing analyzer',
      { ...MINIMAL, existingAnalyzerArn: 'arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/main' },
    ],
  ])('passes for %s', (_name, context) => {
    expect(() => synthStack(context, { nag: true })).not.toThrow();
  });

  test('a new wildcard grant fails synthesis with the rule that caught it', () => {
    expect(() =>
      synthStack(MINIMAL, {
        nag: true,
        mutate: (stack) =>
          stack.bot.taskRole.addToPrincipalPolicy(
            new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
          ),
      }),
    ).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  test('every acknowledgement names one finding and gives a reason', () => {
    const { app } = synthStack(SOCKET_FULL);
    // aws-cdk-lib acknowledges some of its own CloudFormation-Validate rules; ours are the AwsSolutions ones.
    const acks = acknowledgements(app).filter((a) => a.id.startsWith('AwsSolutions'));
    expect(acks.length).toBeGreaterThan(10);
    for (const a of acks) {
      expect(a.id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      // IAM5 is acknowledged per resource, never as a whole rule.
      if (a.id.includes('IAM5')) expect(a.id).toMatch(/\[Resource::.+\]$/);
      expect(a.reason.length).toBeGreaterThanOrEqual(40);
    }
  });
});

describe('tables match the bot’s models', () => {
  interface CfnTable {
    TableName: string;
    KeySchema: { AttributeName: string; KeyType: string }[];
    AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
    GlobalSecondaryIndexes?: {
      IndexName: string;
      KeySchema: unknown[];
      Projection: { ProjectionType: string };
    }[];
    TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  }
  let tables: CfnTable[];
  beforeAll(() => {
    const { template } = synthStack({ ...MINIMAL, tablePrefix: 'bot-' });
    tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')).map(
      (r) => r.Properties as CfnTable,
    );
  });

  test('the same table names, keys, attribute types and indexes as CREATE_TABLES=true would create', async () => {
    const models = defineModels('bot-', true);
    const all = [
      models.findings,
      models.decisions,
      models.analyzers,
      models.unhandledEvents,
      models.approvals,
      models.archiveRules,
      models.generations,
      models.digests,
    ];
    const expected = await Promise.all(
      all.map(async (m) => {
        const r = await (m.table() as unknown as { create(o: object): Promise<CfnTable> }).create({
          return: 'request',
        });
        return normalise(r);
      }),
    );
    expect(tables.map(normalise).sort(byName)).toEqual(expected.sort(byName));
  });

  test('TTL on unhandled-events.expiresAt only (the bot writes epoch seconds there)', () => {
    const withTtl = tables.filter((t) => t.TimeToLiveSpecification);
    expect(withTtl.map((t) => [t.TableName, t.TimeToLiveSpecification])).toEqual([
      ['bot-unhandled-events', { AttributeName: 'expiresAt', Enabled: true }],
    ]);
  });

  function normalise(t: CfnTable) {
    const sortBy = <T extends object>(xs: T[] | undefined, k: keyof T) =>
      [...(xs ?? [])].sort((a, b) => String(a[k]).localeCompare(String(b[k])));
    return {
      TableName: t.TableName,
      KeySchema: t.KeySchema,
      AttributeDefinitions: sortBy(t.AttributeDefinitions, 'AttributeName'),
      GlobalSecondaryIndexes: sortBy(t.GlobalSecondaryIndexes, 'IndexName').map((g) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
        Projection: { ProjectionType: g.Projection.ProjectionType },
      })),
    };
  }
  function byName(a: { TableName: string }, b: { TableName: string }) {
    return a.TableName.localeCompare(b.TableName);
  }
});
