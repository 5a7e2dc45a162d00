/**
 * Issue #6, when a generation does not produce a policy: an unknown role, Access Analyzer refusing the start
 * (AccessDenied, the daily quota), a job Access Analyzer reports FAILED, Cancel, a second command for the same
 * role while one runs, and the bot's timeout. Each ends with a clear sentence in the job's message (or, for the
 * second command, privately to whoever typed it), no Cancel or Request attach button, and nothing attached.
 */
import type { JobErrorCode } from '../../../src/sandbox/aws-standin';
import { APPROVER1 } from '../../helpers/deny';
import {
  buttonsOf,
  type GenerationHarness,
  ROLE_NAME,
  settle,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';

/** The role still has only AdministratorAccess, and no policy was created. */
async function nothingAttached(h: GenerationHarness): Promise<void> {
  expect((await h.attachedPolicies()).map((p) => p.PolicyName)).toEqual(['AdministratorAccess']);
  expect(h.aws.callsTo('CreatePolicy')).toHaveLength(0);
  expect(h.aws.callsTo('AttachRolePolicy')).toHaveLength(0);
}

describe('/iam-generate: generations that fail', () => {
  let h: GenerationHarness;
  beforeAll(async () => {
    h = await startGenerationHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('says the role does not exist, and starts no Access Analyzer job', async () => {
    // Prepare
    const starts = h.aws.callsTo('StartPolicyGeneration').length;

    // Act
    const { ack, jobId } = await h.generate('NoSuchRole');

    // Assess
    expect(ack).toMatch(/^Starting policy generation for role `NoSuchRole`/);
    const job = await h.untilStatus(jobId, 'FAILED');
    expect(job.awsJobId).toBeUndefined();
    const message = await h.messageWhen(jobId, (t) => t.includes('Generation failed'));
    expect(shownText(message)).toContain('IAM has no role named `NoSuchRole` in this account');
    expect(shownText(message)).toContain('Run `/iam-generate NoSuchRole --days 30` to try again.');
    expect(buttonsOf(message)).toEqual([]);
    expect(h.aws.callsTo('GetRole').map((c) => c.input)).toContainEqual({ RoleName: 'NoSuchRole' });
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(starts);
    await nothingAttached(h);
  });

  it.each([
    [
      'AccessDenied',
      { name: 'AccessDeniedException', status: 403 },
      /not allowed to call Access Analyzer StartPolicyGeneration \(AccessDenied\).*iam:PassRole on the access role `arn:aws:iam::111122223333:role\/service-role\/AccessAnalyzerMonitorServiceRole_EXAMPLE`/,
    ],
    [
      'the daily quota',
      { name: 'ServiceQuotaExceededException', status: 402 },
      /the daily quota of policy generations \(50 a day per Region.*Nothing was started; try again later/,
    ],
  ])('says why when StartPolicyGeneration is refused (%s)', async (_what, error, reason) => {
    // Prepare
    h.aws.failNext('StartPolicyGeneration', error);
    const starts = h.aws.callsTo('StartPolicyGeneration').length;

    // Act
    const { jobId } = await h.generate(ROLE_NAME);

    // Assess: the refusal reached AWS once and the message says why
    const job = await h.untilStatus(jobId, 'FAILED');
    expect(job.awsJobId).toBeUndefined();
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(starts + 1);
    const message = await h.messageWhen(jobId, (t) => t.includes('Generation failed'));
    expect(shownText(message)).toMatch(reason);
    expect(buttonsOf(message)).toEqual([]);
    await nothingAttached(h);
  });

  it.each<[JobErrorCode, string]>([
    ['AUTHORIZATION_ERROR', 'Access Denied reading s3://example-trail-bucket/AWSLogs'],
    ['SERVICE_QUOTA_EXCEEDED_ERROR', 'Too many CloudTrail log files in the window'],
  ])('shows the reason when Access Analyzer reports the job FAILED (%s)', async (code, reason) => {
    // Prepare
    h.aws.failNextGeneration(code, reason);

    // Act
    const { jobId } = await h.generate(ROLE_NAME);
    await h.untilStatus(jobId, 'IN_PROGRESS');
    const job = await h.finish(jobId);

    // Assess
    expect(job.status).toBe('FAILED');
    expect(job.awsJobId).toBeDefined();
    const message = await h.messageWhen(jobId, (t) => t.includes('Generation failed'));
    expect(shownText(message)).toContain(`Access Analyzer could not generate the policy: ${reason}.`);
    expect(buttonsOf(message)).toEqual([]);
    await nothingAttached(h);
  });
});

describe('/iam-generate: stopped before Access Analyzer finished', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('cancels the Access Analyzer job when Cancel is clicked, and says who cancelled', async () => {
    // Prepare: a generation that takes a minute
    h = await startGenerationHarness({ generationMs: 60_000 });
    const { jobId } = await h.generate(ROLE_NAME);
    const running = await h.untilStatus(jobId, 'IN_PROGRESS');
    // One status check: still running, the bar has moved
    h.clock.advance(30_000);
    await h.bot.generations.runDue();
    const progress = await h.messageWhen(jobId, (t) => t.includes('1 status check so far'));
    expect(shownText(progress)).toMatch(/`▓+░* [1-9]\d?%`/);

    // Act: Olivia clicks Cancel
    const res = await h.slack.clickButton({
      channel: CHANNEL,
      ts: progress.ts,
      actionId: 'generation.cancel',
      userId: ONCALL,
    });

    // Assess: CANCELED by Olivia, in the bot and in Access Analyzer
    expect(res.status).toBe(200);
    const job = await h.untilStatus(jobId, 'CANCELED');
    expect(job.canceledBy).toBe(ONCALL);
    expect(h.aws.callsTo('CancelPolicyGeneration').map((c) => c.input)).toEqual([
      { jobId: running.awsJobId },
    ]);
    expect(await h.awsJobStatus(running.awsJobId!)).toBe('CANCELED');
    const message = await h.messageWhen(jobId, (t) => t.includes('Canceled'));
    expect(shownText(message)).toContain('🚫 *Canceled* by <@U0ONCALL>');
    expect(buttonsOf(message)).toEqual([]);
    // Polling stopped
    const polls = h.aws.callsTo('GetGeneratedPolicy').length;
    h.clock.advance(120_000);
    await h.bot.generations.runDue();
    expect(h.aws.callsTo('GetGeneratedPolicy')).toHaveLength(polls);
    await nothingAttached(h);
  });

  it('refuses a second command for the same role while one runs, pointing to the first', async () => {
    // Prepare: Olivia's generation is running
    h = await startGenerationHarness({ generationMs: 60_000 });
    const first = await h.generate(ROLE_NAME);
    await h.untilStatus(first.jobId, 'IN_PROGRESS');

    // Act: Aaron asks for the same role (IAM names are case-insensitive)
    const second = await h.generate('bucketcreator --days 7', APPROVER1);

    // Assess: Aaron is told privately where the running one is; no second job, message or AWS start
    const refusal = await h.ephemeralMatching(APPROVER1, /already running/);
    expect(refusal.text).toContain(
      'A policy generation for role `BucketCreator` is already running, started by <@U0ONCALL> (see the message in <#C0SECURITY>)',
    );
    await settle();
    expect(await h.bot.generations.get(second.jobId)).toBeUndefined();
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(1);
    expect(h.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Least-privilege policy'))).toHaveLength(
      1,
    );
    expect((await h.job(first.jobId)).status).toBe('IN_PROGRESS');
  });

  it('cancels a job still running after POLICY_GENERATION_TIMEOUT and reports it TIMED_OUT', async () => {
    // Prepare: a one-minute timeout, and Access Analyzer taking longer
    h = await startGenerationHarness({ generationMs: 10 * 60_000, env: { POLICY_GENERATION_TIMEOUT: '1m' } });
    const { jobId } = await h.generate(ROLE_NAME);
    const running = await h.untilStatus(jobId, 'IN_PROGRESS');

    // Act: a poll before the timeout
    h.clock.advance(30_000);
    await h.bot.generations.runDue();

    // Assess: still running
    expect((await h.job(jobId)).status).toBe('IN_PROGRESS');
    expect(h.aws.callsTo('CancelPolicyGeneration')).toHaveLength(0);

    // Act: the next poll after the timeout
    h.clock.advance(31_000);
    await h.bot.generations.runDue();

    // Assess: the bot cancelled Access Analyzer's job and says it timed out
    const job = await h.untilStatus(jobId, 'TIMED_OUT');
    expect(job.error).toMatch(/still generating after 1m 00s \(POLICY_GENERATION_TIMEOUT\)/);
    expect(h.aws.callsTo('CancelPolicyGeneration').map((c) => c.input)).toEqual([
      { jobId: running.awsJobId },
    ]);
    expect(await h.awsJobStatus(running.awsJobId!)).toBe('CANCELED');
    const message = await h.messageWhen(jobId, (t) => t.includes('Timed out'));
    expect(shownText(message)).toContain('⌛ *Timed out*');
    expect(shownText(message)).toContain('Try a shorter window (`--days`), or raise the timeout.');
    expect(buttonsOf(message)).toEqual([]);
    await nothingAttached(h);
    await eventually(async () => (await h.bot.stores.generations.due(Number.MAX_SAFE_INTEGER)).length === 0);
  });
});
