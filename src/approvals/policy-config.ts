/**
 * The approval policy, read once at start-up from the environment and, optionally, a policy file.
 * Like src/config.ts it never reads the process environment itself: the caller passes it in.
 */
import { readFileSync } from 'node:fs';
import ms from 'ms';
import { z } from 'zod';
import { ConfigError } from '../errors';
import {
  fileProblems,
  parsePolicyText,
  policyFileSchema,
  type FileStage,
  type PolicyFile,
} from './policy-file';
import {
  accountListProblems,
  countProblem,
  DEFAULT_REMIND_AFTER,
  DEFAULT_TTL,
  MAX_REQUIRED,
  parseDuration,
  plural,
  principalListProblems,
  REMIND_BOUNDS,
  splitList,
  TTL_BOUNDS,
} from './policy-values';
import {
  APPROVAL_ACTIONS,
  type ApprovalAction,
  type ApprovalChain,
  type ApprovalPolicy,
  type ApprovalStage,
} from './types';

/** Actions that run without approval unless a policy file gives them a chain. */
const NO_APPROVAL_BY_DEFAULT: readonly ApprovalAction[] = ['archive'];

const trimmed = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const list = (check: (values: readonly unknown[]) => string[]) =>
  trimmed.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const values = splitList(v);
    for (const message of check(values)) ctx.addIssue({ code: 'custom', message });
    return values;
  });

const duration = (bounds: { min: number; max: number }) =>
  trimmed.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const parsed = parseDuration(v, bounds);
    if ('ms' in parsed) return parsed.ms;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

const envSchema = z.object({
  APPROVERS: list(principalListProblems),
  APPROVALS_REQUIRED: trimmed.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (/^\d+$/.test(v) && n >= 1 && n <= MAX_REQUIRED) return n;
    ctx.addIssue({ code: 'custom', message: `must be a whole number from 1 to ${MAX_REQUIRED}, got "${v}"` });
    return z.NEVER;
  }),
  APPROVAL_POLICY_FILE: trimmed,
  REQUESTERS: list(principalListProblems),
  APPROVAL_TTL: duration(TTL_BOUNDS),
  APPROVAL_REMIND_AFTER: duration(REMIND_BOUNDS),
  SENSITIVE_ACCOUNTS: list(accountListProblems),
});

type Env = { [K in keyof typeof envSchema.shape]?: z.output<(typeof envSchema.shape)[K]> };

function parseEnv(env: NodeJS.ProcessEnv, problems: string[]): Env {
  const e: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(envSchema.shape)) {
    const result = schema.safeParse(env[key]);
    if (result.success) e[key] = result.data;
    else problems.push(...result.error.issues.map((i) => `${key} ${i.message}`));
  }
  return e as Env;
}

const toStage = (s: FileStage, fallbackName: string): ApprovalStage => ({
  name: s.name ?? fallbackName,
  approvers: s.approvers as string[],
  required: s.required,
  ...(s.escalate_to ? { escalateTo: s.escalate_to as string[] } : {}),
});

/** A stage nobody can approve: requests that reach it are refused, never auto-approved. */
const unconfiguredStage = (): ApprovalStage => ({ name: 'approval', approvers: [], required: 1 });

function chainsFrom(
  stagesOf: (action: ApprovalAction) => ApprovalStage[] | undefined,
): Record<ApprovalAction, ApprovalChain> {
  const chains = {} as Record<ApprovalAction, ApprovalChain>;
  for (const a of APPROVAL_ACTIONS) {
    chains[a] = { stages: stagesOf(a) ?? (NO_APPROVAL_BY_DEFAULT.includes(a) ? [] : [unconfiguredStage()]) };
  }
  return chains;
}

/** Default extra stage for broad archive rules: one more approval from anyone in the archive-rule chain. */
function defaultBroadStage(chain: ApprovalChain): ApprovalStage {
  const union = (pick: (s: ApprovalStage) => readonly string[] | undefined) => [
    ...new Set(chain.stages.flatMap((s) => pick(s) ?? [])),
  ];
  const escalateTo = union((s) => s.escalateTo);
  return {
    name: 'broad archive rule review',
    approvers: union((s) => s.approvers),
    required: 1,
    ...(escalateTo.length ? { escalateTo } : {}),
  };
}

