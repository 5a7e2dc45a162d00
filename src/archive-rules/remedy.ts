/**
 * The `archive-rule` remedy: what the approval workflow runs for "Create archive rule" and for deleting a
 * rule the bot created. Both go through the same `archive-rule` chain; a broad rule (see ./criteria) asks for
 * the policy's extra stage.
 * - create (params: the modal's RuleForm + `op: 'create'` + `confirmedAccounts`, the account ids typed for
 *   SENSITIVE_ACCOUNTS): check = the criteria are valid and every sensitive account the rule covers was typed
 *   (./sensitive, decided from the filter, so an edited owner account cannot sidestep it); plan = the criteria as
 *   a diff, how many ACTIVE findings match now (public ones called out), broad or not, refused when the name is
 *   taken in Access Analyzer or by a live rule in the bot's store; apply = the store is checked again, a pending
 *   marker is written, CreateArchiveRule, the rule is recorded, then ApplyArchiveRule when the requester kept
 *   "Also archive existing matching findings".
 *   A name taken on CreateArchiveRule (ConflictException) is adopted only when this request's pending marker
 *   was already there before this attempt (a retry after a crash between CreateArchiveRule and the record) and
 *   the rule has the same criteria; anything else is refused and changes nothing.
 * - delete (params `{ op: 'delete', analyzerArn, ruleName }`): the rule must be live in the bot's store; the
 *   plan keeps the request that created it and its filter. apply refuses (changing nothing) unless the store
 *   still has that same record live and Access Analyzer's rule of that name has the same filter (a rule
 *   re-created outside the bot or by another request is left alone); then DeleteArchiveRule and the record is
 *   marked deleted. Findings it archived stay archived.
 * A request does not hold the finding's claim (`claimsFinding: false`): a rule is about more than this one
 * finding, so it never blocks a Deny on it. Apply is idempotent (a retry after a crash finds the rule made).
 * IAM: access-analyzer:CreateArchiveRule, ApplyArchiveRule, DeleteArchiveRule, ListArchiveRules, ListFindings.
 * @example
 *   workflow.request({ action: 'archive-rule', findingId, requester, requestId, idempotencyKey,
 *     params: { op: 'create', ...defaultRuleForm(finding, new Date()) } });
 */
import { z } from 'zod';
import type { Remedy, RemedyParams } from '../approvals/ports';
import type { ApprovalPolicy } from '../approvals/types';
import { AppError, errorMessage } from '../errors';
import { analyzerName } from '../findings/finding';
import type { Clock, FindingRecord } from '../findings/ports';
import {
  describeFilter,
  sameFilter,
  validateRuleForm,
  type CheckedRule,
  type RuleFilter,
  type RuleForm,
} from './criteria';
import type { ArchiveRuleGateway, ArchiveRuleStore, MatchCount, StoredArchiveRule } from './ports';
import { accountConfirmation, confirmationProblem, confirmsAll } from './sensitive';

export interface ArchiveRuleRemedyDeps {
  gateway: ArchiveRuleGateway;
  store: ArchiveRuleStore;
  clock: Clock;
  /** SENSITIVE_ACCOUNTS (`sensitiveAccounts`) decides which account ids the requester must have typed. */
  policy: ApprovalPolicy;
}

const createParams = z.object({
  op: z.literal('create'),
  ruleName: z.string().max(300),
  resourceType: z.string().max(100),
  principal: z.string().max(3000),
  ownerAccount: z.string().max(40),
  isPublic: z.enum(['false', 'true', 'any']),
  applyToExisting: z.boolean(),
  /** The account ids typed in the modal's confirmation input (SENSITIVE_ACCOUNTS). */
  confirmedAccounts: z.array(z.string().max(40)).max(20).optional(),
});
const deleteParams = z.object({
  op: z.literal('delete'),
  analyzerArn: z.string().min(1).max(300),
  ruleName: z.string().min(1).max(300),
});
const params = z.discriminatedUnion('op', [createParams, deleteParams]);
export type ArchiveRuleParams = z.infer<typeof params>;

