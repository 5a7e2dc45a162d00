import type { Clock } from './clock';
import { buildFinding } from './access-analyzer-defaults';
import { findingEvent, type AccessAnalyzerEvent } from './access-analyzer-events';
import {
  isExternalAnalyzer,
  isUnusedAnalyzer,
  isUnusedType,
  type Analyzer,
  type FindingListener,
  type FindingPatch,
  type FindingStatus,
  type NewAnalyzer,
  type NewFinding,
  type StandinFinding,
} from './access-analyzer-model';

export interface AccountContext {
  clock: Clock;
  account: string;
  region: string;
}

/**
 * In-memory model of one account's IAM Access Analyzer: analyzers and their findings. It is the single
 * source of truth for the HTTP API (access-analyzer-api.ts) and for tests that seed or inspect state.
 * Like the service, every status change or deletion bumps `updatedAt` and is announced (to `onChange`
 * listeners here, to EventBridge in AWS). Values handed out are copies; change state through the methods.
 */
export class AccessAnalyzerState {
  private readonly analyzers = new Map<string, Analyzer & { seq: number }>();
  private readonly findings = new Map<string, StandinFinding>();
  private readonly sequence = new Map<string, number>();
  private readonly listeners = new Set<FindingListener>();
  private nextSeq = 1;
  /** Whether an archive rule of the finding's analyzer matches a new finding (set by the archive-rule store). */
  private archivedByRule: (finding: StandinFinding) => boolean = () => false;

  constructor(private readonly context: AccountContext) {}

  /** Creates an analyzer (ARN `arn:aws:access-analyzer:<region>:<account>:analyzer/<name>`), type ACCOUNT by default. */
  addAnalyzer(input: NewAnalyzer): Analyzer {
    const region = input.region ?? this.context.region;
    const account = input.account ?? this.context.account;
    const arn = `arn:aws:access-analyzer:${region}:${account}:analyzer/${input.name}`;
    if (this.analyzers.has(arn)) throw new Error(`analyzer ${input.name} already exists`);
    const analyzer = {
      arn,
      name: input.name,
      type: input.type ?? 'ACCOUNT',
      region,
      account,
      status: 'ACTIVE' as const,
      createdAt: this.context.clock(),
      tags: input.tags ?? {},
      seq: this.nextSeq++,
    };
    this.analyzers.set(arn, analyzer);
    return stripSeq(analyzer);
  }

  /** Archive rules decide the status of new findings added without one (see `addFinding`). */
  useArchiveRules(matches: (finding: StandinFinding) => boolean): void {
    this.archivedByRule = matches;
  }

  /** Looks an analyzer up by ARN or by name. */
  getAnalyzer(arnOrName: string): Analyzer | undefined {
    const found =
      this.analyzers.get(arnOrName) ?? [...this.analyzers.values()].find((a) => a.name === arnOrName);
    return found && stripSeq(found);
  }

  listAnalyzers(): Analyzer[] {
    return [...this.analyzers.values()].sort((a, b) => a.seq - b.seq).map(stripSeq);
  }

  /** Stable creation order of an analyzer or finding, used as the pagination tie-breaker. */
  sequenceOf(arnOrId: string): number {
    return this.analyzers.get(arnOrId)?.seq ?? this.sequence.get(arnOrId) ?? 0;
  }

  /**
   * Adds a finding; missing fields are defaulted (see access-analyzer-defaults.ts). Without `analyzerArn`
   * it goes to the first analyzer of the matching kind (external or unused access). Without `status` it is
   * ACTIVE, or ARCHIVED when an archive rule of its analyzer matches it, as the service creates new findings.
   */
  addFinding(input: NewFinding = {}): StandinFinding {
    const analyzer = this.analyzerFor(input);
    const finding = buildFinding(input, analyzer, this.context.clock());
    if (input.status === undefined && this.archivedByRule(finding)) finding.status = 'ARCHIVED';
    if (this.findings.has(finding.id)) throw new Error(`finding ${finding.id} already exists`);
    this.findings.set(finding.id, finding);
    this.sequence.set(finding.id, this.nextSeq++);
    this.emit(finding, undefined);
    return structuredClone(finding);
  }

