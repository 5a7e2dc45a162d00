import {
  AccessAnalyzerClient,
  GetFindingV2Command,
  ListFindingsV2Command,
  UpdateFindingsCommand,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin, type StandinFinding } from '../../../../src/sandbox/aws-standin';
import { closeAll, standinWithClient } from './helpers';

describe('AWS stand-in: Access Analyzer finding changes over the real SDK', () => {
  let standin: AwsStandin;
  let client: AccessAnalyzerClient;
  let now: Date;
  let analyzerArn: string;

  beforeEach(async () => {
    now = new Date('2024-05-01T10:00:00.000Z');
    [standin, client] = await standinWithClient(AccessAnalyzerClient, { now: () => now });
    analyzerArn = standin.accessAnalyzer.addAnalyzer({ name: 'account-analyzer' }).arn;
  });

  afterEach(() => closeAll(standin, client));

  it('archives with UpdateFindings, bumps updatedAt and fires onChange with the previous state', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({ analyzerArn });
    const changes: [StandinFinding, StandinFinding | undefined][] = [];
    standin.accessAnalyzer.onChange((current, previous) => changes.push([current, previous]));
    now = new Date('2024-05-01T11:30:00.000Z');

    // Act
    await client.send(new UpdateFindingsCommand({ analyzerArn, ids: [finding.id], status: 'ARCHIVED' }));

    // Assess
    const stored = standin.accessAnalyzer.getFinding(finding.id);
    expect(stored?.status).toBe('ARCHIVED');
    expect(stored?.updatedAt).toEqual(now);
    expect(stored?.createdAt).toEqual(new Date('2024-05-01T10:00:00.000Z'));
    expect(changes).toHaveLength(1);
    expect(changes[0]?.[0].status).toBe('ARCHIVED');
    expect(changes[0]?.[1]?.status).toBe('ACTIVE');
    const readBack = await client.send(new GetFindingV2Command({ analyzerArn, id: finding.id }));
    expect(readBack.updatedAt).toEqual(now);
  });

  it('updates every live finding on a resource when UpdateFindings names resourceArn', async () => {
    // Prepare
    const aa = standin.accessAnalyzer;
    const onBucket = [
      aa.addFinding({ analyzerArn, resource: 'arn:aws:s3:::b' }),
      aa.addFinding({ analyzerArn, resource: 'arn:aws:s3:::b' }),
    ];
    const elsewhere = aa.addFinding({ analyzerArn, resource: 'arn:aws:s3:::other' });

    // Act
    await client.send(
      new UpdateFindingsCommand({ analyzerArn, resourceArn: 'arn:aws:s3:::b', status: 'ARCHIVED' }),
    );

    // Assess
    expect(onBucket.map((f) => aa.getFinding(f.id)?.status)).toEqual(['ARCHIVED', 'ARCHIVED']);
    expect(aa.getFinding(elsewhere.id)?.status).toBe('ACTIVE');
  });

  it('leaves a finding already in the requested status untouched', async () => {
    // Prepare
    const finding = standin.accessAnalyzer.addFinding({ analyzerArn, status: 'ARCHIVED' });
    const listener = jest.fn();
    standin.accessAnalyzer.onChange(listener);
    now = new Date('2024-05-02T00:00:00.000Z');

    // Act
    await client.send(new UpdateFindingsCommand({ analyzerArn, ids: [finding.id], status: 'ARCHIVED' }));

    // Assess
    expect(listener).not.toHaveBeenCalled();
    expect(standin.accessAnalyzer.getFinding(finding.id)?.updatedAt).toEqual(
      new Date('2024-05-01T10:00:00.000Z'),
    );
  });

  it('hides deleted findings from listings and lookups', async () => {
    // Prepare
    const kept = standin.accessAnalyzer.addFinding({ analyzerArn });
    const gone = standin.accessAnalyzer.addFinding({ analyzerArn });
    standin.accessAnalyzer.deleteFinding(gone.id);

    // Act
    const listed = await client.send(new ListFindingsV2Command({ analyzerArn }));
    const lookup = client.send(new GetFindingV2Command({ analyzerArn, id: gone.id }));

    // Assess
    expect(listed.findings?.map((f) => f.id)).toEqual([kept.id]);
    await expect(lookup).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(standin.accessAnalyzer.getFinding(gone.id)?.isDeleted).toBe(true);
  });
});
