/**
 * Create archive rule: a click opens a modal at once (Slack's trigger_id lasts 3 s), prefilled from the finding
 * with the rule Access Analyzer's console would suggest: a generated name, the resource type, the external
 * principal, the resource owner account and `isPublic = false`, all editable, plus "Also archive existing
 * matching findings" (on). The bot then counts what the rule would archive and updates the modal; the
 * submission becomes an `archive-rule` approval request (src/slack/listeners/archive-rules.ts), and once it is
 * approved the remedy (src/archive-rules/remedy.ts) calls CreateArchiveRule (+ ApplyArchiveRule). A rule with
 * no principal or account criterion is broad and needs the policy's extra stage.
 * Needs: access-analyzer:CreateArchiveRule, ApplyArchiveRule, ListFindings (ListFindingsV2, for the count),
 * ListArchiveRules, DeleteArchiveRule (deleting through `/iam-findings rules`).
 * @example clicking Create archive rule on the Alice finding opens a modal with the rule name
 *   `slack-iam-role-999988887777-<today>-<6 hex of the finding id>`, resource type AWS::IAM::Role, principal Alice's ARN, owner account
 *   111122223333 and "Only non-public findings".
 */
import { defaultRuleForm, validateRuleForm } from '../archive-rules/criteria';
import { confirmationWarnings, modalConfirmation } from '../archive-rules/sensitive';
import { archiveRuleModal } from '../slack/blocks/archive-rule-modal';
import type { FindingAction } from './types';

export const createArchiveRule: FindingAction = {
  id: 'create-archive-rule',
  label: 'Create archive rule',
  permissions: [
    'access-analyzer:CreateArchiveRule',
    'access-analyzer:ApplyArchiveRule',
    // ListFindingsV2 (the count) is authorised by the IAM action ListFindings; there is no ListFindingsV2 action.
    'access-analyzer:ListFindings',
    'access-analyzer:ListArchiveRules',
    'access-analyzer:DeleteArchiveRule',
  ],
  approval: 'archive-rule',
  // Rules from a finding's principal and public-ness: external-access findings of existing resources.
  appliesTo: ({ finding: f }) => f.kind === 'external' && !f.isDeleted,

  modal(record, origin, policy) {
    const { finding } = record;
    const form = defaultRuleForm(finding, new Date());
    const checked = validateRuleForm(form);
    // SENSITIVE_ACCOUNTS: from the suggested criteria; recounts redraw it from what the person entered.
    const confirmation = modalConfirmation(
      policy,
      finding.accountId,
      checked.ok ? checked.rule.filter : undefined,
    );
    return archiveRuleModal({
      finding,
      meta: { findingId: finding.id, channel: origin.channel, ts: origin.ts, accountId: finding.accountId },
      form,
      count: { kind: 'counting' },
      broad: checked.ok && checked.rule.broad,
      ...(confirmation ? { confirmation } : {}),
      warnings: confirmationWarnings(confirmation),
    });
  },
};
