import {
  PolicyDocumentError,
  type PolicyDocument,
  type PolicyStatement,
} from '../../../src/remediation/policy-document';
import {
  formatPolicy,
  placeholdersIn,
  summarizeGeneratedPolicy,
} from '../../../src/policy-generation/summary';

/** What GetGeneratedPolicy returns with includeResourcePlaceholders for the sandbox's bucket-creating role. */
const generated = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:CreateBucket', 's3:PutBucketTagging'],
      Resource: 'arn:aws:s3:::${BucketName}',
    },
    { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: 'arn:aws:kms:${Region}:${Account}:key/${KeyId}',
    },
  ],
});

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

describe('summarizeGeneratedPolicy', () => {
  it('lists services, actions and placeholders of a generated policy given as JSON text', () => {
    // Prepare / Act
    const summary = summarizeGeneratedPolicy(generated);

    // Assess
    expect(summary).toEqual({
      services: ['kms', 's3'],
      actions: [
        'kms:Decrypt',
        'kms:DescribeKey',
        's3:CreateBucket',
        's3:ListAllMyBuckets',
        's3:PutBucketTagging',
      ],
      placeholders: ['BucketName', 'Region', 'Account', 'KeyId'],
    });
  });

  it('summarises the parts of a split policy as one', () => {
    // Prepare
    const parts = [
      doc({ Effect: 'Allow', Action: 's3:CreateBucket', Resource: 'arn:aws:s3:::${BucketName}' }),
      JSON.stringify(
        doc({
          Effect: 'Allow',
          Action: 'iam:GetRole',
          Resource: 'arn:aws:iam::${Account}:role/${RoleNameWithPath}',
        }),
      ),
    ];

    // Act
    const summary = summarizeGeneratedPolicy(parts);

    // Assess
    expect(summary.services).toEqual(['iam', 's3']);
    expect(summary.actions).toEqual(['iam:GetRole', 's3:CreateBucket']);
    expect(summary.placeholders).toEqual(['BucketName', 'Account', 'RoleNameWithPath']);
  });

  it.each([
    [
      'the same action in two statements',
      ['s3:GetBucketTagging', 's3:GetBucketTagging'],
      ['s3:GetBucketTagging'],
    ],
    [
      'actions that differ only in case',
      ['s3:GetBucketTagging', 'S3:getbuckettagging'],
      ['s3:GetBucketTagging'],
    ],
    [
      'unsorted actions',
      ['sqs:SendMessage', 'ec2:DescribeInstances'],
      ['ec2:DescribeInstances', 'sqs:SendMessage'],
    ],
  ])('lists %s once, sorted', (_name, actions, expected) => {
    // Prepare
    const policy = doc(...actions.map((a) => ({ Effect: 'Allow' as const, Action: a, Resource: '*' })));

    // Act / Assess
    expect(summarizeGeneratedPolicy(policy).actions).toEqual(expected);
  });

  it('counts services in lower case, once', () => {
    // Prepare
    const policy = doc({
      Effect: 'Allow',
      Action: ['S3:CreateBucket', 's3:ListAllMyBuckets', 'EC2:RunInstances'],
      Resource: '*',
    });

    // Act / Assess
    expect(summarizeGeneratedPolicy(policy).services).toEqual(['ec2', 's3']);
  });

  it('leaves Deny statements out of the actions', () => {
    // Prepare
    const policy = doc(
      { Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' },
      { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
    );

    // Act / Assess
    expect(summarizeGeneratedPolicy(policy).actions).toEqual(['s3:CreateBucket']);
  });

  it('refuses text that is not a policy', () => {
    // Act / Assess
    expect(() => summarizeGeneratedPolicy('{"Version":')).toThrow(PolicyDocumentError);
  });
});

describe('placeholdersIn', () => {
  it.each([
    ['a bucket', 'arn:aws:s3:::${BucketName}', ['BucketName']],
    ['a bucket and object', 'arn:aws:s3:::${BucketName}/${ObjectName}', ['BucketName', 'ObjectName']],
    [
      'region and account',
      'arn:aws:sqs:${Region}:${Account}:${QueueName}',
      ['Region', 'Account', 'QueueName'],
    ],
    ['the same placeholder twice', 'arn:aws:s3:::${Name}/${Name}', ['Name']],
    ['no placeholder', 'arn:aws:s3:::reports', []],
    ['an IAM policy variable', 'arn:aws:s3:::home/${aws:username}/*', []],
    ['a tag policy variable', 'arn:aws:s3:::${aws:PrincipalTag/team}', []],
    ['the escape variables', 'arn:aws:s3:::a${*}b${?}c${$}', []],
    ['a name starting with a digit', 'arn:aws:s3:::${1Bucket}', []],
  ])('finds the placeholders in %s', (_name, resource, expected) => {
    // Prepare
    const policy = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource });

    // Act / Assess
    expect(placeholdersIn([policy])).toEqual(expected);
  });

  it('looks in Resource lists and NotResource, not elsewhere', () => {
    // Prepare
    const policy = doc(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::${A}', 'arn:aws:s3:::${B}'] },
      { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::${C}' },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: '*',
        Condition: { StringEquals: { 's3:prefix': '${D}' } },
      },
    );

    // Act / Assess
    expect(placeholdersIn([policy])).toEqual(['A', 'B', 'C']);
  });
});

describe('formatPolicy', () => {
  it('indents the policy with two spaces and keeps its content', () => {
    // Prepare / Act
    const text = formatPolicy(generated);

    // Assess
    expect(text).toContain('\n  "Statement": [\n    {\n      "Effect": "Allow"');
    expect(JSON.parse(text)).toEqual(JSON.parse(generated));
  });

  it('formats a parsed document the same as its text', () => {
    // Act / Assess
    expect(formatPolicy(JSON.parse(generated))).toBe(formatPolicy(generated));
  });

  it('refuses text that is not a policy instead of showing it', () => {
    // Act / Assess
    expect(() => formatPolicy('{"Statement": 3}')).toThrow(PolicyDocumentError);
  });
});
