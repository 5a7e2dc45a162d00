import type { Clock } from './clock';
import { AwsError } from './errors';
import { decodeReceiptHandle, monotonicMs, Queue, type StoredMessage } from './sqs-queue';

export interface QueueOptions {
  /** Queue `VisibilityTimeout` in seconds (SQS default 30). */
  visibilityTimeoutSeconds?: number;
  /** Queue `ReceiveMessageWaitTimeSeconds`, used when a receive names no WaitTimeSeconds (default 0). */
  receiveWaitTimeSeconds?: number;
  /** Queue `RedrivePolicy`; the dead-letter queue must already exist, as SQS requires. */
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
  /** Queue `Policy` attribute (resource policy), as JSON text or an object. */
  policy?: string | object;
}

/** A message as `messages(name)` reports it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  /** Received and still hidden by its visibility timeout. */
  inFlight: boolean;
  sentAt: Date;
}

export interface ReceiveOptions {
  maxNumberOfMessages: number;
  visibilityTimeoutSeconds?: number;
  waitTimeSeconds?: number;
}

export interface ReceivedMessage {
  message: StoredMessage;
  receiptHandle: string;
}

export interface SqsContext {
  clock: Clock;
  account: string;
  region: string;
  /** Base URL of the stand-in; queue URLs are `<baseUrl>/<account>/<name>`. */
  baseUrl: () => string;
  /** Called after a queue policy is written (Access Analyzer re-analysis). */
  changed?: () => void;
}

/** SQS's error for a missing queue (query code AWS.SimpleQueueService.NonExistentQueue). */
export function queueDoesNotExist(): AwsError {
  return new AwsError('QueueDoesNotExist', 400, 'The specified queue does not exist.');
}

export function receiptHandleIsInvalid(handle: string): AwsError {
  return new AwsError(
    'ReceiptHandleIsInvalid',
    404,
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
  );
}

/**
 * In-memory SQS for standard queues: send, receive with visibility timeouts and long polling, delete, and
 * redrive to a dead-letter queue once a message's receive count would exceed `maxReceiveCount`.
 */
export class SqsState {
  private readonly queues = new Map<string, Queue>();
  private readonly shutdown = new AbortController();

  constructor(private readonly context: SqsContext) {}

  createQueue(name: string, options: QueueOptions = {}): { url: string; arn: string } {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new Error(`invalid queue name ${name}`);
    if (this.queues.has(name)) throw new Error(`queue ${name} already exists`);
    const { account, region, baseUrl } = this.context;
    let redrive: Queue['redrive'];
    if (options.redrive) {
      const dlq = this.queues.get(options.redrive.deadLetterQueueName);
      if (!dlq) throw new Error(`dead-letter queue ${options.redrive.deadLetterQueueName} does not exist`);
      redrive = { ...options.redrive, deadLetterTargetArn: dlq.arn };
    }
    const queue = new Queue(
      name,
      `${baseUrl()}/${account}/${name}`,
      `arn:aws:sqs:${region}:${account}:${name}`,
      this.context.clock(),
      options.visibilityTimeoutSeconds ?? 30,
      options.receiveWaitTimeSeconds ?? 0,
      redrive,
    );
    this.queues.set(name, queue);
    if (options.policy !== undefined) this.setPolicy(name, options.policy);
    return { url: queue.url, arn: queue.arn };
  }

  /** Sets (or with undefined removes) the queue's `Policy` attribute, like SetQueueAttributes. */
  setPolicy(name: string, policy: string | object | undefined): void {
    this.queue(name).policy = typeof policy === 'object' ? JSON.stringify(policy) : policy;
    this.context.changed?.();
  }

  /** Every queue with its ARN and policy, in creation order. */
  listQueues(): { name: string; url: string; arn: string; policy?: string }[] {
    return [...this.queues.values()].map((q) => ({ name: q.name, url: q.url, arn: q.arn, policy: q.policy }));
  }

  queueUrl(name: string): string {
    return this.queue(name).url;
  }

