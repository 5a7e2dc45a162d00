import {
  AccessAnalyzerClient,
  AccessAnalyzerServiceException,
  AccessDeniedException,
  GetAnalyzerCommand,
  GetFindingCommand,
  GetFindingV2Command,
  InternalServerException,
  ListFindingsV2Command,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateFindingsCommand,
  ValidationException,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, credentials, failureOf, standinWithClient } from './helpers';

const failure = failureOf<AccessAnalyzerServiceException>;

describe('AWS stand-in: Access Analyzer errors as the SDK sees them', () => {
  let standin: AwsStandin;
  let client: AccessAnalyzerClient;
  let analyzerArn: string;

  beforeEach(async () => {
    [standin, client] = await standinWithClient(AccessAnalyzerClient, {}, { maxAttempts: 1 });
    analyzerArn = standin.accessAnalyzer.addAnalyzer({ name: 'account-analyzer' }).arn;
  });

  afterEach(() => closeAll(standin, client));

  it('throws ResourceNotFoundException (404) with resourceId for an unknown finding', async () => {
    // Prepare
    const id = '00000000-0000-4000-8000-000000000000';

    // Act
    const error = await failure(client.send(new GetFindingV2Command({ analyzerArn, id })));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect((error as ResourceNotFoundException).resourceId).toBe(id);
  });

  it('throws ResourceNotFoundException for an unknown analyzer, by ARN or by name', async () => {
    // Prepare
    const missingArn = 'arn:aws:access-analyzer:us-west-2:111122223333:analyzer/missing';

    // Act
    const byArn = await failure(client.send(new ListFindingsV2Command({ analyzerArn: missingArn })));
    const byName = await failure(client.send(new GetAnalyzerCommand({ analyzerName: 'missing' })));
    const update = await failure(
      client.send(new UpdateFindingsCommand({ analyzerArn: missingArn, ids: ['x'], status: 'ARCHIVED' })),
    );

    // Assess
    expect([byArn, byName, update].map((e) => e.name)).toEqual([
      'ResourceNotFoundException',
      'ResourceNotFoundException',
      'ResourceNotFoundException',
    ]);
  });

  it('rejects UpdateFindings to RESOLVED with ValidationException and changes nothing', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({ analyzerArn });

    // Act
    const error = await failure(
      client.send(
        new UpdateFindingsCommand({ analyzerArn, ids: [finding.id], status: 'RESOLVED' as 'ARCHIVED' }),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(standin.accessAnalyzer.getFinding(finding.id)?.status).toBe('ACTIVE');
  });

  it('fails UpdateFindings as a whole when one id is unknown', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({ analyzerArn });

    // Act
    const error = await failure(
      client.send(new UpdateFindingsCommand({ analyzerArn, ids: [finding.id, 'nope'], status: 'ARCHIVED' })),
    );

    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
    expect(standin.accessAnalyzer.getFinding(finding.id)?.status).toBe('ACTIVE');
  });

  it('requires ids or resourceArn on UpdateFindings', async () => {
    // Act
    const error = await failure(client.send(new UpdateFindingsCommand({ analyzerArn, status: 'ARCHIVED' })));

    // Assess
    expect(error).toBeInstanceOf(ValidationException);
  });

  it('rejects unsupported filter keys and foreign pagination tokens with ValidationException', async () => {
    // Prepare
    for (let i = 0; i < 3; i += 1) standin.accessAnalyzer.addFinding({ analyzerArn });
    const page = await client.send(new ListFindingsV2Command({ analyzerArn, maxResults: 1 }));

    // Act
    const badKey = await failure(
      client.send(new ListFindingsV2Command({ analyzerArn, filter: { colour: { eq: ['red'] } } })),
    );
    const otherQuery = await failure(
      client.send(
        new ListFindingsV2Command({
          analyzerArn,
          filter: { status: { eq: ['ACTIVE'] } },
          nextToken: page.nextToken,
        }),
      ),
    );

    // Assess
    expect(badKey).toBeInstanceOf(ValidationException);
    expect(otherQuery).toBeInstanceOf(ValidationException);
  });

  it('refuses GetFinding (v1) on an unused-access analyzer', async () => {
    // Prepare
    const unusedArn = standin.accessAnalyzer.addAnalyzer({
      name: 'unused',
      type: 'ACCOUNT_UNUSED_ACCESS',
    }).arn;
    const finding = standin.accessAnalyzer.addFinding({
      analyzerArn: unusedArn,
      findingType: 'UnusedIAMRole',
    });

    // Act
    const error = await failure(
      client.send(new GetFindingCommand({ analyzerArn: unusedArn, id: finding.id })),
    );

    // Assess
    expect(error).toBeInstanceOf(ValidationException);
  });

  it('fails the next calls armed with failNext, then serves normally', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({ analyzerArn });
    standin.failNext(
      'UpdateFindings',
      { name: 'AccessDeniedException', status: 403, message: 'no archive for you' },
      2,
    );
    const update = (): Promise<unknown> =>
      client.send(new UpdateFindingsCommand({ analyzerArn, ids: [finding.id], status: 'ARCHIVED' }));

    // Act
    const first = await failure(update());
    const second = await failure(update());
    await update();

    // Assess
    expect(first).toBeInstanceOf(AccessDeniedException);
    expect(first.message).toBe('no archive for you');
    expect(first.$metadata.httpStatusCode).toBe(403);
    expect(second.name).toBe('AccessDeniedException');
    expect(standin.accessAnalyzer.getFinding(finding.id)?.status).toBe('ARCHIVED');
    expect(standin.callsTo('UpdateFindings').map((c) => c.input)).toEqual(
      Array(3).fill(expect.objectContaining({ analyzerArn, ids: [finding.id], status: 'ARCHIVED' })),
    );
  });

  it('maps injected throttling and server errors to the SDK classes with their status codes', async () => {
    // Prepare
    standin.failNext('ListFindingsV2', { name: 'ThrottlingException', status: 429 });
    standin.failNext('ListFindingsV2', { name: 'InternalServerException', status: 500 });

    // Act
    const throttled = await failure(client.send(new ListFindingsV2Command({ analyzerArn })));
    const broken = await failure(client.send(new ListFindingsV2Command({ analyzerArn })));

    // Assess
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect(broken).toBeInstanceOf(InternalServerException);
    expect(broken.$metadata.httpStatusCode).toBe(500);
  });

  it('lets the SDK retry an injected throttle and succeed on the next attempt', async () => {
    // Prepare
    const retrying = new AccessAnalyzerClient({
      endpoint: standin.url,
      region: 'us-west-2',
      credentials,
      maxAttempts: 2,
    });
    standin.failNext('ListFindingsV2', { name: 'ThrottlingException', status: 429 });

    // Act
    const out = await retrying.send(new ListFindingsV2Command({ analyzerArn }));
    retrying.destroy();

    // Assess
    expect(out.findings).toEqual([]);
    expect(standin.callsTo('ListFindingsV2')).toHaveLength(2);
  });

  it('answers an unknown route with an AWS error rather than a crash', async () => {
    // Act
    const response = await fetch(`${standin.url}/no-such-route`, { method: 'DELETE' });

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(((await response.json()) as { message: string }).message).toMatch(/DELETE \/no-such-route/);
  });
});
