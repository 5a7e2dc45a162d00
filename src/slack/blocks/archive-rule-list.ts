/**
 * `/iam-findings rules`: the archive rules the bot created and that are not deleted, each with its criteria,
 * who asked and approved, when, and a "Delete…" button (confirm dialog) that requests the deletion through the
 * same approval chain. Also the command's usage text. Pure builders, no I/O.
 */
import type { KnownBlock } from '@slack/types';
import { describeFilter } from '../../archive-rules/criteria';
import type { StoredArchiveRule } from '../../archive-rules/ports';
import { analyzerName } from '../../findings/finding';
import { ARCHIVE_RULE_DELETE_ACTION, IAM_FINDINGS_COMMAND, encodeArchiveRuleValue } from '../ids';
import { clip, code, escapeMrkdwn, slackDate } from '../text';

/** One rule to list; `inAws: false` when Access Analyzer no longer has it, undefined when that is unknown. */
export interface ListedRule {
  rule: StoredArchiveRule;
  inAws?: boolean;
}

/** Leaves room under Slack's 50 blocks per message for the header and the notes. */
const MAX_LISTED = 45;

const plain = (text: string) => ({ type: 'plain_text' as const, text });

export const USAGE_TEXT =
  `Usage: \`${IAM_FINDINGS_COMMAND} rules\` lists the archive rules this bot created, each with a *Delete…* button. ` +
  'Create a rule with *Create archive rule* on a finding.';

function ruleBlock(item: ListedRule): KnownBlock {
  const { rule } = item;
  const criteria = describeFilter(rule.filter)
    .map((l) => `• ${escapeMrkdwn(l)}`)
    .join('\n');
  const approvers = rule.approvedBy.map((a) => `<@${a}>`).join(', ') || 'nobody';
  const missing =
    item.inAws === false ? '\n⚠️ Not in Access Analyzer any more (deleted outside the bot?).' : '';
  const text =
    `*${code(rule.ruleName)}* on analyzer ${code(analyzerName(rule.analyzerArn))}\n${criteria}\n` +
    `Created by <@${rule.createdBy}>, approved by ${approvers}, ${slackDate(rule.createdAt)}${missing}`;
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clip(text, 3000) },
    accessory: {
      type: 'button',
      action_id: ARCHIVE_RULE_DELETE_ACTION,
      text: plain('Delete…'),
      style: 'danger',
      value: encodeArchiveRuleValue({ analyzerArn: rule.analyzerArn, ruleName: rule.ruleName }),
      confirm: {
        title: plain('Delete this archive rule?'),
        text: {
          type: 'mrkdwn',
          text: clip(
            `This asks for approval to delete ${code(rule.ruleName)}. Findings it archived stay archived.`,
            300,
          ),
        },
        confirm: plain('Request deletion'),
        deny: plain('Keep it'),
        style: 'danger',
      },
    },
  };
}

/**
 * The ephemeral answer to `/iam-findings rules`.
 * @example archiveRuleList([{ rule, inAws: true }]) → { text: '1 archive rule created by the bot', blocks }
 */
export function archiveRuleList(rules: readonly ListedRule[]): { text: string; blocks: KnownBlock[] } {
  if (rules.length === 0) {
    const text = 'The bot has created no archive rules (or all were deleted).';
    return {
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${text} ${USAGE_TEXT}` } }],
    };
  }
  const text = `${rules.length} archive rule${rules.length === 1 ? '' : 's'} created by the bot`;
  const shown = rules.slice(0, MAX_LISTED);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
    ...shown.map(ruleBlock),
  ];
  if (rules.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${rules.length - shown.length} more; see the analyzer's archive rules in the Access Analyzer console.`,
        },
      ],
    });
  }
  return { text, blocks };
}
