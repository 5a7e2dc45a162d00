import type { StandinChannel, StandinUser } from './types';
import type { StandinUserGroup } from './workspace';

/**
 * The stand-in's workspace unless told otherwise: an on-call engineer, two approvers, one findings channel, and a
 * user group holding the two approvers.
 */

export const DEFAULT_USERS: StandinUser[] = [
  { id: 'U0ONCALL', name: 'oncall.engineer', realName: 'Olivia Oncall' },
  { id: 'U0APPROVER1', name: 'approver.one', realName: 'Aaron Approver' },
  { id: 'U0APPROVER2', name: 'approver.two', realName: 'Beatrice Approver' },
];
export const DEFAULT_CHANNELS: StandinChannel[] = [{ id: 'C0SECURITY', name: 'security-findings' }];
export const DEFAULT_USER_GROUPS: StandinUserGroup[] = [
  {
    id: 'S0APPROVERS',
    handle: 'security-approvers',
    name: 'Security approvers',
    users: ['U0APPROVER1', 'U0APPROVER2'],
  },
];
export const DEFAULT_BOT_TOKEN = 'xoxb-sandbox-token';
