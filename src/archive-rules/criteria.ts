/**
 * Archive-rule criteria: the rule a finding suggests, validation of what a person edited, and whether a rule
 * is broad. Pure: no I/O, no Slack or AWS types. Criteria use Access Analyzer's filter shape
 * (`{ <key>: { eq: [...] } }`, values always strings, `isPublic` as `'true'`/`'false'`).
 *
 * **Broad rules.** The issue says a rule "with no principal or account criterion" is broad and needs one more
 * approval stage. A rule is narrow only when it names *who* gets access: a `principal.*` criterion with an `eq`
 * or `contains` value other than `*`, or a condition key that names the principal or its account
 * (`condition.aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
 * `aws:UserId`, `kms:CallerAccount`). `resourceOwnerAccount` does NOT make a rule narrow: in an account analyzer
 * every finding has the analyzer's own account as owner, so "owner = 111122223333, type = S3 bucket" would
 * silently archive every external-access finding on every bucket. That is exactly the rule the extra stage is
 * for. A principal of `*` (public access) does not narrow either.
 *
 * @example
 *   const form = defaultRuleForm(finding, new Date('2026-11-23T10:00:00Z'));
 *   // { ruleName: 'slack-iam-role-999988887777-20261123-982d1a', resourceType: 'AWS::IAM::Role',
 *   //   principal: 'arn:aws:iam::999988887777:user/Alice', ownerAccount: '111122223333', isPublic: 'false', … }
 *   // (the name ends with 6 hex digits of the SHA-256 of the finding id)
 *   const checked = validateRuleForm(form); // { ok: true, rule: { ruleName, filter, broad: false } }
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../findings/finding';

/** Access Analyzer's `Criterion`. */
export interface Criterion {
  eq?: string[];
  neq?: string[];
  contains?: string[];
  exists?: boolean;
}

/** Access Analyzer's archive-rule filter: criterion per filter key, all of which must match. */
export type RuleFilter = Record<string, Criterion>;

/** Access Analyzer's rule-name rule: a letter, then letters, digits, `_`, `.` or `-`; 1–255 characters. */
export const RULE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
export const RULE_NAME_MAX = 255;
/** Access Analyzer accepts at most 20 values per criterion. */
export const MAX_VALUES = 20;

/** Resource types of external-access findings (Access Analyzer's supported resource types). */
export const SUPPORTED_RESOURCE_TYPES = [
  'AWS::IAM::Role',
  'AWS::S3::Bucket',
  'AWS::S3Express::DirectoryBucket',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::Lambda::LayerVersion',
  'AWS::SQS::Queue',
  'AWS::SecretsManager::Secret',
  'AWS::SNS::Topic',
  'AWS::EC2::Snapshot',
  'AWS::RDS::DBSnapshot',
  'AWS::RDS::DBClusterSnapshot',
  'AWS::ECR::Repository',
  'AWS::EFS::FileSystem',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::Stream',
] as const;

/** The choice for `isPublic`: only non-public findings (the console's suggestion), only public ones, or either. */
export type PublicChoice = 'false' | 'true' | 'any';

/** What the "Create archive rule" modal edits, as plain strings (empty = no criterion). */
export interface RuleForm {
  ruleName: string;
  /** One of SUPPORTED_RESOURCE_TYPES, or '' for any resource type. */
  resourceType: string;
  /** Account ids, IAM/STS ARNs, `*`, or web identity providers, separated by commas or spaces. */
  principal: string;
  /** The resource owner's 12-digit account id, or ''. */
  ownerAccount: string;
  isPublic: PublicChoice;
  /** Also archive the findings that match now (ApplyArchiveRule). */
  applyToExisting: boolean;
}

export type RuleFormField = 'ruleName' | 'resourceType' | 'principal' | 'ownerAccount' | 'isPublic';
/** One message per field; `criteria` when the rule as a whole is wrong (no criterion at all). */
export type RuleFormErrors = Partial<Record<RuleFormField | 'criteria', string>>;

/** A rule ready to create. */
export interface CheckedRule {
  ruleName: string;
  filter: RuleFilter;
  broad: boolean;
}

export type RuleCheck = { ok: true; rule: CheckedRule } | { ok: false; errors: RuleFormErrors };

