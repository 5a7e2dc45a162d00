/**
 * The "Archive with reason…" modal: a pure builder (no I/O) plus its private_metadata. It asks for the
 * justification (required, 10–2,000 characters), an optional "Review on" date (the finding is reopened at
 * 09:00 UTC that day), and, on a SENSITIVE_ACCOUNTS account when archiving needs approval, the account id.
 * The submission is checked by `checkArchiveReason` (src/actions/archive-with-reason.ts) before the ack.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { REASON_MAX_CHARS as REASON_MAX, REASON_MIN_CHARS as REASON_MIN } from '../../actions/archive';
import { InvalidInputError } from '../../errors';
import { ARCHIVE_REASON_BLOCKS, ARCHIVE_REASON_VIEW } from '../ids';
import { code, escapeMrkdwn } from '../text';

/** What the modal carries to its submission: the finding, where it was clicked, and the account to type. */
export interface ArchiveReasonMeta {
  findingId: string;
  channel: string;
  /** The finding message's ts. */
  ts: string;
  /** Set when the requester must type the finding's account id (sensitive account, archive with approval). */
  accountId?: string;
}

const meta = z
  .object({
    f: z.string().min(1).max(128),
    c: z.string().max(64),
    t: z.string().max(64),
    n: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
  })
  .strict();

export function encodeArchiveReasonMeta(m: ArchiveReasonMeta): string {
  return JSON.stringify({
    f: m.findingId,
    c: m.channel,
    t: m.ts,
    ...(m.accountId ? { n: m.accountId } : {}),
  });
}

/** @throws InvalidInputError if the metadata was not written by encodeArchiveReasonMeta. */
export function decodeArchiveReasonMeta(raw: string | undefined): ArchiveReasonMeta {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    parsed = undefined;
  }
  const r = meta.safeParse(parsed);
  if (!r.success) throw new InvalidInputError('This dialog carries no finding reference.');
  const v = r.data;
  return { findingId: v.f, channel: v.c, ts: v.t, ...(v.n ? { accountId: v.n } : {}) };
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

export interface ArchiveReasonModalInput {
  meta: ArchiveReasonMeta;
  /** The finding's resource ARN, shown so the requester knows what they archive. */
  resource: string;
  /** Archive goes through an approval chain: the submit button requests instead of archiving. */
  approval: boolean;
}

/**
 * @example archiveReasonModal({ meta: { findingId: 'f', channel: 'C1', ts: '1.2' }, resource: 'arn:…', approval: false })
 *   → a modal titled "Archive with reason" with a reason input and a "Review on" datepicker, submit "Archive".
 */
export function archiveReasonModal(input: ArchiveReasonModalInput): ModalView {
  const { meta: m, resource, approval } = input;
  const then = approval
    ? 'Approvers see your reason first; the finding is archived once they approve.'
    : 'The finding is archived in Access Analyzer at once.';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `Archive the finding on ${code(resource.slice(0, 2000))}: the access is intended. ${then}`,
      },
    },
    {
      type: 'input',
      block_id: ARCHIVE_REASON_BLOCKS.reason,
      label: plain('Why is this access intended?'),
      hint: plain(
        `Shown on the finding's message, kept in the decision log, and quoted when it is reopened. ${REASON_MIN}–${REASON_MAX.toLocaleString('en-US')} characters.`,
      ),
      element: {
        type: 'plain_text_input',
        action_id: ARCHIVE_REASON_BLOCKS.reason,
        multiline: true,
        min_length: REASON_MIN,
        max_length: REASON_MAX,
        placeholder: plain('e.g. Partner account 999988887777 runs our quarterly audit (contract #123).'),
      },
    },
    {
      type: 'input',
      block_id: ARCHIVE_REASON_BLOCKS.reviewOn,
      optional: true,
      label: plain('Review on'),
      hint: plain(
        'Optional. At 09:00 UTC on this date the bot reopens the finding and posts it again with your reason. From tomorrow (UTC) up to one year ahead.',
      ),
      element: {
        type: 'datepicker',
        action_id: ARCHIVE_REASON_BLOCKS.reviewOn,
        placeholder: plain('No review'),
      },
    },
  ];
  if (m.accountId) {
    blocks.push(
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Account ${code(m.accountId)} is marked sensitive. To request *${escapeMrkdwn('Archive')}*, type its 12-digit account id.`,
        },
      },
      {
        type: 'input',
        block_id: ARCHIVE_REASON_BLOCKS.account,
        label: plain('Account id'),
        element: {
          type: 'plain_text_input',
          action_id: ARCHIVE_REASON_BLOCKS.account,
          min_length: 12,
          max_length: 20,
          placeholder: plain('123456789012'),
        },
      },
    );
  }
  return {
    type: 'modal',
    callback_id: ARCHIVE_REASON_VIEW,
    private_metadata: encodeArchiveReasonMeta(m),
    title: plain('Archive with reason'),
    submit: plain(approval ? 'Request archive' : 'Archive'),
    close: plain('Cancel'),
    blocks,
  };
}
