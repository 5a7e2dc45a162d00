import { ApiError, type Args } from './api-args';
import type { Json } from './element-limits';
import type { ApiContext, MethodHandler } from './web-api-context';
import type { StandinUserGroup } from './workspace';

/**
 * `usergroups.*` read methods (bot scope usergroups:read). `usergroups.users.list` answers a group's member ids;
 * an unknown group is `no_such_subteam`, and so is a disabled one unless the call passes `include_disabled`
 * ("allow results that involve disabled User Groups"). `usergroups.list` answers the groups, members only with
 * `include_users`, counts with `include_count`, disabled groups (non-zero `date_delete`) with `include_disabled`.
 */

/** Fixed timestamps (seconds): the stand-in's groups have always existed. */
const CREATED = 1_700_000_000;

function visibleGroup(args: Args, ctx: ApiContext, id: string): StandinUserGroup {
  const group = ctx.ws.userGroup(id);
  if (!group || (group.disabled === true && !args.bool('include_disabled'))) {
    throw new ApiError('no_such_subteam');
  }
  return group;
}

function groupObject(g: StandinUserGroup, teamId: string, args: Args): Json {
  return {
    id: g.id,
    team_id: teamId,
    is_usergroup: true,
    is_subteam: true,
    name: g.name,
    description: '',
    handle: g.handle,
    is_external: false,
    date_create: CREATED,
    date_update: CREATED,
    date_delete: g.disabled === true ? CREATED : 0,
    auto_type: null,
    created_by: 'USLACKBOT',
    updated_by: 'USLACKBOT',
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    ...(args.bool('include_users') ? { users: [...g.users] } : {}),
    ...(args.bool('include_count') ? { user_count: g.users.length } : {}),
  };
}

const usersList: MethodHandler = (args, ctx) => {
  const group = visibleGroup(args, ctx, args.need('usergroup'));
  return { users: [...group.users] };
};

const list: MethodHandler = (args, { ws }) => {
  const includeDisabled = args.bool('include_disabled');
  const groups = ws.allUserGroups().filter((g) => includeDisabled || g.disabled !== true);
  return { usergroups: groups.map((g) => groupObject(g, ws.identity.teamId, args)) };
};

export const userGroupMethods: Record<string, MethodHandler> = {
  'usergroups.list': list,
  'usergroups.users.list': usersList,
};
