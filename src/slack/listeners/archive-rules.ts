/**
 * Slack side of archive rules (issue #5):
 * - the "Create archive rule" modal, opened by the finding router (src/slack/listeners/finding-actions.ts) with
 *   the action's `modal`: once open, `modalOpened` counts the matching findings after the ack and fills the
 *   count in with views.update (view id + hash; a stale hash means the person changed something meanwhile and
 *   a newer count follows, so it is ignored); editing a criterion (dispatch_action) recounts the same way;
 * - its submission: validated synchronously from the submitted view alone (no AWS or DynamoDB before the ack),
 *   errors shown in the modal; else acked and turned into an `archive-rule` approval request (idempotent per
 *   view, so a redelivered submission opens no second request);
 * - `/iam-findings rules`: acked at once, then an ephemeral list of the bot's live rules with Delete… buttons;
 *   `/iam-findings` with anything else answers the usage;
 * - Delete…: a delete request through the same approval chain, in the thread of the rule's finding.
 * Refusals and failures after the ack reach the person through the error reporter.
 */
import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import { confirmsAccount, needsAccountConfirmation } from '../../approvals/policy';
import type { ApprovalPolicy } from '../../approvals/types';
import type { Workflow } from '../../approvals/workflow';
import { defaultRuleForm, validateRuleForm, type RuleForm } from '../../archive-rules/criteria';
import type { ArchiveRuleGateway, ArchiveRuleStore, StoredArchiveRule } from '../../archive-rules/ports';
import { AppError, errorMessage } from '../../errors';
import { analyzerName } from '../../findings/finding';
import type { FindingRecord, FindingStore } from '../../findings/ports';
import { archiveRuleList, USAGE_TEXT, type ListedRule } from '../blocks/archive-rule-list';
import {
  archiveRuleModal,
  errorsByBlock,
  readConfirmedAccount,
  readRuleForm,
  type CountState,
  type ViewValues,
} from '../blocks/archive-rule-modal';
import type { ErrorReporter } from '../error-handler';
import {
  ARCHIVE_RULE_BLOCKS,
  ARCHIVE_RULE_CRITERIA_ACTION,
  ARCHIVE_RULE_DELETE_ACTION,
  ARCHIVE_RULE_VIEW,
  IAM_FINDINGS_COMMAND,
  decodeArchiveRuleMeta,
  decodeArchiveRuleValue,
  type ArchiveRuleMeta,
} from '../ids';
import type { AfterAck } from './finding-actions';

/** The finding action whose modal this file serves. */
export const CREATE_ARCHIVE_RULE_ACTION = 'create-archive-rule';

export interface ArchiveRuleListenerDeps {
  findings: FindingStore;
  workflow: Workflow;
  policy: ApprovalPolicy;
  gateway: ArchiveRuleGateway;
  rules: ArchiveRuleStore;
  reportError: ErrorReporter;
  log: Logger;
}

/** A modal the finding router just opened (views.open answered with its id and hash). */
export interface OpenedModal {
  action: string;
  viewId: string;
  hash: string;
  record: FindingRecord;
  origin: { user: string; channel: string; ts: string };
}

class UnknownRuleError extends AppError {
  constructor(ruleName: string) {
    super(
      'archive_rule_unknown',
      `no live archive rule ${ruleName}`,
      `The bot has no live archive rule named \`${ruleName}\` (deleted already?). \`${IAM_FINDINGS_COMMAND} rules\` lists the current ones.`,
    );
    this.name = 'UnknownRuleError';
  }
}

/** Slack errors that only mean the modal moved on (edited again, or closed): a later update or none is due. */
const STALE_VIEW_ERRORS = ['hash_conflict', 'not_found', 'view_not_found'];

