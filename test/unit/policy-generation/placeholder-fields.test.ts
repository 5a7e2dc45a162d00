import { placeholderFields, placeholderValueProblem } from '../../../src/policy-generation/placeholders';

const policy = (resources: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: resources.map((Resource, i) => ({ Effect: 'Allow', Action: `s3:Action${i}`, Resource })),
  });

describe('placeholderFields', () => {
  it('says which ARN field each placeholder stands in, first occurrence wins', () => {
    const fields = placeholderFields([
      policy([
        'arn:aws:s3:::${BucketName}',
        'arn:aws:kms:${Region}:${Account}:key/${KeyId}',
        'arn:aws:s3:::${BucketName}/prefix-${Suffix}',
        '${Whole}',
      ]),
    ]);
    expect(fields).toEqual({
      BucketName: { field: 5, whole: true },
      Region: { field: 3, whole: true },
      Account: { field: 4, whole: true },
      KeyId: { field: 5, whole: false },
      Suffix: { field: 5, whole: false },
      Whole: { field: -1, whole: false },
    });
  });

  it('reads every part of a split policy', () => {
    expect(
      Object.keys(placeholderFields([policy(['arn:aws:s3:::${A}']), policy(['arn:aws:sqs:${R}:1:q'])])),
    ).toEqual(['A', 'R']);
  });
});

describe('placeholderValueProblem', () => {
  it('accepts well-formed values', () => {
    expect(placeholderValueProblem('BucketName', { field: 5, whole: true }, 'reports')).toBeUndefined();
    expect(placeholderValueProblem('Account', { field: 4, whole: true }, '111122223333')).toBeUndefined();
    expect(placeholderValueProblem('Region', { field: 3, whole: true }, 'eu-west-1')).toBeUndefined();
    expect(placeholderValueProblem('Anything', { field: -1, whole: false }, 'x')).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(placeholderValueProblem('Account', { field: 4, whole: true }, '12345')).toMatch(
      /12-digit account/,
    );
    expect(placeholderValueProblem('Region', { field: 3, whole: true }, 'Europe')).toMatch(/region/);
    expect(placeholderValueProblem('BucketName', { field: 5, whole: true }, 'arn:aws:s3:::reports')).toMatch(
      /just the name/,
    );
    expect(placeholderValueProblem('BucketName', { field: 5, whole: true }, 'a b')).toMatch(/spaces/);
    expect(placeholderValueProblem('BucketName', { field: 5, whole: true }, '${X}')).toMatch(/\$\{/);
  });
});
