/**
 * How findings reach the bot: the analyzer, and an EventBridge rule for its finding events that targets either
 * an SQS queue the bot long-polls (the default: no inbound endpoint needed) or, in HTTP mode, an API destination
 * calling the bot's `POST /events/findings` with the `x-api-key` header. Events EventBridge cannot deliver, and
 * messages the bot could not handle after five receives, land in one encrypted dead-letter queue.
 */
import { Duration, SecretValue } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FindingsDelivery, ZoneOfTrust } from './settings';

/** The detail-types Access Analyzer sends for external-access and unused-access findings. */
export const FINDING_DETAIL_TYPES = ['Access Analyzer Finding', 'Unused Access Finding for IAM entities'];

export interface FindingsDeliveryProps {
  zoneOfTrust: ZoneOfTrust;
  analyzerName: string;
  existingAnalyzerArn?: string;
  delivery: FindingsDelivery;
  /** `https://<domain>`: required for the API destination. */
  botBaseUrl?: string;
}

export class FindingsDeliveryPipeline extends Construct {
  readonly analyzerArn: string;
  readonly deadLetterQueue: sqs.Queue;
  readonly queue?: sqs.Queue;
  /** The API key the API destination sends and the bot checks (EVENTS_API_KEY). */
  readonly apiKeySecret?: secretsmanager.Secret;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: FindingsDeliveryProps) {
    super(scope, id);
    if (props.existingAnalyzerArn) {
      this.analyzerArn = props.existingAnalyzerArn;
    } else {
      const analyzer = new accessanalyzer.CfnAnalyzer(this, 'Analyzer', {
        analyzerName: props.analyzerName,
        type: props.zoneOfTrust,
      });
      this.analyzerArn = analyzer.attrArn;
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.rule = new events.Rule(this, 'FindingEvents', {
      description: 'IAM Access Analyzer finding events for iam-findings-bot',
      eventPattern: {
        source: ['aws.access-analyzer'],
        detailType: FINDING_DETAIL_TYPES,
        resources: [this.analyzerArn],
      },
    });

    const deliveryOptions = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    };
    if (props.delivery === 'sqs') {
      this.queue = new sqs.Queue(this, 'Findings', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(4),
        // Longer than the bot takes for one event (Slack post + DynamoDB writes, with retries).
        visibilityTimeout: Duration.minutes(2),
        deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
      });
      this.rule.addTarget(new targets.SqsQueue(this.queue, deliveryOptions));
    } else {
      if (!props.botBaseUrl) throw new Error('findingsDelivery=api-destination needs the bot base URL');
      this.apiKeySecret = new secretsmanager.Secret(this, 'EventsApiKey', {
        description: 'iam-findings-bot: x-api-key the API destination sends to POST /events/findings',
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });
      const connection = new events.Connection(this, 'BotConnection', {
        description: 'iam-findings-bot POST /events/findings',
        authorization: events.Authorization.apiKey(
          'x-api-key',
          SecretValue.secretsManager(this.apiKeySecret.secretArn),
        ),
      });
      const destination = new events.ApiDestination(this, 'BotEndpoint', {
        connection,
        endpoint: `${props.botBaseUrl}/events/findings`,
        httpMethod: events.HttpMethod.POST,
        rateLimitPerSecond: 50,
      });
      this.rule.addTarget(new targets.ApiDestination(destination, deliveryOptions));
    }
  }
}
