/**
 * The cdk-nag AwsSolutions findings this stack accepts, each with its reason. Everything else fails
 * `cdk synth` (the AwsSolutions pack runs as a validation plugin) and the nag test.
 * Wildcard resources are acknowledged one by one, never the whole IAM5 rule, so a new wildcard fails the build.
 */
import { Token, Validations } from 'aws-cdk-lib';
import type * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import type { IConstruct } from 'constructs';
import type { IamFindingsBotStack } from './stack';

const nag = (rule: string) => `AwsSolutions::AwsSolutions-${rule}`;

/** Why each wildcard resource in the bot's task role cannot be narrower. */
export const TASK_ROLE_WILDCARDS: Record<string, string> = {
  'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*':
    'Deny edits the trust policy of whichever role a finding names, and /iam-generate reads and attaches to the role the user names; both are only known at run time. Scoped to this account; the bot’s own roles are explicitly denied.',
  'arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*':
    '/iam-generate --user reads the named user (GetUser) to generate its policy; the user is only known at run time. Read only, this account.',
  'arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/*':
    '/iam-generate creates <role>-least-privilege-<date> policies after approval and reads the customer managed policies a role has (the gap); names are only known at run time. This account only.',
  'arn:<AWS::Partition>:iam::aws:policy/*':
    'The /iam-generate gap reads AWS managed policies attached to the role (GetPolicy, GetPolicyVersion); read only.',
  'arn:<AWS::Partition>:s3:::*':
    'Deny writes the bucket policy of whichever bucket a finding names. S3 bucket ARNs carry no account, so the statement is limited to this account by the aws:ResourceAccount condition.',
  'arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*':
    'Deny writes the key policy of whichever KMS key a finding names; scoped to this account and Region.',
  'arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:*':
    'Deny writes the queue policy of whichever SQS queue a finding names; scoped to this account and Region.',
  'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*':
    'Deny writes the resource policy of whichever secret a finding names; scoped to this account and Region. The bot’s own secrets are explicitly denied.',
  '*': 'StartPolicyGeneration, GetGeneratedPolicy, CancelPolicyGeneration, ValidatePolicy and iam:ListPolicies support no resource types, so IAM only accepts "*" for them.',
};

function acknowledge(scope: IConstruct | undefined, rule: string, reason: string): void {
  if (scope) Validations.of(scope).acknowledge({ id: nag(rule), reason });
}

export function addNagSuppressions(stack: IamFindingsBotStack): void {
  const policy = stack.node.findChild('BotPermissions');
  const wildcards = { ...TASK_ROLE_WILDCARDS };
  const analyzer = stack.delivery.node.tryFindChild('Analyzer') as accessanalyzer.CfnAnalyzer | undefined;
  const analyzerText = analyzer
    ? `<${stack.getLogicalId(analyzer)}.Arn>`
    : Token.isUnresolved(stack.delivery.analyzerArn)
      ? undefined
      : stack.delivery.analyzerArn;
  if (analyzerText) {
    wildcards[`${analyzerText}/archive-rule/*`] =
      'Create archive rule names each rule after the finding it came from (known at run time); limited to the one analyzer.';
  }
  for (const [resource, reason] of Object.entries(wildcards)) {
    acknowledge(policy, `IAM5[Resource::${resource}]`, reason);
  }

  if (stack.generationRole && stack.trailBucketName) {
    const role = stack.generationRole.role;
    acknowledge(
      role,
      `IAM5[Resource::arn:<AWS::Partition>:s3:::${stack.trailBucketName}/*]`,
      'Access Analyzer reads every CloudTrail log object in the trail bucket (AWS documents this grant for the policy-generation service role).',
    );
    acknowledge(
      role,
      'IAM5[Resource::*]',
      'iam:GenerateServiceLastAccessedDetails and iam:GetServiceLastAccessedDetails support no resource types (AWS documents "*" for the policy-generation service role).',
    );
  }

  acknowledge(
    stack.bot.executionRole.node.tryFindChild('DefaultPolicy'),
    'IAM5[Resource::*]',
    'ecr:GetAuthorizationToken, which ECS needs to pull the image from ECR, supports no resource type; the repository actions are scoped to the image repository.',
  );
  acknowledge(
    stack.bot.taskDefinition,
    'ECS2',
    'Only non-secret settings (channel ID, table prefix, queue URL, ARNs) are plain environment variables; the Slack tokens and the events API key are injected from Secrets Manager.',
  );
  acknowledge(
    stack.bot.slackSecret,
    'SMG4',
    'Slack issues these tokens; Secrets Manager cannot rotate them. Rotate them in Slack and put the new values (README: Upgrade and rollback).',
  );
  acknowledge(
    stack.delivery.apiKeySecret,
    'SMG4',
    'The EventBridge connection holds a copy of this key; rotating it means redeploying the connection (README), which a rotation Lambda cannot do.',
  );
  if (!stack.delivery.queue) {
    acknowledge(
      stack.delivery.deadLetterQueue,
      'SQS3',
      'This queue is itself the dead-letter queue of the EventBridge API destination target; it has no consumer to fail.',
    );
  }
  if (stack.bot.loadBalancer) {
    acknowledge(
      stack.bot.loadBalancer.node.findChild('SecurityGroup'),
      'EC23',
      'Slack and EventBridge API destinations call the bot from addresses AWS and Slack do not publish as a fixed list; HTTPS only, Slack requests are signature-checked and /events/findings needs the API key.',
    );
    acknowledge(
      stack.bot.node.tryFindChild('LoadBalancerLogs'),
      'S1',
      'This bucket receives the load balancer access logs; logging its own access would need another bucket, and so on.',
    );
  }
}
