import {
  AccessAnalyzerClient,
  ListPolicyGenerationsCommand,
  ValidatePolicyCommand,
} from '@aws-sdk/client-accessanalyzer';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  createPolicyGenerator,
  GENERATION_QUOTA_MESSAGE,
  PrincipalNotFoundError,
  serviceNamespacesOf,
  type GenerationJob,
  type PolicyGenerator,
  type StartGenerationInput,
} from '../../../src/aws/policy-generation';
import { AwsCallError } from '../../../src/errors';
import {
  createAwsStandin,
  seedExampleAccount,
  type AwsStandin,
  type ExampleAccount,
} from '../../../src/sandbox/aws-standin';
import { clientConfig, closeAll, credentials, failureOf } from '../sandbox/aws-standin/helpers';

const DAY = 24 * 60 * 60 * 1000;
const failure = failureOf<Error>;

describe('createPolicyGenerator on the AWS stand-in (real AccessAnalyzerClient and IAMClient)', () => {
  let aws: AwsStandin;
  let aa: AccessAnalyzerClient;
  let iam: IAMClient;
  let example: ExampleAccount;
  let generator: PolicyGenerator;
  let input: (overrides?: Partial<StartGenerationInput>) => StartGenerationInput;

  beforeEach(async () => {
    aws = await createAwsStandin({ analysisDelayMs: 0, policyGenerationMs: 60_000 });
    example = seedExampleAccount(aws);
    aa = new AccessAnalyzerClient(clientConfig(aws, { maxAttempts: 1 }));
    iam = new IAMClient(clientConfig(aws, { maxAttempts: 1 }));
    generator = createPolicyGenerator(aa, iam);
    const now = Date.now();
    input = (overrides = {}) => ({
      principalArn: example.bucketCreatorRole.arn,
      trailArn: example.trailArn,
      accessRoleArn: example.accessRoleArn,
      startTime: new Date(now - 30 * DAY),
      endTime: new Date(now),
      clientToken: 'iam-generate-T1-1',
      ...overrides,
    });
  });

  afterEach(() => closeAll(aws, aa, iam));

  /** Polls status() every 10 ms until the job is no longer IN_PROGRESS (at most 2 s). */
  async function poll(jobId: string): Promise<{ job: GenerationJob; polls: number }> {
    for (let polls = 1; polls <= 200; polls += 1) {
      const job = await generator.status(jobId);
      if (job.status !== 'IN_PROGRESS') return { job, polls };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`job ${jobId} still IN_PROGRESS`);
  }

  describe('principalArn', () => {
    it('gives the ARN of a role (GetRole) and of a user (GetUser)', async () => {
      // Prepare
      const user = aws.iam.createUser({ name: 'deploy-bot', path: '/ci/' });

      // Act
      const role = await generator.principalArn({ kind: 'role', name: 'BucketCreator' });
      const userArn = await generator.principalArn({ kind: 'user', name: 'deploy-bot' });

      // Assess
      expect(role).toBe('arn:aws:iam::111122223333:role/BucketCreator');
      expect(userArn).toBe(user.arn);
      expect(userArn).toBe('arn:aws:iam::111122223333:user/ci/deploy-bot');
    });

    it.each([
      ['role', 'Ghost', 'IAM has no role named `Ghost` in this account'],
      ['user', 'nobody', 'IAM has no user named `nobody` in this account'],
    ] as const)('says the %s %s is not found (NoSuchEntity)', async (kind, name, sentence) => {
      // Act
      const error = await failure(generator.principalArn({ kind, name }));

      // Assess
      expect(error).toBeInstanceOf(PrincipalNotFoundError);
      expect(error).toMatchObject({ code: 'principal_not_found', principal: { kind, name } });
      expect((error as PrincipalNotFoundError).userMessage).toContain(sentence);
      expect((error as PrincipalNotFoundError).userMessage).toContain('Nothing was started.');
    });

    it('names iam:GetRole when IAM answers AccessDenied', async () => {
      // Prepare
      aws.failNext('GetRole', { name: 'AccessDenied', status: 403, message: 'not authorized' });

      // Act
      const error = (await failure(
        generator.principalArn({ kind: 'role', name: 'BucketCreator' }),
      )) as AwsCallError;

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation: 'GetRole', awsCode: 'AccessDenied' });
      expect(error.userMessage).toContain('grant iam:GetRole');
    });
  });

  describe('start and status', () => {
    it('generates for BucketCreator a policy with only the recorded actions, polled to SUCCEEDED', async () => {
      // Prepare
      aws.setPolicyGenerationMs(40);
      const principalArn = await generator.principalArn({ kind: 'role', name: 'BucketCreator' });

      // Act
      const jobId = await generator.start(input({ principalArn }));
      const first = await generator.status(jobId);
      const { job, polls } = await poll(jobId);

      // Assess
      expect(first).toMatchObject({ jobId, status: 'IN_PROGRESS' });
      expect(first.policies).toBeUndefined();
      expect(polls).toBeGreaterThanOrEqual(1);
      expect(job).toMatchObject({ jobId, status: 'SUCCEEDED', serviceNamespaces: ['s3'], isComplete: true });
      expect(new Date(job.startedOn).getTime()).not.toBeNaN();
      expect(new Date(job.completedOn ?? '').getTime()).toBeGreaterThanOrEqual(
        new Date(job.startedOn).getTime(),
      );
      expect(job.policies?.map((p) => JSON.parse(p) as unknown)).toEqual([
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
      // AdministratorAccess grants `*`, but nothing beyond what the role used comes back.
      expect(job.policies?.join('')).not.toMatch(/"\*"\]|"Action":"\*"|iam:|ec2:/);
    });

    it('sends the documented request: all-Regions trail, access role, window, client token, placeholders on', async () => {
      // Prepare
      const request = input();

      // Act
      const jobId = await generator.start(request);
      await generator.status(jobId);

      // Assess
      expect(aws.callsTo('StartPolicyGeneration')[0]?.input).toMatchObject({
        policyGenerationDetails: { principalArn: example.bucketCreatorRole.arn },
        cloudTrailDetails: {
          trails: [{ cloudTrailArn: example.trailArn, allRegions: true }],
          accessRole: example.accessRoleArn,
          startTime: request.startTime.toISOString(),
          endTime: request.endTime.toISOString(),
        },
        clientToken: 'iam-generate-T1-1',
      });
      expect(aws.callsTo('GetGeneratedPolicy')[0]?.input).toMatchObject({
        jobId,
        includeResourcePlaceholders: true,
        includeServiceLevelTemplate: false,
      });
    });

    it('returns the same job for a retried command (same client token): never a second job', async () => {
      // Act
      const first = await generator.start(input());
      const retried = await generator.start(input());
      const listed = await aa.send(
        new ListPolicyGenerationsCommand({ principalArn: example.bucketCreatorRole.arn }),
      );

      // Assess
      expect(retried).toBe(first);
      expect(listed.policyGenerations?.map((g) => g.jobId)).toEqual([first]);
    });

    it('says another generation is running (ConflictException) for a second command meanwhile', async () => {
      // Prepare
      await generator.start(input());

      // Act
      const error = (await failure(
        generator.start(input({ clientToken: 'iam-generate-T1-2' })),
      )) as AwsCallError;

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation: 'StartPolicyGeneration', awsCode: 'ConflictException' });
      expect(error.userMessage).toContain('Another policy generation is already running');
      expect(error.userMessage).toContain('Nothing was started.');
    });

    it('gives the daily quota sentence after 50 generations in a day (ServiceQuotaExceededException)', async () => {
      // Prepare
      for (let i = 0; i < 50; i += 1) {
        const jobId = await generator.start(input({ clientToken: `quota-${i}` }));
        await generator.cancel(jobId);
      }

      // Act
      const error = (await failure(generator.start(input({ clientToken: 'quota-51' })))) as AwsCallError;

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        operation: 'StartPolicyGeneration',
        awsCode: 'ServiceQuotaExceededException',
        userMessage: GENERATION_QUOTA_MESSAGE,
      });
      expect(error.userMessage).toContain('50 a day');
    });

    it("quotes Access Analyzer's ValidationException (a window over 90 days)", async () => {
      // Prepare
      const request = input({ startTime: new Date(Date.now() - 91 * DAY) });

      // Act
      const error = (await failure(generator.start(request))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'StartPolicyGeneration', awsCode: 'ValidationException' });
      expect(error.userMessage).toContain('"The CloudTrail time range cannot exceed 90 days"');
      expect(error.userMessage).toContain(example.bucketCreatorRole.arn);
    });

    it('names StartPolicyGeneration and iam:PassRole on the access role when AccessDenied', async () => {
      // Prepare
      aws.failNext('StartPolicyGeneration', {
        name: 'AccessDeniedException',
        status: 403,
        message: 'not authorized to perform iam:PassRole',
      });

      // Act
      const error = (await failure(generator.start(input()))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'StartPolicyGeneration', awsCode: 'AccessDeniedException' });
      expect(error.userMessage).toContain('access-analyzer:StartPolicyGeneration');
      expect(error.userMessage).toContain(`iam:PassRole on the access role \`${example.accessRoleArn}\``);
      expect(error.userMessage).toContain('AWS said: "not authorized to perform iam:PassRole"');
    });

    it('reports a FAILED job with its code and reason', async () => {
      // Prepare
      aws.setPolicyGenerationMs(20);
      aws.failNextGeneration('AUTHORIZATION_ERROR', 'The service role cannot read the trail bucket.');
      const jobId = await generator.start(input());

      // Act
      const { job } = await poll(jobId);

      // Assess
      expect(job).toMatchObject({
        status: 'FAILED',
        failureCode: 'AUTHORIZATION_ERROR',
        failureReason: 'The service role cannot read the trail bucket.',
      });
      expect(job.policies).toBeUndefined();
    });

    it('says which job Access Analyzer does not know (ValidationException on GetGeneratedPolicy)', async () => {
      // Act
      const error = (await failure(generator.status('00000000-0000-0000-0000-000000000000'))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'GetGeneratedPolicy', awsCode: 'ValidationException' });
      expect(error.userMessage).toContain('job `00000000-0000-0000-0000-000000000000`');
    });
  });

  describe('cancel', () => {
    it('cancels a running job, then reports it as finished without calling Cancel again', async () => {
      // Prepare
      const jobId = await generator.start(input());

      // Act
      const canceled = await generator.cancel(jobId);
      const status = await generator.status(jobId);
      const again = await generator.cancel(jobId);

      // Assess
      expect(canceled).toEqual({ status: 'CANCELED', canceled: true, alreadyFinished: false });
      expect(status.status).toBe('CANCELED');
      expect(again).toEqual({ status: 'CANCELED', canceled: false, alreadyFinished: true });
      expect(aws.callsTo('CancelPolicyGeneration')).toHaveLength(1);
    });

    it('reports a job that already SUCCEEDED, with no error and nothing changed', async () => {
      // Prepare
      aws.setPolicyGenerationMs(10);
      const jobId = await generator.start(input());
      await poll(jobId);

      // Act
      const outcome = await generator.cancel(jobId);

      // Assess
      expect(outcome).toEqual({ status: 'SUCCEEDED', canceled: false, alreadyFinished: true });
      expect((await generator.status(jobId)).status).toBe('SUCCEEDED');
      expect(aws.callsTo('CancelPolicyGeneration')).toHaveLength(0);
    });

    it('names the permission when CancelPolicyGeneration is denied', async () => {
      // Prepare
      const jobId = await generator.start(input());
      aws.failNext('CancelPolicyGeneration', { name: 'AccessDeniedException', status: 403 });

      // Act
      const error = (await failure(generator.cancel(jobId))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'CancelPolicyGeneration', awsCode: 'AccessDeniedException' });
      expect(error.userMessage).toContain('access-analyzer:CancelPolicyGeneration');
      expect((await generator.status(jobId)).status).toBe('IN_PROGRESS');
    });
  });

  describe('validate', () => {
    it('finds nothing wrong in the generated policy', async () => {
      // Prepare
      aws.setPolicyGenerationMs(10);
      const { job } = await poll(await generator.start(input()));

      // Act
      const result = await generator.validate(job.policies?.[0] ?? '');

      // Assess
      expect(result).toEqual({ errors: [], securityWarnings: [], warnings: [], suggestions: [] });
      expect(aws.callsTo('ValidatePolicy')[0]?.input).toMatchObject({ policyType: 'IDENTITY_POLICY' });
    });

    it('groups findings by severity, over every page', async () => {
      // Prepare: no Version (warning), PassRole on * (security warning), 120 statements without Resource.
      const statements = [
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
        ...Array.from({ length: 120 }, (_, i) => ({ Effect: 'Allow', Action: `s3:Action${i}` })),
      ];
      const policy = JSON.stringify({ Statement: statements });

      // Act
      const result = await generator.validate(policy);

      // Assess
      expect(result.errors).toHaveLength(120);
      expect(result.errors[0]).toEqual({
        issueCode: 'MISSING_RESOURCE',
        findingDetails: 'Add a Resource or NotResource element to the statement.',
        learnMoreLink: expect.stringContaining('access-analyzer-reference-policy-checks') as unknown,
      });
      expect(result.securityWarnings.map((n) => n.issueCode)).toEqual(['PASS_ROLE_WITH_STAR_IN_RESOURCE']);
      expect(result.warnings.map((n) => n.issueCode)).toEqual(['MISSING_VERSION']);
      expect(result.suggestions).toEqual([]);
      expect(aws.callsTo('ValidatePolicy').length).toBeGreaterThanOrEqual(2);
    });

    it('reports broken JSON as an error finding', async () => {
      // Act
      const result = await generator.validate('{"Version": "2012-10-17", "Statement": [');

      // Assess
      expect(result.errors.map((n) => n.issueCode)).toEqual(['JSON_SYNTAX_ERROR']);
    });

    it('names access-analyzer:ValidatePolicy when it is denied', async () => {
      // Prepare
      aws.failNext('ValidatePolicy', { name: 'AccessDeniedException', status: 403 });

      // Act
      const error = (await failure(generator.validate('{}'))) as AwsCallError;

      // Assess
      expect(error).toMatchObject({ operation: 'ValidatePolicy', awsCode: 'AccessDeniedException' });
      expect(error.userMessage).toContain('access-analyzer:ValidatePolicy');
    });
  });
});

