/**
 * Issue #5: Deny and Undo on resource policies (S3 bucket, KMS key, SQS queue, Secrets Manager secret) through the
 * same approval chain as roles, on the stand-ins: each one's policy gains exactly one Deny once approved, the
 * finding resolves and the owner keeps access; Undo brings back the policy as it was (none, when there was none).
 */
import { CHANNEL, eventually } from '../../helpers/harness';
import { APPROVER1, type DenyHarness, startDenyHarness } from '../../helpers/deny';
import { keyPolicySharedWith, publicReadBucketPolicy } from '../../../src/sandbox/aws-standin';
import { nthEphemeral, phases, requestDeny, settle, threadNotesAppear } from './support';

const PARTNER = '444455556666';
const OWNER_ROOT = (account: string) => `arn:aws:iam::${account}:root`;

type Json = Record<string, unknown> & { Statement: Record<string, unknown>[] };

/** A secret the partner account may read. */
const partnerSecretPolicy = (): Json => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: OWNER_ROOT(PARTNER) },
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
    },
  ],
});

/** The finding card whose blocks name `resource`, with its finding id. */
async function cardFor(h: DenyHarness, resource: string): Promise<{ ts: string; findingId: string }> {
  const m = await eventually(
    () => h.slack.messages(CHANNEL).find((c) => c.metadata && JSON.stringify(c.blocks).includes(resource)),
    8000,
  );
  const meta = m.metadata as unknown as { event_payload: { finding_id: string } };
  return { ts: m.ts, findingId: meta.event_payload.finding_id };
}

async function statusOf(h: DenyHarness, findingId: string, status: string): Promise<void> {
  await eventually(async () => (await h.bot.stores.findings.get(findingId))?.finding.status === status, 8000);
}

/** Click Deny, check the request's content, approve, and wait until the remedy ran. */
async function denyAndApprove(h: DenyHarness, ts: string, policyName: string): Promise<string> {
  const { message } = await requestDeny(h, ts);
  const shown = JSON.stringify(message.blocks);
  expect(shown).toContain(policyName);
  expect(shown).toContain('Blocks the external principal');
  expect(shown).toContain('Keeps the owner account');
  await h.approve(ts, APPROVER1);
  const [note] = await threadNotesAppear(h, ts, /Deny added to the /);
  return note!.text;
}

async function undoAndApprove(h: DenyHarness, ts: string): Promise<void> {
  await eventually(() => JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks).includes('finding.undo-deny'));
  await h.click(ts, 'finding.undo-deny');
  await eventually(async () => {
    const m = await h.approvalMessage(ts);
    return JSON.stringify(m.blocks).includes('Undo deny requested') ? m : undefined;
  });
  await h.approve(ts, APPROVER1);
  await threadNotesAppear(h, ts, /Deny removed from the /);
}

