import { createHash } from 'node:crypto';
import type { Clock } from './clock';
import type { ArchiveRuleStore } from './access-analyzer-archive-rules';
import { isExternalAnalyzer, type Analyzer, type StandinFinding } from './access-analyzer-model';
import type { AccessAnalyzerState } from './access-analyzer-state';
import { resourceAccess, type AnalyzableResource } from './account-resources';
import type { ExternalAccess } from './policy-evaluator';

/**
 * External-access analysis of the account, the way Access Analyzer keeps findings in step with policies:
 * - every external analyzer (ACCOUNT, and ORGANIZATION treated the same, the org not being modelled) reads
 *   every resource policy through `resourceAccess`;
 * - each distinct (resource, principal, action set, condition) is one finding with a stable id (a UUID-shaped
 *   hash of analyzer, resource and access), so a re-analysis finds it again;
 * - new access → new finding, ACTIVE, or ARCHIVED when an archive rule of the analyzer matches it; access
 *   that disappears → its finding turns RESOLVED; a changed action set or condition is a different key, so
 *   it yields a new finding while the old one is resolved; access that comes back re-activates its
 *   RESOLVED finding (ARCHIVED if a rule matches by then);
 * - only findings the analysis created are touched; findings added with `addFinding` are left alone.
 * Analysis runs after every policy write, `delayMs` later (debounced; 0 = at once, inside the write), and
 * on demand. Finding listeners run as usual; if one throws during an automatic run the error is dropped
 * (like a failed EventBridge delivery) and the analysis still completes; `analyze()` rethrows the first.
 */
export interface AnalysisReport {
  /** Ids of findings created by this pass. */
  created: string[];
  /** Ids of findings turned RESOLVED. */
  resolved: string[];
  /** Ids of RESOLVED findings whose access came back. */
  reactivated: string[];
}

export interface AnalysisDeps {
  state: AccessAnalyzerState;
  rules: ArchiveRuleStore;
  resources: () => AnalyzableResource[];
  account: string;
  clock: Clock;
  delayMs: number;
}

interface Desired {
  resource: AnalyzableResource;
  access: ExternalAccess;
}

export class AccessAnalysis {
  private readonly owned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: AnalysisDeps) {}

  /** A policy was written: analyse after the configured delay. */
  changed(): void {
    if (this.deps.delayMs <= 0) {
      this.analyzeQuietly();
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.analyzeQuietly(), this.deps.delayMs);
    this.timer.unref();
  }

  /** Analyses now (cancelling a pending automatic run). */
  analyze(): AnalysisReport {
    clearTimeout(this.timer);
    this.timer = undefined;
    const report: AnalysisReport = { created: [], resolved: [], reactivated: [] };
    let failure: unknown;
    const attempt = (change: () => void): void => {
      try {
        change();
      } catch (error) {
        failure ??= error;
      }
    };
    const analyzers = this.deps.state.listAnalyzers().filter((a) => isExternalAnalyzer(a.type));
    const resources = this.deps.resources();
    for (const analyzer of analyzers) this.analyzeFor(analyzer, resources, report, attempt);
    if (failure !== undefined) throw failure;
    return report;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Analyses now, dropping listener failures (automatic runs, StartResourceScan). */
  analyzeQuietly(): void {
    try {
      this.analyze();
    } catch {
      // Listener failures do not stop or undo analysis (see the module comment).
    }
  }

  private analyzeFor(
    analyzer: Analyzer,
    resources: AnalyzableResource[],
    report: AnalysisReport,
    attempt: (change: () => void) => void,
  ): void {
    const { state, rules } = this.deps;
    const desired = new Map<string, Desired>();
    for (const resource of resources) {
      for (const access of resourceAccess(resource, this.deps.account)) {
        desired.set(stableFindingId(analyzer.arn, resource.arn, access), { resource, access });
      }
    }
    const now = this.deps.clock();
    for (const id of this.owned) {
      const finding = state.getFinding(id);
      if (!finding || finding.analyzerArn !== analyzer.arn || finding.isDeleted) continue;
      const wanted = desired.get(id);
      if (!wanted && finding.status !== 'RESOLVED') {
        report.resolved.push(id);
        attempt(() => state.updateFinding(id, { status: 'RESOLVED', analyzedAt: now }));
      } else if (wanted && finding.status === 'RESOLVED') {
        const status = rules.matches(analyzer.arn, { ...finding, status: 'ACTIVE' }) ? 'ARCHIVED' : 'ACTIVE';
        report.reactivated.push(id);
        attempt(() => state.updateFinding(id, { status, analyzedAt: now }));
      }
    }
    for (const [id, { resource, access }] of desired) {
      if (state.getFinding(id)) continue;
      const fields = findingFields(analyzer, resource, access, this.deps.account, now);
      const status = rules.matches(analyzer.arn, { id, ...fields, status: 'ACTIVE' }) ? 'ARCHIVED' : 'ACTIVE';
      this.owned.add(id);
      report.created.push(id);
      attempt(() => state.addFinding({ id, ...fields, status }));
    }
  }
}

/** The finding Access Analyzer would create for one external access (shared with access previews). */
export function findingFields(
  analyzer: Analyzer,
  resource: AnalyzableResource,
  access: ExternalAccess,
  account: string,
  now: Date,
): Omit<StandinFinding, 'id' | 'status'> {
  return {
    analyzerArn: analyzer.arn,
    findingType: 'ExternalAccess',
    previousStatus: '',
    resource: resource.arn,
    resourceType: resource.resourceType,
    resourceOwnerAccount: account,
    principal: access.principal,
    action: access.actions,
    condition: access.condition,
    isPublic: access.isPublic,
    sources: resource.resourceType === 'AWS::S3::Bucket' ? [{ type: 'POLICY' }] : undefined,
    unusedDetails: [],
    createdAt: now,
    analyzedAt: now,
    updatedAt: now,
    isDeleted: false,
  };
}

/** Content key of an access: what makes two findings "the same access". */
export function accessKey(access: Pick<ExternalAccess, 'principal' | 'actions' | 'condition'>): string {
  const sorted = (record: Record<string, string>): [string, string][] =>
    Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([sorted(access.principal), [...access.actions].sort(), sorted(access.condition)]);
}

/** UUID-shaped, deterministic id for (analyzer, resource, access). */
export function stableFindingId(analyzerArn: string, resourceArn: string, access: ExternalAccess): string {
  const hex = createHash('sha256')
    .update(`${analyzerArn}\n${resourceArn}\n${accessKey(access)}`)
    .digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
