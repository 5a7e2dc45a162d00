/**
 * Sample findings for the sandbox ("Inject sample finding" in the console, `npm run sample-finding -- <kind>`).
 * Each kind changes the AWS stand-in's account the way a person would in AWS (a new role, bucket or key with an
 * external grant); Access Analyzer's analysis then reports it and the event reaches the bot like a real one.
 */
import { type AwsStandin, keyPolicySharedWith, publicReadBucketPolicy } from './aws-standin';

export const INJECT_KINDS = [
  { kind: 'role', label: 'IAM role trusted by another account' },
  { kind: 'bucket', label: 'S3 bucket shared with another account' },
  { kind: 'key', label: 'KMS key shared with another account' },
  { kind: 'public', label: 'Public S3 bucket' },
  { kind: 'unused', label: 'Unused permissions on a role' },
] as const;

export type InjectKind = (typeof INJECT_KINDS)[number]['kind'];

const PARTNER = '444455556666';
const ALICE = 'arn:aws:iam::999988887777:user/Alice';

export function isInjectKind(kind: string): kind is InjectKind {
  return INJECT_KINDS.some((k) => k.kind === kind);
}

/** Makes the change for `kind`, runs the analysis, and says what was done (shown as a toast). */
export async function injectSample(aws: AwsStandin, kind: string): Promise<string> {
  const n = Math.floor(aws.now().getTime() / 1000) % 100000;
  let what: string;
  switch (kind) {
    case 'role': {
      const name = `Sample_CrossAccountRole_${n}`;
      aws.iam.createRole({
        name,
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }],
        },
      });
      what = `created role ${name}, assumable by ${ALICE}`;
      break;
    }
    case 'bucket': {
      const name = `sample-shared-bucket-${n}`;
      aws.s3.createBucket({
        name,
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'PartnerRead',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
              Action: ['s3:GetObject', 's3:ListBucket'],
              Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
            },
          ],
        },
      });
      what = `created bucket ${name}, readable by account ${PARTNER}`;
      break;
    }
    case 'key': {
      const key = aws.kms.createKey({
        description: 'Sample key shared with the partner account',
        policy: keyPolicySharedWith(aws.account, PARTNER, ['kms:Decrypt'], 'PartnerDecrypt'),
      });
      what = `created KMS key ${key.keyId}, usable by account ${PARTNER}`;
      break;
    }
    case 'public': {
      const name = `sample-public-bucket-${n}`;
      aws.s3.createBucket({ name, policy: publicReadBucketPolicy(name) });
      what = `created public bucket ${name}`;
      break;
    }
    case 'unused': {
      const analyzer = aws.accessAnalyzer.listAnalyzers().find((a) => a.type === 'ACCOUNT_UNUSED_ACCESS');
      if (!analyzer) throw new Error('the example account has no unused-access analyzer');
      const role = aws.iam.createRole({
        name: `Sample_UnusedRole_${n}`,
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      });
      aws.accessAnalyzer.addFinding({
        analyzerArn: analyzer.arn,
        resource: role.arn,
        resourceType: 'AWS::IAM::Role',
        findingType: 'UnusedPermission',
        unusedDetails: [
          {
            unusedPermissionDetails: {
              serviceNamespace: 'dynamodb',
              actions: [{ action: 'dynamodb:DeleteTable' }],
            },
          },
        ],
      });
      what = `created role ${role.name} with an unused permission (dynamodb:DeleteTable)`;
      break;
    }
    default:
      throw new Error(`unknown sample kind "${kind}"; one of: ${INJECT_KINDS.map((k) => k.kind).join(', ')}`);
  }
  await aws.analyze();
  return `${what}; Access Analyzer reported it.`;
}
