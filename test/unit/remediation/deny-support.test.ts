import { SOURCE_LABELS, type Finding } from '../../../src/findings/finding';
import { denyTargetOf, policyTargetOf } from '../../../src/remediation/deny-support';
import { DenyNotApplicableError } from '../../../src/remediation/trust-policy-deny';

const base: Finding = {
  id: 'f-1',
  analyzerArn: 'arn:aws:access-analyzer:us-west-2:111122223333:analyzer/main',
  kind: 'external',
  status: 'ACTIVE',
  isDeleted: false,
  resource: 'arn:aws:s3:::logs',
  resourceType: 'AWS::S3::Bucket',
  accountId: '111122223333',
  region: 'us-west-2',
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
  principal: { AWS: '444455556666' },
};

const refusal = (f: Partial<Finding>): DenyNotApplicableError => {
  try {
    denyTargetOf({ ...base, ...f });
  } catch (err) {
    if (err instanceof DenyNotApplicableError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('denyTargetOf', () => {
  it.each([
    ['AWS::IAM::Role', 'arn:aws:iam::111122223333:role/r', { kind: 'role-trust-policy' }],
    ['AWS::S3::Bucket', 'arn:aws:s3:::logs', { kind: 'resource-policy', policy: 's3-bucket' }],
    [
      'AWS::KMS::Key',
      'arn:aws:kms:us-west-2:111122223333:key/k',
      { kind: 'resource-policy', policy: 'kms-key' },
    ],
    [
      'AWS::SQS::Queue',
      'arn:aws:sqs:us-west-2:111122223333:q',
      { kind: 'resource-policy', policy: 'sqs-queue' },
    ],
    [
      'AWS::SecretsManager::Secret',
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:s-AbCdEf',
      { kind: 'resource-policy', policy: 'secret' },
    ],
  ])('%s findings are denied in their policy', (resourceType, resource, target) => {
    expect(denyTargetOf({ ...base, resourceType, resource })).toEqual(target);
  });

  it.each([
    [
      'AWS::Lambda::Function',
      'arn:aws:lambda:us-west-2:111122223333:function:fn',
      'remove-permission',
      '/lambda/home',
    ],
    [
      'AWS::EC2::Snapshot',
      'arn:aws:ec2:us-west-2:111122223333:snapshot/snap-1',
      'createVolumePermission',
      'SnapshotDetails',
    ],
    [
      'AWS::RDS::DBSnapshot',
      'arn:aws:rds:us-west-2:111122223333:snapshot:s1',
      'restore',
      '#db-snapshot:id=s1',
    ],
    [
      'AWS::RDS::DBClusterSnapshot',
      'arn:aws:rds:us-west-2:111122223333:cluster-snapshot:c1',
      'restore',
      'db-cluster-snapshot',
    ],
    [
      'AWS::ECR::Repository',
      'arn:aws:ecr:us-west-2:111122223333:repository/app',
      'repository policy',
      '/ecr/repositories/private/111122223333/app',
    ],
    [
      'AWS::Made::Up',
      'arn:aws:madeup:us-west-2:111122223333:thing/x',
      'AWS::Made::Up',
      '/access-analyzer/home',
    ],
  ])('%s: says why, what to do instead, and links to the console', (resourceType, resource, hint, link) => {
    const err = refusal({ resourceType, resource });
    expect(err.userMessage).toContain(hint);
    expect(err.userMessage).toContain(link);
    expect(err.userMessage).toMatch(/<https:\/\/[^|>]+\|Open the resource in the AWS console>/);
  });

  it('refuses a bucket finding whose only source is the ACL, and explains how to remove the grant', () => {
    const err = refusal({ sources: [SOURCE_LABELS.BUCKET_ACL!] });
    expect(err.userMessage).toContain('bucket ACL');
    expect(err.userMessage).toContain('s3.console.aws.amazon.com/s3/buckets/logs');
  });

  it('denies a bucket finding granted by policy and ACL together in the bucket policy', () => {
    expect(denyTargetOf({ ...base, sources: [SOURCE_LABELS.POLICY!, SOURCE_LABELS.BUCKET_ACL!] })).toEqual({
      kind: 'resource-policy',
      policy: 's3-bucket',
    });
  });

  it('still finds the bucket policy of an ACL-only finding for Undo, so a Deny the bot added can always be removed', () => {
    expect(policyTargetOf({ ...base, sources: [SOURCE_LABELS.BUCKET_ACL!] })).toEqual({
      kind: 'resource-policy',
      policy: 's3-bucket',
    });
  });
});