export function registerArchiveRuleListeners(
  app: App,
  deps: ArchiveRuleListenerDeps,
  afterAck: AfterAck,
): { modalOpened(opened: OpenedModal): void } {
  const log = deps.log.child({ feature: 'archive-rule' });

  /** Counts what the entered rule matches and shows it in the modal (views.update with the hash it saw). */
  async function refresh(
    view: { id: string; hash: string },
    record: FindingRecord,
    meta: ArchiveRuleMeta,
    form: RuleForm,
  ): Promise<void> {
    const checked = validateRuleForm(form);
    let count: CountState = { kind: 'invalid' };
    if (checked.ok) {
      try {
        count = {
          kind: 'counted',
          count: await deps.gateway.countMatches(record.finding.analyzerArn, checked.rule.filter),
        };
      } catch (err) {
        count = { kind: 'failed', message: err instanceof AppError ? err.userMessage : errorMessage(err) };
      }
    }
    const next = archiveRuleModal({
      finding: record.finding,
      meta,
      form,
      count,
      broad: checked.ok && checked.rule.broad,
      confirmAccount: needsAccountConfirmation(deps.policy, record.finding.accountId),
    });
    try {
      await app.client.views.update({ view_id: view.id, hash: view.hash, view: next });
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? '';
      if (STALE_VIEW_ERRORS.includes(code)) {
        log.debug({ viewId: view.id, code }, 'archive-rule modal moved on; count not shown');
        return;
      }
      log.warn({ viewId: view.id, err: errorMessage(err) }, 'could not update the archive-rule modal');
    }
  }

  function modalOpened(opened: OpenedModal): void {
    if (opened.action !== CREATE_ARCHIVE_RULE_ACTION) return;
    const { finding } = opened.record;
    const meta = { findingId: finding.id, ...opened.origin, accountId: finding.accountId };
    // The count needs AWS: after the ack, queued like other follow-up work. Failures only leave the placeholder.
    afterAck(() =>
      refresh(
        { id: opened.viewId, hash: opened.hash },
        opened.record,
        meta,
        // The same suggestion the action's modal was built with (rule names carry today's date).
        defaultRuleForm(finding, new Date()),
      ),
    ).catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'archive-rule count failed'));
  }

  // Editing a criterion (select, checkbox, Enter in a text input): recount.
  app.action<BlockAction>(
    { type: 'block_actions', action_id: ARCHIVE_RULE_CRITERIA_ACTION },
    async ({ ack, body }) => {
      await ack();
      const view = body.view;
      if (!view || view.callback_id !== ARCHIVE_RULE_VIEW) return;
      await afterAck(async () => {
        try {
          const meta = decodeArchiveRuleMeta(view.private_metadata);
          const record = await deps.findings.get(meta.findingId);
          if (!record) return;
          const form = readRuleForm(view.state.values as ViewValues);
          await refresh({ id: view.id, hash: view.hash }, record, meta, form);
        } catch (err) {
          log.warn({ err: errorMessage(err) }, 'archive-rule recount failed');
        }
      });
    },
  );

  app.view<ViewSubmitAction>(ARCHIVE_RULE_VIEW, async ({ ack, body, view }) => {
    let meta: ArchiveRuleMeta;
    try {
      meta = decodeArchiveRuleMeta(view.private_metadata);
    } catch {
      await ack({
        response_action: 'errors',
        errors: { [ARCHIVE_RULE_BLOCKS.name]: 'This dialog is broken; close it and click the button again.' },
      });
      return;
    }
    const values = view.state.values as ViewValues;
    const form = readRuleForm(values);
    const checked = validateRuleForm(form);
    const errors = checked.ok ? {} : errorsByBlock(checked.errors);
    // The account id travels in the modal's metadata: checking it needs no AWS or DynamoDB call.
    if (needsAccountConfirmation(deps.policy, meta.accountId)) {
      if (!confirmsAccount(readConfirmedAccount(values) ?? '', meta.accountId)) {
        errors[ARCHIVE_RULE_BLOCKS.confirmAccount] =
          "That is not this finding's account id. Type the 12 digits shown in the label.";
      }
    }
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const user = body.user.id;
    await afterAck(async () => {
      try {
        await deps.workflow.request({
          action: 'archive-rule',
          findingId: meta.findingId,
          requester: user,
          requestId: randomUUID(),
          // One request per submitted view: a redelivered submission finds the first one.
          idempotencyKey: `archive-rule:${meta.findingId}:${user}:${view.id}`,
          params: { op: 'create', ...form },
        });
      } catch (err) {
        await deps.reportError(err, { channel: meta.channel, user, threadTs: meta.ts });
      }
    });
  });

  /** The live rules, each marked when Access Analyzer no longer has it (unknown when it cannot be asked). */
  async function listed(): Promise<ListedRule[]> {
    const rules = await deps.rules.listLive();
    const byAnalyzer = new Map<string, StoredArchiveRule[]>();
    for (const r of rules) byAnalyzer.set(r.analyzerArn, [...(byAnalyzer.get(r.analyzerArn) ?? []), r]);
    const present = new Map<string, Set<string> | undefined>();
    await Promise.all(
      [...byAnalyzer.keys()].map(async (arn) => {
        try {
          present.set(arn, new Set((await deps.gateway.list(analyzerName(arn))).map((r) => r.ruleName)));
        } catch (err) {
          log.warn({ analyzerArn: arn, err: errorMessage(err) }, 'could not list archive rules');
          present.set(arn, undefined);
        }
      }),
    );
    return rules.map((rule) => {
      const names = present.get(rule.analyzerArn);
      return names ? { rule, inAws: names.has(rule.ruleName) } : { rule };
    });
  }

  app.command(IAM_FINDINGS_COMMAND, async ({ ack, command, respond }) => {
    const sub = (command as SlashCommand).text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (sub !== 'rules') {
      await ack({ response_type: 'ephemeral', text: USAGE_TEXT });
      return;
    }
    await ack();
    await afterAck(async () => {
      try {
        const { text, blocks } = archiveRuleList(await listed());
        await respond({ response_type: 'ephemeral', text, blocks });
      } catch (err) {
        await deps.reportError(err, { channel: command.channel_id, user: command.user_id });
      }
    });
  });

  app.action<BlockAction<ButtonAction>>(
    ARCHIVE_RULE_DELETE_ACTION,
    async ({ ack, body, action, respond }) => {
      await ack();
      const user = body.user.id;
      await afterAck(async () => {
        try {
          const { analyzerArn, ruleName } = decodeArchiveRuleValue(action.value);
          const stored = await deps.rules.get(analyzerArn, ruleName);
          if (!stored || stored.deletedAt) throw new UnknownRuleError(ruleName);
          await deps.workflow.request({
            action: 'archive-rule',
            findingId: stored.findingId,
            requester: user,
            requestId: randomUUID(),
            idempotencyKey: `archive-rule-delete:${analyzerArn}:${ruleName}:${user}:${action.action_ts}`,
            params: { op: 'delete', analyzerArn, ruleName },
          });
          await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: `Deletion of archive rule \`${ruleName}\` requested: the request is in the thread of the finding it was created from.`,
          });
        } catch (err) {
          await deps.reportError(err, { channel: body.channel?.id, user });
        }
      });
    },
  );

  return { modalOpened };
}
