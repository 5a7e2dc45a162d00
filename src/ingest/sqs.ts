/**
 * Long-polls FINDINGS_QUEUE_URL (the EventBridge rule's target) and feeds each event to the shared handler.
 * A message is deleted only after it is fully handled. A malformed (poison) message is made visible again at
 * once so the queue's redrive policy moves it to the DLQ after maxReceiveCount; with no redrive policy it is
 * logged and deleted, so it never loops. Transient failures are left for redelivery after the visibility timeout.
 * IAM: sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { InvalidInputError, errorMessage } from '../errors';
import type { HandleEvent } from './handle-event';

export interface QueuePoller {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handle: HandleEvent;
  log: Logger;
  waitTimeSeconds?: number;
}

export function createQueuePoller(opts: QueuePollerOptions): QueuePoller {
  const { sqs, queueUrl, handle } = opts;
  const log = opts.log.child({ component: 'ingest-sqs' });
  const waitTimeSeconds = opts.waitTimeSeconds ?? 20;
  let running = false;
  let hasDlq = false;
  let abort = new AbortController();
  let loop: Promise<void> | undefined;

  async function handleMessage(m: Message): Promise<void> {
    const receiveCount = Number(m.Attributes?.ApproximateReceiveCount ?? '1');
    const mlog = log.child({ messageId: m.MessageId, receiveCount });
    try {
      let event: unknown;
      try {
        event = JSON.parse(m.Body ?? '');
      } catch (err) {
        throw new InvalidInputError(`message body is not JSON: ${errorMessage(err)}`);
      }
      const result = await handle(event, 'sqs');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      mlog.debug({ result }, 'message handled and deleted');
    } catch (err) {
      if (err instanceof InvalidInputError) {
        if (hasDlq) {
          mlog.error(
            { reason: err.reason },
            'poison message: returned to the queue for its redrive policy to move to the DLQ',
          );
          await sqs
            .send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: queueUrl,
                ReceiptHandle: m.ReceiptHandle,
                VisibilityTimeout: 0,
              }),
            )
            .catch((e: unknown) => mlog.warn({ err: errorMessage(e) }, 'could not release poison message'));
        } else {
          mlog.error(
            { reason: err.reason, body: (m.Body ?? '').slice(0, 2000) },
            'poison message deleted: the queue has no DLQ',
          );
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
        return;
      }
      mlog.warn(
        { err: errorMessage(err) },
        'message handling failed; it will be redelivered after the visibility timeout',
      );
    }
  }

  async function run(): Promise<void> {
    let backoffMs = 1000;
    while (running) {
      try {
        const res = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: abort.signal },
        );
        backoffMs = 1000;
        await Promise.all((res.Messages ?? []).map(handleMessage));
      } catch (err) {
        if (!running) break;
        log.error(
          { err: errorMessage(err), retryInMs: backoffMs },
          'receiving from the findings queue failed',
        );
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 60_000);
      }
    }
  }

  return {
    async start() {
      try {
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
        );
        hasDlq = Boolean(attrs.Attributes?.RedrivePolicy);
      } catch (err) {
        log.warn({ err: errorMessage(err) }, 'could not read the queue attributes; assuming no DLQ');
      }
      if (!hasDlq)
        log.warn(
          { queueUrl },
          'the findings queue has no redrive policy: malformed messages will be logged and deleted',
        );
      running = true;
      abort = new AbortController();
      loop = run();
      log.info({ queueUrl, hasDlq }, 'polling the findings queue');
    },
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}
