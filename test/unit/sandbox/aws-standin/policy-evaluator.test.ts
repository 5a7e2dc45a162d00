import { findExternalAccess, parsePolicy, type ExternalAccess } from '../../../../src/sandbox/aws-standin';

const OWN = '111122223333';
const ALICE = 'arn:aws:iam::999988887777:user/Alice';

type Statement = Record<string, unknown>;

function access(kind: 'trust' | 'resource', ...statements: Statement[]): ExternalAccess[] {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  return findExternalAccess(parsePolicy(text), OWN, kind);
}

const allow = (Principal: unknown, Action: unknown, extra: Statement = {}): Statement => ({
  Effect: 'Allow',
  Principal,
  Action,
  ...extra,
});
const deny = (Principal: unknown, Action: unknown, extra: Statement = {}): Statement => ({
  Effect: 'Deny',
  Principal,
  Action,
  ...extra,
});

describe('policy evaluator: external access of a resource policy', () => {
  const cases: {
    name: string;
    kind: 'trust' | 'resource';
    statements: Statement[];
    expected: ExternalAccess[];
  }[] = [
    {
      name: 'a cross-account user allowed to assume the role',
      kind: 'trust',
      statements: [allow({ AWS: ALICE }, 'sts:AssumeRole')],
      expected: [{ principal: { AWS: ALICE }, actions: ['sts:AssumeRole'], condition: {}, isPublic: false }],
    },
    {
      name: 'the account root ARN is reported as the bare account id',
      kind: 'resource',
      statements: [allow({ AWS: 'arn:aws:iam::444455556666:root' }, ['kms:Decrypt', 'kms:DescribeKey'])],
      expected: [
        {
          principal: { AWS: '444455556666' },
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          condition: {},
          isPublic: false,
        },
      ],
    },
    {
      name: 'principals of the own account are not external',
      kind: 'resource',
      statements: [allow({ AWS: [`arn:aws:iam::${OWN}:root`, `arn:aws:iam::${OWN}:role/Admin`] }, 's3:*')],
      expected: [],
    },
    {
      name: 'service principals are not external',
      kind: 'trust',
      statements: [allow({ Service: 'ec2.amazonaws.com' }, 'sts:AssumeRole')],
      expected: [],
    },
    {
      name: 'sts:* in a trust policy expands to the four role-assumption actions',
      kind: 'trust',
      statements: [allow({ AWS: '999988887777' }, 'sts:*')],
      expected: [
        {
          principal: { AWS: '999988887777' },
          actions: [
            'sts:AssumeRole',
            'sts:AssumeRoleWithSAML',
            'sts:AssumeRoleWithWebIdentity',
            'sts:TagSession',
          ],
          condition: {},
          isPublic: false,
        },
      ],
    },
    {
      name: 'a federated principal with its condition',
      kind: 'trust',
      statements: [
        allow(
          { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` },
          ['sts:AssumeRoleWithWebIdentity'],
          {
            Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
          },
        ),
      ],
      expected: [
        {
          principal: { Federated: `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com` },
          actions: ['sts:AssumeRoleWithWebIdentity'],
          condition: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          isPublic: false,
        },
      ],
    },
    {
      name: 'Principal "*" without a condition is public',
      kind: 'resource',
      statements: [allow('*', 's3:GetObject')],
      expected: [{ principal: { AWS: '*' }, actions: ['s3:GetObject'], condition: {}, isPublic: true }],
    },
    {
      name: 'Principal "*" with an unrelated condition stays public, condition reported',
      kind: 'resource',
      statements: [
        allow({ AWS: '*' }, 's3:GetObject', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }),
      ],
      expected: [
        {
          principal: { AWS: '*' },
          actions: ['s3:GetObject'],
          condition: { 'aws:SourceVpc': 'vpc-1' },
          isPublic: true,
        },
      ],
    },
    {
      name: 'Principal "*" confined to the own account grants nothing external',
      kind: 'resource',
      statements: [
        allow('*', 'sqs:SendMessage', { Condition: { StringEquals: { 'aws:PrincipalAccount': OWN } } }),
      ],
      expected: [],
    },
    {
      name: 'Principal "*" confined to an organization is external but not public',
      kind: 'resource',
      statements: [
        allow('*', 's3:GetObject', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }),
      ],
      expected: [
        {
          principal: { AWS: '*' },
          actions: ['s3:GetObject'],
          condition: { 'aws:PrincipalOrgID': 'o-abc' },
          isPublic: false,
        },
      ],
    },
    {
      name: 'an explicit Deny of the same principal with a covering wildcard removes the access',
      kind: 'trust',
      statements: [
        allow({ AWS: ALICE }, 'sts:AssumeRole'),
        deny({ AWS: 'arn:aws:iam::999988887777:root' }, ['sts:AssumeRole', 'sts:TagSession']),
      ],
      expected: [],
    },
    {
      name: 'a Deny by account id covers a user of that account; sts:* covers AssumeRole',
      kind: 'trust',
      statements: [allow({ AWS: ALICE }, 'sts:AssumeRole'), deny({ AWS: '999988887777' }, 'sts:*')],
      expected: [],
    },
    {
      name: 'a Deny of another principal leaves the access',
      kind: 'trust',
      statements: [
        allow({ AWS: ALICE }, 'sts:AssumeRole'),
        deny({ AWS: 'arn:aws:iam::888888888888:root' }, 'sts:AssumeRole'),
      ],
      expected: [{ principal: { AWS: ALICE }, actions: ['sts:AssumeRole'], condition: {}, isPublic: false }],
    },
    {
      name: 'a partial Deny keeps the other actions',
      kind: 'resource',
      statements: [
        allow({ AWS: '444455556666' }, ['kms:Decrypt', 'kms:DescribeKey']),
        deny({ AWS: '444455556666' }, 'kms:Decrypt'),
      ],
      expected: [
        { principal: { AWS: '444455556666' }, actions: ['kms:DescribeKey'], condition: {}, isPublic: false },
      ],
    },
    {
      name: 'Deny "*" action covers everything, s3:* covers s3:Get* read literally',
      kind: 'resource',
      statements: [
        allow({ AWS: '444455556666' }, ['s3:Get*', 'kms:Decrypt']),
        deny({ AWS: '444455556666' }, 's3:*'),
        deny('*', '*', { Condition: { StringEquals: { 'aws:PrincipalAccount': '444455556666' } } }),
      ],
      expected: [],
    },
    {
      name: 'a conditional Deny with an unmodelled key removes nothing',
      kind: 'resource',
      statements: [
        allow({ AWS: '444455556666' }, 'kms:Decrypt'),
        deny({ AWS: '444455556666' }, 'kms:*', {
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        }),
      ],
      expected: [
        { principal: { AWS: '444455556666' }, actions: ['kms:Decrypt'], condition: {}, isPublic: false },
      ],
    },
    {
      name: 'Deny "*" unless aws:PrincipalAccount is the owner removes public access',
      kind: 'resource',
      statements: [
        allow('*', 's3:GetObject'),
        deny('*', 's3:*', {
          Condition: {
            StringNotEquals: { 'aws:PrincipalAccount': OWN },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        }),
      ],
      expected: [],
    },
    {
      name: 'Deny "*" for signed requests only (Null aws:PrincipalAccount false) spares federated sign-ins',
      kind: 'trust',
      statements: [
        allow({ AWS: ALICE }, 'sts:AssumeRole'),
        allow({ Federated: 'accounts.google.com' }, 'sts:AssumeRoleWithWebIdentity'),
        deny('*', ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'], {
          Condition: {
            StringNotEquals: { 'aws:PrincipalAccount': OWN },
            Null: { 'aws:PrincipalAccount': 'false' },
          },
        }),
      ],
      expected: [
        {
          principal: { Federated: 'accounts.google.com' },
          actions: ['sts:AssumeRoleWithWebIdentity'],
          condition: {},
          isPublic: false,
        },
      ],
    },
    {
      name: 'Deny "*" unless aws:PrincipalAccount is the owner removes cross-account access too',
      kind: 'trust',
      statements: [
        allow({ AWS: ALICE }, 'sts:AssumeRole'),
        deny('*', 'sts:AssumeRole', { Condition: { StringNotEquals: { 'aws:PrincipalAccount': OWN } } }),
      ],
      expected: [],
    },
    {
      name: 'Deny outside an organization narrows public access to that organization',
      kind: 'resource',
      statements: [
        allow('*', 's3:GetObject'),
        deny('*', 's3:*', { Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }),
      ],
      expected: [
        {
          principal: { AWS: '*' },
          actions: ['s3:GetObject'],
          condition: { 'aws:PrincipalOrgID': 'o-abc' },
          isPublic: false,
        },
      ],
    },
    {
      name: 'Deny outside an organization removes a named external account (assumed outside it)',
      kind: 'resource',
      statements: [
        allow({ AWS: '444455556666' }, 'secretsmanager:GetSecretValue'),
        deny('*', '*', { Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } } }),
      ],
      expected: [],
    },
    {
      name: 'Deny with NotPrincipal of the owner root removes every external grant',
      kind: 'resource',
      statements: [
        allow('*', 's3:GetObject'),
        allow({ AWS: '444455556666' }, 's3:PutObject'),
        { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 's3:*' },
      ],
      expected: [],
    },
    {
      name: 'a Deny of the principal "*" without condition also removes federated access',
      kind: 'trust',
      statements: [
        allow({ Federated: 'cognito-identity.amazonaws.com' }, 'sts:AssumeRoleWithWebIdentity'),
        deny('*', 'sts:AssumeRoleWithWebIdentity'),
      ],
      expected: [],
    },
    {
      name: 'grants of several statements to the same principal and condition merge',
      kind: 'resource',
      statements: [
        allow({ AWS: '444455556666' }, 'kms:Decrypt'),
        allow({ AWS: ['444455556666'] }, 'kms:Encrypt'),
      ],
      expected: [
        {
          principal: { AWS: '444455556666' },
          actions: ['kms:Decrypt', 'kms:Encrypt'],
          condition: {},
          isPublic: false,
        },
      ],
    },
  ];

  it.each(cases)('$name', ({ kind, statements, expected }) => {
    // Act
    const found = access(kind, ...statements);

    // Assess
    expect(found).toEqual(expected);
  });

  it('rejects documents AWS would call malformed', () => {
    // Prepare
    const bad = [
      '{',
      '[]',
      '{"Statement":[]}',
      '{"Statement":{"Effect":"Maybe","Action":"s3:*"}}',
      '{"Statement":{"Effect":"Allow"}}',
    ];

    // Act
    const errors = bad.map((text) => {
      try {
        parsePolicy(text);
        return undefined;
      } catch (error) {
        return (error as Error).name;
      }
    });

    // Assess
    expect(errors).toEqual(bad.map(() => 'PolicySyntaxError'));
  });
});
