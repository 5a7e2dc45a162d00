import { PolicyDocumentError } from '../../../src/remediation/policy-document';
import {
  actionMatches,
  patternCovers,
  policyGap,
  type GrantedPolicy,
} from '../../../src/policy-generation/gap';

const allow = (name: string, Action: string | string[]): GrantedPolicy => ({
  name,
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] },
});

/** The sandbox's example role: admin rights, used only to create and tag buckets. */
const USED = ['s3:CreateBucket', 's3:ListAllMyBuckets', 's3:PutBucketTagging'];

describe('actionMatches', () => {
  it.each<[string, string, boolean]>([
    ['*', 's3:CreateBucket', true],
    ['s3:*', 's3:CreateBucket', true],
    ['s3:*', 'ec2:RunInstances', false],
    ['s3:Get*', 's3:GetBucketTagging', true],
    ['s3:Get*', 's3:PutBucketTagging', false],
    ['S3:createbucket', 's3:CreateBucket', true],
    ['s3:?etObject', 's3:GetObject', true],
    ['s3:?etObject', 's3:GGetObject', false],
    ['s3:Get.Object', 's3:GetXObject', false],
  ])('%s matches %s: %p', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

describe('patternCovers', () => {
  it.each<[string, string, boolean]>([
    ['*', 's3:Get*', true],
    ['s3:*', 's3:Get*', true],
    ['s3:Get*', 's3:*', false],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:GetObject', 's3:Get*', false],
    ['s3:?etObject', 's3:GetObject', true],
    ['s3:?etObject', 's3:*etObject', false],
    ['s3:*', '*', false],
    ['S3:GET*', 's3:GetObject', true],
  ])('%s covers %s: %p', (outer, inner, expected) => {
    expect(patternCovers(outer, inner)).toBe(expected);
  });
});

describe('policyGap', () => {
  it('reports an admin grant as all actions except the used ones', () => {
    // Prepare
    const granted = [allow('AdministratorAccess', '*')];

    // Act
    const gap = policyGap(granted, USED);

    // Assess
    expect(gap).toEqual([
      {
        granted: '*',
        kind: 'wider',
        usedWithin: ['s3:CreateBucket', 's3:ListAllMyBuckets', 's3:PutBucketTagging'],
        policies: ['AdministratorAccess'],
        description: 'all actions except the 3 used',
      },
    ]);
  });

  it.each<[string, string, string[], 'unused' | 'wider', string]>([
    ['a service wildcard partly used', 's3:*', USED, 'wider', 'all s3 actions except the 3 used'],
    ['a service wildcard not used', 'ec2:*', USED, 'unused', 'all ec2 actions (none used)'],
    [
      'a prefix wildcard partly used',
      's3:Put*',
      USED,
      'wider',
      'all actions matching s3:Put* except the 1 used',
    ],
    [
      'a prefix wildcard not used',
      's3:Delete*',
      USED,
      'unused',
      'all actions matching s3:Delete* (none used)',
    ],
    ['an action not used', 's3:DeleteBucket', USED, 'unused', 's3:DeleteBucket (not used)'],
    ['admin with nothing used', '*', [], 'unused', 'all actions (none used)'],
  ])('reports %s', (_name, action, used, kind, description) => {
    // Prepare / Act
    const [entry, ...more] = policyGap([allow('P', action)], used);

    // Assess
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ granted: action, kind, description, policies: ['P'] });
  });

  it.each<[string, string | string[], string[]]>([
    ['an action that was used', 's3:CreateBucket', USED],
    ['an action used under another case', 's3:createbucket', USED],
    ['only used actions', ['s3:CreateBucket', 's3:PutBucketTagging'], USED],
    ['a wildcard the generated policy has too (service-level template)', 's3:*', ['s3:*']],
    ['a wildcard inside a wider used one', 's3:Get*', ['s3:*']],
    ['an action inside a used wildcard', 's3:GetObject', ['s3:Get*']],
    ['everything, when * was used', '*', ['*']],
  ])('leaves out %s', (_name, action, used) => {
    // Act / Assess
    expect(policyGap([allow('P', action)], used)).toEqual([]);
  });

  it('still reports a wildcard that a narrower used wildcard does not cover', () => {
    // Act
    const gap = policyGap([allow('P', 's3:*')], ['s3:Get*']);

    // Assess
    expect(gap).toMatchObject([{ granted: 's3:*', kind: 'wider', usedWithin: ['s3:Get*'] }]);
  });

  it('reports a pattern granted by several policies once, naming each policy', () => {
    // Prepare
    const granted = [allow('A', ['s3:*', 'ec2:RunInstances']), allow('B', 'S3:*'), allow('C', 's3:*')];

    // Act
    const gap = policyGap(granted, USED);

    // Assess
    expect(gap.map((e) => [e.granted, e.policies])).toEqual([
      ['ec2:RunInstances', ['A']],
      ['s3:*', ['A', 'B', 'C']],
    ]);
  });

  it('ignores Deny statements', () => {
    // Prepare
    const granted: GrantedPolicy[] = [
      {
        name: 'Guard',
        document: { Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] },
      },
    ];

    // Act / Assess
    expect(policyGap(granted, USED)).toEqual([]);
  });

  it('reports an Allow with NotAction as everything but the listed actions', () => {
    // Prepare
    const granted: GrantedPolicy[] = [
      {
        name: 'PowerUserAccess',
        document: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }],
        }),
      },
    ];

    // Act
    const gap = policyGap(granted, [...USED, 'iam:GetRole']);

    // Assess
    expect(gap).toEqual([
      {
        granted: 'NotAction: iam:*, organizations:*',
        kind: 'wider',
        usedWithin: USED,
        policies: ['PowerUserAccess'],
        description: 'all actions but iam:*, organizations:* (NotAction) except the 3 used',
      },
    ]);
  });

  it('treats a NotAction grant as covered only when * was used', () => {
    // Prepare
    const granted: GrantedPolicy[] = [
      { name: 'P', document: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*' }] } },
    ];

    // Act / Assess
    expect(policyGap(granted, ['*'])).toEqual([]);
    expect(policyGap(granted, ['s3:*'])).toHaveLength(1);
  });

  it('sorts the entries by granted pattern', () => {
    // Prepare
    const granted = [allow('P', ['sqs:SendMessage', '*', 'ec2:*', 'S3:DeleteBucket'])];

    // Act / Assess
    expect(policyGap(granted, USED).map((e) => e.granted)).toEqual([
      '*',
      'ec2:*',
      'S3:DeleteBucket',
      'sqs:SendMessage',
    ]);
  });

  it('refuses a granted document that is not a policy', () => {
    // Act / Assess
    expect(() => policyGap([{ name: 'Bad', document: '{"Statement":' }], USED)).toThrow(PolicyDocumentError);
  });
});
