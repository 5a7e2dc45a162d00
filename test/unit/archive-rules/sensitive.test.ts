import {
  OWNER_ACCOUNT_REQUIRED,
  accountConfirmation,
  confirmationProblem,
  confirmsAll,
} from '../../../src/archive-rules/sensitive';
import type { RuleFilter } from '../../../src/archive-rules/criteria';
import { filePolicy } from '../approvals/fixtures';

const SENSITIVE = '111122223333'; // sensitive_accounts of the fixture policy
const OTHER = '444455556666';
const owner = (account: string): RuleFilter => ({
  resourceOwnerAccount: { eq: [account] },
  isPublic: { eq: ['false'] },
});

describe('accountConfirmation (SENSITIVE_ACCOUNTS for archive rules)', () => {
  const policy = filePolicy();

  it.each<[string, string, RuleFilter | undefined, ReturnType<typeof accountConfirmation>]>([
    [
      'a sensitive finding, owner unchanged',
      SENSITIVE,
      owner(SENSITIVE),
      { kind: 'confirm', accounts: [SENSITIVE] },
    ],
    // The bypass: the finding is not sensitive, but the owner account was edited to a sensitive one.
    [
      'an owner account edited to a sensitive one',
      OTHER,
      owner(SENSITIVE),
      { kind: 'confirm', accounts: [SENSITIVE] },
    ],
    [
      'a sensitive finding, owner edited away',
      SENSITIVE,
      owner(OTHER),
      { kind: 'confirm', accounts: [SENSITIVE] },
    ],
    ['nothing sensitive', OTHER, owner(OTHER), { kind: 'none' }],
    [
      'no owner criterion',
      OTHER,
      { isPublic: { eq: ['false'] } },
      { kind: 'refused', message: OWNER_ACCOUNT_REQUIRED },
    ],
    ['criteria not valid yet', SENSITIVE, undefined, { kind: 'confirm', accounts: [SENSITIVE] }],
  ])('%s', (_what, findingAccount, filter, expected) => {
    expect(accountConfirmation(policy, findingAccount, filter)).toEqual(expected);
  });

  it('asks nothing, and refuses nothing, without SENSITIVE_ACCOUNTS', () => {
    const none = { ...policy, sensitiveAccounts: [] };
    expect(accountConfirmation(none, SENSITIVE, { isPublic: { eq: ['false'] } })).toEqual({ kind: 'none' });
  });

  it('confirms only when every account is typed exactly, and nothing else', () => {
    expect(confirmsAll([SENSITIVE], [SENSITIVE])).toBe(true);
    expect(confirmsAll([OTHER, SENSITIVE], [SENSITIVE, OTHER])).toBe(true);
    expect(confirmsAll([SENSITIVE], [SENSITIVE, OTHER])).toBe(false);
    expect(confirmsAll([SENSITIVE, '999999999999'], [SENSITIVE])).toBe(false);
    expect(confirmsAll([], [SENSITIVE])).toBe(false);
    expect(confirmationProblem([SENSITIVE], OTHER)).toContain(`sensitive account ${SENSITIVE}`);
    expect(confirmationProblem([SENSITIVE], SENSITIVE)).toMatch(/not this finding's account id/);
  });
});
