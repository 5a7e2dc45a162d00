import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const Bucket = 'amzn-s3-demo-bucket';

const failure = failureOf<S3ServiceException>;

function policy(principal: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${Bucket}/*`,
        ...extra,
      },
    ],
  });
}

describe('AWS stand-in: S3 bucket policies over the real SDK (REST-XML, path style)', () => {
  let aws: AwsStandin;
  let s3: S3Client;

  beforeEach(async () => {
    [aws, s3] = await standinWithClient(
      S3Client,
      { analysisDelayMs: 0 },
      { forcePathStyle: true, maxAttempts: 1 },
    );
    aws.s3.createBucket({ name: Bucket });
  });

  afterEach(() => closeAll(aws, s3));

  it('answers NoSuchBucketPolicy (404) for a bucket without a policy, NoSuchBucket for an unknown bucket', async () => {
    // Act
    const none = await failure(s3.send(new GetBucketPolicyCommand({ Bucket })));
    const unknown = await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'no-such-bucket' })));

    // Assess
    expect(none.name).toBe('NoSuchBucketPolicy');
    expect(none.$metadata.httpStatusCode).toBe(404);
    expect(unknown.name).toBe('NoSuchBucket');
    expect(aws.calls.map((c) => `${c.service}:${c.operation}`)).toEqual([
      'S3:GetBucketPolicy',
      'S3:GetBucketPolicy',
    ]);
  });

  it('stores a policy with PutBucketPolicy and returns the same text, then deletes it', async () => {
    // Prepare
    const text = policy({ AWS: 'arn:aws:iam::444455556666:root' });

    // Act
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: text }));
    const got = await s3.send(new GetBucketPolicyCommand({ Bucket }));
    await s3.send(new DeleteBucketPolicyCommand({ Bucket }));
    const gone = await failure(s3.send(new GetBucketPolicyCommand({ Bucket })));

    // Assess
    expect(got.Policy).toBe(text);
    expect(gone.name).toBe('NoSuchBucketPolicy');
  });

  it.each([
    ['invalid JSON', '{"Version":"2012-10-17","Statement":['],
    ['a resource of another bucket', policy('*', { Resource: 'arn:aws:s3:::other-bucket/*' })],
    [
      'a statement without Principal',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    ],
  ])('rejects %s with MalformedPolicy (400)', async (_name, text) => {
    // Act
    const error = await failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: text })));

    // Assess
    expect(error.name).toBe('MalformedPolicy');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(aws.s3.getBucket(Bucket)?.policy).toBeUndefined();
  });

  it('accepts a policy of exactly 20 KB and rejects a larger one with MalformedPolicy', async () => {
    // Prepare
    const base = policy({ AWS: '444455556666' }, { Sid: 'S' });
    const sized = (bytes: number): string =>
      base.replace('"Sid":"S"', `"Sid":"S${' '.repeat(bytes - base.length)}"`);

    // Act
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: sized(20 * 1024) }));
    const error = await failure(
      s3.send(new PutBucketPolicyCommand({ Bucket, Policy: sized(20 * 1024 + 1) })),
    );

    // Assess
    expect(aws.s3.getBucket(Bucket)?.policy).toHaveLength(20 * 1024);
    expect(error.name).toBe('MalformedPolicy');
    expect(error.message).toBe('Policies must be less than 20 KB');
  });

  it('reports IsPublic in the policy status for Principal "*" but not for a cross-account grant', async () => {
    // Act
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy('*') }));
    const open = await s3.send(new GetBucketPolicyStatusCommand({ Bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ AWS: '444455556666' }) }));
    const shared = await s3.send(new GetBucketPolicyStatusCommand({ Bucket }));

    // Assess
    expect(open.PolicyStatus?.IsPublic).toBe(true);
    expect(shared.PolicyStatus?.IsPublic).toBe(false);
  });

  it('has no public access block until one is put; BlockPublicPolicy then refuses public policies', async () => {
    // Prepare
    const none = await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket })));

    // Act
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket,
        PublicAccessBlockConfiguration: { BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
    );
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
    const refused = await failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy('*') })));
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ AWS: '444455556666' }) }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
    const deleted = await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket })));

    // Assess
    expect(none.name).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(none.$metadata.httpStatusCode).toBe(404);
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(refused.name).toBe('AccessDenied');
    expect(refused.$metadata.httpStatusCode).toBe(403);
    expect(aws.s3.getBucket(Bucket)?.policy).toBe(policy({ AWS: '444455556666' }));
    expect(deleted.name).toBe('NoSuchPublicAccessBlockConfiguration');
  });

  it('fails the next S3 call with an injected error', async () => {
    // Prepare
    aws.failNext('PutBucketPolicy', {
      name: 'SlowDown',
      status: 503,
      message: 'Please reduce your request rate.',
    });

    // Act
    const error = await failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy('*') })));

    // Assess
    expect(error.name).toBe('SlowDown');
    expect(error.$metadata.httpStatusCode).toBe(503);
    expect(aws.s3.getBucket(Bucket)?.policy).toBeUndefined();
  });
});
