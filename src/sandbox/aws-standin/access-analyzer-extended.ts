import { AwsError, resourceNotFound, validationError } from './errors';
import type { AccessAnalysis } from './access-analyzer-analysis';
import type { ArchiveRuleStore } from './access-analyzer-archive-rules';
import { checkAccessNotGranted, validatePolicy } from './access-analyzer-policy-checks';
import type { PolicyGenerationStore } from './access-analyzer-policy-generation';
import type { AccessPreviewStore } from './access-analyzer-previews';
import type { AccessAnalyzerState } from './access-analyzer-state';

/**
 * Dispatch for the Access Analyzer operations beyond analyzers and findings: archive rules, access
 * previews, policy checks, policy generation and StartResourceScan. StartResourceScan re-analyses the whole
 * account at once (the service rescans the one resource, asynchronously); it needs an existing analyzer
 * ARN and a `resourceArn`.
 */
export interface ExtendedDeps {
  state: AccessAnalyzerState;
  rules: ArchiveRuleStore;
  previews: AccessPreviewStore;
  generation: PolicyGenerationStore;
  analysis: AccessAnalysis;
}

const ARCHIVE_RULES = [
  'CreateArchiveRule',
  'GetArchiveRule',
  'ListArchiveRules',
  'UpdateArchiveRule',
  'DeleteArchiveRule',
  'ApplyArchiveRule',
];
const PREVIEWS = [
  'CreateAccessPreview',
  'GetAccessPreview',
  'ListAccessPreviews',
  'ListAccessPreviewFindings',
];
const GENERATION = [
  'StartPolicyGeneration',
  'GetGeneratedPolicy',
  'CancelPolicyGeneration',
  'ListPolicyGenerations',
];

export function extendedAccessAnalyzer(
  deps: ExtendedDeps,
): (operation: string, input: Record<string, unknown>) => unknown {
  return (operation, input) => {
    if (ARCHIVE_RULES.includes(operation)) return deps.rules.execute(operation, input);
    if (PREVIEWS.includes(operation)) return deps.previews.execute(operation, input);
    if (GENERATION.includes(operation)) return deps.generation.execute(operation, input);
    switch (operation) {
      case 'CheckAccessNotGranted':
        return checkAccessNotGranted(input);
      case 'ValidatePolicy':
        return validatePolicy(input);
      case 'StartResourceScan': {
        const arn = input.analyzerArn;
        if (typeof arn !== 'string' || arn === '') throw validationError('analyzerArn is required');
        if (!deps.state.listAnalyzers().some((a) => a.arn === arn))
          throw resourceNotFound(arn, 'AWS::AccessAnalyzer::Analyzer');
        if (typeof input.resourceArn !== 'string' || input.resourceArn === '')
          throw validationError('resourceArn is required');
        deps.analysis.analyzeQuietly();
        return undefined;
      }
      default:
        throw new AwsError(
          'UnknownOperationException',
          404,
          `Operation ${operation} is not supported by the stand-in`,
        );
    }
  };
}
