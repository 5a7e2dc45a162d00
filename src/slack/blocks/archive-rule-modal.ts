/**
 * The "Create archive rule" modal: a pure view builder plus the readers of what a person entered. No I/O.
 * Every criterion is editable and prefilled from the finding; criteria inputs dispatch an action so the bot can
 * recount (the rule name too, on Enter, to check it is free); the match count starts as "Counting matching
 * findings…" and the bot fills it in with views.update, with warnings (name taken, owner account needed).
 * With SENSITIVE_ACCOUNTS set the modal has the "type the account id" input (optional for Slack; the bot
 * decides from the criteria whether it must hold ids, see src/archive-rules/sensitive.ts).
 * @example
 *   archiveRuleModal({ finding, meta, form: defaultRuleForm(finding, new Date()), count: { kind: 'counting' } })
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import {
  SUPPORTED_RESOURCE_TYPES,
  type PublicChoice,
  type RuleForm,
  type RuleFormErrors,
} from '../../archive-rules/criteria';
import type { MatchCount } from '../../archive-rules/ports';
import { confirmationLabel, typedAccounts, type AccountConfirmation } from '../../archive-rules/sensitive';
import type { Finding } from '../../findings/finding';
import {
  ARCHIVE_RULE_BLOCKS as B,
  ARCHIVE_RULE_CRITERIA_ACTION,
  ARCHIVE_RULE_INPUT,
  ARCHIVE_RULE_VIEW,
  encodeArchiveRuleMeta,
  type ArchiveRuleMeta,
} from '../ids';
import { clip, code, escapeMrkdwn } from '../text';

/** What the count section shows. */
export type CountState =
  | { kind: 'counting' }
  | { kind: 'counted'; count: MatchCount }
  | { kind: 'invalid' }
  | { kind: 'failed'; message: string };

export interface ArchiveRuleModalInput {
  finding: Finding;
  meta: ArchiveRuleMeta;
  /** Initial values (a person's entries survive views.update: same block and action ids). */
  form: RuleForm;
  count: CountState;
  /** The rule as entered is broad: say it needs one more approval stage. */
  broad?: boolean;
  /** SENSITIVE_ACCOUNTS is set: the confirmation input, labelled with the accounts the criteria cover. */
  confirmation?: AccountConfirmation;
  /** Shown under the count: the name is taken, the owner account is needed… */
  warnings?: readonly string[];
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
const option = (value: string, text: string): PlainTextOption => ({ text: plain(text), value });

const PUBLIC_OPTIONS: Record<PublicChoice, PlainTextOption> = {
  false: option('false', 'Only non-public findings (isPublic = false)'),
  true: option('true', 'Only public findings (isPublic = true)'),
  any: option('any', 'Public or not (no isPublic criterion)'),
};
const APPLY_EXISTING = option('yes', 'Also archive existing matching findings');
const TYPE_OPTIONS = SUPPORTED_RESOURCE_TYPES.map((t) => option(t, t));

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The count section's text. */
export function countText(
  count: CountState,
  applyToExisting: boolean,
  broad: boolean,
  warnings: readonly string[] = [],
): string {
  let text: string;
  switch (count.kind) {
    case 'counting':
      text = '⏳ Counting matching findings…';
      break;
    case 'invalid':
      text = 'Fix the criteria above to see how many findings match.';
      break;
    case 'failed':
      text = `❔ Could not count matching findings: ${escapeMrkdwn(clip(count.message, 500))}`;
      break;
    case 'counted': {
      const { active, capped } = count.count;
      const pub = count.count.public > 0 ? ` (⚠️ *${count.count.public} public*)` : '';
      const what = `${capped ? 'at least ' : ''}${plural(active, 'active finding')}`;
      text =
        `*Matches ${what} now*${pub}. ` +
        (applyToExisting
          ? active > 0
            ? 'They are archived once the rule is approved.'
            : 'Nothing to archive now.'
          : 'They stay active: only new findings are archived.');
    }
  }
  const broadNote = broad
    ? '\n🔎 *Broad rule*: no principal or account criterion, so it needs one more approval stage.'
    : '';
  const warned = warnings.map((w) => `\n⚠️ ${escapeMrkdwn(clip(w, 500))}`).join('');
  return `${text}${broadNote}${warned}`;
}

/** The modal, prefilled from `input.form`. */
export function archiveRuleModal(input: ArchiveRuleModalInput): ModalView {
  const { finding, form } = input;
  const analyzer = finding.analyzerArn.slice(finding.analyzerArn.lastIndexOf('/') + 1);
  const publicNote = finding.isPublic
    ? '\n⚠️ This finding is *public*. With "Only non-public findings" the rule does not match it.'
    : '';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        clip(
          `Access Analyzer archives new findings on analyzer ${code(analyzer)} that match *all* criteria below; an empty field matches anything. Suggested from finding ${code(finding.id)}.${publicNote}`,
          3000,
        ),
      ),
    },
    {
      type: 'input',
      block_id: B.name,
      label: plain('Rule name'),
      hint: plain(
        'A letter first, then letters, digits, _ . or - (at most 255). Press Enter to check the name is free.',
      ),
      dispatch_action: true,
      element: {
        type: 'plain_text_input',
        action_id: ARCHIVE_RULE_INPUT,
        initial_value: form.ruleName,
        max_length: 255,
      },
    },
    {
      type: 'input',
      block_id: B.resourceType,
      label: plain('Resource type'),
      optional: true,
      dispatch_action: true,
      element: {
        type: 'static_select',
        action_id: ARCHIVE_RULE_CRITERIA_ACTION,
        placeholder: plain('Any resource type'),
        options: TYPE_OPTIONS,
        ...(form.resourceType && TYPE_OPTIONS.some((o) => o.value === form.resourceType)
          ? { initial_option: option(form.resourceType, form.resourceType) }
          : {}),
      },
    },
    {
      type: 'input',
      block_id: B.principal,
      label: plain('External principal'),
      optional: true,
      dispatch_action: true,
      hint: plain(
        'Account id, IAM or STS ARN, * or web identity provider; several separated by commas. Empty: anyone (a broad rule). Press Enter to recount.',
      ),
      element: {
        type: 'plain_text_input',
        action_id: ARCHIVE_RULE_CRITERIA_ACTION,
        max_length: 3000,
        ...(form.principal ? { initial_value: form.principal } : {}),
        placeholder: plain('arn:aws:iam::123456789012:role/Name'),
      },
    },
    {
      type: 'input',
      block_id: B.ownerAccount,
      label: plain('Resource owner account'),
      optional: true,
      dispatch_action: true,
      element: {
        type: 'plain_text_input',
        action_id: ARCHIVE_RULE_CRITERIA_ACTION,
        max_length: 40,
        ...(form.ownerAccount ? { initial_value: form.ownerAccount } : {}),
        placeholder: plain('123456789012'),
      },
    },
    {
      type: 'input',
      block_id: B.isPublic,
      label: plain('Public findings'),
      dispatch_action: true,
      element: {
        type: 'static_select',
        action_id: ARCHIVE_RULE_CRITERIA_ACTION,
        options: Object.values(PUBLIC_OPTIONS),
        initial_option: PUBLIC_OPTIONS[form.isPublic] ?? PUBLIC_OPTIONS.false,
      },
    },
    {
      type: 'input',
      block_id: B.applyExisting,
      label: plain('Existing findings'),
      optional: true,
      dispatch_action: true,
      element: {
        type: 'checkboxes',
        action_id: ARCHIVE_RULE_CRITERIA_ACTION,
        options: [APPLY_EXISTING],
        ...(form.applyToExisting ? { initial_options: [APPLY_EXISTING] } : {}),
      },
    },
    {
      type: 'section',
      block_id: B.count,
      text: mrkdwn(countText(input.count, form.applyToExisting, input.broad === true, input.warnings ?? [])),
    },
  ];
  if (input.confirmation) blocks.push(confirmAccountBlock(input.confirmation));
  blocks.push(FOOTER);
  return modalOf(encodeArchiveRuleMeta(input.meta), blocks);
}

