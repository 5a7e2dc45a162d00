/**
 * Small helpers shared by the approval journeys (not a test file): a clock tests move, the request behind an
 * approval message, thread notes, ephemerals and the decision log of a finding.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredApproval } from '../../../src/approvals/store-port';
import type { Clock } from '../../../src/findings/ports';
import type { Ephemeral, StoredMessage } from '../../../src/sandbox/slack-standin/types';
import { APPROVE_ACTION } from '../../../src/slack/ids';
import type { DenyHarness } from '../../helpers/deny';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** A time after every due time a test creates (for "everything stored" queries). */
export const FOREVER = Number.MAX_SAFE_INTEGER;

/** The bot's clock: real time plus whatever the test moved it forward. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** Writes an approval policy file (YAML) into a fresh temp directory and returns its path. */
export function policyFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'approval-policy-')), 'approvals.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** The request id an approval message shows ("Request `…`"). */
export function requestIdOf(message: StoredMessage): string {
  const id = /Request `([^`]+)`/.exec(JSON.stringify(message.blocks))?.[1];
  if (!id) throw new Error(`not an approval message: ${message.text}`);
  return id;
}

/** The stored request, which must exist. */
export async function stored(h: DenyHarness, requestId: string): Promise<StoredApproval> {
  const s = await h.bot.stores.approvals.get(requestId);
  if (!s) throw new Error(`approval request ${requestId} is not stored`);
  return s;
}

/** Waits until the stored request has `status`. */
export async function untilStatus(
  h: DenyHarness,
  requestId: string,
  status: StoredApproval['request']['status'],
  timeoutMs = 8000,
): Promise<StoredApproval> {
  return eventually(async () => {
    const s = await h.bot.stores.approvals.get(requestId);
    return s?.request.status === status ? s : undefined;
  }, timeoutMs);
}

/** Clicks Deny as `user` and returns the approval message posted in the card's thread, with its request id. */
export async function requestDeny(
  h: DenyHarness,
  cardTs: string,
  user = ONCALL,
): Promise<{ message: StoredMessage; requestId: string }> {
  const before = new Set(approvalMessages(h, cardTs).map((m) => m.ts));
  const res = await h.click(cardTs, 'finding.deny', user);
  if (res.status !== 200) throw new Error(`Deny click answered ${res.status}`);
  const message = await eventually(() => approvalMessages(h, cardTs).find((m) => !before.has(m.ts)), 8000);
  return { message, requestId: requestIdOf(message) };
}

/** Every approval request message in the card's thread, oldest first. */
export function approvalMessages(h: DenyHarness, cardTs: string): StoredMessage[] {
  return h.slack.replies(CHANNEL, cardTs).filter((r) => JSON.stringify(r.blocks ?? []).includes('Request `'));
}

/** The approval message as Slack shows it now. */
export function current(h: DenyHarness, message: StoredMessage): StoredMessage {
  const m = h.slack.message(CHANNEL, message.ts);
  if (!m) throw new Error(`message ${message.ts} is gone`);
  return m;
}

export const hasButtons = (m: StoredMessage): boolean => JSON.stringify(m.blocks).includes(APPROVE_ACTION);

/** The bot's plain replies in the card's thread (approval messages excluded) whose text matches. */
export function threadNotes(h: DenyHarness, cardTs: string, pattern: RegExp): StoredMessage[] {
  return h.slack
    .replies(CHANNEL, cardTs)
    .filter((r) => !JSON.stringify(r.blocks ?? []).includes('Request `') && pattern.test(r.text));
}

/** Waits until at least one thread note matches `pattern`, and returns those that do. */
export async function threadNotesAppear(
  h: DenyHarness,
  cardTs: string,
  pattern: RegExp,
): Promise<StoredMessage[]> {
  return eventually(() => {
    const notes = threadNotes(h, cardTs, pattern);
    return notes.length > 0 ? notes : undefined;
  });
}

/** Moves the bot's clock forward by `ms` and runs the due work once, as the bot's timer would. */
export async function advanceAndRunDue(h: DenyHarness, clock: TestClock, ms: number): Promise<void> {
  clock.advance(ms);
  await h.bot.workflow.runDue();
}

/** Waits for the `n`-th ephemeral shown to `user` and returns it. */
export async function nthEphemeral(h: DenyHarness, user: string, n = 1): Promise<Ephemeral> {
  return eventually(() => h.slack.ephemerals({ user })[n - 1]);
}

/** Clicks Approve on the approval message (as it is now, or as `seenBlocks` still shows it). */
export async function clickApprove(
  h: DenyHarness,
  message: StoredMessage,
  user: string,
  seenBlocks?: StoredMessage['blocks'],
): Promise<void> {
  const res = await h.slack.clickButton({
    channel: CHANNEL,
    ts: message.ts,
    actionId: APPROVE_ACTION,
    userId: user,
    ...(seenBlocks ? { seenBlocks } : {}),
  });
  if (res.status !== 200) throw new Error(`Approve click answered ${res.status}`);
}

/** The phases of the finding's decision log, in order. */
export async function phases(h: DenyHarness, findingId: string): Promise<string[]> {
  return (await h.bot.stores.decisions.forFinding(findingId)).map((d) => d.phase);
}

/** Everything the approval store holds as open (PENDING) or approved-not-executed. */
export async function openRequests(h: DenyHarness): Promise<StoredApproval[]> {
  const { approvals } = h.bot.stores;
  return [...(await approvals.due(FOREVER)), ...(await approvals.pendingExecutions(FOREVER))];
}

/** Statements of the role's trust policy with Effect Deny. */
export function denyStatements(h: DenyHarness, roleName?: string): Record<string, unknown>[] {
  return h.trustPolicy(roleName).Statement.filter((s) => s.Effect === 'Deny');
}

/** Lets in-flight work that a test expects NOT to happen have its chance to show up. */
export const settle = (ms = 400): Promise<void> => new Promise((r) => setTimeout(r, ms));
