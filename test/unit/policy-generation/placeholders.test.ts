import type { PolicyDocument } from '../../../src/remediation/policy-document';
import {
  UnfilledPlaceholdersError,
  arnProblem,
  assertNoPlaceholders,
  fillPlaceholders,
  type FillResult,
  type PlaceholderValues,
} from '../../../src/policy-generation/placeholders';

const policyWith = (...resources: (string | string[])[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: resources.map((Resource) => ({ Effect: 'Allow', Action: 's3:GetBucketTagging', Resource })),
});

const KMS = 'arn:aws:kms:${Region}:${Account}:key/${KeyId}';
const BUCKET = 'arn:aws:s3:::${BucketName}';

function filledPolicy(result: FillResult): PolicyDocument {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.policy;
}

function problems(result: FillResult): Record<string, string> {
  if (result.ok) throw new Error('expected problems, got ok');
  return result.errors;
}

describe('fillPlaceholders', () => {
  it.each<[string, string | string[], PlaceholderValues, string | string[]]>([
    ['a bucket name', BUCKET, { BucketName: 'reports' }, 'arn:aws:s3:::reports'],
    [
      'region, account and key',
      KMS,
      { Region: 'eu-west-1', Account: '111122223333', KeyId: 'k-1' },
      'arn:aws:kms:eu-west-1:111122223333:key/k-1',
    ],
    ['a value with spaces around it', BUCKET, { BucketName: '  reports ' }, 'arn:aws:s3:::reports'],
    ['a wildcard value', BUCKET, { BucketName: 'reports-*' }, 'arn:aws:s3:::reports-*'],
    [
      'a wildcard region',
      KMS,
      { Region: '*', Account: '111122223333', KeyId: '*' },
      'arn:aws:kms:*:111122223333:key/*',
    ],
    [
      'the same placeholder twice in one ARN',
      'arn:aws:s3:::${BucketName}/${BucketName}/*',
      { BucketName: 'b' },
      'arn:aws:s3:::b/b/*',
    ],
    [
      'two values: one ARN each',
      BUCKET,
      { BucketName: ['reports', 'exports'] },
      ['arn:aws:s3:::reports', 'arn:aws:s3:::exports'],
    ],
    [
      'repeated values: written once',
      BUCKET,
      { BucketName: ['reports', ' reports'] },
      'arn:aws:s3:::reports',
    ],
    [
      'two values for each of two placeholders: every combination',
      'arn:aws:s3:::${BucketName}/${ObjectName}',
      { BucketName: ['a', 'b'], ObjectName: ['x', 'y'] },
      ['arn:aws:s3:::a/x', 'arn:aws:s3:::a/y', 'arn:aws:s3:::b/x', 'arn:aws:s3:::b/y'],
    ],
    [
      'a list of resources',
      [BUCKET, 'arn:aws:s3:::fixed'],
      { BucketName: 'reports' },
      ['arn:aws:s3:::reports', 'arn:aws:s3:::fixed'],
    ],
    [
      'an empty-list value among others (ignored)',
      BUCKET,
      { BucketName: ['', 'reports'] },
      'arn:aws:s3:::reports',
    ],
  ])('fills %s', (_name, resource, values, expected) => {
    // Prepare
    const policy = policyWith(resource);

    // Act
    const filled = filledPolicy(fillPlaceholders(policy, values));

    // Assess
    expect(filled.Statement[0]?.Resource).toEqual(expected);
  });

  it('fills NotResource too, and leaves statements without placeholders as they were', () => {
    // Prepare
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Keep', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', NotResource: BUCKET },
      ],
    };

    // Act
    const filled = filledPolicy(fillPlaceholders(policy, { BucketName: 'reports' }));

    // Assess
    expect(filled.Statement).toEqual([
      { Sid: 'Keep', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::reports' },
    ]);
  });

  it('returns a new document and leaves the input unchanged', () => {
    // Prepare
    const policy = policyWith(BUCKET);
    const before = JSON.stringify(policy);

    // Act
    const filled = filledPolicy(fillPlaceholders(policy, { BucketName: 'reports' }));

    // Assess
    expect(JSON.stringify(policy)).toBe(before);
    expect(filled).not.toBe(policy);
  });

  it('accepts the policy as JSON text, as GetGeneratedPolicy returns it', () => {
    // Act
    const filled = filledPolicy(fillPlaceholders(JSON.stringify(policyWith(BUCKET)), { BucketName: 'b' }));

    // Assess
    expect(filled.Statement[0]?.Resource).toBe('arn:aws:s3:::b');
  });

  it('leaves IAM policy variables alone and needs no value for them', () => {
    // Prepare
    const policy = policyWith('arn:aws:s3:::home/${aws:username}/*');

    // Act
    const filled = filledPolicy(fillPlaceholders(policy, {}));

    // Assess
    expect(filled.Statement[0]?.Resource).toBe('arn:aws:s3:::home/${aws:username}/*');
  });

  it('reports every placeholder left without a value, in order', () => {
    // Prepare
    const policy = policyWith(KMS, BUCKET);

    // Act
    const result = fillPlaceholders(policy, { Account: '111122223333', Region: '   ', BucketName: [] });

    // Assess
    expect(result).toEqual({
      ok: false,
      unfilled: ['Region', 'KeyId', 'BucketName'],
      errors: { Region: 'Fill in Region.', KeyId: 'Fill in KeyId.', BucketName: 'Fill in BucketName.' },
    });
  });

  it('does not take inherited object properties as values', () => {
    // Prepare
    const policy = policyWith('arn:aws:s3:::${toString}');

    // Act / Assess
    expect(problems(fillPlaceholders(policy, {}))).toEqual({ toString: 'Fill in toString.' });
  });

  it.each<[string, string, PlaceholderValues, string, RegExp]>([
    ['a value holding ${', BUCKET, { BucketName: 'a${x}' }, 'BucketName', /must not contain `\$\{`/],
    [
      'a value holding a policy variable',
      BUCKET,
      { BucketName: '${aws:username}' },
      'BucketName',
      /must not contain/,
    ],
    [
      'a whole ARN pasted for a bucket name',
      BUCKET,
      { BucketName: 'arn:aws:s3:::reports' },
      'BucketName',
      /just the name, not a whole ARN/,
    ],
    [
      'a region that is not one',
      KMS,
      { Region: 'Ireland', Account: '111122223333', KeyId: 'k' },
      'Region',
      /must be a region/,
    ],
    [
      'a region with a colon',
      KMS,
      { Region: 'eu-west-1:1', Account: '111122223333', KeyId: 'k' },
      'Region',
      /must be a region/,
    ],
    [
      'an account that is too short',
      KMS,
      { Region: 'eu-west-1', Account: '12345', KeyId: 'k' },
      'Account',
      /12-digit account id/,
    ],
    [
      'an account alias',
      KMS,
      { Region: 'eu-west-1', Account: 'prod', KeyId: 'k' },
      'Account',
      /12-digit account id/,
    ],
    [
      'one bad value in a list',
      BUCKET,
      { BucketName: ['ok', 'arn:aws:s3:::bad'] },
      'BucketName',
      /not a whole ARN/,
    ],
    [
      'a partition that is not one',
      'arn:${Partition}:s3:::b',
      { Partition: 'amazon' },
      'Partition',
      /AWS partition/,
    ],
    [
      'a resource left empty',
      'arn:aws:sqs:eu-west-1:111122223333:${QueueName}',
      { QueueName: '' },
      'QueueName',
      /Fill in/,
    ],
  ])('refuses %s', (_name, resource, values, placeholder, message) => {
    // Prepare
    const policy = policyWith(resource);

    // Act
    const errors = problems(fillPlaceholders(policy, values));

    // Assess
    expect(Object.keys(errors)).toEqual([placeholder]);
    expect(errors[placeholder]).toMatch(message);
  });

  it('checks the whole ARN when a placeholder is only part of a field', () => {
    // Prepare: the region field is `eu-${Zone}`, so only the written ARN can tell the value is wrong.
    const policy = policyWith('arn:aws:sqs:eu-${Zone}:111122223333:q');

    // Act
    const errors = problems(fillPlaceholders(policy, { Zone: 'west' }));

    // Assess
    expect(errors.Zone).toMatch(
      /`arn:aws:sqs:eu-west:111122223333:q` is not a valid ARN: "eu-west" is not a region/,
    );
  });

  it('does not check resources that are not ARNs', () => {
    // Prepare
    const policy = policyWith('${Anything}');

    // Act / Assess
    expect(
      filledPolicy(fillPlaceholders(policy, { Anything: 'arn:not:really' })).Statement[0]?.Resource,
    ).toBe('arn:not:really');
  });

  it('ignores values for placeholders the policy does not have', () => {
    // Act / Assess
    expect(fillPlaceholders(policyWith(BUCKET), { BucketName: 'b', Unused: '${x}' }).ok).toBe(true);
  });
});

