import type { Clock } from './clock';
import { fromInjected, type AwsError, type InjectedError } from './errors';

export type ServiceName = 'AccessAnalyzer' | 'SQS' | 'IAM' | 'S3' | 'KMS' | 'SecretsManager' | 'EventBridge';

/** One request the stand-in received, with its input in the SDK's field names. */
export interface RecordedCall {
  service: ServiceName;
  operation: string;
  input: unknown;
  at: Date;
}

/**
 * The stand-in's request journal plus its fault injector. Every request is recorded (failed ones too,
 * like CloudTrail records denied calls), then `takeFault` says whether an armed failure applies.
 */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  private readonly faults = new Map<string, { error: InjectedError; remaining: number }[]>();

  constructor(private readonly clock: Clock) {}

  record(service: ServiceName, operation: string, input: unknown): void {
    this.calls.push({ service, operation, input, at: this.clock() });
  }

  callsTo(operation: string): RecordedCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  /** Arms `times` failures for `operation`; several arms queue up in the order given. */
  failNext(operation: string, error: InjectedError, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`failNext: times must be a positive integer`);
    const queue = this.faults.get(operation) ?? [];
    queue.push({ error, remaining: times });
    this.faults.set(operation, queue);
  }

  /** Consumes one armed failure for `operation`, if any. */
  takeFault(operation: string): AwsError | undefined {
    const queue = this.faults.get(operation);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    return fromInjected(head.error);
  }
}
