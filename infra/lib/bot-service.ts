/**
 * The bot on ECS Fargate: a private VPC (one NAT gateway; flow logs), a cluster with Container Insights, the
 * task definition (its own task role, the Slack tokens injected from Secrets Manager, logs with a retention
 * period, a container health check on /healthz, since ECS ignores the image's HEALTHCHECK), and a service with
 * the deployment circuit breaker (a release whose tasks do not become healthy is rolled back).
 * In HTTP mode an internet-facing ALB terminates HTTPS for `domainName` and checks /readyz.
 */
import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SlackMode } from './settings';

/** The container's port: the bot's HTTP server (/healthz, /readyz, /slack/events, /events/findings). */
export const BOT_PORT = 3000;

/** The health check ECS runs in the container (the image's HEALTHCHECK, which ECS does not read). */
export const CONTAINER_HEALTH_COMMAND = [
  'CMD',
  'node',
  '-e',
  `fetch('http://127.0.0.1:${BOT_PORT}/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
];

/** The keys of the Slack secret; the operator fills them in after the first deploy. */
export const SLACK_SECRET_KEYS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'] as const;
export const SLACK_SECRET_PLACEHOLDER = 'REPLACE_ME';

export interface BotServiceProps {
  image: ecs.ContainerImage;
  slackMode: SlackMode;
  /** Plain (non-secret) variables. */
  environment: Record<string, string>;
  /** The API key secret the API destination uses, injected as EVENTS_API_KEY. */
  eventsApiKey?: secretsmanager.ISecret;
  desiredCount: number;
  logRetention: logs.RetentionDays;
  /** HTTP mode. */
  domainName?: string;
  certificateArn?: string;
}

export class BotService extends Construct {
  readonly taskRole: iam.Role;
  readonly executionRole: iam.Role;
  readonly slackSecret: secretsmanager.Secret;
  readonly logGroup: logs.LogGroup;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly loadBalancer?: elbv2.ApplicationLoadBalancer;

  constructor(scope: Construct, id: string, props: BotServiceProps) {
    super(scope, id);

    this.slackSecret = new secretsmanager.Secret(this, 'SlackTokens', {
      description:
        'iam-findings-bot Slack credentials: put SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)',
      secretObjectValue: Object.fromEntries(
        SLACK_SECRET_KEYS.map((k) => [k, SecretValue.unsafePlainText(SLACK_SECRET_PLACEHOLDER)]),
      ),
    });

    const vpcLogs = new logs.LogGroup(this, 'VpcFlowLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'bot', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(vpcLogs) } },
    });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.taskRole = new iam.Role(this, 'TaskRole', {
      description:
        'iam-findings-bot: what the bot itself may call (least privilege, see infra/lib/task-permissions.ts)',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      description: 'iam-findings-bot: ECS pulls the image, writes logs and reads the secrets with this role',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskRole: this.taskRole,
      executionRole: this.executionRole,
    });

    const secrets: Record<string, ecs.Secret> = {
      SLACK_BOT_TOKEN: ecs.Secret.fromSecretsManager(this.slackSecret, 'SLACK_BOT_TOKEN'),
      ...(props.slackMode === 'socket'
        ? { SLACK_APP_TOKEN: ecs.Secret.fromSecretsManager(this.slackSecret, 'SLACK_APP_TOKEN') }
        : { SLACK_SIGNING_SECRET: ecs.Secret.fromSecretsManager(this.slackSecret, 'SLACK_SIGNING_SECRET') }),
      ...(props.eventsApiKey ? { EVENTS_API_KEY: ecs.Secret.fromSecretsManager(props.eventsApiKey) } : {}),
    };
    this.taskDefinition.addContainer('bot', {
      image: props.image,
      essential: true,
      readonlyRootFilesystem: true,
      environment: { ...props.environment, PORT: String(BOT_PORT) },
      secrets,
      portMappings: [{ containerPort: BOT_PORT }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'bot' }),
      healthCheck: {
        command: CONTAINER_HEALTH_COMMAND,
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      stopTimeout: Duration.seconds(30),
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: false,
    });

    if (props.slackMode === 'http') {
      if (!props.domainName || !props.certificateArn)
        throw new Error('HTTP mode needs domainName and certificateArn');
      const accessLogs = new s3.Bucket(this, 'LoadBalancerLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        lifecycleRules: [{ expiration: Duration.days(90) }],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
        vpc,
        internetFacing: true,
        dropInvalidHeaderFields: true,
      });
      this.loadBalancer.logAccessLogs(accessLogs, 'alb');
      const listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [
          elbv2.ListenerCertificate.fromArn(
            acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn).certificateArn,
          ),
        ],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      });
      listener.addTargets('Bot', {
        port: BOT_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [this.service],
        healthCheck: { path: '/readyz', healthyHttpCodes: '200', interval: Duration.seconds(15) },
        deregistrationDelay: Duration.seconds(30),
      });
    }
  }
}
