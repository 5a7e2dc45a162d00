/**
 * SENSITIVE_ACCOUNTS for archive rules: which account ids the requester must type before a rule is requested.
 * Decided from the rule's filter, not only from the clicked finding, so editing "Resource owner account"
 * cannot sidestep it; the modal, its submission and the remedy's `check` all ask this one function. Pure.
 * - no SENSITIVE_ACCOUNTS: nothing to confirm;
 * - SENSITIVE_ACCOUNTS set and the rule has no `resourceOwnerAccount` criterion: refused. Such a rule covers
 *   the resources of every account the analyzer sees, the sensitive ones included; typing every sensitive
 *   account would be a ritual, and naming the owner account is what the modal suggests anyway;
 * - else the finding's account when it is sensitive, and each owner account the rule names that is sensitive.
 * @example
 *   accountConfirmation(policy, '111122223333', { resourceOwnerAccount: { eq: ['444455556666'] } })
 *   // { kind: 'confirm', accounts: ['444455556666'] } when only 444455556666 is sensitive
 */
import { confirmsAccount, needsAccountConfirmation } from '../approvals/policy';
import type { ApprovalPolicy } from '../approvals/types';
import { splitValues, type RuleFilter } from './criteria';

export type AccountConfirmation =
  { kind: 'none' } | { kind: 'confirm'; accounts: string[] } | { kind: 'refused'; message: string };

export const OWNER_ACCOUNT_REQUIRED =
  'Name the resource owner account: this bot protects sensitive accounts (SENSITIVE_ACCOUNTS), and a rule without an owner account would archive findings on every account, sensitive ones included.';

/**
 * What the requester must confirm for a rule with `filter` suggested by a finding of `findingAccountId`.
 * `filter` undefined (the entered criteria are not valid yet): the finding's account alone is considered.
 */
export function accountConfirmation(
  policy: ApprovalPolicy,
  findingAccountId: string,
  filter: RuleFilter | undefined,
): AccountConfirmation {
  if (policy.sensitiveAccounts.length === 0) return { kind: 'none' };
  const owners = filter?.resourceOwnerAccount?.eq ?? [];
  if (filter && owners.length === 0) return { kind: 'refused', message: OWNER_ACCOUNT_REQUIRED };
  const accounts = [...new Set([findingAccountId, ...owners])].filter((a) =>
    needsAccountConfirmation(policy, a),
  );
  return accounts.length === 0 ? { kind: 'none' } : { kind: 'confirm', accounts };
}

/** The account ids typed into the confirmation input (commas or spaces between them). */
export function typedAccounts(text: string): string[] {
  return splitValues(text).slice(0, 20);
}

/** Every account is typed (exactly its 12 digits), and nothing else is. */
export function confirmsAll(typed: readonly string[], accounts: readonly string[]): boolean {
  return (
    accounts.every((a) => typed.some((t) => confirmsAccount(t, a))) &&
    typed.every((t) => accounts.some((a) => confirmsAccount(t, a)))
  );
}

/** What to say when the typed ids do not confirm `accounts`. */
export function confirmationProblem(accounts: readonly string[], findingAccountId: string): string {
  if (accounts.length === 1 && accounts[0] === findingAccountId) {
    return "That is not this finding's account id. Type the 12 digits shown in the label.";
  }
  return accounts.length === 1
    ? `This rule covers sensitive account ${accounts[0]}: type its 12-digit id.`
    : `This rule covers sensitive accounts ${accounts.join(', ')}: type each 12-digit id, separated by commas.`;
}

/** The label of the modal's confirmation input. */
export function confirmationLabel(confirmation: AccountConfirmation): string {
  if (confirmation.kind !== 'confirm') {
    return 'Sensitive account id (only when the rule covers an account in SENSITIVE_ACCOUNTS)';
  }
  const { accounts } = confirmation;
  return accounts.length === 1
    ? `Account ${accounts[0]} is sensitive: type its 12-digit id to confirm`
    : `Accounts ${accounts.join(', ')} are sensitive: type each 12-digit id to confirm`;
}

/** For the modal: the confirmation input's state, undefined (no input at all) without SENSITIVE_ACCOUNTS. */
export function modalConfirmation(
  policy: ApprovalPolicy,
  findingAccountId: string,
  filter: RuleFilter | undefined,
): AccountConfirmation | undefined {
  return policy.sensitiveAccounts.length === 0
    ? undefined
    : accountConfirmation(policy, findingAccountId, filter);
}

/** The warnings the confirmation state adds under the count (a rule that would be refused). */
export function confirmationWarnings(confirmation: AccountConfirmation | undefined): string[] {
  return confirmation?.kind === 'refused' ? [confirmation.message] : [];
}