describe('arnProblem', () => {
  it.each([
    'arn:aws:s3:::reports',
    'arn:aws:s3:::reports/a:b',
    'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws:kms:eu-*:1111222233?3:key/*',
  ])('accepts %s', (arn) => {
    expect(arnProblem(arn)).toBeUndefined();
  });

  it.each([
    ['reports', /form arn:partition/],
    ['arn:aws:s3::reports', /form arn:partition/],
    ['arn:amazon:s3:::b', /partition/],
    ['arn:aws:S3:::b', /service/],
    ['arn:aws:kms:ireland:111122223333:key/k', /region/],
    ['arn:aws:kms:eu-west-1:1234:key/k', /12 digits/],
    ['arn:aws:s3:::', /resource part is empty/],
  ])('refuses %s', (arn, message) => {
    expect(arnProblem(arn)).toMatch(message);
  });
});

describe('assertNoPlaceholders', () => {
  it('passes a filled policy', () => {
    // Prepare
    const filled = filledPolicy(
      fillPlaceholders(policyWith(KMS), { Region: 'eu-west-1', Account: '111122223333', KeyId: 'k' }),
    );

    // Act / Assess
    expect(() => assertNoPlaceholders(filled)).not.toThrow();
  });

  it('refuses a policy with placeholders, naming each for the user', () => {
    // Prepare
    const policy = JSON.stringify(policyWith(KMS));

    // Act
    let error: unknown;
    try {
      assertNoPlaceholders(policy);
    } catch (err) {
      error = err;
    }

    // Assess
    expect(error).toBeInstanceOf(UnfilledPlaceholdersError);
    const unfilled = error as UnfilledPlaceholdersError;
    expect(unfilled.code).toBe('unfilled_placeholders');
    expect(unfilled.placeholders).toEqual(['Region', 'Account', 'KeyId']);
    expect(unfilled.userMessage).toContain('`${Region}`, `${Account}`, `${KeyId}`');
  });

  it('does not mistake an IAM policy variable for a placeholder', () => {
    // Act / Assess
    expect(() => assertNoPlaceholders(policyWith('arn:aws:s3:::home/${aws:username}'))).not.toThrow();
  });
});
