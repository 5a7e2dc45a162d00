import {
  defaultRuleForm,
  describeFilter,
  findingSuffix,
  generateRuleName,
  isBroad,
  RULE_NAME_PATTERN,
  sameFilter,
  validateRuleForm,
  type RuleFilter,
  type RuleForm,
} from '../../../src/archive-rules/criteria';
import { aliceRoleFinding } from '../../fixtures/findings';

const ALICE = 'arn:aws:iam::999988887777:user/Alice';
const DAY = new Date('2026-11-23T18:00:00Z');
/** The suggested name's suffix for the Alice finding: 6 hex digits of its id. */
const SUFFIX = findingSuffix(aliceRoleFinding().id);

const form = (over: Partial<RuleForm> = {}): RuleForm => ({
  ruleName: `slack-iam-role-999988887777-20261123-${SUFFIX}`,
  resourceType: 'AWS::IAM::Role',
  principal: ALICE,
  ownerAccount: '111122223333',
  isPublic: 'false',
  applyToExisting: true,
  ...over,
});

describe('defaultRuleForm', () => {
  it('suggests the finding’s type, principal and owner account, isPublic false, and archiving existing matches', () => {
    // Act
    const suggested = defaultRuleForm(aliceRoleFinding(), DAY);
    // Assess
    expect(suggested).toEqual(form());
    expect(validateRuleForm(suggested)).toEqual({
      ok: true,
      rule: {
        ruleName: `slack-iam-role-999988887777-20261123-${SUFFIX}`,
        filter: {
          resourceType: { eq: ['AWS::IAM::Role'] },
          'principal.AWS': { eq: [ALICE] },
          resourceOwnerAccount: { eq: ['111122223333'] },
          isPublic: { eq: ['false'] },
        },
        broad: false,
      },
    });
  });

  it.each([
    ['an account principal', { AWS: '444455556666' }, '444455556666', `slack-iam-role-444455556666-20261123`],
    ['a public principal', { AWS: '*' }, '*', `slack-iam-role-public-20261123`],
    [
      'a SAML provider',
      { Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' },
      'arn:aws:iam::111122223333:saml-provider/Okta',
      `slack-iam-role-111122223333-20261123`,
    ],
    [
      'a web identity provider',
      { Federated: 'cognito-identity.amazonaws.com' },
      'cognito-identity.amazonaws.com',
      `slack-iam-role-cognito-identity.amazonaws.com-20261123`,
    ],
    ['a service principal (no filter key)', { Service: 'ec2.amazonaws.com' }, '', `slack-iam-role-20261123`],
  ])('prefills %s', (_what, principal, expected, name) => {
    const suggested = defaultRuleForm(aliceRoleFinding({ principal }), DAY);
    expect(suggested.principal).toBe(expected);
    expect(suggested.ruleName).toBe(`${name}-${SUFFIX}`);
    expect(suggested.ruleName).toMatch(RULE_NAME_PATTERN);
  });

  it('uses principal.Federated for federated principals', () => {
    const suggested = defaultRuleForm(
      aliceRoleFinding({ principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions' } }),
      DAY,
    );
    const checked = validateRuleForm(suggested);
    expect(checked.ok && checked.rule.filter['principal.Federated']).toEqual({
      eq: ['arn:aws:iam::111122223333:oidc-provider/token.actions'],
    });
  });

  it('leaves the resource type empty when Access Analyzer does not support it', () => {
    expect(defaultRuleForm(aliceRoleFinding({ resourceType: 'AWS::Made::Up' }), DAY).resourceType).toBe('');
  });
});

describe('generateRuleName', () => {
  it.each([
    ['a type with dots and odd characters', 'AWS::S3Express::DirectoryBucket', 's3express-directorybucket'],
    ['a plain type', 'AWS::KMS::Key', 'kms-key'],
  ])('stays within the name rule for %s', (_what, resourceType, part) => {
    const name = generateRuleName(aliceRoleFinding({ resourceType }), DAY);
    expect(name).toContain(part);
    expect(name).toMatch(RULE_NAME_PATTERN);
  });

  it('tells apart two findings with the same principal account on the same day, stably', () => {
    // Prepare: two roles trusting Alice, found the same day
    const first = aliceRoleFinding({ id: 'f-first' });
    const second = aliceRoleFinding({ id: 'f-second', resource: 'arn:aws:iam::111122223333:role/Other' });
    // Act
    const names = [generateRuleName(first, DAY), generateRuleName(second, DAY)];
    // Assess
    expect(names[0]).not.toBe(names[1]);
    expect(names[0]).toBe(generateRuleName(first, new Date('2026-11-23T23:59:00Z')));
    for (const n of names) expect(n).toMatch(/^slack-iam-role-999988887777-20261123-[0-9a-f]{6}$/);
  });

  it('cuts a name to 255 characters', () => {
    const long = `arn:aws:iam::999988887777:role/${'x'.repeat(400)}`;
    const name = generateRuleName(aliceRoleFinding({ principal: { AWS: long } }), DAY);
    // The account is used, not the whole ARN; a federated provider name could be long: cut either way.
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name.endsWith(`-${SUFFIX}`)).toBe(true);
    const federated = generateRuleName(
      aliceRoleFinding({ principal: { Federated: `${'a'.repeat(300)}.example` } }),
      DAY,
    );
    expect(federated.length).toBeLessThanOrEqual(255);
    expect(federated).toMatch(RULE_NAME_PATTERN);
    expect(federated.endsWith(`-${SUFFIX}`)).toBe(true);
  });
});

describe('validateRuleForm', () => {
  it.each<[string, Partial<RuleForm>, Record<string, RegExp>]>([
    ['an empty name', { ruleName: '' }, { ruleName: /Give the rule a name/ }],
    ['a name starting with a digit', { ruleName: '1rule' }, { ruleName: /Start with a letter/ }],
    ['a name with a space', { ruleName: 'my rule' }, { ruleName: /no spaces/ }],
    ['a name over 255 characters', { ruleName: `r${'x'.repeat(255)}` }, { ruleName: /At most 255/ }],
    ['an 11-digit owner account', { ownerAccount: '11112222333' }, { ownerAccount: /12 digits/ }],
    ['an owner account with dashes', { ownerAccount: '1111-2222-3333' }, { ownerAccount: /12 digits/ }],
    ['an unsupported resource type', { resourceType: 'AWS::IAM::User' }, { resourceType: /does not report/ }],
    ['a malformed principal', { principal: 'alice' }, { principal: /not a principal/ }],
    [
      'an ARN with a short account',
      { principal: 'arn:aws:iam::9999:user/Alice' },
      { principal: /not a principal/ },
    ],
    ['an S3 ARN as principal', { principal: 'arn:aws:s3:::bucket' }, { principal: /not a principal/ }],
    [
      'AWS and federated principals mixed',
      { principal: `${ALICE}, cognito-identity.amazonaws.com` },
      { principal: /not both/ },
    ],
    [
      '21 principals',
      { principal: Array.from({ length: 21 }, (_, i) => String(100000000000 + i)).join(',') },
      { principal: /At most 20/ },
    ],
    [
      'no criterion at all',
      { resourceType: '', principal: '', ownerAccount: '', isPublic: 'any' },
      { criteria: /at least one criterion/ },
    ],
    [
      'several problems at once',
      { ruleName: '9', ownerAccount: 'abc' },
      { ruleName: /Start with a letter/, ownerAccount: /12 digits/ },
    ],
  ])('refuses %s, naming the field', (_what, over, expected) => {
    // Act
    const checked = validateRuleForm(form(over));
    // Assess
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [field, pattern] of Object.entries(expected)) {
      expect(checked.errors[field as keyof typeof checked.errors]).toMatch(pattern);
    }
  });

  it.each<[string, Partial<RuleForm>, RuleFilter]>([
    [
      'several principals, trimmed and de-duplicated',
      { principal: ` ${ALICE},444455556666  444455556666 `, resourceType: '', ownerAccount: '' },
      { 'principal.AWS': { eq: [ALICE, '444455556666'] }, isPublic: { eq: ['false'] } },
    ],
    [
      'public findings only, any type',
      { isPublic: 'true', resourceType: '', principal: '*' },
      {
        'principal.AWS': { eq: ['*'] },
        resourceOwnerAccount: { eq: ['111122223333'] },
        isPublic: { eq: ['true'] },
      },
    ],
    [
      'no isPublic criterion',
      { isPublic: 'any', principal: '', ownerAccount: '' },
      { resourceType: { eq: ['AWS::IAM::Role'] } },
    ],
    [
      'an STS assumed-role ARN',
      { principal: 'arn:aws:sts::999988887777:assumed-role/Ops/alice', resourceType: '', ownerAccount: '' },
      {
        'principal.AWS': { eq: ['arn:aws:sts::999988887777:assumed-role/Ops/alice'] },
        isPublic: { eq: ['false'] },
      },
    ],
  ])('builds the filter for %s', (_what, over, filter) => {
    const checked = validateRuleForm(form(over));
    expect(checked).toMatchObject({ ok: true, rule: { filter } });
    expect(checked.ok && Object.keys(checked.rule.filter).sort()).toEqual(Object.keys(filter).sort());
  });
});

describe('isBroad', () => {
  it.each<[string, boolean, RuleFilter]>([
    ['a principal ARN', false, { 'principal.AWS': { eq: [ALICE] } }],
    ['a principal account', false, { 'principal.AWS': { eq: ['444455556666'] } }],
    ['a federated provider', false, { 'principal.Federated': { eq: ['accounts.google.com'] } }],
    ['a principal-naming condition key', false, { 'condition.aws:PrincipalOrgID': { eq: ['o-abc'] } }],
    ['kms:CallerAccount', false, { 'condition.kms:CallerAccount': { eq: ['444455556666'] } }],
    ['only the public principal *', true, { 'principal.AWS': { eq: ['*'] }, isPublic: { eq: ['true'] } }],
    ['a principal criterion that only excludes', true, { 'principal.AWS': { neq: [ALICE] } }],
    [
      'resource type, owner account and isPublic (the owner is the analyzer’s own account)',
      true,
      {
        resourceType: { eq: ['AWS::S3::Bucket'] },
        resourceOwnerAccount: { eq: ['111122223333'] },
        isPublic: { eq: ['false'] },
      },
    ],
    ['a source VPC condition', true, { 'condition.aws:SourceVpc': { eq: ['vpc-1'] } }],
  ])('%s is broad: %s', (_what, broad, filter) => {
    expect(isBroad(filter)).toBe(broad);
  });
});

describe('describeFilter and sameFilter', () => {
  it('reads criteria as sorted lines', () => {
    expect(
      describeFilter({
        resourceType: { eq: ['AWS::IAM::Role'] },
        'principal.AWS': { eq: [ALICE, '444455556666'] },
        isPublic: { eq: ['false'] },
        error: { exists: false },
      }),
    ).toEqual([
      'error does not exist',
      'isPublic = false',
      `principal.AWS = ${ALICE} or 444455556666`,
      'resourceType = AWS::IAM::Role',
    ]);
  });

  it('compares filters regardless of key and value order', () => {
    const a: RuleFilter = { isPublic: { eq: ['false'] }, 'principal.AWS': { eq: ['1', '2'] } };
    expect(sameFilter(a, { 'principal.AWS': { eq: ['2', '1'] }, isPublic: { eq: ['false'] } })).toBe(true);
    expect(sameFilter(a, { 'principal.AWS': { eq: ['1'] }, isPublic: { eq: ['false'] } })).toBe(false);
  });
});
