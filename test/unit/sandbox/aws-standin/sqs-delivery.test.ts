import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, standinWithClient } from './helpers';

describe('AWS stand-in: SQS delivery timing and redrive over the real SDK', () => {
  let standin: AwsStandin;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeEach(async () => {
    [standin, sqs] = await standinWithClient(SQSClient, {}, { maxAttempts: 1 });
    queueUrl = standin.sqs.createQueue('findings').url;
  });

  afterEach(() => closeAll(standin, sqs));

  it('holds a long poll until a message is sent, then returns it at once', async () => {
    // Prepare
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10 }));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    standin.sqs.send('findings', 'wake up');
    const out = await polling;

    // Assess
    const elapsed = Date.now() - started;
    expect(out.Messages?.map((m) => m.Body)).toEqual(['wake up']);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
  });

  it('ends an empty long poll after WaitTimeSeconds with no messages', async () => {
    // Act
    const started = Date.now();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));

    // Assess
    expect(out.Messages).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('hides a received message for its visibility timeout and then redelivers it with a higher count', async () => {
    // Prepare
    standin.sqs.send('findings', 'retry me');
    const receive = (): Promise<{ Messages?: { Attributes?: Record<string, string> }[] }> =>
      sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 1, AttributeNames: ['All'] }),
      );
    await receive();

    // Act
    const whileHidden = await receive();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const afterTimeout = await receive();

    // Assess
    expect(whileHidden.Messages).toBeUndefined();
    expect(afterTimeout.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('wakes a long poll when an in-flight message becomes visible again', async () => {
    // Prepare
    standin.sqs.send('findings', 'comes back');
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 1 }));

    // Act
    const started = Date.now();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));

    // Assess
    expect(out.Messages?.map((m) => m.Body)).toEqual(['comes back']);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('makes a message visible at once with ChangeMessageVisibility 0', async () => {
    // Prepare
    standin.sqs.send('findings', 'release me');
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 300 }));
    const handle = first.Messages?.[0]?.ReceiptHandle;

    // Act
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    // Assess
    expect(again.Messages?.map((m) => m.Body)).toEqual(['release me']);
  });

  it('moves a message to the dead-letter queue instead of delivering it past maxReceiveCount', async () => {
    // Prepare
    const dlq = standin.sqs.createQueue('findings-dlq');
    const source = standin.sqs.createQueue('events', {
      redrive: { deadLetterQueueName: 'findings-dlq', maxReceiveCount: 2 },
    });
    standin.sqs.send('events', 'poison');
    const receive = (url: string): Promise<{ Messages?: { Body?: string }[] }> =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));

    // Act
    const deliveries = [await receive(source.url), await receive(source.url), await receive(source.url)];
    const fromDlq = await receive(dlq.url);

    // Assess
    expect(deliveries.map((d) => d.Messages?.length ?? 0)).toEqual([1, 1, 0]);
    expect(standin.sqs.messages('events')).toEqual([]);
    expect(fromDlq.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });

  it('ends pending long polls promptly when the stand-in closes', async () => {
    // Prepare
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act
    const started = Date.now();
    await standin.close();
    const out = await polling;

    // Assess
    expect(out.Messages).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
