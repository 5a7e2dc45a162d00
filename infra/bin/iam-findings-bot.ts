/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` inside infra/ (cdk.json runs this file).
 * Parameters come from CDK context (`-c findingsChannelId=C0123ABCD …`); see README: Deploying.
 */
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SettingsError, loadSettings } from '../lib/settings';
import { IamFindingsBotStack } from '../lib/stack';

const app = new App();
let settings;
try {
  settings = loadSettings((key) => app.node.tryGetContext(key));
} catch (err) {
  if (!(err instanceof SettingsError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const image = settings.imageUri
  ? ecs.ContainerImage.fromRegistry(settings.imageUri)
  : ecs.ContainerImage.fromAsset(path.join(__dirname, '..', '..'), {
      // The task definition runs X86_64; build for it even on an ARM laptop.
      platform: Platform.LINUX_AMD64,
    });
new IamFindingsBotStack(app, 'IamFindingsBot', {
  settings,
  image,
  description: 'iam-findings-bot: IAM Access Analyzer findings to Slack decisions',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
