import { IAMClient } from '@aws-sdk/client-iam';
import { createTrustPolicyGateway } from '../../../src/aws/iam-roles';
import { AwsCallError } from '../../../src/errors';
import type { TrustPolicyGateway } from '../../../src/remediation/ports';
import {
  parsePolicyDocument,
  policyLength,
  serializePolicyDocument,
  type PolicyDocument,
} from '../../../src/remediation/policy-document';
import { addTrustPolicyDeny, PolicyTooLargeError } from '../../../src/remediation/trust-policy-deny';
import { createAwsStandin, seedExampleAccount, type AwsStandin } from '../../../src/sandbox/aws-standin';
import { aliceRoleFinding } from '../../fixtures/findings';
import { clientConfig, closeAll, failureOf } from '../sandbox/aws-standin/helpers';

const ROLE = 'Audit_CrossAccountRole';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole';
const ALICE = 'arn:aws:iam::999988887777:user/Alice';

const failure = failureOf<Error>;

/** A trust policy allowing `count` external accounts: long, but otherwise one IAM accepts. */
function manyAccounts(count: number): PolicyDocument {
  const accounts = Array.from({ length: count }, (_, i) => `arn:aws:iam::${String(555500000000 + i)}:root`);
  return parsePolicyDocument({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: accounts }, Action: 'sts:AssumeRole' }],
  });
}

describe('createTrustPolicyGateway on the AWS stand-in (real IAMClient)', () => {
  let aws: AwsStandin;
  let iam: IAMClient;
  let gateway: TrustPolicyGateway;

  beforeEach(async () => {
    aws = await createAwsStandin({ analysisDelayMs: 0 });
    seedExampleAccount(aws);
    iam = new IAMClient(clientConfig(aws, { maxAttempts: 1 }));
    gateway = createTrustPolicyGateway(iam);
  });

  afterEach(() => closeAll(aws, iam));

  const storedTrust = (): string => aws.iam.getRole(ROLE)?.trustPolicy ?? '';

  it('reads the trust policy decoded from its URL-encoded form, with the role ARN', async () => {
    // Act
    const got = await gateway.getTrustPolicy(ROLE);

    // Assess
    expect(got).toEqual({
      roleName: ROLE,
      roleArn: ROLE_ARN,
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }],
      },
    });
  });

  it('round-trips a Deny: written as compact JSON, read back identical', async () => {
    // Prepare
    const { document: before } = await gateway.getTrustPolicy(ROLE);
    const { document } = addTrustPolicyDeny(before, aliceRoleFinding(), { ownAccount: '111122223333' });
    // Characters that URL-encoding must carry through (space, &, %, /, quotes, non-ASCII Latin-1).
    document.Statement[0]!.Condition = { StringEquals: { 'aws:PrincipalTag/team': 'R&D 100% "audit" é' } };

    // Act
    await gateway.putTrustPolicy(ROLE, document);
    const after = await gateway.getTrustPolicy(ROLE);

    // Assess
    const sent = aws.callsTo('UpdateAssumeRolePolicy')[0]?.input as { PolicyDocument?: string };
    expect(sent.PolicyDocument).toBe(serializePolicyDocument(document));
    expect(storedTrust()).toBe(serializePolicyDocument(document));
    expect(after.document).toEqual(document);
    expect(after.document.Statement.map((s) => s.Effect)).toEqual(['Allow', 'Deny']);
  });

  it('says the role no longer exists (NoSuchEntity) on read and on write', async () => {
    // Prepare
    const { document } = await gateway.getTrustPolicy(ROLE);

    // Act
    const read = await failure(gateway.getTrustPolicy('Ghost'));
    const write = await failure(gateway.putTrustPolicy('Ghost', document));

    // Assess
    for (const [error, operation] of [
      [read, 'GetRole'],
      [write, 'UpdateAssumeRolePolicy'],
    ] as const) {
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation, awsCode: 'NoSuchEntity', code: 'aws_call_failed' });
      expect((error as AwsCallError).userMessage).toMatch(/role `Ghost` no longer exists/);
    }
  });

  it('names the missing IAM permission when IAM answers AccessDenied', async () => {
    // Prepare
    const denied = { name: 'AccessDenied', status: 403, message: 'User is not authorized to perform iam:X' };
    aws.failNext('GetRole', denied);
    aws.failNext('UpdateAssumeRolePolicy', denied);
    const before = storedTrust();

    // Act
    const read = (await failure(gateway.getTrustPolicy(ROLE))) as AwsCallError;
    const write = (await failure(gateway.putTrustPolicy(ROLE, manyAccounts(1)))) as AwsCallError;

    // Assess
    expect(read).toMatchObject({ operation: 'GetRole', awsCode: 'AccessDenied' });
    expect(read.userMessage).toContain('iam:GetRole');
    expect(write).toMatchObject({ operation: 'UpdateAssumeRolePolicy', awsCode: 'AccessDenied' });
    expect(write.userMessage).toContain('iam:UpdateAssumeRolePolicy');
    expect(storedTrust()).toBe(before);
  });

  it("turns IAM's own size limit (LimitExceeded, ACLSizePerRole 2048) into PolicyTooLargeError", async () => {
    // Prepare
    const big = manyAccounts(60);
    const before = storedTrust();

    // Act
    const error = await failure(gateway.putTrustPolicy(ROLE, big));

    // Assess
    expect(policyLength(big)).toBeGreaterThan(2048);
    expect(error).toBeInstanceOf(PolicyTooLargeError);
    expect(error).toMatchObject({ length: policyLength(big), quota: 2048, code: 'policy_too_large' });
    expect(storedTrust()).toBe(before);
  });

  it.each([
    ['Cannot exceed quota for ACLSizePerRole: 4096', 4096],
    ['Limit exceeded', 2048],
  ])('takes the quota from IAM\'s message "%s" → %i', async (message, quota) => {
    // Prepare
    aws.failNext('UpdateAssumeRolePolicy', { name: 'LimitExceeded', status: 409, message });
    const document = manyAccounts(2);

    // Act
    const error = await failure(gateway.putTrustPolicy(ROLE, document));

    // Assess
    expect(error).toBeInstanceOf(PolicyTooLargeError);
    expect(error).toMatchObject({ length: policyLength(document), quota });
  });

  it("quotes IAM's message for MalformedPolicyDocument and leaves the role unchanged", async () => {
    // Prepare
    const before = storedTrust();
    const document = parsePolicyDocument({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Deny-Alice', Effect: 'Deny', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }],
    });

    // Act
    const error = (await failure(gateway.putTrustPolicy(ROLE, document))) as AwsCallError;

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.awsCode).toBe('MalformedPolicyDocument');
    expect(error.userMessage).toContain('Statement IDs (SID) must be alpha-numeric');
    expect(storedTrust()).toBe(before);
  });

  it('says IAM is throttling (Throttling) in a sentence', async () => {
    // Prepare
    aws.failNext('GetRole', { name: 'Throttling', status: 400, message: 'Rate exceeded' });

    // Act
    const error = (await failure(gateway.getTrustPolicy(ROLE))) as AwsCallError;

    // Assess
    expect(error).toMatchObject({ operation: 'GetRole', awsCode: 'Throttling' });
    expect(error.userMessage).toBe(
      'IAM is throttling requests (GetRole); nothing changed. Try again in a minute.',
    );
  });
});
