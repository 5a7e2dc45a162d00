/**
 * The approval policy file (APPROVAL_POLICY_FILE): its zod schema and problem messages that say where in the
 * file each problem is ("stage 2 of "deny" requires 3 approvals but lists 2 approvers"). The format is
 * documented on loadApprovalPolicy (./policy-config).
 */
import { z } from 'zod';
import { APPROVAL_ACTIONS } from './types';
import {
  accountListProblems,
  countProblem,
  MAX_REQUIRED,
  parseDuration,
  principalListProblems,
  REMIND_BOUNDS,
  TTL_BOUNDS,
} from './policy-values';

const ID_LIST = 'must be a list of Slack user IDs (U…/W…) and user-group IDs (S…)';

/** Every problem of a list is reported on the list itself; the message quotes the bad value. */
const principals = (nonEmpty: string) =>
  z.array(z.unknown(), { error: ID_LIST }).superRefine((list, ctx) => {
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: nonEmpty });
    for (const message of principalListProblems(list)) ctx.addIssue({ code: 'custom', message });
  });

const duration = (bounds: { min: number; max: number }) =>
  z
    .union([z.string(), z.number()], { error: 'must be a duration such as 30m, 2h or 1d' })
    .transform((v, ctx) => {
      const parsed = parseDuration(v, bounds);
      if ('ms' in parsed) return parsed.ms;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    });

const stage = z
  .strictObject({
    name: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).optional(),
    approvers: principals('must list at least one approver'),
    required: z
      .int({ error: `must be a whole number from 1 to ${MAX_REQUIRED}` })
      .min(1, { error: `must be a whole number from 1 to ${MAX_REQUIRED}` })
      .max(MAX_REQUIRED, { error: `must be a whole number from 1 to ${MAX_REQUIRED}` })
      .default(1),
    escalate_to: principals('must list at least one ID (leave it out for no escalation)').optional(),
  })
  .superRefine(
    (s, ctx) => {
      // Runs even when a field failed, so the count is reported together with every other problem.
      if (!Array.isArray(s.approvers) || s.approvers.length === 0 || !Number.isInteger(s.required)) return;
      const strings = s.approvers.filter((a): a is string => typeof a === 'string');
      const problem = countProblem(s.required, strings);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    },
    { when: () => true },
  );

const chain = z.strictObject({ stages: z.array(stage, { error: 'must be a list of stages' }) });

const actionsShape = Object.fromEntries(APPROVAL_ACTIONS.map((a) => [a, chain.optional()])) as Record<
  (typeof APPROVAL_ACTIONS)[number],
  z.ZodOptional<typeof chain>
>;

const accounts = z
  .array(z.unknown(), { error: 'must be a list of 12-digit account ids' })
  .superRefine((l, ctx) => {
    for (const message of accountListProblems(l)) ctx.addIssue({ code: 'custom', message });
  });

export const policyFileSchema = z.strictObject(
  {
    actions: z.strictObject(actionsShape, { error: 'must map action names to { stages: [...] }' }),
    requesters: principals('must list at least one ID (leave it out to let anyone request)').optional(),
    ttl: duration(TTL_BOUNDS).optional(),
    remind_after: duration(REMIND_BOUNDS).optional(),
    sensitive_accounts: accounts.optional(),
    broad_archive_rule_stage: stage.optional(),
  },
  { error: 'must contain a mapping with an "actions" key' },
);

export type PolicyFile = z.output<typeof policyFileSchema>;
export type FileStage = z.output<typeof stage>;

const KNOWN_KEYS: Record<string, readonly string[]> = {
  file: Object.keys(policyFileSchema.shape),
  actions: APPROVAL_ACTIONS,
  stage: Object.keys(stage.shape),
  chain: ['stages'],
};

/** Human words for where in the file a zod issue is: `stage 2 of "deny" approvers`, `ttl`, `"undo"`. */
function where(path: readonly PropertyKey[]): { text: string; kind: keyof typeof KNOWN_KEYS } {
  const [top, action, stages, index, field] = path;
  if (top === 'actions' && typeof action === 'string') {
    if (stages === 'stages' && typeof index === 'number') {
      const at = `stage ${index + 1} of "${action}"`;
      return { text: typeof field === 'string' ? `${at} ${field}` : at, kind: 'stage' };
    }
    return { text: stages === undefined ? `"${action}"` : `"${action}" ${String(stages)}`, kind: 'chain' };
  }
  if (top === 'broad_archive_rule_stage') {
    return { text: action === undefined ? String(top) : `${String(top)} ${String(action)}`, kind: 'stage' };
  }
  if (top === 'actions') return { text: 'actions', kind: 'actions' };
  return { text: top === undefined ? '' : String(top), kind: 'file' };
}

/** Turns the file's zod issues into sentences naming the setting, each prefixed with APPROVAL_POLICY_FILE. */
export function fileProblems(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const at = where(issue.path);
    const message =
      issue.code === 'unrecognized_keys'
        ? `has unknown ${at.kind === 'actions' ? 'action' : 'setting'} ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: ${KNOWN_KEYS[at.kind]?.join(', ')})`
        : issue.message;
    return ['APPROVAL_POLICY_FILE', at.text, message].filter((s) => s !== '').join(' ');
  });
}

/** Parses the file's text by its extension; `parseYaml` is injected so this module needs no YAML package. */
export function parsePolicyText(
  path: string,
  text: string,
  parseYaml?: (text: string) => unknown,
): { data: unknown } | { problem: string } {
  const lower = path.toLowerCase();
  try {
    if (lower.endsWith('.json')) return { data: JSON.parse(text) as unknown };
    if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
      if (!parseYaml)
        return {
          problem: `APPROVAL_POLICY_FILE "${path}" is YAML, but no YAML parser is available; use a .json file`,
        };
      return { data: parseYaml(text) };
    }
  } catch (err) {
    return {
      problem: `APPROVAL_POLICY_FILE "${path}" is not valid ${lower.endsWith('.json') ? 'JSON' : 'YAML'}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  return { problem: `APPROVAL_POLICY_FILE "${path}" must end in .json, .yaml or .yml` };
}
