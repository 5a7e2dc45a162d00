/**
 * Issue #6, what `/iam-generate` refuses before doing anything: a command it cannot read is answered in the
 * command's own (private) ack with what is wrong and the usage, and a deployment without the trail or the access
 * role says which variable is missing. Either way no job is stored, no message is posted and AWS is not called
 * (the Access Analyzer findings reads of the bot's own reconciliation aside).
 */
import { type GenerationHarness, settle, startGenerationHarness } from '../../helpers/generation';
import { CHANNEL, ONCALL } from '../../helpers/harness';

const USAGE = 'Usage: `/iam-generate <role-name> [--days N] [--user]`';
/** Calls of the bot's findings reconciliation, which runs on its own schedule and is not about the command. */
const FINDINGS_READ = /Finding|Analyzer/;

/** What the bot did for the command: AWS calls (findings reads aside), generation messages, the stored job. */
async function traces(h: GenerationHarness, callsBefore: number, jobId: string) {
  await settle(250);
  return {
    awsCalls: h.aws.calls
      .slice(callsBefore)
      .filter((c) => !FINDINGS_READ.test(c.operation))
      .map((c) => c.operation),
    generationMessages: h.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Least-privilege policy')),
    job: await h.bot.generations.get(jobId),
  };
}

const nothing = { awsCalls: [], generationMessages: [], job: undefined };

describe('/iam-generate with input it cannot use', () => {
  let h: GenerationHarness;
  beforeAll(async () => {
    h = await startGenerationHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    ['no argument', '', /Give the name of the role/],
    ['a name with a slash', 'a/b', /`a\/b` is not a valid IAM name/],
    ['a 65-character name', 'r'.repeat(65), /too long for an IAM name \(at most 64 characters\)/],
    [
      'an ARN instead of a name',
      'arn:aws:iam::111122223333:role/BucketCreator',
      /Give the name, not the ARN: `\/iam-generate BucketCreator`/,
    ],
    [
      '--days 0',
      'BucketCreator --days 0',
      /`--days 0` is not possible: give a whole number of days from 1 to 90/,
    ],
    ['--days 91', 'BucketCreator --days 91', /`--days 91` is not possible/],
    ['--days without a number', 'BucketCreator --days', /`--days` needs a number of days/],
    ['an unknown flag', 'BucketCreator --force', /Unknown option `--force`/],
    ['a second name', 'BucketCreator Other', /Unexpected `Other`: give one name, then options/],
  ])('answers %s privately with the usage, and starts nothing', async (_what, text, problem) => {
    // Prepare
    const callsBefore = h.aws.calls.length;
    const ephemeralsBefore = h.slack.ephemerals({ user: ONCALL }).length;

    // Act
    const { status, ack, jobId } = await h.generate(text);

    // Assess: the ack itself says what is wrong, then the usage; the person sees it privately
    expect(status).toBe(200);
    expect(ack).toMatch(problem);
    expect(ack).toContain(USAGE);
    const shown = h.slack.ephemerals({ user: ONCALL }).slice(ephemeralsBefore);
    expect(shown.map((e) => e.text)).toEqual([ack]);
    // Assess: nothing else happened
    expect(await traces(h, callsBefore, jobId)).toEqual(nothing);
  });
});

describe('/iam-generate in a deployment without policy generation settings', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('names both missing variables when neither the trail nor the access role is set, and starts nothing', async () => {
    // Prepare
    h = await startGenerationHarness({ withoutTrail: true, withoutRole: true });
    expect(h.config.policyGeneration.trailArn).toBeUndefined();
    const callsBefore = h.aws.calls.length;

    // Act
    const { status, ack, jobId } = await h.generate('BucketCreator');

    // Assess
    expect(status).toBe(200);
    expect(ack).toMatch(/Policy generation is not configured in this deployment/);
    expect(ack).toContain('POLICY_GENERATION_TRAIL_ARN');
    expect(ack).toContain('POLICY_GENERATION_ROLE_ARN');
    expect(ack).toMatch(/Nothing was started/);
    expect(await traces(h, callsBefore, jobId)).toEqual(nothing);
  });

  it('names only the access role when the trail is set', async () => {
    // Prepare
    h = await startGenerationHarness({ withoutRole: true });
    const callsBefore = h.aws.calls.length;

    // Act
    const { ack, jobId } = await h.generate('BucketCreator --days 7');

    // Assess
    expect(ack).toContain('POLICY_GENERATION_ROLE_ARN');
    expect(ack).not.toContain('POLICY_GENERATION_TRAIL_ARN');
    expect(await traces(h, callsBefore, jobId)).toEqual(nothing);
  });
});
