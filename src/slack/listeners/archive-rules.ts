/**
 * Slack side of archive rules (issue #5):
 * - the "Create archive rule" modal, opened by the finding router (src/slack/listeners/finding-actions.ts) with
 *   the action's `modal`: once open, `modalOpened` counts the matching findings after the ack and fills the
 *   count in with views.update; editing a criterion or pressing Enter in the name (dispatch_action) recounts
 *   the same way. Only the newest recount of a view writes, with the latest hash known (./latest-view-updates).
 *   Each recount also checks the name is free (Access Analyzer and the bot's store) and warns in the count
 *   section when it is not; the submission cannot (no AWS before the ack), so a name taken after the last
 *   recount is refused in the finding's thread by the remedy's plan;
 * - its submission: validated synchronously from the submitted view alone (no AWS or DynamoDB before the ack),
 *   errors shown in the modal, SENSITIVE_ACCOUNTS included (decided from the entered criteria, see
 *   src/archive-rules/sensitive.ts); else acked, the finding is loaded and must carry the account the modal's
 *   metadata names (else refused, nothing requested), and it becomes an `archive-rule` approval request with the
 *   typed account ids (the remedy's `check` decides again from the stored finding; idempotent per view, so a
 *   redelivered submission opens no second request);
 * - `/iam-findings rules`: acked at once, then REQUESTERS is checked (refused privately) and an ephemeral list
 *   of the bot's live rules with Delete… buttons; `/iam-findings` with anything else answers the usage;
 * - Delete…: a delete request through the same approval chain, in the thread of the rule's finding.
 * Refusals and failures after the ack reach the person through the error reporter.
 */
import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { GroupResolver } from '../../approvals/ports';
import type { ApprovalPolicy } from '../../approvals/types';
import type { Workflow } from '../../approvals/workflow';
import { defaultRuleForm, validateRuleForm, type RuleForm } from '../../archive-rules/criteria';
import type { ArchiveRuleGateway, ArchiveRuleStore, StoredArchiveRule } from '../../archive-rules/ports';
import {
  accountConfirmation,
  confirmationProblem,
  confirmationWarnings,
  confirmsAll,
  modalConfirmation,
} from '../../archive-rules/sensitive';
import { AppError, errorMessage } from '../../errors';
import { analyzerName } from '../../findings/finding';
import type { FindingRecord, FindingStore } from '../../findings/ports';
import { archiveRuleList, USAGE_TEXT, type ListedRule } from '../blocks/archive-rule-list';
import {
  archiveRuleModal,
  errorsByBlock,
  readConfirmedAccounts,
  readRuleForm,
  type CountState,
  type ViewValues,
} from '../blocks/archive-rule-modal';
import type { ErrorReporter } from '../error-handler';
import {
  ARCHIVE_RULE_BLOCKS,
  ARCHIVE_RULE_CRITERIA_ACTION,
  ARCHIVE_RULE_DELETE_ACTION,
  ARCHIVE_RULE_INPUT,
  ARCHIVE_RULE_VIEW,
  IAM_FINDINGS_COMMAND,
  decodeArchiveRuleMeta,
  decodeArchiveRuleValue,
  type ArchiveRuleMeta,
} from '../ids';
import { checkRequester, type AfterAck } from './finding-actions';
import { createLatestViewUpdates } from './latest-view-updates';

/** The finding action whose modal this file serves. */
export const CREATE_ARCHIVE_RULE_ACTION = 'create-archive-rule';

