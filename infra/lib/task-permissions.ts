/**
 * What the bot's task role may do: exactly the AWS calls the code makes (test/infra/least-privilege.test.ts
 * derives them from the SDK commands in src/ and compares), each on the narrowest resources the action allows.
 *
 * Scoping, and what cannot be scoped:
 * - Findings, access previews and archive rules: the one analyzer (and its archive rules).
 * - Deny remediation writes to resource policies of this account and Region only: IAM roles (`role/*`), S3
 *   buckets (ARNs carry no account, so `aws:ResourceAccount` = this account), KMS keys, SQS queues and
 *   Secrets Manager secrets. Which roles or buckets a finding names is not known in advance, so a wildcard over
 *   the account's resources of that type is the tightest grant that still lets Deny work.
 * - `/iam-generate`: StartPolicyGeneration, GetGeneratedPolicy, CancelPolicyGeneration, ValidatePolicy and
 *   iam:ListPolicies support no resource types, so they are granted on `*`; iam:PassRole only on the one
 *   service role and only to Access Analyzer.
 * - The bot may never change its own roles or its Slack secret's policy (explicit Deny), so a crafted finding or
 *   approval cannot widen its own access.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

export interface TaskPermissionInputs {
  analyzerArn: string;
  /** The bot's tables and their indexes (`<table arn>/index/<name>`). */
  tableArns: string[];
  indexArns: string[];
  /** The findings queue the bot long-polls (SQS delivery). */
  findingsQueueArn?: string;
  /** The bus decision events go to. */
  eventBusArn?: string;
  /** The policy-generation service role (`/iam-generate` configured). */
  generationRoleArn?: string;
  /** Roles the bot must never modify (its own). */
  protectedRoleArns: string[];
  /** Secrets whose resource policy the bot must never change (the Slack tokens). */
  protectedSecretArns: string[];
}

const arn = (service: string, resource: string, region = true) =>
  `arn:${Aws.PARTITION}:${service}:${region ? Aws.REGION : ''}:${Aws.ACCOUNT_ID}:${resource}`;

/** The task role's statements, Allow first then the self-protection Deny. */
export function taskRoleStatements(r: TaskPermissionInputs): iam.PolicyStatement[] {
  const analyzer = [r.analyzerArn];
  const roles = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/*`;
  const s: iam.PolicyStatement[] = [
    new iam.PolicyStatement({
      sid: 'Findings',
      actions: [
        'access-analyzer:ListFindings',
        'access-analyzer:GetFinding',
        'access-analyzer:UpdateFindings',
      ],
      resources: analyzer,
    }),
    new iam.PolicyStatement({
      sid: 'DenyEvidence',
      actions: [
        'access-analyzer:CreateAccessPreview',
        'access-analyzer:GetAccessPreview',
        'access-analyzer:ListAccessPreviewFindings',
      ],
      resources: analyzer,
    }),
    new iam.PolicyStatement({
      sid: 'ArchiveRules',
      actions: [
        'access-analyzer:CreateArchiveRule',
        'access-analyzer:ApplyArchiveRule',
        'access-analyzer:ListArchiveRules',
        'access-analyzer:DeleteArchiveRule',
      ],
      resources: [r.analyzerArn, `${r.analyzerArn}/archive-rule/*`],
    }),
    new iam.PolicyStatement({
      sid: 'Store',
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'dynamodb:DescribeTable',
      ],
      resources: [...r.tableArns, ...r.indexArns],
    }),
    new iam.PolicyStatement({
      sid: 'DenyRoleTrust',
      actions: ['iam:GetRole', 'iam:UpdateAssumeRolePolicy'],
      resources: [roles],
    }),
    new iam.PolicyStatement({
      sid: 'DenyBucketPolicy',
      actions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      resources: [`arn:${Aws.PARTITION}:s3:::*`],
      conditions: { StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyKeyPolicy',
      actions: ['kms:GetKeyPolicy', 'kms:PutKeyPolicy'],
      resources: [arn('kms', 'key/*')],
    }),
    new iam.PolicyStatement({
      sid: 'DenyQueuePolicy',
      actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
      resources: [arn('sqs', '*')],
    }),
    new iam.PolicyStatement({
      sid: 'DenySecretPolicy',
      actions: [
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:PutResourcePolicy',
        'secretsmanager:DeleteResourcePolicy',
        'secretsmanager:ValidateResourcePolicy',
      ],
      resources: [arn('secretsmanager', 'secret:*')],
    }),
  ];
  if (r.findingsQueueArn) {
    s.push(
      new iam.PolicyStatement({
        sid: 'FindingsQueue',
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        resources: [r.findingsQueueArn],
      }),
    );
  }
  if (r.eventBusArn) {
    s.push(
      new iam.PolicyStatement({
        sid: 'DecisionEvents',
        actions: ['events:PutEvents'],
        resources: [r.eventBusArn],
      }),
    );
  }
  if (r.generationRoleArn) {
    s.push(
      new iam.PolicyStatement({
        sid: 'PolicyGeneration',
        actions: [
          'access-analyzer:StartPolicyGeneration',
          'access-analyzer:GetGeneratedPolicy',
          'access-analyzer:CancelPolicyGeneration',
          'access-analyzer:ValidatePolicy',
          'iam:ListPolicies',
        ],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'PolicyGenerationPassRole',
        actions: ['iam:PassRole'],
        resources: [r.generationRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'access-analyzer.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: 'PolicyGenerationPrincipals',
        actions: [
          'iam:GetRole',
          'iam:GetUser',
          'iam:ListAttachedRolePolicies',
          'iam:ListRolePolicies',
          'iam:GetRolePolicy',
          'iam:AttachRolePolicy',
          'iam:DetachRolePolicy',
        ],
        resources: [roles, `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:user/*`],
      }),
      new iam.PolicyStatement({
        sid: 'PolicyGenerationPolicies',
        actions: ['iam:CreatePolicy', 'iam:GetPolicy', 'iam:GetPolicyVersion'],
        resources: [
          `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:policy/*`,
          // The gap reads the AWS managed policies a role has (e.g. AdministratorAccess); CreatePolicy cannot
          // create there, so this adds nothing for it.
          `arn:${Aws.PARTITION}:iam::aws:policy/*`,
        ],
      }),
    );
  }
  s.push(
    new iam.PolicyStatement({
      sid: 'NeverChangeOwnRoles',
      effect: iam.Effect.DENY,
      actions: [
        'iam:UpdateAssumeRolePolicy',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
      ],
      resources: r.protectedRoleArns,
    }),
    new iam.PolicyStatement({
      sid: 'NeverChangeOwnSecrets',
      effect: iam.Effect.DENY,
      actions: ['secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy'],
      resources: r.protectedSecretArns,
    }),
  );
  return s;
}
