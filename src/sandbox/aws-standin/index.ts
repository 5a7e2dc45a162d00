import { AccessAnalysis, type AnalysisReport } from './access-analyzer-analysis';
import { ArchiveRuleStore } from './access-analyzer-archive-rules';
import type { AccessAnalyzerEvent } from './access-analyzer-events';
import type { StandinFinding } from './access-analyzer-model';
import { extendedAccessAnalyzer } from './access-analyzer-extended';
import { PolicyGenerationStore } from './access-analyzer-policy-generation';
import { AccessPreviewStore } from './access-analyzer-previews';
import { accessAnalyzerProtocol } from './access-analyzer-protocol';
import { AccessAnalyzerState } from './access-analyzer-state';
import { accountResources } from './account-resources';
import { CallLog, type RecordedCall } from './call-log';
import { systemClock, type Clock } from './clock';
import type { InjectedError } from './errors';
import { EventBridgeState } from './eventbridge';
import { ActivityLog, type Activity } from './generated-policy';
import { executeIam } from './iam-operations';
import { iamProtocol } from './iam-protocol';
import { IamState } from './iam-state';
import { jsonRpcProtocol } from './json-rpc-protocol';
import { executeKms } from './kms-operations';
import { KmsState } from './kms-state';
import { s3Protocol } from './s3-protocol';
import { S3State } from './s3-state';
import { executeSecretsManager, SecretsManagerState } from './secrets-manager';
import { startServer } from './server';
import { sqsProtocol } from './sqs-protocol';
import { SqsState } from './sqs-state';

export type {
  Analyzer,
  AnalyzerType,
  FindingPatch,
  FindingSource,
  FindingStatus,
  FindingType,
  NewAnalyzer,
  NewFinding,
  StandinFinding,
  UnusedDetails,
} from './access-analyzer-model';
export type { AccessAnalyzerEvent } from './access-analyzer-events';
export type { AnalysisReport } from './access-analyzer-analysis';
export type { ArchiveRule } from './access-analyzer-archive-rules';
export type { RecordedCall, ServiceName } from './call-log';
export type { InjectedError } from './errors';
export type { PublishedEvent } from './eventbridge';
export type { Activity } from './generated-policy';
export type { IamRole, IamUser, ManagedPolicy, NewManagedPolicy, NewRole } from './iam-state';
export type { KmsKey, NewKey } from './kms-state';
export type { Bucket, NewBucket, PublicAccessBlock } from './s3-state';
export type { Secret } from './secrets-manager';
export type { QueueOptions, QueuedMessage } from './sqs-state';
export type { ExternalAccess } from './policy-evaluator';
export { findExternalAccess, TRUST_ACTIONS } from './policy-evaluator';
export { parsePolicy } from './policy-document';
export { seedExampleAccount, type ExampleAccount } from './example-account';
export { keyPolicySharedWith, publicReadBucketPolicy } from './example-policies';
export {
  AccessAnalyzerState,
  ArchiveRuleStore,
  EventBridgeState,
  IamState,
  KmsState,
  S3State,
  SecretsManagerState,
  SqsState,
};

export type JobErrorCode =
  'AUTHORIZATION_ERROR' | 'RESOURCE_NOT_FOUND_ERROR' | 'SERVICE_QUOTA_EXCEEDED_ERROR' | 'SERVICE_ERROR';

export interface AwsStandinOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  account?: string;
  region?: string;
  /** Clock for everything AWS timestamps; SQS timeouts and long polls still use real elapsed time. */
  now?: Clock;
  /** Delay between a policy write and the automatic analysis (real time); default 1000, 0 = inside the write. */
  analysisDelayMs?: number;
  /** How long a policy generation job stays IN_PROGRESS, on the stand-in's clock; default 3000. */
  policyGenerationMs?: number;
  /** How long an access preview stays CREATING, on the stand-in's clock; default 1000. */
  accessPreviewMs?: number;
}

export interface AwsStandin {
  /** `http://127.0.0.1:PORT`: the client `endpoint` (or AWS_ENDPOINT_URL_*) for every emulated service. */
  url: string;
  readonly account: string;
  readonly region: string;
  /** The stand-in's clock (the `now` option, else the system clock). */
  now: Clock;
  accessAnalyzer: AccessAnalyzerState;
  /** Archive rules per analyzer (also reachable through the Access Analyzer API). */
  archiveRules: ArchiveRuleStore;
  sqs: SqsState;
  iam: IamState;
  s3: S3State;
  kms: KmsState;
  secretsManager: SecretsManagerState;
  /** EventBridge PutEvents as received: `events.published()`. */
  events: EventBridgeState;
  /** Every request received, in arrival order. */
  calls: RecordedCall[];
  callsTo(operation: string): RecordedCall[];
  /**
   * Makes the next `times` (default 1) calls of `operation` (any service's operation name, e.g. `GetRole`,
   * `PutBucketPolicy`) fail with this AWS error, e.g. `{ name: 'ThrottlingException', status: 429 }`. Each
   * HTTP attempt counts, SDK retries included. IAM errors use the query code (`NoSuchEntity`).
   */
  failNext(operation: string, error: InjectedError, times?: number): void;
  /** Runs external-access analysis now; resolves with what changed (rejects if a finding listener threw). */
  analyze(): Promise<AnalysisReport>;
  /**
   * Subscribes to the EventBridge events Access Analyzer publishes: on creation, and when status,
   * isDeleted, principal, action or condition change. Returns the unsubscribe function.
   */
  onFindingEvent(listener: (event: AccessAnalyzerEvent) => void): () => void;
  /** Records CloudTrail-like activity of a principal, the input of policy generation. */
  recordActivity(principalArn: string, activity: Activity): void;
  /** The next policy generation job to finish FAILS with this jobError. */
  failNextGeneration(code: JobErrorCode, message?: string): void;
  /** Changes how long policy generation jobs stay IN_PROGRESS. */
  setPolicyGenerationMs(ms: number): void;
  /** Stops the server and pending analysis; pending long polls answer at once with no messages. */
  close(): Promise<void>;
}