export interface ArchiveRuleListenerDeps {
  findings: FindingStore;
  workflow: Workflow;
  policy: ApprovalPolicy;
  gateway: ArchiveRuleGateway;
  rules: ArchiveRuleStore;
  /** User-group membership, for REQUESTERS on `/iam-findings rules`. */
  groups: GroupResolver;
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

class DialogMismatchError extends AppError {
  constructor(findingId: string) {
    super(
      'archive_rule_dialog_mismatch',
      `archive-rule modal metadata does not match finding ${findingId}`,
      'This dialog does not match the finding it names (its account differs); nothing was requested. Close it and click *Create archive rule* on the finding again.',
    );
    this.name = 'DialogMismatchError';
  }
}

class FindingUnknownError extends AppError {
  constructor(findingId: string) {
    super(
      'finding_unknown',
      `finding ${findingId} not in store`,
      'The bot has no record of this finding; it may belong to another deployment. Nothing was requested.',
    );
    this.name = 'FindingUnknownError';
  }
}

export function registerArchiveRuleListeners(
  app: App,
  deps: ArchiveRuleListenerDeps,
  afterAck: AfterAck,
): { modalOpened(opened: OpenedModal): void } {
  const log = deps.log.child({ feature: 'archive-rule' });
  // Only the newest recount of a modal writes, with the latest hash known (see ./latest-view-updates).
  const updates = createLatestViewUpdates({
    update: async (args) => ({ hash: (await app.client.views.update(args)).view?.hash }),
    onError: (viewId, err) =>
      log.warn({ viewId, err: errorMessage(err) }, 'could not update the archive-rule modal'),
  });

  /** Warnings when the rule name is taken (Access Analyzer or the bot's store); none when it cannot be asked. */
  async function nameWarnings(record: FindingRecord, ruleName: string): Promise<string[]> {
    const { analyzerArn } = record.finding;
    const analyzer = analyzerName(analyzerArn);
    try {
      const [inAws, stored] = await Promise.all([
        deps.gateway.get(analyzer, ruleName),
        deps.rules.get(analyzerArn, ruleName),
      ]);
      if (stored && !stored.deletedAt) {
        return [
          `The bot already has a rule named "${ruleName}"${inAws ? '' : ' (no longer in Access Analyzer; delete it with /iam-findings rules)'}: choose another name, or the request will be refused.`,
        ];
      }
      if (inAws) {
        return [
          `Analyzer ${analyzer} already has a rule named "${ruleName}": choose another name, or the request will be refused.`,
        ];
      }
    } catch (err) {
      log.debug({ err: errorMessage(err) }, 'could not check the archive-rule name');
    }
    return [];
  }

  /** Counts what the entered rule matches and shows it in the modal, if this is still the newest recount. */
  async function refresh(
    viewId: string,
    generation: number,
    record: FindingRecord,
    meta: ArchiveRuleMeta,
    form: RuleForm,
  ): Promise<void> {
    const checked = validateRuleForm(form);
    let count: CountState = { kind: 'invalid' };
    let warnings: string[] = [];
    if (checked.ok) {
      const [counted, names] = await Promise.all([
        deps.gateway.countMatches(record.finding.analyzerArn, checked.rule.filter).then(
          (c): CountState => ({ kind: 'counted', count: c }),
          (err: unknown): CountState => ({
            kind: 'failed',
            message: err instanceof AppError ? err.userMessage : errorMessage(err),
          }),
        ),
        nameWarnings(record, checked.rule.ruleName),
      ]);
      count = counted;
      warnings = names;
    }
    const confirmation = modalConfirmation(
      deps.policy,
      record.finding.accountId,
      checked.ok ? checked.rule.filter : undefined,
    );
    const next = archiveRuleModal({
      finding: record.finding,
      meta,
      form,
      count,
      broad: checked.ok && checked.rule.broad,
      ...(confirmation ? { confirmation } : {}),
      warnings: [...warnings, ...confirmationWarnings(confirmation)],
    });
    const outcome = await updates.write(viewId, generation, next);
    if (outcome !== 'updated') log.debug({ viewId, outcome }, 'archive-rule count not shown');
  }

  function modalOpened(opened: OpenedModal): void {
    if (opened.action !== CREATE_ARCHIVE_RULE_ACTION) return;
    const { finding } = opened.record;
    const meta = { findingId: finding.id, ...opened.origin, accountId: finding.accountId };
    const generation = updates.begin(opened.viewId, opened.hash);
    // The count needs AWS: after the ack, queued like other follow-up work. Failures only leave the placeholder.
    afterAck(() =>
      refresh(
        opened.viewId,
        generation,
        opened.record,
        meta,
        // The same suggestion the action's modal was built with (rule names carry today's date).
        defaultRuleForm(finding, new Date()),
      ),
    ).catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'archive-rule count failed'));
  }

  // Editing a criterion (select, checkbox, Enter in a text input) or Enter in the name: recount.
  const recount = async ({ ack, body }: { ack: () => Promise<void>; body: BlockAction }) => {
    await ack();
    const view = body.view;
    if (!view || view.callback_id !== ARCHIVE_RULE_VIEW) return;
    // The generation is taken in arrival order, before the queued work.
    const generation = updates.begin(view.id, view.hash);
    await afterAck(async () => {
      try {
        const meta = decodeArchiveRuleMeta(view.private_metadata);
        const record = await deps.findings.get(meta.findingId);
        if (!record || record.finding.accountId !== meta.accountId) return;
        const form = readRuleForm(view.state.values as ViewValues);
        await refresh(view.id, generation, record, meta, form);
      } catch (err) {
        log.warn({ err: errorMessage(err) }, 'archive-rule recount failed');
      }
    });
  };
  app.action<BlockAction>({ type: 'block_actions', action_id: ARCHIVE_RULE_CRITERIA_ACTION }, recount);
  app.action<BlockAction>({ type: 'block_actions', action_id: ARCHIVE_RULE_INPUT }, recount);

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
    const addError = (block: string, message: string) => {
      errors[block] = errors[block] ? `${errors[block]} ${message}` : message;
    };
    // SENSITIVE_ACCOUNTS from the entered criteria and the account in the metadata: no AWS or DynamoDB call.
    // After the ack the metadata's account is checked against the stored finding, and the remedy decides again.
    const typed = readConfirmedAccounts(values);
    const confirmation = accountConfirmation(
      deps.policy,
      meta.accountId,
      checked.ok ? checked.rule.filter : undefined,
    );
    if (confirmation.kind === 'refused') {
      addError(ARCHIVE_RULE_BLOCKS.ownerAccount, confirmation.message);
    } else if (confirmation.kind === 'confirm' && !confirmsAll(typed, confirmation.accounts)) {
      const hasInput = view.blocks.some((b) => b.block_id === ARCHIVE_RULE_BLOCKS.confirmAccount);
      addError(
        hasInput ? ARCHIVE_RULE_BLOCKS.confirmAccount : ARCHIVE_RULE_BLOCKS.ownerAccount,
        confirmationProblem(confirmation.accounts, meta.accountId),
      );
    }
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    updates.forget(view.id);
    const user = body.user.id;
    await afterAck(async () => {
      try {
        // private_metadata is only a hint: the stored finding must carry the account the dialog was checked with.
        const record = await deps.findings.get(meta.findingId);
        if (!record) throw new FindingUnknownError(meta.findingId);
        if (record.finding.accountId !== meta.accountId) throw new DialogMismatchError(meta.findingId);
        await deps.workflow.request({
          action: 'archive-rule',
          findingId: meta.findingId,
          requester: user,
          requestId: randomUUID(),
          // One request per submitted view: a redelivered submission finds the first one.
          idempotencyKey: `archive-rule:${meta.findingId}:${user}:${view.id}`,
          // The remedy's check decides SENSITIVE_ACCOUNTS again from the stored finding and these ids.
          params: { op: 'create', ...form, confirmedAccounts: typed },
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
        // REQUESTERS: the list shows who asked and approved what, and offers Delete…; refused privately.
        await checkRequester(deps, command.user_id);
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
