import {
  AccessAnalyzerClient,
  ConflictException,
  CreateAccessPreviewCommand,
  CreateArchiveRuleCommand,
  GetAccessPreviewCommand,
  ListAccessPreviewFindingsCommand,
  ValidationException,
  type AccessAnalyzerServiceException,
  type AccessPreviewFinding,
  type Configuration,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const ALICE = 'arn:aws:iam::999988887777:user/Alice';
const BOB = 'arn:aws:iam::777788889999:user/Bob';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole';

const failure = failureOf<AccessAnalyzerServiceException>;

const trust = (...principals: string[]): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: principals.map((AWS) => ({ Effect: 'Allow', Principal: { AWS }, Action: 'sts:AssumeRole' })),
  });

describe('AWS stand-in: access previews over the real SDK', () => {
  let aws: AwsStandin;
  let aa: AccessAnalyzerClient;
  let analyzerArn: string;
  let now: Date;

  beforeEach(async () => {
    now = new Date('2024-05-01T10:00:00.000Z');
    [aws, aa] = await standinWithClient(
      AccessAnalyzerClient,
      { analysisDelayMs: 0, accessPreviewMs: 1000, now: () => now },
      { maxAttempts: 1 },
    );
    analyzerArn = aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' }).arn;
    aws.iam.createRole({
      name: 'Audit_CrossAccountRole',
      trustPolicy: trust(ALICE, 'arn:aws:iam::444455556666:root'),
    });
  });

  afterEach(() => closeAll(aws, aa));

  async function preview(trustPolicy: string): Promise<string> {
    const created = await aa.send(
      new CreateAccessPreviewCommand({
        analyzerArn,
        configurations: { [ROLE_ARN]: { iamRole: { trustPolicy } } },
      }),
    );
    return created.id ?? '';
  }

  it('is CREATING at first, then COMPLETED, and refuses to list findings before that', async () => {
    // Prepare
    const accessPreviewId = await preview(trust(ALICE));

    // Act
    const creating = await aa.send(new GetAccessPreviewCommand({ accessPreviewId, analyzerArn }));
    const early = await failure(
      aa.send(new ListAccessPreviewFindingsCommand({ accessPreviewId, analyzerArn })),
    );
    now = new Date('2024-05-01T10:00:01.000Z');
    const completed = await aa.send(new GetAccessPreviewCommand({ accessPreviewId, analyzerArn }));

    // Assess
    expect(creating.accessPreview?.status).toBe('CREATING');
    expect(early).toBeInstanceOf(ConflictException);
    expect(completed.accessPreview).toMatchObject({ id: accessPreviewId, analyzerArn, status: 'COMPLETED' });
    expect(completed.accessPreview?.configurations?.[ROLE_ARN]).toEqual({
      iamRole: { trustPolicy: trust(ALICE) },
    });
  });

  it('reports UNCHANGED, CHANGED (to RESOLVED) and NEW findings against the existing ones', async () => {
    // Prepare
    const existing = aws.accessAnalyzer.listFindings();
    const alice = existing.find((f) => f.principal?.AWS === ALICE);
    const partner = existing.find((f) => f.principal?.AWS === '444455556666');
    const accessPreviewId = await preview(trust(ALICE, BOB));
    now = new Date('2024-05-01T10:05:00.000Z');

    // Act
    const out = await aa.send(new ListAccessPreviewFindingsCommand({ accessPreviewId, analyzerArn }));
    const onlyNew = await aa.send(
      new ListAccessPreviewFindingsCommand({
        accessPreviewId,
        analyzerArn,
        filter: { changeType: { eq: ['NEW'] } },
      }),
    );

    // Assess
    const summary = (f: AccessPreviewFinding): unknown[] => [
      f.principal?.AWS,
      f.changeType,
      f.status,
      f.existingFindingId,
    ];
    expect(out.findings?.map(summary)).toEqual([
      [ALICE, 'UNCHANGED', 'ACTIVE', alice?.id],
      [BOB, 'NEW', 'ACTIVE', undefined],
      ['444455556666', 'CHANGED', 'RESOLVED', partner?.id],
    ]);
    expect(onlyNew.findings?.map((f) => f.principal?.AWS)).toEqual([BOB]);
    expect(aws.accessAnalyzer.listFindings().map((f) => f.status)).toEqual(['ACTIVE', 'ACTIVE']);
  });

  it('applies archive rules to NEW preview findings', async () => {
    // Prepare
    await aa.send(
      new CreateArchiveRuleCommand({
        analyzerName: 'MyAnalyzer',
        ruleName: 'Bob',
        filter: { 'principal.AWS': { eq: [BOB] } },
      }),
    );
    const accessPreviewId = await preview(trust(BOB));
    now = new Date('2024-05-01T10:05:00.000Z');

    // Act
    const out = await aa.send(
      new ListAccessPreviewFindingsCommand({
        accessPreviewId,
        analyzerArn,
        filter: { changeType: { eq: ['NEW'] } },
      }),
    );

    // Assess
    expect(out.findings?.map((f) => [f.principal?.AWS, f.status])).toEqual([[BOB, 'ARCHIVED']]);
  });

  it('previews S3, KMS, SQS and Secrets Manager configurations with the same evaluator', async () => {
    // Prepare
    const open = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
    });
    const partner = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    });
    const created = await aa.send(
      new CreateAccessPreviewCommand({
        analyzerArn,
        configurations: {
          'arn:aws:s3:::new-bucket': { s3Bucket: { bucketPolicy: open } },
          'arn:aws:kms:us-west-2:111122223333:key/k-1': { kmsKey: { keyPolicies: { default: partner } } },
          'arn:aws:sqs:us-west-2:111122223333:q': { sqsQueue: { queuePolicy: partner } },
          'arn:aws:secretsmanager:us-west-2:111122223333:secret:s-AbCdEf': { secretsManagerSecret: {} },
        },
      }),
    );
    now = new Date('2024-05-01T10:05:00.000Z');

    // Act
    const out = await aa.send(
      new ListAccessPreviewFindingsCommand({ accessPreviewId: created.id, analyzerArn }),
    );

    // Assess
    expect(out.findings?.map((f) => [f.resourceType, f.isPublic, f.changeType])).toEqual([
      ['AWS::S3::Bucket', true, 'NEW'],
      ['AWS::KMS::Key', false, 'NEW'],
      ['AWS::SQS::Queue', false, 'NEW'],
    ]);
  });

  it('for an existing resource, uses its policy and Block Public Access when left out; an empty policy deletes', async () => {
    // Prepare
    const publicRead = (bucket: string): string =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
        ],
      });
    aws.s3.createBucket({ name: 'open-bucket', policy: publicRead('open-bucket') });
    aws.s3.createBucket({ name: 'restricted-bucket', publicAccessBlock: { RestrictPublicBuckets: true } });
    const open = aws.accessAnalyzer.listFindings().find((f) => f.resource === 'arn:aws:s3:::open-bucket');
    const key = aws.kms.createKey();
    const previewOf = async (configurations: Record<string, Configuration>): Promise<unknown[][]> => {
      now = new Date(now.getTime() + 60_000);
      const { id } = await aa.send(new CreateAccessPreviewCommand({ analyzerArn, configurations }));
      now = new Date(now.getTime() + 60_000);
      const out = await aa.send(new ListAccessPreviewFindingsCommand({ accessPreviewId: id, analyzerArn }));
      return (out.findings ?? []).map((f) => [f.resource, f.changeType, f.status, f.existingFindingId]);
    };

    // Act
    const kept = await previewOf({ 'arn:aws:s3:::open-bucket': { s3Bucket: {} } });
    const deleted = await previewOf({ 'arn:aws:s3:::open-bucket': { s3Bucket: { bucketPolicy: '' } } });
    const restricted = await previewOf({
      'arn:aws:s3:::restricted-bucket': { s3Bucket: { bucketPolicy: publicRead('restricted-bucket') } },
    });
    const unrestricted = await previewOf({
      'arn:aws:s3:::restricted-bucket': {
        s3Bucket: {
          bucketPolicy: publicRead('restricted-bucket'),
          bucketPublicAccessBlock: { restrictPublicBuckets: false, ignorePublicAcls: false },
        },
      },
    });
    const emptyKeyPolicy = await failure(
      aa.send(
        new CreateAccessPreviewCommand({
          analyzerArn,
          configurations: { [key.arn]: { kmsKey: { keyPolicies: { default: '' } } } },
        }),
      ),
    );

    // Assess
    expect(open?.status).toBe('ACTIVE');
    expect(kept).toEqual([['arn:aws:s3:::open-bucket', 'UNCHANGED', 'ACTIVE', open?.id]]);
    expect(deleted).toEqual([['arn:aws:s3:::open-bucket', 'CHANGED', 'RESOLVED', open?.id]]);
    expect(restricted).toEqual([]);
    expect(unrestricted).toEqual([['arn:aws:s3:::restricted-bucket', 'NEW', 'ACTIVE', undefined]]);
    expect(emptyKeyPolicy).toBeInstanceOf(ValidationException);
    expect(emptyKeyPolicy.message).toBe('the proposed key policy cannot be an empty string');
  });

  it('refuses unsupported configuration types and ARNs that do not fit the configuration', async () => {
    // Act
    const unsupported = await failure(
      aa.send(
        new CreateAccessPreviewCommand({
          analyzerArn,
          configurations: { 'arn:aws:sns:us-west-2:111122223333:t': { snsTopic: { topicPolicy: '{}' } } },
        }),
      ),
    );
    const mismatch = await failure(
      aa.send(new CreateAccessPreviewCommand({ analyzerArn, configurations: { ROLE: { s3Bucket: {} } } })),
    );

    // Assess
    expect(unsupported).toBeInstanceOf(ValidationException);
    expect(mismatch).toBeInstanceOf(ValidationException);
  });
});