function readPolicyFile(
  path: string,
  readFile: (path: string) => string,
  parseYaml: ((text: string) => unknown) | undefined,
): { file?: PolicyFile; problems: string[] } {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    return {
      problems: [
        `APPROVAL_POLICY_FILE "${path}" cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      ],
    };
  }
  const parsed = parsePolicyText(path, text, parseYaml);
  if ('problem' in parsed) return { problems: [parsed.problem] };
  const result = policyFileSchema.safeParse(parsed.data);
  return result.success
    ? { file: result.data, problems: [] }
    : { problems: fileProblems(result.error.issues) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Loads the approval policy and checks all of it, so a bad policy stops the bot at start-up, not at the
 * first Deny.
 *
 * **Environment only.** `APPROVERS` (comma-separated `U…`/`W…` user ids and `S…` user-group ids) and
 * `APPROVALS_REQUIRED` (default 1) give every action except archive one stage
 * `{ approvers: APPROVERS, required: APPROVALS_REQUIRED }`; archive needs no approval.
 *
 * **Nothing set.** The policy is `unconfigured`: deny, undo, archive-rule and attach-policy keep a stage with
 * no approvers, so {@link canRequest} refuses them and tells the user the operator must set APPROVERS. The bot
 * never auto-approves. Archive still runs.
 *
 * **Policy file.** `APPROVAL_POLICY_FILE` names a `.json`, `.yaml` or `.yml` file (YAML needs `parseYaml`):
 * ```yaml
 * actions:
 *   deny:
 *     stages:
 *       - name: security on-call          # optional, default "stage N"
 *         approvers: [U0APPROVER1, U0APPROVER2, S0SECLEADS]
 *         required: 1                     # optional, default 1
 *         escalate_to: [U0HEAD]           # optional: told, and may vote, once the stage is overdue
 *       - name: platform lead
 *         approvers: [U0LEAD]
 *         required: 1
 *   archive: { stages: [] }               # no approval
 * requesters: [U0ONCALL, S0ONCALL]         # optional: who may request at all
 * ttl: 24h                                 # optional, like APPROVAL_TTL
 * remind_after: 2h                         # optional, like APPROVAL_REMIND_AFTER
 * sensitive_accounts: ["111122223333"]     # optional, quoted, like SENSITIVE_ACCOUNTS
 * broad_archive_rule_stage:                # optional, see below
 *   approvers: [S0SECLEADS]
 * ```
 * An action the file does not list keeps its default: archive needs no approval, the others are
 * unconfigured (refused, with a start-up warning). A stage listing only user ids cannot require more
 * approvals than it lists; with a user group the count is checked when a request is made.
 *
 * **Precedence.** When the file is set it alone defines the chains (APPROVERS and APPROVALS_REQUIRED are
 * then ignored, with a warning). For `requesters`, `ttl`, `remind_after` and `sensitive_accounts`, a value in
 * the file wins over `REQUESTERS`, `APPROVAL_TTL`, `APPROVAL_REMIND_AFTER` and `SENSITIVE_ACCOUNTS`, which
 * apply when the file leaves the key out; then the defaults (anyone, 24h, 2h, none). Lists are replaced,
 * never merged.
 *
 * **Broad archive rules** (no principal or account criterion) get one more stage: `broad_archive_rule_stage`,
 * or by default one approval from anyone named in the archive-rule chain. A person votes once per request, so
 * that is always a second person.
 *
 * @param readFile reads the policy file (default: fs, UTF-8). @param parseYaml parses YAML text.
 * @throws ConfigError naming every invalid setting at once.
 * @example loadApprovalPolicy({ APPROVERS: 'U0ALICE,S0SECLEADS', APPROVALS_REQUIRED: '2' })
 * @example loadApprovalPolicy({ APPROVAL_POLICY_FILE: '/etc/bot/approvals.json' })
 */
export function loadApprovalPolicy(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  parseYaml?: (text: string) => unknown,
): Readonly<ApprovalPolicy> {
  // Each variable is parsed on its own, so one bad value does not hide the others (or the file's problems).
  const problems: string[] = [];
  const e = parseEnv(env, problems);
  const fileResult: { file?: PolicyFile; problems?: string[] } = e.APPROVAL_POLICY_FILE
    ? readPolicyFile(e.APPROVAL_POLICY_FILE, readFile, parseYaml)
    : {};
  problems.push(...(fileResult.problems ?? []));
  const file = fileResult.file;

  const warnings: string[] = [];
  if (!e.APPROVAL_POLICY_FILE && e.APPROVERS && e.APPROVALS_REQUIRED !== undefined) {
    if (countProblem(e.APPROVALS_REQUIRED, e.APPROVERS)) {
      problems.push(
        `APPROVALS_REQUIRED is ${e.APPROVALS_REQUIRED} but APPROVERS lists ${plural(e.APPROVERS.length, 'approver')}`,
      );
    }
  }
  if (!e.APPROVAL_POLICY_FILE && !e.APPROVERS && e.APPROVALS_REQUIRED !== undefined) {
    problems.push(
      'APPROVALS_REQUIRED is set but APPROVERS is empty: set APPROVERS (or APPROVAL_POLICY_FILE)',
    );
  }
  if (e.APPROVAL_POLICY_FILE && (e.APPROVERS || e.APPROVALS_REQUIRED !== undefined)) {
    warnings.push('APPROVERS and APPROVALS_REQUIRED are ignored because APPROVAL_POLICY_FILE is set');
  }
  const ttlMs = file?.ttl ?? e.APPROVAL_TTL ?? (parseDuration(DEFAULT_TTL, TTL_BOUNDS) as { ms: number }).ms;
  const remindAfterMs =
    file?.remind_after ??
    e.APPROVAL_REMIND_AFTER ??
    (parseDuration(DEFAULT_REMIND_AFTER, REMIND_BOUNDS) as { ms: number }).ms;
  if (remindAfterMs >= ttlMs) {
    problems.push(
      `APPROVAL_REMIND_AFTER (${ms(remindAfterMs, { long: true })}) must be shorter than APPROVAL_TTL (${ms(ttlMs, { long: true })}), or no reminder is ever sent (the policy file's remind_after and ttl count as these)`,
    );
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);

  let chains: Record<ApprovalAction, ApprovalChain>;
  if (file) {
    chains = chainsFrom((a) => file.actions[a]?.stages.map((s, i) => toStage(s, `stage ${i + 1}`)));
    const missing = APPROVAL_ACTIONS.filter((a) => !file.actions[a] && !NO_APPROVAL_BY_DEFAULT.includes(a));
    if (missing.length) {
      warnings.push(
        `APPROVAL_POLICY_FILE sets no chain for ${missing.map((a) => `"${a}"`).join(', ')}: those requests are refused until it does`,
      );
    }
  } else {
    const approvers = e.APPROVERS;
    chains = chainsFrom((a) =>
      approvers && !NO_APPROVAL_BY_DEFAULT.includes(a)
        ? [{ name: 'approval', approvers, required: e.APPROVALS_REQUIRED ?? 1 }]
        : undefined,
    );
  }
  const requesters = file?.requesters ?? e.REQUESTERS;
  const policy: ApprovalPolicy = {
    source: file ? 'file' : e.APPROVERS ? 'env' : 'unconfigured',
    chains,
    broadRuleStage: file?.broad_archive_rule_stage
      ? toStage(file.broad_archive_rule_stage, 'broad archive rule review')
      : defaultBroadStage(chains['archive-rule']),
    ...(requesters ? { requesters: requesters as string[] } : {}),
    ttlMs,
    remindAfterMs,
    sensitiveAccounts: (file?.sensitive_accounts ?? e.SENSITIVE_ACCOUNTS ?? []) as string[],
    warnings,
  };
  return deepFreeze(policy);
}
