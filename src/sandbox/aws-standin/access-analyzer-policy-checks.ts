import { AwsError, validationError } from './errors';
import { JsonSpans, positionOf, type PathElement, type Position } from './json-spans';
import { paginate } from './pagination';
import {
  actionMatches,
  parsePolicy,
  wildcardMatch,
  type PolicyDocument,
  type Statement,
} from './policy-document';

/**
 * Access Analyzer's policy checks, kept modest:
 *
 * CheckAccessNotGranted answers the narrow question "does this policy allow any of these actions on any of
 * these resources" (AWS semantics: only actions → on any resource; only resources → any action; both →
 * one of the actions on one of the resources). An Allow statement grants when its Action/NotAction covers a
 * requested action and its Resource/NotResource covers a requested resource (a statement without either,
 * like a trust policy statement, covers every resource). Its Principal and Condition are NOT considered (a
 * conditional grant still counts). A Deny statement without Condition (with Principal `*`, for resource
 * policies) removes the actions and resources it fully covers. FAIL lists one reason per granting
 * statement. At most 1 access entry (as documented), each with 1–100 actions and/or resources.
 *
 * ValidatePolicy reports: ERROR JSON_SYNTAX_ERROR, MISSING_STATEMENT, MISSING_EFFECT, INVALID_EFFECT,
 * MISSING_ACTION, MISSING_PRINCIPAL (resource policies), UNSUPPORTED_PRINCIPAL and MISSING_RESOURCE
 * (identity policies), UNSUPPORTED_SID (non-alphanumeric Sid in identity and trust policies) and
 * UNIQUE_SIDS_REQUIRED; WARNING MISSING_VERSION; SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE and the
 * stand-in's own ALLOW_WITH_PUBLIC_PRINCIPAL (an Allow with Principal `*` and no Condition; the real service
 * leaves that to CheckNoPublicAccess). Each finding locates the element with a path and a span.
 */
type Input = Record<string, unknown>;

const POLICY_TYPES = [
  'IDENTITY_POLICY',
  'RESOURCE_POLICY',
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
];
const LINK = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html';

export function checkAccessNotGranted(input: Input): unknown {
  const policyType = input.policyType;
  if (policyType !== 'IDENTITY_POLICY' && policyType !== 'RESOURCE_POLICY') {
    throw validationError('policyType must be IDENTITY_POLICY or RESOURCE_POLICY');
  }
  const access = input.access;
  if (!Array.isArray(access) || access.length > 1)
    throw validationError('access must be a list of at most 1 item');
  const document = parse(input.policyDocument);
  const reasons: { description: string; statementIndex: number; statementId?: string }[] = [];
  for (const entry of access as Input[]) {
    const actions = list(entry.actions, 'actions');
    const resources = list(entry.resources, 'resources');
    if (actions.length === 0 && resources.length === 0)
      throw validationError('each access needs actions or resources');
    for (const statement of document.statements.filter((s) => s.effect === 'Allow')) {
      if (!grants(statement, document, actions, resources, policyType)) continue;
      if (reasons.some((r) => r.statementIndex === statement.index)) continue;
      const where = statement.sid ? `sid: ${statement.sid}` : `index: ${statement.index}`;
      reasons.push({
        description: `One or more of the listed actions or resources in the statement with ${where}.`,
        statementIndex: statement.index,
        statementId: statement.sid,
      });
    }
  }
  const fail = reasons.length > 0;
  return {
    result: fail ? 'FAIL' : 'PASS',
    message: fail
      ? 'The policy document grants access to perform one or more of the listed actions or resources.'
      : 'The policy document does not grant access to perform the listed actions or resources.',
    reasons,
  };
}

function parse(text: unknown): PolicyDocument {
  if (typeof text !== 'string' || text === '') throw validationError('policyDocument is required');
  try {
    return parsePolicy(text);
  } catch {
    throw new AwsError('InvalidParameterException', 400, 'The policy document is not a valid IAM policy.');
  }
}

function list(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 100 || !value.every((v) => typeof v === 'string')) {
    throw validationError(`${field} must be a list of at most 100 strings`);
  }
  return value as string[];
}

