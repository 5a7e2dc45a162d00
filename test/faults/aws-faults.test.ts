/**
 * Issue #8, faults: AWS throttling and 5xx. The AWS stand-in answers with the injected error on the wire, so the
 * real SDK clients retry as they would against AWS (the harness allows 2 attempts a call). Nothing is lost:
 * an event the bot could not handle is refused with 503 so EventBridge delivers it again; nothing is applied
 * twice; a remediation that fails after approval says so where its requester looks, and can be asked for again.
 */
import { APPROVER1, type DenyHarness, startDenyHarness } from '../helpers/deny';
import { CHANNEL, type Harness, addRoleFinding, eventually, startHarness } from '../helpers/harness';
import { roleAlice } from '../fixtures/events';
import {
  denyStatements,
  phases,
  requestDeny,
  threadNotesAppear,
  untilStatus,
} from '../integration/approvals/support';
import { APPROVE_ACTION } from '../../src/slack/ids';

const FINDING_ID = '5a3b7c9d-1111-4e2f-9a8b-0123456789ab';
const THROTTLED = { name: 'ThrottlingException', status: 429, message: 'Rate exceeded' };
const INTERNAL = { name: 'InternalServerException', status: 500, message: 'internal failure' };

describe('AWS throttling and 5xx while a finding event is handled', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    addRoleFinding(h, FINDING_ID);
  });
  afterEach(async () => {
    await h.stop();
  });

  const cards = () => h.slack.messages(CHANNEL).filter((m) => m.metadata);

  it.each([
    ['throttled', THROTTLED],
    ['a 5xx', INTERNAL],
  ])('rides out one %s answer (the SDK retries) and posts the finding once', async (_, error) => {
    h.aws.failNext('GetFindingV2', error, 1);
    const res = await h.postEvent(roleAlice());
    expect(res.status).toBe(200);
    await h.bot.syncs.idle();
    expect(cards()).toHaveLength(1);
    // The SDK's retry got the details: no fallback to the event alone.
    expect(h.aws.callsTo('GetFindingV2').length).toBeGreaterThanOrEqual(2);
    expect(h.logs.some((l) => l.includes('could not fetch finding details'))).toBe(false);
  });

  it.each([
    ['throttled', THROTTLED],
    ['a 5xx', INTERNAL],
  ])(
    'posts from the event alone when GetFindingV2 stays %s, says so in the log, and a duplicate changes nothing',
    async (_, error) => {
      h.aws.failNext('GetFindingV2', error, 5); // every attempt, the SDK's retries included
      const res = await h.postEvent(roleAlice());
      expect(res.status).toBe(200);
      await h.bot.syncs.idle();
      expect(cards()).toHaveLength(1);
      const warning = h.logs.find((l) => l.includes('could not fetch finding details'));
      expect(warning).toContain(FINDING_ID);
      expect(JSON.parse(warning!)).toMatchObject({ level: 'warn' });

      // EventBridge delivers the same event again: nothing new is posted or stored.
      expect((await h.postEvent(roleAlice())).status).toBe(200);
      await h.bot.syncs.idle();
      expect(cards()).toHaveLength(1);
      expect((await h.bot.stores.findings.get(FINDING_ID))?.finding.status).toBe('ACTIVE');
    },
  );
});

describe('AWS throttling and 5xx while an approved Deny is applied', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('retries one throttled UpdateAssumeRolePolicy and adds the Deny once', async () => {
    h = await startDenyHarness({ env: { APPROVALS_REQUIRED: '1' } });
    const { ts, findingId } = await h.card();
    const { message, requestId } = await requestDeny(h, ts);
    h.aws.failNext(
      'UpdateAssumeRolePolicy',
      { name: 'Throttling', status: 400, message: 'Rate exceeded' },
      1,
    );
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: message.ts,
      actionId: APPROVE_ACTION,
      userId: APPROVER1,
    });
    await untilStatus(h, requestId, 'EXECUTED');
    expect(denyStatements(h)).toHaveLength(1);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(2);
    const done = await eventually(async () => {
      const p = await phases(h, findingId);
      return p.includes('succeeded') ? p : undefined;
    });
    expect(done.filter((p) => p === 'succeeded')).toHaveLength(1);
  });

  it('marks the request failed with the reason when IAM keeps failing, changes nothing, and a new request works', async () => {
    h = await startDenyHarness({ env: { APPROVALS_REQUIRED: '1' } });
    const { ts, findingId } = await h.card();
    const before = JSON.stringify(h.trustPolicy());
    const first = await requestDeny(h, ts);
    h.aws.failNext(
      'UpdateAssumeRolePolicy',
      { name: 'ServiceFailure', status: 500, message: 'IAM is down' },
      2,
    );
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: first.message.ts,
      actionId: APPROVE_ACTION,
      userId: APPROVER1,
    });
    const failed = await untilStatus(h, first.requestId, 'FAILED');
    expect(JSON.stringify(h.trustPolicy())).toBe(before);
    // Users see it: the request message and a thread note say that it failed.
    await eventually(() =>
      JSON.stringify(h.slack.message(CHANNEL, first.message.ts)?.blocks).includes('Failed'),
    );
    await threadNotesAppear(h, ts, /Deny failed after approval/);
    expect(failed.executionError).toMatch(/UpdateAssumeRolePolicy|IAM/);
    expect(await phases(h, findingId)).toContain('failed');

    // The finding is free again: a second request, approved once IAM is back, adds exactly one Deny.
    const second = await requestDeny(h, ts);
    await h.slack.clickButton({
      channel: CHANNEL,
      ts: second.message.ts,
      actionId: APPROVE_ACTION,
      userId: APPROVER1,
    });
    await untilStatus(h, second.requestId, 'EXECUTED');
    expect(denyStatements(h)).toHaveLength(1);
    await eventually(async () => (await phases(h, findingId)).includes('succeeded'));
  });
});
