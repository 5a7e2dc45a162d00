/**
 * Issue #6 review fixes, an approved attach that IAM does not (entirely) carry out:
 * - a failure midway (a detach refused after the attach; a later part of a split policy over the role's quota
 *   after a detach made room for an earlier one): the request FAILS saying exactly what the bot did before,
 *   the job records that partial attachment, the message says "Only partly done" (with Revert detach when
 *   something was detached, never Request attach again), and IAM shows exactly those changes;
 * - the managed-policy quota (10 per role): refused when nothing was chosen to detach (nothing attached, Request
 *   attach still offered), carried out when the approved detach makes room;
 * - a policy name taken the same day by another document (a second generation of the same role): the new
 *   policy gets the job's suffix, and both stay attached.
 */
import type { AwsStandin } from '../../../src/sandbox/aws-standin';
import { utcDay } from '../../../src/policy-generation/names';
import { APPROVER1 } from '../../helpers/deny';
import {
  ADMIN_ARN,
  attachManagedPolicies,
  buttonsOf,
  type GenerationHarness,
  generated,
  ROLE_NAME,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';
import { CHANNEL, eventually } from '../../helpers/harness';
import { requestIdOf } from '../approvals/support';

const DAY = 24 * 60 * 60 * 1000;
const names = (list: { PolicyName?: string }[]) => list.map((p) => p.PolicyName ?? '').sort();
/**
 * The role's attach and detach calls IAM received since `from`, a repeat of the same call right after it
 * counted once (the SDK retries LimitExceeded as throttling, and the stand-in records every attempt).
 */
const iamWrites = (h: GenerationHarness, from = 0) =>
  h.aws.calls
    .slice(from)
    .filter((c) => c.operation === 'AttachRolePolicy' || c.operation === 'DetachRolePolicy')
    .map((c) => `${c.operation} ${(c.input as { PolicyArn?: string }).PolicyArn ?? ''}`)
    .filter((call, i, all) => call !== all[i - 1]);
const policyArn = (h: GenerationHarness, name: string) => `arn:aws:iam::${h.aws.account}:policy/${name}`;
const QUOTA =
  /The role `\w+` already has as many managed policies attached as IAM allows \(10 by default, up to 20 with a quota increase\)/;

/** A role whose recorded activity is too much for one managed policy (Access Analyzer splits it). */
function seedBusyRole(aws: AwsStandin, name: string): void {
  const role = aws.iam.createRole({
    name,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
  });
  const at = new Date(aws.now().getTime() - DAY);
  for (const service of ['ec2', 'rds', 'dynamodb', 'sqs', 'lambda', 'logs', 'ecs', 'sns']) {
    for (let i = 0; i < 90; i++) aws.recordActivity(role.arn, { service, action: `DescribeThing${i}`, at });
  }
}

/** The thread note the workflow posts about the request (its outcome), once it is there. */
async function threadNote(h: GenerationHarness, jobId: string, pattern: RegExp): Promise<string> {
  const root = await h.jobMessage(jobId);
  const note = await eventually(() => h.slack.replies(CHANNEL, root.ts).find((r) => pattern.test(r.text)));
  return note.text;
}

describe('/iam-generate: an approved attach that fails midway', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('records an attach whose detach IAM refused: the new policy stays, and the message says only part was done', async () => {
    // Prepare: Olivia's request attaches the policy and detaches AdministratorAccess; IAM will refuse the detach
    h = await startGenerationHarness();
    const { jobId, job } = await generated(h);
    const request = await h.requestAttach(jobId, { BucketName: 'reports' }, { detach: [ADMIN_ARN] });
    const requestId = requestIdOf(request);
    const newName = `${ROLE_NAME}-least-privilege-${utcDay(new Date(job.completedAt!))}`;
    const newArn = policyArn(h, newName);
    const callsBefore = h.aws.calls.length;
    h.aws.failNext('DetachRolePolicy', {
      name: 'AccessDenied',
      status: 403,
      message: 'User is not authorized to perform: iam:DetachRolePolicy',
    });

    // Act: Aaron approves
    await h.approve(request, APPROVER1);

    // Assess: the request FAILED and says what the bot did before the failure
    const outcome = await h.outcome(requestId);
    expect(outcome.request.status).toBe('FAILED');
    expect(outcome.executionError).toMatch(
      new RegExp(
        `^The change was only partly made: the bot attached \`${newArn}\` before this failed: The bot's AWS role is not allowed to call IAM DetachRolePolicy`,
      ),
    );
    expect(outcome.executionError).not.toContain('Nothing changed');
    expect(outcome.executionError).not.toContain('Revert detach');
    const note = await threadNote(h, jobId, /failed after approval/);
    expect(note).toContain('failed after approval: The change was only partly made: the bot attached');
    // Assess: IAM shows exactly that: the new policy attached, AdministratorAccess still there
    expect(iamWrites(h, callsBefore)).toEqual([
      `AttachRolePolicy ${newArn}`,
      `DetachRolePolicy ${ADMIN_ARN}`,
    ]);
    expect(names(await h.attachedPolicies())).toEqual(['AdministratorAccess', newName]);
    // Assess: the job records the partial attachment; the message says so, with nothing more to click
    expect((await h.job(jobId)).attachment).toEqual({
      requestId,
      policyArns: [newArn],
      detached: [],
      at: expect.any(Number),
      partial: expect.stringMatching(/not allowed to call IAM DetachRolePolicy .*\(AccessDenied\)/),
    });
    const message = await h.messageWhen(jobId, (t) => t.includes('Only partly done'));
    const text = shownText(message);
    expect(text).toContain(
      `⚠️ Only partly done (request \`${requestId}\`): attached \`${newArn}\`. It failed: The bot's AWS role is not allowed to call IAM DetachRolePolicy`,
    );
    expect(text).not.toContain('📎 Attached');
    expect(buttonsOf(message)).toEqual([]);
    // Assess: the decision log ends with the failure and its reason
    const log = await h.bot.stores.decisions.forFinding(`policy-generation:${jobId}`);
    expect(log.map((d) => d.phase)).toEqual(['requested', 'vote', 'approved', 'failed']);
    expect(log.at(-1)?.error).toBe(outcome.executionError);
  });

  it('records a split policy whose last part is over the quota after a detach made room for an earlier one, and offers Revert detach', async () => {
    // Prepare: a role with 9 managed policies whose generated policy comes in at least 3 parts
    const role = 'DataPipeline';
    let team: { name: string; arn: string }[] = [];
    h = await startGenerationHarness({
      seed: ({ aws }) => {
        seedBusyRole(aws, role);
        team = attachManagedPolicies(aws, role, 9);
      },
    });
    const { jobId, job } = await generated(h, role);
    const parts = job.result?.policies.length ?? 0;
    expect(parts).toBeGreaterThanOrEqual(3);
    const part = (i: number) =>
      `${role}-least-privilege-${utcDay(new Date(job.completedAt!))}-${i}of${parts}`;
    const request = await h.requestAttach(jobId, {}, { detach: [team[0]!.arn] });
    const requestId = requestIdOf(request);
    const callsBefore = h.aws.calls.length;

    // Act
    await h.approve(request, APPROVER1);

    // Assess: part 1 fits (10 policies), part 2 fits once TeamPolicy1 is detached, part 3 does not
    const outcome = await h.outcome(requestId);
    expect(outcome.request.status).toBe('FAILED');
    const [arn1, arn2, arn3] = [1, 2, 3].map((i) => policyArn(h, part(i)));
    expect(iamWrites(h, callsBefore)).toEqual([
      `AttachRolePolicy ${arn1}`,
      `AttachRolePolicy ${arn2}`,
      `DetachRolePolicy ${team[0]!.arn}`,
      `AttachRolePolicy ${arn2}`,
      `AttachRolePolicy ${arn3}`,
    ]);
    expect(outcome.executionError).toMatch(
      new RegExp(
        `^The change was only partly made: the bot attached \`${arn1}\`, \`${arn2}\` and detached \`TeamPolicy1\` before this failed: ${QUOTA.source}.* Revert detach puts back what was detached\\.$`,
      ),
    );
    expect(outcome.executionError).not.toContain('Nothing changed');
    expect(names(await h.attachedPolicies(role))).toEqual(
      [part(1), part(2), ...team.slice(1).map((t) => t.name)].sort(),
    );
    // Assess: recorded as done so far: what Revert detach needs
    expect((await h.job(jobId)).attachment).toMatchObject({
      requestId,
      policyArns: [arn1, arn2],
      detached: [team[0]],
      partial: expect.stringMatching(QUOTA),
    });
    const message = await h.messageWhen(jobId, (t) => t.includes('Only partly done'));
    const text = shownText(message);
    expect(text).toContain(
      `⚠️ Only partly done (request \`${requestId}\`): attached \`${arn1}\`, \`${arn2}\`.`,
    );
    expect(text).toContain('Detached in the same change: `TeamPolicy1`');
    expect(buttonsOf(message)).toEqual(['generation.revert']);
  });
});

