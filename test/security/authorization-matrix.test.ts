/**
 * Who may click what, per action and per stage of its approval chain. The bot reads its chains from
 * APPROVAL_POLICY_FILE (the same file format as production); the people in every row are taken from the
 * policy the bot actually loaded (`config.approvals`), not hard-coded. A refused click must change nothing
 * (no AWS write, not one DynamoDB item) and tell the clicker why, privately; an accepted one moves the request
 * on, and only the last stage's approval reaches AWS. A Deny with no approvers configured is refused, never
 * auto-approved.
 */
import type { StoredMessage } from '../../src/sandbox/slack-standin/types';
import { APPROVE_ACTION, REJECT_ACTION } from '../../src/slack/ids';
import { type DenyHarness, aliceTrust, startDenyHarness } from '../helpers/deny';
import { CHANNEL, ONCALL, eventually } from '../helpers/harness';
import {
  HOUR,
  type TestClock,
  approvalMessages,
  current,
  denyStatements,
  phases,
  policyFile,
  requestDeny,
  stored,
  testClock,
  threadNotesAppear,
  untilStatus,
} from '../integration/approvals/support';
import { type Effects, effects, quiet, settle } from './support';

const DENY_ROLE = 'Matrix_DenyRole';
const ARCHIVE_ROLE = 'Matrix_ArchiveRole';
const EXPIRE_ROLE = 'Matrix_ExpireRole';
const REQUESTERS_ROLE = 'Matrix_RequestersRole';

/** Deny: the requester's own team first (the requester is one of its approvers), then a lead; Archive: one approver. */
const POLICY = `
actions:
  deny:
    stages:
      - name: on-call review
        approvers: [U0ONCALL, U0APPROVER1]
      - name: security lead
        approvers: [U0APPROVER2]
  archive:
    stages:
      - name: archive review
        approvers: [U0APPROVER1]
requesters: [U0ONCALL, U0APPROVER1]
`;

/** The people of the matrix, read from the policy the bot loaded. */
interface People {
  requester: string;
  /** A stage-1 approver of Deny other than the requester. */
  stage1: string;
  /** The stage-2 approver of Deny. */
  stage2: string;
  /** Archive's approver. */
  archiveApprover: string;
  /** Someone other than the requester who is not among Archive's approvers. */
  notArchiveApprover: string;
  /** Someone REQUESTERS leaves out. */
  notRequester: string;
}

interface Click {
  who: string;
  by: (p: People) => string;
  verdict: 'approve' | 'reject';
  /** Clicks a button of the request as it was when first posted (a client that has not caught up). */
  stale?: boolean;
  refusal: RegExp;
}

