/**
 * Slack request signing, at every entry point the bot serves over HTTP (POST /slack/events): a button click
 * (block_actions), the slash commands `/iam-findings` and `/iam-generate`, and a modal submission
 * (view_submission). Each entry point gets one real request, signed by the Slack stand-in, captured before it
 * reached the bot; the table then sends it with one thing wrong. Every bad variant must be refused and change
 * nothing: no AWS write, no Slack call, no DynamoDB item. The unmodified request, sent last, does have its
 * effect, so the table proves the signature check is what refuses the others.
 */
import { SIGNING_SECRET, CHANNEL, ONCALL, eventually } from '../helpers/harness';
import { type GenerationHarness, ROLE_NAME, startGenerationHarness } from '../helpers/generation';
import { jobIdFor } from '../../src/slack/listeners/iam-generate';
import {
  type Effects,
  type RawSlackRequest,
  type SignedRequest,
  captureSlackRequest,
  cardOf,
  effects,
  nowSec,
  postFinding,
  resigned,
  sendToBot,
  settle,
} from './support';

const ARCHIVE_FINDING = 'a0000000-5151-4e2f-9a8b-000000000001';
const REASON_FINDING = 'a0000000-5151-4e2f-9a8b-000000000002';
const REASON = 'Partner account 999988887777 runs the quarterly audit (contract #123).';
const FIVE_MINUTES = 5 * 60;

interface BadRequest {
  what: string;
  make(req: SignedRequest): RawSlackRequest;
  /** What the bot answers (Bolt: 401 without a body for everything it cannot verify). */
  status: number;
}

/** The request with the user id in its body replaced, after it was signed. */
const tampered = (body: string) => body.replace(/U0ONCALL/g, 'U0APPROVER1');

const BAD_REQUESTS: BadRequest[] = [
  { what: 'no signature header', make: (r) => ({ ...r, signature: null }), status: 401 },
  { what: 'no timestamp header', make: (r) => ({ ...r, timestamp: null }), status: 401 },
  {
    what: 'signed with another secret',
    make: (r) => resigned(r, 'not-the-signing-secret', Number(r.timestamp)),
    status: 401,
  },
  { what: 'body changed after signing', make: (r) => ({ ...r, body: tampered(r.body) }), status: 401 },
  {
    what: 'timestamp changed after signing',
    make: (r) => ({ ...r, timestamp: String(Number(r.timestamp) + 1) }),
    status: 401,
  },
  {
    what: 'correctly signed, but the timestamp is more than 5 minutes old',
    make: (r) => resigned(r, SIGNING_SECRET, nowSec() - FIVE_MINUTES - 60),
    status: 401,
  },
  {
    // Bolt checks only the past; a request stamped ahead could be replayed until then (src/http/slack-timestamp.ts).
    what: 'correctly signed, but the timestamp is more than 5 minutes in the future',
    make: (r) => resigned(r, SIGNING_SECRET, nowSec() + FIVE_MINUTES + 60),
    status: 401,
  },
  {
    what: 'correctly signed, stamped an hour ahead',
    make: (r) => resigned(r, SIGNING_SECRET, nowSec() + 3600),
    status: 401,
  },
  {
    what: 'signature of an unknown version (v1=…)',
    make: (r) => ({ ...r, signature: r.signature.replace(/^v0=/, 'v1=') }),
    status: 401,
  },
  { what: 'signature without a version', make: (r) => ({ ...r, signature: 'deadbeef' }), status: 401 },
  { what: 'empty signature (v0=)', make: (r) => ({ ...r, signature: 'v0=' }), status: 401 },
  {
    what: 'signature cut short by one hex digit',
    make: (r) => ({ ...r, signature: r.signature.slice(0, -1) }),
    status: 401,
  },
  {
    what: 'non-numeric timestamp',
    make: (r) => ({ ...r, timestamp: 'now', signature: resigned(r, SIGNING_SECRET, 0).signature }),
    status: 401,
  },
  {
    // Slack's unsigned ssl_check is answered 200; the payload smuggled next to it must not run.
    what: 'unsigned ssl_check=1 with the payload smuggled in',
    make: (r) => ({ ...r, body: `ssl_check=1&${r.body}`, timestamp: null, signature: null }),
    status: 200,
  },
];

