/**
 * Action ids and button values, defined once and shared by the renderer and the router.
 * Finding buttons: action_id `finding.<action id>` (e.g. `finding.archive`), value = encoded FindingButtonValue.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors';

export const FINDING_ACTION_PREFIX = 'finding.';
export const FINDING_ACTION_PATTERN = /^finding\.[a-z-]+$/;
/** The console link button (a URL button: Slack still sends a block_actions that must be acked). */
export const CONSOLE_LINK_ACTION = 'finding.open-console';

export const findingActionId = (actionId: string) => `${FINDING_ACTION_PREFIX}${actionId}`;

const findingValue = z.object({ f: z.string().min(1).max(128) }).strict();
export interface FindingButtonValue {
  findingId: string;
}

export function encodeFindingValue(v: FindingButtonValue): string {
  return JSON.stringify({ f: v.findingId });
}

/** @throws InvalidInputError if the value was not produced by encodeFindingValue. */
export function decodeFindingValue(raw: string | undefined): FindingButtonValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    throw new InvalidInputError(
      'This button carries no finding reference; the message may be from an older version.',
    );
  }
  const r = findingValue.safeParse(parsed);
  if (!r.success)
    throw new InvalidInputError(
      'This button carries no finding reference; the message may be from an older version.',
    );
  return { findingId: r.data.f };
}

/** A value or private_metadata we wrote as JSON, checked against its schema. @throws InvalidInputError */
function parseJson<T>(schema: z.ZodType<T>, raw: string | undefined, problem: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    throw new InvalidInputError(problem);
  }
  const r = schema.safeParse(parsed);
  if (!r.success) throw new InvalidInputError(problem);
  return r.data;
}

/** Approve / Reject on an approval request message; value = encoded ApprovalButtonValue. */
export const APPROVE_ACTION = 'approval.approve';
export const REJECT_ACTION = 'approval.reject';
/** The modal asking a rejecting approver for a reason; private_metadata = encoded ApprovalButtonValue. */
export const REJECT_REASON_VIEW = 'approval.reject-reason';
export const REJECT_REASON_BLOCK = 'reason';
export const REJECT_REASON_INPUT = 'reason';
/** The longest reject reason taken (the modal says so; a submission that skips the modal's limit is refused). */
export const REJECT_REASON_MAX = 1000;
/** The modal asking the requester to type the account id of a sensitive account. */
export const CONFIRM_ACCOUNT_VIEW = 'finding.confirm-account';
export const CONFIRM_ACCOUNT_BLOCK = 'account';
export const CONFIRM_ACCOUNT_INPUT = 'account';

const approvalValue = z.object({ r: z.string().min(1).max(64), s: z.number().int().min(0).max(20) }).strict();
export interface ApprovalButtonValue {
  requestId: string;
  /** The stage the button was rendered for (a click on a stale message is refused). */
  stage: number;
}

export function encodeApprovalValue(v: ApprovalButtonValue): string {
  return JSON.stringify({ r: v.requestId, s: v.stage });
}

/** @throws InvalidInputError if the value was not produced by encodeApprovalValue. */
export function decodeApprovalValue(raw: string | undefined): ApprovalButtonValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    parsed = undefined;
  }
  const r = approvalValue.safeParse(parsed);
  if (!r.success) {
    throw new InvalidInputError(
      'This button carries no approval request reference; the message may be from an older version.',
    );
  }
  return { requestId: r.data.r, stage: r.data.s };
}

const confirmMeta = z
  .object({
    f: z.string().min(1).max(128),
    a: z.string().min(1).max(40),
    n: z.string().regex(/^\d{12}$/),
    c: z.string(),
    t: z.string(),
  })
  .strict();
/** What the confirm-account modal carries: finding, action, and where the click happened. */
export interface ConfirmAccountMeta {
  findingId: string;
  action: string;
  /** The finding's account: what the requester has to type. */
  accountId: string;
  channel: string;
  ts: string;
}

export function encodeConfirmMeta(m: ConfirmAccountMeta): string {
  return JSON.stringify({ f: m.findingId, a: m.action, n: m.accountId, c: m.channel, t: m.ts });
}

export function decodeConfirmMeta(raw: string | undefined): ConfirmAccountMeta {
  const v = parseJson(confirmMeta, raw, 'This dialog carries no finding reference.');
  return { findingId: v.f, action: v.a, accountId: v.n, channel: v.c, ts: v.t };
}

