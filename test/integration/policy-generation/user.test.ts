/**
 * Issue #6, `--user`: the generation reads an IAM user's activity (GetUser, not GetRole), shows the policy, and
 * says attaching from Slack is for roles (no Request attach button; the gap is for roles only). Without
 * `--user` the same name is looked up as a role, and IAM has none.
 */
import {
  buttonsOf,
  type GenerationHarness,
  generated,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';

const USER = 'ci-deployer';
const DAY = 24 * 60 * 60 * 1000;

describe('/iam-generate <user> --user', () => {
  let h: GenerationHarness;
  beforeAll(async () => {
    h = await startGenerationHarness({
      seed: ({ aws }) => {
        const user = aws.iam.createUser({ name: USER });
        const at = new Date(aws.now().getTime() - 3 * DAY);
        aws.recordActivity(user.arn, { service: 'ecr', action: 'GetAuthorizationToken', at });
        aws.recordActivity(user.arn, {
          service: 'ecs',
          action: 'UpdateService',
          resource: `arn:aws:ecs:${aws.region}:${aws.account}:service/prod/web`,
          at,
        });
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("generates the user's policy and says attaching is for roles", async () => {
    // Act
    const { ack, job, message } = await generated(h, `${USER} --user --days 14`);

    // Assess
    expect(ack).toMatch(/^Starting policy generation for user `ci-deployer` from 14 days/);
    expect(job.principal).toEqual({
      kind: 'user',
      name: USER,
      arn: `arn:aws:iam::${h.aws.account}:user/${USER}`,
    });
    expect(job.result?.summary.actions).toEqual(['ecr:GetAuthorizationToken', 'ecs:UpdateService']);
    const text = shownText(message);
    expect(text).toContain('*2 actions* in *2 services*: `ecr`, `ecs`');
    expect(text).toContain(
      'Attaching from Slack is for roles: for user `ci-deployer`, create a managed policy from the JSON',
    );
    expect(text).toContain('The gap with the current policies is computed for roles only.');
    expect(buttonsOf(message)).toEqual([]);
    expect(h.aws.callsTo('GetUser').map((c) => c.input)).toContainEqual({ UserName: USER });
    expect(h.aws.callsTo('GetRole').map((c) => c.input)).not.toContainEqual({ RoleName: USER });
  });

  it('looks the name up as a role without --user, and says IAM has no such role', async () => {
    // Act
    const { jobId } = await h.generate(USER);

    // Assess
    const job = await h.untilStatus(jobId, 'FAILED');
    expect(job.principal.kind).toBe('role');
    const message = await h.messageWhen(jobId, (t) => t.includes('Generation failed'));
    expect(shownText(message)).toContain('IAM has no role named `ci-deployer` in this account');
    expect(h.aws.callsTo('GetRole').map((c) => c.input)).toContainEqual({ RoleName: USER });
  });
});
