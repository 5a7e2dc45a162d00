import { InvalidInputError } from '../../../src/errors';
import type { Finding } from '../../../src/findings/finding';
import { denySid } from '../../../src/remediation/deny-sid';
import {
  parsePolicyDocument,
  policyLength,
  serializePolicyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from '../../../src/remediation/policy-document';
import {
  DenyNotApplicableError,
  PolicyTooLargeError,
  addTrustPolicyDeny,
  policyDiff,
  removeTrustPolicyDeny,
  type DenyFinding,
} from '../../../src/remediation/trust-policy-deny';
import { aliceRoleFinding } from '../../fixtures/findings';

const OWN = '111122223333';
const ALICE = 'arn:aws:iam::999988887777:user/Alice';
const AWS_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

/** Audit_CrossAccountRole's trust policy in the Access Analyzer blog example. */
const aliceTrust = (): PolicyDocument =>
  parsePolicyDocument({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole', Condition: {} }],
  });

const finding = (over: Partial<Finding> = {}): Finding => aliceRoleFinding(over);
const sidOf = (f: DenyFinding) => denySid(f.id);
const denyIn = (doc: PolicyDocument, f: DenyFinding) => doc.Statement.filter((s) => s.Sid === sidOf(f));

describe('addTrustPolicyDeny', () => {
  it('denies Alice every AWS assume path in the blog example and leaves the Allow untouched', () => {
    // Prepare
    const before = aliceTrust();
    const copy = JSON.stringify(before);
    const f = finding();

    // Act
    const { document, statement, changed, diff } = addTrustPolicyDeny(before, f, { ownAccount: OWN });

    // Assess
    expect(changed).toBe(true);
    expect(statement).toEqual({
      Sid: 'AADeny5a3b7c9d11114e2f9a8b0123456789ab',
      Effect: 'Deny',
      Principal: { AWS: ALICE },
      Action: AWS_ACTIONS,
    });
    expect(statement).not.toHaveProperty('Resource');
    expect(document.Statement).toHaveLength(2);
    expect(JSON.stringify(document.Statement[0])).toBe(JSON.stringify(before.Statement[0]));
    expect(document.Statement[1]).toEqual(statement);
    expect(JSON.stringify(before)).toBe(copy);
    expect(diff).toContain(`+       "Sid": "${statement.Sid}",`);
    expect(diff.split('\n').filter((l) => l.startsWith('-'))).toEqual([]);
  });

  it.each<[string, Record<string, string | string[]>, string[] | undefined, unknown, string[]]>([
    [
      'an account id (as its root ARN)',
      { AWS: '999988887777' },
      undefined,
      { AWS: 'arn:aws:iam::999988887777:root' },
      AWS_ACTIONS,
    ],
    [
      'a list of AWS principals',
      { AWS: [ALICE, '444455556666', ALICE] },
      undefined,
      { AWS: [ALICE, 'arn:aws:iam::444455556666:root'] },
      AWS_ACTIONS,
    ],
    [
      'an OIDC provider (web identity)',
      { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      ['sts:AssumeRoleWithWebIdentity'],
      { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
    ],
    [
      'Cognito identity pools (web identity)',
      { Federated: 'cognito-identity.amazonaws.com' },
      undefined,
      { Federated: 'cognito-identity.amazonaws.com' },
      ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
    ],
    [
      'a SAML provider',
      { Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' },
      ['sts:AssumeRoleWithSAML'],
      { Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' },
      ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'],
    ],
    [
      'an unrecognised federated provider (both federation actions)',
      { Federated: 'login.example.com' },
      undefined,
      { Federated: 'login.example.com' },
      ['sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
    ],
    [
      'extra sts actions the finding names (non-sts actions dropped)',
      { AWS: ALICE },
      ['STS:assumerole', 'sts:SetContext', 's3:GetObject'],
      { AWS: ALICE },
      [...AWS_ACTIONS, 'sts:SetContext'],
    ],
  ])('denies %s', (_name, principal, action, expectedPrincipal, expectedActions) => {
    // Prepare
    const f = finding({ principal: principal as Record<string, string>, action });

    // Act
    const { statement } = addTrustPolicyDeny(aliceTrust(), f, { ownAccount: OWN });

    // Assess
    expect(statement.Principal).toEqual(expectedPrincipal);
    expect(statement.Action).toEqual(expectedActions);
    expect(statement.Condition).toBeUndefined();
  });

  it('never adds the same Deny twice', () => {
    // Prepare
    const f = finding();
    const first = addTrustPolicyDeny(aliceTrust(), f, { ownAccount: OWN }).document;

    // Act
    const again = addTrustPolicyDeny(first, f, { ownAccount: OWN });

    // Assess
    expect(again.changed).toBe(false);
    expect(again.diff).toBe('(no change)');
    expect(serializePolicyDocument(again.document)).toBe(serializePolicyDocument(first));
    expect(denyIn(again.document, f)).toHaveLength(1);
  });

  it.each<[string, (s: PolicyStatement) => void]>([
    ['an action removed', (s) => (s.Action = 'sts:AssumeRole')],
    [
      'a condition added',
      (s) => (s.Condition = { StringEquals: { 'aws:PrincipalAccount': '999988887777' } }),
    ],
    ['its principal changed', (s) => (s.Principal = { AWS: 'arn:aws:iam::999988887777:user/Bob' })],
  ])('replaces its Deny in place when someone edited it (%s)', (_name, edit) => {
    // Prepare
    const f = finding();
    const added = addTrustPolicyDeny(aliceTrust(), f, { ownAccount: OWN });
    const edited = parsePolicyDocument(added.document);
    const deny = edited.Statement.pop()!;
    edit(deny);
    edited.Statement.unshift(deny);

    // Act
    const repaired = addTrustPolicyDeny(edited, f, { ownAccount: OWN });

    // Assess
    expect(repaired.changed).toBe(true);
    expect(repaired.document.Statement).toHaveLength(2);
    expect(repaired.document.Statement[0]).toEqual(added.statement);
    expect(repaired.document.Statement[1]).toEqual(aliceTrust().Statement[0]);
  });

  it('collapses duplicate statements with its Sid into one', () => {
    // Prepare
    const f = finding();
    const { document, statement } = addTrustPolicyDeny(aliceTrust(), f, { ownAccount: OWN });
    const doubled = { ...document, Statement: [...document.Statement, statement] };

    // Act
    const result = addTrustPolicyDeny(doubled, f, { ownAccount: OWN });

    // Assess
    expect(result.changed).toBe(true);
    expect(denyIn(result.document, f)).toHaveLength(1);
    expect(result.document.Statement).toHaveLength(2);
  });

  describe('public findings', () => {
    it.each<[string, Partial<Finding>, { orgId?: string }, Record<string, unknown>]>([
      ['{AWS: "*"}', { principal: { AWS: '*' } }, {}, { 'aws:PrincipalAccount': OWN }],
      [
        'isPublic with no principal',
        { principal: undefined, isPublic: true },
        {},
        { 'aws:PrincipalAccount': OWN },
      ],
      [
        'isPublic with a named principal',
        { principal: { AWS: ALICE }, isPublic: true },
        {},
        { 'aws:PrincipalAccount': OWN },
      ],
      [
        '{AWS: "*"} in an organization',
        { principal: { AWS: '*' } },
        { orgId: 'o-a1b2c3d4e5' },
        { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:PrincipalAccount': OWN },
      ],
    ])('deny everyone outside the zone of trust, never a bare Deny * (%s)', (_name, over, opts, zone) => {
      // Prepare
      const f = finding({ isPublic: false, ...over });

      // Act
      const { statement } = addTrustPolicyDeny(aliceTrust(), f, { ownAccount: OWN, ...opts });

      // Assess
      expect(statement.Principal).toBe('*');
      expect(statement.Action).toEqual(AWS_ACTIONS);
      expect(statement.Condition).toEqual({
        StringNotEquals: zone,
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        Null: { 'aws:PrincipalAccount': 'false' },
      });
    });
  });

  describe('size guard', () => {
    /** A trust policy padded with Allow statements to about `chars` characters. */
    const padded = (chars: number): PolicyDocument => {
      const doc = aliceTrust();
      for (let i = 0; policyLength(doc) < chars; i++) {
        doc.Statement.push({
          Effect: 'Allow',
          Principal: { Service: `s${i}.amazonaws.com` },
          Action: 'sts:AssumeRole',
        });
      }
      return doc;
    };

    it('throws PolicyTooLargeError over the default 2,048 characters and returns nothing', () => {
      // Prepare
      const before = padded(1950);
      const copy = serializePolicyDocument(before);
      let result: unknown;
      let error: unknown;

      // Act
      try {
        result = addTrustPolicyDeny(before, finding(), { ownAccount: OWN });
      } catch (err) {
        error = err;
      }

      // Assess
      expect(result).toBeUndefined();
      expect(error).toBeInstanceOf(PolicyTooLargeError);
      const tooLarge = error as PolicyTooLargeError;
      expect(tooLarge.quota).toBe(2048);
      expect(tooLarge.length).toBeGreaterThan(2048);
      expect(tooLarge.message).toBe(
        `the trust policy would be ${tooLarge.length} characters; the quota is 2048; nothing changed`,
      );
      expect(serializePolicyDocument(before)).toBe(copy);
    });

    it('takes a raised quota, and allows a result of exactly the quota but not one more', () => {
      // Prepare
      const before = padded(1950);
      const length = policyLength(
        addTrustPolicyDeny(before, finding(), { ownAccount: OWN, maxChars: 4096 }).document,
      );

      // Act
      const exact = addTrustPolicyDeny(before, finding(), { ownAccount: OWN, maxChars: length });
      const over = () => addTrustPolicyDeny(before, finding(), { ownAccount: OWN, maxChars: length - 1 });

      // Assess
      expect(policyLength(exact.document)).toBe(length);
      expect(over).toThrow(new PolicyTooLargeError(length, length - 1));
    });
  });

  it.each<[string, Partial<Finding>, { ownAccount: string; orgId?: string }, new (...a: never[]) => Error]>([
    [
      'no principal on a non-public finding',
      { principal: undefined },
      { ownAccount: OWN },
      DenyNotApplicableError,
    ],
    [
      'a principal kind trust policies lack',
      { principal: { CanonicalUser: 'abc' } },
      { ownAccount: OWN },
      DenyNotApplicableError,
    ],
    [
      'a unique id of a deleted principal',
      { principal: { AWS: 'AIDAJQABLZS4A3QDU576Q' } },
      { ownAccount: OWN },
      DenyNotApplicableError,
    ],
    ['an own account that is not 12 digits', {}, { ownAccount: '1111' }, InvalidInputError],
    ['an organization id that is not o-…', {}, { ownAccount: OWN, orgId: 'r-abc' }, InvalidInputError],
  ])('refuses %s', (_name, over, options, errorClass) => {
    // Prepare
    const f = finding(over);

    // Act / Assess
    expect(() => addTrustPolicyDeny(aliceTrust(), f, options)).toThrow(errorClass);
  });
});

describe('removeTrustPolicyDeny', () => {
  it('removes exactly its Sid after the policy was edited meanwhile', () => {
    // Prepare
    const f = finding();
    const other = finding({ id: '00000000-0000-4000-8000-000000000000', principal: { AWS: '444455556666' } });
    let doc = addTrustPolicyDeny(aliceTrust(), f, { ownAccount: OWN }).document;
    doc = addTrustPolicyDeny(doc, other, { ownAccount: OWN }).document;
    const edited = parsePolicyDocument(doc);
    edited.Statement.unshift({
      Condition: { StringEquals: { 'sts:ExternalId': 'x' } },
      Sid: 'AddedLater',
      Action: ['sts:AssumeRole'],
      Principal: { AWS: 'arn:aws:iam::555566667777:root' },
      Effect: 'Allow',
    });
    edited.Statement.reverse();
    const expected = edited.Statement.filter((s) => s.Sid !== sidOf(f)).map((s) => JSON.stringify(s));

    // Act
    const { document, removed, diff } = removeTrustPolicyDeny(edited, f.id);

    // Assess
    expect(removed).toBe(true);
    expect(document.Statement.map((s) => JSON.stringify(s))).toEqual(expected);
    expect(denyIn(document, other)).toHaveLength(1);
    expect(diff).toContain(`-       "Sid": "${sidOf(f)}",`);
    expect(diff.split('\n').some((l) => l.startsWith('+'))).toBe(false);
  });

  it('reports removed: false and changes nothing when the Deny is not there', () => {
    // Prepare
    const before = aliceTrust();

    // Act
    const { document, removed } = removeTrustPolicyDeny(before, finding().id);

    // Assess
    expect(removed).toBe(false);
    expect(serializePolicyDocument(document)).toBe(serializePolicyDocument(before));
  });

  it('restores the original policy after add then remove', () => {
    // Prepare
    const before = aliceTrust();
    const { document } = addTrustPolicyDeny(before, finding(), { ownAccount: OWN });

    // Act
    const undone = removeTrustPolicyDeny(document, finding().id).document;

    // Assess
    expect(serializePolicyDocument(undone)).toBe(serializePolicyDocument(before));
  });
});

describe('policyDiff', () => {
  it('says so when nothing changed', () => {
    // Prepare / Act / Assess
    expect(policyDiff(aliceTrust(), aliceTrust())).toBe('(no change)');
  });

  it('shows changed lines with + and -, a little context, and … for what it skips', () => {
    // Prepare
    const before = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: ['a:1', 'a:2', 'a:3', 'a:4', 'a:5', 'a:6', 'a:7'] },
      ],
    });
    const after = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: ['a:1', 'a:2', 'a:3', 'a:4', 'a:5', 'a:6', 'a:X'] },
      ],
    });

    // Act
    const diff = policyDiff(before, after, { context: 1 });

    // Assess
    expect(diff.split('\n')).toEqual([
      '…',
      '          "a:6",',
      '-         "a:7"',
      '+         "a:X"',
      '        ]',
      '…',
    ]);
  });

  it('cuts long diffs and counts the changed lines it left out', () => {
    // Prepare
    const after = parsePolicyDocument({
      Statement: Array.from({ length: 20 }, (_v, i) => ({
        Sid: `S${i}`,
        Effect: 'Deny',
        Principal: '*',
        Action: 'a:b',
      })),
    });

    // Act
    const diff = policyDiff(undefined, after, { maxLines: 10 }).split('\n');

    // Assess
    expect(diff).toHaveLength(11);
    expect(diff[10]).toMatch(/^… \d+ more changed line\(s\)$/);
    expect(diff.slice(0, 10).every((l) => l.startsWith('+ '))).toBe(true);
  });
});
