import { InvalidInputError } from '../../../src/errors';
import type { Finding } from '../../../src/findings/finding';
import { denySid } from '../../../src/remediation/deny-sid';
import { isAllowed, type AccessRequest } from '../../../src/remediation/evaluate';
import {
  parsePolicyDocument,
  policyLength,
  serializePolicyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from '../../../src/remediation/policy-document';
import {
  KeyLockoutError,
  POLICY_RESOURCE_KINDS,
  RESOURCE_POLICY_MAX_CHARS,
  SQS_MAX_STATEMENTS,
  addResourcePolicyDeny,
  checkKeyLockout,
  removeResourcePolicyDeny,
  resourceDenyEvidence,
  resourcePolicyDenyStatement,
  type PolicyResourceKind,
  type ResourceDenyOptions,
} from '../../../src/remediation/resource-policy-deny';
import {
  DenyNotApplicableError,
  PolicyTooLargeError,
  type DenyFinding,
} from '../../../src/remediation/trust-policy-deny';
import {
  keyPolicySharedWith,
  publicReadBucketPolicy,
} from '../../../src/sandbox/aws-standin/example-policies';
import { aliceRoleFinding } from '../../fixtures/findings';

const OWN = '111122223333';
const PARTNER = '444455556666';
const OTHER = '555566667777';
const ORG = 'o-a1b2c3d4e5';
const OWN_ROOT = `arn:aws:iam::${OWN}:root`;
const PARTNER_ROOT = `arn:aws:iam::${PARTNER}:root`;
const BUCKET = 'amzn-s3-demo-public-bucket';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ARN = `arn:aws:kms:us-west-2:${OWN}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const QUEUE_ARN = `arn:aws:sqs:us-west-2:${OWN}:example-orders`;
const SECRET_ARN = `arn:aws:secretsmanager:us-west-2:${OWN}:secret:example/shared-db-credentials-AbCdEf`;
const CANONICAL = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

const ARNS: Record<PolicyResourceKind, string> = {
  's3-bucket': BUCKET_ARN,
  'kms-key': KEY_ARN,
  'sqs-queue': QUEUE_ARN,
  secret: SECRET_ARN,
};
const TYPES: Record<PolicyResourceKind, string> = {
  's3-bucket': 'AWS::S3::Bucket',
  'kms-key': 'AWS::KMS::Key',
  'sqs-queue': 'AWS::SQS::Queue',
  secret: 'AWS::SecretsManager::Secret',
};
const NAMES: Record<PolicyResourceKind, string> = {
  's3-bucket': 'bucket policy',
  'kms-key': 'key policy',
  'sqs-queue': 'queue policy',
  secret: 'secret policy',
};
const KINDS = Object.keys(ARNS) as PolicyResourceKind[];

const options = (kind: PolicyResourceKind, over: Partial<ResourceDenyOptions> = {}): ResourceDenyOptions => ({
  kind,
  resourceArn: ARNS[kind],
  ownAccount: OWN,
  ...over,
});

/** The seeded example account's policies (example-account.ts). */
const publicBucket = (): PolicyDocument => parsePolicyDocument(publicReadBucketPolicy(BUCKET));
const sharedKey = (): PolicyDocument =>
  parsePolicyDocument(keyPolicySharedWith(OWN, PARTNER, ['kms:Decrypt', 'kms:DescribeKey']));
/** The secret policy as example-account.ts seeds it (written there inline, not exported). */
const sharedSecret = (): PolicyDocument =>
  parsePolicyDocument({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: PARTNER_ROOT },
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
      },
    ],
  });
/** The queue policy as example-account.ts seeds it (inline there). */
const ownerOnlyQueue = (): PolicyDocument =>
  parsePolicyDocument({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnerOnly',
        Effect: 'Allow',
        Principal: { AWS: OWN_ROOT },
        Action: 'sqs:*',
        Resource: QUEUE_ARN,
      },
    ],
  });
const EXAMPLES: Record<PolicyResourceKind, () => PolicyDocument> = {
  's3-bucket': publicBucket,
  'kms-key': sharedKey,
  'sqs-queue': ownerOnlyQueue,
  secret: sharedSecret,
};

const finding = (kind: PolicyResourceKind, over: Partial<Finding> = {}): Finding =>
  aliceRoleFinding({
    resource: ARNS[kind],
    resourceType: TYPES[kind],
    principal: { AWS: PARTNER },
    action: [],
    isPublic: false,
    ...over,
  });
const publicFinding = (kind: PolicyResourceKind = 's3-bucket'): Finding =>
  finding(kind, { principal: { AWS: '*' }, isPublic: true, action: ['s3:GetObject'] });

const sidOf = (f: DenyFinding) => denySid(f.id);
const denyIn = (doc: PolicyDocument | null, f: DenyFinding) =>
  (doc?.Statement ?? []).filter((s) => s.Sid === sidOf(f));
const allow = (Principal: PolicyStatement['Principal'], Action: string | string[], extra = {}) =>
  ({ Effect: 'Allow', Principal, Action, ...extra }) as PolicyStatement;
const withStatements = (doc: PolicyDocument, ...more: PolicyStatement[]): PolicyDocument =>
  parsePolicyDocument({ ...doc, Statement: [...doc.Statement, ...more] });
const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

describe('POLICY_RESOURCE_KINDS and RESOURCE_POLICY_MAX_CHARS', () => {
  it('map Access Analyzer resource types to kinds and each kind to its quota', () => {
    // Prepare / Act / Assess
    expect(POLICY_RESOURCE_KINDS).toEqual({
      'AWS::S3::Bucket': 's3-bucket',
      'AWS::KMS::Key': 'kms-key',
      'AWS::SQS::Queue': 'sqs-queue',
      'AWS::SecretsManager::Secret': 'secret',
    });
    expect(RESOURCE_POLICY_MAX_CHARS).toEqual({
      's3-bucket': 20_480,
      'kms-key': 32_768,
      'sqs-queue': 8_192,
      secret: 20_480,
    });
    expect(Object.isFrozen(POLICY_RESOURCE_KINDS) && Object.isFrozen(RESOURCE_POLICY_MAX_CHARS)).toBe(true);
  });
});

describe('addResourcePolicyDeny', () => {
  it.each<[PolicyResourceKind, string, string | string[]]>([
    ['s3-bucket', 's3:*', [BUCKET_ARN, `${BUCKET_ARN}/*`]],
    ['kms-key', 'kms:*', '*'],
    ['sqs-queue', 'sqs:*', QUEUE_ARN],
    ['secret', 'secretsmanager:*', '*'],
  ])('denies the partner the whole service on a %s and appends the Deny', (kind, action, resource) => {
    // Prepare
    const before = EXAMPLES[kind]();
    const copy = serializePolicyDocument(before);
    const f = finding(kind);

    // Act
    const { document, statement, changed, diff } = addResourcePolicyDeny(before, f, options(kind));

    // Assess
    expect(changed).toBe(true);
    expect(statement).toEqual({
      Sid: 'AADeny5a3b7c9d11114e2f9a8b0123456789ab',
      Effect: 'Deny',
      Principal: { AWS: PARTNER_ROOT },
      Action: action,
      Resource: resource,
    });
    expect(document.Statement).toEqual([...before.Statement, statement]);
    expect(serializePolicyDocument(before)).toBe(copy);
    expect(diff).toContain(`+       "Sid": "${statement.Sid}",`);
    expect(diff.split('\n').filter((l) => l.startsWith('-'))).toEqual([]);
  });

  it.each<[string, PolicyResourceKind, Record<string, string | string[]>, unknown]>([
    ['an account id (as its root ARN)', 'kms-key', { AWS: PARTNER }, { AWS: PARTNER_ROOT }],
    [
      'a user ARN',
      'secret',
      { AWS: 'arn:aws:iam::999988887777:user/Alice' },
      { AWS: 'arn:aws:iam::999988887777:user/Alice' },
    ],
    [
      'a list of AWS principals without duplicates',
      's3-bucket',
      { AWS: [PARTNER, `arn:aws:iam::${OTHER}:role/R`, PARTNER] },
      { AWS: [PARTNER_ROOT, `arn:aws:iam::${OTHER}:role/R`] },
    ],
    ['a service principal', 'sqs-queue', { Service: 'sns.amazonaws.com' }, { Service: 'sns.amazonaws.com' }],
    ['an S3 canonical user', 's3-bucket', { CanonicalUser: CANONICAL }, { CanonicalUser: CANONICAL }],
    ['a lower-case principal kind', 'kms-key', { aws: PARTNER }, { AWS: PARTNER_ROOT }],
  ])('denies %s', (_name, kind, principal, expected) => {
    // Prepare
    const f = finding(kind, { principal: principal as Record<string, string> });

    // Act
    const statement = resourcePolicyDenyStatement(f, options(kind));

    // Assess
    expect(statement.Principal).toEqual(expected);
    expect(statement.Condition).toBeUndefined();
  });

  it('writes account roots in the given partition', () => {
    // Prepare
    const f = finding('secret');

    // Act
    const statement = resourcePolicyDenyStatement(f, options('secret', { partition: 'aws-cn' }));

    // Assess
    expect(statement.Principal).toEqual({ AWS: `arn:aws-cn:iam::${PARTNER}:root` });
  });

  it.each<PolicyResourceKind>(['s3-bucket', 'sqs-queue', 'secret'])(
    'starts a new policy when the %s has none',
    (kind) => {
      // Prepare
      const f = finding(kind);

      // Act
      const { document, statement, changed, diff } = addResourcePolicyDeny(null, f, options(kind));

      // Assess
      expect(changed).toBe(true);
      expect(document).toEqual({ Version: '2012-10-17', Statement: [statement] });
      expect(diff.split('\n').every((l) => l.startsWith('+ '))).toBe(true);
    },
  );

  it('never adds the same Deny twice', () => {
    // Prepare
    const f = finding('s3-bucket');
    const first = addResourcePolicyDeny(publicBucket(), f, options('s3-bucket')).document;

    // Act
    const again = addResourcePolicyDeny(first, f, options('s3-bucket'));

    // Assess
    expect(again.changed).toBe(false);
    expect(again.diff).toBe('(no change)');
    expect(serializePolicyDocument(again.document)).toBe(serializePolicyDocument(first));
    expect(denyIn(again.document, f)).toHaveLength(1);
  });

  it('is idempotent for a public Deny too (its own statement does not change the trusted accounts)', () => {
    // Prepare
    const f = publicFinding();
    const before = withStatements(publicBucket(), allow({ AWS: PARTNER }, 's3:GetObject'));
    const first = addResourcePolicyDeny(before, f, options('s3-bucket')).document;

    // Act
    const again = addResourcePolicyDeny(first, f, options('s3-bucket'));

    // Assess
    expect(again.changed).toBe(false);
    expect(denyIn(again.document, f)).toHaveLength(1);
  });

  it.each<[string, (s: PolicyStatement) => void]>([
    ['an action narrowed', (s) => (s.Action = 'kms:Decrypt')],
    ['a condition added', (s) => (s.Condition = { Bool: { 'aws:SecureTransport': 'false' } })],
    ['its principal changed', (s) => (s.Principal = { AWS: `arn:aws:iam::${OTHER}:root` })],
  ])('replaces its Deny in place when someone edited it (%s)', (_name, edit) => {
    // Prepare
    const f = finding('kms-key');
    const added = addResourcePolicyDeny(sharedKey(), f, options('kms-key'));
    const edited = parsePolicyDocument(added.document);
    const deny = edited.Statement.pop()!;
    edit(deny);
    edited.Statement.splice(1, 0, deny);

    // Act
    const repaired = addResourcePolicyDeny(edited, f, options('kms-key'));

    // Assess
    expect(repaired.changed).toBe(true);
    expect(repaired.document.Statement).toEqual([
      sharedKey().Statement[0],
      added.statement,
      sharedKey().Statement[1],
    ]);
  });

  it('collapses duplicate statements with its Sid into one', () => {
    // Prepare
    const f = finding('secret');
    const { document, statement } = addResourcePolicyDeny(sharedSecret(), f, options('secret'));
    const doubled = { ...document, Statement: [...document.Statement, statement] };

    // Act
    const result = addResourcePolicyDeny(doubled, f, options('secret'));

    // Assess
    expect(result.changed).toBe(true);
    expect(denyIn(result.document, f)).toHaveLength(1);
    expect(result.document.Statement).toHaveLength(2);
  });

  it('never mutates its inputs', () => {
    // Prepare
    const before = deepFreeze(withStatements(publicBucket(), allow({ AWS: PARTNER }, 's3:GetObject')));
    const f = deepFreeze(publicFinding());
    const opts = deepFreeze(options('s3-bucket'));

    // Act
    const { document } = addResourcePolicyDeny(before, f, opts);
    const evidence = resourceDenyEvidence(before, deepFreeze(document), f, opts);
    const undone = removeResourcePolicyDeny(document, f.id);

    // Assess
    expect(evidence.blocksExternal).toBe(true);
    expect(undone.document).toEqual(before);
  });

  describe('public findings', () => {
    const bucketWithPartners = () =>
      withStatements(
        publicBucket(),
        allow({ AWS: [`arn:aws:iam::${OTHER}:user/Bob`, '*'] }, 's3:PutObject'),
        allow({ AWS: PARTNER }, 's3:GetObject'),
        allow({ AWS: OWN_ROOT }, 's3:*'),
        // Neither a Deny nor a service names a trusted account.
        { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::777777777777:root' }, Action: 's3:*' },
        allow({ Service: 'logging.s3.amazonaws.com' }, 's3:PutObject'),
      );

    it.each<[string, () => PolicyDocument, { orgId?: string }, Record<string, unknown>]>([
      ['outside the account', publicBucket, {}, { 'aws:PrincipalAccount': OWN }],
      [
        'outside the account and the accounts the Allow statements name, sorted',
        bucketWithPartners,
        {},
        { 'aws:PrincipalAccount': [OWN, PARTNER, OTHER] },
      ],
      [
        'outside the organization (the owner account exempt too)',
        publicBucket,
        { orgId: ORG },
        { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': OWN },
      ],
      [
        'outside the organization and one named account',
        () => withStatements(publicBucket(), allow({ AWS: PARTNER_ROOT }, 's3:GetObject')),
        { orgId: ORG },
        { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': [OWN, PARTNER] },
      ],
      [
        'outside the organization and the named accounts',
        bucketWithPartners,
        { orgId: ORG },
        { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': [OWN, PARTNER, OTHER] },
      ],
    ])('denies everyone %s, and not AWS services', (_name, before, opts, zone) => {
      // Prepare
      const f = publicFinding();

      // Act
      const { statement } = addResourcePolicyDeny(before(), f, options('s3-bucket', opts));

      // Assess
      expect(statement).toEqual({
        Sid: sidOf(f),
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: {
          StringNotEquals: zone,
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      });
    });

    it.each<[string, Partial<Finding>]>([
      ['{AWS: "*"}', { principal: { AWS: '*' }, isPublic: false }],
      ['isPublic with no principal', { principal: undefined, isPublic: true }],
      ['isPublic with a named principal', { principal: { AWS: PARTNER }, isPublic: true }],
    ])('treats %s as public', (_name, over) => {
      // Prepare
      const f = finding('sqs-queue', over);

      // Act
      const statement = resourcePolicyDenyStatement(f, options('sqs-queue'));

      // Assess
      expect(statement.Principal).toBe('*');
      expect(statement.Resource).toBe(QUEUE_ARN);
    });

    describe('who gets in afterwards', () => {
      const f = publicFinding();
      const before = withStatements(publicBucket(), allow({ AWS: PARTNER }, 's3:GetObject'));

      it.each<[string, { orgId?: string }, AccessRequest, boolean]>([
        ['an anonymous caller is denied', {}, { principal: '*', action: 's3:GetObject' }, false],
        [
          'an outsider is denied',
          {},
          { principal: `arn:aws:iam::${OTHER}:role/Any`, action: 's3:GetObject', principalOrgId: null },
          false,
        ],
        [
          'the own account keeps its access',
          {},
          { principal: `arn:aws:iam::${OWN}:role/Admin`, action: 's3:GetObject' },
          true,
        ],
        [
          'an AWS service keeps its access',
          {},
          { principal: { Service: 'cloudfront.amazonaws.com' }, action: 's3:GetObject' },
          true,
        ],
        [
          'the named partner keeps its access',
          {},
          { principal: `arn:aws:iam::${PARTNER}:role/Reader`, action: 's3:GetObject' },
          true,
        ],
        [
          'an anonymous caller is denied (organization)',
          { orgId: ORG },
          { principal: '*', action: 's3:GetObject' },
          false,
        ],
        [
          'an account of the organization keeps its access',
          { orgId: ORG },
          { principal: `arn:aws:iam::${OTHER}:role/Any`, action: 's3:GetObject', principalOrgId: ORG },
          true,
        ],
        [
          'an account outside the organization is denied',
          { orgId: ORG },
          { principal: `arn:aws:iam::${OTHER}:role/Any`, action: 's3:GetObject', principalOrgId: null },
          false,
        ],
        [
          'the named partner keeps its access (organization)',
          { orgId: ORG },
          { principal: PARTNER_ROOT, action: 's3:GetObject', principalOrgId: null },
          true,
        ],
      ])('%s', (_name, opts, request, allowed) => {
        // Prepare
        const after = addResourcePolicyDeny(before, f, options('s3-bucket', opts)).document;

        // Act
        const decision = isAllowed(after, request);

        // Assess
        expect(decision.allowed).toBe(allowed);
        if (!allowed) expect(decision.matchedStatementSids).toEqual([sidOf(f)]);
      });
    });
  });

  describe('size quotas', () => {
    /** The example policy plus one Allow whose principal list grows until the policy is about `size`. */
    const padded = (kind: PolicyResourceKind, size: number): PolicyDocument => {
      const roles = [`arn:aws:iam::${PARTNER}:role/Reader`];
      const pad = allow({ AWS: roles }, 's3:GetObject', { Resource: '*' });
      const doc = withStatements(EXAMPLES[kind](), pad);
      for (let i = 0; policyLength(doc) < size; i++) {
        roles.push(`arn:aws:iam::${PARTNER}:role/Reader${i}`);
        doc.Statement[doc.Statement.length - 1] = { ...pad, Principal: { AWS: [...roles] } };
      }
      return doc;
    };

    it.each<PolicyResourceKind>(KINDS)(
      'throws PolicyTooLargeError naming the %s and its quota, and returns nothing',
      (kind) => {
        // Prepare
        const quota = RESOURCE_POLICY_MAX_CHARS[kind];
        const before = padded(kind, quota - 60);
        const copy = serializePolicyDocument(before);
        let result: unknown;
        let error: unknown;

        // Act
        try {
          result = addResourcePolicyDeny(before, finding(kind), options(kind));
        } catch (err) {
          error = err;
        }

        // Assess
        expect(policyLength(before)).toBeLessThanOrEqual(quota);
        expect(result).toBeUndefined();
        expect(error).toBeInstanceOf(PolicyTooLargeError);
        const tooLarge = error as PolicyTooLargeError;
        expect(tooLarge.quota).toBe(quota);
        expect(tooLarge.message).toBe(
          `the ${NAMES[kind]} would be ${tooLarge.length} characters; the quota is ${quota}; nothing changed`,
        );
        expect(serializePolicyDocument(before)).toBe(copy);
      },
    );

    it.each<PolicyResourceKind>(KINDS)(
      'allows a %s of exactly the quota (maxChars) but not one more',
      (kind) => {
        // Prepare
        const before = padded(kind, 4000);
        const length = policyLength(
          addResourcePolicyDeny(before, finding(kind), options(kind, { maxChars: 100_000 })).document,
        );

        // Act
        const exact = addResourcePolicyDeny(before, finding(kind), options(kind, { maxChars: length }));
        const over = () =>
          addResourcePolicyDeny(before, finding(kind), options(kind, { maxChars: length - 1 }));

        // Assess
        expect(policyLength(exact.document)).toBe(length);
        expect(over).toThrow(new PolicyTooLargeError(length, length - 1, NAMES[kind]));
      },
    );

    it.each<[PolicyResourceKind, boolean]>([
      ['s3-bucket', true],
      ['kms-key', true],
      ['sqs-queue', true],
      ['secret', false],
    ])('counts a %s in UTF-8 bytes: %p', (kind, inBytes) => {
      // Prepare: a condition value with two-byte characters.
      const before = withStatements(
        EXAMPLES[kind](),
        allow({ AWS: PARTNER }, 's3:GetObject', {
          Condition: { StringEquals: { 'aws:PrincipalTag/team': 'é'.repeat(200) } },
        }),
      );
      const chars = policyLength(
        addResourcePolicyDeny(before, finding(kind), options(kind, { maxChars: 100_000 })).document,
      );

      // Act
      const add = () => addResourcePolicyDeny(before, finding(kind), options(kind, { maxChars: chars }));

      // Assess
      if (inBytes) expect(add).toThrow(new PolicyTooLargeError(chars + 200, chars, NAMES[kind]));
      else expect(add().changed).toBe(true);
    });

    it(`refuses a queue policy of more than ${SQS_MAX_STATEMENTS} statements`, () => {
      // Prepare
      const queue = (n: number) =>
        parsePolicyDocument({
          Statement: Array.from({ length: n }, (_v, i) =>
            allow({ AWS: `arn:aws:iam::${OWN}:role/R${i}` }, 'sqs:SendMessage'),
          ),
        });

      // Act
      const full = () =>
        addResourcePolicyDeny(queue(SQS_MAX_STATEMENTS), finding('sqs-queue'), options('sqs-queue'));
      const room = addResourcePolicyDeny(
        queue(SQS_MAX_STATEMENTS - 1),
        finding('sqs-queue'),
        options('sqs-queue'),
      );

      // Assess
      expect(full).toThrow(
        new DenyNotApplicableError(
          `the queue policy would have 21 statements; SQS allows ${SQS_MAX_STATEMENTS}`,
        ),
      );
      expect(room.document.Statement).toHaveLength(SQS_MAX_STATEMENTS);
    });
  });

  describe('KMS key lockout', () => {
    it('keeps the account root and its kms:PutKeyPolicy in the example key policy', () => {
      // Prepare
      const before = sharedKey();

      // Act
      const { document } = addResourcePolicyDeny(before, finding('kms-key'), options('kms-key'));
      const root = isAllowed(document, { principal: OWN_ROOT, action: 'kms:PutKeyPolicy' });
      const admin = isAllowed(document, { principal: `arn:aws:iam::${OWN}:role/KeyAdmin`, action: 'kms:*' });

      // Assess
      expect(root).toMatchObject({ allowed: true, matchedStatementSids: ['Enable IAM User Permissions'] });
      expect(admin.allowed).toBe(true);
    });

    it('keeps the account root in for a public key finding', () => {
      // Prepare
      const before = withStatements(sharedKey(), allow('*', 'kms:Decrypt'));

      // Act
      const { document } = addResourcePolicyDeny(before, publicFinding('kms-key'), options('kms-key'));

      // Assess
      expect(isAllowed(document, { principal: OWN_ROOT, action: 'kms:PutKeyPolicy' }).allowed).toBe(true);
      expect(isAllowed(document, { principal: '*', action: 'kms:Decrypt' }).allowed).toBe(false);
    });

    it.each<[string, PolicyDocument, string]>([
      [
        'the account root',
        parsePolicyDocument({
          Statement: [
            ...sharedKey().Statement,
            { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' },
          ],
        }),
        OWN_ROOT,
      ],
      [
        'a key administrator the policy names',
        withStatements(sharedKey(), allow({ AWS: `arn:aws:iam::${OWN}:role/KeyAdmin` }, 'kms:PutKeyPolicy'), {
          Effect: 'Deny',
          Principal: { AWS: `arn:aws:iam::${OWN}:role/KeyAdmin` },
          Action: 'kms:Put*',
        }),
        `arn:aws:iam::${OWN}:role/KeyAdmin`,
      ],
    ])('throws KeyLockoutError when %s would lose kms:PutKeyPolicy', (_name, after, who) => {
      // Prepare
      const before = withStatements(
        sharedKey(),
        allow({ AWS: `arn:aws:iam::${OWN}:role/KeyAdmin` }, 'kms:PutKeyPolicy'),
      );
      let error: unknown;

      // Act
      try {
        checkKeyLockout(before, after, { ownAccount: OWN });
      } catch (err) {
        error = err;
      }

      // Assess
      expect(error).toBeInstanceOf(KeyLockoutError);
      const lockout = error as KeyLockoutError;
      expect(lockout.code).toBe('kms_lockout');
      expect(lockout.principal).toBe(who);
      expect(lockout.userMessage).toBe(
        `Cannot add the Deny: it would lock the account out of its own KMS key (${who} could no longer change ` +
          'the key policy). Nothing changed.',
      );
    });

    it("refuses to replace an edited statement with its Sid that was the key administrators' Allow", () => {
      // Prepare: someone reused the Deny's Sid for the root statement; replacing it would lock the key.
      const f = finding('kms-key');
      const [root, partner] = sharedKey().Statement;
      const before = parsePolicyDocument({ Statement: [{ ...root, Sid: sidOf(f) }, partner] });

      // Act / Assess
      expect(() => addResourcePolicyDeny(before, f, options('kms-key'))).toThrow(KeyLockoutError);
      expect(() => addResourcePolicyDeny(before, f, options('kms-key'))).toThrow(
        `the Deny would take kms:PutKeyPolicy away from ${OWN_ROOT}`,
      );
    });

    it('does not count access the old policy never gave', () => {
      // Prepare
      const before = parsePolicyDocument({
        Statement: [allow({ AWS: PARTNER }, 'kms:Decrypt', { Resource: '*' })],
      });
      const after = withStatements(before, { Effect: 'Deny', Principal: '*', Action: 'kms:*' });

      // Act / Assess
      expect(() => checkKeyLockout(before, after, { ownAccount: OWN })).not.toThrow();
      expect(() => checkKeyLockout(sharedKey(), sharedKey(), { ownAccount: OWN })).not.toThrow();
    });
  });

  it.each<[string, PolicyResourceKind, Partial<Finding>, new (...a: never[]) => Error]>([
    ['no principal on a non-public finding', 's3-bucket', { principal: undefined }, DenyNotApplicableError],
    [
      'a federated principal',
      's3-bucket',
      { principal: { Federated: 'cognito-identity.amazonaws.com' } },
      DenyNotApplicableError,
    ],
    [
      'a canonical user outside S3',
      'kms-key',
      { principal: { CanonicalUser: CANONICAL } },
      DenyNotApplicableError,
    ],
    [
      'a canonical user that is not one',
      's3-bucket',
      { principal: { CanonicalUser: 'abc' } },
      DenyNotApplicableError,
    ],
    [
      'a unique id of a deleted principal',
      'secret',
      { principal: { AWS: 'AIDAJQABLZS4A3QDU576Q' } },
      DenyNotApplicableError,
    ],
  ])('refuses %s', (_name, kind, over, errorClass) => {
    // Prepare
    const f = finding(kind, over);

    // Act / Assess
    expect(() => addResourcePolicyDeny(EXAMPLES[kind](), f, options(kind))).toThrow(errorClass);
  });

  it.each<[PolicyResourceKind, string]>([
    ['s3-bucket', OWN],
    ['kms-key', OWN_ROOT],
    ['sqs-queue', `arn:aws:iam::${OWN}:role/Admin`],
    ['secret', OWN],
  ])('refuses a %s finding whose principal is in the owner account (%s): not external', (kind, principal) => {
    // Prepare
    const f = finding(kind, { principal: { AWS: principal } });

    // Act / Assess
    expect(() => addResourcePolicyDeny(EXAMPLES[kind](), f, options(kind))).toThrow(
      /is in the owner account 111122223333: that is not external access/,
    );
    expect(() => addResourcePolicyDeny(EXAMPLES[kind](), f, options(kind))).toThrow(DenyNotApplicableError);
  });

  it.each<[string, Partial<ResourceDenyOptions>]>([
    ['an own account that is not 12 digits', { ownAccount: '1111' }],
    ['an organization id that is not o-…', { orgId: 'r-abc' }],
    ['an ARN of another service', { resourceArn: QUEUE_ARN }],
    ['an object ARN instead of the bucket', { resourceArn: `${BUCKET_ARN}/key.txt` }],
    ['an unknown kind', { kind: 'lambda' as PolicyResourceKind }],
  ])('refuses %s', (_name, over) => {
    // Prepare / Act / Assess
    expect(() =>
      addResourcePolicyDeny(publicBucket(), finding('s3-bucket'), options('s3-bucket', over)),
    ).toThrow(InvalidInputError);
  });

  it('refuses a resource ARN of another account', () => {
    // Prepare / Act / Assess
    expect(() =>
      addResourcePolicyDeny(
        sharedKey(),
        finding('kms-key'),
        options('kms-key', { resourceArn: KEY_ARN.replace(OWN, OTHER) }),
      ),
    ).toThrow(InvalidInputError);
  });
});