const ACCOUNT_ID = /^\d{12}$/;
/** `arn:<partition>:iam|sts::<account>:<resource>`: the principal ARNs a policy can name. */
const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov):(iam|sts)::(\d{12}):(.+)$/;
/** Web identity providers that appear as `Federated` principals without an ARN. */
const WEB_IDENTITY_PROVIDERS = [
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
];
/** Condition keys (filter `condition.<key>`) that name the principal or its account: they make a rule narrow. */
const PRINCIPAL_CONDITION_KEYS = [
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:UserId',
  'kms:CallerAccount',
].map((k) => `condition.${k}`);

export type PrincipalKey = 'principal.AWS' | 'principal.Federated';

/** Which filter key a principal value belongs to, or undefined when it is none Access Analyzer filters on. */
export function principalKeyOf(value: string): PrincipalKey | undefined {
  if (value === '*' || ACCOUNT_ID.test(value)) return 'principal.AWS';
  const arn = PRINCIPAL_ARN.exec(value);
  if (arn) {
    const resource = arn[4] ?? '';
    if (arn[2] === 'iam' && /^(saml-provider|oidc-provider)\/.+/.test(resource)) return 'principal.Federated';
    return 'principal.AWS';
  }
  if (WEB_IDENTITY_PROVIDERS.includes(value)) return 'principal.Federated';
  return undefined;
}

