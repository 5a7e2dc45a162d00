/**
 * Builds the real AWS SDK clients. Region, credentials and endpoints come from the SDK's standard chain
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, …), so any service can be pointed
 * at a local stand-in without code changes. `overrides` exists for tests and the sandbox.
 *
 * S3 and custom endpoints: the S3 client addresses buckets in the host name (`<bucket>.s3.<region>…`) by
 * default, which a local endpoint such as `http://127.0.0.1:4566` cannot serve. So whenever an S3 endpoint is
 * given, through `overrides.endpoints.s3` or through the environment (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL),
 * the S3 client uses path-style addressing (`forcePathStyle: true`, bucket in the path). Against real AWS
 * neither is set and the SDK's defaults apply.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClients {
  accessAnalyzer: AccessAnalyzerClient;
  dynamodb: DynamoDB;
  sqs: SQSClient;
  iam: IAMClient;
  eventbridge: EventBridgeClient;
  s3: S3Client;
  kms: KMSClient;
  secretsManager: SecretsManagerClient;
}

export interface ClientOverrides {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoints?: Partial<Record<keyof AwsClients, string>>;
  maxAttempts?: number;
}

/**
 * True when S3 is pointed at a custom endpoint (overrides or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL), which
 * needs path-style addressing.
 * @example s3NeedsPathStyle({}, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' }) // true
 */
export function s3NeedsPathStyle(
  overrides: ClientOverrides,
  env: Record<string, string | undefined> = process.env,
): boolean {
  return Boolean(overrides.endpoints?.s3 || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

export function createAwsClients(
  overrides: ClientOverrides = {},
  env: Record<string, string | undefined> = process.env,
): AwsClients {
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
    s3: new S3Client({
      ...common,
      ...at('s3'),
      ...(s3NeedsPathStyle(overrides, env) ? { forcePathStyle: true } : {}),
    }),
    kms: new KMSClient({ ...common, ...at('kms') }),
    secretsManager: new SecretsManagerClient({ ...common, ...at('secretsManager') }),
  };
}
