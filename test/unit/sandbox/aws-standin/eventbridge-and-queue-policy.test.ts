import {
  EventBridgeClient,
  PutEventsCommand,
  type EventBridgeServiceException,
} from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  InvalidAttributeValue,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const failure = failureOf<EventBridgeServiceException>;

describe('AWS stand-in: EventBridge PutEvents over the real SDK (JSON 1.1)', () => {
  let aws: AwsStandin;
  let events: EventBridgeClient;
  const now = new Date('2024-05-01T10:00:00.000Z');

  beforeEach(async () => {
    [aws, events] = await standinWithClient(EventBridgeClient, { now: () => now }, { maxAttempts: 1 });
  });

  afterEach(() => closeAll(aws, events));

  it('records accepted entries as events and reports per-entry failures with HTTP 200', async () => {
    // Prepare
    const Entries = [
      { Source: 'iam-findings-bot', DetailType: 'Finding Decided', Detail: JSON.stringify({ id: 'f-1' }) },
      { Source: 'aws.access-analyzer', DetailType: 'Access Analyzer Finding', Detail: '{}' },
      { Source: 'iam-findings-bot', DetailType: 'Finding Decided', Detail: 'not json' },
      {
        Source: 'iam-findings-bot',
        DetailType: 'Finding Decided',
        Detail: '{}',
        Resources: ['arn:aws:s3:::b'],
      },
    ];

    // Act
    const out = await events.send(new PutEventsCommand({ Entries }));

    // Assess
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.map((e) => e.ErrorCode)).toEqual([
      undefined,
      'NotAuthorizedForSourceException',
      'MalformedDetail',
      undefined,
    ]);
    const published = aws.events.published();
    expect(published.map((e) => e.id)).toEqual([out.Entries?.[0]?.EventId, out.Entries?.[3]?.EventId]);
    expect(published[0]).toMatchObject({
      version: '0',
      source: 'iam-findings-bot',
      'detail-type': 'Finding Decided',
      account: '111122223333',
      region: 'us-west-2',
      time: '2024-05-01T10:00:00Z',
      detail: { id: 'f-1' },
      eventBusName: 'default',
    });
    expect(published[1]?.resources).toEqual(['arn:aws:s3:::b']);
  });

  it.each([0, 11])('refuses a request with %i entries (ValidationException)', async (count) => {
    // Prepare
    const Entries = Array.from({ length: count }, () => ({ Source: 'bot', DetailType: 'x', Detail: '{}' }));

    // Act
    const error = await failure(events.send(new PutEventsCommand({ Entries })));

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(aws.events.published()).toEqual([]);
  });

  it('notifies publish listeners synchronously', async () => {
    // Prepare
    const seen: string[] = [];
    aws.events.onPublish((event) => seen.push(event['detail-type']));

    // Act
    await events.send(
      new PutEventsCommand({ Entries: [{ Source: 'bot', DetailType: 'Ping', Detail: '{}' }] }),
    );

    // Assess
    expect(seen).toEqual(['Ping']);
  });
});

describe('AWS stand-in: SQS queue policy attribute over the real SDK', () => {
  let aws: AwsStandin;
  let sqs: SQSClient;
  let QueueUrl: string;
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'sqs:SendMessage', Resource: '*' },
    ],
  });

  beforeEach(async () => {
    [aws, sqs] = await standinWithClient(SQSClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
    QueueUrl = aws.sqs.createQueue('orders').url;
  });

  afterEach(() => closeAll(aws, sqs));

  it('sets the Policy attribute, returns it with GetQueueAttributes and removes it with an empty string', async () => {
    // Act
    const before = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: policy } }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    const all = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '' } }));
    const removed = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));

    // Assess
    expect(before.Attributes).toEqual({});
    expect(after.Attributes).toEqual({ Policy: policy });
    expect(all.Attributes?.Policy).toBe(policy);
    expect(removed.Attributes).toEqual({});
  });

  it('rejects a Policy that is not a JSON policy with InvalidAttributeValue', async () => {
    // Act
    const error = await failure(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '{oops' } })),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidAttributeValue);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(aws.sqs.listQueues()[0]?.policy).toBeUndefined();
  });
});
