/** Key properties of every resource the stack creates, for the deployment shapes (aws-cdk-lib/assertions). */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, HTTP_API_DESTINATION, MINIMAL, REGION, SOCKET_FULL, synthStack } from './helpers/synth';

let minimal: Template;
let full: Template;
let http: Template;
beforeAll(() => {
  minimal = synthStack(MINIMAL).template;
  full = synthStack(SOCKET_FULL).template;
  http = synthStack(HTTP_API_DESTINATION).template;
});

type Resources = Record<string, { Properties: Record<string, unknown> }>;
const one = (t: Template, type: string, props: object = {}) => {
  const found = Object.values(t.findResources(type, { Properties: props }) as Resources);
  expect(found).toHaveLength(1);
  return (found[0] as { Properties: Record<string, unknown> }).Properties;
};
interface Container {
  Environment: { Name: string; Value: unknown }[];
  Secrets: { Name: string; ValueFrom: unknown }[];
  [k: string]: unknown;
}
const container = (t: Template) =>
  (one(t, 'AWS::ECS::TaskDefinition').ContainerDefinitions as Container[])[0] as Container;
const env = (t: Template) => Object.fromEntries(container(t).Environment.map((e) => [e.Name, e.Value]));
const secretNames = (t: Template) =>
  container(t)
    .Secrets.map((s) => s.Name)
    .sort();

describe('Access Analyzer', () => {
  test('an account analyzer by default, named', () => {
    minimal.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', {
      Type: 'ACCOUNT',
      AnalyzerName: 'iam-findings-bot',
    });
  });

  test('an organization analyzer with zoneOfTrust=ORGANIZATION', () => {
    const t = synthStack({ ...MINIMAL, zoneOfTrust: 'ORGANIZATION', analyzerName: 'org-findings' }).template;
    t.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', {
      Type: 'ORGANIZATION',
      AnalyzerName: 'org-findings',
    });
  });

  test('an existing analyzer is used as it is: none created, its ARN in the rule and the bot', () => {
    const arn = `arn:aws:access-analyzer:${REGION}:${ACCOUNT}:analyzer/existing`;
    const t = synthStack({ ...MINIMAL, existingAnalyzerArn: arn }).template;
    t.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 0);
    t.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ resources: [arn] }) });
    expect(env(t).ANALYZER_ARN).toBe(arn);
  });
});

describe('finding events', () => {
  test('the rule matches both finding detail-types from the analyzer', () => {
    const rule = one(minimal, 'AWS::Events::Rule');
    expect(rule.EventPattern).toEqual({
      source: ['aws.access-analyzer'],
      'detail-type': ['Access Analyzer Finding', 'Unused Access Finding for IAM entities'],
      resources: [{ 'Fn::GetAtt': [expect.stringMatching(/^FindingsAnalyzer/), 'Arn'] }],
    });
  });

  test('Socket Mode: the rule targets the findings queue, with retries and the DLQ', () => {
    const rule = one(minimal, 'AWS::Events::Rule');
    expect(rule.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FindingsF[A-Z0-9]{7}$/), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FindingsDeadLetters/), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      },
    ]);
  });

  test('the findings queue: encrypted, 4-day retention, redrive to the DLQ after 5 receives', () => {
    const q = one(minimal, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
    expect(q).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 345600,
      VisibilityTimeout: 120,
      RedrivePolicy: {
        maxReceiveCount: 5,
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^FindingsDeadLetters/), 'Arn'] },
      },
    });
    expect(env(minimal).FINDINGS_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^FindingsF[A-Z0-9]{7}$/) });
  });

  test('the DLQ: encrypted, 14-day retention', () => {
    one(minimal, 'AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  test('both queues refuse requests without TLS', () => {
    const policies = Object.values(minimal.findResources('AWS::SQS::QueuePolicy') as Resources);
    const denyingPlainText = policies.filter((p) =>
      JSON.stringify(p.Properties).includes('"aws:SecureTransport":"false"'),
    );
    expect(denyingPlainText.length).toBeGreaterThanOrEqual(2);
  });

  test('HTTP mode with the API destination: POST /events/findings with x-api-key; no findings queue', () => {
    http.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: 'https://iam-bot.example.com/events/findings',
      HttpMethod: 'POST',
    });
    http.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: Match.objectLike({ ApiKeyName: 'x-api-key' }) },
    });
    http.resourceCountIs('AWS::SQS::Queue', 1); // the DLQ only
    const rule = one(http, 'AWS::Events::Rule');
    expect((rule.Targets as { DeadLetterConfig?: unknown }[])[0]?.DeadLetterConfig).toBeDefined();
    expect(env(http).FINDINGS_QUEUE_URL).toBeUndefined();
    expect(secretNames(http)).toContain('EVENTS_API_KEY');
  });
});

