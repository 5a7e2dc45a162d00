/** Slack user and user-group ids as the approval policy uses them: validation, membership, mentions. */
import type { ApprovalAction, ApprovalRequest, GroupsOf, PrincipalId } from './types';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const ACCOUNT_ID = /^\d{12}$/;

export const isUserId = (id: string): boolean => USER_ID.test(id);
export const isGroupId = (id: string): boolean => GROUP_ID.test(id);
export const isPrincipalId = (id: string): boolean => isUserId(id) || isGroupId(id);
export const isAccountId = (id: string): boolean => ACCOUNT_ID.test(id);

/**
 * Whether `user` is one of `principals`, directly or as a member of a listed user group.
 * @example isNamed('U2', ['S1'], new Map([['S1', ['U2']]])) // true
 */
export function isNamed(user: string, principals: readonly PrincipalId[], groupsOf: GroupsOf): boolean {
  return principals.some((p) => p === user || (isGroupId(p) && (groupsOf.get(p) ?? []).includes(user)));
}

/** The distinct users `principals` stand for, groups expanded. */
export function usersOf(principals: readonly PrincipalId[], groupsOf: GroupsOf): Set<string> {
  const users = new Set<string>();
  for (const p of principals) {
    if (isGroupId(p)) for (const member of groupsOf.get(p) ?? []) users.add(member);
    else users.add(p);
  }
  return users;
}

/**
 * Slack mrkdwn for a user or user-group mention.
 * @example mention('S0SECLEADS') // '<!subteam^S0SECLEADS>'
 */
export function mention(id: PrincipalId): string {
  return isGroupId(id) ? `<!subteam^${id}>` : `<@${id}>`;
}

export function mentionList(ids: readonly PrincipalId[]): string {
  return ids.map(mention).join(', ');
}

/** How an action is named in messages. */
export const ACTION_LABELS: Readonly<Record<ApprovalAction, string>> = {
  deny: 'Deny',
  undo: 'Undo',
  'archive-rule': 'Create archive rule',
  archive: 'Archive',
  'attach-policy': 'Attach policy',
};

/**
 * Whom to mention for a stage (when it opens, or in its reminder): its approvers, minus the requester and
 * anyone who already voted on the request. User groups stay (their members are mentioned through them).
 * @example mentionsFor(request, 0) // ['U0APPROVER2', 'S0SECLEADS']
 */
export function mentionsFor(request: ApprovalRequest, stageIndex: number): PrincipalId[] {
  const voted = new Set(request.stages.flatMap((s) => s.votes.map((v) => v.by)));
  return (request.chain[stageIndex]?.approvers ?? []).filter((a) => a !== request.requester && !voted.has(a));
}
