/**
 * Issue #2 Archive: ack at once, UpdateFindings(ARCHIVED) in Access Analyzer, message and decision log updated;
 * double clicks archive once; errors are explained in the thread and change nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL, type Harness, ONCALL, eventually, startHarness } from '../../helpers/harness';
import { roleAlice } from '../../fixtures/events';

const FINDING_ID = '5a3b7c9d-1111-4e2f-9a8b-0123456789ab';

describe('Archive', () => {
  let h: Harness;
  let ts: string;
  /** Starts the bot; the analyzer has the finding, and its event reached the bot. */
  const start = async (env?: Record<string, string>) => {
    h = await startHarness(env ? { env } : {});
    h.aws.accessAnalyzer.addFinding({
      id: FINDING_ID,
      analyzerArn: h.analyzerArn,
      resource: 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole',
      resourceType: 'AWS::IAM::Role',
      principal: { AWS: 'arn:aws:iam::999988887777:user/Alice' },
      action: ['sts:AssumeRole'],
    });
    await h.postEvent(roleAlice({ resource: 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole' }));
    ts = h.slack.messages(CHANNEL)[0]!.ts;
  };
  beforeEach(() => start());
  afterEach(async () => {
    await h.stop();
  });

  const click = (actionId = 'finding.archive', userId = ONCALL) =>
    h.slack.clickButton({ channel: CHANNEL, ts, actionId, userId });

  it('acks at once, archives in Access Analyzer, updates the message and records the decision', async () => {
    // Act
    const res = await click();
    // Assess
    // 200 means acked inside Slack's 3 s window: the stand-in reports a late ack as a timeout (status 0).
    expect(res.status).toBe(200);
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
    const calls = h.aws.callsTo('UpdateFindings');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.input).toMatchObject({
      analyzerArn: h.analyzerArn,
      ids: [FINDING_ID],
      status: 'ARCHIVED',
    });
    const msg = await eventually(() => {
      const m = h.slack.message(CHANNEL, ts);
      return JSON.stringify(m?.blocks).includes('Archived by <@U0ONCALL>') ? m : undefined;
    });
    expect(JSON.stringify(msg.blocks)).not.toContain('"finding.archive"');
    // The thread reply follows the message update.
    const replies = await eventually(() => {
      const r = h.slack.replies(CHANNEL, ts);
      return r.length > 0 ? r : undefined;
    });
    expect(replies.map((r) => r.text)).toEqual(['Status: ACTIVE → ARCHIVED (archived by <@U0ONCALL>)']);
    const log = await h.bot.stores.decisions.forFinding(FINDING_ID);
    expect(log.map((d) => [d.action, d.actor, d.phase])).toEqual([
      ['archive', ONCALL, 'requested'],
      ['archive', ONCALL, 'succeeded'],
    ]);
    expect(log[0]!.requestId).toBe(log[1]!.requestId);
  });

  it('archives once when the button is clicked twice at the same moment', async () => {
    const results = await Promise.all([click(), click('finding.archive', 'U0APPROVER1')]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
    await eventually(() => h.slack.ephemerals({ channel: CHANNEL }).length === 1);
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(1);
    expect(h.slack.ephemerals({ channel: CHANNEL })[0]!.text).toMatch(/already (acting|archived)/);
    const succeeded = await eventually(async () => {
      const log = (await h.bot.stores.decisions.forFinding(FINDING_ID)).filter(
        (d) => d.phase === 'succeeded',
      );
      return log.length > 0 ? log : undefined;
    });
    expect(succeeded).toHaveLength(1);
  });

  it('treats Archive on an archived finding as a no-op with a note', async () => {
    const asFirstPosted = h.slack.message(CHANNEL, ts)!.blocks;
    await click();
    await eventually(
      async () => (await h.bot.stores.findings.get(FINDING_ID))?.finding.status === 'ARCHIVED',
    );
    // A second person whose client still shows the Archive button clicks it.
    await h.slack.clickButton({
      channel: CHANNEL,
      ts,
      actionId: 'finding.archive',
      userId: 'U0APPROVER2',
      seenBlocks: asFirstPosted,
    });
    const note = await eventually(() => h.slack.ephemerals({ user: 'U0APPROVER2' })[0]);
    expect(note.text).toContain('already archived by <@U0ONCALL>');
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(1);
  });

  it.each([
    // [error, HTTP status, message, attempts the SDK makes (the harness allows 2; only throttling is retried)]
    ['AccessDeniedException', 403, /not allowed to call Access Analyzer UpdateFindings/, 1],
    ['ThrottlingException', 429, /throttling/, 2],
    ['ResourceNotFoundException', 404, /does not know finding/, 1],
  ])('explains %s in the thread and leaves the finding active', async (name, status, message, attempts) => {
    // Prepare: fail every attempt of one click, SDK retries included
    h.aws.failNext('UpdateFindings', { name, status, message: 'injected' }, attempts);
    // Act
    const res = await click();
    // Assess
    expect(res.status).toBe(200);
    const reply = await eventually(() => h.slack.replies(CHANNEL, ts)[0]);
    expect(reply.text).toMatch(message);
    const rec = await h.bot.stores.findings.get(FINDING_ID);
    expect(rec?.finding.status).toBe('ACTIVE');
    expect(rec?.pending).toBeUndefined();
    expect(h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status).toBe('ACTIVE');
    const phases = (await h.bot.stores.decisions.forFinding(FINDING_ID)).map((d) => d.phase);
    expect(phases).toEqual(['requested', 'failed']);
    // A later click, once AWS recovers, works.
    await click();
    await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
  });

  it('answers Create archive rule with its modal, and archives nothing by itself', async () => {
    await click('finding.create-archive-rule');
    const modal = await eventually(() => h.slack.modalStack(ONCALL).at(-1));
    expect(modal.view.callback_id).toBe('archive-rule.create');
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(0);
  });

  it('refuses forged and stale Slack signatures and changes nothing', async () => {
    const payload = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'finding.archive' }] }))}`;
    const forged = await h.slack.deliverRaw({
      body: payload,
      contentType: 'application/x-www-form-urlencoded',
      signature: 'v0=deadbeef',
    });
    const stale = await h.slack.deliverRaw({
      body: payload,
      contentType: 'application/x-www-form-urlencoded',
      timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
    });
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(h.aws.callsTo('UpdateFindings')).toHaveLength(0);
  });

  describe('when the approval policy gives archive a chain', () => {
    let dir: string;
    beforeEach(async () => {
      await h.stop();
      dir = await mkdtemp(join(tmpdir(), 'archive-policy-'));
      const file = join(dir, 'approvals.yaml');
      await writeFile(
        file,
        'actions:\n  archive:\n    stages:\n      - name: leads\n        approvers: [U0APPROVER1]\n',
      );
      await start({ APPROVAL_POLICY_FILE: file });
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('archives only after the approval, once', async () => {
      await click();
      const request = await eventually(() =>
        h.slack.replies(CHANNEL, ts).find((r) => JSON.stringify(r.blocks ?? []).includes('approval.approve')),
      );
      expect(JSON.stringify(request.blocks)).toContain('Archive requested by <@U0ONCALL>');
      expect(h.aws.callsTo('UpdateFindings')).toHaveLength(0);

      await h.slack.clickButton({
        channel: CHANNEL,
        ts: request.ts,
        actionId: 'approval.approve',
        userId: 'U0APPROVER1',
      });

      await eventually(() => h.aws.accessAnalyzer.getFinding(FINDING_ID)?.status === 'ARCHIVED');
      expect(h.aws.callsTo('UpdateFindings')).toHaveLength(1);
      await eventually(() =>
        JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks).includes('Archived by <@U0ONCALL>'),
      );
      const phases = (await h.bot.stores.decisions.forFinding(FINDING_ID)).map((d) => d.phase);
      expect(phases).toEqual(['requested', 'vote', 'approved', 'succeeded']);
    });
  });
});
