/**
 * Archive-rule journeys: the Deny harness (real roles analysed by the AWS stand-in, finding events delivered to
 * the bot) with more roles trusting Alice and a public one, plus helpers to open the "Create archive rule"
 * modal, read its count, submit it, find the approval request, and run `/iam-findings`.
 */
import type { Ephemeral, OpenedView, StoredMessage } from '../../src/sandbox/slack-standin/types';
import type { ViewValues } from '../../src/sandbox/slack-standin';
import { ARCHIVE_RULE_VIEW } from '../../src/slack/ids';
import { type DenyHarness, ROLE, aliceTrust, startDenyHarness } from './deny';
import { CHANNEL, ONCALL, eventually } from './harness';

export const SECOND_ROLE = 'Backup_CrossAccountRole';
export const PUBLIC_ROLE = 'Open_PublicRole';
export const ANALYZER = 'MyAnalyzer';
export const CREATE_ACTION = 'finding.create-archive-rule';

export const publicTrust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
};

export interface ArchiveRuleHarness extends DenyHarness {
  /** Opens the modal from the finding card as `user` and returns it as Slack shows it. */
  openRuleModal(cardTs: string, user?: string): Promise<OpenedView>;
  /** The person's open archive-rule modal, as it is now. */
  ruleModal(user?: string): OpenedView | undefined;
  /** Waits until the modal's count section matches `pattern`; returns its text. */
  countShown(pattern: RegExp, user?: string): Promise<string>;
  /** The approval request message in the card's thread whose text matches `label` (newest first). */
  ruleRequest(cardTs: string, label?: RegExp): Promise<StoredMessage>;
  /** Runs `/iam-findings <text>` and returns the ephemeral answer that appears. */
  command(text: string, user?: string): Promise<Ephemeral>;
  /** ACTIVE/ARCHIVED/RESOLVED of the AWS stand-in's finding on the role. */
  awsStatus(roleName: string): string | undefined;
  /** The finding card of the role as Slack shows it now. */
  cardText(roleName: string): Promise<string>;
  /** Waits until the bot's store has every finding in the status Access Analyzer has (events handled). */
  inSync(): Promise<void>;
}

export interface ArchiveRuleHarnessOptions {
  env?: Record<string, string>;
  /** Roles besides the Alice role (default: a second role trusting Alice, and a public role). */
  roles?: Record<string, object>;
}

/** A modal's section text by block id. */
export function sectionText(view: OpenedView, blockId: string): string {
  const blocks = view.view.blocks as { block_id?: string; text?: { text?: string } }[];
  return blocks.find((b) => b.block_id === blockId)?.text?.text ?? '';
}

export async function startArchiveRuleHarness(
  opts: ArchiveRuleHarnessOptions = {},
): Promise<ArchiveRuleHarness> {
  const roles = opts.roles ?? { [SECOND_ROLE]: aliceTrust, [PUBLIC_ROLE]: publicTrust };
  const h = await startDenyHarness({
    ...(opts.env ? { env: opts.env } : {}),
    roles: { [ROLE]: aliceTrust, ...roles },
  });
  const ruleModal = (user = ONCALL) =>
    h.slack
      .modalStack(user)
      .filter((v) => v.view.callback_id === ARCHIVE_RULE_VIEW)
      .at(-1);
  const findingOf = (roleName: string) =>
    h.aws.accessAnalyzer.listFindings().find((f) => f.resource.endsWith(`:role/${roleName}`));
  return Object.assign(h, {
    ruleModal,
    async openRuleModal(cardTs: string, user = ONCALL) {
      const before = new Set(h.slack.views().map((v) => v.id));
      const res = await h.click(cardTs, CREATE_ACTION, user);
      if (res.status !== 200) throw new Error(`Create archive rule click answered ${res.status}`);
      return eventually(() => {
        const v = ruleModal(user);
        return v && !before.has(v.id) ? v : undefined;
      });
    },
    async countShown(pattern: RegExp, user = ONCALL) {
      const view = await eventually(() => {
        const v = ruleModal(user);
        return v && pattern.test(sectionText(v, 'match-count')) ? v : undefined;
      }, 8000);
      return sectionText(view, 'match-count');
    },
    async ruleRequest(cardTs: string, label = /archive rule requested by/) {
      return eventually(
        () =>
          h.slack
            .replies(CHANNEL, cardTs)
            .filter((r) => JSON.stringify(r.blocks ?? []).includes('Request `') && label.test(r.text))
            .at(-1),
        8000,
      );
    },
    async command(text: string, user = ONCALL) {
      const before = h.slack.ephemerals({ user }).length;
      const res = await h.slack.slashCommand({
        command: '/iam-findings',
        text,
        userId: user,
        channel: CHANNEL,
      });
      if (res.status !== 200) throw new Error(`/iam-findings answered ${res.status}`);
      return eventually(() => h.slack.ephemerals({ user }).slice(before).at(-1), 8000);
    },
    awsStatus: (roleName: string) => findingOf(roleName)?.status,
    async inSync() {
      await eventually(async () => {
        for (const f of h.aws.accessAnalyzer.listFindings()) {
          if ((await h.bot.stores.findings.get(f.id))?.finding.status !== f.status) return false;
        }
        return true;
      }, 8000);
    },
    async cardText(roleName: string) {
      const card = await h.card(roleName);
      return JSON.stringify(h.slack.message(CHANNEL, card.ts)?.blocks ?? []);
    },
  });
}

/** Values to change in the modal on submission, by block id (see the stand-in's ViewValues). */
export type RuleEdits = ViewValues;
