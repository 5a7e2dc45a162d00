/**
 * The `archive-rule` remedy: what the approval workflow runs for "Create archive rule" and for deleting a
 * rule the bot created. Both go through the same `archive-rule` chain; a broad rule (see ./criteria) asks for
 * the policy's extra stage.
 * - create (params: the modal's RuleForm + `op: 'create'`): plan = the criteria as a diff, how many ACTIVE
 *   findings match now (public ones called out), broad or not; apply = CreateArchiveRule, then ApplyArchiveRule
 *   when the requester kept "Also archive existing matching findings", then the rule is recorded.
 * - delete (params `{ op: 'delete', analyzerArn, ruleName }`): the rule must be live in the bot's store;
 *   apply = DeleteArchiveRule, then the record is marked deleted. Findings it archived stay archived.
 * A request does not hold the finding's claim (`claimsFinding: false`): a rule is about more than this one
 * finding, so it never blocks a Deny on it. Apply is idempotent (a retry after a crash finds the rule made).
 * IAM: access-analyzer:CreateArchiveRule, ApplyArchiveRule, DeleteArchiveRule, ListArchiveRules, ListFindings.
 * @example
 *   workflow.request({ action: 'archive-rule', findingId, requester, requestId, idempotencyKey,
 *     params: { op: 'create', ...defaultRuleForm(finding, new Date()) } });
 */
import { z } from 'zod';
import type { Remedy, RemedyParams } from '../approvals/ports';
import { AppError, errorMessage } from '../errors';
import { analyzerName } from '../findings/finding';
import type { Clock, FindingRecord } from '../findings/ports';
import {
  describeFilter,
  validateRuleForm,
  type CheckedRule,
  type RuleFilter,
  type RuleForm,
} from './criteria';
import type { ArchiveRuleGateway, ArchiveRuleStore, MatchCount } from './ports';

export interface ArchiveRuleRemedyDeps {
  gateway: ArchiveRuleGateway;
  store: ArchiveRuleStore;
  clock: Clock;
}

const createParams = z.object({
  op: z.literal('create'),
  ruleName: z.string().max(300),
  resourceType: z.string().max(100),
  principal: z.string().max(3000),
  ownerAccount: z.string().max(40),
  isPublic: z.enum(['false', 'true', 'any']),
  applyToExisting: z.boolean(),
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
  const form: RuleForm = { ...p };
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

export function createArchiveRuleRemedy(deps: ArchiveRuleRemedyDeps): Remedy {
  const { gateway, store, clock } = deps;

  async function planCreate(
    rec: FindingRecord,
    p: Extract<ArchiveRuleParams, { op: 'create' }>,
  ): Promise<ArchiveRulePlan> {
    const rule = checkedRule(p);
    const { analyzerArn } = rec.finding;
    const analyzer = analyzerName(analyzerArn);
    if ((await gateway.list(analyzer)).some((r) => r.ruleName === rule.ruleName)) {
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
    };
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
      checkedRule(p);
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
      if (plan.op === 'delete') {
        await gateway.delete(analyzer, plan.ruleName, request.id);
        await store.recordDeleted(plan.analyzerArn, plan.ruleName, {
          deletedBy: request.requester,
          deleteRequestId: request.id,
          at,
        });
        return {
          summary: `🗑️ Archive rule \`${plan.ruleName}\` deleted from analyzer \`${analyzer}\`, requested by <@${request.requester}>, approved by ${userList(request.approvers)}. Findings it archived stay archived.`,
          details: { ...base, op: 'delete' },
        };
      }
      await gateway.create(analyzer, plan.ruleName, plan.filter, request.id);
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
