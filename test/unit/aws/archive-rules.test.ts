import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import {
  ArchiveRuleConflictError,
  COUNT_CAP,
  createArchiveRuleGateway,
} from '../../../src/aws/archive-rules';
import type { ArchiveRuleGateway } from '../../../src/archive-rules/ports';
import { AppError } from '../../../src/errors';
import { createAwsStandin, type AwsStandin } from '../../../src/sandbox/aws-standin';
import { clientConfig, closeAll, failureOf } from '../sandbox/aws-standin/helpers';

const ALICE = 'arn:aws:iam::999988887777:user/Alice';
const aliceFilter = { 'principal.AWS': { eq: [ALICE] }, isPublic: { eq: ['false'] } };

describe('createArchiveRuleGateway on the AWS stand-in (real AccessAnalyzerClient)', () => {
  let aws: AwsStandin;
  let client: AccessAnalyzerClient;
  let rules: ArchiveRuleGateway;
  let analyzerArn: string;

  const finding = (over: Parameters<AwsStandin['accessAnalyzer']['addFinding']>[0] = {}) =>
    aws.accessAnalyzer.addFinding({
      analyzerArn,
      resourceType: 'AWS::IAM::Role',
      principal: { AWS: ALICE },
      isPublic: false,
      ...over,
    });

  beforeEach(async () => {
    aws = await createAwsStandin({ analysisDelayMs: 0 });
    client = new AccessAnalyzerClient(clientConfig(aws, { maxAttempts: 1 }));
    analyzerArn = aws.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' }).arn;
    rules = createArchiveRuleGateway(client);
  });
  afterEach(() => closeAll(aws, client));

  it('creates, lists, applies and deletes a rule', async () => {
    // Prepare
    const match = finding({ resource: 'arn:aws:iam::111122223333:role/A' });
    const other = finding({
      resource: 'arn:aws:iam::111122223333:role/B',
      principal: { AWS: '444455556666' },
    });
    // Act
    await rules.create('MyAnalyzer', 'alice', aliceFilter, 'token-1', { adoptIdentical: false });
    const listed = await rules.list('MyAnalyzer');
    await rules.apply(analyzerArn, 'alice', 'token-1');
    // Assess
    expect(listed).toEqual([{ ruleName: 'alice', filter: aliceFilter }]);
    expect(aws.accessAnalyzer.getFinding(match.id)?.status).toBe('ARCHIVED');
    expect(aws.accessAnalyzer.getFinding(other.id)?.status).toBe('ACTIVE');
    await rules.delete('MyAnalyzer', 'alice', 'token-2');
    expect(await rules.list('MyAnalyzer')).toEqual([]);
  });

  it('takes the same rule as done only for a retried execution, and another filter under that name as a conflict', async () => {
    await rules.create('MyAnalyzer', 'alice', aliceFilter, 'token-1', { adoptIdentical: false });
    // A retried execution: same name, same criteria (in another order).
    await rules.create(
      'MyAnalyzer',
      'alice',
      { isPublic: { eq: ['false'] }, 'principal.AWS': { eq: [ALICE] } },
      'token-1',
      { adoptIdentical: true },
    );
    // Not a retry: the same criteria under a taken name are someone else's rule.
    const notOurs = await failureOf(
      rules.create('MyAnalyzer', 'alice', aliceFilter, 'token-2', { adoptIdentical: false }),
    );
    expect(notOurs).toBeInstanceOf(ArchiveRuleConflictError);
    expect((notOurs as AppError).userMessage).toContain('created outside this request');
    const conflict = await failureOf(
      rules.create('MyAnalyzer', 'alice', { isPublic: { eq: ['true'] } }, 'token-3', {
        adoptIdentical: true,
      }),
    );
    expect(conflict).toBeInstanceOf(ArchiveRuleConflictError);
    expect((conflict as AppError).userMessage).toContain(
      'already exists on analyzer `MyAnalyzer` with other criteria',
    );
    expect(aws.archiveRules.list(analyzerArn)).toHaveLength(1);
  });

  it('gets one rule by name, undefined when there is none, and fails clearly for an unknown analyzer', async () => {
    await rules.create('MyAnalyzer', 'alice', aliceFilter, 'token-1', { adoptIdentical: false });
    expect(await rules.get('MyAnalyzer', 'alice')).toEqual({ ruleName: 'alice', filter: aliceFilter });
    expect(await rules.get('MyAnalyzer', 'bob')).toBeUndefined();
    const error = await failureOf<AppError>(rules.get('Nope', 'alice'));
    expect(error.userMessage).toMatch(/does not know analyzer `Nope`/);
  });

  it('treats a delete of a rule that is gone as done', async () => {
    await expect(rules.delete('MyAnalyzer', 'never-created', 't')).resolves.toBeUndefined();
  });

  it.each([
    [
      'ValidationException for a bad name',
      () => rules.create('MyAnalyzer', '1bad', aliceFilter, 't', { adoptIdentical: false }),
      /refused archive rule `1bad`/,
    ],
    [
      'ResourceNotFoundException for an unknown analyzer',
      () => rules.create('Nope', 'r', aliceFilter, 't', { adoptIdentical: false }),
      /does not know archive rule `r` on analyzer `Nope`/,
    ],
    [
      'ResourceNotFoundException when applying an unknown rule',
      () => rules.apply(analyzerArn, 'ghost', 't'),
      /does not know archive rule `ghost`/,
    ],
  ])('translates %s into a clear AppError', async (_what, call, message) => {
    const error = await failureOf<AppError>(call());
    expect(error).toBeInstanceOf(AppError);
    expect(error.userMessage).toMatch(message);
  });

  it('names the IAM action when access is denied', async () => {
    aws.failNext('ListFindingsV2', { name: 'AccessDeniedException', status: 403, message: 'no' });
    const error = await failureOf<AppError>(rules.countMatches(analyzerArn, aliceFilter));
    expect(error.userMessage).toContain('grant access-analyzer:ListFindings.');
  });

  it('counts ACTIVE matches and the public ones among them', async () => {
    // Prepare: two private and one public match, one archived and one of another principal
    finding({ resource: 'arn:aws:iam::111122223333:role/A' });
    finding({ resource: 'arn:aws:iam::111122223333:role/B' });
    finding({ resource: 'arn:aws:iam::111122223333:role/C', isPublic: true });
    finding({ resource: 'arn:aws:iam::111122223333:role/D', status: 'ARCHIVED' });
    finding({ resource: 'arn:aws:iam::111122223333:role/E', principal: { AWS: '444455556666' } });
    const byAlice = { 'principal.AWS': { eq: [ALICE] } };
    // Act / Assess
    expect(await rules.countMatches(analyzerArn, byAlice)).toEqual({ active: 3, public: 1, capped: false });
    expect(await rules.countMatches(analyzerArn, aliceFilter)).toEqual({
      active: 2,
      public: 0,
      capped: false,
    });
    expect(await rules.countMatches(analyzerArn, { ...byAlice, isPublic: { eq: ['true'] } })).toEqual({
      active: 1,
      public: 1,
      capped: false,
    });
  });

  it(`stops counting at ${COUNT_CAP}`, async () => {
    for (let i = 0; i < COUNT_CAP + 5; i++) finding({ resource: `arn:aws:iam::111122223333:role/R${i}` });
    expect(await rules.countMatches(analyzerArn, aliceFilter)).toEqual({
      active: COUNT_CAP,
      public: 0,
      capped: true,
    });
  });
});