function grants(
  s: Statement,
  doc: PolicyDocument,
  actions: string[],
  resources: string[],
  type: string,
): boolean {
  const denies = doc.statements.filter(
    (d) =>
      d.effect === 'Deny' &&
      Object.keys(d.condition).length === 0 &&
      (type === 'IDENTITY_POLICY' || (d.principal?.AWS ?? []).includes('*')),
  );
  const wantedActions = actions.length > 0 ? actions : ['*'];
  const wantedResources = resources.length > 0 ? resources : ['*'];
  return wantedActions.some(
    (action) =>
      coversAction(s, action) &&
      wantedResources.some(
        (resource) =>
          coversResource(s, resource) &&
          !denies.some((d) => coversAction(d, action, true) && coversResource(d, resource, true)),
      ),
  );
}

/** `strict`: the statement covers all of the action (a Deny of `s3:Get*` does not remove "any action"). */
function coversAction(s: Statement, action: string, strict = false): boolean {
  if (action === '*' && !strict) return true;
  if (s.action) return s.action.some((p) => actionMatches(p, action));
  return !(s.notAction ?? []).some((p) => actionMatches(p, action) || actionMatches(action, p));
}

function coversResource(s: Statement, resource: string, strict = false): boolean {
  if (resource === '*' && !strict) return true;
  if (s.resource) return s.resource.some((p) => wildcardMatch(p, resource, true));
  if (s.notResource)
    return !s.notResource.some((p) => wildcardMatch(p, resource, true) || wildcardMatch(resource, p, true));
  return true;
}

interface Finding {
  findingType: 'ERROR' | 'SECURITY_WARNING' | 'WARNING' | 'SUGGESTION';
  issueCode: string;
  findingDetails: string;
  path: PathElement[];
}

export function validatePolicy(input: Input): unknown {
  const text = input.policyDocument;
  const policyType = input.policyType;
  if (typeof text !== 'string' || text === '') throw validationError('policyDocument is required');
  if (typeof policyType !== 'string' || !POLICY_TYPES.includes(policyType)) {
    throw validationError(`policyType must be one of ${POLICY_TYPES.join(', ')}`);
  }
  const resourceType = input.validatePolicyResourceType;
  if (resourceType !== undefined && policyType !== 'RESOURCE_POLICY') {
    throw validationError('validatePolicyResourceType is only supported with RESOURCE_POLICY');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    const position = positionOf(text, Math.min(offset, text.length));
    const finding: Finding = {
      findingType: 'ERROR',
      issueCode: 'JSON_SYNTAX_ERROR',
      findingDetails: `Fix the JSON syntax error at index ${offset}.`,
      path: [],
    };
    return { findings: [toWire(finding, undefined, position)] };
  }
  const spans = new JsonSpans(text);
  const findings = lint(parsed, policyType, resourceType === 'AWS::IAM::AssumeRolePolicyDocument').map((f) =>
    toWire(f, spans),
  );
  const indexed = findings.map((finding, index) => ({ finding, index }));
  const { page, nextToken } = paginate(indexed, {
    keyOf: (f) => ({ value: undefined, seq: f.index }),
    direction: 'ASC',
    maxResults: input.maxResults === undefined ? undefined : Number(input.maxResults),
    defaultMaxResults: 100,
    nextToken: typeof input.nextToken === 'string' ? input.nextToken : undefined,
    query: `validate:${text.length}:${policyType}`,
  });
  return { findings: page.map((f) => f.finding), nextToken };
}