describe('removeResourcePolicyDeny', () => {
  it('removes exactly its Sid and keeps every manual edit', () => {
    // Prepare
    const f = finding('s3-bucket');
    const other = finding('s3-bucket', {
      id: '00000000-0000-4000-8000-000000000000',
      principal: { AWS: OTHER },
    });
    let doc = addResourcePolicyDeny(publicBucket(), f, options('s3-bucket')).document;
    doc = addResourcePolicyDeny(doc, other, options('s3-bucket')).document;
    const edited = parsePolicyDocument(doc);
    edited.Statement.unshift({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    edited.Statement.reverse();
    const expected = edited.Statement.filter((s) => s.Sid !== sidOf(f)).map((s) => JSON.stringify(s));

    // Act
    const { document, removed, diff } = removeResourcePolicyDeny(edited, f.id);

    // Assess
    expect(removed).toBe(true);
    expect(document!.Statement.map((s) => JSON.stringify(s))).toEqual(expected);
    expect(denyIn(document, other)).toHaveLength(1);
    expect(diff).toContain(`-       "Sid": "${sidOf(f)}",`);
    expect(diff.split('\n').some((l) => l.startsWith('+'))).toBe(false);
  });

  it('returns no document when its Deny was the only statement', () => {
    // Prepare
    const f = finding('sqs-queue');
    const { document } = addResourcePolicyDeny(null, f, options('sqs-queue'));

    // Act
    const undone = removeResourcePolicyDeny(document, f.id);

    // Assess
    expect(undone.removed).toBe(true);
    expect(undone.document).toBeNull();
    expect(undone.diff.split('\n').every((l) => l.startsWith('- '))).toBe(true);
  });

  it.each<[string, PolicyDocument | null]>([
    ['a policy without it', sharedSecret()],
    ['no policy', null],
  ])('reports removed: false and changes nothing for %s', (_name, before) => {
    // Prepare
    const copy = JSON.stringify(before);

    // Act
    const { document, removed, diff } = removeResourcePolicyDeny(before, finding('secret').id);

    // Assess
    expect(removed).toBe(false);
    expect(diff).toBe('(no change)');
    expect(JSON.stringify(document)).toBe(copy);
  });

  it.each<PolicyResourceKind>(KINDS)('restores the original %s policy after add then remove', (kind) => {
    // Prepare
    const before = EXAMPLES[kind]();
    const { document } = addResourcePolicyDeny(before, finding(kind), options(kind));

    // Act
    const undone = removeResourcePolicyDeny(document, finding(kind).id).document;

    // Assess
    expect(serializePolicyDocument(undone!)).toBe(serializePolicyDocument(before));
  });
});

describe('resourceDenyEvidence', () => {
  it('proves the Deny on the public example bucket blocks anonymous and outside callers and keeps the owner', () => {
    // Prepare
    const before = publicBucket();
    const f = publicFinding();
    const after = addResourcePolicyDeny(before, f, options('s3-bucket')).document;

    // Act
    const evidence = resourceDenyEvidence(before, after, f, options('s3-bucket'));

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
    expect(evidence.details).toContainEqual(expect.stringMatching(/^blocked: anonymous → s3:GetObject: /));
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^blocked: AWS arn:aws:iam::999999999999:role\/AnyRole → s3:GetObject/),
    );
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^kept: AWS arn:aws:iam::111122223333:root → s3:GetObject/),
    );
    expect(evidence.details).toContainEqual(
      expect.stringMatching(
        /^kept: AWS arn:aws:iam::111122223333:role\/Admin → s3:PutBucketPolicy: .*identity policies/,
      ),
    );
  });

  it('proves the Deny on the example key blocks the partner and keeps the root and kms:PutKeyPolicy', () => {
    // Prepare
    const before = sharedKey();
    const f = finding('kms-key', { action: ['kms:Decrypt', 'kms:DescribeKey'] });
    const after = addResourcePolicyDeny(before, f, options('kms-key')).document;

    // Act
    const evidence = resourceDenyEvidence(before, after, f, options('kms-key'));

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
    expect(evidence.details.filter((d) => d.startsWith('blocked:'))).toHaveLength(4);
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^blocked: AWS arn:aws:iam::444455556666:role\/AnyRole → kms:DescribeKey/),
    );
    expect(evidence.details).toContainEqual(
      expect.stringMatching(
        /^kept: AWS arn:aws:iam::111122223333:root → kms:PutKeyPolicy: allowed by Enable IAM User Permissions/,
      ),
    );
  });

  it('proves the Deny on the example secret blocks the partner and keeps the owner', () => {
    // Prepare
    const before = sharedSecret();
    const f = finding('secret', { action: ['secretsmanager:GetSecretValue'] });
    const after = addResourcePolicyDeny(before, f, options('secret')).document;

    // Act
    const evidence = resourceDenyEvidence(before, after, f, options('secret'));

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^blocked: AWS arn:aws:iam::444455556666:root → secretsmanager:GetSecretValue/),
    );
    expect(evidence.details.some((d) => d.startsWith('kept: AWS arn:aws:iam::111122223333:root'))).toBe(true);
  });

  it('keeps the partner a public Deny spares, and services the policy allows', () => {
    // Prepare
    const before = withStatements(
      publicBucket(),
      allow({ AWS: PARTNER }, 's3:GetObject'),
      allow({ Service: 'logging.s3.amazonaws.com' }, 's3:PutObject'),
    );
    const f = publicFinding();
    const after = addResourcePolicyDeny(before, f, options('s3-bucket', { orgId: ORG })).document;

    // Act
    const evidence = resourceDenyEvidence(before, after, f, options('s3-bucket', { orgId: ORG }));

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^kept: AWS arn:aws:iam::444455556666:root → s3:GetObject/),
    );
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^kept: Service logging.s3.amazonaws.com → s3:PutObject/),
    );
  });

  it.each<[string, PolicyStatement, { blocksExternal: unknown; keepsOwnerAccess: unknown }, RegExp]>([
    [
      'a bare Deny * that locks out the owner',
      { Sid: 'Bad', Effect: 'Deny', Principal: '*', Action: 's3:*' },
      { blocksExternal: true, keepsOwnerAccess: false },
      /^LOST: AWS arn:aws:iam::111122223333:root → s3:GetObject/,
    ],
    [
      'a Deny with a Null guard that lets anonymous callers through',
      {
        Sid: 'Bad',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: {
          StringNotEquals: { 'aws:PrincipalAccount': [OWN, PARTNER] },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          Null: { 'aws:PrincipalAccount': 'false' },
        },
      },
      { blocksExternal: false, keepsOwnerAccess: true },
      /^NOT blocked: anonymous → s3:GetObject/,
    ],
    [
      'a Deny that cuts off the named partner',
      {
        Sid: 'Bad',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': OWN } },
      },
      { blocksExternal: true, keepsOwnerAccess: false },
      /^LOST: AWS arn:aws:iam::444455556666:root → s3:GetObject/,
    ],
  ])('catches %s', (_name, badDeny, expected, detail) => {
    // Prepare
    const before = withStatements(publicBucket(), allow({ AWS: PARTNER }, 's3:GetObject'));

    // Act
    const evidence = resourceDenyEvidence(
      before,
      withStatements(before, badDeny),
      publicFinding(),
      options('s3-bucket'),
    );

    // Assess
    expect(evidence).toMatchObject(expected);
    expect(evidence.details).toContainEqual(expect.stringMatching(detail));
  });

  it('judges HTTPS callers, so a TLS-only statement leaves the answers certain', () => {
    // Prepare
    const before = withStatements(publicBucket(), {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const f = publicFinding();
    const after = addResourcePolicyDeny(before, f, options('s3-bucket')).document;

    // Act
    const evidence = resourceDenyEvidence(before, after, f, options('s3-bucket'));

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
  });

  it('picks an outsider that is not one of the trusted accounts', () => {
    // Prepare
    const before = withStatements(publicBucket(), allow({ AWS: '999999999999' }, 's3:GetObject'));
    const f = publicFinding();
    const after = addResourcePolicyDeny(before, f, options('s3-bucket')).document;

    // Act
    const evidence = resourceDenyEvidence(before, after, f, options('s3-bucket'));

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^blocked: AWS arn:aws:iam::888888888888:role\/AnyRole → s3:GetObject/),
    );
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^kept: AWS arn:aws:iam::999999999999:root/),
    );
  });

  it('proves the Deny blocks a service principal the queue let in', () => {
    // Prepare
    const before = withStatements(
      ownerOnlyQueue(),
      allow({ Service: 'sns.amazonaws.com' }, 'sqs:SendMessage'),
    );
    const f = finding('sqs-queue', {
      principal: { Service: 'sns.amazonaws.com' },
      action: ['sqs:SendMessage'],
    });
    const after = addResourcePolicyDeny(before, f, options('sqs-queue')).document;

    // Act
    const evidence = resourceDenyEvidence(before, after, f, options('sqs-queue'));

    // Assess
    expect(evidence).toMatchObject({ blocksExternal: true, keepsOwnerAccess: true });
    expect(evidence.details).toEqual([
      expect.stringMatching(/^blocked: Service sns.amazonaws.com → sqs:SendMessage: explicitly denied/),
      ...['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:SetQueueAttributes'].map((a) =>
        expect.stringMatching(new RegExp(`^kept: AWS arn:aws:iam::111122223333:role/Admin → ${a}`)),
      ),
      ...['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:SetQueueAttributes'].map((a) =>
        expect.stringMatching(
          new RegExp(`^kept: AWS arn:aws:iam::111122223333:root → ${a}: allowed by OwnerOnly`),
        ),
      ),
    ]);
  });

  it('says NOT blocked when the policy still lets the partner in', () => {
    // Prepare
    const before = sharedSecret();

    // Act
    const evidence = resourceDenyEvidence(before, before, finding('secret'), options('secret'));

    // Assess
    expect(evidence.blocksExternal).toBe(false);
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^NOT blocked: AWS arn:aws:iam::444455556666:root/),
    );
  });

  it('checks a role of a denied account, not only its root', () => {
    // Prepare: a Deny that only catches the root user of the account.
    const before = sharedSecret();
    const rootOnly: PolicyStatement = {
      Effect: 'Deny',
      Principal: { AWS: PARTNER },
      Action: 'secretsmanager:*',
      Condition: { StringEquals: { 'aws:PrincipalArn': PARTNER_ROOT } },
    };

    // Act
    const evidence = resourceDenyEvidence(
      before,
      withStatements(before, rootOnly),
      finding('secret'),
      options('secret'),
    );

    // Assess
    expect(evidence.blocksExternal).toBe(false);
    expect(evidence.details).toContainEqual(
      expect.stringMatching(/^NOT blocked: AWS arn:aws:iam::444455556666:role\/AnyRole/),
    );
  });

  it('cannot vouch for a canonical user (the evaluator does not model them)', () => {
    // Prepare
    const f = finding('s3-bucket', { principal: { CanonicalUser: CANONICAL } });
    const after = addResourcePolicyDeny(null, f, options('s3-bucket')).document;

    // Act
    const evidence = resourceDenyEvidence(null, after, f, options('s3-bucket'));

    // Assess
    expect(evidence.blocksExternal).toBe('unknown');
    expect(evidence.details).toContainEqual(
      `unsure: CanonicalUser ${CANONICAL} is not modelled by the evaluator`,
    );
  });

  it('does not count a key-policy principal the old policy did not allow', () => {
    // Prepare: a key policy that names only the partner; own principals have no path through IAM.
    const before = parsePolicyDocument({
      Statement: [allow({ AWS: PARTNER_ROOT }, 'kms:Decrypt', { Resource: '*' })],
    });
    const after = withStatements(before, { Effect: 'Deny', Principal: '*', Action: 'kms:*' });

    // Act
    const evidence = resourceDenyEvidence(before, after, finding('kms-key'), options('kms-key'));

    // Assess
    expect(evidence.keepsOwnerAccess).toBe(true);
    expect(evidence.details).toContain('no own-account, service or partner principal was allowed before');
  });
});