describe('authorization matrix of the approval chains', () => {
  let h: DenyHarness;
  let clock: TestClock;
  let people: People;

  beforeAll(async () => {
    clock = testClock();
    h = await startDenyHarness({
      clock,
      env: { APPROVAL_POLICY_FILE: policyFile(POLICY) },
      roles: {
        [DENY_ROLE]: aliceTrust,
        [ARCHIVE_ROLE]: aliceTrust,
        [EXPIRE_ROLE]: aliceTrust,
        [REQUESTERS_ROLE]: aliceTrust,
      },
    });
    const { chains, requesters, source } = h.config.approvals;
    expect(source).toBe('file');
    const users = h.slack.users().map((u) => u.id);
    const [first, second] = chains.deny.stages;
    if (!first || !second || !requesters) throw new Error('the policy lost its Deny stages or requesters');
    const requester = ONCALL;
    // The self-approval rows only prove something if the requester could otherwise vote in stage 1.
    expect(first.approvers).toContain(requester);
    const archiveApprovers = chains.archive.stages.flatMap((s) => s.approvers);
    const pick = (what: string, ok: (u: string) => boolean) => {
      const found = users.find(ok);
      if (!found) throw new Error(`the workspace has nobody who is ${what}`);
      return found;
    };
    people = {
      requester,
      stage1: pick('a stage-1 approver', (u) => u !== requester && first.approvers.includes(u)),
      stage2: pick('a stage-2 approver', (u) => second.approvers.includes(u) && !first.approvers.includes(u)),
      archiveApprover: pick('an Archive approver', (u) => u !== requester && archiveApprovers.includes(u)),
      notArchiveApprover: pick(
        'outside the archive chain',
        (u) => u !== requester && !archiveApprovers.includes(u),
      ),
      notRequester: pick('outside REQUESTERS', (u) => !requesters.includes(u)),
    };
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** AWS writes and every DynamoDB item: what a refusal must leave as it was. */
  const unchangedPart = (e: Effects) => ({ awsWrites: e.awsWrites, db: e.db });

  /** Clicks Approve (or Reject… and gives a reason in its modal) as `user` on the request message. */
  async function vote(message: StoredMessage, user: string, verdict: Click['verdict'], seen?: StoredMessage) {
    const res = await h.slack.clickButton({
      channel: CHANNEL,
      ts: message.ts,
      actionId: verdict === 'approve' ? APPROVE_ACTION : REJECT_ACTION,
      userId: user,
      ...(seen ? { seenBlocks: seen.blocks } : {}),
    });
    expect(res.status).toBe(200);
    if (verdict === 'reject') {
      const modal = await eventually(() => h.slack.modalStack(user).at(-1));
      const submitted = await h.slack.submitView({
        viewId: modal.id,
        userId: user,
        values: { reason: { reason: 'Not needed: the partner still audits us.' } },
      });
      expect(submitted.outcome).toBe('closed');
    }
  }

  /** Runs the click and checks it was refused privately, with the reason, and changed nothing. */
  async function expectRefused(click: Click, message: StoredMessage, posted: StoredMessage) {
    const user = click.by(people);
    await quiet(h);
    const before = await effects(h);
    const shown = h.slack.ephemerals({ user }).length;

    await vote(current(h, message), user, click.verdict, click.stale ? posted : undefined);

    const note = await eventually(() => h.slack.ephemerals({ user }).slice(shown)[0], 8000);
    expect(note.text).toMatch(click.refusal);
    expect(note.text).toMatch(/^:warning: /);
    expect(note.channel).toBe(CHANNEL);
    await settle(150);
    expect(h.slack.ephemerals({ user }).slice(shown)).toHaveLength(1);
    expect(unchangedPart(await effects(h))).toEqual(unchangedPart(before));
  }

  describe('a two-stage Deny', () => {
    let cardTs: string;
    let findingId: string;
    let message: StoredMessage;
    let posted: StoredMessage;
    let requestId: string;
    beforeAll(async () => {
      ({ ts: cardTs, findingId } = await h.card(DENY_ROLE));
      ({ message, requestId } = await requestDeny(h, cardTs, people.requester));
      posted = message;
    });

    const atStage1: Click[] = [
      {
        who: 'the requester approving their own request',
        by: (p) => p.requester,
        verdict: 'approve',
        refusal: /You made this request, so you cannot approve or reject it yourself/,
      },
      {
        who: 'the requester rejecting their own request',
        by: (p) => p.requester,
        verdict: 'reject',
        refusal: /You made this request, so you cannot approve or reject it yourself/,
      },
      {
        who: 'the stage-2 approver voting while stage 1 is open',
        by: (p) => p.stage2,
        verdict: 'approve',
        refusal: /You are not an approver for stage 1 \("on-call review"\)/,
      },
      {
        who: 'the stage-2 approver rejecting while stage 1 is open',
        by: (p) => p.stage2,
        verdict: 'reject',
        refusal: /You are not an approver for stage 1 \("on-call review"\)/,
      },
    ];

    it.each(atStage1)('at stage 1, refuses $who', async (click) => {
      await expectRefused(click, message, posted);
      const now = await stored(h, requestId);
      expect(now.request).toMatchObject({ status: 'PENDING', stageIndex: 0 });
      expect(now.request.stages.map((s) => s.votes)).toEqual([[]]);
    });

    it('at stage 1, counts a stage-1 approver: stage 2 opens and nothing runs yet', async () => {
      await vote(current(h, message), people.stage1, 'approve');
      const next = await eventually(async () => {
        const s = await stored(h, requestId);
        return s.request.stageIndex === 1 ? s : undefined;
      });
      expect(next.request.status).toBe('PENDING');
      expect(next.request.stages.map((s) => s.votes.map((v) => v.by))).toEqual([[people.stage1], []]);
      await threadNotesAppear(h, cardTs, /Stage 2 \("security lead"\) of the Deny request is open/);
      expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
      expect(h.slack.ephemerals({ user: people.stage1 })).toEqual([]);
    });

    const atStage2: Click[] = [
      {
        who: 'the stage-1 approver voting a second time',
        by: (p) => p.stage1,
        verdict: 'approve',
        refusal: /You already voted on this request \(stage 1 \("on-call review"\)\)/,
      },
      {
        who: 'the requester approving their own request',
        by: (p) => p.requester,
        verdict: 'approve',
        refusal: /You made this request/,
      },
      {
        who: 'the stage-2 approver clicking a stale stage-1 button',
        by: (p) => p.stage2,
        verdict: 'approve',
        stale: true,
        refusal: /stage 1 \("on-call review"\) is already approved; the request now waits for stage 2/,
      },
    ];

    it.each(atStage2)('at stage 2, refuses $who', async (click) => {
      await expectRefused(click, message, posted);
      const now = await stored(h, requestId);
      expect(now.request).toMatchObject({ status: 'PENDING', stageIndex: 1 });
      expect(now.request.stages.map((s) => s.votes.map((v) => v.by))).toEqual([[people.stage1], []]);
    });

    it('at stage 2, counts the stage-2 approver and runs the Deny once', async () => {
      await vote(current(h, message), people.stage2, 'approve');
      const done = await untilStatus(h, requestId, 'EXECUTED');
      expect(done.request.stages.map((s) => s.votes.map((v) => v.by))).toEqual([
        [people.stage1],
        [people.stage2],
      ]);
      expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
      expect(denyStatements(h, DENY_ROLE)).toHaveLength(1);
      await eventually(async () => (await phases(h, findingId)).includes('succeeded'));
      // Access Analyzer re-analyses the role and resolves the finding; let the bot record and show that.
      await eventually(
        async () => (await h.bot.stores.findings.get(findingId))?.finding.status === 'RESOLVED',
        8000,
      );
      await h.bot.syncs.idle();
      await threadNotesAppear(h, cardTs, /→ RESOLVED/);
      await settle();
    });

    it.each<Click>([
      {
        who: 'the stage-1 approver',
        by: (p) => p.stage1,
        verdict: 'approve',
        stale: true,
        refusal: /approved and carried out; there is nothing left to vote on/,
      },
      {
        who: 'the stage-2 approver',
        by: (p) => p.stage2,
        verdict: 'reject',
        stale: true,
        refusal: /approved and carried out; there is nothing left to vote on/,
      },
    ])('once carried out, refuses a vote by $who', async (click) => {
      await expectRefused(click, message, posted);
      expect((await stored(h, requestId)).request.status).toBe('EXECUTED');
      expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(1);
    });
  });

  describe('Archive with a one-stage chain', () => {
    let message: StoredMessage;
    let findingId: string;
    let requestId: string;
    beforeAll(async () => {
      const card = await h.card(ARCHIVE_ROLE);
      findingId = card.findingId;
      const res = await h.click(card.ts, 'finding.archive', people.requester);
      expect(res.status).toBe(200);
      message = await eventually(() => approvalMessages(h, card.ts)[0], 8000);
      requestId = (await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).find(
        (a) => a.request.findingId === findingId,
      )?.request.id as string;
      expect(requestId).toBeDefined();
      expect(h.aws.callsTo('UpdateFindings')).toHaveLength(0);
    });

    it.each<Click>([
      {
        who: 'someone outside the chain (an approver of other actions)',
        by: (p) => p.notArchiveApprover,
        verdict: 'approve',
        refusal: /You are not an approver for stage 1 \("archive review"\)/,
      },
      {
        who: 'the requester',
        by: (p) => p.requester,
        verdict: 'approve',
        refusal: /You made this request/,
      },
    ])('refuses $who', async (click) => {
      await expectRefused(click, message, message);
      expect((await stored(h, requestId)).request.status).toBe('PENDING');
      expect(h.aws.accessAnalyzer.getFinding(findingId)?.status).toBe('ACTIVE');
    });

    it('archives once the approver approves', async () => {
      await vote(current(h, message), people.archiveApprover, 'approve');
      await untilStatus(h, requestId, 'EXECUTED');
      expect(h.aws.callsTo('UpdateFindings').map((c) => c.input)).toEqual([
        expect.objectContaining({ ids: [findingId], status: 'ARCHIVED' }),
      ]);
    });
  });

  it('refuses a Deny asked for by someone outside REQUESTERS, opening no request', async () => {
    const { ts, findingId } = await h.card(REQUESTERS_ROLE);
    const user = people.notRequester;
    await quiet(h);
    const before = await effects(h);
    const shown = h.slack.ephemerals({ user }).length;

    expect((await h.click(ts, 'finding.deny', user)).status).toBe(200);

    const note = await eventually(() => h.slack.ephemerals({ user }).slice(shown)[0]);
    expect(note.text).toMatch(/You are not allowed to act on findings: the approval policy limits this to/);
    await settle();
    expect(unchangedPart(await effects(h))).toEqual(unchangedPart(before));
    expect(approvalMessages(h, ts)).toEqual([]);
    expect(await phases(h, findingId)).toEqual([]);
  });

  describe('a Deny request left until it expired', () => {
    let message: StoredMessage;
    let requestId: string;
    beforeAll(async () => {
      const { ts } = await h.card(EXPIRE_ROLE);
      ({ message, requestId } = await requestDeny(h, ts, people.requester));
      // Past the TTL of the policy the bot loaded; the due work (run here as the bot's timer would) closes it.
      clock.advance(h.config.approvals.ttlMs + HOUR);
      await h.bot.workflow.runDue();
      await untilStatus(h, requestId, 'EXPIRED');
      await threadNotesAppear(h, ts, /expired without a decision/);
      await h.bot.syncs.idle();
      await settle();
    });

    it.each<Click>([
      {
        who: 'a stage-1 approver',
        by: (p) => p.stage1,
        verdict: 'approve',
        stale: true,
        refusal: /This request expired, so it is closed/,
      },
      {
        who: 'the stage-2 approver',
        by: (p) => p.stage2,
        verdict: 'reject',
        stale: true,
        refusal: /This request expired, so it is closed/,
      },
    ])('refuses a vote by $who', async (click) => {
      await expectRefused(click, message, message);
      const now = await stored(h, requestId);
      expect(now.request.status).toBe('EXPIRED');
      expect(now.request.stages.map((s) => s.votes)).toEqual([[]]);
    });
  });
});

describe('Deny with no approvers configured', () => {
  let h: DenyHarness;
  beforeAll(async () => {
    // The local stack sets APPROVERS; an empty value leaves the approval policy unconfigured.
    h = await startDenyHarness({ env: { APPROVERS: '' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is refused at the click, never auto-approved, and the requester is told why', async () => {
    expect(h.config.approvals.source).toBe('unconfigured');
    expect(h.config.approvals.chains.deny.stages.map((s) => s.approvers)).toEqual([[]]);
    const { ts, findingId } = await h.card();
    await quiet(h);
    const before = await effects(h);

    expect((await h.click(ts, 'finding.deny', ONCALL)).status).toBe(200);

    const note = await eventually(() => h.slack.ephemerals({ user: ONCALL })[0], 8000);
    expect(note.text).toMatch(/\*Deny\* needs approval .* but no approvers are configured for it/);
    expect(note.text).toContain('set APPROVERS');
    await settle();
    const after = await effects(h);
    expect(after.awsWrites).toEqual(before.awsWrites);
    expect(after.db).toEqual(before.db);
    expect(h.aws.callsTo('UpdateAssumeRolePolicy')).toHaveLength(0);
    expect(h.trustPolicy()).toEqual(aliceTrust);
    expect(approvalMessages(h, ts)).toEqual([]);
    expect(await phases(h, findingId)).toEqual([]);
    expect((await h.bot.stores.findings.get(findingId))?.pending).toBeUndefined();
  });
});
