/**
 * The finding message: a pure function from the stored finding to Block Kit. No I/O.
 * Shows what the console shows (finding id, resource, external principal, condition, shared through, access
 * level, updated) plus resource type, public or not, account, region, status, analyzer, a console link and the
 * action buttons that apply. Every value is escaped and cut to Block Kit's limits.
 */
import type { KnownBlock, SectionBlock } from '@slack/types';
import { findingConsoleUrl } from '../../findings/console-links';
import type { FindingAction } from '../../actions/types';
import { accessLevels } from '../../findings/access-level';
import { type Finding, analyzerName, conditionText, principalText } from '../../findings/finding';
import type { ArchiveInfo, FindingRecord } from '../../findings/ports';
import { CONSOLE_LINK_ACTION, encodeFindingValue, findingActionId } from '../ids';
import { clip, code, escapeMrkdwn, safeText, slackDate } from '../text';

const FIELD_MAX = 2000;
/** How much of an archive reason the card shows (the thread and the decision log keep all of it). */
const REASON_CLIP = 300;
const PENDING_LABELS: Record<string, string> = { deny: 'Deny', undo: 'Undo deny', archive: 'Archive' };
const STATUS_ICON: Record<string, string> = { ACTIVE: '🔴', ARCHIVED: '🗄️', RESOLVED: '✅' };

function field(label: string, value: string, asCode = false): { type: 'mrkdwn'; text: string } {
  const head = `*${label}*\n`;
  const body = safeText(value, FIELD_MAX - head.length, asCode ? code : escapeMrkdwn);
  return { type: 'mrkdwn', text: `${head}${body}` };
}

function title(f: Finding): string {
  if (f.kind === 'unused') return `Unused access: ${f.findingType ?? 'finding'}`;
  if (f.error) return `Access Analyzer could not analyze a resource (${f.error})`;
  return f.isPublic ? 'Public access to a resource' : 'External access to a resource';
}

function statusText(rec: FindingRecord): string {
  const f = rec.finding;
  const icon = STATUS_ICON[f.status] ?? '';
  const deleted = f.isDeleted ? ' (deleted)' : '';
  return `${icon} ${f.status}${deleted}`;
}

function externalFields(f: Finding) {
  const levels = accessLevels(f.action);
  const actions = (f.action ?? []).join(', ');
  return [
    field(
      'External principal',
      principalText(f.principal) ?? (f.error ? 'unknown (analysis error)' : 'none'),
      true,
    ),
    field('Condition', conditionText(f.condition), true),
    field('Shared through', f.sources?.length ? f.sources.join(', ') : 'not reported'),
    field(
      'Access level',
      levels.length ? `${levels.join(', ')}\n${clip(actions, 1500)}` : actions || 'unknown',
    ),
    field('Public', f.isPublic ? '⚠️ Yes — anyone' : 'No'),
  ];
}

function unusedFields(f: Finding) {
  const u = f.unused ?? {};
  const counts =
    u.unusedActions !== undefined || u.unusedServices !== undefined
      ? `${u.unusedActions ?? 0} unused actions in ${u.unusedServices ?? 0} services`
      : undefined;
  const items = u.items?.length ? u.items.join(', ') : undefined;
  return [
    field('Finding type', f.findingType ?? 'unused access'),
    field('Unused', [counts, items].filter(Boolean).join('\n') || 'see the console'),
    field('Last used', u.lastAccessed ?? 'never (in the tracking period)'),
  ];
}

/**
 * "Archived by @x, time", plus the reason (on one line, clipped) and the pending review date when given.
 * @example archivedLine({ by: 'U1', at, reason: 'Partner audit', reviewAt }) // '🗄️ Archived by <@U1>, … — Partner audit · review on …'
 */
export function archivedLine(archived: ArchiveInfo): string {
  const oneLine = (archived.reason ?? '').replace(/\s+/g, ' ').trim();
  const clipped = oneLine.length > REASON_CLIP ? `${oneLine.slice(0, REASON_CLIP - 1)}…` : oneLine;
  const reason = clipped ? ` — ${escapeMrkdwn(clipped)}` : '';
  const review = archived.reviewAt ? ` · review on ${slackDate(archived.reviewAt)}` : '';
  return `🗄️ Archived by <@${archived.by}>, ${slackDate(archived.at)}${reason}${review}`;
}