  /** The finding with this id, deleted ones included. */
  getFinding(id: string): StandinFinding | undefined {
    const finding = this.findings.get(id);
    return finding && structuredClone(finding);
  }

  /** Findings in creation order; deleted ones only when asked, as the API never lists them. */
  listFindings(options: { includeDeleted?: boolean } = {}): StandinFinding[] {
    return [...this.findings.values()]
      .filter((f) => options.includeDeleted || !f.isDeleted)
      .sort((a, b) => this.sequenceOf(a.id) - this.sequenceOf(b.id))
      .map((f) => structuredClone(f));
  }

  /**
   * Applies a change the service would make (re-analysis, archive, resolve, deletion): bumps `updatedAt`,
   * records `previousStatus` on a status change and notifies listeners. A patch that changes nothing is a no-op.
   */
  updateFinding(id: string, patch: FindingPatch): StandinFinding {
    const current = this.findings.get(id);
    if (!current) throw new Error(`finding ${id} does not exist`);
    const previous = structuredClone(current);
    const next: StandinFinding = { ...structuredClone(current), ...structuredClone(patch) };
    if (sameContent(previous, next)) return structuredClone(current);
    if (next.status !== previous.status) next.previousStatus = previous.status;
    next.updatedAt = this.context.clock();
    this.findings.set(id, next);
    this.emit(next, previous);
    return structuredClone(next);
  }

  /** Sets the status; RESOLVED is allowed here (it models the access being removed), unlike UpdateFindings. */
  setStatus(id: string, status: FindingStatus): StandinFinding {
    return this.updateFinding(id, { status });
  }

  /** Marks the finding deleted (status kept, as in the service's deletion events); it leaves every listing. */
  deleteFinding(id: string): StandinFinding {
    return this.updateFinding(id, { isDeleted: true });
  }

  /**
   * Subscribes to additions and changes; returns the unsubscribe function. Listeners run synchronously
   * after the change is stored; if one throws, the rest still run and the triggering call then fails
   * (an UpdateFindings request answers 500 InternalServerException).
   */
  onChange(listener: FindingListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The EventBridge event Access Analyzer would publish for this finding in its current state. */
  toEvent(finding: StandinFinding): AccessAnalyzerEvent {
    const analyzer = this.analyzers.get(finding.analyzerArn);
    if (!analyzer) throw new Error(`finding ${finding.id} names unknown analyzer ${finding.analyzerArn}`);
    return findingEvent(finding, analyzer, this.context.clock());
  }

  private analyzerFor(input: NewFinding): Analyzer {
    if (input.analyzerArn !== undefined) {
      const analyzer = this.analyzers.get(input.analyzerArn);
      if (!analyzer) throw new Error(`analyzer ${input.analyzerArn} does not exist; call addAnalyzer first`);
      return analyzer;
    }
    const unused = input.findingType !== undefined && isUnusedType(input.findingType);
    const analyzer = this.listAnalyzers().find((a) =>
      unused ? isUnusedAnalyzer(a.type) : isExternalAnalyzer(a.type),
    );
    if (!analyzer) {
      throw new Error(`no ${unused ? 'unused-access' : 'external-access'} analyzer; call addAnalyzer first`);
    }
    return analyzer;
  }

  private emit(finding: StandinFinding, previous: StandinFinding | undefined): void {
    let failure: unknown;
    for (const listener of [...this.listeners]) {
      try {
        listener(structuredClone(finding), previous && structuredClone(previous));
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}

function stripSeq(analyzer: Analyzer & { seq: number }): Analyzer {
  const { seq: _seq, ...rest } = analyzer;
  return structuredClone(rest);
}

function sameContent(a: StandinFinding, b: StandinFinding): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
