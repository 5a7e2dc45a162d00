import { defaultRuleForm } from '../../../src/archive-rules/criteria';
import { validateView } from '../../../src/sandbox/slack-standin/view-limits';
import {
  archiveRuleModal,
  countText,
  errorsByBlock,
  readConfirmedAccounts,
  readRuleForm,
  type ArchiveRuleModalInput,
  type ViewValues,
} from '../../../src/slack/blocks/archive-rule-modal';
import { archiveRuleList } from '../../../src/slack/blocks/archive-rule-list';
import {
  ARCHIVE_RULE_CRITERIA_ACTION,
  ARCHIVE_RULE_DELETE_ACTION,
  ARCHIVE_RULE_INPUT,
  ARCHIVE_RULE_VIEW,
  decodeArchiveRuleMeta,
  decodeArchiveRuleValue,
} from '../../../src/slack/ids';
import { validateBlocks } from '../../../src/sandbox/slack-standin/block-limits';
import { aliceRoleFinding } from '../../fixtures/findings';

const ALICE = 'arn:aws:iam::999988887777:user/Alice';
const DAY = new Date('2026-11-23T10:00:00Z');

type Block = {
  type: string;
  block_id?: string;
  optional?: boolean;
  dispatch_action?: boolean;
  text?: { text: string };
  element?: {
    type: string;
    action_id: string;
    initial_value?: string;
    initial_option?: { value: string };
    initial_options?: { value: string }[];
  };
};

const input = (over: Partial<ArchiveRuleModalInput> = {}): ArchiveRuleModalInput => ({
  finding: aliceRoleFinding(),
  meta: {
    findingId: aliceRoleFinding().id,
    channel: 'C0SECURITY',
    ts: '1700000000.000100',
    accountId: '111122223333',
  },
  form: defaultRuleForm(aliceRoleFinding(), DAY),
  count: { kind: 'counting' },
  ...over,
});

const blocksOf = (view: { blocks: unknown[] }) => view.blocks as Block[];
const block = (view: { blocks: unknown[] }, id: string) => blocksOf(view).find((b) => b.block_id === id);

/** The state Slack would send for the modal as prefilled (initial values, nothing typed). */
function initialState(view: { blocks: unknown[] }): ViewValues {
  const values: ViewValues = {};
  for (const b of blocksOf(view)) {
    if (b.type !== 'input' || !b.element || !b.block_id) continue;
    const el = b.element;
    values[b.block_id] = {
      [el.action_id]: {
        value: el.initial_value ?? null,
        selected_option: el.initial_option ?? null,
        selected_options: el.initial_options ?? [],
      },
    };
  }
  return values;
}

