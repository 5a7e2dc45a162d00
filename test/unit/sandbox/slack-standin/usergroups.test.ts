import { ErrorCode, type WebClient } from '@slack/web-api';
import { type SlackStandin } from '../../../../src/sandbox/slack-standin';
import { slackError, standinWithClient } from './web-client-helpers';

describe('Slack stand-in Web API: user groups', () => {
  let standin: SlackStandin;
  let client: WebClient;

  beforeEach(async () => {
    [standin, client] = await standinWithClient();
  });

  afterEach(() => standin.close());

  it('lists the members of the default security-approvers group', async () => {
    // Act
    const result = await client.usergroups.users.list({ usergroup: 'S0APPROVERS' });

    // Assess
    expect(result.ok).toBe(true);
    expect(result.users).toEqual(['U0APPROVER1', 'U0APPROVER2']);
    expect(standin.callsTo('usergroups.users.list')[0]).toMatchObject({
      ok: true,
      args: { usergroup: 'S0APPROVERS' },
    });
  });

  it('answers the new members after setUserGroup replaces a group', async () => {
    // Prepare
    standin.setUserGroup({
      id: 'S0APPROVERS',
      handle: 'security-approvers',
      name: 'Sec',
      users: ['U0ONCALL'],
    });
    standin.setUserGroup({ id: 'S0ONCALL', handle: 'oncall', name: 'On-call', users: [] });

    // Act
    const replaced = await client.usergroups.users.list({ usergroup: 'S0APPROVERS' });
    const empty = await client.usergroups.users.list({ usergroup: 'S0ONCALL' });

    // Assess
    expect(replaced.users).toEqual(['U0ONCALL']);
    expect(empty.users).toEqual([]);
  });

  it('refuses an unknown group with no_such_subteam and a missing usergroup with invalid_arguments', async () => {
    // Act
    const unknown = await slackError(client.usergroups.users.list({ usergroup: 'S0NOPE' }));
    const missing = await slackError(client.apiCall('usergroups.users.list', {}));

    // Assess
    expect(unknown).toMatchObject({ code: ErrorCode.PlatformError, error: 'no_such_subteam' });
    expect(missing).toMatchObject({ code: ErrorCode.PlatformError, error: 'invalid_arguments' });
    expect(standin.callsTo('usergroups.users.list').map((c) => c.error)).toEqual([
      'no_such_subteam',
      'invalid_arguments',
    ]);
  });

  it('hides a disabled group unless include_disabled is passed', async () => {
    // Prepare
    standin.setUserGroup({
      id: 'S0OLD',
      handle: 'old-team',
      name: 'Old team',
      users: ['U0ONCALL'],
      disabled: true,
    });

    // Act
    const hidden = await slackError(client.usergroups.users.list({ usergroup: 'S0OLD' }));
    const shown = await client.usergroups.users.list({ usergroup: 'S0OLD', include_disabled: true });
    const listed = await client.usergroups.list();
    const listedAll = await client.usergroups.list({ include_disabled: true });

    // Assess
    expect(hidden.error).toBe('no_such_subteam');
    expect(shown.users).toEqual(['U0ONCALL']);
    expect(listed.usergroups?.map((g) => g.id)).toEqual(['S0APPROVERS']);
    expect(listedAll.usergroups?.map((g) => [g.id, g.date_delete !== 0])).toEqual([
      ['S0APPROVERS', false],
      ['S0OLD', true],
    ]);
  });

  it('lists groups with id, handle and name, members only with include_users', async () => {
    // Act
    const plain = await client.usergroups.list();
    const withUsers = await client.usergroups.list({ include_users: true, include_count: true });

    // Assess
    expect(plain.usergroups).toHaveLength(1);
    expect(plain.usergroups?.[0]).toMatchObject({
      id: 'S0APPROVERS',
      team_id: 'T0SANDBOX',
      is_usergroup: true,
      handle: 'security-approvers',
      name: 'Security approvers',
      date_delete: 0,
    });
    expect(plain.usergroups?.[0]).not.toHaveProperty('users');
    expect(withUsers.usergroups?.[0]).toMatchObject({
      id: 'S0APPROVERS',
      users: ['U0APPROVER1', 'U0APPROVER2'],
      user_count: 2,
    });
  });

  it('refuses a group id that is not S… or members that are not in the workspace', () => {
    // Act + Assess
    expect(() => standin.setUserGroup({ id: 'U0ONCALL', handle: 'x', name: 'X', users: [] })).toThrow(
      /not a user group id/,
    );
    expect(() => standin.setUserGroup({ id: 'S0X', handle: 'x', name: 'X', users: ['U0GHOST'] })).toThrow(
      /unknown user\(s\) U0GHOST/,
    );
    expect(standin.userGroups().map((g) => g.id)).toEqual(['S0APPROVERS']);
  });
});