/**
 * Starts one local HTTP server speaking the real wire protocols of Access Analyzer (REST-JSON), SQS
 * (JSON 1.0), IAM (query/XML), S3 (REST-XML, path style), KMS, Secrets Manager and EventBridge (JSON 1.1),
 * so the real AWS SDK v3 clients work against it unchanged. Requests are routed by the SigV4 credential
 * scope. Behind it sits one small account whose resource policies Access Analyzer analyses.
 *
 * @example
 * const aws = await createAwsStandin({ analysisDelayMs: 0 });
 * const { analyzerArn } = seedExampleAccount(aws);
 * await aws.analyze();
 * const client = new AccessAnalyzerClient({ endpoint: aws.url, region: 'us-west-2', credentials });
 * await aws.close();
 */
export async function createAwsStandin(options: AwsStandinOptions = {}): Promise<AwsStandin> {
  const clock = options.now ?? systemClock;
  const account = options.account ?? '111122223333';
  const region = options.region ?? 'us-west-2';
  const log = new CallLog(clock);
  let url = '';
  let generationMs = options.policyGenerationMs ?? 3000;
  // States announce policy writes; the analysis (built below, once the states exist) reacts to them.
  const changed = (): void => analysis.changed();
  const accessAnalyzer = new AccessAnalyzerState({ clock, account, region });
  const sqs = new SqsState({ clock, account, region, baseUrl: () => url, changed });
  const iam = new IamState({ clock, account, changed });
  const s3 = new S3State({ clock, changed });
  const kms = new KmsState({ clock, account, region, changed });
  const secretsManager = new SecretsManagerState({ clock, account, region, changed });
  const events = new EventBridgeState({ clock, account, region });
  const rules = new ArchiveRuleStore(accessAnalyzer, clock);
  accessAnalyzer.useArchiveRules((finding) => rules.matches(finding.analyzerArn, finding));
  const activity = new ActivityLog(clock);
  const resources = () => accountResources({ iam, s3, kms, secretsManager, sqs });
  const analysis = new AccessAnalysis({
    state: accessAnalyzer,
    rules,
    resources,
    account,
    clock,
    delayMs: options.analysisDelayMs ?? 1000,
  });
  const generation = new PolicyGenerationStore({
    clock,
    activity,
    principalExists: (arn) => iam.principalExists(arn),
    generationMs: () => generationMs,
  });
  const previews = new AccessPreviewStore({
    state: accessAnalyzer,
    rules,
    clock,
    account,
    previewMs: () => options.accessPreviewMs ?? 1000,
    resources,
  });
  const extended = extendedAccessAnalyzer({ state: accessAnalyzer, rules, previews, generation, analysis });
  const server = await startServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    log,
    // Signed requests go by SigV4 scope; unsigned ones to the first protocol that accepts them (target-based
    // JSON protocols first, then IAM's form body, S3's policy subresources, and Access Analyzer last).
    protocols: [
      sqsProtocol(sqs, { clock, account }),
      jsonRpcProtocol({
        service: 'KMS',
        signingName: 'kms',
        targetPrefix: 'TrentService',
        execute: (op, input) => executeKms(kms, iam, account, op, input),
      }),
      jsonRpcProtocol({
        service: 'SecretsManager',
        signingName: 'secretsmanager',
        targetPrefix: 'secretsmanager',
        execute: (op, input) => executeSecretsManager(secretsManager, account, op, input),
      }),
      jsonRpcProtocol({
        service: 'EventBridge',
        signingName: 'events',
        targetPrefix: 'AWSEvents',
        execute: (op, input) => events.execute(op, input),
      }),
      iamProtocol((op, input) => executeIam(iam, account, op, input)),
      s3Protocol(s3, account),
      accessAnalyzerProtocol(accessAnalyzer, extended),
    ],
    beforeClose: () => {
      analysis.close();
      sqs.close();
    },
  });
  url = server.url;
  return {
    url: server.url,
    account,
    region,
    now: clock,
    accessAnalyzer,
    archiveRules: rules,
    sqs,
    iam,
    s3,
    kms,
    secretsManager,
    events,
    calls: log.calls,
    callsTo: (operation) => log.callsTo(operation),
    failNext: (operation, error, times) => log.failNext(operation, error, times),
    analyze: async () => analysis.analyze(),
    onFindingEvent: (listener) =>
      accessAnalyzer.onChange((finding, previous) => {
        if (previous && !announced(finding, previous)) return;
        listener(accessAnalyzer.toEvent(finding));
      }),
    recordActivity: (principalArn, entry) => activity.record(principalArn, entry),
    failNextGeneration: (code, message) => generation.failNext(code, message),
    setPolicyGenerationMs: (ms) => {
      generationMs = ms;
    },
    close: () => server.close(),
  };
}

/** Access Analyzer publishes an event for a new finding and for these changes, not for analyzedAt bumps. */
function announced(finding: StandinFinding, previous: StandinFinding): boolean {
  const keys = ['status', 'isDeleted', 'principal', 'action', 'condition'] as const;
  return keys.some((key) => JSON.stringify(finding[key]) !== JSON.stringify(previous[key]));
}