/** The plan approvers see and `apply` runs (stored on the request). */
export interface ArchiveRulePlan {
  kind: 'archive-rule';
  op: 'create' | 'delete';
  /** Header of the approval message ("Create archive rule", "Delete archive rule"). */
  label: string;
  /** The resource line of the approval message. */
  target: string;
  /** The criteria as diff lines (`+` for create, `-` for delete). */
  diff: string;
  /** Extra lines for approvers: the count of matches, broad or not, retroactive or not. */
  notes: string[];
  analyzerArn: string;
  ruleName: string;
  filter: RuleFilter;
  applyToExisting: boolean;
  broad: boolean;
  count?: MatchCount;
  /** Delete: the request that created the stored rule; apply deletes only while the store still has it. */
  ruleRequestId?: string;
}

class ArchiveRuleRefusedError extends AppError {
  constructor(message: string) {
    super('archive_rule_refused', message, message);
    this.name = 'ArchiveRuleRefusedError';
  }
}

function parse(raw: RemedyParams | undefined): ArchiveRuleParams {
  const r = params.safeParse(raw ?? {});
  if (!r.success)
    throw new ArchiveRuleRefusedError('This archive-rule request is incomplete; start it again.');
  return r.data;
}

function checkedRule(p: Extract<ArchiveRuleParams, { op: 'create' }>): CheckedRule {
  const form: RuleForm = {
    ruleName: p.ruleName,
    resourceType: p.resourceType,
    principal: p.principal,
    ownerAccount: p.ownerAccount,
    isPublic: p.isPublic,
    applyToExisting: p.applyToExisting,
  };
  const result = validateRuleForm(form);
  if (!result.ok) {
    const first = Object.values(result.errors)[0] ?? 'The criteria are not valid.';
    throw new ArchiveRuleRefusedError(`The archive rule is not valid: ${first}`);
  }
  return result.rule;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Would archive 3 active findings now (1 public)", or what the count could not say. */
export function countNote(count: MatchCount | undefined, applyToExisting: boolean, failure?: string): string {
  if (!count) return `Could not count the matching findings${failure ? ` (${failure})` : ''}.`;
  const n = `${count.capped ? 'at least ' : ''}${plural(count.active, 'active finding')}`;
  const pub = count.public > 0 ? ` (⚠️ ${count.public} public)` : '';
  return applyToExisting
    ? `Would archive ${n} now${pub}.`
    : `Matches ${n} now${pub}; they stay active (only new findings are archived).`;
}

export const BROAD_NOTE = 'Broad rule: no principal or account criterion — one more approval stage.';

function userList(ids: readonly string[]): string {
  return ids.map((a) => `<@${a}>`).join(', ') || 'nobody (no approval needed)';
}

/** A live rule of that name in the bot's store (created by another request): the name is taken. */
function liveRuleRefusal(
  stored: StoredArchiveRule,
  analyzer: string,
  inAws: boolean,
): ArchiveRuleRefusedError {
  const who = `created by <@${stored.createdBy}> on ${stored.createdAt.slice(0, 10)}`;
  return new ArchiveRuleRefusedError(
    inAws
      ? `The bot already has a live archive rule named \`${stored.ruleName}\` on analyzer \`${analyzer}\` (${who}); nothing changed. Choose another name, or delete that rule first (\`/iam-findings rules\`).`
      : `The bot's record says it created archive rule \`${stored.ruleName}\` on analyzer \`${analyzer}\` (${who}), but Access Analyzer no longer has it (deleted outside the bot?); nothing changed. Delete it with \`/iam-findings rules\` to clear the record, or choose another name.`,
  );
}

export function createArchiveRuleRemedy(deps: ArchiveRuleRemedyDeps): Remedy {
  const { gateway, store, clock, policy } = deps;

  async function planCreate(
    rec: FindingRecord,
    p: Extract<ArchiveRuleParams, { op: 'create' }>,
  ): Promise<ArchiveRulePlan> {
    const rule = checkedRule(p);
    const { analyzerArn } = rec.finding;
    const analyzer = analyzerName(analyzerArn);
    const inAws = (await gateway.list(analyzer)).some((r) => r.ruleName === rule.ruleName);
    const stored = await store.get(analyzerArn, rule.ruleName);
    if (stored && !stored.deletedAt) throw liveRuleRefusal(stored, analyzer, inAws);
    if (inAws) {
      throw new ArchiveRuleRefusedError(
        `Analyzer \`${analyzer}\` already has an archive rule named \`${rule.ruleName}\`; choose another name.`,
      );
    }
    let count: MatchCount | undefined;
    let failure: string | undefined;
    try {
      count = await gateway.countMatches(analyzerArn, rule.filter);
    } catch (err) {
      failure = err instanceof AppError ? err.userMessage : errorMessage(err);
    }
    const notes = [
      countNote(count, p.applyToExisting, failure),
      p.applyToExisting
        ? 'Existing matching findings: archived too (ApplyArchiveRule).'
        : 'Existing matching findings: left as they are.',
      'New matching findings: archived as Access Analyzer reports them.',
      ...(rule.broad ? [BROAD_NOTE] : []),
    ];
    return {
      kind: 'archive-rule',
      op: 'create',
      label: 'Create archive rule',
      target: `archive rule ${rule.ruleName} on analyzer ${analyzer}`,
      diff: describeFilter(rule.filter)
        .map((l) => `+ ${l}`)
        .join('\n'),
      notes,
      analyzerArn,
      ruleName: rule.ruleName,
      filter: rule.filter,
      applyToExisting: p.applyToExisting,
      broad: rule.broad,
      ...(count ? { count } : {}),
    };
  }

  async function planDelete(p: Extract<ArchiveRuleParams, { op: 'delete' }>): Promise<ArchiveRulePlan> {
    const stored = await store.get(p.analyzerArn, p.ruleName);
    if (!stored || stored.deletedAt) {
      throw new ArchiveRuleRefusedError(
        `The bot has no live archive rule named \`${p.ruleName}\` on that analyzer (deleted already?).`,
      );
    }
    const analyzer = analyzerName(stored.analyzerArn);
    return {
      kind: 'archive-rule',
      op: 'delete',
      label: 'Delete archive rule',
      target: `archive rule ${stored.ruleName} on analyzer ${analyzer}`,
      diff: describeFilter(stored.filter)
        .map((l) => `- ${l}`)
        .join('\n'),
      notes: [
        `Created by <@${stored.createdBy}> on ${stored.createdAt.slice(0, 10)}, approved by ${userList(stored.approvedBy)}.`,
        'Findings it archived stay archived; new matching findings will be reported ACTIVE again.',
      ],
      analyzerArn: stored.analyzerArn,
      ruleName: stored.ruleName,
      filter: stored.filter,
      applyToExisting: false,
      broad: false,
      ruleRequestId: stored.requestId,
    };
  }

  async function applyDelete(
    plan: ArchiveRulePlan,
    request: { id: string; requester: string; approvers: string[] },
    analyzer: string,
    at: string,
    base: { ruleName: string; analyzerArn: string; filter: RuleFilter },
  ) {
    const name = `\`${plan.ruleName}\``;
    const stored = await store.get(plan.analyzerArn, plan.ruleName);
    const done = (note: string) => ({
      summary: `🗑️ Archive rule ${name} deleted from analyzer \`${analyzer}\`, requested by <@${request.requester}>, approved by ${userList(request.approvers)}.${note} Findings it archived stay archived.`,
      details: { ...base, op: 'delete' },
    });
    if (!stored || plan.ruleRequestId === undefined || stored.requestId !== plan.ruleRequestId) {
      throw new ArchiveRuleRefusedError(
        `Archive rule ${name} is no longer the rule this deletion was requested for (created again by another request since?); nothing deleted. \`/iam-findings rules\` lists the current rules.`,
      );
    }
    // A retry after the record was written: done already.
    if (stored.deletedAt && stored.deleteRequestId === request.id) return done('');
    if (stored.deletedAt) {
      throw new ArchiveRuleRefusedError(
        `Archive rule ${name} was deleted already${stored.deletedBy ? ` (requested by <@${stored.deletedBy}>)` : ''}; nothing changed.`,
      );
    }
    const inAws = await gateway.get(analyzer, plan.ruleName);
    if (inAws && !sameFilter(inAws.filter, plan.filter)) {
      throw new ArchiveRuleRefusedError(
        `The archive rule named ${name} on analyzer \`${analyzer}\` has other criteria than the rule the bot created (changed or created again outside the bot); nothing deleted. Delete it in the Access Analyzer console if it should go.`,
      );
    }
    if (inAws) await gateway.delete(analyzer, plan.ruleName, request.id);
    await store.recordDeleted(plan.analyzerArn, plan.ruleName, {
      deletedBy: request.requester,
      deleteRequestId: request.id,
      at,
    });
    return done(inAws ? '' : " (Access Analyzer no longer had it; the bot's record is closed.)");
  }

  return {
    action: 'archive-rule',
    label: 'Archive rule',
    statuses: ['ACTIVE', 'ARCHIVED', 'RESOLVED'],
    claimsFinding: false,

    check(rec, raw) {
      const p = parse(raw);
      if (p.op === 'delete') return;
      if (rec.finding.kind !== 'external') {
        throw new ArchiveRuleRefusedError(
          'Archive rules from this button are for external-access findings; create others in the Access Analyzer console.',
        );
      }
      const rule = checkedRule(p);
      // From the rule's own filter and the stored finding, never from what the modal showed.
      const confirmation = accountConfirmation(policy, rec.finding.accountId, rule.filter);
      if (confirmation.kind === 'refused') throw new ArchiveRuleRefusedError(confirmation.message);
      if (confirmation.kind === 'confirm' && !confirmsAll(p.confirmedAccounts ?? [], confirmation.accounts)) {
        throw new ArchiveRuleRefusedError(
          `${confirmationProblem(confirmation.accounts, rec.finding.accountId)} Nothing was requested; start again from the finding.`,
        );
      }
    },

    async plan(rec, raw) {
      const p = parse(raw);
      const plan = p.op === 'create' ? await planCreate(rec, p) : await planDelete(p);
      return { ...plan };
    },

    chainOptions: (plan) => ({ broad: plan.broad === true }),

    async apply(rec, request) {
      const plan = request.plan as unknown as ArchiveRulePlan | undefined;
      if (!plan || plan.kind !== 'archive-rule')
        throw new Error(`request ${request.id} has no archive-rule plan`);
      const analyzer = analyzerName(plan.analyzerArn);
      const at = new Date(clock.now()).toISOString();
      const base = { ruleName: plan.ruleName, analyzerArn: plan.analyzerArn, filter: plan.filter };
      if (plan.op === 'delete') return applyDelete(plan, request, analyzer, at, base);
      const stored = await store.get(plan.analyzerArn, plan.ruleName);
      if (stored && !stored.deletedAt && stored.requestId !== request.id) {
        throw liveRuleRefusal(stored, analyzer, (await gateway.get(analyzer, plan.ruleName)) !== undefined);
      }
      // The marker tells a retry of this execution (crash after CreateArchiveRule) that the rule it finds is its own.
      const { resumed } = await store.markPending(plan.analyzerArn, plan.ruleName, request.id, clock.now());
      try {
        await gateway.create(analyzer, plan.ruleName, plan.filter, request.id, { adoptIdentical: resumed });
      } catch (err) {
        // Not created by this attempt: free the name (a later request may use it).
        await store.clearPending(plan.analyzerArn, plan.ruleName, request.id).catch(() => undefined);
        throw err;
      }
      // Recorded before the retroactive step, so a rule that exists is always listed (and can be deleted).
      await store.recordCreated({
        ...base,
        createdBy: request.requester,
        approvedBy: request.approvers,
        requestId: request.id,
        findingId: rec.finding.id,
        createdAt: at,
      });
      if (plan.applyToExisting) {
        try {
          await gateway.apply(plan.analyzerArn, plan.ruleName, request.id);
        } catch (err) {
          const why = err instanceof AppError ? err.userMessage : errorMessage(err);
          throw new AppError(
            'archive_rule_apply_failed',
            `ApplyArchiveRule failed for ${plan.ruleName}`,
            `Archive rule \`${plan.ruleName}\` was created (new matching findings are archived), but archiving the existing matching findings failed: ${why} Apply the rule to existing findings in the Access Analyzer console.`,
            { cause: err },
          );
        }
      }
      const existing = plan.applyToExisting
        ? 'Existing matching findings are archived now'
        : 'Existing findings were left as they are';
      return {
        summary: `🗂️ Archive rule \`${plan.ruleName}\` created on analyzer \`${analyzer}\`, requested by <@${request.requester}>, approved by ${userList(request.approvers)}. ${existing}; new matching findings arrive archived. \`/iam-findings rules\` lists it.`,
        details: { ...base, op: 'create', appliedToExisting: plan.applyToExisting },
      };
    },
  };
}
