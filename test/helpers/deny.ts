/**
 * Deny journeys: a harness whose AWS stand-in holds real roles and analyses them, delivering its finding
 * events to the bot (as an EventBridge API destination would), plus small helpers to click through approvals.
 */
import type { StoredMessage } from '../../src/sandbox/slack-standin/types';
import { APPROVE_ACTION, REJECT_ACTION } from '../../src/slack/ids';
import type { Clock } from '../../src/findings/ports';
import { CHANNEL, type Harness, ONCALL, eventually, startHarness } from './harness';

export const ALICE = 'arn:aws:iam::999988887777:user/Alice';
export const ROLE = 'Audit_CrossAccountRole';
export const APPROVER1 = 'U0APPROVER1';
export const APPROVER2 = 'U0APPROVER2';

export interface DenyHarness extends Harness {
  /** The finding card of the first finding on `roleName`. */
  card(roleName?: string): Promise<{ ts: string; findingId: string }>;
  trustPolicy(roleName?: string): { Statement: Record<string, unknown>[] } & Record<string, unknown>;
  /** The approval request message in the finding's thread (the newest one). */
  approvalMessage(cardTs: string): Promise<StoredMessage>;
  click(ts: string, actionId: string, userId?: string): ReturnType<Harness['slack']['clickButton']>;
  approve(cardTs: string, userId: string): Promise<void>;
  reject(cardTs: string, userId: string, reason: string): Promise<void>;
  /** Stops delivering the AWS stand-in's finding events to the bot (as if the API destination broke). */
  stopEvents(): void;
}

export interface DenyHarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Roles to create: name → trust policy (default: Audit_CrossAccountRole trusting Alice). */
  roles?: Record<string, object>;
}

export const aliceTrust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }],
};

export async function startDenyHarness(opts: DenyHarnessOptions = {}): Promise<DenyHarness> {
  const roles = opts.roles ?? { [ROLE]: aliceTrust };
  const harness = await startHarness({
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  // Delivered like an API destination; after stop() (or stopEvents()) nothing is delivered any more.
  const unsubscribe = harness.aws.onFindingEvent((event) => {
    harness.postEvent(event).catch(() => undefined);
  });
  // The roles are created once the bot runs: a finding older than the bot's first sight of the analyzer would be
  // baselined (stored, never posted), and an analysis before the subscription would deliver nothing.
  for (const [name, trustPolicy] of Object.entries(roles)) harness.aws.iam.createRole({ name, trustPolicy });
  await harness.aws.analyze();

  const cards = async () => harness.slack.messages(CHANNEL).filter((m) => m.metadata);
  const card: DenyHarness['card'] = async (roleName = ROLE) => {
    const m = await eventually(async () =>
      (await cards()).find((c) => JSON.stringify(c.blocks).includes(`role/${roleName}`)),
    );
    const meta = m.metadata as unknown as { event_payload: { finding_id: string } };
    return { ts: m.ts, findingId: meta.event_payload.finding_id };
  };
  const click: DenyHarness['click'] = (ts, actionId, userId = ONCALL) =>
    harness.slack.clickButton({ channel: CHANNEL, ts, actionId, userId });
  const approvalMessage: DenyHarness['approvalMessage'] = async (cardTs) =>
    eventually(() =>
      harness.slack
        .replies(CHANNEL, cardTs)
        .filter((r) => JSON.stringify(r.blocks ?? []).includes('Request `'))
        .at(-1),
    );
  const stop = harness.stop.bind(harness);
  return Object.assign(harness, {
    stopEvents: unsubscribe,
    async stop() {
      unsubscribe();
      await stop();
    },
    card,
    click,
    approvalMessage,
    trustPolicy: (roleName = ROLE) => JSON.parse(harness.aws.iam.getRole(roleName)!.trustPolicy),
    async approve(cardTs: string, userId: string) {
      const msg = await eventually(async () => {
        const m = await approvalMessage(cardTs);
        return JSON.stringify(m.blocks).includes(APPROVE_ACTION) ? m : undefined;
      });
      const res = await click(msg.ts, APPROVE_ACTION, userId);
      if (res.status !== 200) throw new Error(`approve click answered ${res.status}`);
    },
    async reject(cardTs: string, userId: string, reason: string) {
      const msg = await approvalMessage(cardTs);
      await click(msg.ts, REJECT_ACTION, userId);
      const view = await eventually(() => harness.slack.modalStack(userId).at(-1));
      await harness.slack.submitView({ viewId: view.id, userId, values: { reason: { reason: reason } } });
    },
  });
}
