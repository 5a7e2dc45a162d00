import { AwsError } from './errors';
import { executeAccessAnalyzer } from './access-analyzer-operations';
import type { AccessAnalyzerState } from './access-analyzer-state';
import type { ServiceProtocol, WireReply, WireRequest } from './service';

/**
 * Access Analyzer's REST-JSON protocol (restJson1), routes as declared in the SDK's operation schemas:
 * labels in the path, `analyzerArn`/`maxResults`/`nextToken`/`type` in the query string, the rest as a JSON
 * body. Errors carry `x-amzn-errortype` and a `{"message"}` body, which the SDK maps to its exception classes.
 */
const ROUTES: { method: string; pattern: RegExp; operation: string; label?: string }[] = [
  { method: 'GET', pattern: /^\/analyzer$/, operation: 'ListAnalyzers' },
  { method: 'GET', pattern: /^\/analyzer\/([^/]+)$/, operation: 'GetAnalyzer', label: 'analyzerName' },
  { method: 'POST', pattern: /^\/finding$/, operation: 'ListFindings' },
  { method: 'PUT', pattern: /^\/finding$/, operation: 'UpdateFindings' },
  { method: 'GET', pattern: /^\/finding\/([^/]+)$/, operation: 'GetFinding', label: 'id' },
  { method: 'POST', pattern: /^\/findingv2$/, operation: 'ListFindingsV2' },
  { method: 'GET', pattern: /^\/findingv2\/([^/]+)$/, operation: 'GetFindingV2', label: 'id' },
];

const NUMERIC_QUERY = new Set(['maxResults']);

export function accessAnalyzerProtocol(state: AccessAnalyzerState): ServiceProtocol {
  return {
    service: 'AccessAnalyzer',
    accepts: (request) => request.headers['x-amz-target'] === undefined,
    decode,
    execute: (operation, input) => executeAccessAnalyzer(state, operation, input),
    encode: (result) => json(200, {}, result === undefined ? '' : JSON.stringify(result)),
    encodeError: (error) =>
      json(
        error.status,
        { 'x-amzn-errortype': error.name },
        JSON.stringify({ ...error.fields, message: error.message }),
      ),
  };
}

function decode(request: WireRequest): { operation: string; input: Record<string, unknown> } {
  const path = request.url.pathname.replace(/\/+$/, '') || '/';
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
    input[key] = NUMERIC_QUERY.has(key) ? Number(value) : value;
  }
  const match = route.pattern.exec(path);
  if (route.label && match?.[1] !== undefined) input[route.label] = decodeURIComponent(match[1]);
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
