/**
 * The approval request message: a pure function from the stored request to Block Kit. No I/O.
 * Shows what will change (the policy diff), the evidence (our evaluator and Access Analyzer's preview), who
 * asked, the stages with their votes, when it expires, and Approve / Reject while it is open.
 * Plans of other remedies render through the same generic fields: `label` (header), `target` (the resource
 * line, e.g. "archive rule … on analyzer …"), `diff`, and `notes` (one bullet per line for the approvers).
 */
import type { KnownBlock } from '@slack/types';
import type { ApprovalView } from '../../approvals/ports';
import { mentionList } from '../../approvals/principals';
import type { ApprovalRequest } from '../../approvals/types';
import { APPROVE_ACTION, REJECT_ACTION, encodeApprovalValue } from '../ids';
import { clip, code, escapeMrkdwn, safeText, slackDate } from '../text';

const STATUS_TEXT: Record<ApprovalRequest['status'], string> = {
  PENDING: '⏳ Waiting for approval',
  APPROVED: '✅ Approved, running',
  EXECUTED: '✅ Approved and done',
  REJECTED: '🚫 Rejected',
  EXPIRED: '⌛ Expired without a decision',
  FAILED: '❌ Approved, but it failed',
};

const yesNo = (v: unknown, yes: string, no: string) =>
  v === true ? `✅ ${yes}` : v === false ? `❌ ${no}` : `❔ ${yes}: not sure`;

interface PlanView {
  /** Overrides the remedy's label in the header ("Delete archive rule" for the archive-rule remedy). */
  label?: string;
  /** What the request acts on, when it is not the finding's resource (an archive rule). */
  target?: string;
  roleArn?: string;
  diff?: string;
  /** Extra lines for the approvers (how many findings a rule would archive, why a stage was added). */
  notes?: string[];
  changes?: boolean;
  evidence?: {
    blocksExternal?: unknown;
    keepsOwnerAccess?: unknown;
    details?: string[];
    preview?: { kind?: string; detail?: string };
  };
}

const PREVIEW_TEXT: Record<string, string> = {
  resolves: '✅ Access Analyzer (access preview) agrees',
  'does-not-resolve': '❌ Access Analyzer (access preview) disagrees',
  unavailable: '❔ Access Analyzer (access preview) gave no verdict',
};

function evidenceText(plan: PlanView): string | undefined {
  const e = plan.evidence;
  if (!e) return undefined;
  const lines = [
    yesNo(e.blocksExternal, 'Blocks the external principal', 'Does NOT block the external principal'),
    yesNo(e.keepsOwnerAccess, "Keeps the owner account's access", 'Takes away access the account itself had'),
  ];
  if (e.preview?.kind) {
    lines.push(
      `${PREVIEW_TEXT[e.preview.kind] ?? e.preview.kind}${e.preview.detail ? `: ${escapeMrkdwn(e.preview.detail)}` : ''}`,
    );
  }
  return `*Evidence*\n${lines.join('\n')}`;
}

/**
 * The plan's notes, one bullet each: all text escaped; mentions the bot wrote are kept, but never inside an
 * inline code span, where notes quote what people typed (so a typed `<@U…>` stays text).
 */
function notesText(plan: PlanView): string | undefined {
  const notes = Array.isArray(plan.notes) ? plan.notes.filter((n) => typeof n === 'string' && n !== '') : [];
  if (notes.length === 0) return undefined;
  const keepMentions = (s: string) =>
    s
      .split('`')
      .map((part, i) => {
        const escaped = escapeMrkdwn(part);
        return i % 2 === 0 ? escaped.replace(/&lt;@([UW][A-Z0-9]+)&gt;/g, '<@$1>') : escaped;
      })
      .join('`');
  return clip(notes.map((n) => `• ${keepMentions(n)}`).join('\n'), 3000);
}

function stagesText(request: ApprovalRequest): string {
  return request.chain
    .map((stage, i) => {
      const state = request.stages[i];
      const votes = (state?.votes ?? []).map(
        (v) =>
          `${v.verdict === 'approve' ? '👍' : '👎'} <@${v.by}>${v.reason ? ` (${escapeMrkdwn(clip(v.reason, 300))})` : ''}`,
      );
      const approvals = (state?.votes ?? []).filter((v) => v.verdict === 'approve').length;
      const open = request.status === 'PENDING' && i === request.stageIndex;
      const mark =
        i < request.stageIndex || (approvals >= stage.required && !open) ? '✅' : open ? '▶️' : '◻️';
      return `${mark} Stage ${i + 1} "${escapeMrkdwn(stage.name)}": ${approvals}/${stage.required} from ${mentionList(stage.approvers)}${votes.length ? ` · ${votes.join(', ')}` : ''}`;
    })
    .join('\n');
}

/**
 * @example approvalCard(view) → { text: 'Deny requested by <@U0ONCALL> on arn:…', blocks: [...] }
 */
export function approvalCard(view: ApprovalView): { text: string; blocks: KnownBlock[] } {
  const { request } = view.approval;
  const plan = (request.plan ?? {}) as PlanView;
  const f = view.finding;
  const label = typeof plan.label === 'string' && plan.label ? plan.label : view.label;
  const header = `${label} requested by <@${request.requester}>`;
  const target =
    typeof plan.target === 'string' && plan.target ? plan.target : (plan.roleArn ?? f?.resource ?? '');
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(`*${header}*\n${STATUS_TEXT[request.status]}\nResource: ${code(target)}`, 3000),
      },
    },
  ];
  if (plan.diff) {
    const what =
      plan.changes === false ? '_The policy already is as requested: nothing would change._\n' : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*What changes*\n${what}\`\`\`${safeText(plan.diff, 2800, (s) => escapeMrkdwn(s).replace(/```/g, 'ˋˋˋ'))}\`\`\``,
      },
    });
  }
  const notes = notesText(plan);
  if (notes) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: notes } });
  const evidence = evidenceText(plan);
  if (evidence) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(evidence, 3000) } });
  if (request.chain.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Approvals*\n${stagesText(request)}`, 3000) },
    });
  }
  if (view.outcome)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(view.outcome, 3000) } });
  if (request.status === 'PENDING') {
    const value = encodeApprovalValue({ requestId: request.id, stage: request.stageIndex });
    blocks.push({
      type: 'actions',
      block_id: 'approval-actions',
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          style: 'primary',
          value,
          text: { type: 'plain_text', text: 'Approve' },
        },
        {
          type: 'button',
          action_id: REJECT_ACTION,
          style: 'danger',
          value,
          text: { type: 'plain_text', text: 'Reject…' },
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Request ${code(request.id)} · ${request.status === 'PENDING' ? 'Expires' : 'Was open until'} ${slackDate(new Date(request.expiresAt).toISOString())} · Nobody approves their own request`,
      },
    ],
  });
  return { text: clip(`${header} on ${target} [${request.status}]`, 3000), blocks };
}
