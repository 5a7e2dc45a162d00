/**
 * The digest message: many new findings of one account, resource type and external principal, shown together
 * because a burst left more waiting than DIGEST_THRESHOLD. A pure function from the stored digest and its
 * findings to Block Kit. Lists the first findings with their status, counts the rest, and offers
 * "Show findings" (a card per active finding in the thread) until someone has expanded it.
 */
import type { KnownBlock } from '@slack/types';
import type { DigestView } from '../../findings/digests';
import { principalText } from '../../findings/finding';
import type { FindingRecord } from '../../findings/ports';
import { DIGEST_EXPAND_ACTION, encodeDigestValue } from '../ids';
import { code, escapeMrkdwn, safeText } from '../text';

/** Findings listed by name; the rest are counted. */
export const DIGEST_LISTED = 15;
const STATUS_ICON: Record<string, string> = { ACTIVE: '🔴', ARCHIVED: '🗄️', RESOLVED: '✅' };

function line(rec: FindingRecord): string {
  const f = rec.finding;
  const icon = STATUS_ICON[f.status] ?? '';
  return `${icon} ${safeText(f.resource ?? f.id, 150, code)} ${f.status.toLowerCase()}`;
}

export function digestCard(view: DigestView): { text: string; blocks: KnownBlock[] } {
  const { digest, members } = view;
  const first = members[0]?.finding;
  const count = members.length;
  const principal = principalText(first?.principal) ?? 'none';
  const counts = { ACTIVE: 0, ARCHIVED: 0, RESOLVED: 0 } as Record<string, number>;
  for (const m of members) counts[m.finding.status] = (counts[m.finding.status] ?? 0) + 1;
  const active = counts.ACTIVE ?? 0;
  const listed = members.slice(0, DIGEST_LISTED).map(line);
  const more = count - listed.length;
  const text = escapeMrkdwn(
    `${count} new findings: ${first?.resourceType ?? 'resources'} shared with ${principal} (account ${first?.accountId ?? '?'})`,
  );

  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${count} new findings in one digest`, emoji: true },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Resource type*\n${safeText(first?.resourceType ?? 'unknown', 200)}` },
        { type: 'mrkdwn', text: `*External principal*\n${safeText(principal, 500, code)}` },
        { type: 'mrkdwn', text: `*Account*\n${safeText(first?.accountId ?? 'unknown', 100)}` },
        { type: 'mrkdwn', text: `*Region*\n${safeText(first?.region ?? 'unknown', 100)}` },
      ],
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${listed.join('\n')}${more > 0 ? `\n…and ${more} more` : ''}`,
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Now: ${active} active · ${counts.ARCHIVED ?? 0} archived · ${counts.RESOLVED ?? 0} resolved`,
        },
      ],
    },
  ];
  if (digest.expanded) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Expanded by <@${escapeMrkdwn(digest.expanded.by)}>: one message per active finding in this thread.`,
        },
      ],
    });
  } else if (active === 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'None of these findings is active any more.' }],
    });
  } else {
    blocks.push({
      type: 'actions',
      block_id: 'digest-actions',
      elements: [
        {
          type: 'button',
          action_id: DIGEST_EXPAND_ACTION,
          text: { type: 'plain_text', text: `Show ${active} findings`, emoji: true },
          value: encodeDigestValue(digest.id),
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Digest \`${digest.id}\` · grouped because more than ${view.threshold} new findings were waiting to be posted at once`,
      },
    ],
  });
  return { text, blocks };
}
