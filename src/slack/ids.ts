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