describe('DynamoDB tables', () => {
  const names = [
    'findings',
    'decisions',
    'analyzers',
    'unhandled-events',
    'approvals',
    'archive-rules',
    'policy-generations',
    'digests',
  ];

  test('the eight tables, on-demand, PITR, encrypted, deletion-protected and retained', () => {
    const tables = minimal.findResources('AWS::DynamoDB::GlobalTable') as Record<
      string,
      Record<string, unknown>
    >;
    expect(
      Object.values(tables)
        .map((t) => (t.Properties as { TableName: string }).TableName)
        .sort(),
    ).toEqual(names.map((n) => `iam-findings-bot-${n}`).sort());
    for (const t of Object.values(tables)) {
      expect(t).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { SSEEnabled: true },
          Replicas: [
            expect.objectContaining({
              DeletionProtectionEnabled: true,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            }),
          ],
        },
      });
    }
  });

  test('a custom tablePrefix names the tables and reaches the bot', () => {
    const t = synthStack({ ...MINIMAL, tablePrefix: 'sec-bot.' }).template;
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'sec-bot.approvals' });
    expect(env(t).TABLE_PREFIX).toBe('sec-bot.');
    expect(env(t).CREATE_TABLES).toBe('false');
  });

  test.each([
    ['findings', 'reviewDueIndex', 'reviewQueue', 'reviewDueAt', 'KEYS_ONLY'],
    ['findings', 'syncDueIndex', 'syncQueue', 'syncDueAt', 'KEYS_ONLY'],
    ['approvals', 'statusDueIndex', 'status', 'nextDueAt', 'ALL'],
    ['policy-generations', 'pollDueIndex', 'pollQueue', 'nextPollAt', 'ALL'],
  ])('%s has %s (%s, %s), projection %s', (table, index, hash, range, projection) => {
    minimal.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: `iam-findings-bot-${table}`,
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: index,
          KeySchema: [
            { AttributeName: hash, KeyType: 'HASH' },
            { AttributeName: range, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: projection },
        },
      ]),
    });
  });
});

describe('policy-generation service role', () => {
  const roleWithTrust = (t: Template) =>
    Object.values(
      t.findResources('AWS::IAM::Role', {
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [Match.objectLike({ Principal: { Service: 'access-analyzer.amazonaws.com' } })],
          },
        },
      }) as Resources,
    );

  test('trusted by Access Analyzer, with the documented permissions on the trail, bucket and key', () => {
    const roles = roleWithTrust(full);
    expect(roles).toHaveLength(1);
    const doc = JSON.stringify(roles[0]?.Properties.Policies);
    for (const a of [
      'cloudtrail:GetTrail',
      'iam:GenerateServiceLastAccessedDetails',
      'iam:GetServiceLastAccessedDetails',
      's3:GetObject',
      's3:ListBucket',
      'kms:Decrypt',
    ])
      expect(doc).toContain(a);
    expect(doc).toContain(':s3:::org-trail-logs"');
    expect(doc).toContain(':s3:::org-trail-logs/*"');
    expect(doc).toContain('"kms:ViaService"');
    expect(doc).toContain(`"Resource":"${SOCKET_FULL.trailArn as string}"`);
    expect(env(full).POLICY_GENERATION_TRAIL_ARN).toBe(SOCKET_FULL.trailArn);
    expect(env(full).POLICY_GENERATION_ROLE_ARN).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^PolicyGenerationRole/), 'Arn'],
    });
  });

  test('no kms:Decrypt without a trail key; no role and no variables without a trail', () => {
    const t = synthStack({ ...SOCKET_FULL, trailKmsKeyArn: undefined }).template;
    expect(JSON.stringify(roleWithTrust(t)[0]?.Properties.Policies)).not.toContain('kms:Decrypt');
    expect(roleWithTrust(minimal)).toHaveLength(0);
    expect(env(minimal).POLICY_GENERATION_TRAIL_ARN).toBeUndefined();
    expect(env(minimal).POLICY_GENERATION_ROLE_ARN).toBeUndefined();
  });
});

