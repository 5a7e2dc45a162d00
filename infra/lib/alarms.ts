/**
 * Alarms an operator needs: anything in the dead-letter queue (an event EventBridge could not deliver, or one the
 * bot could not handle five times), findings waiting too long in the queue (the bot is not consuming), and bot
 * errors (pino lines at level error or fatal, counted by a metric filter on the bot's log group). All notify one
 * SNS topic (encrypted, TLS only), optionally subscribed to an e-mail address.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const ERROR_METRIC = { namespace: 'IamFindingsBot', name: 'Errors' } as const;

export interface BotAlarmsProps {
  deadLetterQueue: sqs.IQueue;
  findingsQueue?: sqs.IQueue;
  logGroup: logs.ILogGroup;
  alarmEmail?: string;
}

export class BotAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: BotAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'iam-findings-bot alarms',
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.add(
      'DeadLetters',
      'Finding events are in the dead-letter queue: not delivered to, or not handled by, the bot',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      1,
    );
    if (props.findingsQueue) {
      this.add(
        'QueueBacklog',
        'The oldest finding event has waited over 15 minutes: the bot is not consuming the queue',
        props.findingsQueue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        15 * 60,
      );
    }
    const filter = new logs.MetricFilter(this, 'ErrorLines', {
      logGroup: props.logGroup,
      // pino levels: 50 error, 60 fatal.
      filterPattern: logs.FilterPattern.numberValue('$.level', '>=', 50),
      metricNamespace: ERROR_METRIC.namespace,
      metricName: ERROR_METRIC.name,
      metricValue: '1',
      defaultValue: 0,
    });
    this.add(
      'Errors',
      'The bot logged errors (level error or fatal) in the last 5 minutes',
      filter.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
    );
  }

  private add(id: string, description: string, metric: cloudwatch.IMetric, threshold: number) {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
