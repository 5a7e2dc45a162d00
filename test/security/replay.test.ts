/**
 * Replays of correctly signed Slack requests. Bolt has no nonce: inside the 5-minute window a request sent
 * again byte for byte (same body, same timestamp, same signature) reaches the bot, so the bot's own idempotency
 * must make it count once: one UpdateFindings, one approval request, one vote, one decision-log entry. After the
 * window the same bytes, still carrying their original timestamp, are refused and change nothing.
 */
import { APPROVE_ACTION } from '../../src/slack/ids';
import { APPROVER1, APPROVER2, type DenyHarness, aliceTrust, startDenyHarness } from '../helpers/deny';
import { CHANNEL, ONCALL, SIGNING_SECRET, eventually } from '../helpers/harness';
import { approvalMessages, phases, requestIdOf, stored } from '../integration/approvals/support';
import {
  type SignedRequest,
  captureSlackRequest,
  effects,
  nowSec,
  resigned,
  sendToBot,
  settle,
} from './support';

const FIVE_MINUTES = 5 * 60;
const ARCHIVE_ROLE = 'Replay_ArchiveRole';
const DENY_ROLE = 'Replay_DenyRole';
const STALE_ROLE = 'Replay_StaleRole';

describe('replayed Slack requests', () => {
  let h: DenyHarness;
  beforeAll(async () => {
    // Two approvals per Deny, so one approver's replayed vote could never complete a request by itself.
    h = await startDenyHarness({
      env: { APPROVALS_REQUIRED: '2' },
      roles: { [ARCHIVE_ROLE]: aliceTrust, [DENY_ROLE]: aliceTrust, [STALE_ROLE]: aliceTrust },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** The request the stand-in signs for `user` clicking `actionId` on message `ts`, not yet delivered. */
  const signedClick = (ts: string, actionId: string, userId = ONCALL): Promise<SignedRequest> =>
    captureSlackRequest(h, () => h.slack.clickButton({ channel: CHANNEL, ts, actionId, userId }));

  it('archives once when one signed Archive click arrives five times, three of them at once', async () => {
    const { ts, findingId } = await h.card(ARCHIVE_ROLE);
    const click = await signedClick(ts, 'finding.archive');
    const shownBefore = h.slack.ephemerals({ user: ONCALL, channel: CHANNEL }).length;

    // Three copies at the same moment, then (once the archive is done) two more.
    const burst = await Promise.all([sendToBot(h, click), sendToBot(h, click), sendToBot(h, click)]);
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200]);
    await eventually(async () => (await phases(h, findingId)).includes('succeeded'));
    for (const res of [await sendToBot(h, click), await sendToBot(h, click)]) expect(res.status).toBe(200);

    // The four copies that lost are told so, privately.
    const notes = await eventually(() => {
      const shown = h.slack.ephemerals({ user: ONCALL, channel: CHANNEL }).slice(shownBefore);
      return shown.length === 4 ? shown : undefined;
    });
    for (const note of notes) expect(note.text).toMatch(/already (acting|archived)/);
    await settle();
    expect(h.aws.callsTo('UpdateFindings').map((c) => c.input)).toEqual([
      expect.objectContaining({ ids: [findingId], status: 'ARCHIVED' }),
    ]);
    expect(h.aws.accessAnalyzer.getFinding(findingId)?.status).toBe('ARCHIVED');
    expect(await phases(h, findingId)).toEqual(['requested', 'succeeded']);
  });

  describe('on a Deny approval request', () => {
    let cardTs: string;
    let findingId: string;
    let requestId: string;
    beforeAll(async () => {
      ({ ts: cardTs, findingId } = await h.card(DENY_ROLE));
    });

    it('opens one request when the signed Deny click arrives three times', async () => {
      const click = await signedClick(cardTs, 'finding.deny');

      const first = await sendToBot(h, click);
      const again = await Promise.all([sendToBot(h, click), sendToBot(h, click)]);
      expect([first, ...again].map((r) => r.status)).toEqual([200, 200, 200]);

      const message = await eventually(() => approvalMessages(h, cardTs)[0], 8000);
      requestId = requestIdOf(message);
      await settle();
      expect(approvalMessages(h, cardTs)).toHaveLength(1);
      expect(await phases(h, findingId)).toEqual(['requested']);
      expect((await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).map((a) => a.request.id)).toEqual([
        requestId,
      ]);
      expect((await stored(h, requestId)).request).toMatchObject({ requester: ONCALL, status: 'PENDING' });
    });

    it('counts one vote when an approver’s signed Approve click arrives three times', async () => {
      const message = approvalMessages(h, cardTs)[0];
      if (!message) throw new Error('no approval request to vote on');
      const vote = await signedClick(message.ts, APPROVE_ACTION, APPROVER1);
      const refusedBefore = h.slack.ephemerals({ user: APPROVER1 }).length;

      const first = await sendToBot(h, vote);
      expect(first.status).toBe(200);
      await eventually(async () => (await stored(h, requestId)).request.stages[0]?.votes.length === 1);
      const replays = await Promise.all([sendToBot(h, vote), sendToBot(h, vote)]);
      expect(replays.map((r) => r.status)).toEqual([200, 200]);

      const refusals = await eventually(() => {
        const shown = h.slack.ephemerals({ user: APPROVER1 }).slice(refusedBefore);
        return shown.length === 2 ? shown : undefined;
      });
      for (const r of refusals) expect(r.text).toContain('You already voted on this request');
      await settle();
      const after = await stored(h, requestId);
      expect(after.request.status).toBe('PENDING');
      expect(after.request.stages.map((s) => s.votes.map((v) => v.by))).toEqual([[APPROVER1]]);
      expect(await phases(h, findingId)).toEqual(['requested', 'vote']);
      expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
      // Nobody else voted, so the replays are the only thing that could have made a second vote.
      expect(h.slack.ephemerals({ user: APPROVER2 })).toEqual([]);
    });
  });

  it('refuses the same signed bytes once their timestamp is more than 5 minutes old', async () => {
    const { ts, findingId } = await h.card(STALE_ROLE);
    // The click as Slack signed it 4m58s ago: still inside the window, so it is accepted.
    const captured = await signedClick(ts, 'finding.archive');
    const original = resigned(captured, SIGNING_SECRET, nowSec() - FIVE_MINUTES + 2);
    const before = h.aws.callsTo('UpdateFindings').length;
    expect((await sendToBot(h, original)).status).toBe(200);
    await eventually(() => h.aws.accessAnalyzer.getFinding(findingId)?.status === 'ARCHIVED');
    await eventually(async () => (await phases(h, findingId)).includes('succeeded'));

    // Someone reopens the finding in Access Analyzer: an Archive click would archive it again.
    h.aws.accessAnalyzer.setStatus(findingId, 'ACTIVE');
    await eventually(async () => (await h.bot.stores.findings.get(findingId))?.finding.status === 'ACTIVE');
    await eventually(() =>
      JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks).includes('"finding.archive"'),
    );
    await settle();

    // The window passes (the timestamp the signature covers is now more than 5 minutes old).
    await eventually(() => nowSec() > Number(original.timestamp) + FIVE_MINUTES, 5000);
    const snapshot = await effects(h);
    const replay = await sendToBot(h, original);

    expect(replay.status).toBe(401);
    await settle();
    expect(await effects(h)).toEqual(snapshot);
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(before + 1);
    expect(h.aws.accessAnalyzer.getFinding(findingId)?.status).toBe('ACTIVE');
    expect(await phases(h, findingId)).toEqual(['requested', 'succeeded']);
  });
});
