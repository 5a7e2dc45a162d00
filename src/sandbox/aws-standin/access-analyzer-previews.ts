import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { AwsError, resourceNotFound, validationError } from './errors';
import { accessKey, findingFields } from './access-analyzer-analysis';
import type { ArchiveRuleStore } from './access-analyzer-archive-rules';
import { matchesFilter, validateFilter } from './access-analyzer-filter';
import {
  isExternalAnalyzer,
  type Analyzer,
  type FindingStatus,
  type StandinFinding,
} from './access-analyzer-model';
import type { AccessAnalyzerState } from './access-analyzer-state';
import { resourceAccess, type AnalyzableResource } from './account-resources';
import { paginate } from './pagination';
import { parses, toResource } from './access-analyzer-preview-configurations';

/**
 * Access previews (CreateAccessPreview, GetAccessPreview, ListAccessPreviews, ListAccessPreviewFindings):
 * the findings a proposed policy would produce, computed with the same evaluator as analysis, compared with
 * the analyzer's current findings on that resource (matched by principal, actions and condition):
 * - proposed access with an ACTIVE/ARCHIVED finding → UNCHANGED (status and existingFindingId of that one);
 * - proposed access with only a RESOLVED finding → CHANGED, back to ACTIVE (ARCHIVED if a rule matches);
 * - proposed access with no finding → NEW, ACTIVE or ARCHIVED per the archive rules;
 * - an ACTIVE/ARCHIVED finding whose access the proposal drops → CHANGED, status RESOLVED.
 * Configurations supported: iamRole.trustPolicy, s3Bucket.bucketPolicy (+ bucketPublicAccessBlock
 * .restrictPublicBuckets), kmsKey.keyPolicies.default, sqsQueue.queuePolicy, secretsManagerSecret
 * .secretPolicy; for an existing resource a missing policy (or Block Public Access setting) means its
 * current one and '' proposes no policy (see toResource); for a new resource a missing policy means "no
 * policy". Other configuration types → ValidationException (notSupported). Findings are computed when the
 * preview is created; the preview reports CREATING for `previewMs` after creation (the stand-in's clock),
 * then COMPLETED, or FAILED (INVALID_CONFIGURATION) when a proposed policy does not parse. Listing findings
 * before completion → ConflictException.
 */
interface PreviewFinding {
  id: string;
  changeType: 'NEW' | 'UNCHANGED' | 'CHANGED';
  status: FindingStatus;
  existingFindingId?: string;
  existingFindingStatus?: FindingStatus;
  finding: StandinFinding;
}

interface Preview {
  id: string;
  analyzerArn: string;
  configurations: Record<string, unknown>;
  createdAt: Date;
  failed: boolean;
  findings: PreviewFinding[];
  seq: number;
}

const PREVIEW = 'AWS::AccessAnalyzer::AccessPreview';
type Input = Record<string, unknown>;

export class AccessPreviewStore {
  private readonly previews = new Map<string, Preview>();
  private seq = 1;

  constructor(
    private readonly deps: {
      state: AccessAnalyzerState;
      rules: ArchiveRuleStore;
      clock: Clock;
      account: string;
      previewMs: () => number;
      /** The account's resources as they are now (for what a configuration leaves out). */
      resources?: () => AnalyzableResource[];
    },
  ) {}

  execute(operation: string, input: Input): unknown {
    switch (operation) {
      case 'CreateAccessPreview':
        return { id: this.create(input) };
      case 'GetAccessPreview': {
        const preview = this.preview(input);
        return { accessPreview: { ...this.summary(preview), configurations: preview.configurations } };
      }
      case 'ListAccessPreviews': {
        const analyzer = this.analyzer(input.analyzerArn);
        const previews = [...this.previews.values()].filter((p) => p.analyzerArn === analyzer.arn);
        const { page, nextToken } = paginate(previews, {
          keyOf: (p) => ({ value: undefined, seq: p.seq }),
          direction: 'ASC',
          maxResults: input.maxResults === undefined ? undefined : Number(input.maxResults),
          defaultMaxResults: 100,
          nextToken: typeof input.nextToken === 'string' ? input.nextToken : undefined,
          query: `previews:${analyzer.arn}`,
        });
        return { accessPreviews: page.map((p) => this.summary(p)), nextToken };
      }
      case 'ListAccessPreviewFindings':
        return this.listFindings(input);
      default:
        throw new AwsError(
          'UnknownOperationException',
          404,
          `Operation ${operation} is not supported by the stand-in`,
        );
    }
  }

  private create(input: Input): string {
    const analyzer = this.analyzer(input.analyzerArn);
    if (!isExternalAnalyzer(analyzer.type))
      throw validationError('Access previews need an external access analyzer', 'notSupported');
    const configurations = input.configurations;
    if (
      typeof configurations !== 'object' ||
      configurations === null ||
      Object.keys(configurations).length === 0
    ) {
      throw validationError('configurations must name at least one resource');
    }
    const current = this.deps.resources?.() ?? [];
    const resources = Object.entries(configurations as Record<string, Input>).map(([arn, union]) =>
      toResource(
        arn,
        union,
        current.find((r) => r.arn === arn),
      ),
    );
    const failed = resources.some((r) => r.policy !== undefined && !parses(r.policy));
    const now = this.deps.clock();
    const findings = failed ? [] : resources.flatMap((r) => this.compare(analyzer, r, now));
    const id = randomUUID();
    this.previews.set(id, {
      id,
      analyzerArn: analyzer.arn,
      configurations: configurations as Input,
      createdAt: now,
      failed,
      findings,
      seq: this.seq++,
    });
    return id;
  }