function lint(raw: unknown, policyType: string, trust: boolean): Finding[] {
  const out: Finding[] = [];
  const add = (
    findingType: Finding['findingType'],
    issueCode: string,
    findingDetails: string,
    path: PathElement[],
  ): void => {
    out.push({ findingType, issueCode, findingDetails, path });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('Statement' in raw)) {
    add('ERROR', 'MISSING_STATEMENT', 'Add a Statement element to the policy.', []);
    return out;
  }
  const policy = raw as Input;
  if (policy.Version === undefined)
    add(
      'WARNING',
      'MISSING_VERSION',
      'We recommend that you specify the Version element to help you with debugging permission issues.',
      [],
    );
  const many = Array.isArray(policy.Statement);
  const statements = (many ? policy.Statement : [policy.Statement]) as unknown[];
  const sids: string[] = [];
  statements.forEach((item, index) => {
    const at = (...rest: PathElement[]): PathElement[] => ['Statement', ...(many ? [index] : []), ...rest];
    if (typeof item !== 'object' || item === null)
      return add('ERROR', 'MISSING_EFFECT', 'Add an Effect element to the statement.', at());
    const s = item as Input;
    if (s.Effect === undefined)
      add(
        'ERROR',
        'MISSING_EFFECT',
        'Add an Effect element to the statement with a value of Allow or Deny.',
        at(),
      );
    else if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      add('ERROR', 'INVALID_EFFECT', 'The Effect element value must be Allow or Deny.', at('Effect'));
    if (s.Action === undefined && s.NotAction === undefined)
      add('ERROR', 'MISSING_ACTION', 'Add an Action or NotAction element to the statement.', at());
    if (typeof s.Sid === 'string') {
      if ((policyType === 'IDENTITY_POLICY' || trust) && !/^[0-9A-Za-z]*$/.test(s.Sid)) {
        add(
          'ERROR',
          'UNSUPPORTED_SID',
          'Sids must contain only alphanumeric characters (A-Z, a-z, 0-9).',
          at('Sid'),
        );
      }
      if (sids.includes(s.Sid))
        add('ERROR', 'UNIQUE_SIDS_REQUIRED', 'Duplicate Sids are not supported; use unique Sids.', at('Sid'));
      sids.push(s.Sid);
    }
    const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
    if (policyType === 'RESOURCE_POLICY' && !hasPrincipal)
      add('ERROR', 'MISSING_PRINCIPAL', 'Resource policies must include a Principal element.', at());
    if (policyType === 'IDENTITY_POLICY' && hasPrincipal)
      add(
        'ERROR',
        'UNSUPPORTED_PRINCIPAL',
        'The Principal element is not supported in identity policies.',
        at('Principal'),
      );
    if (policyType === 'IDENTITY_POLICY' && s.Resource === undefined && s.NotResource === undefined)
      add('ERROR', 'MISSING_RESOURCE', 'Add a Resource or NotResource element to the statement.', at());
    const principal = s.Principal;
    const everyone =
      principal === '*' ||
      (typeof principal === 'object' &&
        principal !== null &&
        [(principal as Input).AWS].flat().includes('*'));
    if (s.Effect === 'Allow' && everyone && s.Condition === undefined) {
      add(
        'SECURITY_WARNING',
        'ALLOW_WITH_PUBLIC_PRINCIPAL',
        'This statement allows everyone (Principal "*") without a condition.',
        at('Principal'),
      );
    }
    const actions = [s.Action].flat().filter((a): a is string => typeof a === 'string');
    const resources = [s.Resource].flat();
    if (
      s.Effect === 'Allow' &&
      actions.some((a) => actionMatches(a, 'iam:PassRole')) &&
      resources.includes('*')
    ) {
      add(
        'SECURITY_WARNING',
        'PASS_ROLE_WITH_STAR_IN_RESOURCE',
        'Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive.',
        at('Resource'),
      );
    }
  });
  return out;
}

function toWire(f: Finding, spans: JsonSpans | undefined, at?: Position): Input {
  const slug = {
    ERROR: 'error',
    SECURITY_WARNING: 'security-warning',
    WARNING: 'general-warning',
    SUGGESTION: 'suggestion',
  }[f.findingType];
  const span = spans ? spans.span(f.path) : { start: at, end: at };
  return {
    findingType: f.findingType,
    issueCode: f.issueCode,
    findingDetails: f.findingDetails,
    learnMoreLink: `${LINK}#access-analyzer-reference-policy-checks-${slug}-${f.issueCode.toLowerCase().replace(/_/g, '-')}`,
    locations: [{ path: f.path.map((p) => (typeof p === 'number' ? { index: p } : { value: p })), span }],
  };
}
