import {
  AccessAnalyzerClient,
  ApplyArchiveRuleCommand,
  CreateArchiveRuleCommand,
  ListFindingsV2Command,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, standinWithClient } from './helpers';

const ALICE = 'arn:aws:iam::999988887777:user/Alice';

describe('AWS stand-in: archive rules and findings that are not from the policy analysis', () => {
  let aws: AwsStandin;
  let aa: AccessAnalyzerClient;
  let analyzerArn: string;
  const analyzerName = 'MyAnalyzer';

  beforeEach(async () => {
    [aws, aa] = await standinWithClient(AccessAnalyzerClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
    analyzerArn = aws.accessAnalyzer.addAnalyzer({ name: analyzerName }).arn;
    await aa.send(
      new CreateArchiveRuleCommand({
        analyzerName,
        ruleName: 'alice',
        filter: { 'principal.AWS': { eq: [ALICE] }, isPublic: { eq: ['false'] } },
      }),
    );
  });
  afterEach(() => closeAll(aws, aa));

  it('creates an added finding that a rule matches ARCHIVED, and announces it so', async () => {
    // Prepare
    const events: string[] = [];
    aws.onFindingEvent((e) => events.push(String(e.detail.status)));

    // Act: findings added like the service would create them (no status given)
    const matched = aws.accessAnalyzer.addFinding({
      analyzerArn,
      principal: { AWS: ALICE },
      isPublic: false,
    });
    const other = aws.accessAnalyzer.addFinding({
      analyzerArn,
      principal: { AWS: '444455556666' },
      isPublic: false,
    });

    // Assess
    expect(matched.status).toBe('ARCHIVED');
    expect(other.status).toBe('ACTIVE');
    expect(events).toEqual(['ARCHIVED', 'ACTIVE']);
    const listed = await aa.send(
      new ListFindingsV2Command({ analyzerArn, filter: { status: { eq: ['ARCHIVED'] } } }),
    );
    expect(listed.findings?.map((f) => f.id)).toEqual([matched.id]);
  });

  it('keeps a status a test gives explicitly, and lets ApplyArchiveRule archive it later', async () => {
    // Act
    const seeded = aws.accessAnalyzer.addFinding({
      analyzerArn,
      principal: { AWS: ALICE },
      isPublic: false,
      status: 'ACTIVE',
    });
    await aa.send(new ApplyArchiveRuleCommand({ analyzerArn, ruleName: 'alice' }));

    // Assess
    expect(seeded.status).toBe('ACTIVE');
    expect(aws.accessAnalyzer.getFinding(seeded.id)?.status).toBe('ARCHIVED');
  });
});
