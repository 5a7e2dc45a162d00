/**
 * Issue #8, faults: DynamoDB Local killed (SIGKILL) and started again on the same data, under the running bot.
 * While it is down the bot says so (/readyz 503), refuses finding events with 503 so EventBridge delivers them
 * again, and tells a clicking user that nothing was done; nothing is half-applied. Once it is back, the
 * redelivered event is posted once, the click works once, and what was stored before is all there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../src/sandbox/dynamodb-local';
import { CHANNEL, type Harness, ONCALL, addRoleFinding, eventually, startHarness } from '../helpers/harness';
import { roleAlice } from '../fixtures/events';

const FIRST = '5a3b7c9d-1111-4e2f-9a8b-0123456789ab';
const SECOND = '5a3b7c9d-2222-4e2f-9a8b-0123456789ab';
const ROLE_1 = 'arn:aws:iam::111122223333:role/First';
const ROLE_2 = 'arn:aws:iam::111122223333:role/Second';

describe('DynamoDB killed and restarted under the bot', () => {
  let dataDir: string;
  let ddb: DynamoDbLocal;
  let h: Harness;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ddb-restart-'));
    ddb = await startDynamoDbLocal({ dataDir });
    h = await startHarness({ dynamodbEndpoint: ddb.endpoint });
    addFinding(FIRST, ROLE_1);
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await ddb?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const addFinding = (id: string, resource: string) => addRoleFinding(h, id, resource);
  const cardOf = (id: string) =>
    h.slack
      .messages(CHANNEL)
      .filter((m) => (m.metadata?.event_payload as { finding_id?: string } | undefined)?.finding_id === id);
  const ready = async () => (await fetch(`${h.botUrl}/readyz`)).status;

  it('refuses work while DynamoDB is down, changes nothing, and carries on once it is back', async () => {
    // Before: one finding stored and shown.
    expect((await h.postEvent(roleAlice({ id: FIRST, resource: ROLE_1 }))).status).toBe(200);
    await h.bot.syncs.idle();
    expect(cardOf(FIRST)).toHaveLength(1);
    const ts = cardOf(FIRST)[0]!.ts;

    // DynamoDB dies without warning.
    process.kill(ddb.pid!, 'SIGKILL');
    await eventually(async () => (await ready()) === 503, 10_000);
    const readiness = (await (await fetch(`${h.botUrl}/readyz`)).json()) as { detail?: string };
    expect(readiness.detail).toMatch(/DynamoDB/);

    // A new finding's event: refused for a retry, not acknowledged and lost.
    addFinding(SECOND, ROLE_2);
    const refused = await h.postEvent(roleAlice({ id: SECOND, resource: ROLE_2 }));
    expect(refused.status).toBe(503);
    expect(cardOf(SECOND)).toHaveLength(0);

    // A click: acked, nothing done in AWS, and the user is told.
    const click = await h.slack.clickButton({
      channel: CHANNEL,
      ts,
      actionId: 'finding.archive',
      userId: ONCALL,
    });
    expect(click.status).toBe(200);
    const told = await eventually(
      () =>
        h.slack.ephemerals({ user: ONCALL })[0] ??
        h.slack.replies(CHANNEL, ts).find((r) => /could not reach/.test(r.text ?? '')),
      10_000,
    );
    expect(told.text).toMatch(/could not reach a service it depends on .*so this was not done/);
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(0);

    // DynamoDB comes back on the same port and data.
    ddb = await startDynamoDbLocal({ dataDir, port: ddb.port });
    await eventually(async () => (await ready()) === 200, 20_000);

    // What was stored before is there, and the message link with it.
    const first = await h.bot.stores.findings.get(FIRST);
    expect(first?.slack?.ts).toBe(ts);

    // EventBridge's redelivery (twice, as at-least-once delivery may) posts the second finding once.
    expect((await h.postEvent(roleAlice({ id: SECOND, resource: ROLE_2 }))).status).toBe(200);
    expect((await h.postEvent(roleAlice({ id: SECOND, resource: ROLE_2 }))).status).toBe(200);
    await h.bot.syncs.idle();
    expect(cardOf(SECOND)).toHaveLength(1);
    expect(cardOf(FIRST)).toHaveLength(1);

    // The click, again: archived once.
    await h.slack.clickButton({ channel: CHANNEL, ts, actionId: 'finding.archive', userId: ONCALL });
    await eventually(() => h.aws.accessAnalyzer.getFinding(FIRST)?.status === 'ARCHIVED', 10_000);
    await eventually(async () => (await h.bot.stores.findings.get(FIRST))?.finding.status === 'ARCHIVED');
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(1);
  }, 90_000);
});