describe('Slack request signatures at every HTTP entry point', () => {
  let h: GenerationHarness;
  beforeAll(async () => {
    h = await startGenerationHarness();
    // The start-up reconcile of the example account's analyzers writes the bot's tables: let it finish first.
    await eventually(async () => {
      const analyzers = await h.bot.stores.analyzers.list();
      return analyzers.length > 0 && analyzers.every((a) => a.baselineAt);
    }, 8000);
    await postFinding(h, ARCHIVE_FINDING, 'signature-archive-bucket');
    await postFinding(h, REASON_FINDING, 'signature-reason-bucket');
  });
  afterAll(async () => {
    await h?.stop();
  });

  /**
   * Sends a bad variant and checks it was refused with nothing changed anywhere since `baseline` (taken once
   * per entry point: a refusal changes nothing, so every row must leave the same state behind).
   */
  async function refusedWithoutEffect(row: BadRequest, captured: SignedRequest, baseline: Effects) {
    const res = await sendToBot(h, row.make(captured));
    expect(res.status).toBe(row.status);
    expect(res.text).toBe('');
    await settle(100);
    expect(await effects(h)).toEqual(baseline);
  }

  describe('a button click (block_actions: Archive)', () => {
    let click: SignedRequest;
    let baseline: Effects;
    beforeAll(async () => {
      const ts = cardOf(h, ARCHIVE_FINDING)?.ts ?? '';
      click = await captureSlackRequest(h, () =>
        h.slack.clickButton({ channel: CHANNEL, ts, actionId: 'finding.archive', userId: ONCALL }),
      );
      baseline = await effects(h);
    });

    it.each(BAD_REQUESTS)('refuses $what and archives nothing', async (row) => {
      await refusedWithoutEffect(row, click, baseline);
      expect(h.aws.accessAnalyzer.getFinding(ARCHIVE_FINDING)?.status).toBe('ACTIVE');
    });

    it('archives when the same click arrives as Slack signed it', async () => {
      const res = await sendToBot(h, click);
      expect(res.status).toBe(200);
      await eventually(() => h.aws.accessAnalyzer.getFinding(ARCHIVE_FINDING)?.status === 'ARCHIVED');
      expect(h.aws.callsTo('UpdateFindings').map((c) => c.input)).toEqual([
        expect.objectContaining({ ids: [ARCHIVE_FINDING], status: 'ARCHIVED' }),
      ]);
      await eventually(async () =>
        (await h.bot.stores.decisions.forFinding(ARCHIVE_FINDING)).some((d) => d.phase === 'succeeded'),
      );
      const card = await eventually(() => {
        const c = cardOf(h, ARCHIVE_FINDING);
        return JSON.stringify(c?.blocks).includes('Archived by <@U0ONCALL>') ? c : undefined;
      });
      // The status note in the thread comes last.
      await eventually(() => h.slack.replies(CHANNEL, card.ts).length === 1);
    });
  });

  describe('the slash command /iam-findings', () => {
    let command: SignedRequest;
    let baseline: Effects;
    beforeAll(async () => {
      command = await captureSlackRequest(h, () =>
        h.slack.slashCommand({ command: '/iam-findings', text: 'rules', userId: ONCALL, channel: CHANNEL }),
      );
      baseline = await effects(h);
    });

    it.each(BAD_REQUESTS)('refuses $what and answers nothing', async (row) => {
      const shown = h.slack.ephemerals({ user: ONCALL }).length;
      await refusedWithoutEffect(row, command, baseline);
      expect(h.slack.ephemerals({ user: ONCALL })).toHaveLength(shown);
    });

    it('lists the archive rules when the same command arrives as Slack signed it', async () => {
      const shown = h.slack.ephemerals({ user: ONCALL }).length;
      const res = await sendToBot(h, command);
      expect(res.status).toBe(200);
      const answer = await eventually(() => h.slack.ephemerals({ user: ONCALL }).slice(shown)[0]);
      expect(answer.text).toMatch(/archive rule/i);
    });
  });

  describe('a modal submission (view_submission: Archive with reason)', () => {
    let submission: SignedRequest;
    let baseline: Effects;
    beforeAll(async () => {
      const ts = cardOf(h, REASON_FINDING)?.ts ?? '';
      const opened = await h.slack.clickButton({
        channel: CHANNEL,
        ts,
        actionId: 'finding.archive-with-reason',
        userId: ONCALL,
      });
      if (opened.status !== 200) throw new Error(`the click answered ${opened.status}`);
      const modal = await eventually(() => h.slack.modalStack(ONCALL).at(-1));
      submission = await captureSlackRequest(h, () =>
        h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { reason: REASON } }),
      );
      baseline = await effects(h);
    });

    it.each(BAD_REQUESTS)('refuses $what and archives nothing', async (row) => {
      await refusedWithoutEffect(row, submission, baseline);
      expect(h.aws.accessAnalyzer.getFinding(REASON_FINDING)?.status).toBe('ACTIVE');
    });

    it('archives with the reason when the same submission arrives as Slack signed it', async () => {
      const res = await sendToBot(h, submission);
      expect(res.status).toBe(200);
      await eventually(() => h.aws.accessAnalyzer.getFinding(REASON_FINDING)?.status === 'ARCHIVED');
      const log = await eventually(async () => {
        const entries = await h.bot.stores.decisions.forFinding(REASON_FINDING);
        return entries.some((d) => d.phase === 'succeeded') ? entries : undefined;
      });
      expect(log.map((d) => [d.actor, d.phase, (d.input as { reason?: string }).reason])).toEqual([
        [ONCALL, 'requested', REASON],
        [ONCALL, 'succeeded', REASON],
      ]);
      const card = await eventually(() => {
        const c = cardOf(h, REASON_FINDING);
        return JSON.stringify(c?.blocks).includes(REASON) ? c : undefined;
      });
      await eventually(() => h.slack.replies(CHANNEL, card.ts).length === 1);
    });
  });

  describe('the slash command /iam-generate', () => {
    let command: SignedRequest;
    let jobId: string;
    let baseline: Effects;
    beforeAll(async () => {
      command = await captureSlackRequest(h, () =>
        h.slack.slashCommand({ command: '/iam-generate', text: ROLE_NAME, userId: ONCALL, channel: CHANNEL }),
      );
      const fields = Object.fromEntries(new URLSearchParams(command.body));
      jobId = jobIdFor({ team_id: fields.team_id ?? '', trigger_id: fields.trigger_id ?? '' });
      baseline = await effects(h);
    });

    it.each(BAD_REQUESTS)('refuses $what and starts nothing', async (row) => {
      await refusedWithoutEffect(row, command, baseline);
      expect(await h.bot.generations.get(jobId)).toBeUndefined();
      expect(h.aws.callsTo('StartPolicyGeneration')).toHaveLength(0);
    });

    it('starts the generation when the same command arrives as Slack signed it', async () => {
      const res = await sendToBot(h, command);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Starting policy generation for role `BucketCreator`');
      await eventually(() => h.aws.callsTo('StartPolicyGeneration').length === 1);
      await h.untilStatus(jobId, 'IN_PROGRESS');
      await h.jobMessage(jobId);
    });
  });
});
