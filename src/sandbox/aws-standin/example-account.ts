import { keyPolicySharedWith, publicReadBucketPolicy } from './example-policies';
import type { AwsStandin } from './index';
import type { IamRole } from './iam-state';
import type { KmsKey } from './kms-state';
import type { Secret } from './secrets-manager';

/**
 * The example account of AWS's Access Analyzer material (account 111122223333, us-west-2, analyzer
 * `MyAnalyzer`), for the sandbox and tests. After `seedExampleAccount(aws)` and `await aws.analyze()` the
 * analyzer holds the external-access findings the documentation walks through:
 * - role `Audit_CrossAccountRole`, assumable by `arn:aws:iam::999988887777:user/Alice`;
 * - public bucket `amzn-s3-demo-public-bucket` (Allow `*` s3:GetObject), private bucket
 *   `amzn-s3-demo-private-bucket` (no policy, no finding);
 * - KMS key `alias/example-shared-key`: the default root statement plus kms:Decrypt/kms:DescribeKey for
 *   account 444455556666;
 * - secret `example/shared-db-credentials` readable by 444455556666; queue `example-orders` whose policy only
 *   admits the account itself (no finding);
 * - role `BucketCreator` with an AdministratorAccess-like managed policy whose recorded activity in the last
 *   weeks is only s3:CreateBucket, s3:ListAllMyBuckets and s3:PutBucketTagging (the `/iam-generate` case),
 *   plus an unused-access analyzer `MyUnusedAccessAnalyzer` with one UnusedPermission finding on it.
 * Analyzers already present under those names (e.g. created by the local stack) are reused.
 */
export interface ExampleAccount {
  analyzerArn: string;
  unusedAnalyzerArn: string;
  auditRole: IamRole;
  bucketCreatorRole: IamRole;
  /** Service role for policy generation (`cloudTrailDetails.accessRole`). */
  accessRoleArn: string;
  /** Trail to name in `cloudTrailDetails.trails`. */
  trailArn: string;
  publicBucket: string;
  privateBucket: string;
  sharedKey: KmsKey;
  queue: { url: string; arn: string };
  sharedSecret: Secret;
}

const EXTERNAL_USER = 'arn:aws:iam::999988887777:user/Alice';
const PARTNER_ACCOUNT = '444455556666';
const DAY = 24 * 60 * 60 * 1000;

export function seedExampleAccount(aws: AwsStandin): ExampleAccount {
  const { account, region } = aws;
  const analyzer =
    aws.accessAnalyzer.getAnalyzer('MyAnalyzer') ?? aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' });
  const unused =
    aws.accessAnalyzer.getAnalyzer('MyUnusedAccessAnalyzer') ??
    aws.accessAnalyzer.addAnalyzer({ name: 'MyUnusedAccessAnalyzer', type: 'ACCOUNT_UNUSED_ACCESS' });

  const auditRole = aws.iam.createRole({
    name: 'Audit_CrossAccountRole',
    description: 'Lets the audit team in 999988887777 review this account',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: EXTERNAL_USER }, Action: 'sts:AssumeRole' }],
    },
  });
  const bucketCreatorRole = aws.iam.createRole({
    name: 'BucketCreator',
    description: 'Creates and tags the data team buckets',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
  });
  const admin =
    aws.iam.getPolicy('arn:aws:iam::aws:policy/AdministratorAccess') ??
    aws.iam.createPolicy({
      name: 'AdministratorAccess',
      awsManaged: true,
      description: 'Provides full access to AWS services and resources.',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    });
  aws.iam.attachRolePolicy(bucketCreatorRole.name, admin.arn);
  const serviceRole = aws.iam.createRole({
    name: 'AccessAnalyzerMonitorServiceRole_EXAMPLE',
    path: '/service-role/',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'access-analyzer.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    },
  });

  const publicBucket = 'amzn-s3-demo-public-bucket';
  aws.s3.createBucket({ name: publicBucket, policy: publicReadBucketPolicy(publicBucket) });
  const privateBucket = 'amzn-s3-demo-private-bucket';
  aws.s3.createBucket({ name: privateBucket });

  const sharedKey = aws.kms.createKey({
    // The key id AWS's KMS documentation uses in its examples; fixed so a re-seeded account keeps its findings.
    keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    alias: 'alias/example-shared-key',
    description: 'Encrypts exports shared with the partner account',
    policy: keyPolicySharedWith(account, PARTNER_ACCOUNT, ['kms:Decrypt', 'kms:DescribeKey']),
  });

  const queue = aws.sqs.createQueue('example-orders', {
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OwnerOnly',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account}:root` },
          Action: 'sqs:*',
          Resource: `arn:aws:sqs:${region}:${account}:example-orders`,
        },
      ],
    },
  });
  const sharedSecret = aws.secretsManager.createSecret({
    name: 'example/shared-db-credentials',
    description: 'Read-only database credentials for the partner account',
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
        },
      ],
    },
  });

  recordBucketCreatorActivity(aws, bucketCreatorRole.arn);
  aws.accessAnalyzer.addFinding({
    // The finding id of AWS's unused-access event sample; fixed so a re-seeded account keeps the finding.
    id: 'b8ae0460-5d29-4922-b92a-ba956c986277',
    analyzerArn: unused.arn,
    findingType: 'UnusedPermission',
    resource: bucketCreatorRole.arn,
    resourceType: 'AWS::IAM::Role',
    unusedDetails: [
      { unusedPermissionDetails: { serviceNamespace: 'iam' } },
      {
        unusedPermissionDetails: {
          serviceNamespace: 's3',
          actions: [{ action: 's3:DeleteBucket' }, { action: 's3:PutBucketPolicy' }],
        },
      },
    ],
  });

  return {
    analyzerArn: analyzer.arn,
    unusedAnalyzerArn: unused.arn,
    auditRole,
    bucketCreatorRole,
    accessRoleArn: serviceRole.arn,
    trailArn: `arn:aws:cloudtrail:${region}:${account}:trail/management-events`,
    publicBucket,
    privateBucket,
    sharedKey,
    queue,
    sharedSecret,
  };
}

/** Three weeks of BucketCreator calls: only bucket creation, listing and tagging. */
function recordBucketCreatorActivity(aws: AwsStandin, roleArn: string): void {
  const now = aws.now().getTime();
  const days = [20, 16, 13, 9, 6, 2];
  days.forEach((ago, index) => {
    const bucket = `arn:aws:s3:::data-team-bucket-${index + 1}`;
    const at = new Date(now - ago * DAY);
    aws.recordActivity(roleArn, { service: 's3', action: 'ListAllMyBuckets', at });
    aws.recordActivity(roleArn, { service: 's3', action: 'CreateBucket', resource: bucket, at });
    aws.recordActivity(roleArn, { service: 's3', action: 'PutBucketTagging', resource: bucket, at });
  });
}
