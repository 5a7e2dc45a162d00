/**
 * Digests: past DIGEST_THRESHOLD waiting findings, a burst is shown as one message per account, resource type
 * and external principal. Every finding is shown exactly once (by its own card or by one digest), a digest
 * follows its findings' later states, "Show N findings" posts one card per active finding in its thread (once,
 * whoever clicks), and a digest a crash left unposted, or whose post lost its answer, is posted once.
 */
import { randomUUID } from 'node:crypto';
import { DIGEST_EXPAND_ACTION, encodeDigestValue } from '../../../src/slack/ids';
import { DIGEST_METADATA_TYPE } from '../../../src/slack/digest-messenger';
import { renderKey } from '../../../src/findings/sync';
import type { StoredMessage } from '../../../src/sandbox/slack-standin/types';
import { CHANNEL, type Harness, ONCALL, eventually, startHarness } from '../../helpers/harness';
import { roleAlice } from '../../fixtures/events';
import { parseEvent } from '../../../src/ingest/event';
import { LOCAL_BOT_TOKEN } from '../../../src/sandbox/local-stack';

const THRESHOLD = 5;
const PRINCIPALS = {
  alice: 'arn:aws:iam::999988887777:user/Alice',
  bob: 'arn:aws:iam::444455556666:role/Bob',
};
/** A time after anything stored so far (a reconcile may have stored the analyzer's own, newer, state). */
const later = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const idOf = (who: string, i: number) =>
  `${who === 'alice' ? 'aaaaaaaa' : 'bbbbbbbb'}-0000-4000-8000-${String(i).padStart(12, '0')}`;

interface Sent {
  id: string;
  who: keyof typeof PRINCIPALS;
  resource: string;
}

