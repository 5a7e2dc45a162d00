import {
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListRolesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  ServiceFailureException,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, credentials, failureOf, standinWithClient } from './helpers';

const failure = failureOf<IAMServiceException>;

function trust(principal: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...extra }],
  });
}

describe('AWS stand-in: IAM over the real SDK (query protocol)', () => {
  let aws: AwsStandin;
  let iam: IAMClient;

  beforeEach(async () => {
    [aws, iam] = await standinWithClient(IAMClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
    aws.iam.createRole({
      name: 'Audit_CrossAccountRole',
      trustPolicy: trust('arn:aws:iam::999988887777:user/Alice'),
    });
  });

  afterEach(() => closeAll(aws, iam));

  it('returns the trust policy of GetRole URL-encoded (RFC 3986), as real IAM does', async () => {
    // Act
    const out = await iam.send(new GetRoleCommand({ RoleName: 'Audit_CrossAccountRole' }));

    // Assess
    const document = out.Role?.AssumeRolePolicyDocument ?? '';
    expect(document).toMatch(/^%7B%22Version%22%3A%222012-10-17%22/);
    expect(document).not.toContain('"');
    expect(JSON.parse(decodeURIComponent(document))).toEqual(
      JSON.parse(trust('arn:aws:iam::999988887777:user/Alice')),
    );
    expect(out.Role?.Arn).toBe('arn:aws:iam::111122223333:role/Audit_CrossAccountRole');
    expect(out.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(out.Role?.CreateDate).toBeInstanceOf(Date);
    expect(aws.calls.map((c) => `${c.service}:${c.operation}`)).toEqual(['IAM:GetRole']);
  });

  it('answers NoSuchEntityException (404) for an unknown role', async () => {
    // Act
    const error = await failure(iam.send(new GetRoleCommand({ RoleName: 'Ghost' })));

    // Assess
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe('The role with name Ghost cannot be found.');
  });

  it('replaces the trust policy with UpdateAssumeRolePolicy, read back through GetRole', async () => {
    // Prepare
    const next = trust('arn:aws:iam::444455556666:root');

    // Act
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'Audit_CrossAccountRole', PolicyDocument: next }),
    );
    const out = await iam.send(new GetRoleCommand({ RoleName: 'Audit_CrossAccountRole' }));

    // Assess
    expect(decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? '')).toBe(next);
  });

  it.each([
    [
      'a Sid with hyphens',
      trust('999988887777', { Sid: 'AADeny-2222' }),
      /must be alpha-numeric.*\[0-9A-Za-z\]\*/,
    ],
    ['invalid JSON', '{"Version":', /invalid Json/],
    ['a Resource in a trust policy', trust('999988887777', { Resource: '*' }), /prohibited field Resource/],
    [
      'no Principal',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }),
      /Principal/,
    ],
    ['a missing role of this account', trust('arn:aws:iam::111122223333:role/Nope'), /Invalid principal/],
  ])(
    'rejects %s with MalformedPolicyDocumentException and keeps the old policy',
    async (_name, document, message) => {
      // Act
      const error = await failure(
        iam.send(
          new UpdateAssumeRolePolicyCommand({ RoleName: 'Audit_CrossAccountRole', PolicyDocument: document }),
        ),
      );

      // Assess
      expect(error).toBeInstanceOf(MalformedPolicyDocumentException);
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(message);
      expect(aws.iam.getRole('Audit_CrossAccountRole')?.trustPolicy).toBe(
        trust('arn:aws:iam::999988887777:user/Alice'),
      );
    },
  );

  it('limits trust policies to 2,048 characters not counting whitespace (LimitExceededException)', async () => {
    // Prepare: 2,048 exactly once whitespace is removed is accepted, one more character is not.
    const base = trust('999988887777', { Sid: 'S' });
    const padding = (extra: number): string => base.replace('"Sid":"S"', `"Sid":"S${'x'.repeat(extra)}"`);
    const exact = padding(2048 - base.length);
    const indented = JSON.stringify(JSON.parse(exact), null, 4);
    const over = padding(2049 - base.length);

    // Act
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'Audit_CrossAccountRole', PolicyDocument: indented }),
    );
    const error = await failure(
      iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: 'Audit_CrossAccountRole', PolicyDocument: over }),
      ),
    );

    // Assess
    expect(exact.length).toBe(2048);
    expect(indented.length).toBeGreaterThan(2048);
    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error.message).toBe('Cannot exceed quota for ACLSizePerRole: 2048');
  });

  it('lists roles with Marker paging and URL-encoded documents', async () => {
    // Prepare
    aws.iam.createRole({ name: 'B', trustPolicy: trust('999988887777') });
    aws.iam.createRole({ name: 'C', trustPolicy: trust('999988887777') });

    // Act
    const first = await iam.send(new ListRolesCommand({ MaxItems: 2 }));
    const second = await iam.send(new ListRolesCommand({ MaxItems: 2, Marker: first.Marker }));

    // Assess
    expect(first.Roles?.map((r) => r.RoleName)).toEqual(['Audit_CrossAccountRole', 'B']);
    expect(first.IsTruncated).toBe(true);
    expect(second.Roles?.map((r) => r.RoleName)).toEqual(['C']);
    expect(second.IsTruncated).toBe(false);
    expect(second.Roles?.[0]?.AssumeRolePolicyDocument).toMatch(/^%7B/);
  });

  it('serves GetUser by name and refuses a call without one', async () => {
    // Prepare
    aws.iam.createUser({ name: 'Mary' });

    // Act
    const out = await iam.send(new GetUserCommand({ UserName: 'Mary' }));
    const error = await failure(iam.send(new GetUserCommand({})));

    // Assess
    expect(out.User?.Arn).toBe('arn:aws:iam::111122223333:user/Mary');
    expect(out.User?.UserId).toMatch(/^AIDA/);
    expect(error.name).toBe('ValidationError');
  });

  it('fails the next IAM call with an injected error, then serves normally', async () => {
    // Prepare
    aws.failNext('GetRole', { name: 'ServiceFailure', status: 500, message: 'boom' });

    // Act
    const error = await failure(iam.send(new GetRoleCommand({ RoleName: 'Audit_CrossAccountRole' })));
    const out = await iam.send(new GetRoleCommand({ RoleName: 'Audit_CrossAccountRole' }));

    // Assess
    expect(error).toBeInstanceOf(ServiceFailureException);
    expect(error.message).toBe('boom');
    expect(out.Role?.RoleName).toBe('Audit_CrossAccountRole');
  });

  it('is reached through AWS_ENDPOINT_URL_IAM although IAM is a global service', async () => {
    // Prepare
    const saved = process.env.AWS_ENDPOINT_URL_IAM;
    process.env.AWS_ENDPOINT_URL_IAM = aws.url;
    const fromEnv = new IAMClient({ region: 'us-east-1', credentials, maxAttempts: 1 });

    // Act
    try {
      const out = await fromEnv.send(new GetRoleCommand({ RoleName: 'Audit_CrossAccountRole' }));

      // Assess
      expect(out.Role?.RoleName).toBe('Audit_CrossAccountRole');
    } finally {
      fromEnv.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_IAM;
      else process.env.AWS_ENDPOINT_URL_IAM = saved;
    }
  });
});