  private compare(analyzer: Analyzer, resource: AnalyzableResource, now: Date): PreviewFinding[] {
    const { state, rules, account } = this.deps;
    const existing = state
      .listFindings()
      .filter(
        (f) =>
          f.analyzerArn === analyzer.arn &&
          f.resource === resource.arn &&
          f.findingType === 'ExternalAccess' &&
          f.error === undefined,
      );
    const keyOf = (f: StandinFinding): string =>
      accessKey({ principal: f.principal ?? {}, actions: f.action ?? [], condition: f.condition });
    const results: PreviewFinding[] = [];
    const kept = new Set<string>();
    for (const access of resourceAccess(resource, account)) {
      const finding: StandinFinding = {
        id: randomUUID(),
        ...findingFields(analyzer, resource, access, account, now),
        status: 'ACTIVE',
      };
      const same = existing.filter((f) => keyOf(f) === accessKey(access));
      const live = same.find((f) => f.status !== 'RESOLVED');
      const ruled: FindingStatus = rules.matches(analyzer.arn, finding) ? 'ARCHIVED' : 'ACTIVE';
      same.forEach((f) => kept.add(f.id));
      if (live) results.push(entry(finding, 'UNCHANGED', live.status, live));
      else if (same[0]) results.push(entry(finding, 'CHANGED', ruled, same[0]));
      else results.push(entry(finding, 'NEW', ruled));
    }
    for (const gone of existing.filter((f) => f.status !== 'RESOLVED' && !kept.has(f.id))) {
      results.push(entry({ ...gone, id: randomUUID(), createdAt: now }, 'CHANGED', 'RESOLVED', gone));
    }
    return results;
  }

  private listFindings(input: Input): unknown {
    const preview = this.preview(input);
    const status = this.status(preview);
    if (status !== 'COMPLETED')
      throw new AwsError('ConflictException', 409, `Access preview ${preview.id} is ${status}`, {
        resourceId: preview.id,
        resourceType: PREVIEW,
      });
    const { changeType, existingFindingStatus, ...rest } = (input.filter ?? {}) as Record<
      string,
      { eq?: string[]; neq?: string[] }
    >;
    const filter = validateFilter({ ...rest });
    const picked = preview.findings.filter(
      (f) =>
        matchesFilter({ ...f.finding, status: f.status }, filter) &&
        allows(changeType, f.changeType) &&
        allows(existingFindingStatus, f.existingFindingStatus),
    );
    const { page, nextToken } = paginate(picked, {
      keyOf: (f) => ({ value: undefined, seq: preview.findings.indexOf(f) }),
      direction: 'ASC',
      maxResults: input.maxResults === undefined ? undefined : Number(input.maxResults),
      defaultMaxResults: 100,
      nextToken: typeof input.nextToken === 'string' ? input.nextToken : undefined,
      query: JSON.stringify([preview.id, input.filter ?? null]),
    });
    return { findings: page.map(toWire), nextToken };
  }

  private preview(input: Input): Preview {
    const analyzer = this.analyzer(input.analyzerArn);
    const id = String(input.accessPreviewId ?? '');
    const preview = this.previews.get(id);
    if (!preview || preview.analyzerArn !== analyzer.arn) throw resourceNotFound(id, PREVIEW);
    return preview;
  }

  private status(preview: Preview): 'CREATING' | 'COMPLETED' | 'FAILED' {
    if (this.deps.clock().getTime() - preview.createdAt.getTime() < this.deps.previewMs()) return 'CREATING';
    return preview.failed ? 'FAILED' : 'COMPLETED';
  }

  private summary(preview: Preview): Input {
    const status = this.status(preview);
    return {
      id: preview.id,
      analyzerArn: preview.analyzerArn,
      createdAt: preview.createdAt.toISOString(),
      status,
      statusReason: status === 'FAILED' ? { code: 'INVALID_CONFIGURATION' } : undefined,
    };
  }

  private analyzer(arn: unknown): Analyzer {
    if (typeof arn !== 'string' || arn === '') throw validationError('analyzerArn is required');
    const analyzer = this.deps.state.listAnalyzers().find((a) => a.arn === arn);
    if (!analyzer) throw resourceNotFound(arn, 'AWS::AccessAnalyzer::Analyzer');
    return analyzer;
  }
}

function entry(
  finding: StandinFinding,
  changeType: PreviewFinding['changeType'],
  status: FindingStatus,
  existing?: StandinFinding,
): PreviewFinding {
  return {
    id: finding.id,
    changeType,
    status,
    existingFindingId: existing?.id,
    existingFindingStatus: existing?.status,
    finding,
  };
}

function allows(
  criterion: { eq?: string[]; neq?: string[] } | undefined,
  value: string | undefined,
): boolean {
  if (!criterion) return true;
  if (criterion.eq && (value === undefined || !criterion.eq.includes(value))) return false;
  return !(criterion.neq && value !== undefined && criterion.neq.includes(value));
}

function toWire(f: PreviewFinding): Input {
  return {
    id: f.id,
    existingFindingId: f.existingFindingId,
    existingFindingStatus: f.existingFindingStatus,
    principal: f.finding.principal,
    action: f.finding.action,
    condition: f.finding.condition,
    resource: f.finding.resource,
    isPublic: f.finding.isPublic,
    resourceType: f.finding.resourceType,
    createdAt: f.finding.createdAt.toISOString(),
    changeType: f.changeType,
    status: f.status,
    resourceOwnerAccount: f.finding.resourceOwnerAccount,
    sources: f.finding.sources,
  };
}
