import {
  AccessAnalyzerClient,
  CancelPolicyGenerationCommand,
  ConflictException,
  GetGeneratedPolicyCommand,
  ListPolicyGenerationsCommand,
  ServiceQuotaExceededException,
  StartPolicyGenerationCommand,
  ValidationException,
  type AccessAnalyzerServiceException,
  type StartPolicyGenerationCommandInput,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

const failure = failureOf<AccessAnalyzerServiceException>;

describe('AWS stand-in: Access Analyzer policy generation over the real SDK', () => {
  let aws: AwsStandin;
  let aa: AccessAnalyzerClient;
  let now: Date;
  let roleArn: string;
  let request: (overrides?: Partial<StartPolicyGenerationCommandInput>) => StartPolicyGenerationCommandInput;
  const trailArn = 'arn:aws:cloudtrail:us-west-2:111122223333:trail/management-events';
  const accessRole = 'arn:aws:iam::111122223333:role/service-role/AccessAnalyzerMonitorServiceRole_EXAMPLE';

  beforeEach(async () => {
    now = new Date('2024-05-01T10:00:00.000Z');
    [aws, aa] = await standinWithClient(
      AccessAnalyzerClient,
      { now: () => now, policyGenerationMs: 3000 },
      { maxAttempts: 1 },
    );
    roleArn = aws.iam.createRole({
      name: 'BucketCreator',
      trustPolicy: {
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
    }).arn;
    const at = (daysAgo: number): Date => new Date(now.getTime() - daysAgo * DAY);
    aws.recordActivity(roleArn, {
      service: 's3',
      action: 'CreateBucket',
      resource: 'arn:aws:s3:::data-1',
      at: at(10),
    });
    aws.recordActivity(roleArn, {
      service: 's3.amazonaws.com',
      action: 'PutBucketTagging',
      resource: 'arn:aws:s3:::data-1',
      at: at(9),
    });
    aws.recordActivity(roleArn, { service: 's3', action: 's3:ListAllMyBuckets', at: at(3) });
    aws.recordActivity(roleArn, {
      service: 's3',
      action: 'GetObject',
      resource: 'arn:aws:s3:::data-1/report.csv',
      at: at(3),
    });
    aws.recordActivity(roleArn, { service: 'iam', action: 'PassRole', resource: accessRole, at: at(2) });
    aws.recordActivity(roleArn, { service: 'ec2', action: 'RunInstances', at: at(60) });
    request = (overrides = {}) => ({
      policyGenerationDetails: { principalArn: roleArn },
      cloudTrailDetails: {
        trails: [{ cloudTrailArn: trailArn, allRegions: true }],
        accessRole,
        startTime: new Date(now.getTime() - 30 * DAY),
      },
      ...overrides,
    });
  });

  afterEach(() => closeAll(aws, aa));

  it('is IN_PROGRESS at first, then SUCCEEDED with a policy built from the activity in the window', async () => {
    // Prepare
    const { jobId } = await aa.send(new StartPolicyGenerationCommand(request()));

    // Act
    const running = await aa.send(new GetGeneratedPolicyCommand({ jobId }));
    now = new Date(now.getTime() + 3000);
    const done = await aa.send(new GetGeneratedPolicyCommand({ jobId, includeResourcePlaceholders: true }));
    const plain = await aa.send(new GetGeneratedPolicyCommand({ jobId }));

    // Assess
    expect(running.jobDetails?.status).toBe('IN_PROGRESS');
    expect(running.generatedPolicyResult?.generatedPolicies).toBeUndefined();
    expect(done.jobDetails).toMatchObject({ jobId, status: 'SUCCEEDED', completedOn: now });
    expect(done.generatedPolicyResult?.properties).toMatchObject({
      principalArn: roleArn,
      cloudTrailProperties: {
        trailProperties: [{ cloudTrailArn: trailArn, allRegions: true }],
        endTime: new Date('2024-05-01T10:00:00.000Z'),
      },
    });
    const policies = done.generatedPolicyResult?.generatedPolicies?.map((p) => JSON.parse(p.policy ?? '{}'));
    expect(policies).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: ['s3:CreateBucket', 's3:PutBucketTagging'],
            Resource: 'arn:aws:s3:::${BucketName}',
          },
        ],
      },
    ]);
    expect(JSON.parse(plain.generatedPolicyResult?.generatedPolicies?.[0]?.policy ?? '{}').Statement).toEqual(
      [
        {
          Effect: 'Allow',
          Action: ['s3:CreateBucket', 's3:ListAllMyBuckets', 's3:PutBucketTagging'],
          Resource: '*',
        },
      ],
    );
  });

  it('returns the same job for a repeated client token and refuses a second concurrent job', async () => {
    // Prepare
    const first = await aa.send(new StartPolicyGenerationCommand(request({ clientToken: 'generate-1' })));

    // Act
    const repeat = await aa.send(new StartPolicyGenerationCommand(request({ clientToken: 'generate-1' })));
    const second = await failure(
      aa.send(new StartPolicyGenerationCommand(request({ clientToken: 'generate-2' }))),
    );
    now = new Date(now.getTime() + 3000);
    const afterwards = await aa.send(
      new StartPolicyGenerationCommand(request({ clientToken: 'generate-2' })),
    );

    // Assess
    expect(repeat.jobId).toBe(first.jobId);
    expect(second).toBeInstanceOf(ConflictException);
    expect(second.$metadata.httpStatusCode).toBe(409);
    expect(afterwards.jobId).not.toBe(first.jobId);
  });

  it('fails the next job to finish with the armed jobError', async () => {
    // Prepare
    aws.failNextGeneration('AUTHORIZATION_ERROR', 'The service role cannot read the trail bucket.');
    const { jobId } = await aa.send(new StartPolicyGenerationCommand(request()));
    now = new Date(now.getTime() + 5000);

    // Act
    const out = await aa.send(new GetGeneratedPolicyCommand({ jobId }));

    // Assess
    expect(out.jobDetails).toMatchObject({
      status: 'FAILED',
      jobError: { code: 'AUTHORIZATION_ERROR', message: 'The service role cannot read the trail bucket.' },
    });
    expect(out.generatedPolicyResult?.generatedPolicies).toBeUndefined();
  });

  it('cancels an IN_PROGRESS job, which still counts in the listing', async () => {
    // Prepare
    const { jobId } = await aa.send(new StartPolicyGenerationCommand(request()));

    // Act
    await aa.send(new CancelPolicyGenerationCommand({ jobId }));
    now = new Date(now.getTime() + 10_000);
    const out = await aa.send(new GetGeneratedPolicyCommand({ jobId }));
    const listed = await aa.send(new ListPolicyGenerationsCommand({ principalArn: roleArn }));

    // Assess
    expect(out.jobDetails?.status).toBe('CANCELED');
    expect(listed.policyGenerations?.map((g) => [g.jobId, g.status, g.principalArn])).toEqual([
      [jobId, 'CANCELED', roleArn],
    ]);
  });

  it.each([
    [
      'an unknown principal',
      { policyGenerationDetails: { principalArn: 'arn:aws:iam::111122223333:role/Nobody' } },
    ],
    [
      'no trail',
      { cloudTrailDetails: { trails: [], accessRole, startTime: new Date('2024-04-01T00:00:00Z') } },
    ],
    [
      'no access role',
      {
        cloudTrailDetails: {
          trails: [{ cloudTrailArn: trailArn }],
          accessRole: '',
          startTime: new Date('2024-04-01T00:00:00Z'),
        },
      },
    ],
    [
      'more than 90 days',
      {
        cloudTrailDetails: {
          trails: [{ cloudTrailArn: trailArn }],
          accessRole,
          startTime: new Date('2024-01-01T00:00:00Z'),
        },
      },
    ],
  ])('refuses %s with ValidationException', async (_name, overrides) => {
    // Act
    const error = await failure(aa.send(new StartPolicyGenerationCommand(request(overrides))));

    // Assess
    expect(error).toBeInstanceOf(ValidationException);
  });

  it('allows 50 generations per day, cancelled ones included', async () => {
    // Prepare
    for (let i = 0; i < 50; i += 1) {
      const { jobId } = await aa.send(new StartPolicyGenerationCommand(request()));
      await aa.send(new CancelPolicyGenerationCommand({ jobId }));
    }

    // Act
    const error = await failure(aa.send(new StartPolicyGenerationCommand(request())));
    now = new Date(now.getTime() + DAY);
    const nextDay = await aa.send(new StartPolicyGenerationCommand(request()));

    // Assess
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.$metadata.httpStatusCode).toBe(402);
    expect(nextDay.jobId).toBeDefined();
  });
});
