/**
 * Issue #5, "Create archive rule": the modal. It opens at once prefilled from the finding, the bot counts what
 * the rule would archive and shows it (public findings called out), editing a criterion recounts, invalid
 * input is answered inside the modal and changes nothing, and a sensitive account's id must be typed.
 */
import {
  ANALYZER,
  type ArchiveRuleHarness,
  SECOND_ROLE,
  sectionText,
  startArchiveRuleHarness,
} from '../../helpers/archive-rule';
import { ALICE } from '../../helpers/deny';
import { ONCALL } from '../../helpers/harness';
import { settle } from '../approvals/support';

type InputBlock = {
  block_id?: string;
  element?: { initial_value?: string; initial_option?: { value: string }; initial_options?: unknown[] };
};

const initial = (view: { view: Record<string, unknown> }, blockId: string) =>
  (view.view.blocks as InputBlock[]).find((b) => b.block_id === blockId)?.element;

describe('the Create archive rule modal', () => {
  let h: ArchiveRuleHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('opens prefilled from the finding, then shows how many active findings the rule would archive', async () => {
    // Prepare
    h = await startArchiveRuleHarness();
    const { ts } = await h.card();
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');

    // Act
    const modal = await h.openRuleModal(ts);

    // Assess: every criterion suggested by the finding, editable; the count follows the ack
    expect(initial(modal, 'rule-name')?.initial_value).toBe(`slack-iam-role-999988887777-${today}`);
    expect(initial(modal, 'resource-type')?.initial_option?.value).toBe('AWS::IAM::Role');
    expect(initial(modal, 'principal')?.initial_value).toBe(ALICE);
    expect(initial(modal, 'owner-account')?.initial_value).toBe('111122223333');
    expect(initial(modal, 'is-public')?.initial_option?.value).toBe('false');
    expect(initial(modal, 'apply-existing')?.initial_options).toHaveLength(1);
    // The two roles trusting Alice match; the public role does not.
    const count = await h.countShown(/Matches/);
    expect(count).toBe('*Matches 2 active findings now*. They are archived once the rule is approved.');
    expect(h.aws.callsTo('ListFindingsV2').length).toBeGreaterThan(0);
    expect(h.aws.callsTo('CreateArchiveRule')).toHaveLength(0);
    expect(h.aws.archiveRules.list(h.analyzerArn)).toEqual([]);
  });

  it('recounts when a criterion changes, calls out public findings, and says when a rule is broad', async () => {
    // Prepare
    h = await startArchiveRuleHarness();
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.countShown(/Matches 2/);

    // Act: drop the principal (Enter in the field), then cover public findings too
    await h.slack.dispatchInput({ viewId: modal.id, userId: ONCALL, blockId: 'principal', value: '' });
    await h.countShown(/Broad rule/);
    await h.slack.dispatchInput({ viewId: modal.id, userId: ONCALL, blockId: 'is-public', value: 'any' });

    // Assess: all three role findings, the public one called out; the entered values survive the updates
    const text = await h.countShown(/Matches 3/);
    expect(text).toContain('(⚠️ *1 public*)');
    expect(text).toContain('*Broad rule*: no principal or account criterion');
    const now = h.ruleModal()!;
    const state = now.view.state as { values: Record<string, Record<string, { value?: string | null }>> };
    expect(state.values.principal?.['archive-rule.criteria']?.value ?? null).toBeNull();

    // Act: an invalid account: no count until it is fixed
    await h.slack.dispatchInput({ viewId: modal.id, userId: ONCALL, blockId: 'owner-account', value: '123' });
    await h.countShown(/Fix the criteria/);
    await h.slack.dispatchInput({
      viewId: modal.id,
      userId: ONCALL,
      blockId: 'principal',
      value: ALICE,
      values: { 'owner-account': '111122223333' },
    });
    expect(await h.countShown(/Matches 2/)).not.toContain('Broad rule');
  });

  it.each([
    ['a name starting with a digit', { 'rule-name': '2026-rule' }, 'rule-name', /Start with a letter/],
    ['a name with spaces', { 'rule-name': 'my rule' }, 'rule-name', /no spaces/],
    ['an 11-digit owner account', { 'owner-account': '11112222333' }, 'owner-account', /12 digits/],
    ['a malformed principal', { principal: 'Alice' }, 'principal', /not a principal/],
  ])('answers %s inside the modal and changes nothing', async (_what, values, block, message) => {
    // Prepare
    h = await startArchiveRuleHarness({ roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);

    // Act
    const result = await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values });

    // Assess: the modal stays open with the message under the field; no request, no rule
    expect(result.outcome).toBe('errors');
    expect(Object.keys(result.errors ?? {})).toEqual([block]);
    expect(result.errors?.[block]).toMatch(message);
    expect(h.ruleModal()?.open).toBe(true);
    await settle();
    expect(await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(h.aws.callsTo('CreateArchiveRule')).toHaveLength(0);
    expect(await h.bot.stores.archiveRules.listLive()).toEqual([]);

    // Act: fixed, it goes through
    const fixed = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'rule-name': 'alice-audit-role', 'owner-account': '111122223333', principal: ALICE },
    });
    expect(fixed.outcome).toBe('closed');
    const request = await h.ruleRequest(ts);
    expect(JSON.stringify(request.blocks)).toContain(`archive rule alice-audit-role on analyzer ${ANALYZER}`);
  });

  it('makes the requester type the account id of a sensitive account', async () => {
    // Prepare
    h = await startArchiveRuleHarness({ env: { SENSITIVE_ACCOUNTS: '111122223333' }, roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    expect(JSON.stringify(modal.view.blocks)).toContain('Account 111122223333 is sensitive');

    // Act: a wrong id, then the right one
    const wrong = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'confirm-account': '444455556666' },
    });
    const right = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'confirm-account': ' 111122223333 ' },
    });

    // Assess
    expect(wrong.outcome).toBe('errors');
    expect(wrong.errors).toEqual({
      'confirm-account': expect.stringMatching(/not this finding's account id/),
    });
    expect(right.outcome).toBe('closed');
    await h.ruleRequest(ts);
  });

  it('suggests the account when the finding’s principal is a whole account', async () => {
    // Prepare: a role trusting another account's root
    h = await startArchiveRuleHarness({ roles: { [SECOND_ROLE]: trustFor('444455556666') } });
    const second = await h.card(SECOND_ROLE);

    // Act
    const modal = await h.openRuleModal(second.ts);

    // Assess
    expect(initial(modal, 'principal')?.initial_value).toBe('444455556666');
    expect(initial(modal, 'rule-name')?.initial_value).toMatch(/^slack-iam-role-444455556666-\d{8}$/);
    expect(sectionText(modal, 'match-count')).toMatch(/Counting|Matches/);
    expect(await h.countShown(/Matches/)).toMatch(/^\*Matches 1 active finding now\*/);
  });
});

function trustFor(account: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
    ],
  };
}