describe('archiveRuleModal', () => {
  it('prefills every criterion from the finding, all editable, and starts counting', () => {
    // Act
    const view = archiveRuleModal(input());
    // Assess
    expect(view.callback_id).toBe(ARCHIVE_RULE_VIEW);
    expect(block(view, 'rule-name')?.element?.initial_value).toMatch(
      /^slack-iam-role-999988887777-20261123-[0-9a-f]{6}$/,
    );
    expect(block(view, 'resource-type')?.element?.initial_option?.value).toBe('AWS::IAM::Role');
    expect(block(view, 'principal')?.element?.initial_value).toBe(ALICE);
    expect(block(view, 'owner-account')?.element?.initial_value).toBe('111122223333');
    expect(block(view, 'is-public')?.element?.initial_option?.value).toBe('false');
    expect(block(view, 'apply-existing')?.element?.initial_options?.map((o) => o.value)).toEqual(['yes']);
    expect(block(view, 'match-count')?.text?.text).toBe('⏳ Counting matching findings…');
    expect(JSON.stringify(view)).toContain('Also archive existing matching findings');
    expect(decodeArchiveRuleMeta(view.private_metadata)).toEqual(input().meta);
    expect(validateView(view, ['modal'])).toEqual([]);
  });

  it('makes the criteria dispatch an action (recount) and the name dispatch its own (name check)', () => {
    const view = archiveRuleModal(input());
    const dispatching = blocksOf(view)
      .filter((b) => b.dispatch_action)
      .map((b) => [b.block_id, b.element?.action_id]);
    expect(dispatching).toEqual([
      ['rule-name', ARCHIVE_RULE_INPUT],
      ['resource-type', ARCHIVE_RULE_CRITERIA_ACTION],
      ['principal', ARCHIVE_RULE_CRITERIA_ACTION],
      ['owner-account', ARCHIVE_RULE_CRITERIA_ACTION],
      ['is-public', ARCHIVE_RULE_CRITERIA_ACTION],
      ['apply-existing', ARCHIVE_RULE_CRITERIA_ACTION],
    ]);
    expect(block(view, 'rule-name')?.element?.action_id).toBe(ARCHIVE_RULE_INPUT);
    expect(block(view, 'rule-name')?.optional).toBeUndefined();
  });

  it('reads back exactly the form it was built from', () => {
    const form = {
      ...defaultRuleForm(aliceRoleFinding(), DAY),
      isPublic: 'any' as const,
      applyToExisting: false,
    };
    const view = archiveRuleModal(input({ form }));
    expect(readRuleForm(initialState(view))).toEqual(form);
  });

  it('asks for the account ids of the sensitive accounts the rule covers, and reads them back', () => {
    const plain = archiveRuleModal(input());
    const sensitive = archiveRuleModal(
      input({ confirmation: { kind: 'confirm', accounts: ['111122223333'] } }),
    );
    const two = archiveRuleModal(
      input({ confirmation: { kind: 'confirm', accounts: ['111122223333', '444455556666'] } }),
    );
    const none = archiveRuleModal(input({ confirmation: { kind: 'none' } }));
    expect(block(plain, 'confirm-account')).toBeUndefined();
    expect(JSON.stringify(block(sensitive, 'confirm-account'))).toContain(
      'Account 111122223333 is sensitive',
    );
    expect(JSON.stringify(block(two, 'confirm-account'))).toContain(
      'Accounts 111122223333, 444455556666 are sensitive',
    );
    // The input stays (optional) while no sensitive account is covered: editing the owner account may change that.
    expect(block(none, 'confirm-account')?.optional).toBe(true);
    expect(readConfirmedAccounts(initialState(plain))).toEqual([]);
    expect(
      readConfirmedAccounts({
        'confirm-account': { [ARCHIVE_RULE_INPUT]: { value: ' 111122223333, 444455556666 ' } },
      }),
    ).toEqual(['111122223333', '444455556666']);
    expect(validateView(sensitive, ['modal'])).toEqual([]);
    expect(validateView(two, ['modal'])).toEqual([]);
  });

  it('shows warnings (a taken name) under the count', () => {
    const view = archiveRuleModal(input({ warnings: ['Analyzer MyAnalyzer already has a rule named "x"'] }));
    expect(block(view, 'match-count')?.text?.text).toContain(
      '⚠️ Analyzer MyAnalyzer already has a rule named',
    );
  });

  it('warns that a public finding is not matched by the suggested non-public rule', () => {
    const view = archiveRuleModal(
      input({ finding: aliceRoleFinding({ isPublic: true, principal: { AWS: '*' } }) }),
    );
    expect(JSON.stringify(view.blocks[0])).toContain('This finding is *public*');
  });

  it.each<[string, Parameters<typeof countText>, RegExp]>([
    ['counting', [{ kind: 'counting' }, true, false], /^⏳ Counting matching findings…$/],
    [
      'a count with public findings called out',
      [{ kind: 'counted', count: { active: 3, public: 1, capped: false } }, true, false],
      /^\*Matches 3 active findings now\* \(⚠️ \*1 public\*\)\. They are archived once the rule is approved\.$/,
    ],
    [
      'one finding, left active',
      [{ kind: 'counted', count: { active: 1, public: 0, capped: false } }, false, false],
      /^\*Matches 1 active finding now\*\. They stay active: only new findings are archived\.$/,
    ],
    [
      'a capped count',
      [{ kind: 'counted', count: { active: 1000, public: 0, capped: true } }, true, false],
      /at least 1000 active findings/,
    ],
    ['invalid criteria', [{ kind: 'invalid' }, true, false], /Fix the criteria/],
    [
      'a failed count',
      [{ kind: 'failed', message: 'AccessDenied <x>' }, true, false],
      /AccessDenied &lt;x&gt;/,
    ],
    ['a broad rule', [{ kind: 'counting' }, true, true], /Broad rule.*one more approval stage/s],
  ])('shows %s', (_what, args, expected) => {
    expect(countText(...args)).toMatch(expected);
  });

  it('maps validation errors to the input blocks (no criterion → the principal block)', () => {
    expect(
      errorsByBlock({ ruleName: 'bad name', ownerAccount: '12 digits', criteria: 'Give at least one' }),
    ).toEqual({ 'rule-name': 'bad name', 'owner-account': '12 digits', principal: 'Give at least one' });
  });
});

describe('archiveRuleList', () => {
  const rule = {
    analyzerArn: 'arn:aws:access-analyzer:us-west-2:111122223333:analyzer/MyAnalyzer',
    ruleName: 'slack-iam-role-999988887777-20261123',
    filter: { 'principal.AWS': { eq: [ALICE] }, isPublic: { eq: ['false'] } },
    createdBy: 'U0ONCALL',
    approvedBy: ['U0APPROVER1'],
    requestId: 'req-1',
    findingId: 'f-1',
    createdAt: '2026-11-23T10:00:00.000Z',
  };

  it('lists each rule with its criteria, people and a Delete… button with a confirm dialog', () => {
    const { text, blocks } = archiveRuleList([{ rule, inAws: true }]);
    const t = JSON.stringify(blocks);
    expect(text).toBe('1 archive rule created by the bot');
    expect(t).toContain('slack-iam-role-999988887777-20261123');
    expect(t).toContain('MyAnalyzer');
    expect(t).toContain(`principal.AWS = ${ALICE}`);
    expect(t).toContain('Created by <@U0ONCALL>, approved by <@U0APPROVER1>');
    const button = (blocks[1] as { accessory: { action_id: string; value: string; confirm: unknown } })
      .accessory;
    expect(button.action_id).toBe(ARCHIVE_RULE_DELETE_ACTION);
    expect(decodeArchiveRuleValue(button.value)).toEqual({
      analyzerArn: rule.analyzerArn,
      ruleName: rule.ruleName,
    });
    expect(button.confirm).toBeDefined();
    expect(t).not.toContain('Not in Access Analyzer');
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('marks a rule Access Analyzer no longer has, and says when there are none', () => {
    expect(JSON.stringify(archiveRuleList([{ rule, inAws: false }]).blocks)).toContain(
      'Not in Access Analyzer any more',
    );
    expect(archiveRuleList([]).text).toContain('no archive rules');
  });

  it('stays within 50 blocks for many rules', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ rule: { ...rule, ruleName: `r${i}` } }));
    const { blocks } = archiveRuleList(many);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks.at(-1))).toContain('15 more');
  });
});
