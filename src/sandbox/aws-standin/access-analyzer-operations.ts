import { AwsError, resourceNotFound, validationError } from './errors';
import { matchesFilter, sortSpec, validateFilter } from './access-analyzer-filter';
import { isExternalAnalyzer, type Analyzer, type StandinFinding } from './access-analyzer-model';
import type { AccessAnalyzerState } from './access-analyzer-state';
import { analyzerSummary, findingDetails, findingSummaryV2, findingV1 } from './access-analyzer-wire';
import { paginate } from './pagination';

type Input = Record<string, unknown>;

const ANALYZER = 'AWS::AccessAnalyzer::Analyzer';
const FINDING = 'AWS::AccessAnalyzer::Finding';

/**
 * The Access Analyzer operations the stand-in serves, executed against AccessAnalyzerState with the real
 * service's validation and error choices where they are documented (ValidationException for bad input,
 * ResourceNotFoundException for unknown analyzers and findings). Deleted findings behave as gone.
 */
export function executeAccessAnalyzer(state: AccessAnalyzerState, operation: string, input: Input): unknown {
  switch (operation) {
    case 'ListAnalyzers':
      return listAnalyzers(state, input);
    case 'GetAnalyzer':
      return { analyzer: analyzerSummary(analyzerByName(state, requireString(input, 'analyzerName'))) };
    case 'ListFindings':
      return listFindings(state, input, 'v1');
    case 'ListFindingsV2':
      return listFindings(state, input, 'v2');
    case 'GetFinding':
      return getFinding(state, input);
    case 'GetFindingV2':
      return getFindingV2(state, input);
    case 'UpdateFindings':
      return updateFindings(state, input);
    default:
      throw new AwsError(
        'UnknownOperationException',
        404,
        `Operation ${operation} is not supported by the stand-in`,
      );
  }
}

function requireString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw validationError(`${field} is required`);
  return value;
}

function optionalNumber(input: Input, field: string): number | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw validationError(`${field} must be a number`);
  return value;
}

function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw validationError(`${field} must be a string`);
  return value;
}

function analyzerByName(state: AccessAnalyzerState, name: string): Analyzer {
  const analyzer = state.listAnalyzers().find((a) => a.name === name);
  if (!analyzer) throw resourceNotFound(name, ANALYZER);
  return analyzer;
}

function analyzerByArn(state: AccessAnalyzerState, input: Input): Analyzer {
  const arn = requireString(input, 'analyzerArn');
  if (!/^[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:analyzer\/.{1,255}$/.test(arn)) {
    throw validationError(`analyzerArn ${arn} is not an analyzer ARN`);
  }
  const analyzer = state.listAnalyzers().find((a) => a.arn === arn);
  if (!analyzer) throw resourceNotFound(arn, ANALYZER);
  return analyzer;
}

/** GetFinding and ListFindings predate unused access and serve external-access analyzers only. */
function requireExternal(analyzer: Analyzer, operation: string): void {
  if (!isExternalAnalyzer(analyzer.type)) {
    throw validationError(
      `${operation} supports external access analyzers only; use ${operation}V2`,
      'notSupported',
    );
  }
}

function listAnalyzers(state: AccessAnalyzerState, input: Input): unknown {
  const type = optionalString(input, 'type');
  const analyzers = state.listAnalyzers().filter((a) => type === undefined || a.type === type);
  const { page, nextToken } = paginate(analyzers, {
    keyOf: (a) => ({ value: undefined, seq: state.sequenceOf(a.arn) }),
    direction: 'ASC',
    maxResults: optionalNumber(input, 'maxResults'),
    defaultMaxResults: 100,
    nextToken: optionalString(input, 'nextToken'),
    query: `analyzers:${type ?? ''}`,
  });
  return { analyzers: page.map(analyzerSummary), nextToken };
}

function listFindings(state: AccessAnalyzerState, input: Input, version: 'v1' | 'v2'): unknown {
  const analyzer = analyzerByArn(state, input);
  if (version === 'v1') requireExternal(analyzer, 'ListFindings');
  const filter = validateFilter(input.filter);
  const sort = sortSpec(input.sort);
  const findings = state
    .listFindings()
    .filter((f) => f.analyzerArn === analyzer.arn && matchesFilter(f, filter));
  const { page, nextToken } = paginate(findings, {
    keyOf: (f) => ({ value: sort.valueOf(f), seq: state.sequenceOf(f.id) }),
    direction: sort.direction,
    maxResults: optionalNumber(input, 'maxResults'),
    defaultMaxResults: 100,
    nextToken: optionalString(input, 'nextToken'),
    query: JSON.stringify([version, analyzer.arn, input.filter ?? null, input.sort ?? null]),
  });
  return { findings: page.map(version === 'v1' ? findingV1 : findingSummaryV2), nextToken };
}

function liveFinding(state: AccessAnalyzerState, analyzer: Analyzer, id: string): StandinFinding {
  const finding = state.getFinding(id);
  if (!finding || finding.isDeleted || finding.analyzerArn !== analyzer.arn)
    throw resourceNotFound(id, FINDING);
  return finding;
}

function getFinding(state: AccessAnalyzerState, input: Input): unknown {
  const analyzer = analyzerByArn(state, input);
  requireExternal(analyzer, 'GetFinding');
  return { finding: findingV1(liveFinding(state, analyzer, requireString(input, 'id'))) };
}

function getFindingV2(state: AccessAnalyzerState, input: Input): unknown {
  const analyzer = analyzerByArn(state, input);
  const finding = liveFinding(state, analyzer, requireString(input, 'id'));
  const details = findingDetails(finding).map((detail, index) => ({ detail, index }));
  const { page, nextToken } = paginate(details, {
    keyOf: (d) => ({ value: undefined, seq: d.index }),
    direction: 'ASC',
    maxResults: optionalNumber(input, 'maxResults'),
    defaultMaxResults: 100,
    nextToken: optionalString(input, 'nextToken'),
    query: `details:${finding.id}`,
  });
  return { ...findingSummaryV2(finding), findingDetails: page.map((d) => d.detail), nextToken };
}

/**
 * UpdateFindings: `status` must be ACTIVE or ARCHIVED (FindingStatusUpdate; RESOLVED is the service's own
 * verdict). Exactly the findings named by `ids`, or every live finding on `resourceArn`, change.
 * Choice (undocumented in AWS): an unknown or deleted id fails the whole call with ResourceNotFoundException
 * before anything changes; a `resourceArn` matching nothing succeeds without effect. Findings already in
 * the requested status are left untouched (no `updatedAt` bump, no event).
 */
function updateFindings(state: AccessAnalyzerState, input: Input): undefined {
  const analyzer = analyzerByArn(state, input);
  const status = requireString(input, 'status');
  if (status !== 'ACTIVE' && status !== 'ARCHIVED') {
    throw validationError(`status must be one of ACTIVE, ARCHIVED; got ${status}`);
  }
  const ids = input.ids;
  const resourceArn = optionalString(input, 'resourceArn');
  let targets: StandinFinding[];
  if (ids !== undefined) {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
      throw validationError('ids must be a list of strings');
    }
    targets = ids.map((id: string) => liveFinding(state, analyzer, id));
  } else if (resourceArn !== undefined) {
    targets = state
      .listFindings()
      .filter((f) => f.analyzerArn === analyzer.arn && f.resource === resourceArn);
  } else {
    throw validationError('Either ids or resourceArn must be provided');
  }
  for (const finding of targets) {
    if (finding.status !== status) state.setStatus(finding.id, status);
  }
  return undefined;
}
