import {
  AccessAnalyzerClient,
  CheckAccessNotGrantedCommand,
  InvalidParameterException,
  ValidatePolicyCommand,
  type AccessAnalyzerServiceException,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const failure = failureOf<AccessAnalyzerServiceException>;

describe('AWS stand-in: CheckAccessNotGranted and ValidatePolicy over the real SDK', () => {
  let aws: AwsStandin;
  let aa: AccessAnalyzerClient;

  beforeEach(async () => {
    [aws, aa] = await standinWithClient(AccessAnalyzerClient, {}, { maxAttempts: 1 });
  });

  afterEach(() => closeAll(aws, aa));

  const identity = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::reports/*' },
      { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
    ],
  });

  it.each([
    ['an action granted through a wildcard', { actions: ['s3:GetObject'] }, 'FAIL', [0]],
    [
      'an action on a resource outside the statement',
      { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::other/x'] },
      'PASS',
      [],
    ],
    ['an action the policy never names', { actions: ['iam:PassRole'] }, 'PASS', []],
    ['an action removed by an unconditional Deny', { actions: ['kms:ScheduleKeyDeletion'] }, 'PASS', []],
    ['any action on a named resource', { resources: ['arn:aws:s3:::reports/q1.csv'] }, 'FAIL', [0, 1]],
  ])('answers for %s', async (_name, access, result, statements) => {
    // Act
    const out = await aa.send(
      new CheckAccessNotGrantedCommand({
        policyDocument: identity,
        access: [access],
        policyType: 'IDENTITY_POLICY',
      }),
    );

    // Assess
    expect(out.result).toBe(result);
    expect(out.reasons?.map((r) => r.statementIndex)).toEqual(statements);
  });

  it('names the statement Sid in its reasons and refuses an invalid policy', async () => {
    // Act
    const out = await aa.send(
      new CheckAccessNotGrantedCommand({
        policyDocument: identity,
        access: [{ actions: ['s3:GetObject'] }],
        policyType: 'IDENTITY_POLICY',
      }),
    );
    const invalid = await failure(
      aa.send(
        new CheckAccessNotGrantedCommand({
          policyDocument: '{',
          access: [{ actions: ['s3:GetObject'] }],
          policyType: 'IDENTITY_POLICY',
        }),
      ),
    );

    // Assess
    expect(out.reasons).toEqual([
      {
        description: 'One or more of the listed actions or resources in the statement with sid: Read.',
        statementIndex: 0,
        statementId: 'Read',
      },
    ]);
    expect(invalid).toBeInstanceOf(InvalidParameterException);
  });

  it('reports policy grammar problems with locations, and a security warning for an open principal', async () => {
    // Prepare
    const policy = JSON.stringify(
      {
        Statement: [
          { Sid: 'bad-sid', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
          { Effect: 'Maybe', Principal: { AWS: '999988887777' } },
        ],
      },
      null,
      2,
    );

    // Act
    const out = await aa.send(
      new ValidatePolicyCommand({
        policyDocument: policy,
        policyType: 'RESOURCE_POLICY',
        validatePolicyResourceType: 'AWS::IAM::AssumeRolePolicyDocument',
      }),
    );

    // Assess
    expect(out.findings?.map((f) => [f.findingType, f.issueCode])).toEqual([
      ['WARNING', 'MISSING_VERSION'],
      ['ERROR', 'UNSUPPORTED_SID'],
      ['SECURITY_WARNING', 'ALLOW_WITH_PUBLIC_PRINCIPAL'],
      ['ERROR', 'INVALID_EFFECT'],
      ['ERROR', 'MISSING_ACTION'],
    ]);
    const effect = out.findings?.[3]?.locations?.[0];
    expect(effect?.path).toEqual([{ value: 'Statement' }, { index: 1 }, { value: 'Effect' }]);
    expect(effect?.span?.start).toEqual({ line: 12, column: 16, offset: policy.indexOf('"Maybe"') });
    expect(out.findings?.[1]?.learnMoreLink).toMatch(
      /access-analyzer-reference-policy-checks-error-unsupported-sid$/,
    );
  });

  it('reports a JSON syntax error as the only finding', async () => {
    // Act
    const out = await aa.send(
      new ValidatePolicyCommand({ policyDocument: '{"Statement": [}', policyType: 'IDENTITY_POLICY' }),
    );

    // Assess
    expect(out.findings?.map((f) => [f.findingType, f.issueCode])).toEqual([['ERROR', 'JSON_SYNTAX_ERROR']]);
  });
});
