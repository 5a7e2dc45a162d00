/**
 * Everything the bot needs in one AWS account and Region: the analyzer and the way its findings reach the bot,
 * the tables, the optional decision-event bus and policy-generation role, the Slack secret, the Fargate service
 * with its least-privilege task role, and alarms. Parameters: infra/lib/settings.ts (README: Deploying).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BotAlarms } from './alarms';
import { BotService } from './bot-service';
import { FindingsDeliveryPipeline } from './findings-delivery';
import { addNagSuppressions } from './nag-suppressions';
import { PolicyGenerationRole } from './policy-generation-role';
import type { StackSettings } from './settings';
import { BotTables } from './tables';
import { taskRoleStatements } from './task-permissions';

export interface IamFindingsBotStackProps extends StackProps {
  settings: Readonly<StackSettings>;
  /** The image to run; tests pass a registry image so nothing is built or staged. */
  image: ecs.ContainerImage;
}

export const DECISION_BUS_NAME = 'iam-findings-bot-decisions';

export class IamFindingsBotStack extends Stack {
  readonly bot: BotService;
  readonly delivery: FindingsDeliveryPipeline;
  readonly tables: BotTables;
  readonly generationRole?: PolicyGenerationRole;
  readonly alarms: BotAlarms;
  readonly trailBucketName?: string;

  constructor(scope: Construct, id: string, props: IamFindingsBotStackProps) {
    super(scope, id, props);
    const s = props.settings;
    const botBaseUrl = s.domainName ? `https://${s.domainName}` : undefined;

    this.delivery = new FindingsDeliveryPipeline(this, 'Findings', {
      zoneOfTrust: s.zoneOfTrust,
      analyzerName: s.analyzerName,
      existingAnalyzerArn: s.existingAnalyzerArn,
      delivery: s.findingsDelivery,
      botBaseUrl,
    });
    this.tables = new BotTables(this, 'Tables', { prefix: s.tablePrefix });
    if (s.trail) {
      this.trailBucketName = s.trail.bucketName;
      this.generationRole = new PolicyGenerationRole(this, 'PolicyGeneration', {
        trailArn: s.trail.arn,
        trailBucketName: s.trail.bucketName,
        trailKmsKeyArn: s.trail.kmsKeyArn,
      });
    }
    let eventBusName: string | undefined;
    let eventBusArn: string | undefined;
    if (s.eventBus.kind === 'create') {
      const bus = new events.EventBus(this, 'DecisionEvents', { eventBusName: DECISION_BUS_NAME });
      eventBusName = bus.eventBusName;
      eventBusArn = bus.eventBusArn;
    } else if (s.eventBus.kind === 'existing') {
      const bus = events.EventBus.fromEventBusName(this, 'DecisionEvents', s.eventBus.name);
      eventBusName = bus.eventBusName;
      eventBusArn = bus.eventBusArn;
    }

    const environment: Record<string, string> = {
      ...s.botEnvironment,
      FINDINGS_CHANNEL_ID: s.findingsChannelId,
      ANALYZER_ARN: this.delivery.analyzerArn,
      TABLE_PREFIX: s.tablePrefix,
      CREATE_TABLES: 'false',
      ...(this.delivery.queue ? { FINDINGS_QUEUE_URL: this.delivery.queue.queueUrl } : {}),
      ...(eventBusName ? { EVENT_BUS_NAME: eventBusName } : {}),
      ...(s.organizationId ? { ORGANIZATION_ID: s.organizationId } : {}),
      ...(s.trail && this.generationRole
        ? {
            POLICY_GENERATION_TRAIL_ARN: s.trail.arn,
            POLICY_GENERATION_ROLE_ARN: this.generationRole.role.roleArn,
          }
        : {}),
    };
    this.bot = new BotService(this, 'Bot', {
      image: props.image,
      slackMode: s.slackMode,
      environment,
      eventsApiKey: this.delivery.apiKeySecret,
      desiredCount: s.desiredCount,
      logRetention: s.logRetentionDays as logs.RetentionDays,
      domainName: s.domainName,
      certificateArn: s.certificateArn,
    });

    new iam.Policy(this, 'BotPermissions', {
      roles: [this.bot.taskRole],
      statements: taskRoleStatements({
        analyzerArn: this.delivery.analyzerArn,
        tableArns: this.tables.tables.map((t) => t.tableArn),
        indexArns: this.tables.indexArns,
        findingsQueueArn: this.delivery.queue?.queueArn,
        eventBusArn,
        generationRoleArn: this.generationRole?.role.roleArn,
        protectedRoleArns: [this.bot.taskRole.roleArn, this.bot.executionRole.roleArn],
        protectedSecretArns: [
          this.bot.slackSecret.secretArn,
          ...(this.delivery.apiKeySecret ? [this.delivery.apiKeySecret.secretArn] : []),
        ],
      }),
    });

    this.alarms = new BotAlarms(this, 'Alarms', {
      deadLetterQueue: this.delivery.deadLetterQueue,
      findingsQueue: this.delivery.queue,
      logGroup: this.bot.logGroup,
      alarmEmail: s.alarmEmail,
    });

    new CfnOutput(this, 'SlackSecretArn', {
      value: this.bot.slackSecret.secretArn,
      description: 'Put the Slack tokens here (README: Deploying), then deploy with desiredCount=1',
    });
    new CfnOutput(this, 'AnalyzerArn', { value: this.delivery.analyzerArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    if (this.delivery.queue) new CfnOutput(this, 'FindingsQueueUrl', { value: this.delivery.queue.queueUrl });
    if (this.bot.loadBalancer) {
      new CfnOutput(this, 'LoadBalancerDnsName', {
        value: this.bot.loadBalancer.loadBalancerDnsName,
        description: `Point ${s.domainName} at this (CNAME or alias); Slack's Request URL is https://${s.domainName}/slack/events`,
      });
    }
    addNagSuppressions(this);
  }
}
