/**
 * Issue #6 review fixes, starts that do not get through: a job still STARTING after POLICY_GENERATION_TIMEOUT
 * (its start kept failing) is ended FAILED by the poll instead of being started late, and a job whose progress
 * message Slack would not take is ended at once (the requester is told privately) instead of being started
 * later behind their back. Either way the role is free again: the next `/iam-generate` for it runs.
 */
import { type GenerationHarness, ROLE_NAME, settle, startGenerationHarness } from '../../helpers/generation';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import { APPROVER1 } from '../../helpers/deny';

const MINUTE = 60_000;
/** What the bot asked AWS to start a generation (GetRole, then StartPolicyGeneration). */
const startCalls = (h: GenerationHarness) =>
  h.aws.calls.filter((c) => c.operation === 'GetRole' || c.operation === 'StartPolicyGeneration').length;
const generationMessages = (h: GenerationHarness) =>
  h.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Least-privilege policy'));

/**
 * Waits until the bot's first findings reconciliation ran and it and Slack have been quiet for a moment: the
 * finding messages it posts, if any, are out of the way of a `failNext('chat.postMessage')`.
 */
async function slackQuiet(h: GenerationHarness, quietMs = 500): Promise<void> {
  let seen = -1;
  let since = Date.now();
  await eventually(() => {
    const findingReads = h.aws.calls.filter((c) => c.operation.includes('Finding')).length;
    const activity = h.slack.callsTo('chat.postMessage').length + findingReads;
    if (activity !== seen) [seen, since] = [activity, Date.now()];
    return findingReads > 0 && Date.now() - since >= quietMs;
  }, 10_000);
}

describe('/iam-generate: starts that never got through', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('ends a job still STARTING after the timeout, without starting it, and frees the role', async () => {
    // Prepare: a job whose start kept failing for two hours (its lease runs out in 30 s); it holds the role
    h = await startGenerationHarness();
    const now = h.clock.now();
    const jobId = 'stuck000000000000000000000000000';
    await h.bot.stores.generations.create({
      id: jobId,
      requester: ONCALL,
      principal: { kind: 'role', name: ROLE_NAME },
      days: 30,
      startTime: new Date(now - 2 * 60 * MINUTE - 30 * 24 * 60 * MINUTE).toISOString(),
      endTime: new Date(now - 2 * 60 * MINUTE).toISOString(),
      status: 'STARTING',
      createdAt: now - 2 * 60 * MINUTE,
      polls: 0,
      nextPollAt: now + 30_000,
    });
    await h.generate(ROLE_NAME, APPROVER1);
    expect((await h.ephemeralMatching(APPROVER1, /already running/)).text).toContain(
      `A policy generation for role \`${ROLE_NAME}\` is already running, started by <@${ONCALL}>`,
    );
    const startsBefore = startCalls(h);

    // Act: its lease runs out; the poll finds it
    h.clock.advance(MINUTE);
    await h.bot.generations.runDue();

    // Assess: FAILED, not started late
    const job = await h.untilStatus(jobId, 'FAILED');
    expect(job.error).toBe('The generation could not be started within 1h 00m.');
    expect(job.nextPollAt).toBeUndefined();
    expect(job.awsJobId).toBeUndefined();
    expect(startCalls(h)).toBe(startsBefore);
    expect(generationMessages(h)).toEqual([]);

    // Act: a new command for the role
    const next = await h.generate(ROLE_NAME);

    // Assess: it runs
    const running = await h.untilStatus(next.jobId, 'IN_PROGRESS');
    expect(running.awsJobId).toBeDefined();
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(1);
  });

  it('ends a job whose progress message cannot be posted, tells the requester, and never starts it later', async () => {
    // Prepare: Slack will refuse the next message the bot posts
    h = await startGenerationHarness();
    await slackQuiet(h);
    const startsBefore = startCalls(h);
    const postsBefore = h.slack.callsTo('chat.postMessage').length;
    h.slack.failNext('chat.postMessage', { error: 'internal_error' });

    // Act
    const { ack, jobId } = await h.generate(ROLE_NAME);

    // Assess: Olivia is told privately; the job ended FAILED before any AWS call
    expect(ack).toMatch(/^Starting policy generation for role `BucketCreator`/);
    const told = await h.ephemeralMatching(ONCALL, /chat\.postMessage/);
    expect(told.text).toBe(':warning: Slack refused chat.postMessage (internal_error).');
    const refusedPost = h.slack.callsTo('chat.postMessage')[postsBefore];
    expect(refusedPost).toMatchObject({ ok: false, error: 'internal_error' });
    expect(String(refusedPost?.args.text)).toMatch(/^Least-privilege policy/);
    const job = await h.untilStatus(jobId, 'FAILED');
    expect(job.error).toBe(
      'The progress message could not be posted: Slack refused chat.postMessage (internal_error).',
    );
    expect(job.message).toBeUndefined();
    expect(job.nextPollAt).toBeUndefined();
    expect(startCalls(h)).toBe(startsBefore);

    // Act: long past the start's lease, the poll runs
    h.clock.advance(5 * MINUTE);
    await h.bot.generations.runDue();
    await settle(200);

    // Assess: still nothing started, nothing posted
    expect(startCalls(h)).toBe(startsBefore);
    expect(generationMessages(h)).toEqual([]);
    expect((await h.job(jobId)).status).toBe('FAILED');

    // Act: Olivia runs the command again
    const again = await h.generate(ROLE_NAME);

    // Assess: accepted, posted and started
    const running = await h.untilStatus(again.jobId, 'IN_PROGRESS');
    expect(running.message).toBeDefined();
    expect(generationMessages(h)).toHaveLength(1);
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(1);
  });
});
