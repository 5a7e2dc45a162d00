/**
 * The service role Access Analyzer assumes to read CloudTrail for `/iam-generate` (POLICY_GENERATION_ROLE_ARN),
 * as AWS documents it: trusted by access-analyzer.amazonaws.com; cloudtrail:GetTrail;
 * iam:GenerateServiceLastAccessedDetails and iam:GetServiceLastAccessedDetails; s3:GetObject and s3:ListBucket
 * on the trail's bucket; and, when the trail's logs are SSE-KMS encrypted, kms:Decrypt on its key through S3.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface PolicyGenerationRoleProps {
  trailArn: string;
  trailBucketName: string;
  trailKmsKeyArn?: string;
}

export class PolicyGenerationRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PolicyGenerationRoleProps) {
    super(scope, id);
    const bucket = `arn:${Aws.PARTITION}:s3:::${props.trailBucketName}`;
    const statements = [
      new iam.PolicyStatement({
        sid: 'Trail',
        actions: ['cloudtrail:GetTrail'],
        resources: [props.trailArn],
      }),
      new iam.PolicyStatement({
        sid: 'ServiceLastAccessed',
        // Neither action supports a resource type.
        actions: ['iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'TrailLogs',
        actions: ['s3:GetObject', 's3:ListBucket'],
        resources: [bucket, `${bucket}/*`],
      }),
    ];
    if (props.trailKmsKeyArn) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'TrailLogKey',
          actions: ['kms:Decrypt'],
          resources: [props.trailKmsKeyArn],
          conditions: { StringLike: { 'kms:ViaService': `s3.*.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
    this.role = new iam.Role(this, 'Role', {
      description: 'Access Analyzer reads CloudTrail with this role to generate policies (iam-findings-bot)',
      assumedBy: new iam.ServicePrincipal('access-analyzer.amazonaws.com'),
      inlinePolicies: { ReadCloudTrail: new iam.PolicyDocument({ statements }) },
    });
  }
}
