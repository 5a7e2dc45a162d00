/**
 * Builds the bot's stack in memory for tests: settings from a context object (as `-c` would give them), a
 * registry image (nothing built or staged), a fixed account and Region, and optionally the AwsSolutions pack.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type ContextKey, loadSettings } from '../../../infra/lib/settings';
import { IamFindingsBotStack } from '../../../infra/lib/stack';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

/** The smallest valid deployment: Socket Mode, SQS delivery, nothing optional. */
export const MINIMAL: Partial<Record<ContextKey, unknown>> = { findingsChannelId: 'C0123ABCD' };

/** Every optional feature that keeps SQS delivery: /iam-generate with a KMS-encrypted trail, a decision bus. */
export const SOCKET_FULL: Partial<Record<ContextKey, unknown>> = {
  ...MINIMAL,
  trailArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`,
  trailBucketName: 'org-trail-logs',
  trailKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  eventBus: 'create',
  organizationId: 'o-a1b2c3d4e5',
  alarmEmail: 'security@example.com',
  botEnvironment: { APPROVERS: 'U012AB3CD', APPROVALS_REQUIRED: '1' },
};

/** HTTP mode with the API destination instead of the queue. */
export const HTTP_API_DESTINATION: Partial<Record<ContextKey, unknown>> = {
  ...MINIMAL,
  slackMode: 'http',
  domainName: 'iam-bot.example.com',
  certificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab`,
  findingsDelivery: 'api-destination',
};

export interface Synthesized {
  app: App;
  stack: IamFindingsBotStack;
  template: Template;
}

/** Builds (and synthesises) the stack; with `nag`, synthesis throws on any unacknowledged AwsSolutions finding. */
export function synthStack(
  context: Partial<Record<ContextKey, unknown>>,
  options: { nag?: boolean; mutate?: (stack: IamFindingsBotStack) => void } = {},
): Synthesized {
  const app = new App();
  const settings = loadSettings((key) => context[key]);
  const stack = new IamFindingsBotStack(app, 'IamFindingsBot', {
    settings,
    image: ecs.ContainerImage.fromRegistry('public.example/iam-findings-bot:test'),
    env: { account: ACCOUNT, region: REGION },
  });
  options.mutate?.(stack);
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { app, stack, template: Template.fromStack(stack) };
}