describe('Slack secret and the container', () => {
  test('Socket Mode injects the bot and app tokens from the secret; no token in plain variables', () => {
    one(minimal, 'AWS::SecretsManager::Secret');
    expect(secretNames(minimal)).toEqual(['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN']);
    for (const name of Object.keys(env(minimal))) expect(name).not.toMatch(/TOKEN|SECRET|API_KEY/);
  });

  test('HTTP mode injects the signing secret instead of the app token', () => {
    expect(secretNames(http)).toEqual(['EVENTS_API_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  });

  test('the task: Fargate 256/512, separate task and execution roles, read-only root, health check, logs', () => {
    const td = one(minimal, 'AWS::ECS::TaskDefinition');
    expect(td).toMatchObject({
      Cpu: '256',
      Memory: '512',
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
    });
    expect(td.TaskRoleArn).not.toEqual(td.ExecutionRoleArn);
    const c = container(minimal);
    expect(c.ReadonlyRootFilesystem).toBe(true);
    expect(JSON.stringify((c.HealthCheck as { Command: string[] }).Command)).toContain('/healthz');
    expect(c.LogConfiguration).toMatchObject({ LogDriver: 'awslogs' });
    expect(c.PortMappings).toEqual([{ ContainerPort: 3000, Protocol: 'tcp' }]);
  });

  test('the environment: channel, analyzer, tables, and whatever botEnvironment adds', () => {
    expect(env(full)).toMatchObject({
      FINDINGS_CHANNEL_ID: 'C0123ABCD',
      CREATE_TABLES: 'false',
      TABLE_PREFIX: 'iam-findings-bot-',
      PORT: '3000',
      ORGANIZATION_ID: 'o-a1b2c3d4e5',
      APPROVERS: 'U012AB3CD',
      APPROVALS_REQUIRED: '1',
      EVENT_BUS_NAME: { Ref: expect.stringMatching(/^DecisionEvents/) },
    });
  });

  test('logs: 90 days by default, logRetentionDays otherwise', () => {
    minimal.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    const t = synthStack({ ...MINIMAL, logRetentionDays: 365 }).template;
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    expect(
      Object.keys(t.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 } })),
    ).toHaveLength(0);
  });

  test('the service: one task by default, circuit breaker with rollback, private subnets, no public IP', () => {
    const svc = one(minimal, 'AWS::ECS::Service');
    expect(svc).toMatchObject({
      DesiredCount: 1,
      LaunchType: 'FARGATE',
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
      },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
    const stopped = synthStack({ ...MINIMAL, desiredCount: 0 }).template;
    stopped.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 0 });
  });

  test('the cluster has Container Insights; the VPC has flow logs', () => {
    minimal.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    minimal.resourceCountIs('AWS::EC2::FlowLog', 1);
  });
});

describe('HTTP mode endpoint', () => {
  test('an internet-facing ALB with HTTPS on 443 and the certificate, checking /readyz on 3000', () => {
    http.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    http.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: HTTP_API_DESTINATION.certificateArn }],
    });
    http.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      HealthCheckPath: '/readyz',
    });
    http.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }),
    });
  });

  test('Socket Mode has no load balancer at all', () => {
    minimal.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
  });
});

describe('alarms', () => {
  test('DLQ depth, queue age and errors alarm, all to the encrypted topic', () => {
    const alarms = Object.values(minimal.findResources('AWS::CloudWatch::Alarm') as Resources).map(
      (a) => a.Properties,
    );
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
    ]);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
    one(minimal, 'AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('the errors metric counts pino lines at level error and above', () => {
    minimal.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.level >= 50 }',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'IamFindingsBot', MetricName: 'Errors' })],
    });
  });

  test('no queue-age alarm without a queue; an e-mail subscription only with alarmEmail', () => {
    const httpAlarms = Object.values(http.findResources('AWS::CloudWatch::Alarm') as Resources);
    expect(httpAlarms.map((a) => a.Properties.MetricName).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'Errors',
    ]);
    minimal.resourceCountIs('AWS::SNS::Subscription', 0);
    full.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
    });
  });
});

describe('decision-event bus', () => {
  test('eventBus=create makes iam-findings-bot-decisions; none by default; an existing name is used as is', () => {
    full.hasResourceProperties('AWS::Events::EventBus', { Name: 'iam-findings-bot-decisions' });
    minimal.resourceCountIs('AWS::Events::EventBus', 0);
    expect(env(minimal).EVENT_BUS_NAME).toBeUndefined();
    const t = synthStack({ ...MINIMAL, eventBus: 'security-decisions' }).template;
    t.resourceCountIs('AWS::Events::EventBus', 0);
    expect(env(t).EVENT_BUS_NAME).toBe('security-decisions');
  });
});