/**
 * "Create archive rule" (issue #5): the modal (callback id), its input blocks, the action ids of its inputs
 * (criteria inputs dispatch `ARCHIVE_RULE_CRITERIA_ACTION` to recount), the Delete… button of
 * `/iam-findings rules`, and the slash command. Not `finding.`-prefixed, so the finding router ignores them.
 */
export const ARCHIVE_RULE_VIEW = 'archive-rule.create';
export const ARCHIVE_RULE_BLOCKS = {
  name: 'rule-name',
  resourceType: 'resource-type',
  principal: 'principal',
  ownerAccount: 'owner-account',
  isPublic: 'is-public',
  applyExisting: 'apply-existing',
  confirmAccount: 'confirm-account',
  count: 'match-count',
} as const;
export const ARCHIVE_RULE_INPUT = 'archive-rule.input';
export const ARCHIVE_RULE_CRITERIA_ACTION = 'archive-rule.criteria';
export const ARCHIVE_RULE_DELETE_ACTION = 'archive-rule.delete';
export const IAM_FINDINGS_COMMAND = '/iam-findings';

const archiveRuleMeta = z
  .object({ f: z.string().min(1).max(128), c: z.string(), t: z.string(), n: z.string().max(20) })
  .strict();
/** What the archive-rule modal carries: the finding, where it was clicked, and the finding's account. */
export interface ArchiveRuleMeta {
  findingId: string;
  channel: string;
  ts: string;
  accountId: string;
}

export function encodeArchiveRuleMeta(m: ArchiveRuleMeta): string {
  return JSON.stringify({ f: m.findingId, c: m.channel, t: m.ts, n: m.accountId });
}

export function decodeArchiveRuleMeta(raw: string | undefined): ArchiveRuleMeta {
  const v = parseJson(archiveRuleMeta, raw, 'This dialog carries no finding reference.');
  return { findingId: v.f, channel: v.c, ts: v.t, accountId: v.n };
}

const ruleValue = z.object({ a: z.string().min(1).max(300), r: z.string().min(1).max(300) }).strict();
/** The Delete… button of one rule in `/iam-findings rules`. */
export interface ArchiveRuleButtonValue {
  analyzerArn: string;
  ruleName: string;
}

export function encodeArchiveRuleValue(v: ArchiveRuleButtonValue): string {
  return JSON.stringify({ a: v.analyzerArn, r: v.ruleName });
}

export function decodeArchiveRuleValue(raw: string | undefined): ArchiveRuleButtonValue {
  const v = parseJson(ruleValue, raw, 'This button carries no archive rule reference.');
  return { analyzerArn: v.a, ruleName: v.r };
}

/**
 * "Archive with reason…" (button `finding.archive-with-reason`): the modal's callback id and its input blocks
 * (the reason, the optional review date, and the account id on a sensitive account with an archive chain),
 * each with one input whose action id is the block id. private_metadata: see slack/blocks/archive-reason-modal.
 */
export const ARCHIVE_REASON_VIEW = 'archive-reason.submit';
export const ARCHIVE_REASON_BLOCKS = { reason: 'reason', reviewOn: 'review-on', account: 'account' } as const;

// `/iam-generate` (issue #6): the progress/result message's buttons and the attach modal.
export const GENERATION_CANCEL_ACTION = 'generation.cancel';
export const GENERATION_ATTACH_ACTION = 'generation.request-attach';
export const GENERATION_REVERT_ACTION = 'generation.revert';
export const GENERATION_ATTACH_VIEW = 'generation.attach';
/** Attach modal blocks: one input per placeholder (`placeholder:<name>`), the detach choice, the policy preview. */
export const GENERATION_ATTACH_BLOCKS = {
  placeholderPrefix: 'placeholder:',
  detach: 'detach',
  preview: 'preview',
} as const;
export const GENERATION_ATTACH_INPUT = 'value';

/** "Show findings" on a digest message; value = encoded DigestButtonValue. */
export const DIGEST_EXPAND_ACTION = 'digest.expand';
const digestValue = z.object({ d: z.string().uuid() }).strict();

export function encodeDigestValue(digestId: string): string {
  return JSON.stringify({ d: digestId });
}

/** @throws InvalidInputError if the value was not produced by encodeDigestValue. */
export function decodeDigestValue(raw: string | undefined): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    throw new InvalidInputError('This button carries no digest reference.');
  }
  const r = digestValue.safeParse(parsed);
  if (!r.success) throw new InvalidInputError('This button carries no digest reference.');
  return r.data.d;
}
