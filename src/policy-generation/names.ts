/**
 * The name of the managed policy created from a generated policy: `<role>-least-privilege-<yyyymmdd>`, so the
 * IAM console shows at a glance whose policy it is, what it is and when it was generated. The date is the
 * UTC day. When Access Analyzer split the policy into several (each under the 6,144-character limit), each
 * part gets `-<part>of<parts>`. Pure.
 *
 * IAM policy names are 1–128 characters of `[\w+=,.@-]`. Role and user names follow a narrower rule, so a
 * real name always fits as is; anything else is made to fit: characters outside the grammar become `-`, and
 * the principal's name (never the suffix) is shortened so the whole stays within 128 characters.
 *
 * @example
 *   leastPrivilegePolicyName('app-deployer', new Date('2026-03-31T23:30:00Z')) // 'app-deployer-least-privilege-20260331'
 *   leastPrivilegePolicyName('app-deployer', new Date('2026-03-31T23:30:00Z'), { part: 2, parts: 3 })
 *   // 'app-deployer-least-privilege-20260331-2of3'
 */
import { InvalidInputError } from '../errors';

/** IAM's rule for managed policy names. */
export const POLICY_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;
export const POLICY_NAME_MAX = 128;

export interface PolicyNameOptions {
  /** 1-based index of this part when the generated policy came in several parts. */
  part?: number;
  /** How many parts there are; no part suffix when 1 or absent. */
  parts?: number;
}

/** `yyyymmdd` of the UTC day. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * @throws InvalidInputError when the date is invalid or part/parts are not whole numbers with 1 ≤ part ≤ parts.
 */
export function leastPrivilegePolicyName(
  principalName: string,
  generatedAt: Date,
  options: PolicyNameOptions = {},
): string {
  if (Number.isNaN(generatedAt.getTime())) throw new InvalidInputError('policy name needs a valid date');
  const { part = 1, parts = 1 } = options;
  if (!Number.isInteger(part) || !Number.isInteger(parts) || part < 1 || part > parts) {
    throw new InvalidInputError(`policy part must be a whole number from 1 to ${parts}, got ${part}`);
  }
  const suffix = `-least-privilege-${utcDay(generatedAt)}${parts > 1 ? `-${part}of${parts}` : ''}`;
  const cleaned = principalName.trim().replace(/[^\w+=,.@-]/g, '-') || 'principal';
  return cleaned.slice(0, POLICY_NAME_MAX - suffix.length) + suffix;
}
