import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { createAccessPreviewer, judgePreview } from '../../../src/aws/access-preview';
import type { AccessPreviewer, PreviewVerdict } from '../../../src/remediation/ports';
import { parsePolicyDocument, type PolicyDocument } from '../../../src/remediation/policy-document';
import { addTrustPolicyDeny } from '../../../src/remediation/trust-policy-deny';
import {
  createAwsStandin,
  seedExampleAccount,
  type AwsStandin,
  type StandinFinding,
} from '../../../src/sandbox/aws-standin';
import { clientConfig, closeAll } from '../sandbox/aws-standin/helpers';

const ALICE = 'arn:aws:iam::999988887777:user/Alice';
const BOB = 'arn:aws:iam::777788889999:user/Bob';

describe('createAccessPreviewer on the AWS stand-in (real AccessAnalyzerClient)', () => {
  let aws: AwsStandin;
  let client: AccessAnalyzerClient;
  let now: Date;
  let slept: number[];
  let analyzerArn: string;
  let roleArn: string;
  let aliceFinding: StandinFinding;

  /** The test's sleep: advances the stand-in's clock instead of waiting. */
  const sleep = async (ms: number): Promise<void> => {
    slept.push(ms);
    now = new Date(now.getTime() + ms);
  };

  async function start(accessPreviewMs: number): Promise<void> {
    now = new Date('2024-05-01T10:00:00.000Z');
    slept = [];
    aws = await createAwsStandin({ analysisDelayMs: 0, accessPreviewMs, now: () => now });
    client = new AccessAnalyzerClient(clientConfig(aws, { maxAttempts: 1 }));
    const seeded = seedExampleAccount(aws);
    await aws.analyze();
    analyzerArn = seeded.analyzerArn;
    roleArn = seeded.auditRole.arn;
    const found = aws.accessAnalyzer.listFindings().find((f) => f.resource === roleArn);
    if (!found) throw new Error('the example account has no finding on Audit_CrossAccountRole');
    aliceFinding = found;
  }

  afterEach(() => closeAll(aws, client));

  const currentTrust = (): PolicyDocument =>
    parsePolicyDocument(aws.iam.getRole('Audit_CrossAccountRole')?.trustPolicy ?? '');

  /** The role's trust policy with the bot's Deny for Alice's finding added. */
  const withAliceDenied = (): PolicyDocument =>
    addTrustPolicyDeny(currentTrust(), aliceFinding, { ownAccount: aws.account }).document;

  const allow = (...principals: string[]) => ({
    Effect: 'Allow' as const,
    Principal: { AWS: principals.length === 1 ? principals[0]! : principals },
    Action: 'sts:AssumeRole',
  });

  function preview(
    trustPolicy: PolicyDocument,
    previewer: AccessPreviewer = createAccessPreviewer(client, { sleep }),
    findingId = aliceFinding.id,
  ): Promise<PreviewVerdict> {
    return previewer.previewTrustPolicy({ analyzerArn, roleArn, trustPolicy, findingId });
  }

  describe('with a preview that takes 1 s', () => {
    beforeEach(() => start(1000));

    it('resolves when the Deny for Alice is added, polling with backoff until COMPLETED', async () => {
      // Act
      const verdict = await preview(withAliceDenied());

      // Assess
      expect(verdict).toEqual({
        kind: 'resolves',
        detail: `Access Analyzer preview: finding ${aliceFinding.id} would be RESOLVED and no new external access appears.`,
      });
      expect(slept).toEqual([250, 500, 1000]);
      expect(aws.callsTo('GetAccessPreview')).toHaveLength(4);
      const created = aws.callsTo('CreateAccessPreview')[0]?.input as Record<string, unknown>;
      expect(created.configurations).toEqual({
        [roleArn]: { iamRole: { trustPolicy: JSON.stringify(withAliceDenied()) } },
      });
      expect(created.clientToken).toEqual(expect.any(String));
      expect(aliceFinding.status).toBe('ACTIVE');
    });

    it('does not resolve when the policy is unchanged: the finding stays ACTIVE', async () => {
      // Act
      const verdict = await preview(currentTrust());

      // Assess
      expect(verdict.kind).toBe('does-not-resolve');
      expect(verdict.detail).toBe(
        `Access Analyzer preview: finding ${aliceFinding.id} would still be ACTIVE (${ALICE} (sts:AssumeRole)).`,
      );
    });

    it('does not resolve when the proposal opens new external access, even if the finding goes', async () => {
      // Prepare
      const denied = withAliceDenied();
      const proposal = { ...denied, Statement: [...denied.Statement, allow(BOB)] };

      // Act
      const verdict = await preview(proposal);

      // Assess
      expect(verdict.kind).toBe('does-not-resolve');
      expect(verdict.detail).toBe(
        `Access Analyzer preview: it would open new external access for ${BOB} (sts:AssumeRole).`,
      );
    });

    it('gives no verdict for a finding the preview does not mention', async () => {
      // Act
      const verdict = await preview(withAliceDenied(), undefined, '00000000-0000-4000-8000-000000000000');

      // Assess
      expect(verdict.kind).toBe('unavailable');
      expect(verdict.detail).toContain('does not mention finding 00000000-0000-4000-8000-000000000000');
    });

    it('is unavailable when the preview FAILED, with the status reason', async () => {
      // Prepare: the bot's parser accepts an empty statement list; Access Analyzer cannot analyse it.
      const empty = parsePolicyDocument({ Version: '2012-10-17', Statement: [] });

      // Act
      const verdict = await preview(empty);

      // Assess
      expect(verdict).toEqual({
        kind: 'unavailable',
        detail: 'Access Analyzer could not preview the proposed trust policy (INVALID_CONFIGURATION).',
      });
      expect(aws.callsTo('ListAccessPreviewFindings')).toHaveLength(0);
    });

    it('is unavailable when the bot may not create previews (AccessDenied on CreateAccessPreview)', async () => {
      // Prepare
      aws.failNext('CreateAccessPreview', { name: 'AccessDeniedException', status: 403 });

      // Act
      const verdict = await preview(withAliceDenied());

      // Assess
      expect(verdict).toEqual({
        kind: 'unavailable',
        detail:
          "No access preview: the bot's AWS role may not call access-analyzer:CreateAccessPreview (AccessDenied).",
      });
      expect(aws.callsTo('GetAccessPreview')).toHaveLength(0);
    });

    it('is unavailable when Access Analyzer rejects the configuration (ValidationException)', async () => {
      // Act: an S3 ARN with an iamRole configuration
      const verdict = await createAccessPreviewer(client, { sleep }).previewTrustPolicy({
        analyzerArn,
        roleArn: 'arn:aws:s3:::amzn-s3-demo-public-bucket',
        trustPolicy: withAliceDenied(),
        findingId: aliceFinding.id,
      });

      // Assess
      expect(verdict.kind).toBe('unavailable');
      expect(verdict.detail).toMatch(/^No access preview: Access Analyzer rejected the request \(.*iamRole/);
    });

    it('is unavailable when listing the findings fails midway, instead of throwing', async () => {
      // Prepare
      aws.failNext('ListAccessPreviewFindings', { name: 'InternalServerException', status: 500 });

      // Act
      const verdict = await preview(withAliceDenied());

      // Assess
      expect(verdict).toEqual({
        kind: 'unavailable',
        detail:
          'No access preview: Access Analyzer ListAccessPreviewFindings failed (InternalServerException).',
      });
    });

    it('reads every page of preview findings (the RESOLVED entry comes after 120 NEW ARCHIVED ones)', async () => {
      // Prepare: 120 partner accounts, archived by a rule, so they are NEW but not ACTIVE.
      aws.archiveRules.create('MyAnalyzer', 'Partners', { 'principal.AWS': { contains: ['55550000'] } });
      const partners = Array.from({ length: 120 }, (_, i) => String(555500000000 + i));
      const denied = withAliceDenied();
      const proposal = { ...denied, Statement: [...denied.Statement, allow(...partners)] };

      // Act
      const verdict = await preview(proposal);

      // Assess
      expect(verdict.kind).toBe('resolves');
      expect(aws.callsTo('ListAccessPreviewFindings')).toHaveLength(2);
    });
  });

  describe('previewPolicy on resource policies, with a preview that takes 1 s', () => {
    beforeEach(() => start(1000));

    const BUCKET_ARN = 'arn:aws:s3:::amzn-s3-demo-public-bucket';

    /** The public bucket's policy with a Deny for everyone outside the account (AWS services spared). */
    const bucketWithOutsidersDenied = (): PolicyDocument => {
      const current = parsePolicyDocument(aws.s3.getBucket('amzn-s3-demo-public-bucket')?.policy ?? '');
      return {
        ...current,
        Statement: [
          ...current.Statement,
          {
            Sid: 'AADenyX',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
            Condition: {
              StringNotEquals: { 'aws:PrincipalAccount': aws.account },
              BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
            },
          },
        ],
      };
    };

    const findingOn = (arn: string): StandinFinding => {
      const found = aws.accessAnalyzer.listFindings().find((f) => f.resource === arn);
      if (!found) throw new Error(`no finding on ${arn}`);
      return found;
    };

    it('resolves the public bucket finding with the Deny, sending it as s3Bucket.bucketPolicy', async () => {
      // Prepare
      const finding = findingOn(BUCKET_ARN);
      const policy = bucketWithOutsidersDenied();

      // Act
      const verdict = await createAccessPreviewer(client, { sleep }).previewPolicy({
        analyzerArn,
        resourceArn: BUCKET_ARN,
        resourceType: 'AWS::S3::Bucket',
        policy,
        findingId: finding.id,
      });

      // Assess
      expect(verdict).toEqual({
        kind: 'resolves',
        detail: `Access Analyzer preview: finding ${finding.id} would be RESOLVED and no new external access appears.`,
      });
      const created = aws.callsTo('CreateAccessPreview')[0]?.input as Record<string, unknown>;
      expect(created.configurations).toEqual({
        [BUCKET_ARN]: { s3Bucket: { bucketPolicy: JSON.stringify(policy) } },
      });
    });

    it('resolves the partner key finding with a Deny, sending it as kmsKey.keyPolicies.default', async () => {
      // Prepare
      const keyArn = aws.kms.listKeys()[0]?.arn ?? '';
      const finding = findingOn(keyArn);
      const before = parsePolicyDocument(aws.kms.listKeys()[0]?.policy ?? '');
      const current: PolicyDocument = {
        ...before,
        Statement: [
          ...before.Statement,
          {
            Sid: 'AADenyPartner',
            Effect: 'Deny',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      };

      // Act
      const verdict = await createAccessPreviewer(client, { sleep }).previewPolicy({
        analyzerArn,
        resourceArn: keyArn,
        resourceType: 'AWS::KMS::Key',
        policy: current,
        findingId: finding.id,
      });

      // Assess
      expect(verdict.kind).toBe('resolves');
      const created = aws.callsTo('CreateAccessPreview')[0]?.input as Record<string, unknown>;
      expect(created.configurations).toEqual({
        [keyArn]: { kmsKey: { keyPolicies: { default: JSON.stringify(current) } } },
      });
    });

    it('names the policy kind when the preview FAILED', async () => {
      // Act
      const verdict = await createAccessPreviewer(client, { sleep }).previewPolicy({
        analyzerArn,
        resourceArn: BUCKET_ARN,
        resourceType: 'AWS::S3::Bucket',
        policy: parsePolicyDocument({ Version: '2012-10-17', Statement: [] }),
        findingId: findingOn(BUCKET_ARN).id,
      });

      // Assess
      expect(verdict).toEqual({
        kind: 'unavailable',
        detail: 'Access Analyzer could not preview the proposed bucket policy (INVALID_CONFIGURATION).',
      });
    });

    it('is unavailable for a resource type the bot does not preview, without calling Access Analyzer', async () => {
      // Act
      const verdict = await createAccessPreviewer(client, { sleep }).previewPolicy({
        analyzerArn,
        resourceArn: 'arn:aws:lambda:us-west-2:111122223333:function:my-function',
        resourceType: 'AWS::Lambda::Function',
        policy: bucketWithOutsidersDenied(),
        findingId: aliceFinding.id,
      });

      // Assess
      expect(verdict).toEqual({
        kind: 'unavailable',
        detail:
          'No access preview: the bot does not preview AWS::Lambda::Function resources (only IAM roles, S3 buckets, KMS keys, SQS queues and Secrets Manager secrets).',
      });
      expect(aws.callsTo('CreateAccessPreview')).toHaveLength(0);
    });
  });

  it('times out as unavailable when the preview stays CREATING', async () => {
    // Prepare
    await start(60_000);
    const previewer = createAccessPreviewer(client, { sleep, timeoutMs: 5000, pollMs: 1000 });

    // Act
    const verdict = await preview(withAliceDenied(), previewer);

    // Assess
    expect(verdict).toEqual({
      kind: 'unavailable',
      detail: 'No access preview: Access Analyzer did not finish within 5 s.',
    });
    expect(slept).toEqual([1000, 2000, 2000]);
    expect(aws.callsTo('ListAccessPreviewFindings')).toHaveLength(0);
  });
});

describe('judgePreview', () => {
  const base = {
    id: 'p',
    createdAt: new Date(0),
    resourceType: 'AWS::IAM::Role',
    resourceOwnerAccount: '1',
  } as const;

  it('lists at most three principals and counts the rest', () => {
    // Prepare
    const opened = ['A', 'B', 'C', 'D', 'E'].map((p) => ({
      ...base,
      changeType: 'NEW' as const,
      status: 'ACTIVE' as const,
      principal: { AWS: p },
    }));

    // Act
    const verdict = judgePreview(opened, 'f-1');

    // Assess
    expect(verdict.detail).toBe(
      'Access Analyzer preview: it would open new external access for A; B; C; and 2 more.',
    );
  });

  it('says an ARCHIVED finding that is kept would still be ARCHIVED', () => {
    // Act
    const verdict = judgePreview(
      [
        {
          ...base,
          changeType: 'UNCHANGED',
          status: 'ARCHIVED',
          existingFindingId: 'f-1',
          principal: { AWS: '*' },
        },
      ],
      'f-1',
    );

    // Assess
    expect(verdict).toEqual({
      kind: 'does-not-resolve',
      detail: 'Access Analyzer preview: finding f-1 would still be ARCHIVED (*).',
    });
  });
});
