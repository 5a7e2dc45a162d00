/**
 * Issue #6, at-least-once: a command delivered twice (the same trigger) is one job, one message and one Access
 * Analyzer job, also when both deliveries race; a bot restarted while Access Analyzer works picks the job up
 * from DynamoDB and finishes it on its own polling; and an attach request approved or executed again creates
 * and attaches the policy once (CreatePolicy of an identical policy reuses it).
 */
import { APPROVER1, APPROVER2 } from '../../helpers/deny';
import {
  ADMIN_ARN,
  buttonsOf,
  type GenerationHarness,
  generated,
  ROLE_NAME,
  settle,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import { requestIdOf } from '../approvals/support';

const FORM = 'application/x-www-form-urlencoded';
const generationMessages = (h: GenerationHarness) =>
  h.slack.messages(CHANNEL).filter((m) => m.text.startsWith('Least-privilege policy'));

describe('/iam-generate delivered or run more than once', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('treats a redelivered command (same trigger) as the same job', async () => {
    // Prepare: the command ran and its job is running
    h = await startGenerationHarness({ generationMs: 60_000 });
    const first = await h.generate(ROLE_NAME);
    await h.untilStatus(first.jobId, 'IN_PROGRESS');
    const delivery = h.slack.deliveries.find((d) => d.kind === 'slash_command');
    const fields = delivery?.payload as Record<string, string>;

    // Act: Slack delivers the very same command again
    const again = await h.slack.deliverRaw({
      body: new URLSearchParams(fields).toString(),
      contentType: FORM,
    });

    // Assess: acked; still one job, one message, one Access Analyzer job; nobody is told it is refused
    expect(again.status).toBe(200);
    await settle();
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(1);
    expect(generationMessages(h)).toHaveLength(1);
    expect((await h.job(first.jobId)).status).toBe('IN_PROGRESS');
    expect(h.slack.ephemerals({ user: ONCALL }).filter((e) => /already running/.test(e.text))).toEqual([]);
  });

  it('posts one message and starts one Access Analyzer job when two deliveries race', async () => {
    // Prepare
    h = await startGenerationHarness({ generationMs: 60_000 });
    const input = {
      jobId: 'race0000000000000000000000000000',
      requester: ONCALL,
      channel: CHANNEL,
      request: { kind: 'role' as const, name: ROLE_NAME, days: 30 },
    };

    // Act: both deliveries start the job at the same time
    const results = await Promise.all([h.bot.generations.start(input), h.bot.generations.start(input)]);

    // Assess: both answer with the job; one message, one Access Analyzer job
    expect(results.map((r) => r.job.id)).toEqual([input.jobId, input.jobId]);
    await h.untilStatus(input.jobId, 'IN_PROGRESS');
    await settle();
    expect(generationMessages(h)).toHaveLength(1);
    expect(shownText(generationMessages(h)[0])).toContain('Generating from CloudTrail activity');
    const starts = h.aws.callsTo('StartPolicyGeneration');
    expect(new Set(starts.map((c) => (c.input as { clientToken?: string }).clientToken))).toEqual(
      new Set([input.jobId]),
    );
    expect(starts).toHaveLength(1);
  });

  it('finishes a job after a restart while Access Analyzer was still working, on its own polling', async () => {
    // Prepare: the job is running in Access Analyzer
    h = await startGenerationHarness({ generationMs: 500 });
    const { jobId } = await h.generate(ROLE_NAME);
    const running = await h.untilStatus(jobId, 'IN_PROGRESS');
    const message = await h.messageWhen(jobId, (t) => t.includes('Generating from CloudTrail activity'));

    expect(h.aws.callsTo('GetGeneratedPolicy')).toHaveLength(0);

    // Act: the process restarts; meanwhile Access Analyzer finishes; time passes past the next poll
    await h.restart();
    await settle(600);
    h.clock.advance(60_000);

    // Assess: the new process's poll tick (2 s) finds the job in DynamoDB, and the same message shows the result
    const job = await h.untilStatus(jobId, 'SUCCEEDED', 8000);
    expect(job.awsJobId).toBe(running.awsJobId);
    const done = await h.messageWhen(jobId, (t) => t.includes('Policy generated'));
    expect(done.ts).toBe(message.ts);
    expect(generationMessages(h)).toHaveLength(1);
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(1);
  });

  it('attaches once when the approved request is approved again and executed again', async () => {
    // Prepare: an attach request, approved and executed
    h = await startGenerationHarness();
    const { jobId } = await generated(h);
    const modal = await h.openAttachModal(jobId);
    await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'placeholder:BucketName': 'reports' },
    });
    const request = await h.attachRequest(jobId);
    const pendingBlocks = request.blocks;
    const requestId = requestIdOf(request);
    await h.approve(request, APPROVER1);
    await eventually(async () => (await h.stored(requestId)).request.status === 'EXECUTED');
    const attachedOnce = await h.attachedPolicies();
    const createCalls = h.aws.callsTo('CreatePolicy').length;
    const attachCalls = h.aws.callsTo('AttachRolePolicy').length;
    expect([createCalls, attachCalls]).toEqual([1, 1]);

    // Act: Beatrice's client still shows the Approve button; she clicks it
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: request.ts,
      actionId: 'approval.approve',
      userId: APPROVER2,
      seenBlocks: pendingBlocks,
    });
    expect((await h.ephemeralMatching(APPROVER2, /./)).text).toMatch(
      /approved and carried out; there is nothing left to vote on/,
    );
    // Act: the workflow runs the request again (a retried timer, a second replica)
    await h.bot.workflow.execute(requestId);

    // Assess: nothing more reached IAM
    await settle();
    expect(h.aws.callsTo('CreatePolicy')).toHaveLength(createCalls);
    expect(h.aws.callsTo('AttachRolePolicy')).toHaveLength(attachCalls);
    expect(await h.phases(jobId)).toEqual(['requested', 'vote', 'approved', 'succeeded']);

    // Act: the remedy itself runs again with the stored plan (an execution whose first run crashed after IAM)
    const stored = await h.stored(requestId);
    const remedy = h.bot.workflow.remedyFor('attach-policy') as unknown as {
      apply(r: { id: string; requester: string; approvers: string[]; plan?: unknown }): Promise<unknown>;
    };
    await remedy.apply({
      id: requestId,
      requester: ONCALL,
      approvers: [APPROVER1],
      plan: stored.request.plan,
    });

    // Assess: CreatePolicy ran again but found its identical policy: one policy of that name, attached once
    expect(h.aws.callsTo('CreatePolicy')).toHaveLength(createCalls + 1);
    const name = attachedOnce.find((p) => p.PolicyName !== 'AdministratorAccess')!.PolicyName!;
    expect(h.aws.iam.listPolicies().filter((p) => p.name === name)).toHaveLength(1);
    expect(await h.attachedPolicies()).toEqual(attachedOnce);
    expect((await h.job(jobId)).attachment?.requestId).toBe(requestId);
  });

  it('carries out one of two attach requests pending at once; the other changes nothing and says so', async () => {
    // Prepare: Olivia asks to attach and detach AdministratorAccess; Beatrice asks to attach only
    h = await startGenerationHarness();
    const { jobId } = await generated(h);
    const first = await h.openAttachModal(jobId, ONCALL);
    await h.slack.submitView({
      viewId: first.id,
      userId: ONCALL,
      values: { 'placeholder:BucketName': 'reports', detach: [ADMIN_ARN] },
    });
    const withDetach = await h.attachRequest(jobId);
    const second = await h.openAttachModal(jobId, APPROVER2);
    await h.slack.submitView({
      viewId: second.id,
      userId: APPROVER2,
      values: { 'placeholder:BucketName': 'reports' },
    });
    const attachOnly = await h.attachRequest(jobId, new Set([withDetach.ts]));

    // Act: Aaron approves Olivia's request, then Beatrice's
    await h.approve(withDetach, APPROVER1);
    await eventually(async () => (await h.stored(requestIdOf(withDetach))).request.status === 'EXECUTED');
    const attached = await h.attachedPolicies();
    const iamWrites = h.aws.calls.filter((c) => /^(Create|Attach|Detach)/.test(c.operation)).length;
    await h.approve(attachOnly, APPROVER1);

    // Assess: the second fails without touching IAM, and says why in the thread
    const failed = await eventually(async () => {
      const s = await h.stored(requestIdOf(attachOnly));
      return s.request.status === 'FAILED' ? s : undefined;
    });
    expect(failed.executionError).toContain(`attached already by request \`${requestIdOf(withDetach)}\``);
    const root = await h.jobMessage(jobId);
    const note = await eventually(() =>
      h.slack
        .replies(CHANNEL, root.ts)
        .find((r) => /failed after approval: This policy was attached already/.test(r.text)),
    );
    expect(note.text).toContain('nothing changed');
    expect(h.aws.calls.filter((c) => /^(Create|Attach|Detach)/.test(c.operation))).toHaveLength(iamWrites);
    expect(await h.attachedPolicies()).toEqual(attached);
    // Assess: the first attachment stands, with what it detached: Revert detach is still offered
    const job = await h.job(jobId);
    expect(job.attachment).toMatchObject({
      requestId: requestIdOf(withDetach),
      detached: [{ name: 'AdministratorAccess', arn: ADMIN_ARN }],
    });
    const message = await h.messageWhen(jobId, (_t, m) => buttonsOf(m).includes('generation.revert'));
    expect(shownText(message)).toContain(`(request \`${requestIdOf(withDetach)}\`)`);
  });
});
