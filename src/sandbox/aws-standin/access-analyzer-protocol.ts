import { AwsError } from './errors';
import { executeAccessAnalyzer } from './access-analyzer-operations';
import type { AccessAnalyzerState } from './access-analyzer-state';
import type { ServiceProtocol, WireReply, WireRequest } from './service';

/**
 * Access Analyzer's REST-JSON protocol (restJson1), routes as declared in the SDK's operation schemas:
 * labels in the path, `analyzerArn`/`maxResults`/`nextToken`/`type`/`principalArn`/`include*` in the query
 * string, the rest as a JSON body. Errors carry `x-amzn-errortype` and a `{"message"}` body, which the SDK
 * maps to its exception classes.
 */
const ROUTES: { method: string; pattern: RegExp; operation: string; labels?: string[] }[] = [
  { method: 'GET', pattern: /^\/analyzer$/, operation: 'ListAnalyzers' },
  { method: 'GET', pattern: /^\/analyzer\/([^/]+)$/, operation: 'GetAnalyzer', labels: ['analyzerName'] },
  { method: 'POST', pattern: /^\/finding$/, operation: 'ListFindings' },
  { method: 'PUT', pattern: /^\/finding$/, operation: 'UpdateFindings' },
  { method: 'GET', pattern: /^\/finding\/([^/]+)$/, operation: 'GetFinding', labels: ['id'] },
  { method: 'POST', pattern: /^\/findingv2$/, operation: 'ListFindingsV2' },
  { method: 'GET', pattern: /^\/findingv2\/([^/]+)$/, operation: 'GetFindingV2', labels: ['id'] },
  ...archiveRuleRoutes(),
  { method: 'PUT', pattern: /^\/access-preview$/, operation: 'CreateAccessPreview' },
  { method: 'GET', pattern: /^\/access-preview$/, operation: 'ListAccessPreviews' },
  {
    method: 'GET',
    pattern: /^\/access-preview\/([^/]+)$/,
    operation: 'GetAccessPreview',
    labels: ['accessPreviewId'],
  },
  {
    method: 'POST',
    pattern: /^\/access-preview\/([^/]+)$/,
    operation: 'ListAccessPreviewFindings',
    labels: ['accessPreviewId'],
  },
  { method: 'POST', pattern: /^\/policy\/check-access-not-granted$/, operation: 'CheckAccessNotGranted' },
  { method: 'POST', pattern: /^\/policy\/validation$/, operation: 'ValidatePolicy' },
  { method: 'PUT', pattern: /^\/policy\/generation$/, operation: 'StartPolicyGeneration' },
  { method: 'GET', pattern: /^\/policy\/generation$/, operation: 'ListPolicyGenerations' },
  {
    method: 'GET',
    pattern: /^\/policy\/generation\/([^/]+)$/,
    operation: 'GetGeneratedPolicy',
    labels: ['jobId'],
  },
  {
    method: 'PUT',
    pattern: /^\/policy\/generation\/([^/]+)$/,
    operation: 'CancelPolicyGeneration',
    labels: ['jobId'],
  },
  { method: 'POST', pattern: /^\/resource\/scan$/, operation: 'StartResourceScan' },
];

function archiveRuleRoutes(): typeof ROUTES {
  const rule = /^\/analyzer\/([^/]+)\/archive-rule\/([^/]+)$/;
  const rules = /^\/analyzer\/([^/]+)\/archive-rule$/;
  const both = ['analyzerName', 'ruleName'];
  return [
    { method: 'PUT', pattern: rules, operation: 'CreateArchiveRule', labels: ['analyzerName'] },
    { method: 'GET', pattern: rules, operation: 'ListArchiveRules', labels: ['analyzerName'] },
    { method: 'GET', pattern: rule, operation: 'GetArchiveRule', labels: both },
    { method: 'PUT', pattern: rule, operation: 'UpdateArchiveRule', labels: both },
    { method: 'DELETE', pattern: rule, operation: 'DeleteArchiveRule', labels: both },
    { method: 'PUT', pattern: /^\/archive-rule$/, operation: 'ApplyArchiveRule' },
  ];
}

const NUMERIC_QUERY = new Set(['maxResults']);
const BOOLEAN_QUERY = new Set(['includeResourcePlaceholders', 'includeServiceLevelTemplate']);

/**
 * `extended` serves the operations beyond findings and analyzers (archive rules, previews, checks, policy
 * generation, scans); the core finding operations stay in access-analyzer-operations.ts.
 */
export function accessAnalyzerProtocol(
  state: AccessAnalyzerState,
  extended?: (operation: string, input: Record<string, unknown>) => unknown,
): ServiceProtocol {
  return {
    service: 'AccessAnalyzer',
    signingName: 'access-analyzer',
    // Fallback for unsigned requests without a target: unknown routes get Access Analyzer's own error.
    accepts: (request) => request.headers['x-amz-target'] === undefined,
    decode,
    execute: (operation, input) =>
      extended && !CORE_OPERATIONS.has(operation)
        ? extended(operation, input)
        : executeAccessAnalyzer(state, operation, input),
    encode: (result) => json(200, {}, result === undefined ? '' : JSON.stringify(result)),
    encodeError: (error) =>
      json(
        error.status,
        { 'x-amzn-errortype': error.name },
        JSON.stringify({ ...error.fields, message: error.message }),
      ),
  };
}

/** Served by access-analyzer-operations.ts; everything else goes to `extended`. */
const CORE_OPERATIONS = new Set([
  'ListAnalyzers',
  'GetAnalyzer',
  'ListFindings',
  'UpdateFindings',
  'GetFinding',
  'ListFindingsV2',
  'GetFindingV2',
]);

function routePath(request: WireRequest): string {
  return request.url.pathname.replace(/\/+$/, '') || '/';
}

function decode(request: WireRequest): { operation: string; input: Record<string, unknown> } {
  const path = routePath(request);
  const route = ROUTES.find((r) => r.method === request.method && r.pattern.test(path));
  if (!route) {
    throw new AwsError(
      'UnknownOperationException',
      404,
      `No Access Analyzer operation for ${request.method} ${path}`,
    );
  }
  const input: Record<string, unknown> = {};
  for (const [key, value] of request.url.searchParams) {
    input[key] = NUMERIC_QUERY.has(key) ? Number(value) : BOOLEAN_QUERY.has(key) ? value === 'true' : value;
  }
  const match = route.pattern.exec(path);
  (route.labels ?? []).forEach((label, index) => {
    const value = match?.[index + 1];
    if (value !== undefined) input[label] = decodeURIComponent(value);
  });
  if (request.body.trim() !== '') Object.assign(input, parseBody(request.body));
  return { operation: route.operation, input };
}

function parseBody(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new AwsError('ValidationException', 400, 'Request body is not a JSON object', {
    reason: 'cannotParse',
  });
}

function json(status: number, headers: Record<string, string>, body: string): WireReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}
