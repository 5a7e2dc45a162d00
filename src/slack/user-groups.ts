/**
 * User-group membership for the approval policy: the members of the `S…` groups a policy names, read with
 * `usergroups.users.list` and cached for a while, as the `GroupsOf` data the approval functions take.
 * A group that cannot be read (missing_scope, no_such_subteam, plan_upgrade_required, network) counts as having
 * no members — it grants nothing, the safe side — and is logged; that outcome is retried after a short while.
 * Bot scope used: usergroups:read.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { isGroupId } from '../approvals/principals';
import type { GroupsOf } from '../approvals/types';

/** How long a group's member list is trusted by default. */
const DEFAULT_TTL_MS = 60_000;
/** How long a failed lookup (treated as no members) stands before the next call tries again. */
const FAILURE_TTL_MS = 10_000;

export interface GroupResolverOptions {
  /** How long a group's members are cached; default 60 s. */
  ttlMs?: number;
  /** Millisecond clock; default `Date.now`. */
  now?: () => number;
  /** Where an unreadable group is reported (warn); default: not reported. */
  log?: Logger;
}

interface Cached {
  users: readonly string[];
  expiresAt: number;
}

/**
 * Returns `resolve(ids)`: the members of every user group among `ids` (user ids are ignored), fetched in
 * parallel where not cached. Each group named gets an entry, an empty one when it could not be read.
 * Concurrent calls share one request per group.
 * @example const groupsOf = await createGroupResolver(client)(['U0LEAD', 'S0APPROVERS']) // Map { S0APPROVERS → [...] }
 */
export function createGroupResolver(
  client: WebClient,
  options: GroupResolverOptions = {},
): (ids: readonly string[]) => Promise<GroupsOf> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const failureTtlMs = Math.min(FAILURE_TTL_MS, ttlMs);
  const now = options.now ?? Date.now;
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<readonly string[]>>();

  async function fetchMembers(group: string): Promise<readonly string[]> {
    try {
      const res = await client.usergroups.users.list({ usergroup: group });
      const users = Object.freeze([...(res.users ?? [])]);
      cache.set(group, { users, expiresAt: now() + ttlMs });
      return users;
    } catch (err) {
      const e = err as { code?: string; data?: { error?: string }; message?: string };
      const error = e.data?.error ?? e.code ?? e.message ?? 'unknown_error';
      options.log?.warn(
        { group, error },
        'could not read the members of a Slack user group; it grants nothing until it can be read',
      );
      const users: readonly string[] = Object.freeze([]);
      cache.set(group, { users, expiresAt: now() + failureTtlMs });
      return users;
    }
  }

  function members(group: string): Promise<readonly string[]> {
    const cached = cache.get(group);
    if (cached && cached.expiresAt > now()) return Promise.resolve(cached.users);
    const pending = inFlight.get(group);
    if (pending) return pending;
    const request = fetchMembers(group).finally(() => inFlight.delete(group));
    inFlight.set(group, request);
    return request;
  }

  return async (ids) => {
    const groups = [...new Set(ids.filter(isGroupId))];
    const lists = await Promise.all(groups.map(members));
    return new Map(groups.map((group, i) => [group, lists[i] ?? []]));
  };
}
