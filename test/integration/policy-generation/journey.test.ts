/**
 * Issue #6, `/iam-generate BucketCreator` end to end: the command answers privately at once, one message in the
 * channel shows the progress (Cancel, a progress bar) and then the result (only the s3 actions the role used,
 * the gap with its admin policy, ValidatePolicy), Request attach opens a modal with one input per placeholder
 * whose bad values are answered inside the modal, and a good submission becomes an approval request in the
 * message's thread. Once someone else approved, the filled policy is a new managed policy attached to the role
 * in IAM, the message says so, and the decision log of the job holds every step.
 */
import { APPROVE_ACTION, REJECT_ACTION } from '../../../src/slack/ids';
import { APPROVER1 } from '../../helpers/deny';
import {
  ADMIN_ARN,
  buttonsOf,
  type GenerationHarness,
  ROLE_NAME,
  settle,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';
import { ONCALL, eventually } from '../../helpers/harness';
import { requestIdOf } from '../approvals/support';

const BUCKET = 'data-team-reports';
const yyyymmdd = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

describe('/iam-generate BucketCreator, from the command to an attached least-privilege policy', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('generates, shows and attaches the policy after approval', async () => {
    // Prepare
    h = await startGenerationHarness();

    // Act: Olivia runs the command
    const { status, ack, jobId } = await h.generate(ROLE_NAME);

    // Assess: a private "starting" answer, then one message with the progress and a Cancel button
    expect(status).toBe(200);
    expect(ack).toMatch(/^Starting policy generation for role `BucketCreator` from 30 days of CloudTrail/);
    const progress = await h.messageWhen(jobId, (t) => t.includes('Generating from CloudTrail activity'));
    const progressText = shownText(progress);
    expect(progressText).toMatch(/[▓░]{20} \d+%/);
    expect(buttonsOf(progress)).toEqual(['generation.cancel']);
    expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(1);
    expect(h.aws.callsTo('StartPolicyGeneration')[0]?.input).toMatchObject({
      policyGenerationDetails: { principalArn: h.example.bucketCreatorRole.arn },
      cloudTrailDetails: {
        accessRole: h.example.accessRoleArn,
        trails: [{ cloudTrailArn: h.example.trailArn }],
      },
    });

    // Act: Access Analyzer finishes; the bot polls
    const job = await h.finish(jobId);

    // Assess: the result shows only what BucketCreator used, the gap with AdministratorAccess, ValidatePolicy
    expect(job.status).toBe('SUCCEEDED');
    const result = await h.messageWhen(jobId, (t) => t.includes('Policy generated'));
    const text = shownText(result);
    expect(job.result?.summary.actions).toEqual([
      's3:CreateBucket',
      's3:ListAllMyBuckets',
      's3:PutBucketTagging',
    ]);
    expect(text).toContain('*3 actions* in *1 service*: `s3`');
    expect(text).toContain('`${BucketName}`');
    expect(text).toMatch(/\*Gap: what the role's policies grant that it did not use\* \(1\)/);
    expect(text).toContain('• `*`: all actions except the 3 used (from `AdministratorAccess`)');
    expect(text).toContain('*ValidatePolicy*: ✅ no errors, warnings or suggestions.');
    expect(text).not.toMatch(/"(ec2|iam|kms):/);
    expect(buttonsOf(result)).toEqual(['generation.request-attach']);
    expect(h.aws.callsTo('ValidatePolicy').length).toBeGreaterThan(0);

    // Act: Olivia clicks Request attach
    const modal = await h.openAttachModal(jobId);

    // Assess: one input for ${BucketName}; AdministratorAccess offered for detaching
    const blocks = modal.view.blocks as { type: string; block_id?: string; label?: { text: string } }[];
    const inputs = blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => [b.block_id, b.label?.text])).toEqual([
      ['placeholder:BucketName', '${BucketName}'],
      ['detach', 'Also detach these policies (reversible)'],
    ]);
    expect(JSON.stringify(modal.view.blocks)).toContain(`"value":"${ADMIN_ARN}"`);

    // Act: bad values: a bucket ARN where the name goes, then a value with a space
    const arnInstead = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'placeholder:BucketName': `arn:aws:s3:::${BUCKET}` },
    });
    const withSpace = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'placeholder:BucketName': 'data team' },
    });

    // Assess: answered under the field; the modal stays open; nothing is requested
    expect(arnInstead.outcome).toBe('errors');
    expect(arnInstead.errors?.['placeholder:BucketName']).toMatch(/just the name, not a whole ARN/);
    expect(withSpace.outcome).toBe('errors');
    expect(withSpace.errors?.['placeholder:BucketName']).toMatch(/must not contain spaces/);
    await settle();
    expect(h.requestMessages(jobId)).toEqual([]);
    expect(await h.phases(jobId)).toEqual([]);
    expect(await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).toEqual([]);

    // Act: a good value
    const good = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'placeholder:BucketName': BUCKET },
    });

    // Assess: the request waits in the message's thread, with Approve/Reject and the filled policy
    expect(good.outcome).toBe('closed');
    const request = await h.attachRequest(jobId);
    const requestId = requestIdOf(request);
    expect(buttonsOf(request)).toEqual(expect.arrayContaining([APPROVE_ACTION, REJECT_ACTION]));
    expect(shownText(request)).toContain(`arn:aws:s3:::${BUCKET}`);
    // Approvers see the value typed and what ValidatePolicy says of the filled policy
    expect(shownText(request)).toContain(`Filled in: BucketName = \`${BUCKET}\``);
    expect(shownText(request)).not.toContain('wildcard');
    expect(shownText(request)).toContain('ValidatePolicy on the filled policy: no errors or warnings.');
    expect((await h.stored(requestId)).request.status).toBe('PENDING');
    expect(h.aws.callsTo('CreatePolicy')).toHaveLength(0);

    // Act: Olivia tries to approve her own request
    await h.approve(request, ONCALL);

    // Assess: refused, privately; still pending, nothing attached
    expect((await h.ephemeralMatching(ONCALL, /You made this request/)).text).toMatch(/cannot approve/);
    expect((await h.stored(requestId)).request.status).toBe('PENDING');
    expect(h.aws.callsTo('CreatePolicy')).toHaveLength(0);

    // Act: Aaron approves
    await h.approve(request, APPROVER1);

    // Assess: IAM shows the new policy attached next to the admin policy, with the filled document
    const name = `${ROLE_NAME}-least-privilege-${yyyymmdd(job.completedAt!)}`;
    const attached = await eventually(async () => {
      const list = await h.attachedPolicies();
      return list.some((p) => p.PolicyName === name) ? list : undefined;
    });
    expect(attached.map((p) => p.PolicyName).sort()).toEqual(['AdministratorAccess', name]);
    const newArn = attached.find((p) => p.PolicyName === name)!.PolicyArn!;
    expect(newArn).toBe(`arn:aws:iam::${h.aws.account}:policy/${name}`);
    const document = h.policyDocument(newArn);
    const resources = document.Statement.flatMap((s) => asList(s.Resource));
    expect(resources).toContain(`arn:aws:s3:::${BUCKET}`);
    expect(JSON.stringify(document)).not.toContain('${');
    expect(document.Statement.flatMap((s) => asList(s.Action)).sort()).toEqual([
      's3:CreateBucket',
      's3:ListAllMyBuckets',
      's3:PutBucketTagging',
    ]);

    // Assess: the message says it is attached (and offers no second attach); the decision log has each step
    const done = await h.messageWhen(jobId, (t) => t.includes('📎 Attached'));
    expect(shownText(done)).toContain(newArn);
    expect(buttonsOf(done)).not.toContain('generation.request-attach');
    expect((await h.job(jobId)).attachment).toMatchObject({ requestId, policyArns: [newArn], detached: [] });
    await eventually(async () => (await h.phases(jobId)).includes('succeeded'));
    expect(await h.phases(jobId)).toEqual(['requested', 'vote', 'approved', 'succeeded']);
  });
});
