import {
  AccessAnalyzerClient,
  ApplyArchiveRuleCommand,
  ConflictException,
  CreateArchiveRuleCommand,
  DeleteArchiveRuleCommand,
  GetArchiveRuleCommand,
  ListArchiveRulesCommand,
  ResourceNotFoundException,
  UpdateArchiveRuleCommand,
  ValidationException,
  type AccessAnalyzerServiceException,
} from '@aws-sdk/client-accessanalyzer';
import { type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { closeAll, failureOf, standinWithClient } from './helpers';

const PARTNER = '444455556666';

const failure = failureOf<AccessAnalyzerServiceException>;

const shared = (account: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sqs:SendMessage', Resource: '*' }],
  });

describe('AWS stand-in: Access Analyzer archive rules over the real SDK', () => {
  let aws: AwsStandin;
  let aa: AccessAnalyzerClient;
  let analyzerArn: string;
  const analyzerName = 'MyAnalyzer';
  const partnerFilter = { 'principal.AWS': { eq: [PARTNER] } };

  beforeEach(async () => {
    [aws, aa] = await standinWithClient(AccessAnalyzerClient, { analysisDelayMs: 0 }, { maxAttempts: 1 });
    analyzerArn = aws.accessAnalyzer.addAnalyzer({ name: analyzerName }).arn;
  });

  afterEach(() => closeAll(aws, aa));

  it('creates, reads, lists, updates and deletes a rule', async () => {
    // Act
    await aa.send(
      new CreateArchiveRuleCommand({ analyzerName, ruleName: 'TrustedPartner', filter: partnerFilter }),
    );
    const got = await aa.send(new GetArchiveRuleCommand({ analyzerName, ruleName: 'TrustedPartner' }));
    await aa.send(
      new UpdateArchiveRuleCommand({
        analyzerName,
        ruleName: 'TrustedPartner',
        filter: { isPublic: { eq: ['false'] } },
      }),
    );
    const listed = await aa.send(new ListArchiveRulesCommand({ analyzerName }));
    await aa.send(new DeleteArchiveRuleCommand({ analyzerName, ruleName: 'TrustedPartner' }));
    const gone = await failure(
      aa.send(new GetArchiveRuleCommand({ analyzerName, ruleName: 'TrustedPartner' })),
    );

    // Assess
    expect(got.archiveRule).toMatchObject({ ruleName: 'TrustedPartner', filter: partnerFilter });
    expect(got.archiveRule?.createdAt).toBeInstanceOf(Date);
    expect(listed.archiveRules?.map((r) => [r.ruleName, r.filter])).toEqual([
      ['TrustedPartner', { isPublic: { eq: ['false'] } }],
    ]);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });

  it.each([
    ['a name starting with a digit', '22222222dcba', partnerFilter],
    ['a name with a space', 'Trusted partner', partnerFilter],
    ['a name over 255 characters', `R${'x'.repeat(255)}`, partnerFilter],
    ['a status criterion', 'Rule', { status: { eq: ['ACTIVE'] } }],
    ['an id criterion', 'Rule', { id: { eq: ['abc'] } }],
    ['21 values in a criterion', 'Rule', { resource: { eq: Array.from({ length: 21 }, (_, i) => `r${i}`) } }],
    ['an empty filter', 'Rule', {}],
    ['an unknown key', 'Rule', { colour: { eq: ['red'] } }],
  ])('refuses %s with ValidationException', async (_name, ruleName, filter) => {
    // Act
    const error = await failure(aa.send(new CreateArchiveRuleCommand({ analyzerName, ruleName, filter })));

    // Assess
    expect(error).toBeInstanceOf(ValidationException);
    expect(aws.archiveRules.list(analyzerArn)).toEqual([]);
  });

  it('refuses a second rule with the same name (ConflictException) and rules of unknown analyzers', async () => {
    // Prepare
    await aa.send(
      new CreateArchiveRuleCommand({ analyzerName, ruleName: 'TrustedPartner', filter: partnerFilter }),
    );

    // Act
    const conflict = await failure(
      aa.send(
        new CreateArchiveRuleCommand({ analyzerName, ruleName: 'TrustedPartner', filter: partnerFilter }),
      ),
    );
    const unknown = await failure(
      aa.send(new CreateArchiveRuleCommand({ analyzerName: 'Nope', ruleName: 'R', filter: partnerFilter })),
    );

    // Assess
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
  });

  it('archives new matching findings at creation but leaves existing ones until ApplyArchiveRule', async () => {
    // Prepare
    aws.sqs.createQueue('before-rule', { policy: shared(PARTNER) });
    await aa.send(
      new CreateArchiveRuleCommand({ analyzerName, ruleName: 'TrustedPartner', filter: partnerFilter }),
    );
    const events: string[] = [];
    aws.onFindingEvent((event) =>
      events.push(`${String(event.detail.resource).split(':').pop()}:${String(event.detail.status)}`),
    );

    // Act
    aws.sqs.createQueue('after-rule', { policy: shared(PARTNER) });
    aws.sqs.createQueue('other-partner', { policy: shared('777788889999') });
    const beforeApply = aws.accessAnalyzer.listFindings().map((f) => [f.resource.split(':').pop(), f.status]);
    await aa.send(new ApplyArchiveRuleCommand({ analyzerArn, ruleName: 'TrustedPartner' }));

    // Assess
    expect(beforeApply).toEqual([
      ['before-rule', 'ACTIVE'],
      ['after-rule', 'ARCHIVED'],
      ['other-partner', 'ACTIVE'],
    ]);
    expect(aws.accessAnalyzer.listFindings().map((f) => f.status)).toEqual([
      'ARCHIVED',
      'ARCHIVED',
      'ACTIVE',
    ]);
    expect(events).toEqual(['after-rule:ARCHIVED', 'other-partner:ACTIVE', 'before-rule:ARCHIVED']);
  });

  it('answers ResourceNotFoundException when applying an unknown rule', async () => {
    // Act
    const error = await failure(aa.send(new ApplyArchiveRuleCommand({ analyzerArn, ruleName: 'Missing' })));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});
