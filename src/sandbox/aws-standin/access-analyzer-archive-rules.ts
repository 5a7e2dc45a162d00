import type { Clock } from './clock';
import { AwsError, resourceNotFound, validationError } from './errors';
import { matchesFilter, validateFilter, type FilterMap } from './access-analyzer-filter';
import type { Analyzer, StandinFinding } from './access-analyzer-model';
import type { AccessAnalyzerState } from './access-analyzer-state';
import { paginate } from './pagination';

/**
 * Access Analyzer archive rules (CreateArchiveRule, GetArchiveRule, ListArchiveRules, UpdateArchiveRule,
 * DeleteArchiveRule, ApplyArchiveRule), per analyzer, with the documented rules:
 * - `ruleName` matches `[A-Za-z][A-Za-z0-9_.-]*`, 1–255 characters; a taken name → ConflictException;
 *   100 rules per analyzer → ServiceQuotaExceededException.
 * - the filter uses the findings filter language (same matcher as ListFindings), but `status` and `id` are
 *   not allowed; each criterion takes 1–20 values; at least one criterion.
 * - a rule only archives findings created after it (the analysis consults `matches`); ApplyArchiveRule
 *   archives the existing ACTIVE findings it matches. The Create/Update/Delete `clientToken` is accepted
 *   and ignored.
 * Create/Update/Delete take the analyzer NAME, ApplyArchiveRule its ARN, as in the API.
 */
export interface ArchiveRule {
  ruleName: string;
  filter: FilterMap;
  createdAt: Date;
  updatedAt: Date;
  seq: number;
}

const RULE = 'AWS::AccessAnalyzer::ArchiveRule';
const ANALYZER = 'AWS::AccessAnalyzer::Analyzer';
const MAX_RULES = 100;
type Input = Record<string, unknown>;

export class ArchiveRuleStore {
  private readonly rules = new Map<string, Map<string, ArchiveRule>>();
  private seq = 1;

  constructor(
    private readonly state: AccessAnalyzerState,
    private readonly clock: Clock,
  ) {}

  /** True when a (new) finding of this analyzer matches one of its rules and is to be created ARCHIVED. */
  matches(analyzerArn: string, finding: StandinFinding): boolean {
    return [...(this.rules.get(analyzerArn)?.values() ?? [])].some((rule) =>
      matchesFilter(finding, rule.filter),
    );
  }

  list(analyzerArn: string): ArchiveRule[] {
    return [...(this.rules.get(analyzerArn)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Admin shortcut with the same validation as CreateArchiveRule. */
  create(analyzerName: string, ruleName: string, filter: unknown): ArchiveRule {
    const rules = this.rulesOf(analyzerByName(this.state, analyzerName));
    checkName(ruleName);
    if (rules.has(ruleName)) {
      throw new AwsError('ConflictException', 409, `Archive rule ${ruleName} already exists`, {
        resourceId: ruleName,
        resourceType: RULE,
      });
    }
    if (rules.size >= MAX_RULES) {
      throw new AwsError(
        'ServiceQuotaExceededException',
        402,
        `An analyzer can have at most ${MAX_RULES} archive rules`,
        {
          resourceId: ruleName,
          resourceType: RULE,
        },
      );
    }
    const now = this.clock();
    const rule: ArchiveRule = {
      ruleName,
      filter: checkFilter(filter),
      createdAt: now,
      updatedAt: now,
      seq: this.seq++,
    };
    rules.set(ruleName, rule);
    return rule;
  }

  execute(operation: string, input: Input): unknown {
    switch (operation) {
      case 'CreateArchiveRule':
        this.create(text(input, 'analyzerName'), text(input, 'ruleName'), input.filter);
        return undefined;
      case 'GetArchiveRule':
        return { archiveRule: summary(this.rule(input)) };
      case 'ListArchiveRules': {
        const analyzer = analyzerByName(this.state, text(input, 'analyzerName'));
        const { page, nextToken } = paginate(this.list(analyzer.arn), {
          keyOf: (rule) => ({ value: undefined, seq: rule.seq }),
          direction: 'ASC',
          maxResults: input.maxResults === undefined ? undefined : Number(input.maxResults),
          defaultMaxResults: 100,
          nextToken: typeof input.nextToken === 'string' ? input.nextToken : undefined,
          query: `archive-rules:${analyzer.arn}`,
        });
        return { archiveRules: page.map(summary), nextToken };
      }
      case 'UpdateArchiveRule': {
        const rule = this.rule(input);
        rule.filter = checkFilter(input.filter);
        rule.updatedAt = this.clock();
        return undefined;
      }
      case 'DeleteArchiveRule': {
        const rule = this.rule(input);
        this.rules.get(analyzerByName(this.state, text(input, 'analyzerName')).arn)?.delete(rule.ruleName);
        return undefined;
      }
      case 'ApplyArchiveRule': {
        const arn = text(input, 'analyzerArn');
        const analyzer = this.state.listAnalyzers().find((a) => a.arn === arn);
        if (!analyzer) throw resourceNotFound(arn, ANALYZER);
        const rule = this.rulesOf(analyzer).get(text(input, 'ruleName'));
        if (!rule) throw resourceNotFound(text(input, 'ruleName'), RULE);
        for (const finding of this.state.listFindings()) {
          const match =
            finding.analyzerArn === arn && finding.status === 'ACTIVE' && matchesFilter(finding, rule.filter);
          if (match) this.state.setStatus(finding.id, 'ARCHIVED');
        }
        return undefined;
      }
      default:
        throw new AwsError(
          'UnknownOperationException',
          404,
          `Operation ${operation} is not supported by the stand-in`,
        );
    }
  }

  private rule(input: Input): ArchiveRule {
    const analyzer = analyzerByName(this.state, text(input, 'analyzerName'));
    const name = text(input, 'ruleName');
    const rule = this.rulesOf(analyzer).get(name);
    if (!rule) throw resourceNotFound(name, RULE);
    return rule;
  }

  private rulesOf(analyzer: Analyzer): Map<string, ArchiveRule> {
    let rules = this.rules.get(analyzer.arn);
    if (!rules) {
      rules = new Map();
      this.rules.set(analyzer.arn, rules);
    }
    return rules;
  }
}

function text(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw validationError(`${field} is required`);
  return value;
}

export function analyzerByName(state: AccessAnalyzerState, name: string): Analyzer {
  const analyzer = state.listAnalyzers().find((a) => a.name === name);
  if (!analyzer) throw resourceNotFound(name, ANALYZER);
  return analyzer;
}

function checkName(ruleName: string): void {
  if (ruleName.length > 255 || !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(ruleName)) {
    throw validationError(
      `ruleName must match [A-Za-z][A-Za-z0-9_.-]* and be 1 to 255 characters, got ${ruleName}`,
    );
  }
}

function checkFilter(filter: unknown): FilterMap {
  if (typeof filter !== 'object' || filter === null || Object.keys(filter).length === 0) {
    throw validationError('filter must contain at least one criterion');
  }
  for (const key of ['status', 'id']) {
    if (key in filter) throw validationError(`${key} is not a supported filter key for archive rules`);
  }
  return validateFilter(filter);
}

function summary(rule: ArchiveRule): Input {
  return {
    ruleName: rule.ruleName,
    filter: rule.filter,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
