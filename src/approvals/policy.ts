/**
 * The approval policy's pure decisions: who may request, which chain an action needs, how a request starts,
 * and the sensitive-account confirmation. No I/O: user-group membership comes in as data (`GroupsOf`).
 * Votes are judged by `decide` (./decide) and time-based work by `dueActions` (./due), re-exported here.
 */
import { ACTION_LABELS, isNamed, mentionList, usersOf } from './principals';
import { plural } from './policy-values';
import type {
  ApprovalAction,
  ApprovalPolicy,
  ApprovalRequest,
  ApprovalStage,
  GroupsOf,
  RequestCheck,
} from './types';

export { applyDecision, decide } from './decide';
export { applyDue, dueActions, nextDueAt } from './due';
export { mentionsFor } from './principals';

export interface ChainOptions {
  /** An archive rule with no principal or account criterion: adds the policy's broad-rule stage. */
  broad?: boolean;
  /** The hook for callers that want more scrutiny for a given request: appended after the policy's stages. */
  extraStages?: readonly ApprovalStage[];
}

/**
 * The ordered stages `action` needs; empty means it runs without approval.
 * @example chainFor(policy, 'archive-rule', { broad: true }) // the archive-rule stages + policy.broadRuleStage
 */
export function chainFor(
  policy: ApprovalPolicy,
  action: ApprovalAction,
  options: ChainOptions = {},
): readonly ApprovalStage[] {
  return [
    ...policy.chains[action].stages,
    ...(options.broad && action === 'archive-rule' ? [policy.broadRuleStage] : []),
    ...(options.extraStages ?? []),
  ];
}

/**
 * Whether the stages can be completed by distinct people other than the requester (one vote per person per
 * request): a bipartite matching of approval slots to eligible users.
 */
function distinctApproversFound(slots: readonly Set<string>[]): number {
  const slotOfUser = new Map<string, number>();
  const place = (slot: number, seen: Set<string>): boolean => {
    for (const user of slots[slot] ?? []) {
      if (seen.has(user)) continue;
      seen.add(user);
      const taken = slotOfUser.get(user);
      if (taken === undefined || place(taken, seen)) {
        slotOfUser.set(user, slot);
        return true;
      }
    }
    return false;
  };
  return slots.filter((_, slot) => place(slot, new Set())).length;
}

/**
 * May `user` request `action`? Refuses, with a sentence to show them, when REQUESTERS leaves them out, when
 * the policy has no approvers for a stage (unconfigured: never auto-approved), or when the chain could never
 * be completed by people other than them. On success returns the chain to store on the request.
 * @param groupsOf members of every user group the policy names; a group missing here has no members.
 * @example canRequest(policy, 'deny', 'U0ONCALL', new Map([['S0SECLEADS', ['U0LEAD']]]))
 *   // { kind: 'allowed', chain: [{ name: 'approval', approvers: ['S0SECLEADS'], required: 1 }] }
 */
export function canRequest(
  policy: ApprovalPolicy,
  action: ApprovalAction,
  user: string,
  groupsOf: GroupsOf,
  options: ChainOptions = {},
): RequestCheck {
  const label = `*${ACTION_LABELS[action]}*`;
  if (policy.requesters && !isNamed(user, policy.requesters, groupsOf)) {
    return {
      kind: 'refused',
      reason: `You are not allowed to request actions on findings: the approval policy limits requests to ${mentionList(policy.requesters)}.`,
    };
  }
  const chain = chainFor(policy, action, options);
  const slots: Set<string>[] = [];
  for (const [i, stage] of chain.entries()) {
    if (stage.approvers.length === 0) {
      return {
        kind: 'refused',
        reason:
          `${label} needs approval (stage ${i + 1}, "${stage.name}"), but no approvers are configured for it, ` +
          `so the bot will not run it. Ask the bot's operator to set APPROVERS, or a chain for "${action}" ` +
          `in APPROVAL_POLICY_FILE.`,
      };
    }
    const eligible = usersOf([...stage.approvers, ...(stage.escalateTo ?? [])], groupsOf);
    eligible.delete(user);
    if (eligible.size < stage.required) {
      return {
        kind: 'refused',
        reason:
          `${label} needs ${plural(stage.required, 'approval')} in stage ${i + 1} ("${stage.name}") from people ` +
          `other than you, and only ${eligible.size} can give one, so it could never be approved. Ask another ` +
          `on-call engineer to request it, or the bot's operator to add approvers.`,
      };
    }
    for (let n = 0; n < stage.required; n++) slots.push(eligible);
  }
  const found = distinctApproversFound(slots);
  if (found < slots.length) {
    return {
      kind: 'refused',
      reason:
        `${label} needs ${slots.length} different approvers other than you across its stages (one vote per ` +
        `person), and only ${found} can be found, so it could never be approved. Ask the bot's operator to ` +
        `add approvers.`,
    };
  }
  return { kind: 'allowed', chain };
}

/**
 * A new PENDING request at stage 1 with the chain `canRequest` allowed, expiring after the policy's TTL.
 * An empty chain gives an APPROVED request (the action needs no approval; the record is the audit trail).
 * @example openRequest(policy, { id: 'r1', action: 'deny', requester: 'U0ONCALL', chain, now: Date.now() })
 */
export function openRequest(
  policy: ApprovalPolicy,
  input: {
    id: string;
    action: ApprovalAction;
    requester: string;
    chain: readonly ApprovalStage[];
    now: number;
    findingId?: string;
    plan?: Record<string, unknown>;
  },
): ApprovalRequest {
  return {
    id: input.id,
    action: input.action,
    requester: input.requester,
    createdAt: input.now,
    expiresAt: input.now + policy.ttlMs,
    status: input.chain.length === 0 ? 'APPROVED' : 'PENDING',
    chain: input.chain,
    stageIndex: 0,
    stages: input.chain.length === 0 ? [] : [{ openedAt: input.now, votes: [] }],
    ...(input.findingId !== undefined ? { findingId: input.findingId } : {}),
    ...(input.plan !== undefined ? { plan: input.plan } : {}),
  };
}

/**
 * Whether actions on this account need the requester to type the account id first (SENSITIVE_ACCOUNTS).
 * @example needsAccountConfirmation(policy, '111122223333') // true when it is listed
 */
export function needsAccountConfirmation(policy: ApprovalPolicy, accountId: string): boolean {
  return policy.sensitiveAccounts.includes(accountId);
}

/**
 * Whether what the requester typed confirms the account: exactly its 12 digits, surrounding spaces ignored.
 * @example confirmsAccount(' 111122223333 ', '111122223333') // true
 * @example confirmsAccount('1111-2222-3333', '111122223333') // false
 */
export function confirmsAccount(input: string, accountId: string): boolean {
  const typed = input.trim();
  return /^\d{12}$/.test(typed) && typed === accountId;
}