const FOOTER: KnownBlock = {
  type: 'context',
  elements: [
    mrkdwn(
      "Nothing changes until the request is approved: it is posted in the finding's thread, and someone other than you approves it.",
    ),
  ],
};

function modalOf(privateMetadata: string, blocks: KnownBlock[]): ModalView {
  return {
    type: 'modal',
    callback_id: ARCHIVE_RULE_VIEW,
    private_metadata: privateMetadata,
    title: plain('Create archive rule'),
    submit: plain('Request rule'),
    close: plain('Cancel'),
    blocks,
  };
}

/**
 * SENSITIVE_ACCOUNTS: the requester types the id of each sensitive account the rule covers. Optional for
 * Slack's client (the criteria can change after the label was drawn): the submission checks it.
 */
function confirmAccountBlock(confirmation: AccountConfirmation): KnownBlock {
  return {
    type: 'input',
    block_id: B.confirmAccount,
    label: plain(confirmationLabel(confirmation)),
    optional: true,
    element: {
      type: 'plain_text_input',
      action_id: ARCHIVE_RULE_INPUT,
      max_length: 300,
      placeholder: plain('123456789012'),
    },
  };
}

/** `view.state.values` as Slack sends it (only the fields read here). */
export type ViewValues = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: { value: string }[] | null;
    }
  >
>;

/** What the person entered, as a RuleForm (absent inputs read as empty). */
export function readRuleForm(values: ViewValues): RuleForm {
  const text = (block: string) => values[block]?.[ARCHIVE_RULE_INPUT]?.value ?? '';
  const criterion = (block: string) => values[block]?.[ARCHIVE_RULE_CRITERIA_ACTION];
  const apply = criterion(B.applyExisting)?.selected_options ?? [];
  return {
    ruleName: text(B.name),
    resourceType: criterion(B.resourceType)?.selected_option?.value ?? '',
    principal: criterion(B.principal)?.value ?? '',
    ownerAccount: criterion(B.ownerAccount)?.value ?? '',
    isPublic: (criterion(B.isPublic)?.selected_option?.value ?? '') as PublicChoice,
    applyToExisting: apply.some((o) => o.value === APPLY_EXISTING.value),
  };
}

/** The account ids typed into the sensitive-account input (none when the modal has no such input). */
export function readConfirmedAccounts(values: ViewValues): string[] {
  return typedAccounts(values[B.confirmAccount]?.[ARCHIVE_RULE_INPUT]?.value ?? '');
}

/** Validation messages keyed by the modal's input block ids (for `response_action: 'errors'`). */
export function errorsByBlock(errors: RuleFormErrors): Record<string, string> {
  const blockOf: Record<keyof RuleFormErrors, string> = {
    ruleName: B.name,
    resourceType: B.resourceType,
    principal: B.principal,
    ownerAccount: B.ownerAccount,
    isPublic: B.isPublic,
    criteria: B.principal,
  };
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as [keyof RuleFormErrors, string][]) {
    const block = blockOf[field];
    out[block] = out[block] ? `${out[block]} ${message}` : message;
  }
  return out;
}
