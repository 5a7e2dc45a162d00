import { createHash } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const failure = failureOf<SQSServiceException>;

describe('AWS stand-in: SQS over the real SDK', () => {
  let standin: AwsStandin;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeEach(async () => {
    [standin, sqs] = await standinWithClient(SQSClient, {}, { maxAttempts: 1 });
    queueUrl = standin.sqs.createQueue('findings').url;
  });

  afterEach(() => closeAll(standin, sqs));

  it('hands out queue URLs on the stand-in and resolves them with GetQueueUrl', async () => {
    // Act
    const out = await sqs.send(new GetQueueUrlCommand({ QueueName: 'findings' }));

    // Assess
    expect(out.QueueUrl).toBe(`${standin.url}/111122223333/findings`);
    expect(queueUrl).toBe(out.QueueUrl);
  });

  it('resolves GetQueueUrl with the own account as QueueOwnerAWSAccountId; another account has no such queue', async () => {
    // Act
    const own = await sqs.send(
      new GetQueueUrlCommand({ QueueName: 'findings', QueueOwnerAWSAccountId: '111122223333' }),
    );
    const foreign = await failure(
      sqs.send(new GetQueueUrlCommand({ QueueName: 'findings', QueueOwnerAWSAccountId: '444455556666' })),
    );

    // Assess
    expect(own.QueueUrl).toBe(queueUrl);
    expect(foreign).toBeInstanceOf(QueueDoesNotExist);
  });

  it('delivers a sent message with its body, a correct MD5 and the receive count', async () => {
    // Prepare
    const body = JSON.stringify({ 'detail-type': 'Access Analyzer Finding', detail: { id: 'f-1' } });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

    // Act
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );

    // Assess
    expect(out.Messages).toHaveLength(1);
    expect(out.Messages?.[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: body,
      MD5OfBody: createHash('md5').update(body).digest('hex'),
      Attributes: { ApproximateReceiveCount: '1' },
    });
  });

  it('omits Messages when the queue is empty and a short poll returns at once', async () => {
    // Act
    const started = Date.now();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    // Assess
    expect(out.Messages).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('reports queue attributes including the RedrivePolicy JSON string', async () => {
    // Prepare
    const dlq = standin.sqs.createQueue('dlq');
    const queue = standin.sqs.createQueue('with-dlq', {
      visibilityTimeoutSeconds: 45,
      redrive: { deadLetterQueueName: 'dlq', maxReceiveCount: 5 },
    });
    standin.sqs.send('with-dlq', 'a');
    standin.sqs.send('with-dlq', 'b');
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }));

    // Act
    const out = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );

    // Assess
    expect(out.Attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-west-2:111122223333:with-dlq',
      VisibilityTimeout: '45',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    expect(JSON.parse(out.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: 5,
    });
  });

  it('deletes a received message so it is never delivered again', async () => {
    // Prepare
    standin.sqs.send('findings', 'done');
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));

    // Act
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: received.Messages?.[0]?.ReceiptHandle }),
    );
    const after = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    // Assess
    expect(after.Messages).toBeUndefined();
    expect(standin.sqs.messages('findings')).toEqual([]);
  });

  it('sends and deletes in batches, reporting a bad receipt handle per entry', async () => {
    // Prepare
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'one', MessageBody: 'first' },
          { Id: 'two', MessageBody: 'second' },
        ],
      }),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );

    // Act
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          ...(received.Messages ?? []).map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: 'bad', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );

    // Assess
    expect(sent.Successful?.map((e) => e.Id)).toEqual(['one', 'two']);
    expect(received.Messages?.map((m) => m.Body)).toEqual(['first', 'second']);
    expect(deleted.Successful?.map((e) => e.Id)).toEqual(['m0', 'm1']);
    expect(deleted.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
    ]);
    expect(standin.sqs.messages('findings')).toEqual([]);
  });

  it('throws QueueDoesNotExist for an unknown queue and ReceiptHandleIsInvalid for a forged handle', async () => {
    // Act
    const missing = await failure(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    const forged = await failure(
      sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'forged' })),
    );

    // Assess
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    expect(missing.$metadata.httpStatusCode).toBe(400);
    expect(forged).toBeInstanceOf(ReceiptHandleIsInvalid);
    expect(forged.$metadata.httpStatusCode).toBe(404);
  });

  it('rejects MaxNumberOfMessages outside 1 to 10', async () => {
    // Act
    const error = await failure(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 11 })),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('fails an SQS call armed with failNext and records it', async () => {
    // Prepare
    standin.failNext('ReceiveMessage', { name: 'AccessDeniedException', status: 403, message: 'denied' });

    // Act
    const error = await failure(sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl })));

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe('denied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(standin.callsTo('ReceiveMessage')).toEqual([
      expect.objectContaining({ service: 'SQS', input: expect.objectContaining({ QueueUrl: queueUrl }) }),
    ]);
  });
});
