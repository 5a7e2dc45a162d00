/**
 * Issue #5, "Create archive rule" through approval: the request in the finding's thread with the criteria and
 * the count, nobody approves their own, after approval the rule exists in Access Analyzer, the Alice finding and
 * the other existing matches are ARCHIVED and their messages say so, new matches arrive ARCHIVED,
 * `/iam-findings rules` lists the rule and its Delete… goes through the same approval. A broad rule needs the
 * policy's extra stage.
 */
import { ALICE, APPROVER1, APPROVER2, ROLE, aliceTrust } from '../../helpers/deny';
import {
  ANALYZER,
  type ArchiveRuleHarness,
  PUBLIC_ROLE,
  SECOND_ROLE,
  startArchiveRuleHarness,
} from '../../helpers/archive-rule';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import {
  clickApprove,
  current,
  nthEphemeral,
  phases,
  policyFile,
  requestIdOf,
  settle,
  stored,
  untilStatus,
} from '../approvals/support';

const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');

describe('an archive rule from a finding, through approval', () => {
  let h: ArchiveRuleHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('creates the rule once approved, archives the existing matches, and archives new matches as they arrive', async () => {
    // Prepare
    h = await startArchiveRuleHarness();
    const { ts, findingId } = await h.card();

    // Act: Olivia submits the suggested rule
    const modal = await h.openRuleModal(ts);
    const ruleName =
      JSON.stringify(modal.view.blocks).match(/slack-iam-role-999988887777-(\d{8})-[0-9a-f]{6}/)?.[0] ?? '';
    expect(ruleName).toContain(today());
    await h.countShown(/Matches 2/);
    expect((await h.slack.submitView({ viewId: modal.id, userId: ONCALL })).outcome).toBe('closed');

    // Assess: the request waits in the thread with the rule, its criteria and the count; one stage
    const message = await h.ruleRequest(ts, /Create archive rule requested by <@U0ONCALL>/);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain(`Resource: \`archive rule ${ruleName} on analyzer ${ANALYZER}\``);
    expect(shown).toContain(`+ principal.AWS = ${ALICE}`);
    expect(shown).toContain('+ resourceType = AWS::IAM::Role');
    expect(shown).toContain('+ isPublic = false');
    expect(shown).toContain('Would archive 2 active findings now.');
    expect(shown).not.toContain('Broad rule');
    const requestId = requestIdOf(message);
    expect((await stored(h, requestId)).request.chain).toHaveLength(1);
    expect(h.aws.callsTo('CreateArchiveRule')).toHaveLength(0);

    // Act: Olivia tries to approve her own request
    await clickApprove(h, message, ONCALL);
    expect((await nthEphemeral(h, ONCALL)).text).toMatch(/You made this request/);
    expect((await stored(h, requestId)).request.status).toBe('PENDING');

    // Act: Aaron approves
    await clickApprove(h, current(h, message), APPROVER1);

    // Assess: the rule exists, the existing matches are archived in AWS and in Slack; the public role is not
    await untilStatus(h, requestId, 'EXECUTED');
    expect(h.aws.archiveRules.list(h.analyzerArn).map((r) => [r.ruleName, r.filter])).toEqual([
      [
        ruleName,
        {
          resourceType: { eq: ['AWS::IAM::Role'] },
          'principal.AWS': { eq: [ALICE] },
          resourceOwnerAccount: { eq: ['111122223333'] },
          isPublic: { eq: ['false'] },
        },
      ],
    ]);
    expect(h.aws.callsTo('ApplyArchiveRule')).toHaveLength(1);
    expect(h.awsStatus(ROLE)).toBe('ARCHIVED');
    expect(h.awsStatus(SECOND_ROLE)).toBe('ARCHIVED');
    expect(h.awsStatus(PUBLIC_ROLE)).toBe('ACTIVE');
    await eventually(async () => (await h.cardText(ROLE)).includes('ARCHIVED'));
    await eventually(async () => (await h.cardText(SECOND_ROLE)).includes('ARCHIVED'));
    expect(await h.cardText(PUBLIC_ROLE)).toContain('ACTIVE');
    expect((await h.bot.stores.findings.get(findingId))?.finding.status).toBe('ARCHIVED');
    const done = await eventually(() => {
      const blocks = JSON.stringify(current(h, message).blocks);
      return blocks.includes('Approved and done') ? blocks : undefined;
    });
    expect(done).toContain(`Archive rule \`${ruleName}\` created on analyzer \`${ANALYZER}\``);
    expect(await phases(h, findingId)).toEqual(
      expect.arrayContaining(['requested', 'vote', 'approved', 'succeeded']),
    );
    const record = await h.bot.stores.archiveRules.get(h.analyzerArn, ruleName);
    expect(record).toMatchObject({ createdBy: ONCALL, approvedBy: [APPROVER1], requestId, findingId });

    // Act: a new role trusting Alice appears
    h.aws.iam.createRole({ name: 'Later_CrossAccountRole', trustPolicy: aliceTrust });
    await h.aws.analyze();

    // Assess: Access Analyzer reports it ARCHIVED, and so does the bot
    expect(h.awsStatus('Later_CrossAccountRole')).toBe('ARCHIVED');
    const later = h.aws.accessAnalyzer
      .listFindings()
      .find((f) => f.resource.endsWith('Later_CrossAccountRole'))!;
    await eventually(async () => (await h.bot.stores.findings.get(later.id))?.finding.status === 'ARCHIVED');
    await h.inSync();
  });

  it('lists the rule with /iam-findings rules and deletes it through the same approval', async () => {
    // Prepare: a rule created and approved
    h = await startArchiveRuleHarness({ roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { 'rule-name': 'alice-audit' } });
    const created = await h.ruleRequest(ts, /Create archive rule/);
    await clickApprove(h, created, APPROVER1);
    await untilStatus(h, requestIdOf(created), 'EXECUTED');

    // Act
    const listing = await h.command('rules', APPROVER2);

    // Assess: the rule, its criteria, who asked and approved, and a Delete… button
    const listed = JSON.stringify(listing.blocks);
    expect(listing.text).toBe('1 archive rule created by the bot');
    expect(listed).toContain('alice-audit');
    expect(listed).toContain(`principal.AWS = ${ALICE}`);
    expect(listed).toContain('Created by <@U0ONCALL>, approved by <@U0APPROVER1>');
    expect(listed).toContain('archive-rule.delete');

    // Act: Beatrice asks for the deletion; Aaron approves it
    const res = await h.slack.clickButton({
      channel: CHANNEL,
      ts: listing.message_ts,
      actionId: 'archive-rule.delete',
      userId: APPROVER2,
    });
    expect(res.status).toBe(200);
    const deletion = await h.ruleRequest(ts, /Delete archive rule requested by <@U0APPROVER2>/);
    expect(JSON.stringify(deletion.blocks)).toContain('- principal.AWS');
    expect((await nthEphemeral(h, APPROVER2, 2)).text).toContain(
      'Deletion of archive rule `alice-audit` requested',
    );
    expect(h.aws.archiveRules.list(h.analyzerArn)).toHaveLength(1);
    await clickApprove(h, deletion, APPROVER2);
    expect((await nthEphemeral(h, APPROVER2, 3)).text).toMatch(/You made this request/);
    await clickApprove(h, current(h, deletion), APPROVER1);

    // Assess: gone from Access Analyzer and from the list; the finding stays archived
    await untilStatus(h, requestIdOf(deletion), 'EXECUTED');
    expect(h.aws.archiveRules.list(h.analyzerArn)).toEqual([]);
    expect(await h.bot.stores.archiveRules.listLive()).toEqual([]);
    expect(await h.bot.stores.archiveRules.get(h.analyzerArn, 'alice-audit')).toMatchObject({
      deletedBy: APPROVER2,
      deleteRequestId: requestIdOf(deletion),
    });
    expect(h.awsStatus(ROLE)).toBe('ARCHIVED');
    expect((await h.command('rules')).text).toContain('no archive rules');
    await h.inSync();
  });

  it('asks one more stage for a broad rule (broad_archive_rule_stage)', async () => {
    // Prepare
    h = await startArchiveRuleHarness({
      env: {
        APPROVAL_POLICY_FILE: policyFile(`
actions:
  archive-rule:
    stages:
      - name: security on-call
        approvers: [U0APPROVER1]
broad_archive_rule_stage:
  name: broad rule review
  approvers: [U0APPROVER2]
`),
      },
    });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);

    // Act: a rule with no principal: every non-public role finding of the account
    await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { principal: '' } });

    // Assess: two stages, the broad one named; stage 1 alone does not create it
    const message = await h.ruleRequest(ts);
    const requestId = requestIdOf(message);
    expect(JSON.stringify(message.blocks)).toContain('Broad rule: no principal or account criterion');
    expect((await stored(h, requestId)).request.chain.map((s) => s.name)).toEqual([
      'security on-call',
      'broad rule review',
    ]);
    await clickApprove(h, message, APPROVER1);
    await eventually(async () => (await stored(h, requestId)).request.stageIndex === 1);
    await settle();
    expect(h.aws.callsTo('CreateArchiveRule')).toHaveLength(0);
    await clickApprove(h, current(h, message), APPROVER2);
    await untilStatus(h, requestId, 'EXECUTED');
    expect(Object.keys(h.aws.archiveRules.list(h.analyzerArn)[0]!.filter).sort()).toEqual([
      'isPublic',
      'resourceOwnerAccount',
      'resourceType',
    ]);
    expect(h.awsStatus(PUBLIC_ROLE)).toBe('ACTIVE');
    await h.inSync();
  });

  it('leaves existing matches ACTIVE when "Also archive existing" is unticked, while a new match arrives ARCHIVED', async () => {
    // Prepare
    h = await startArchiveRuleHarness({ roles: { [SECOND_ROLE]: aliceTrust } });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);

    // Act
    await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { 'apply-existing': [] } });
    const message = await h.ruleRequest(ts);
    expect(JSON.stringify(message.blocks)).toContain('they stay active (only new findings are archived)');
    await clickApprove(h, message, APPROVER2);
    await untilStatus(h, requestIdOf(message), 'EXECUTED');
    h.aws.iam.createRole({ name: 'Later_CrossAccountRole', trustPolicy: aliceTrust });
    await h.aws.analyze();

    // Assess
    expect(h.aws.archiveRules.list(h.analyzerArn)).toHaveLength(1);
    expect(h.aws.callsTo('ApplyArchiveRule')).toHaveLength(0);
    expect(h.awsStatus(ROLE)).toBe('ACTIVE');
    expect(h.awsStatus(SECOND_ROLE)).toBe('ACTIVE');
    expect(h.awsStatus('Later_CrossAccountRole')).toBe('ARCHIVED');
    await eventually(() =>
      JSON.stringify(current(h, message).blocks).includes('Existing findings were left as they are'),
    );
    await h.inSync();
  });
});
