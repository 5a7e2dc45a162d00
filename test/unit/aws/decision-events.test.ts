import { Writable } from 'node:stream';
import {
  EventBridgeClient,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { createDecisionPublisher, MAX_ENTRY_BYTES } from '../../../src/aws/decision-events';
import { createLogger } from '../../../src/log';
import type { DecisionEvent, DecisionPublisher } from '../../../src/remediation/ports';
import { createAwsStandin, type AwsStandin } from '../../../src/sandbox/aws-standin';
import { clientConfig, closeAll } from '../sandbox/aws-standin/helpers';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole';
const BUS = 'security-decisions';

const decision = (over: Partial<DecisionEvent> = {}): DecisionEvent => ({
  requestId: 'req-1',
  findingId: '5a3b7c9d-1111-4e2f-9a8b-0123456789ab',
  action: 'deny',
  phase: 'approved',
  actor: 'U012AB3CD',
  at: '2024-05-01T10:00:00.000Z',
  resource: ROLE_ARN,
  accountId: '111122223333',
  region: 'us-west-2',
  details: { approvers: ['U012AB3CD'], diff: '+ Deny Alice' },
  ...over,
});

type LogLine = Record<string, unknown> & { level: string; msg: string };

/**
 * Makes the first `times` PutEvents calls come back as a per-entry failure without reaching the stand-in, which
 * only produces the permanent per-entry codes (validation, `aws.` sources), never InternalFailure/Throttling.
 */
function failEntries(
  client: EventBridgeClient,
  times: number,
  code = 'ThrottlingException',
): { seen: number } {
  const counter = { seen: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.seen += 1;
      if (counter.seen > times) return next(args);
      const output: PutEventsCommandOutput = {
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: code, ErrorMessage: `${code} (test)` }],
        $metadata: { httpStatusCode: 200 },
      };
      return { output, response: {} } as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'failEntries' },
  );
  return counter;
}

/** Rewrites the Source to an `aws.` one on the way out, so the stand-in itself rejects the entry. */
function impersonateAws(client: EventBridgeClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as PutEventsCommandInput;
      const Entries = (input.Entries ?? []).map((e) => ({ ...e, Source: 'aws.iam-findings-bot' }));
      return next({ ...args, input: { ...input, Entries } });
    },
    { step: 'initialize', name: 'impersonateAws' },
  );
}

describe('createDecisionPublisher on the AWS stand-in (real EventBridgeClient)', () => {
  let aws: AwsStandin;
  let client: EventBridgeClient;
  let lines: LogLine[];
  let slept: number[];
  let publisher: DecisionPublisher;

  const sleep = async (ms: number): Promise<void> => {
    slept.push(ms);
  };

  beforeEach(async () => {
    aws = await createAwsStandin();
    client = new EventBridgeClient(clientConfig(aws, { maxAttempts: 1 }));
    lines = [];
    slept = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as LogLine);
        callback();
      },
    });
    publisher = createDecisionPublisher(client, BUS, createLogger('info', sink), { sleep });
  });

  afterEach(() => closeAll(aws, client));

  const errors = () => lines.filter((l) => l.level === 'error');

  it('puts one Finding Decision event on the bus, with the decision as detail and the role as resource', async () => {
    // Prepare
    const event = decision();

    // Act
    await publisher.publish(event);

    // Assess
    const published = aws.events.published();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      source: 'iam-findings-bot',
      'detail-type': 'Finding Decision',
      eventBusName: BUS,
      resources: [ROLE_ARN],
      detail: event,
    });
    expect(errors()).toEqual([]);
  });

  it('leaves Resources out when the resource is not an ARN', async () => {
    // Act
    await publisher.publish(decision({ resource: 'Audit_CrossAccountRole' }));
    await publisher.publish(decision({ resource: undefined }));

    // Assess
    const calls = aws.callsTo('PutEvents').map((c) => (c.input as PutEventsCommandInput).Entries?.[0]);
    expect(calls.map((e) => e?.Resources)).toEqual([undefined, undefined]);
    expect(aws.events.published().map((e) => e.resources)).toEqual([[], []]);
  });

  it('publishes nothing when no bus is configured', async () => {
    // Prepare
    const quiet = createDecisionPublisher(client, undefined, createLogger('silent'));

    // Act
    await quiet.publish(decision());

    // Assess
    expect(aws.callsTo('PutEvents')).toEqual([]);
    expect(aws.events.published()).toEqual([]);
  });

  it('drops details and marks detailsTruncated when the entry would exceed 256 KB', async () => {
    // Prepare
    const event = decision({ details: { diff: 'x'.repeat(MAX_ENTRY_BYTES) } });

    // Act
    await publisher.publish(event);

    // Assess
    const [published] = aws.events.published();
    const { details: _details, ...rest } = event;
    expect(published?.detail).toEqual({ ...rest, detailsTruncated: true });
    expect(errors()).toEqual([]);
  });

  it('keeps details that fit', async () => {
    // Prepare
    const event = decision({ details: { diff: 'x'.repeat(200 * 1024) } });

    // Act
    await publisher.publish(event);

    // Assess
    expect(aws.events.published()[0]?.detail).toEqual(event);
  });

  it('retries an entry that failed transiently (FailedEntryCount 1) and lands it', async () => {
    // Prepare
    const counter = failEntries(client, 2);

    // Act
    await publisher.publish(decision());

    // Assess
    expect(counter.seen).toBe(3);
    expect(slept).toEqual([100, 200]);
    expect(aws.events.published()).toHaveLength(1);
    expect(errors()).toEqual([]);
  });

  it('gives up after 3 retries and logs an error with the request and finding ids', async () => {
    // Prepare
    const counter = failEntries(client, 10, 'InternalFailure');

    // Act
    await expect(publisher.publish(decision())).resolves.toBeUndefined();

    // Assess
    expect(counter.seen).toBe(4);
    expect(slept).toEqual([100, 200, 400]);
    expect(aws.events.published()).toEqual([]);
    expect(errors()).toEqual([
      expect.objectContaining({
        msg: 'decision event not published',
        requestId: 'req-1',
        findingId: '5a3b7c9d-1111-4e2f-9a8b-0123456789ab',
        errorCode: 'InternalFailure',
        busName: BUS,
      }),
    ]);
  });

  it('does not retry an entry the stand-in rejects for good (NotAuthorizedForSourceException)', async () => {
    // Prepare
    impersonateAws(client);

    // Act
    await publisher.publish(decision());

    // Assess
    expect(aws.callsTo('PutEvents')).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(aws.events.published()).toEqual([]);
    expect(errors()).toEqual([
      expect.objectContaining({ requestId: 'req-1', errorCode: 'NotAuthorizedForSourceException' }),
    ]);
  });

  it('logs and returns when the whole PutEvents call fails (AccessDenied)', async () => {
    // Prepare
    aws.failNext('PutEvents', { name: 'AccessDeniedException', status: 400 });

    // Act
    await expect(publisher.publish(decision())).resolves.toBeUndefined();

    // Assess
    expect(errors()).toEqual([
      expect.objectContaining({
        msg: 'decision event not published (PutEvents failed)',
        requestId: 'req-1',
        err: expect.objectContaining({ type: 'AccessDeniedException' }),
      }),
    ]);
  });

  it('never throws, even for details that cannot be serialised', async () => {
    // Prepare
    const loop: Record<string, unknown> = {};
    loop.self = loop;

    // Act
    await expect(publisher.publish(decision({ details: loop }))).resolves.toBeUndefined();

    // Assess
    expect(aws.callsTo('PutEvents')).toEqual([]);
    expect(errors()).toHaveLength(1);
  });
});