describe('/iam-generate: the managed-policy quota', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('refuses an attach over the quota when nothing is detached, and makes room with an approved detach', async () => {
    // Prepare: BucketCreator has AdministratorAccess and 9 more managed policies, IAM's 10
    h = await startGenerationHarness({
      seed: ({ aws }) => {
        attachManagedPolicies(aws, ROLE_NAME, 9);
      },
    });
    const { jobId, job } = await generated(h);
    const before = await h.attachedPolicies();
    expect(before).toHaveLength(10);
    const newName = `${ROLE_NAME}-least-privilege-${utcDay(new Date(job.completedAt!))}`;
    const newArn = policyArn(h, newName);

    // Act: a request that only attaches, approved
    const attachOnly = await h.requestAttach(jobId, { BucketName: 'reports' });
    await h.approve(attachOnly, APPROVER1);

    // Assess: FAILED with the quota; the role's policies are as they were, nothing is recorded as attached
    const refused = await h.outcome(requestIdOf(attachOnly));
    expect(refused.request.status).toBe('FAILED');
    expect(refused.executionError).toMatch(QUOTA);
    expect(refused.executionError).toContain('Detach one first.');
    expect(refused.executionError).not.toContain('partly');
    expect(await h.attachedPolicies()).toEqual(before);
    expect(h.aws.iam.attachmentCount(newArn)).toBe(0);
    expect(h.aws.callsTo('DetachRolePolicy')).toHaveLength(0);
    expect((await h.job(jobId)).attachment).toBeUndefined();
    // Assess: the message still offers Request attach (with a detach, it can work)
    const message = await h.jobMessage(jobId);
    expect(buttonsOf(message)).toEqual(['generation.request-attach']);
    expect(shownText(message)).not.toContain('Only partly done');

    // Act: again, with AdministratorAccess chosen to detach
    const callsBefore = h.aws.calls.length;
    const withDetach = await h.requestAttach(jobId, { BucketName: 'reports' }, { detach: [ADMIN_ARN] });
    await h.approve(withDetach, APPROVER1);

    // Assess: carried out: AdministratorAccess made room, the new policy is attached
    const done = await h.outcome(requestIdOf(withDetach));
    expect(done.request.status).toBe('EXECUTED');
    expect(iamWrites(h, callsBefore)).toEqual([
      `AttachRolePolicy ${newArn}`,
      `DetachRolePolicy ${ADMIN_ARN}`,
      `AttachRolePolicy ${newArn}`,
    ]);
    const after = await h.attachedPolicies();
    expect(after).toHaveLength(10);
    expect(names(after)).toEqual(
      names([...before.filter((p) => p.PolicyArn !== ADMIN_ARN), { PolicyName: newName }]),
    );
    // The policy the refused request created is the one attached: one policy of that name
    expect(h.aws.iam.listPolicies().filter((p) => p.name === newName)).toHaveLength(1);
    expect((await h.job(jobId)).attachment).toEqual({
      requestId: requestIdOf(withDetach),
      policyArns: [newArn],
      detached: [{ name: 'AdministratorAccess', arn: ADMIN_ARN }],
      at: expect.any(Number),
    });
    const attached = await h.messageWhen(jobId, (t) => t.includes('📎 Attached'));
    expect(buttonsOf(attached)).toEqual(['generation.revert']);
  });
});