/**
 * @example findingCard(record, actions) → { text: 'External access: arn:aws:iam::…:role/X by AWS: 999988887777 (ACTIVE)', blocks: [...] }
 */
export function findingCard(
  rec: FindingRecord,
  actions: readonly FindingAction[],
): { text: string; blocks: KnownBlock[] } {
  const f = rec.finding;
  const fields = [
    field('Resource type', f.resourceType),
    ...(f.kind === 'unused' ? unusedFields(f) : externalFields(f)),
    field('Account', f.accountId),
    field('Region', f.region),
    { type: 'mrkdwn' as const, text: `*Status*\n${statusText(rec)}` },
    { type: 'mrkdwn' as const, text: `*Updated*\n${slackDate(f.updatedAt)}` },
  ].slice(0, 10);

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title(f), 150), emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Resource*\n${safeText(f.resource, 2900, code)}` },
    } as SectionBlock,
    { type: 'section', fields } as SectionBlock,
  ];

  const decision: string[] = [];
  if (rec.archived && f.status === 'ARCHIVED') decision.push(archivedLine(rec.archived));
  if (f.status === 'RESOLVED') decision.push('✅ Resolved: Access Analyzer no longer sees this access.');
  if (rec.denied) {
    const d = rec.denied;
    const approved = d.approvedBy.length
      ? `, approved by ${d.approvedBy.map((u) => `<@${u}>`).join(', ')}`
      : '';
    decision.push(
      `⛔ Denied: statement ${code(d.sid)} in the policy of ${code(d.resourceArn)}, requested by <@${d.requestedBy}>${approved}, ${slackDate(d.at)}`,
    );
  }
  if (rec.pending) {
    const label = PENDING_LABELS[rec.pending.action] ?? rec.pending.action;
    const waiting = rec.pending.action === 'archive' ? '' : ' (waiting for approval, see the thread)';
    decision.push(`⏳ ${label} requested by <@${rec.pending.by}>${waiting}`);
  }
  if (decision.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: decision.join('\n') } });

  const buttons = actions
    .filter((a) => a.appliesTo(rec))
    .map((a) => ({
      type: 'button' as const,
      action_id: findingActionId(a.id),
      text: { type: 'plain_text' as const, text: a.label, emoji: true },
      value: encodeFindingValue({ findingId: f.id }),
      ...(a.style ? { style: a.style } : {}),
      ...(a.confirm
        ? {
            confirm: {
              title: { type: 'plain_text' as const, text: a.confirm.title },
              text: { type: 'mrkdwn' as const, text: a.confirm.text },
              confirm: { type: 'plain_text' as const, text: a.confirm.confirm },
              deny: { type: 'plain_text' as const, text: a.confirm.deny },
              style: 'danger' as const,
            },
          }
        : {}),
    }));
  blocks.push({
    type: 'actions',
    block_id: `finding-actions`,
    elements: [
      ...buttons,
      {
        type: 'button',
        action_id: CONSOLE_LINK_ACTION,
        text: { type: 'plain_text', text: 'Open in console', emoji: true },
        url: findingConsoleUrl(f),
      },
    ],
  });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Finding ${code(f.id)} · Analyzer ${code(analyzerName(f.analyzerArn))} · Created ${slackDate(f.createdAt)}`,
      },
    ],
  });

  const who = principalText(f.principal);
  // The notification text is mrkdwn too: escaped, so a hostile resource or principal cannot ping or link.
  const text = clip(
    escapeMrkdwn(
      f.kind === 'unused'
        ? `Unused access (${f.findingType}): ${f.resource} [${f.status}]`
        : `${f.isPublic ? 'Public' : 'External'} access: ${f.resource}${who ? ` by ${who}` : ''} [${f.status}]`,
    ),
    3000,
  );
  return { text, blocks };
}
