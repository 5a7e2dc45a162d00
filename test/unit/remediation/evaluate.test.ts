import type { Finding } from '../../../src/findings/finding';
import { denyEvidence, isAllowed, type AccessRequest } from '../../../src/remediation/evaluate';
import {
  parsePolicyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from '../../../src/remediation/policy-document';
import { ANONYMOUS } from '../../../src/remediation/principals';
import { addTrustPolicyDeny } from '../../../src/remediation/trust-policy-deny';
import { aliceRoleFinding } from '../../fixtures/findings';

const OWN = '111122223333';
const EXT = '999988887777';
const ALICE = `arn:aws:iam::${EXT}:user/Alice`;
const OIDC = `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com`;

const policy = (...Statement: PolicyStatement[]): PolicyDocument =>
  parsePolicyDocument({ Version: '2012-10-17', Statement });
const allow = (
  Principal: PolicyStatement['Principal'],
  Action: string | string[] = 'sts:AssumeRole',
  extra = {},
) => ({ Effect: 'Allow', Principal, Action, ...extra }) as PolicyStatement;
const deny = (
  Principal: PolicyStatement['Principal'],
  Action: string | string[] = 'sts:AssumeRole',
  extra = {},
) => ({ Sid: 'D', Effect: 'Deny', Principal, Action, ...extra }) as PolicyStatement;

describe('isAllowed', () => {
  it.each<[string, PolicyDocument, AccessRequest, true | false | 'unknown', string]>([
    [
      'an exact ARN Allow',
      policy(allow({ AWS: ALICE })),
      { principal: ALICE, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'an explicit Deny wins over the Allow',
      policy(allow({ AWS: ALICE }), deny({ AWS: ALICE })),
      { principal: ALICE, action: 'sts:AssumeRole' },
      false,
      'explicit-deny',
    ],
    [
      'no Allow: implicit deny',
      policy(allow({ AWS: ALICE })),
      { principal: `arn:aws:iam::${EXT}:user/Bob`, action: 'sts:AssumeRole' },
      false,
      'implicit-deny',
    ],
    [
      'an account root matches every principal of that account',
      policy(allow({ AWS: `arn:aws:iam::${EXT}:root` })),
      { principal: `arn:aws:iam::${EXT}:role/X`, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'an account id matches every principal of that account',
      policy(allow({ AWS: EXT })),
      { principal: ALICE, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'an account root does not match another account',
      policy(allow({ AWS: `arn:aws:iam::${EXT}:root` })),
      { principal: `arn:aws:iam::${OWN}:role/X`, action: 'sts:AssumeRole' },
      false,
      'implicit-deny',
    ],
    [
      'a root Deny blocks a user of that account',
      policy(allow({ AWS: ALICE }), deny({ AWS: EXT })),
      { principal: ALICE, action: 'sts:AssumeRole' },
      false,
      'explicit-deny',
    ],
    [
      'Principal "*" matches anyone',
      policy(allow('*')),
      { principal: { Service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      '{AWS: "*"} matches anyone',
      policy(allow({ AWS: '*' })),
      { principal: { Federated: OIDC }, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      '{Service: "*"} matches only services',
      policy(allow({ Service: '*' })),
      { principal: ALICE, action: 'sts:AssumeRole' },
      false,
      'implicit-deny',
    ],
    [
      'a federated provider, exactly',
      policy(allow({ Federated: OIDC }, 'sts:AssumeRoleWithWebIdentity')),
      { principal: OIDC, action: 'sts:AssumeRoleWithWebIdentity' },
      true,
      'allow',
    ],
    [
      'another federated provider',
      policy(allow({ Federated: OIDC }, 'sts:AssumeRoleWithWebIdentity')),
      { principal: { Federated: 'cognito-identity.amazonaws.com' }, action: 'sts:AssumeRoleWithWebIdentity' },
      false,
      'implicit-deny',
    ],
    [
      'a service principal',
      policy(allow({ Service: 'ec2.amazonaws.com' })),
      { principal: 'ec2.amazonaws.com', action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'an action wildcard *',
      policy(allow({ AWS: ALICE }, 'sts:Assume*')),
      { principal: ALICE, action: 'sts:AssumeRoleWithSAML' },
      true,
      'allow',
    ],
    [
      'an action wildcard ?',
      policy(allow({ AWS: ALICE }, 'sts:AssumeRol?')),
      { principal: ALICE, action: 'sts:AssumeRoleWithSAML' },
      false,
      'implicit-deny',
    ],
    [
      'actions are case-insensitive',
      policy(allow({ AWS: ALICE }, 'STS:ASSUMEROLE')),
      { principal: ALICE, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'NotAction in a Deny covers other actions',
      policy(
        allow({ AWS: ALICE }, 'sts:*'),
        deny({ AWS: ALICE }, [], { Action: undefined, NotAction: 'sts:TagSession' }),
      ),
      { principal: ALICE, action: 'sts:AssumeRole' },
      false,
      'explicit-deny',
    ],
    [
      'NotAction in a Deny spares its own actions',
      policy(
        allow({ AWS: ALICE }, 'sts:*'),
        deny({ AWS: ALICE }, [], { Action: undefined, NotAction: 'sts:TagSession' }),
      ),
      { principal: ALICE, action: 'sts:TagSession' },
      true,
      'allow',
    ],
    [
      'a Deny whose condition does not hold',
      policy(
        allow({ AWS: ALICE }),
        deny('*', 'sts:*', { Condition: { StringNotEquals: { 'aws:PrincipalAccount': EXT } } }),
      ),
      { principal: ALICE, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'BoolIfExists spares a service principal',
      policy(
        allow({ Service: 'ec2.amazonaws.com' }),
        deny('*', 'sts:*', {
          Condition: {
            StringNotEquals: { 'aws:PrincipalAccount': OWN },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        }),
      ),
      { principal: { Service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'a missing key with IfExists blocks a federated caller',
      policy(
        allow({ Federated: OIDC }, 'sts:*'),
        deny('*', 'sts:*', { Condition: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } } }),
      ),
      { principal: OIDC, action: 'sts:AssumeRoleWithWebIdentity' },
      false,
      'explicit-deny',
    ],
    [
      'a missing key without IfExists spares a federated caller',
      policy(
        allow({ Federated: OIDC }, 'sts:*'),
        deny('*', 'sts:*', { Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } } }),
      ),
      { principal: OIDC, action: 'sts:AssumeRoleWithWebIdentity' },
      true,
      'allow',
    ],
    [
      'an unknown operator in a Deny: unknown, never "blocked"',
      policy(
        allow({ AWS: ALICE }),
        deny({ AWS: ALICE }, 'sts:AssumeRole', {
          Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
        }),
      ),
      { principal: ALICE, action: 'sts:AssumeRole' },
      'unknown',
      'unknown',
    ],
    [
      'an unknown key in an Allow',
      policy(
        allow({ AWS: ALICE }, 'sts:AssumeRole', { Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }),
      ),
      { principal: ALICE, action: 'sts:AssumeRole' },
      'unknown',
      'unknown',
    ],
    [
      'an unsure Deny with no Allow is still an implicit deny',
      policy(
        deny({ AWS: ALICE }, 'sts:AssumeRole', {
          Condition: { DateGreaterThan: { 'aws:CurrentTime': 'x' } },
        }),
      ),
      { principal: ALICE, action: 'sts:AssumeRole' },
      false,
      'implicit-deny',
    ],
    [
      'a certain Deny beats an unsure one',
      policy(
        allow({ AWS: ALICE }),
        deny({ AWS: ALICE }, 'sts:AssumeRole', { Condition: { NumericLessThan: { x: '1' } } }),
        { ...deny({ AWS: ALICE }), Sid: 'Sure' },
      ),
      { principal: ALICE, action: 'sts:AssumeRole' },
      false,
      'explicit-deny',
    ],
    [
      'an org id nobody gave',
      policy(
        allow({ AWS: ALICE }),
        deny('*', 'sts:*', { Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
      ),
      { principal: ALICE, action: 'sts:AssumeRole' },
      'unknown',
      'unknown',
    ],
    [
      'an org id that is given',
      policy(
        allow({ AWS: ALICE }),
        deny('*', 'sts:*', { Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
      ),
      { principal: ALICE, action: 'sts:AssumeRole', principalOrgId: 'o-a1b2c3d4e5' },
      true,
      'allow',
    ],
    [
      'a NotPrincipal Deny that excludes the caller',
      policy(allow({ AWS: ALICE }), { Effect: 'Deny', NotPrincipal: { AWS: ALICE }, Action: 'sts:*' }),
      { principal: ALICE, action: 'sts:AssumeRole' },
      true,
      'allow',
    ],
    [
      'a NotPrincipal Deny that does not exclude the caller',
      policy(allow({ AWS: EXT }), {
        Effect: 'Deny',
        NotPrincipal: { AWS: `arn:aws:iam::${EXT}:user/Bob` },
        Action: 'sts:*',
      }),
      { principal: ALICE, action: 'sts:AssumeRole' },
      'unknown',
      'unknown',
    ],
  ])('%s', (_name, doc, request, allowed, decision) => {
    // Prepare / Act
    const result = isAllowed(doc, request);

    // Assess
    expect(result.allowed).toBe(allowed);
    expect(result.decision).toBe(decision);
    expect(result.reason).toEqual(expect.any(String));
  });

  it('names the deciding statements by Sid, or by position when they have none', () => {
    // Prepare
    const doc = policy(
      allow({ AWS: ALICE }),
      { ...deny({ AWS: ALICE }), Sid: 'BlockAlice' },
      deny({ AWS: EXT }, 'sts:*', { Sid: undefined }),
    );

    // Act
    const result = isAllowed(doc, { principal: ALICE, action: 'sts:AssumeRole' });

    // Assess
    expect(result.matchedStatementSids).toEqual(['BlockAlice', 'Statement[2]']);
  });

  describe('an anonymous caller', () => {
    const S3_GET = 's3:GetObject';

    it.each<[string, PolicyDocument, AccessRequest['principal'], true | false, string]>([
      ['Principal "*" lets it in', policy(allow('*', S3_GET)), '*', true, 'allow'],
      ['{AWS: "*"} lets it in', policy(allow({ AWS: '*' }, S3_GET)), ANONYMOUS, true, 'allow'],
      ['{AWS: "*"} as the request principal', policy(allow('*', S3_GET)), { AWS: '*' }, true, 'allow'],
      ['a named account does not', policy(allow({ AWS: OWN }, S3_GET)), '*', false, 'implicit-deny'],
      [
        'an account root ARN does not',
        policy(allow({ AWS: `arn:aws:iam::${OWN}:root` }, S3_GET)),
        '*',
        false,
        'implicit-deny',
      ],
      ['{Service: "*"} does not', policy(allow({ Service: '*' }, S3_GET)), '*', false, 'implicit-deny'],
      [
        'it carries no aws:PrincipalAccount, so StringNotEquals on it holds',
        policy(
          allow('*', S3_GET),
          deny('*', 's3:*', { Condition: { StringNotEquals: { 'aws:PrincipalAccount': OWN } } }),
        ),
        '*',
        false,
        'explicit-deny',
      ],
      [
        'a Null … false guard spares it',
        policy(
          allow('*', S3_GET),
          deny('*', 's3:*', {
            Condition: {
              StringNotEquals: { 'aws:PrincipalAccount': OWN },
              Null: { 'aws:PrincipalAccount': 'false' },
            },
          }),
        ),
        '*',
        true,
        'allow',
      ],
      [
        'it is not an AWS service (BoolIfExists)',
        policy(
          allow('*', S3_GET),
          deny('*', 's3:*', { Condition: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } } }),
        ),
        '*',
        false,
        'explicit-deny',
      ],
      [
        'an account condition never admits it',
        policy(allow('*', S3_GET, { Condition: { StringEquals: { 'aws:PrincipalAccount': OWN } } })),
        '*',
        false,
        'implicit-deny',
      ],
    ])('%s', (_name, doc, principal, allowed, decision) => {
      // Prepare / Act
      const result = isAllowed(doc, { principal, action: S3_GET });

      // Assess
      expect(result.allowed).toBe(allowed);
      expect(result.decision).toBe(decision);
      expect(result.reason).toMatch(/^anonymous → s3:GetObject: /);
    });
  });

  it.each<[boolean | undefined, true | false | 'unknown', string]>([
    [true, true, 'allow'],
    [false, false, 'explicit-deny'],
    [undefined, 'unknown', 'unknown'],
  ])('takes aws:SecureTransport from the request (%p)', (secureTransport, allowed, decision) => {
    // Prepare
    const doc = policy(
      allow({ AWS: EXT }, 's3:GetObject'),
      deny('*', 's3:*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );

    // Act
    const result = isAllowed(doc, { principal: ALICE, action: 's3:GetObject', secureTransport });

    // Assess
    expect(result).toMatchObject({ allowed, decision });
  });

  it('refuses a principal whose kind it cannot tell', () => {
    // Prepare / Act / Assess
    expect(() => isAllowed(policy(allow('*')), { principal: 'Alice', action: 'sts:AssumeRole' })).toThrow(
      TypeError,
    );
  });
});

describe('denyEvidence', () => {
  const finding = (over: Partial<Finding> = {}) => aliceRoleFinding(over);

  it('proves the blog Deny blocks Alice on every action', () => {
    // Prepare
    const before = policy(allow({ AWS: ALICE }, ['sts:AssumeRole', 'sts:TagSession']));
    const after = addTrustPolicyDeny(before, finding(), { ownAccount: OWN }).document;

    // Act
    const evidence = denyEvidence(before, after, finding(), OWN);

    // Assess
    expect(evidence.blocksExternal).toBe(true);
    expect(evidence.keepsOwnerAccess).toBe(true);
    expect(evidence.details.filter((d) => d.startsWith('blocked:'))).toHaveLength(3);
  });

  it('says NOT blocked when the policy still lets the principal in', () => {
    // Prepare
    const before = policy(allow({ AWS: ALICE }));

    // Act
    const evidence = denyEvidence(before, before, finding(), OWN);

    // Assess
    expect(evidence.blocksExternal).toBe(false);
    expect(evidence.details.some((d) => d.startsWith('NOT blocked:'))).toBe(true);
  });

  it.each<[string, Partial<Finding>, PolicyStatement]>([
    ['an account id', { principal: { AWS: EXT } }, allow({ AWS: EXT })],
    [
      'a web identity provider',
      { principal: { Federated: OIDC }, action: ['sts:AssumeRoleWithWebIdentity'] },
      allow({ Federated: OIDC }, 'sts:AssumeRoleWithWebIdentity'),
    ],
    [
      'a SAML provider',
      {
        principal: { Federated: `arn:aws:iam::${EXT}:saml-provider/Okta` },
        action: ['sts:AssumeRoleWithSAML'],
      },
      allow({ Federated: `arn:aws:iam::${EXT}:saml-provider/Okta` }, 'sts:AssumeRoleWithSAML'),
    ],
  ])('proves the Deny blocks %s', (_name, over, trust) => {
    // Prepare
    const f = finding(over);
    const before = policy(trust, allow({ AWS: `arn:aws:iam::${OWN}:role/Admin` }));

    // Act
    const evidence = denyEvidence(
      before,
      addTrustPolicyDeny(before, f, { ownAccount: OWN }).document,
      f,
      OWN,
    );

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
  });

  it('checks a role of a denied account, not only its root', () => {
    // Prepare: a Deny that only catches the root user of the account.
    const f = finding({ principal: { AWS: EXT } });
    const before = policy(allow({ AWS: EXT }));
    const rootOnly = deny({ AWS: EXT }, 'sts:*', {
      Condition: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${EXT}:root` } },
    });

    // Act
    const evidence = denyEvidence(before, policy(allow({ AWS: EXT }), rootOnly), f, OWN);

    // Assess
    expect(evidence.blocksExternal).toBe(false);
    expect(evidence.details.some((d) => d.startsWith('NOT blocked:') && d.includes(`${EXT}:role/`))).toBe(
      true,
    );
  });

  describe('a public finding', () => {
    const publicFinding = finding({ principal: { AWS: '*' }, isPublic: true });
    const before = policy(allow({ AWS: '*' }), allow({ Service: 'ec2.amazonaws.com' }));

    it('blocks outsiders while the own account and services keep their access', () => {
      // Prepare
      const { document: after, statement } = addTrustPolicyDeny(before, publicFinding, { ownAccount: OWN });

      // Act
      const evidence = denyEvidence(before, after, publicFinding, OWN);
      const outsider = isAllowed(after, {
        principal: `arn:aws:iam::${EXT}:role/Anyone`,
        action: 'sts:AssumeRole',
      });
      const admin = isAllowed(after, {
        principal: `arn:aws:iam::${OWN}:role/Admin`,
        action: 'sts:AssumeRole',
      });
      const service = isAllowed(after, {
        principal: { Service: 'ec2.amazonaws.com' },
        action: 'sts:AssumeRole',
      });

      // Assess
      expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
      expect(outsider).toMatchObject({
        allowed: false,
        decision: 'explicit-deny',
        matchedStatementSids: [statement.Sid],
      });
      expect(admin).toMatchObject({ allowed: true, decision: 'allow' });
      expect(service).toMatchObject({ allowed: true, decision: 'allow' });
      expect(
        evidence.details.some((d) => d.startsWith('kept:') && d.includes('Service ec2.amazonaws.com')),
      ).toBe(true);
    });

    it('keeps the organization in when the Deny is relative to it', () => {
      // Prepare
      const orgId = 'o-a1b2c3d4e5';
      const after = addTrustPolicyDeny(before, publicFinding, { ownAccount: OWN, orgId }).document;

      // Act
      const evidence = denyEvidence(before, after, publicFinding, OWN, { orgId });

      // Assess
      expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
    });

    it('keeps session tags of another federation the role trusts (the public Deny only hits signed requests)', () => {
      // Prepare: an own SAML sign-in with session tags; federated calls carry no aws:PrincipalAccount.
      const saml = `arn:aws:iam::${OWN}:saml-provider/Okta`;
      const withSaml = policy(
        ...before.Statement,
        allow({ Federated: saml }, ['sts:AssumeRoleWithSAML', 'sts:TagSession']),
      );
      const after = addTrustPolicyDeny(withSaml, publicFinding, { ownAccount: OWN }).document;

      // Act
      const evidence = denyEvidence(withSaml, after, publicFinding, OWN);

      // Assess
      expect(evidence.blocksExternal).toBe(true);
      expect(evidence.keepsOwnerAccess).toBe(true);
      expect(evidence.details).toContainEqual(
        expect.stringMatching(/^kept: Federated .*Okta → sts:AssumeRoleWithSAML/),
      );
      expect(evidence.details).toContainEqual(
        expect.stringMatching(/^kept: Federated .*Okta → sts:TagSession/),
      );
    });

    it.each<[string, PolicyStatement]>([
      ['a bare Deny *', deny('*', 'sts:*')],
      [
        'a Deny that forgets the services',
        deny('*', 'sts:*', { Condition: { StringNotEquals: { 'aws:PrincipalAccount': OWN } } }),
      ],
    ])('catches %s that would lock out the owner or services', (_name, badDeny) => {
      // Prepare
      const after = policy(...before.Statement, badDeny);

      // Act
      const evidence = denyEvidence(before, after, publicFinding, OWN);

      // Assess
      expect(evidence.blocksExternal).toBe(true);
      expect(evidence.keepsOwnerAccess).toBe(false);
      expect(evidence.details.some((d) => d.startsWith('LOST:'))).toBe(true);
    });
  });

  it('cannot vouch for a finding that names no principal', () => {
    // Prepare
    const before = policy(allow({ AWS: ALICE }));

    // Act
    const evidence = denyEvidence(before, before, finding({ principal: undefined, isPublic: false }), OWN);

    // Assess
    expect(evidence.blocksExternal).toBe('unknown');
  });

  it('answers unknown, not blocked, when the Deny has a condition it cannot evaluate', () => {
    // Prepare
    const before = policy(allow({ AWS: ALICE }));
    const after = policy(
      allow({ AWS: ALICE }),
      deny({ AWS: ALICE }, 'sts:*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
    );

    // Act
    const evidence = denyEvidence(before, after, finding(), OWN);

    // Assess
    expect(evidence.blocksExternal).toBe('unknown');
    expect(evidence.details.some((d) => d.startsWith('unsure:'))).toBe(true);
  });
});