describe('Deny on resource policies', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('S3: the public bucket gets a Deny outside the account; anonymous access is gone, the owner keeps its own', async () => {
    h = await startDenyHarness({ roles: {} });
    const bucket = 'findings-public-bucket';
    const original = publicReadBucketPolicy(bucket) as Json;
    h.aws.s3.createBucket({ name: bucket, policy: original });
    await h.aws.analyze();
    const { ts, findingId } = await cardFor(h, `arn:aws:s3:::${bucket}`);

    const note = await denyAndApprove(h, ts, `bucket policy of arn:aws:s3:::${bucket}`);
    expect(note).toContain(`bucket policy of \`arn:aws:s3:::${bucket}\``);

    const policy = JSON.parse(h.aws.s3.getBucket(bucket)!.policy!) as Json;
    expect(policy.Statement.slice(0, -1)).toEqual(original.Statement);
    expect(policy.Statement.at(-1)).toMatchObject({
      Sid: `AADeny${findingId.replace(/-/g, '')}`,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: {
        StringNotEquals: { 'aws:PrincipalAccount': h.aws.account },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    expect(JSON.stringify(policy)).not.toContain('"Null"');
    await statusOf(h, findingId, 'RESOLVED');
    // Access Analyzer (the stand-in's analysis) sees no external access left, and no new finding appeared.
    expect((await h.aws.analyze()).created).toEqual([]);

    await undoAndApprove(h, ts);
    expect(JSON.parse(h.aws.s3.getBucket(bucket)!.policy!)).toEqual(original);
    await statusOf(h, findingId, 'ACTIVE');
    expect(await phases(h, findingId)).toEqual(
      expect.arrayContaining(['requested', 'approved', 'succeeded']),
    );
  });

  it('KMS: the key shared with a partner denies the partner and keeps the account root and the administrators', async () => {
    h = await startDenyHarness({ roles: {} });
    const original = keyPolicySharedWith(h.aws.account, PARTNER, ['kms:Decrypt', 'kms:DescribeKey']) as Json;
    const key = h.aws.kms.createKey({ description: 'shared', policy: original });
    await h.aws.analyze();
    const { ts, findingId } = await cardFor(h, key.arn);

    await denyAndApprove(h, ts, `key policy of ${key.arn}`);
    const policy = JSON.parse(h.aws.kms.getKey(key.keyId)!.policy) as Json;
    expect(policy.Statement.slice(0, -1)).toEqual(original.Statement);
    expect(policy.Statement.at(-1)).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: OWNER_ROOT(PARTNER) },
      Action: 'kms:*',
      Resource: '*',
    });
    expect(h.aws.callsTo('PutKeyPolicy')[0]!.input).not.toHaveProperty('BypassPolicyLockoutSafetyCheck');
    await statusOf(h, findingId, 'RESOLVED');

    await undoAndApprove(h, ts);
    expect(JSON.parse(h.aws.kms.getKey(key.keyId)!.policy)).toEqual(original);
  });

  it('KMS: when the key policy lockout check refuses the edit, the thread says so and nothing is recorded as denied', async () => {
    h = await startDenyHarness({ roles: {} });
    const original = keyPolicySharedWith(h.aws.account, PARTNER, ['kms:Decrypt']) as Json;
    const key = h.aws.kms.createKey({ description: 'shared', policy: original });
    await h.aws.analyze();
    const { ts, findingId } = await cardFor(h, key.arn);
    await requestDeny(h, ts);
    h.aws.failNext('PutKeyPolicy', {
      name: 'MalformedPolicyDocumentException',
      status: 400,
      message: 'The new key policy will not allow you to update the key policy in the future.',
    });
    await h.approve(ts, APPROVER1);
    const [failure] = await threadNotesAppear(h, ts, /Deny failed after approval/);
    expect(failure!.text).toMatch(/lock/i);
    expect(JSON.parse(h.aws.kms.getKey(key.keyId)!.policy)).toEqual(original);
    expect((await h.bot.stores.findings.get(findingId))?.denied).toBeUndefined();
  });

  it('SQS: the queue policy gains the Deny for the partner and Undo restores it exactly', async () => {
    h = await startDenyHarness({ roles: {} });
    const arn = `arn:aws:sqs:${h.aws.region}:${h.aws.account}:partner-orders`;
    const original: Json = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Partner',
          Effect: 'Allow',
          Principal: { AWS: OWNER_ROOT(PARTNER) },
          Action: 'sqs:SendMessage',
          Resource: arn,
        },
      ],
    };
    h.aws.sqs.createQueue('partner-orders', { policy: original });
    await h.aws.analyze();
    const { ts, findingId } = await cardFor(h, arn);

    await denyAndApprove(h, ts, `queue policy of ${arn}`);
    const queue = h.aws.sqs.listQueues().find((q) => q.arn === arn)!;
    const policy = JSON.parse(queue.policy!) as Json;
    expect(policy.Statement.at(-1)).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: OWNER_ROOT(PARTNER) },
      Action: 'sqs:*',
      Resource: arn,
    });
    await statusOf(h, findingId, 'RESOLVED');

    await undoAndApprove(h, ts);
    expect(JSON.parse(h.aws.sqs.listQueues().find((q) => q.arn === arn)!.policy!)).toEqual(original);
  });

  it('Secrets Manager: the secret policy is validated, denied for the partner, and restored by Undo', async () => {
    h = await startDenyHarness({ roles: {} });
    const original = partnerSecretPolicy();
    const secret = h.aws.secretsManager.createSecret({ name: 'shared/db', policy: original });
    await h.aws.analyze();
    const { ts, findingId } = await cardFor(h, secret.arn);

    await denyAndApprove(h, ts, `secret policy of ${secret.arn}`);
    expect(h.aws.callsTo('ValidateResourcePolicy').length).toBeGreaterThanOrEqual(1);
    const policy = JSON.parse(h.aws.secretsManager.getSecret(secret.arn)!.policy!) as Json;
    expect(policy.Statement.at(-1)).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: OWNER_ROOT(PARTNER) },
      Action: 'secretsmanager:*',
      Resource: '*',
    });
    await statusOf(h, findingId, 'RESOLVED');

    await undoAndApprove(h, ts);
    expect(JSON.parse(h.aws.secretsManager.getSecret(secret.arn)!.policy!)).toEqual(original);
  });

  it('Secrets Manager: a policy its own validation rejects is not requested, and the requester is told why', async () => {
    h = await startDenyHarness({ roles: {} });
    const secret = h.aws.secretsManager.createSecret({ name: 'shared/api', policy: partnerSecretPolicy() });
    await h.aws.analyze();
    const { ts, findingId } = await cardFor(h, secret.arn);
    h.aws.failNext('ValidateResourcePolicy', {
      name: 'MalformedPolicyDocumentException',
      status: 400,
      message: 'This resource policy contains an unsupported principal.',
    });
    await h.click(ts, 'finding.deny');
    const ephemeral = await nthEphemeral(h, 'U0ONCALL');
    expect(ephemeral.text).toContain('Secrets Manager rejected the secret policy');
    expect(ephemeral.text).toContain('Nothing was requested');
    await settle();
    expect(await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(h.aws.callsTo('PutResourcePolicy')).toHaveLength(0);
    expect((await h.bot.stores.findings.get(findingId))?.pending).toBeUndefined();
  });

  it('S3 without a bucket policy: the Deny creates one, and Undo deletes it again', async () => {
    h = await startDenyHarness({ roles: {} });
    const bucket = 'findings-access-point-bucket';
    h.aws.s3.createBucket({ name: bucket });
    const analyzer = h.aws.accessAnalyzer.listAnalyzers()[0]!;
    h.aws.accessAnalyzer.addFinding({
      analyzerArn: analyzer.arn,
      resource: `arn:aws:s3:::${bucket}`,
      resourceType: 'AWS::S3::Bucket',
      principal: { AWS: PARTNER },
      action: ['s3:GetObject'],
      sources: [{ type: 'S3_ACCESS_POINT' }],
    } as never);
    const { ts } = await cardFor(h, `arn:aws:s3:::${bucket}`);

    await denyAndApprove(h, ts, `bucket policy of arn:aws:s3:::${bucket}`);
    const policy = JSON.parse(h.aws.s3.getBucket(bucket)!.policy!) as Json;
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Principal: { AWS: OWNER_ROOT(PARTNER) } });

    await undoAndApprove(h, ts);
    expect(h.aws.s3.getBucket(bucket)!.policy).toBeUndefined();
    expect(h.aws.callsTo('DeleteBucketPolicy')).toHaveLength(1);
  });

  it('an unsupported resource type: the click explains why and what to do, with a console link, and nothing is requested', async () => {
    h = await startDenyHarness({ roles: {} });
    const analyzer = h.aws.accessAnalyzer.listAnalyzers()[0]!;
    const fn = `arn:aws:lambda:${h.aws.region}:${h.aws.account}:function:export`;
    h.aws.accessAnalyzer.addFinding({
      analyzerArn: analyzer.arn,
      resource: fn,
      resourceType: 'AWS::Lambda::Function',
      principal: { AWS: PARTNER },
      action: ['lambda:InvokeFunction'],
    } as never);
    const { ts, findingId } = await cardFor(h, fn);
    await h.click(ts, 'finding.deny');
    const ephemeral = await nthEphemeral(h, 'U0ONCALL');
    expect(ephemeral.text).toContain('remove-permission');
    expect(ephemeral.text).toContain('Open the resource in the AWS console');
    await settle();
    expect(await phases(h, findingId)).toEqual([]);
    expect(await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});
