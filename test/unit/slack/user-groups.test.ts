import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { type SlackStandin } from '../../../src/sandbox/slack-standin';
import { createGroupResolver } from '../../../src/slack/user-groups';
import { standinWithClient } from '../sandbox/slack-standin/web-client-helpers';

const APPROVERS = ['U0APPROVER1', 'U0APPROVER2'];

describe('createGroupResolver (against the Slack stand-in)', () => {
  let standin: SlackStandin;
  let client: WebClient;
  let clock: number;
  const now = () => clock;
  let logLines: { level: number; group?: string; error?: string; msg: string }[];
  let log: pino.Logger;

  beforeEach(async () => {
    [standin, client] = await standinWithClient();
    clock = 1_000_000;
    logLines = [];
    log = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  });

  afterEach(() => standin.close());

  const lookups = () => standin.callsTo('usergroups.users.list');

  it('fetches the members of the S… ids only and gives every group named an entry', async () => {
    // Prepare
    standin.setUserGroup({ id: 'S0ONCALL', handle: 'oncall', name: 'On-call', users: ['U0ONCALL'] });
    const resolve = createGroupResolver(client, { now, log });

    // Act
    const groupsOf = await resolve(['U0ONCALL', 'S0APPROVERS', 'W0ENTERPRISE', 'S0ONCALL', 'S0APPROVERS']);

    // Assess
    expect(groupsOf).toEqual(
      new Map([
        ['S0APPROVERS', APPROVERS],
        ['S0ONCALL', ['U0ONCALL']],
      ]),
    );
    expect(lookups().map((c) => c.args.usergroup)).toEqual(['S0APPROVERS', 'S0ONCALL']);
    expect(logLines).toEqual([]);
  });

  it('answers an empty map without calling Slack when no group is named', async () => {
    // Act
    const groupsOf = await createGroupResolver(client, { now })(['U0ONCALL', 'U0APPROVER1']);

    // Assess
    expect(groupsOf.size).toBe(0);
    expect(lookups()).toHaveLength(0);
  });

  it('serves cached members until the TTL has passed, then reads the new membership', async () => {
    // Prepare
    const resolve = createGroupResolver(client, { now, log });
    await resolve(['S0APPROVERS']);
    standin.setUserGroup({
      id: 'S0APPROVERS',
      handle: 'security-approvers',
      name: 'Security approvers',
      users: ['U0ONCALL'],
    });

    // Act
    clock += 59_999;
    const stale = await resolve(['S0APPROVERS']);
    clock += 1;
    const fresh = await resolve(['S0APPROVERS']);

    // Assess
    expect(stale.get('S0APPROVERS')).toEqual(APPROVERS);
    expect(fresh.get('S0APPROVERS')).toEqual(['U0ONCALL']);
    expect(lookups()).toHaveLength(2);
  });

  it('honours a custom ttlMs', async () => {
    // Prepare
    const resolve = createGroupResolver(client, { now, ttlMs: 5_000 });
    await resolve(['S0APPROVERS']);

    // Act
    clock += 4_999;
    await resolve(['S0APPROVERS']);
    clock += 1;
    await resolve(['S0APPROVERS']);

    // Assess
    expect(lookups()).toHaveLength(2);
  });

  it('shares one request per group between concurrent calls', async () => {
    // Prepare
    const resolve = createGroupResolver(client, { now });

    // Act
    const [a, b] = await Promise.all([resolve(['S0APPROVERS']), resolve(['S0APPROVERS'])]);

    // Assess
    expect(a.get('S0APPROVERS')).toEqual(APPROVERS);
    expect(b.get('S0APPROVERS')).toEqual(APPROVERS);
    expect(lookups()).toHaveLength(1);
  });

  it('treats an unknown group as having no members and warns, while other groups still resolve', async () => {
    // Prepare
    const resolve = createGroupResolver(client, { now, log });

    // Act
    const groupsOf = await resolve(['S0NOPE', 'S0APPROVERS']);

    // Assess
    expect(groupsOf).toEqual(
      new Map([
        ['S0NOPE', []],
        ['S0APPROVERS', APPROVERS],
      ]),
    );
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatchObject({ level: 40, group: 'S0NOPE', error: 'no_such_subteam' });
  });

  it('retries a failed group after 10 s instead of caching the failure for the full TTL', async () => {
    // Prepare
    standin.failNext('usergroups.users.list', { error: 'missing_scope' });
    const resolve = createGroupResolver(client, { now, log });

    // Act
    const failed = await resolve(['S0APPROVERS']);
    clock += 9_999;
    const stillFailed = await resolve(['S0APPROVERS']);
    clock += 1;
    const recovered = await resolve(['S0APPROVERS']);

    // Assess
    expect(failed.get('S0APPROVERS')).toEqual([]);
    expect(stillFailed.get('S0APPROVERS')).toEqual([]);
    expect(recovered.get('S0APPROVERS')).toEqual(APPROVERS);
    expect(lookups().map((c) => c.error ?? 'ok')).toEqual(['missing_scope', 'ok']);
    expect(logLines.map((l) => [l.level, l.group, l.error])).toEqual([[40, 'S0APPROVERS', 'missing_scope']]);
  });

  it('treats an HTTP failure like any other: no members, a warning', async () => {
    // Prepare
    standin.failNext('usergroups.users.list', { status: 503 });
    const resolve = createGroupResolver(client, { now, log });

    // Act
    const groupsOf = await resolve(['S0APPROVERS']);

    // Assess
    expect(groupsOf.get('S0APPROVERS')).toEqual([]);
    expect(logLines[0]).toMatchObject({ level: 40, group: 'S0APPROVERS' });
  });
});
