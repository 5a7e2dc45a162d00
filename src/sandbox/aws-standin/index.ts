import { accessAnalyzerProtocol } from './access-analyzer-protocol';
import { AccessAnalyzerState } from './access-analyzer-state';
import { CallLog, type RecordedCall } from './call-log';
import { systemClock, type Clock } from './clock';
import type { InjectedError } from './errors';
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
export type { RecordedCall, ServiceName } from './call-log';
export type { InjectedError } from './errors';
export type { QueueOptions, QueuedMessage } from './sqs-state';
export { AccessAnalyzerState, SqsState };

export interface AwsStandinOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  account?: string;
  region?: string;
  /** Clock for everything AWS timestamps; SQS timeouts and long polls still use real elapsed time. */
  now?: Clock;
}

export interface AwsStandin {
  /** `http://127.0.0.1:PORT`: use as AWS_ENDPOINT_URL_ACCESSANALYZER / AWS_ENDPOINT_URL_SQS or client `endpoint`. */
  url: string;
  accessAnalyzer: AccessAnalyzerState;
  sqs: SqsState;
  /** Every request received, in arrival order. */
  calls: RecordedCall[];
  callsTo(operation: string): RecordedCall[];
  /**
   * Makes the next `times` (default 1) calls of `operation` fail with this AWS error, e.g.
   * `{ name: 'ThrottlingException', status: 429 }`. Each HTTP attempt counts, SDK retries included.
   */
  failNext(operation: string, error: InjectedError, times?: number): void;
  /** Stops the server; pending long polls answer at once with no messages. */
  close(): Promise<void>;
}

/**
 * Starts a local HTTP server that speaks Access Analyzer's REST-JSON and SQS's JSON 1.0 protocols, so the
 * real AWS SDK v3 clients work against it unchanged.
 *
 * @example
 * const aws = await createAwsStandin();
 * const analyzer = aws.accessAnalyzer.addAnalyzer({ name: 'account' });
 * aws.accessAnalyzer.addFinding({ analyzerArn: analyzer.arn, principal: { AWS: '*' } });
 * const client = new AccessAnalyzerClient({ endpoint: aws.url, region: 'us-west-2', credentials });
 * await aws.close();
 */
export async function createAwsStandin(options: AwsStandinOptions = {}): Promise<AwsStandin> {
  const clock = options.now ?? systemClock;
  const account = options.account ?? '111122223333';
  const region = options.region ?? 'us-west-2';
  const log = new CallLog(clock);
  let url = '';
  const accessAnalyzer = new AccessAnalyzerState({ clock, account, region });
  const sqs = new SqsState({ clock, account, region, baseUrl: () => url });
  const server = await startServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    log,
    // SQS first: it claims only requests with an `AmazonSQS.*` target; Access Analyzer takes REST routes.
    protocols: [sqsProtocol(sqs, { clock, account }), accessAnalyzerProtocol(accessAnalyzer)],
    beforeClose: () => sqs.close(),
  });
  url = server.url;
  return {
    url: server.url,
    accessAnalyzer,
    sqs,
    calls: log.calls,
    callsTo: (operation) => log.callsTo(operation),
    failNext: (operation, error, times) => log.failNext(operation, error, times),
    close: () => server.close(),
  };
}
