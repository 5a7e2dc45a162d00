/**
 * Builds the real AWS SDK clients. Region, credentials and endpoints come from the SDK's standard chain
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, …), so any service can be pointed
 * at a local stand-in without code changes. `overrides` exists for tests and the sandbox.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClients {
  accessAnalyzer: AccessAnalyzerClient;
  dynamodb: DynamoDB;
  sqs: SQSClient;
  iam: IAMClient;
  eventbridge: EventBridgeClient;
}

export interface ClientOverrides {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoints?: Partial<Record<keyof AwsClients, string>>;
  maxAttempts?: number;
}

export function createAwsClients(overrides: ClientOverrides = {}): AwsClients {
  const common = {
    ...(overrides.region ? { region: overrides.region } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    ...(overrides.maxAttempts ? { maxAttempts: overrides.maxAttempts } : {}),
  };
  const at = (k: keyof AwsClients) => (overrides.endpoints?.[k] ? { endpoint: overrides.endpoints[k] } : {});
  return {
    accessAnalyzer: new AccessAnalyzerClient({ ...common, ...at('accessAnalyzer') }),
    dynamodb: new DynamoDB({ ...common, ...at('dynamodb') }),
    sqs: new SQSClient({ ...common, ...at('sqs') }),
    iam: new IAMClient({ ...common, ...at('iam') }),
    eventbridge: new EventBridgeClient({ ...common, ...at('eventbridge') }),
  };
}