describe('digests of a burst', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  /** Posts paced well below how fast the burst arrives, even on a loaded machine, so a backlog always forms. */
  const start = async (env: Record<string, string> = {}) => {
    h = await startHarness({
      env: { SLACK_POST_INTERVAL: '250ms', DIGEST_THRESHOLD: String(THRESHOLD), ...env },
    });
  };

  /** `n` findings per principal, each known to the analyzer, with its event. */
  const findings = (n: number): Sent[] =>
    (Object.keys(PRINCIPALS) as (keyof typeof PRINCIPALS)[]).flatMap((who) =>
      Array.from({ length: n }, (_, i) => {
        const id = idOf(who, i);
        const resource = `arn:aws:iam::111122223333:role/${who}-${i}`;
        h.aws.accessAnalyzer.addFinding({
          id,
          analyzerArn: h.analyzerArn,
          resource,
          resourceType: 'AWS::IAM::Role',
          principal: { AWS: PRINCIPALS[who] },
          action: ['sts:AssumeRole'],
        });
        return { id, who, resource };
      }),
    );
  const eventOf = (f: Sent, status = 'ACTIVE', updatedAt = '2024-05-01T10:00:00Z') =>
    roleAlice({ id: f.id, resource: f.resource, principal: { AWS: PRINCIPALS[f.who] }, status, updatedAt });

  const topLevel = () => h.slack.messages(CHANNEL).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const digestMessages = () => topLevel().filter((m) => m.metadata?.event_type === DIGEST_METADATA_TYPE);
  const cardFindingId = (m: StoredMessage) =>
    (m.metadata?.event_payload as { finding_id?: string } | undefined)?.finding_id;
  const digestIdOf = (m: StoredMessage) => (m.metadata?.event_payload as { digest_id: string }).digest_id;

  /** Every finding shown exactly once: its own card, or one posted digest that lists it. */
  async function expectEachShownOnce(sent: Sent[]) {
    await h.bot.syncs.idle();
    const records = await h.bot.stores.findings.getMany(sent.map((f) => f.id));
    const cards = new Map<string, number>();
    for (const m of topLevel()) {
      const id = cardFindingId(m);
      if (id) cards.set(id, (cards.get(id) ?? 0) + 1);
    }
    const digested = new Map<string, number>();
    for (const m of digestMessages()) {
      const digest = await h.bot.stores.digests.get(digestIdOf(m));
      expect(digest?.slack?.ts).toBe(m.ts);
      for (const id of digest?.findingIds ?? []) {
        if (records.get(id)?.digestId === digest?.id) digested.set(id, (digested.get(id) ?? 0) + 1);
      }
    }
    const wrong = sent.flatMap((f) => {
      const shown = (cards.get(f.id) ?? 0) + (digested.get(f.id) ?? 0);
      const rec = records.get(f.id);
      const problems: string[] = [];
      if (shown !== 1) problems.push(`${f.id}: shown ${shown} times`);
      if (rec?.syncDueAt !== undefined) problems.push(`${f.id}: still owes Slack work`);
      return problems;
    });
    expect(wrong).toEqual([]);
    return { cards, digested };
  }

  async function burst(sent: Sent[]) {
    await Promise.all(
      sent.map(async (f) => {
        expect((await h.postEvent(eventOf(f))).status).toBe(200);
      }),
    );
  }

  it('groups a burst by principal into digests, each finding shown once, with far fewer messages', async () => {
    await start();
    const sent = findings(20);
    await burst(sent);
    const { digested } = await expectEachShownOnce(sent);
    expect(digested.size).toBeGreaterThan(20);
    expect(topLevel().length).toBeLessThan(15);
    // Every pass of the burst fills the principal's open digest: one digest per principal.
    expect(digestMessages()).toHaveLength(2);
    // One principal per digest, and the message names it and counts its findings.
    for (const m of digestMessages()) {
      const digest = await h.bot.stores.digests.get(digestIdOf(m));
      const recs = await h.bot.stores.findings.getMany(digest!.findingIds);
      const principals = new Set([...recs.values()].map((r) => r.finding.principal?.AWS));
      expect(principals.size).toBe(1);
      expect(m.text).toContain(String([...principals][0]));
      expect(JSON.stringify(m.blocks)).toContain(`Show ${digest!.findingIds.length} findings`);
    }
  }, 60_000);

  it('follows later states, expands into one card per active finding in its thread, once', async () => {
    await start();
    const sent = findings(10);
    await burst(sent);
    await expectEachShownOnce(sent);
    const digestMsg = digestMessages()[0]!;
    const digest = (await h.bot.stores.digests.get(digestIdOf(digestMsg)))!;
    const [archivedId, ...activeIds] = digest.findingIds;
    const archived = sent.find((f) => f.id === archivedId)!;

    // Archived in AWS: the digest shows it, and nothing new is posted at top level.
    const before = topLevel().length;
    expect((await h.postEvent(eventOf(archived, 'ARCHIVED', later(1)))).status).toBe(200);
    await h.bot.syncs.idle();
    await eventually(() =>
      JSON.stringify(h.slack.message(CHANNEL, digestMsg.ts)?.blocks).includes('1 archived'),
    );
    expect(topLevel()).toHaveLength(before);

    // Two people click "Show findings" at once: one expansion, one card per active finding, in the thread.
    const clicks = await Promise.all(
      [ONCALL, 'U0APPROVER1'].map((userId) =>
        h.slack.clickButton({ channel: CHANNEL, ts: digestMsg.ts, actionId: DIGEST_EXPAND_ACTION, userId }),
      ),
    );
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await eventually(
      () => h.slack.replies(CHANNEL, digestMsg.ts).filter(cardFindingId).length === activeIds.length,
      15_000,
    );
    await h.bot.syncs.idle();
    const threadCards = h.slack.replies(CHANNEL, digestMsg.ts).filter(cardFindingId);
    expect(threadCards.map(cardFindingId).sort()).toEqual([...activeIds].sort());
    const told = await eventually(() => h.slack.ephemerals({ channel: CHANNEL })[0]);
    expect(told.text).toMatch(/already expanded by <@(U0ONCALL|U0APPROVER1)>/);
    const shown = await eventually(() => {
      const blocks = JSON.stringify(h.slack.message(CHANNEL, digestMsg.ts)?.blocks);
      return blocks.includes('Expanded by') ? blocks : undefined;
    });
    expect(shown).not.toContain(DIGEST_EXPAND_ACTION);
    expect(topLevel()).toHaveLength(before);

    // A card in the thread lives like any other: archived in AWS, it is edited in place.
    const target = sent.find((f) => f.id === activeIds[0])!;
    const card = threadCards.find((m) => cardFindingId(m) === target.id)!;
    expect((await h.postEvent(eventOf(target, 'ARCHIVED', later(2)))).status).toBe(200);
    await h.bot.syncs.idle();
    await eventually(() => (h.slack.message(CHANNEL, card.ts)?.text ?? '').includes('[ARCHIVED]'));
    const rec = await h.bot.stores.findings.get(target.id);
    expect(rec?.slack?.ts).toBe(card.ts);
    expect(rec?.renderedKey).toBe(renderKey(rec!));
  }, 60_000);

  it('refuses a forged digest reference and changes nothing', async () => {
    await start();
    const sent = findings(6);
    await burst(sent);
    await expectEachShownOnce(sent);
    const digestMsg = digestMessages()[0]!;
    // A correctly signed click whose button value names a digest that does not exist.
    const payload = {
      type: 'block_actions',
      team: { id: 'T0SANDBOX' },
      user: { id: ONCALL },
      api_app_id: 'A0SANDBOX',
      token: 'x',
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: digestMsg.ts, channel_id: CHANNEL },
      channel: { id: CHANNEL },
      message: { ts: digestMsg.ts, text: digestMsg.text },
      actions: [
        {
          type: 'button',
          action_id: DIGEST_EXPAND_ACTION,
          block_id: 'digest-actions',
          value: encodeDigestValue(randomUUID()),
          action_ts: '1.1',
        },
      ],
    };
    const res = await h.slack.deliverRaw({
      body: `payload=${encodeURIComponent(JSON.stringify(payload))}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    const note = await eventually(() => h.slack.ephemerals({ user: ONCALL })[0]);
    expect(note.text).toContain('no record of this digest');
    expect(h.slack.replies(CHANNEL, digestMsg.ts).filter(cardFindingId)).toHaveLength(0);
  }, 60_000);

  it('posts a digest a crash left unposted, and finds one whose post lost its answer, once each', async () => {
    await start({ DIGEST_THRESHOLD: '0' });
    const sent = findings(1);
    // Stored findings that wait for Slack (suppressed from the normal sync by holding their events back).
    const stores = h.bot.stores;
    for (const f of sent) {
      const parsed = parseEvent(eventOf(f));
      if (parsed.kind !== 'finding') throw new Error('not a finding event');
      await stores.findings.apply(parsed.finding, { suppressed: false });
    }
    const [a, b] = [sent.filter((f) => f.who === 'alice'), sent.filter((f) => f.who === 'bob')];
    const now = Date.now();
    // Crash 1: the digest was stored and its findings joined, nothing posted.
    const unposted = randomUUID();
    await stores.digests.create({
      id: unposted,
      groupKey: 'a',
      findingIds: a.map((f) => f.id),
      createdAt: now,
    });
    for (const f of a) {
      const rec = (await stores.findings.get(f.id))!;
      expect(await stores.findings.joinDigest(f.id, unposted, renderKey(rec), now)).toBe(true);
    }
    // Crash 2: posted, but the answer was lost before the ts was stored.
    const lost = randomUUID();
    await stores.digests.create({ id: lost, groupKey: 'b', findingIds: b.map((f) => f.id), createdAt: now });
    for (const f of b) {
      const rec = (await stores.findings.get(f.id))!;
      expect(await stores.findings.joinDigest(f.id, lost, renderKey(rec), now)).toBe(true);
    }
    await stores.digests.beginPost(lost);
    const answer = await fetch(`${h.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${LOCAL_BOT_TOKEN}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({
        channel: CHANNEL,
        text: 'digest',
        metadata: { event_type: DIGEST_METADATA_TYPE, event_payload: { digest_id: lost } },
      }),
    });
    const posted = (await answer.json()) as { ts: string };

    await h.bot.digests.runDue();
    await h.bot.digests.runDue(); // a second pass changes nothing
    const digests = digestMessages();
    expect(digests.map(digestIdOf).sort()).toEqual([unposted, lost].sort());
    expect((await stores.digests.get(lost))?.slack?.ts).toBe(posted.ts);
    expect((await stores.digests.get(unposted))?.slack?.ts).toBeDefined();
    expect(await stores.digests.listPostDue(10)).toEqual([]);
    // The found message now shows the digest.
    expect(JSON.stringify(h.slack.message(CHANNEL, posted.ts)?.blocks)).toContain('Show 1 findings');
  }, 60_000);
});
