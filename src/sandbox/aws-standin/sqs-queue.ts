import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Monotonic milliseconds: visibility timeouts and long polls run on real elapsed time, like SQS. */
export const monotonicMs = (): number => performance.now();

export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: Date;
  receiveCount: number;
  firstReceivedAt?: Date;
  /** Monotonic time from which the message may be received; 0 = visible since sent. */
  visibleAt: number;
  /** Handle issued by the latest receive; only it can delete the message or change its visibility. */
  receiptHandle?: string;
}

export interface RedriveConfig {
  deadLetterQueueName: string;
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/**
 * One standard SQS queue: its messages (visible, delayed or in flight) and the long polls waiting on it.
 * Waiters are woken by `notify()` (a send, a visibility change) or by a timer set for the moment the next
 * in-flight or delayed message becomes visible, so a long poll never spins.
 */
export class Queue {
  readonly messages: StoredMessage[] = [];
  /** The queue's `Policy` attribute (JSON text), absent until set. */
  policy: string | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    readonly createdAt: Date,
    public visibilityTimeoutSeconds: number,
    public receiveWaitTimeSeconds: number,
    readonly redrive: RedriveConfig | undefined,
  ) {}

  enqueue(body: string, sentAt: Date, delaySeconds = 0, messageId: string = randomUUID()): StoredMessage {
    const message: StoredMessage = {
      messageId,
      body,
      md5OfBody: createHash('md5').update(body, 'utf8').digest('hex'),
      sentAt,
      receiveCount: 0,
      visibleAt: delaySeconds > 0 ? monotonicMs() + delaySeconds * 1000 : 0,
    };
    this.messages.push(message);
    this.notify();
    return message;
  }

  isVisible(message: StoredMessage, now = monotonicMs()): boolean {
    return message.visibleAt <= now;
  }

  remove(message: StoredMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }

  /** Marks a message received: new receipt handle, hidden for `visibilitySeconds`. */
  markReceived(message: StoredMessage, visibilitySeconds: number, at: Date): string {
    message.receiveCount += 1;
    message.firstReceivedAt ??= at;
    message.visibleAt = monotonicMs() + visibilitySeconds * 1000;
    message.receiptHandle = encodeReceiptHandle(this.name, message.messageId);
    return message.receiptHandle;
  }

  /** Wakes every long poll on this queue so it looks for messages again. */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves on the next `notify()`, when the next hidden message turns visible, after `maxMs`, or on abort,
   * whichever comes first.
   */
  waitForChange(maxMs: number, signal: AbortSignal): Promise<void> {
    const now = monotonicMs();
    const nextVisible = this.messages.reduce(
      (soonest, m) => (m.visibleAt > now ? Math.min(soonest, m.visibleAt) : soonest),
      Infinity,
    );
    const delay = Math.max(0, Math.min(maxMs, nextVisible - now));
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.ceil(delay));
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

interface HandleParts {
  q: string;
  m: string;
  n: string;
}

function encodeReceiptHandle(queueName: string, messageId: string): string {
  const parts: HandleParts = { q: queueName, m: messageId, n: randomBytes(12).toString('hex') };
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The message id a handle refers to, or undefined when the handle was not issued for this queue. */
export function decodeReceiptHandle(queueName: string, handle: string): string | undefined {
  try {
    const parts = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8')) as Partial<HandleParts>;
    return parts.q === queueName && typeof parts.m === 'string' && typeof parts.n === 'string'
      ? parts.m
      : undefined;
  } catch {
    return undefined;
  }
}
