/** Value rules shared by the environment and the policy file, so both report problems in the same words. */
import ms from 'ms';
import { isAccountId, isGroupId, isPrincipalId } from './principals';

export const DEFAULT_TTL = '24h';
export const DEFAULT_REMIND_AFTER = '2h';
/** Bounds keep typos such as `24` (seconds, not hours) from producing a policy nobody can act under. */
export const TTL_BOUNDS = { min: 5 * 60_000, max: 30 * 86_400_000 };
export const REMIND_BOUNDS = { min: 60_000, max: 30 * 86_400_000 };
/** More would be a typo; Slack user groups are the way to name many people. */
export const MAX_REQUIRED = 20;

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const notAPrincipal = (value: unknown): string =>
  `has ${JSON.stringify(value)} which is not a Slack user ID (U…/W…) or user-group ID (S…)`;

export const notAnAccount = (value: unknown): string =>
  typeof value === 'number'
    ? `has ${value} as a number: quote it ("${value}") so leading zeros survive`
    : `has ${JSON.stringify(value)} which is not a 12-digit AWS account id`;

/** Problems with a list of Slack ids: bad ids and repeats (a repeat would make N-of-M counts lie). */
export function principalListProblems(values: readonly unknown[]): string[] {
  const problems: string[] = [];
  const seen = new Set<unknown>();
  for (const v of values) {
    if (typeof v !== 'string' || !isPrincipalId(v)) problems.push(notAPrincipal(v));
    else if (seen.has(v)) problems.push(`lists "${v}" twice`);
    seen.add(v);
  }
  return problems;
}

export function accountListProblems(values: readonly unknown[]): string[] {
  return values.filter((v) => typeof v !== 'string' || !isAccountId(v)).map(notAnAccount);
}

/** Splits a comma-separated environment value; blank items (a trailing comma) are ignored. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Milliseconds from a duration: `90s`, `15m`, `2h`, `1d`, or a bare number of seconds (as RECONCILE_INTERVAL).
 * Returns a problem sentence (without the setting's name) when the value is not a duration within bounds.
 * @example parseDuration('2h', REMIND_BOUNDS) // { ms: 7_200_000 }
 */
export function parseDuration(
  value: string | number,
  bounds: { min: number; max: number },
): { ms: number } | { problem: string } {
  const text = String(value).trim();
  const parsed = /^\d+$/.test(text) ? Number(text) * 1000 : ms(text as ms.StringValue);
  if (typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= bounds.min && parsed <= bounds.max) {
    return { ms: parsed };
  }
  const range = `${ms(bounds.min, { long: true })} to ${ms(bounds.max, { long: true })}`;
  return { problem: `must be a duration such as 30m, 2h or 1d (or seconds), from ${range}; got "${text}"` };
}

/** The N-of-M rule: with only user ids listed, a stage cannot need more approvals than it lists people. */
export function countProblem(required: number, approvers: readonly string[]): string | undefined {
  if (approvers.some(isGroupId)) return undefined; // group sizes are only known at run time
  return approvers.length < required
    ? `requires ${plural(required, 'approval')} but lists ${plural(approvers.length, 'approver')}`
    : undefined;
}