/** The values of a list field: split on commas and white space, empty parts dropped. */
export function splitValues(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The account a principal value belongs to (12 digits), when it names one. */
function accountOf(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return value;
  return PRINCIPAL_ARN.exec(value)?.[3];
}

/** The finding's external principal as the modal's principal field: AWS first, then Federated. */
function defaultPrincipal(finding: Finding): string {
  const p = finding.principal ?? {};
  const value = p.AWS ?? p.Federated;
  return value !== undefined && principalKeyOf(value) ? value : '';
}

/** `AWS::IAM::Role` → `iam-role`. */
function shortType(resourceType: string): string {
  return resourceType
    .replace(/^AWS::/, '')
    .replace(/::/g, '-')
    .toLowerCase();
}

/** Six hex digits of the finding id's SHA-256: tells apart the rules suggested by two findings on one day. */
export function findingSuffix(findingId: string): string {
  return createHash('sha256').update(findingId).digest('hex').slice(0, 6);
}

/**
 * A valid rule name for the finding: `slack-<type>-<principal account>-<yyyymmdd>-<6 hex of the finding id>`,
 * characters Access Analyzer refuses replaced by `-`, at most 255 characters (the suffix always kept). The
 * suffix keeps two findings with the same principal account suggesting the same name on the same day.
 * @example generateRuleName(aliceRoleFinding, new Date('2026-11-23')) // 'slack-iam-role-999988887777-20261123-982d1a'
 */
export function generateRuleName(finding: Finding, today: Date): string {
  const principal = defaultPrincipal(finding);
  const who = principal === '*' ? 'public' : (accountOf(principal) ?? principal);
  const day = today.toISOString().slice(0, 10).replace(/-/g, '');
  const parts = ['slack', shortType(finding.resourceType), who, day].filter(Boolean);
  const suffix = `-${findingSuffix(finding.id)}`;
  const name = parts
    .join('-')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-');
  return `${name.slice(0, RULE_NAME_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * The rule the finding suggests, every field editable: its resource type, its external principal, its owner
 * account, and `isPublic = false` (the Access Analyzer console's suggestion); existing matches archived too.
 */
export function defaultRuleForm(finding: Finding, today: Date): RuleForm {
  const type = (SUPPORTED_RESOURCE_TYPES as readonly string[]).includes(finding.resourceType)
    ? finding.resourceType
    : '';
  return {
    ruleName: generateRuleName(finding, today),
    resourceType: type,
    principal: defaultPrincipal(finding),
    ownerAccount: ACCOUNT_ID.test(finding.accountId) ? finding.accountId : '',
    isPublic: 'false',
    applyToExisting: true,
  };
}

function checkName(name: string): string | undefined {
  if (name === '') return 'Give the rule a name.';
  if (name.length > RULE_NAME_MAX)
    return `At most ${RULE_NAME_MAX} characters (this one has ${name.length}).`;
  if (!RULE_NAME_PATTERN.test(name)) {
    return 'Start with a letter; then use only letters, digits, _ . and - (no spaces).';
  }
  return undefined;
}

function principalCriterion(text: string): { key: PrincipalKey; values: string[] } | { error: string } {
  const values = [...new Set(splitValues(text))];
  if (values.length > MAX_VALUES) return { error: `At most ${MAX_VALUES} principals in one rule.` };
  const keys = new Set<PrincipalKey>();
  for (const v of values) {
    const key = principalKeyOf(v);
    if (!key) {
      return {
        error:
          `"${v.slice(0, 80)}" is not a principal Access Analyzer filters on: use a 12-digit account id, ` +
          'an IAM or STS ARN (arn:aws:iam::123456789012:role/Name), * or a web identity provider.',
      };
    }
    keys.add(key);
  }
  if (keys.size > 1) {
    return {
      error: 'Use either AWS principals (accounts, ARNs) or federated providers in one rule, not both.',
    };
  }
  return { key: [...keys][0] ?? 'principal.AWS', values };
}

/**
 * Validates what a person edited and builds the rule: per-field messages, or the rule with its filter and
 * whether it is broad. At least one criterion is required (Access Analyzer refuses an empty filter).
 */
export function validateRuleForm(form: RuleForm): RuleCheck {
  const errors: RuleFormErrors = {};
  const filter: RuleFilter = {};
  const ruleName = form.ruleName.trim();
  const nameProblem = checkName(ruleName);
  if (nameProblem) errors.ruleName = nameProblem;

  const type = form.resourceType.trim();
  if (type !== '') {
    if ((SUPPORTED_RESOURCE_TYPES as readonly string[]).includes(type)) filter.resourceType = { eq: [type] };
    else errors.resourceType = `Access Analyzer does not report external access for "${type.slice(0, 80)}".`;
  }

  const principal = form.principal.trim();
  if (principal !== '') {
    const c = principalCriterion(principal);
    if ('error' in c) errors.principal = c.error;
    else filter[c.key] = { eq: c.values };
  }

  const owner = form.ownerAccount.trim();
  if (owner !== '') {
    if (ACCOUNT_ID.test(owner)) filter.resourceOwnerAccount = { eq: [owner] };
    else errors.ownerAccount = 'An AWS account id is 12 digits, like 111122223333.';
  }

  if (form.isPublic === 'true' || form.isPublic === 'false') filter.isPublic = { eq: [form.isPublic] };
  else if (form.isPublic !== 'any') errors.isPublic = 'Choose whether the rule covers public findings.';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (Object.keys(filter).length === 0) {
    return {
      ok: false,
      errors: { criteria: 'Give at least one criterion: a rule that matches everything is not allowed.' },
    };
  }
  return { ok: true, rule: { ruleName, filter, broad: isBroad(filter) } };
}

const names = (c: Criterion) => [...(c.eq ?? []), ...(c.contains ?? [])];

/** True when the rule names no principal and no principal account (see the module comment). */
export function isBroad(filter: RuleFilter): boolean {
  const narrowing = Object.entries(filter).some(([key, c]) => {
    if (key.startsWith('principal.')) return names(c).some((v) => v !== '*');
    if (PRINCIPAL_CONDITION_KEYS.includes(key)) return names(c).length > 0;
    return false;
  });
  return !narrowing;
}

/**
 * The filter as readable lines, one per criterion, in a stable order (for the approval diff and the list).
 * @example describeFilter({ isPublic: { eq: ['false'] } }) // ['isPublic = false']
 */
export function describeFilter(filter: RuleFilter): string[] {
  return Object.keys(filter)
    .sort()
    .map((key) => {
      const c = filter[key] ?? {};
      const parts = [
        c.eq ? `= ${c.eq.join(' or ')}` : '',
        c.neq ? `≠ ${c.neq.join(' and ')}` : '',
        c.contains ? `contains ${c.contains.join(' or ')}` : '',
        c.exists !== undefined ? (c.exists ? 'exists' : 'does not exist') : '',
      ].filter(Boolean);
      return `${key} ${parts.join(', ')}`;
    });
}

/** Same criteria, regardless of key order and value order (a retried create finds its own rule). */
export function sameFilter(a: RuleFilter, b: RuleFilter): boolean {
  const norm = (f: RuleFilter) =>
    JSON.stringify(
      Object.keys(f)
        .sort()
        .map((k) => {
          const c = f[k] ?? {};
          return [
            k,
            [...(c.eq ?? [])].sort(),
            [...(c.neq ?? [])].sort(),
            [...(c.contains ?? [])].sort(),
            c.exists ?? null,
          ];
        }),
    );
  return norm(a) === norm(b);
}