describe('/iam-generate: a policy name taken the same day', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('attaches a second generation of the role under a name with its job id, keeping the first', async () => {
    // Prepare: a first generation of BucketCreator, attached with bucket `reports`
    h = await startGenerationHarness();
    const first = await generated(h);
    const firstRequest = await h.requestAttach(first.jobId, { BucketName: 'reports' });
    await h.approve(firstRequest, APPROVER1);
    expect((await h.outcome(requestIdOf(firstRequest))).request.status).toBe('EXECUTED');
    const base = `${ROLE_NAME}-least-privilege-${utcDay(new Date(first.job.completedAt!))}`;
    // A second generation of the same role, the same day, filled with another bucket
    const second = await generated(h);
    expect(utcDay(new Date(second.job.completedAt!))).toBe(utcDay(new Date(first.job.completedAt!)));
    const request = await h.requestAttach(second.jobId, { BucketName: 'archive' });

    // Act
    await h.approve(request, APPROVER1);

    // Assess: the second policy is named after its job, attached next to the first one
    const done = await h.outcome(requestIdOf(request));
    expect(done.request.status).toBe('EXECUTED');
    const suffixed = `${base}-${second.jobId.slice(0, 6)}`;
    expect(names(await h.attachedPolicies())).toEqual(['AdministratorAccess', base, suffixed].sort());
    const resources = (name: string) =>
      JSON.stringify(h.policyDocument(policyArn(h, name)).Statement.map((s) => s.Resource));
    expect(resources(base)).toContain('arn:aws:s3:::reports');
    expect(resources(suffixed)).toContain('arn:aws:s3:::archive');
    expect(resources(suffixed)).not.toContain('arn:aws:s3:::reports');
    // Assess: each job records its own policy; the second message and thread note name the suffixed one
    expect((await h.job(first.jobId)).attachment?.policyArns).toEqual([policyArn(h, base)]);
    expect((await h.job(second.jobId)).attachment?.policyArns).toEqual([policyArn(h, suffixed)]);
    const note = await threadNote(h, second.jobId, /^📎 Attached/);
    expect(note).toContain(`📎 Attached \`${suffixed}\` to role \`${ROLE_NAME}\``);
    const message = await h.messageWhen(second.jobId, (t) => t.includes('📎 Attached'));
    expect(shownText(message)).toContain(policyArn(h, suffixed));
  });
});
