/**
 * Links into the AWS console for a finding and for the resource it is about. These are the console's URL shapes
 * (not an API contract): they may move, so every link is also explained in words where it is shown.
 */
import type { Finding } from './finding';

const enc = encodeURIComponent;

/** The finding in the Access Analyzer console. */
export function findingConsoleUrl(f: Pick<Finding, 'region' | 'analyzerArn' | 'id'>): string {
  return `https://${f.region}.console.aws.amazon.com/access-analyzer/home?region=${f.region}#/findings/details/${enc(
    f.analyzerArn,
  )}/${enc(f.id)}`;
}

/** The part of an ARN after `arn:partition:service:region:account:`. */
function resourcePart(arn: string): string {
  return arn.split(':').slice(5).join(':');
}

/** The last `/`- or `:`-separated segment of an ARN's resource part. */
function lastSegment(arn: string): string {
  return resourcePart(arn).split(/[/:]/).pop() ?? '';
}

/**
 * Where the resource's access settings are edited, by resource type; the finding's own page when the type has
 * no better place.
 * @example resourceConsoleUrl({ resourceType: 'AWS::S3::Bucket', resource: 'arn:aws:s3:::logs', region: 'us-east-1', … })
 *   // 'https://s3.console.aws.amazon.com/s3/buckets/logs?region=us-east-1&tab=permissions'
 */
export function resourceConsoleUrl(
  f: Pick<Finding, 'region' | 'analyzerArn' | 'id' | 'resource' | 'resourceType' | 'accountId'>,
): string {
  const r = f.region;
  const home = (service: string) => `https://${r}.console.aws.amazon.com/${service}/home?region=${r}`;
  const name = lastSegment(f.resource);
  switch (f.resourceType) {
    case 'AWS::S3::Bucket':
      return `https://s3.console.aws.amazon.com/s3/buckets/${enc(resourcePart(f.resource))}?region=${r}&tab=permissions`;
    case 'AWS::IAM::Role':
      return `https://console.aws.amazon.com/iam/home#/roles/details/${enc(name)}?section=trust_relationships`;
    case 'AWS::KMS::Key':
      return `${home('kms')}#/kms/keys/${enc(name)}`;
    case 'AWS::SQS::Queue':
      return `https://${r}.console.aws.amazon.com/sqs/v3/home?region=${r}#/queues/${enc(`https://sqs.${r}.amazonaws.com/${f.accountId}/${name}`)}`;
    case 'AWS::SecretsManager::Secret':
      return `https://${r}.console.aws.amazon.com/secretsmanager/secret?name=${enc(name)}&region=${r}`;
    case 'AWS::Lambda::Function':
      return `${home('lambda')}#/functions/${enc(name)}?tab=configure`;
    case 'AWS::Lambda::LayerVersion':
      return `${home('lambda')}#/layers`;
    case 'AWS::EC2::Snapshot':
      return `${home('ec2')}#SnapshotDetails:snapshotId=${enc(name)}`;
    case 'AWS::RDS::DBSnapshot':
      return `${home('rds')}#db-snapshot:id=${enc(name)}`;
    case 'AWS::RDS::DBClusterSnapshot':
      return `${home('rds')}#db-cluster-snapshot:id=${enc(name)}`;
    case 'AWS::SNS::Topic':
      return `https://${r}.console.aws.amazon.com/sns/v3/home?region=${r}#/topic/${enc(f.resource)}`;
    case 'AWS::ECR::Repository':
      return `https://${r}.console.aws.amazon.com/ecr/repositories/private/${f.accountId}/${enc(name)}?region=${r}`;
    case 'AWS::EFS::FileSystem':
      return `${home('efs')}#/file-systems/${enc(name)}`;
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::Stream':
      return `https://${r}.console.aws.amazon.com/dynamodbv2/home?region=${r}#table?name=${enc(resourcePart(f.resource).split('/')[1] ?? name)}`;
    default:
      return findingConsoleUrl(f);
  }
}