  /** Everything the queue holds, in send order. */
  messages(name: string): QueuedMessage[] {
    const queue = this.queue(name);
    const now = monotonicMs();
    return queue.messages.map((m) => ({
      messageId: m.messageId,
      body: m.body,
      receiveCount: m.receiveCount,
      inFlight: m.receiveCount > 0 && !queue.isVisible(m, now),
      sentAt: m.sentAt,
    }));
  }

  /** Admin shortcut for SendMessage (wakes long polls like a real send). */
  send(
    name: string,
    body: string,
    options: { delaySeconds?: number } = {},
  ): { messageId: string; md5OfBody: string } {
    const message = this.queue(name).enqueue(body, this.context.clock(), options.delaySeconds ?? 0);
    return { messageId: message.messageId, md5OfBody: message.md5OfBody };
  }

  /** Queue by name; throws QueueDoesNotExist. */
  queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  /** Queue addressed by a QueueUrl; only the last path segment (the name) is significant. */
  queueByUrl(url: unknown): Queue {
    if (typeof url !== 'string' || url === '') throw queueDoesNotExist();
    const name = url.replace(/\/+$/, '').split('/').pop() ?? '';
    return this.queue(name);
  }

  /**
   * ReceiveMessage: returns up to `maxNumberOfMessages` visible messages at once; with nothing visible and a
   * wait time, holds until a message becomes available, the wait elapses or the stand-in closes.
   */
  async receive(queue: Queue, options: ReceiveOptions, signal: AbortSignal): Promise<ReceivedMessage[]> {
    const waitMs = (options.waitTimeSeconds ?? queue.receiveWaitTimeSeconds) * 1000;
    const deadline = monotonicMs() + waitMs;
    const aborted = AbortSignal.any([signal, this.shutdown.signal]);
    for (;;) {
      const received = this.collect(queue, options);
      const remaining = deadline - monotonicMs();
      if (received.length > 0 || remaining <= 0 || aborted.aborted) return received;
      await queue.waitForChange(remaining, aborted);
    }
  }

  /** DeleteMessage. A stale handle (the message was received again since) succeeds without deleting. */
  deleteMessage(queue: Queue, receiptHandle: string): void {
    const message = this.messageFor(queue, receiptHandle);
    if (message && message.receiptHandle === receiptHandle) queue.remove(message);
  }

  /** ChangeMessageVisibility; 0 makes the message receivable again right away. */
  changeVisibility(queue: Queue, receiptHandle: string, seconds: number): void {
    const message = this.messageFor(queue, receiptHandle);
    if (!message || message.receiptHandle !== receiptHandle || queue.isVisible(message)) {
      throw new AwsError('MessageNotInflight', 400, 'The message referred to is not in flight.');
    }
    message.visibleAt = monotonicMs() + seconds * 1000;
    queue.notify();
  }

  /** Ends all pending long polls (they answer with no messages); used when the stand-in closes. */
  close(): void {
    this.shutdown.abort();
  }

  private messageFor(queue: Queue, receiptHandle: string): StoredMessage | undefined {
    const messageId = decodeReceiptHandle(queue.name, receiptHandle);
    if (messageId === undefined) throw receiptHandleIsInvalid(receiptHandle);
    return queue.messages.find((m) => m.messageId === messageId);
  }

  private collect(queue: Queue, options: ReceiveOptions): ReceivedMessage[] {
    const received: ReceivedMessage[] = [];
    const now = monotonicMs();
    const visibility = options.visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds;
    for (const message of [...queue.messages]) {
      if (received.length >= options.maxNumberOfMessages) break;
      if (!queue.isVisible(message, now)) continue;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(queue, message);
        continue;
      }
      const receiptHandle = queue.markReceived(message, visibility, this.context.clock());
      received.push({ message, receiptHandle });
    }
    return received;
  }

  /** Like SQS, the message keeps its id, body, send time and receive count in the dead-letter queue. */
  private moveToDeadLetterQueue(queue: Queue, message: StoredMessage): void {
    const dlq = this.queue(queue.redrive?.deadLetterQueueName ?? '');
    queue.remove(message);
    const moved = dlq.enqueue(message.body, message.sentAt, 0, message.messageId);
    moved.receiveCount = message.receiveCount;
    moved.firstReceivedAt = message.firstReceivedAt;
  }
}
