/**
 * Helpers for the "Archive with reason…" journeys (not a test file): the bot on the stand-ins with a clock the
 * test moves, the AWS stand-in's finding events delivered to it (as an EventBridge API destination would), one
 * posted finding card, the modal driven like a person would, and a second replica on the same tables.
 */
import { Writable } from 'node:stream';
import { type Bot, createBot } from '../../../src/app';
import { createAwsClients } from '../../../src/aws/clients';
import { createLogger } from '../../../src/log';
import { LOCAL_REGION } from '../../../src/sandbox/local-stack';
import type {
  OpenedView,
  StoredMessage,
  ViewSubmissionResult,
} from '../../../src/sandbox/slack-standin/types';
import { ARCHIVE_REASON_BLOCKS, ARCHIVE_REASON_VIEW } from '../../../src/slack/ids';
import { CHANNEL, type Harness, ONCALL, eventually, startHarness } from '../../helpers/harness';
import { type TestClock, testClock } from '../approvals/support';

export const FINDING_ID = '7c0ffee0-2222-4e2f-9a8b-0123456789ab';
export const ROLE_ARN = 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole';
export const REASON = 'Alice (999988887777) audits this role every quarter under contract #4711.';
export const DAY = 86_400_000;
export const REASON_BUTTON = 'finding.archive-with-reason';

export interface ArchiveHarness extends Harness {
  clock: TestClock;
  /** The finding card's ts. */
  ts: string;
}

/** Starts the bot with a test clock, delivers the AWS stand-in's finding events, and posts one role finding. */
export async function startArchiveHarness(env?: Record<string, string>): Promise<ArchiveHarness> {
  const clock = testClock();
  const h = await startHarness({ clock, ...(env ? { env } : {}) });
  const unsubscribe = h.aws.onFindingEvent((event) => {
    h.postEvent(event).catch(() => undefined);
  });
  h.aws.accessAnalyzer.addFinding({
    id: FINDING_ID,
    analyzerArn: h.analyzerArn,
    resource: ROLE_ARN,
    resourceType: 'AWS::IAM::Role',
    principal: { AWS: 'arn:aws:iam::999988887777:user/Alice' },
    action: ['sts:AssumeRole'],
  });
  const card = await eventually(() => cards(h)[0]);
  const stop = h.stop.bind(h);
  return Object.assign(h, {
    clock,
    ts: card.ts,
    async stop() {
      unsubscribe();
      await stop();
    },
  });
}

/** The finding cards in the channel (top-level messages carrying the finding's metadata). */
export function cards(h: Harness): StoredMessage[] {
  return h.slack.messages(CHANNEL).filter((m) => m.metadata);
}

/** Thread replies of the card that were also sent to the channel. */
export function broadcasts(h: Harness, ts: string): StoredMessage[] {
  return h.slack.messages(CHANNEL).filter((m) => m.subtype === 'thread_broadcast' && m.thread_ts === ts);
}

/** The UTC calendar date `days` after the bot's now (what a person picks in the datepicker). */
export function dateIn(clock: TestClock, days: number): string {
  return new Date(clock.now() + days * DAY).toISOString().slice(0, 10);
}

/** Clicks "Archive with reason…" on the card and returns the modal it opened. */
export async function openReasonModal(h: ArchiveHarness, user = ONCALL): Promise<OpenedView> {
  const before = new Set(h.slack.modalStack(user).map((v) => v.id));
  const res = await h.slack.clickButton({
    channel: CHANNEL,
    ts: h.ts,
    actionId: REASON_BUTTON,
    userId: user,
  });
  if (res.status !== 200) throw new Error(`Archive with reason… click answered ${res.status}`);
  return eventually(() =>
    h.slack.modalStack(user).find((v) => !before.has(v.id) && v.view.callback_id === ARCHIVE_REASON_VIEW),
  );
}

/** Submits the open modal with what the person typed and picked. */
export function submitReason(
  h: Harness,
  view: OpenedView,
  values: { reason?: string; reviewOn?: string | null; account?: string },
  user = ONCALL,
): Promise<ViewSubmissionResult> {
  return h.slack.submitView({
    viewId: view.id,
    userId: user,
    values: {
      ...(values.reason !== undefined ? { [ARCHIVE_REASON_BLOCKS.reason]: values.reason } : {}),
      ...(values.reviewOn !== undefined ? { [ARCHIVE_REASON_BLOCKS.reviewOn]: values.reviewOn } : {}),
      ...(values.account !== undefined ? { [ARCHIVE_REASON_BLOCKS.account]: values.account } : {}),
    },
  });
}

/** Archives the card's finding through the modal (no approval chain) and waits until the store has it. */
export async function archiveWithReason(h: ArchiveHarness, reviewOn: string | null): Promise<void> {
  const view = await openReasonModal(h);
  const result = await submitReason(h, view, { reason: REASON, reviewOn });
  if (result.outcome !== 'closed') throw new Error(`submission answered ${result.outcome}`);
  await eventually(async () => (await h.bot.stores.findings.get(FINDING_ID))?.archived?.reason === REASON);
}

/** UpdateFindings calls that set `status`. */
export function updateFindingsTo(h: Harness, status: 'ACTIVE' | 'ARCHIVED') {
  return h.aws.callsTo('UpdateFindings').filter((c) => (c.input as { status?: string }).status === status);
}

/** The phases of the finding's decision log, in order. */
export async function phases(h: Harness): Promise<string[]> {
  return (await h.bot.stores.decisions.forFinding(FINDING_ID)).map((d) => d.phase);
}

/** A second replica of the bot on the same tables, stand-ins and clock (as a second container would be). */
export async function startReplica(h: ArchiveHarness): Promise<Bot> {
  const quiet = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const replica = createBot({
    config: h.config,
    log: createLogger('info', quiet),
    host: '127.0.0.1',
    clock: h.clock,
    aws: createAwsClients({
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      maxAttempts: 2,
      endpoints: {
        accessAnalyzer: h.aws.url,
        sqs: h.aws.url,
        iam: h.aws.url,
        eventbridge: h.aws.url,
        dynamodb: process.env.TEST_DYNAMODB_ENDPOINT as string,
      },
    }),
    slackClientOptions: { retryConfig: { retries: 0 } },
  });
  await replica.start();
  return replica;
}