describe('createPolicyGenerator.validate grouping (stubbed client)', () => {
  it('puts each findingType in its group, suggestions included, and keeps unknown types as warnings', async () => {
    // Prepare
    const pages = [
      {
        findings: [
          { findingType: 'SUGGESTION', issueCode: 'EMPTY_ARRAY_ACTION', findingDetails: 'No actions.' },
          { findingType: 'ERROR', issueCode: 'MISSING_RESOURCE', findingDetails: 'Add a Resource.' },
        ],
        nextToken: 'page-2',
      },
      {
        findings: [
          {
            findingType: 'SECURITY_WARNING',
            issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE',
            findingDetails: 'x',
          },
          { findingType: 'NEW_KIND', issueCode: 'SOMETHING_NEW', findingDetails: 'y' },
        ],
      },
    ];
    const inputs: unknown[] = [];
    const aa = new AccessAnalyzerClient({ region: 'us-west-2', credentials });
    jest.spyOn(aa, 'send').mockImplementation(async (command: unknown) => {
      inputs.push((command as ValidatePolicyCommand).input);
      return pages[inputs.length - 1];
    });
    const generator = createPolicyGenerator(aa, {} as IAMClient);

    // Act
    const result = await generator.validate('{"Version":"2012-10-17","Statement":[]}');
    aa.destroy();

    // Assess
    expect(result).toEqual({
      errors: [{ issueCode: 'MISSING_RESOURCE', findingDetails: 'Add a Resource.' }],
      securityWarnings: [{ issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE', findingDetails: 'x' }],
      warnings: [{ issueCode: 'SOMETHING_NEW', findingDetails: 'y' }],
      suggestions: [{ issueCode: 'EMPTY_ARRAY_ACTION', findingDetails: 'No actions.' }],
    });
    expect(inputs).toEqual([
      expect.objectContaining({ policyType: 'IDENTITY_POLICY', maxResults: 100 }),
      expect.objectContaining({ policyType: 'IDENTITY_POLICY', nextToken: 'page-2' }),
    ]);
  });
});

describe('serviceNamespacesOf', () => {
  it('collects the service prefixes of all actions, lower-cased and sorted, skipping unreadable policies', () => {
    // Act
    const namespaces = serviceNamespacesOf([
      '{"Statement":[{"Effect":"Allow","Action":["s3:CreateBucket","EC2:Run*"],"Resource":"*"}]}',
      '{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}',
      'not json',
      '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    ]);

    // Assess
    expect(namespaces).toEqual(['ec2', 'kms', 's3']);
  });
});