describe('ORGANIZATION_ID never locks the owner out', () => {
  it('keeps an owner-account role that is not (or no longer) in the organization', () => {
    // Prepare: a public bucket, denied outside an organization the owner account turns out not to be in.
    const f = finding('s3-bucket', { principal: { AWS: '*' }, isPublic: true });
    const before = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow' as const,
          Principal: '*' as const,
          Action: 's3:GetObject',
          Resource: `${BUCKET_ARN}/*`,
        },
      ],
    };

    // Act
    const { document } = addResourcePolicyDeny(before, f, options('s3-bucket', { orgId: 'o-a1b2c3d4e5' }));

    // Assess: the owner's role outside the organization still gets in; an outsider does not.
    const ask = (principal: string): AccessRequest => ({
      principal,
      action: 's3:GetObject',
      principalOrgId: null,
      secureTransport: true,
    });
    expect(isAllowed(document, ask(`arn:aws:iam::${OWN}:role/Admin`)).allowed).toBe(true);
    expect(isAllowed(document, ask('arn:aws:iam::999999999999:role/Any')).allowed).toBe(false);
  });

  it('checks the key lockout without assuming the owner is in the organization', () => {
    // Prepare: a key policy whose Deny (written by hand) spares only the organization.
    const before = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow' as const, Principal: { AWS: OWN_ROOT }, Action: 'kms:*', Resource: '*' }],
    };
    const after = {
      ...before,
      Statement: [
        ...before.Statement,
        {
          Effect: 'Deny' as const,
          Principal: '*' as const,
          Action: 'kms:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        },
      ],
    };

    // Act + Assess: with the organization unknown for the owner, losing kms:PutKeyPolicy is a lockout.
    expect(() => checkKeyLockout(before, after, { ownAccount: OWN, orgId: 'o-a1b2c3d4e5' })).toThrow(
      KeyLockoutError,
    );
  });
});
