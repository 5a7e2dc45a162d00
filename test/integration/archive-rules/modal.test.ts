/**
 * Issue #5, "Create archive rule": the modal. It opens at once prefilled from the finding, the bot counts what
 * the rule would archive and shows it (public findings called out), editing a criterion recounts, invalid
 * input is answered inside the modal and changes nothing, and the id of every sensitive account the rule covers
 * must be typed (decided from the criteria, checked against the stored finding after the ack). A taken name is
 * warned about inside the modal.
 */
import {
  ANALYZER,
  type ArchiveRuleHarness,
  SECOND_ROLE,
  sectionText,
  startArchiveRuleHarness,
} from '../../helpers/archive-rule';
import { ALICE } from '../../helpers/deny';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';
import { openRequests, settle } from '../approvals/support';

const FORM = 'application/x-www-form-urlencoded';

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
    expect(initial(modal, 'rule-name')?.initial_value).toMatch(
      new RegExp(`^slack-iam-role-999988887777-${today}-[0-9a-f]{6}$`),
    );
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

  it('asks for a sensitive owner account typed in, though the finding’s account is not sensitive', async () => {
    // Prepare: 444455556666 is sensitive; the finding is in 111122223333
    h = await startArchiveRuleHarness({ env: { SENSITIVE_ACCOUNTS: '444455556666' }, roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);

    // Act: the owner account edited to the sensitive one, nothing typed; then no owner account at all
    const edited = { 'owner-account': '444455556666' };
    const untyped = await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: edited });
    const noOwner = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { 'owner-account': '' },
    });

    // Assess: answered in the modal, nothing requested
    expect(untyped.outcome).toBe('errors');
    expect(untyped.errors).toEqual({
      'confirm-account': expect.stringMatching(/sensitive account 444455556666/),
    });
    expect(noOwner.errors).toEqual({
      'owner-account': expect.stringMatching(/Name the resource owner account/),
    });
    await settle();
    expect(await openRequests(h)).toEqual([]);

    // Act: typed, it goes through, carrying the typed id to the remedy's check
    const typed = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { ...edited, 'confirm-account': '444455556666' },
    });
    expect(typed.outcome).toBe('closed');
    const request = await h.ruleRequest(ts);
    expect(JSON.stringify(request.blocks)).toContain('+ resourceOwnerAccount = 444455556666');
  });

  it('refuses after the ack when the dialog’s metadata names another account than the finding', async () => {
    // Prepare: the finding's account is sensitive; a forged submission claims account 444455556666 and edits
    // the owner account to match, so nothing sensitive shows in what the dialog carries
    h = await startArchiveRuleHarness({ env: { SENSITIVE_ACCOUNTS: '111122223333' }, roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.slack.dispatchInput({
      viewId: modal.id,
      userId: ONCALL,
      blockId: 'owner-account',
      value: '444455556666',
    });
    const action = h.slack.deliveries.filter((d) => d.kind === 'block_actions').at(-1)!.payload as Record<
      string,
      unknown
    > & { view: { private_metadata: string } };
    const meta = JSON.parse(action.view.private_metadata) as Record<string, string>;
    const forged = {
      type: 'view_submission',
      team: action.team,
      user: action.user,
      api_app_id: action.api_app_id,
      token: action.token,
      trigger_id: 'forged',
      view: { ...action.view, private_metadata: JSON.stringify({ ...meta, n: '444455556666' }) },
      response_urls: [],
    };

    // Act
    const res = await h.slack.deliverRaw({
      body: new URLSearchParams({ payload: JSON.stringify(forged) }).toString(),
      contentType: FORM,
    });

    // Assess: acked (the check needs the store), then refused privately; nothing requested
    expect(res.status).toBe(200);
    const refusal = await eventually(() =>
      h.slack.ephemerals({ user: ONCALL }).find((e) => e.text.includes('does not match the finding')),
    );
    expect(refusal.channel).toBe(CHANNEL);
    await settle();
    expect(await openRequests(h)).toEqual([]);
    expect(h.aws.callsTo('CreateArchiveRule')).toHaveLength(0);
  });

  it('warns inside the modal when the rule name is taken in Access Analyzer', async () => {
    // Prepare
    h = await startArchiveRuleHarness({ roles: {} });
    const { ts } = await h.card();
    const modal = await h.openRuleModal(ts);
    await h.countShown(/Matches 1/);
    h.aws.archiveRules.create(ANALYZER, 'taken-name', { isPublic: { eq: ['true'] } });

    // Act: Enter in the name field
    await h.slack.dispatchInput({
      viewId: modal.id,
      userId: ONCALL,
      blockId: 'rule-name',
      value: 'taken-name',
    });

    // Assess: the count section says so; the name entered survives
    const text = await h.countShown(/already has a rule named/);
    expect(text).toContain(`Analyzer ${ANALYZER} already has a rule named "taken-name"`);
    const state = h.ruleModal()!.view.state as { values: Record<string, Record<string, { value?: string }>> };
    expect(state.values['rule-name']?.['archive-rule.input']?.value).toBe('taken-name');
  });

  it('suggests the account when the finding’s principal is a whole account', async () => {
    // Prepare: a role trusting another account's root
    h = await startArchiveRuleHarness({ roles: { [SECOND_ROLE]: trustFor('444455556666') } });
    const second = await h.card(SECOND_ROLE);

    // Act
    const modal = await h.openRuleModal(second.ts);

    // Assess
    expect(initial(modal, 'principal')?.initial_value).toBe('444455556666');
    expect(initial(modal, 'rule-name')?.initial_value).toMatch(
      /^slack-iam-role-444455556666-\d{8}-[0-9a-f]{6}$/,
    );
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
