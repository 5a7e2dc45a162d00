/** A realistic policy file, loaded through the real loader, and helpers to build requests at a given state. */
import { loadApprovalPolicy } from '../../../src/approvals/policy-config';
import { canRequest, openRequest } from '../../../src/approvals/policy';
import type { ApprovalAction, ApprovalPolicy, ApprovalRequest, GroupsOf } from '../../../src/approvals/types';
import { ConfigError } from '../../../src/config';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

export const policyFile = {
  actions: {
    deny: {
      stages: [
        {
          name: 'security on-call',
          approvers: ['U0SEC1', 'U0SEC2', 'S0SECLEADS'],
          required: 1,
          escalate_to: ['U0HEAD'],
        },
        { name: 'platform lead', approvers: ['U0LEAD'], required: 1 },
      ],
    },
    undo: { stages: [{ name: 'two of three', approvers: ['U0SEC1', 'U0SEC2', 'U0LEAD'], required: 2 }] },
    'archive-rule': { stages: [{ name: 'security', approvers: ['U0SEC1', 'U0SEC2'] }] },
    archive: { stages: [] },
    'attach-policy': { stages: [{ name: 'leads', approvers: ['S0SECLEADS'], required: 1 }] },
  },
  requesters: ['U0ONCALL', 'S0ONCALL', 'U0SEC1'],
  ttl: '24h',
  remind_after: '2h',
  sensitive_accounts: ['111122223333'],
};

export const groups: GroupsOf = new Map([
  ['S0SECLEADS', ['U0LEADA', 'U0LEADB']],
  ['S0ONCALL', ['U0ROTA']],
]);

/** Loads `file` as /etc/approvals.json through the real loader, with `env` next to it. */
export function fromFile(file: unknown, env: NodeJS.ProcessEnv = {}): ApprovalPolicy {
  return loadApprovalPolicy({ APPROVAL_POLICY_FILE: '/etc/approvals.json', ...env }, () =>
    JSON.stringify(file),
  );
}

export const filePolicy = (): ApprovalPolicy => fromFile(policyFile);

/** The ConfigError's problems, or a failing assertion when loading succeeded. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** A PENDING request made by `requester` at T0, through canRequest + openRequest (so the chain is real). */
export function requestFor(
  policy: ApprovalPolicy,
  action: ApprovalAction,
  requester = 'U0ONCALL',
  options: { broad?: boolean } = {},
): ApprovalRequest {
  const check = canRequest(policy, action, requester, groups, options);
  if (check.kind !== 'allowed') throw new Error(`fixture request refused: ${check.reason}`);
  return openRequest(policy, { id: 'req-1', action, requester, chain: check.chain, now: T0 });
}
