import {
  AccessAnalyzerClient,
  GetFindingCommand,
  ListFindingsV2Command,
  StartResourceScanCommand,
} from '@aws-sdk/client-accessanalyzer';
import { IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetBucketPolicyStatusCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import {
  createAwsStandin,
  type AccessAnalyzerEvent,
  type AwsStandin,
  type StandinFinding,
} from '../../../../src/sandbox/aws-standin';
import { closeAll, credentials } from './helpers';

const OWN = '111122223333';
const ALICE = 'arn:aws:iam::999988887777:user/Alice';
const PARTNER_ROOT = 'arn:aws:iam::444455556666:root';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const aliceTrust = { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' };
const rootKms = {
  Sid: 'Root',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${OWN}:root` },
  Action: 'kms:*',
  Resource: '*',
};
const partnerKms = {
  Effect: 'Allow',
  Principal: { AWS: PARTNER_ROOT },
  Action: ['kms:Decrypt', 'kms:DescribeKey'],
  Resource: '*',
};
const publicRead = {
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::open-bucket/*',
};

function byResource(aws: AwsStandin, fragment: string): StandinFinding[] {
  return aws.accessAnalyzer.listFindings().filter((f) => f.resource.includes(fragment));
}

describe('AWS stand-in: Access Analyzer analyses its own account', () => {
  let aws: AwsStandin;
  let analyzerArn: string;
  let now: Date;
  const clients: { destroy(): void }[] = [];
  const client = <T extends { destroy(): void }>(made: T): T => {
    clients.push(made);
    return made;
  };

  beforeEach(async () => {
    now = new Date('2024-05-01T10:00:00.000Z');
    aws = await createAwsStandin({ analysisDelayMs: 0, now: () => now });
    analyzerArn = aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' }).arn;
    aws.iam.createRole({ name: 'Audit_CrossAccountRole', trustPolicy: doc(aliceTrust) });
    aws.s3.createBucket({ name: 'open-bucket', policy: doc(publicRead) });
    aws.kms.createKey({ keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', policy: doc(rootKms, partnerKms) });
    aws.sqs.createQueue('internal', {
      policy: doc({ Effect: 'Allow', Principal: { AWS: OWN }, Action: 'sqs:*', Resource: '*' }),
    });
  });

  afterEach(() => closeAll(aws, ...clients.splice(0)));

  it('creates one ACTIVE finding per external access, served over the API, none for internal access', async () => {
    // Prepare
    const aa = client(new AccessAnalyzerClient({ endpoint: aws.url, region: 'us-west-2', credentials }));

    // Act
    const listed = await aa.send(new ListFindingsV2Command({ analyzerArn }));
    const role = byResource(aws, ':role/Audit_CrossAccountRole')[0];
    const got = await aa.send(new GetFindingCommand({ analyzerArn, id: role?.id }));

    // Assess
    expect(listed.findings?.map((f) => [f.resourceType, f.status]).sort()).toEqual([
      ['AWS::IAM::Role', 'ACTIVE'],
      ['AWS::KMS::Key', 'ACTIVE'],
      ['AWS::S3::Bucket', 'ACTIVE'],
    ]);
    expect(got.finding).toMatchObject({
      principal: { AWS: ALICE },
      action: ['sts:AssumeRole'],
      condition: {},
      isPublic: false,
      resource: `arn:aws:iam::${OWN}:role/Audit_CrossAccountRole`,
      resourceOwnerAccount: OWN,
    });
    expect(byResource(aws, 'open-bucket')[0]).toMatchObject({
      principal: { AWS: '*' },
      isPublic: true,
      sources: [{ type: 'POLICY' }],
    });
    expect(byResource(aws, ':key/')[0]).toMatchObject({
      principal: { AWS: '444455556666' },
      action: ['kms:Decrypt', 'kms:DescribeKey'],
    });
  });

  it('resolves the role finding once an explicit Deny for the principal is written through IAM', async () => {
    // Prepare
    const iam = client(new IAMClient({ endpoint: aws.url, region: 'us-west-2', credentials }));
    const before = byResource(aws, ':role/')[0] as StandinFinding;
    const events: AccessAnalyzerEvent[] = [];
    aws.onFindingEvent((event) => events.push(event));
    now = new Date('2024-05-01T11:00:00.000Z');
    const deny = {
      Sid: 'AADeny22222222dcba4444dcba333333333333',
      Effect: 'Deny',
      Principal: { AWS: 'arn:aws:iam::999988887777:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
    };

    // Act
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'Audit_CrossAccountRole',
        PolicyDocument: doc(aliceTrust, deny),
      }),
    );

    // Assess
    const after = aws.accessAnalyzer.getFinding(before.id);
    expect(after).toMatchObject({ status: 'RESOLVED', previousStatus: 'ACTIVE', updatedAt: now });
    expect(byResource(aws, ':role/')).toHaveLength(1);
    expect(events.map((e) => [e.detail.id, e.detail.status])).toEqual([[before.id, 'RESOLVED']]);
  });

  it('resolves the KMS and S3 findings after owner-preserving Denies, and the owner keeps access', async () => {
    // Prepare
    const kms = client(
      new KMSClient({ endpoint: aws.url, region: 'us-west-2', credentials, maxAttempts: 1 }),
    );
    const s3 = client(
      new S3Client({ endpoint: aws.url, region: 'us-west-2', credentials, forcePathStyle: true }),
    );
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const denyPartner = { Effect: 'Deny', Principal: { AWS: PARTNER_ROOT }, Action: 'kms:*', Resource: '*' };
    const denyOutsiders = {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::open-bucket', 'arn:aws:s3:::open-bucket/*'],
      Condition: {
        StringNotEquals: { 'aws:PrincipalAccount': OWN },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    };

    // Act
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: doc(rootKms, partnerKms, denyPartner) }));
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: 'open-bucket', Policy: doc(publicRead, denyOutsiders) }),
    );
    const stillManaged = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId }));
    const status = await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'open-bucket' }));

    // Assess
    expect(byResource(aws, ':key/').map((f) => f.status)).toEqual(['RESOLVED']);
    expect(byResource(aws, 'open-bucket').map((f) => f.status)).toEqual(['RESOLVED']);
    expect(JSON.parse(stillManaged.Policy ?? '{}').Statement).toHaveLength(3);
    expect(status.PolicyStatus?.IsPublic).toBe(false);
  });

  it('turns a changed condition into a new finding and resolves the old one', () => {
    // Prepare
    const old = byResource(aws, 'open-bucket')[0] as StandinFinding;
    const vpcOnly = { ...publicRead, Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1a2b3c4d' } } };

    // Act
    aws.s3.setPolicy('open-bucket', doc(vpcOnly));

    // Assess
    const findings = byResource(aws, 'open-bucket');
    expect(findings.map((f) => [f.id === old.id, f.status])).toEqual([
      [true, 'RESOLVED'],
      [false, 'ACTIVE'],
    ]);
    expect(findings[1]?.condition).toEqual({ 'aws:SourceVpc': 'vpc-1a2b3c4d' });
  });

  it('keeps ids stable across re-analysis, re-activates a finding whose access comes back, and stays quiet otherwise', async () => {
    // Prepare
    const events: string[] = [];
    aws.onFindingEvent((event) => events.push(String(event.detail.status)));
    const original = byResource(aws, ':key/')[0] as StandinFinding;

    // Act
    const unchanged = await aws.analyze();
    aws.kms.setPolicy(original.resource, doc(rootKms));
    aws.kms.setPolicy(original.resource, doc(rootKms, partnerKms));

    // Assess
    expect(unchanged).toEqual({ created: [], resolved: [], reactivated: [] });
    expect(byResource(aws, ':key/').map((f) => [f.id, f.status])).toEqual([[original.id, 'ACTIVE']]);
    expect(events).toEqual(['RESOLVED', 'ACTIVE']);
  });

  it('leaves findings added by hand alone', async () => {
    // Prepare
    const manual = aws.accessAnalyzer.addFinding({ analyzerArn, resource: 'arn:aws:s3:::somewhere-else' });

    // Act
    await aws.analyze();

    // Assess
    expect(aws.accessAnalyzer.getFinding(manual.id)?.status).toBe('ACTIVE');
  });
});

describe('AWS stand-in: when analysis runs', () => {
  let aws: AwsStandin | undefined;

  afterEach(async () => {
    await aws?.close();
  });

  it('runs automatically, once, analysisDelayMs after the last policy write', async () => {
    // Prepare
    aws = await createAwsStandin({ analysisDelayMs: 40 });
    aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' });
    const events: AccessAnalyzerEvent[] = [];
    aws.onFindingEvent((event) => events.push(event));

    // Act
    aws.iam.createRole({ name: 'A', trustPolicy: doc(aliceTrust) });
    aws.iam.createRole({ name: 'B', trustPolicy: doc(aliceTrust) });
    const right = aws.accessAnalyzer.listFindings().length;
    await new Promise((resolve) => setTimeout(resolve, 150));

    // Assess
    expect(right).toBe(0);
    expect(events.map((e) => e.detail.resource)).toEqual([
      `arn:aws:iam::${OWN}:role/A`,
      `arn:aws:iam::${OWN}:role/B`,
    ]);
    expect(events[0]).toMatchObject({
      source: 'aws.access-analyzer',
      'detail-type': 'Access Analyzer Finding',
    });
  });

  it('runs on StartResourceScan without waiting for the delay', async () => {
    // Prepare
    aws = await createAwsStandin({ analysisDelayMs: 60_000 });
    const analyzerArn = aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' }).arn;
    const role = aws.iam.createRole({ name: 'A', trustPolicy: doc(aliceTrust) });
    const aa = new AccessAnalyzerClient({ endpoint: aws.url, region: 'us-west-2', credentials });

    // Act
    const before = aws.accessAnalyzer.listFindings().length;
    await aa.send(new StartResourceScanCommand({ analyzerArn, resourceArn: role.arn }));
    aa.destroy();

    // Assess
    expect(before).toBe(0);
    expect(aws.accessAnalyzer.listFindings().map((f) => f.resource)).toEqual([role.arn]);
  });
});
