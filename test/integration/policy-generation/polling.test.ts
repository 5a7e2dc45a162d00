/**
 * Issue #6 review fixes, following a running generation: an error of GetGeneratedPolicy that polling again will
 * not cure (AccessDenied, the job unknown to Access Analyzer) ends the job FAILED at the first poll, saying why,
 * instead of polling until the timeout; a passing one (throttling, a 500) is polled again and the job still
 * succeeds; and a job that SUCCEEDED in Access Analyzer but is looked at only after POLICY_GENERATION_TIMEOUT
 * keeps its result (the status is read before the deadline is applied).
 */
import {
  buttonsOf,
  type GenerationHarness,
  ROLE_NAME,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';
import { eventually } from '../../helpers/harness';

const MINUTE = 60_000;

/** Runs the command and waits until its job runs in Access Analyzer and Access Analyzer has finished it. */
async function finishedInAccessAnalyzer(h: GenerationHarness) {
  const { jobId } = await h.generate(ROLE_NAME);
  const running = await h.untilStatus(jobId, 'IN_PROGRESS');
  await eventually(async () => (await h.awsJobStatus(running.awsJobId!)) === 'SUCCEEDED');
  return { jobId, awsJobId: running.awsJobId! };
}

describe('/iam-generate: errors while polling', () => {
  let h: GenerationHarness;
  beforeAll(async () => {
    h = await startGenerationHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    [
      'AccessDenied',
      { name: 'AccessDeniedException', status: 403 },
      /^The bot cannot follow the job: The bot's AWS role is not allowed to call Access Analyzer GetGeneratedPolicy \(AccessDenied\)\. Ask the team that runs the bot to grant access-analyzer:GetGeneratedPolicy\./,
    ],
    [
      'the job unknown to Access Analyzer',
      { name: 'ResourceNotFoundException', status: 404, message: 'Job not found' },
      /^The bot cannot follow the job: Access Analyzer GetGeneratedPolicy failed \(ResourceNotFoundException, HTTP 404\)/,
    ],
  ])(
    'ends the job FAILED at the first poll that meets %s, and polls no more',
    async (_what, error, reason) => {
      // Prepare: the job finished in Access Analyzer, but the bot will not be allowed to read it
      const { jobId } = await finishedInAccessAnalyzer(h);
      const polls = h.aws.callsTo('GetGeneratedPolicy').length;
      h.aws.failNext('GetGeneratedPolicy', error);

      // Act: the next poll
      h.clock.advance(MINUTE);
      await h.bot.generations.runDue();

      // Assess: FAILED at once (not left to time out), with the reason in the message
      const job = await h.untilStatus(jobId, 'FAILED');
      expect(job.error).toMatch(reason);
      expect(job.nextPollAt).toBeUndefined();
      const message = await h.messageWhen(jobId, (t) => t.includes('Generation failed'));
      expect(shownText(message)).toContain('The bot cannot follow the job:');
      expect(shownText(message)).not.toContain('Timed out');
      expect(buttonsOf(message)).toEqual([]);
      // Assess: no more polls, also long after
      h.clock.advance(2 * 60 * MINUTE);
      await h.bot.generations.runDue();
      expect(h.aws.callsTo('GetGeneratedPolicy')).toHaveLength(polls + 1);
      expect((await h.job(jobId)).status).toBe('FAILED');
    },
  );

  it.each([
    ['throttling', { name: 'ThrottlingException', status: 429 }],
    ['an internal error', { name: 'InternalServerException', status: 500 }],
  ])('polls again after %s, and the job still succeeds', async (_what, error) => {
    // Prepare: the job finished in Access Analyzer; its next GetGeneratedPolicy fails (every SDK attempt)
    const { jobId } = await finishedInAccessAnalyzer(h);
    const warnings = h.logs.filter((l) =>
      l.includes('GetGeneratedPolicy failed; polling again later'),
    ).length;
    h.aws.failNext('GetGeneratedPolicy', error, 2);

    // Act: the next poll
    h.clock.advance(MINUTE);
    await h.bot.generations.runDue();

    // Assess: still running, another poll planned
    const after = await h.job(jobId);
    expect(after.status).toBe('IN_PROGRESS');
    expect(after.polls).toBe(1);
    expect(after.nextPollAt).toBeGreaterThan(h.clock.now());
    expect(
      h.logs.filter((l) => l.includes('GetGeneratedPolicy failed; polling again later')).length,
    ).toBeGreaterThan(warnings);

    // Act: the poll after that
    const job = await h.finish(jobId);

    // Assess: the result is there
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result?.summary.actions).toEqual([
      's3:CreateBucket',
      's3:ListAllMyBuckets',
      's3:PutBucketTagging',
    ]);
    await h.messageWhen(jobId, (t) => t.includes('Policy generated'));
  });
});

describe('/iam-generate: a job looked at only after the timeout', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('keeps the result of a job that succeeded before the timeout was noticed', async () => {
    // Prepare: a one-minute timeout; Access Analyzer finishes the job at once, the bot has not polled yet
    h = await startGenerationHarness({ env: { POLICY_GENERATION_TIMEOUT: '1m' } });
    const { jobId } = await finishedInAccessAnalyzer(h);
    const created = (await h.job(jobId)).createdAt;

    // Act: the first poll comes after the timeout
    h.clock.advance(2 * MINUTE);
    expect(h.clock.now() - created).toBeGreaterThan(MINUTE);
    await h.bot.generations.runDue();

    // Assess: SUCCEEDED with its result; nothing cancelled
    const job = await h.untilStatus(jobId, 'SUCCEEDED');
    expect(job.error).toBeUndefined();
    expect(job.result?.summary.actions).toEqual([
      's3:CreateBucket',
      's3:ListAllMyBuckets',
      's3:PutBucketTagging',
    ]);
    expect(h.aws.callsTo('CancelPolicyGeneration')).toHaveLength(0);
    const message = await h.messageWhen(jobId, (t) => t.includes('Policy generated'));
    expect(shownText(message)).not.toContain('Timed out');
    expect(buttonsOf(message)).toEqual(['generation.request-attach']);
  });
});
