/**
 * Hostile text typed into slash commands and modals. Slack markup (`<!channel>`, `<!here>`, `<@U…>`,
 * `<!subteam^…>`, `<https://…|label>`, `<#C…>`) must never reach a message the bot posts in a form Slack would
 * turn into a ping or a link: every mrkdwn text the stand-in received (posts, edits, ephemerals, response_url
 * answers, the commands' own acks) is inspected. JSON smuggled into a value that ends up in an AWS call or a
 * policy (`"}],"Effect":"Allow","Action":"*"`, quotes, backslashes, newlines) is either refused with a clear error
 * or arrives as one inert string: the AWS stand-in's recorded input is parsed and its structure asserted.
 * Oversized input is refused, including when a forged (but correctly signed) submission skips Slack's
 * client-side length limits.
 */
import {
  APPROVE_ACTION,
  ARCHIVE_RULE_VIEW,
  GENERATION_ATTACH_VIEW,
  REJECT_ACTION,
} from '../../src/slack/ids';
import type { Ephemeral, StoredMessage } from '../../src/sandbox/slack-standin/types';
import { type ArchiveRuleHarness, startArchiveRuleHarness } from '../helpers/archive-rule';
import { APPROVER1, type DenyHarness, aliceTrust, startDenyHarness } from '../helpers/deny';
import { type GenerationHarness, ROLE_NAME, generated, startGenerationHarness } from '../helpers/generation';
import { CHANNEL, ONCALL, SIGNING_SECRET, type Harness, eventually } from '../helpers/harness';
import { requestDeny, requestIdOf, untilStatus } from '../integration/approvals/support';
import {
  type SignedRequest,
  captureSlackRequest,
  effects,
  nowSec,
  quiet,
  resigned,
  sendToBot,
} from './support';

/** Markup Slack turns into a ping or a link; none of it is anything the bot writes by itself. */
const PINGS_AND_LINKS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0ATTACKER>',
  '<!subteam^S0EVIL>',
  '<https://evil.example|click here>',
  '<#C0EVIL>',
];
/** JSON that would change a policy's structure if it were pasted into the document as text. */
const JSON_BREAKOUT = '"}],"Effect":"Allow","Action":"*"';
/** Everything at once, with quotes, a backslash, mrkdwn and a newline. */
const HOSTILE = `${PINGS_AND_LINKS.join(' ')} *bold* _it_ ~x~ ${JSON_BREAKOUT} back\\slash\nsecond line`;

/** Message-shaped Slack calls: what the bot posts, edits, or answers privately. */
const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'response_url']);

/** Every mrkdwn text of a message: its top-level `text` and each `{ type: 'mrkdwn', text }` in its blocks. */
function mrkdwnOf(message: { text?: unknown; blocks?: unknown }): string[] {
  const out: string[] = typeof message.text === 'string' ? [message.text] : [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(message.blocks);
  return out;
}

/**
 * Every place a hostile token shows up raw in what the bot sent to Slack since call `from` (and in the
 * ephemerals, including the commands' synchronous acks, and the channel as it is now).
 */
function rawMarkup(h: Harness, from = 0): string[] {
  const texts: { where: string; text: string }[] = [];
  for (const call of h.slack.calls.slice(from)) {
    if (!MESSAGE_METHODS.has(call.method)) continue;
    for (const text of mrkdwnOf(call.args)) texts.push({ where: call.method, text });
  }
  for (const e of h.slack.ephemerals() as Ephemeral[]) {
    for (const text of mrkdwnOf(e)) texts.push({ where: 'ephemeral', text });
  }
  const shown: StoredMessage[] = h.slack.messages(CHANNEL).flatMap((m) => [m, ...m.replies]);
  for (const m of shown) for (const text of mrkdwnOf(m)) texts.push({ where: 'channel', text });
  return texts.flatMap(({ where, text }) =>
    PINGS_AND_LINKS.filter((token) => text.includes(token)).map((token) => `${where}: ${token}`),
  );
}

/** No message call asked Slack to turn plain `@channel` / `#channel` text into pings or links. */
function linkNamesRequested(h: Harness): unknown[] {
  return h.slack.calls
    .filter((c) => MESSAGE_METHODS.has(c.method))
    .filter((c) => c.args.link_names === true || c.args.link_names === 'true' || c.args.parse === 'full')
    .map((c) => c.method);
}

/** A captured modal submission with the value of one input replaced, correctly re-signed (as a forged client). */
function withValue(captured: SignedRequest, blockId: string, actionId: string, value: string): SignedRequest {
  const payload = JSON.parse(new URLSearchParams(captured.body).get('payload') ?? '{}') as {
    view: { state: { values: Record<string, Record<string, { value?: string }>> } };
  };
  const input = payload.view.state.values[blockId]?.[actionId];
  if (!input) throw new Error(`the submission has no input ${blockId}/${actionId}`);
  input.value = value;
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return resigned(captured, SIGNING_SECRET, nowSec(), body);
}

describe('hostile text in /iam-findings, archive reasons and archive-rule criteria', () => {
  let h: ArchiveRuleHarness;
  beforeAll(async () => {
    h = await startArchiveRuleHarness({
      roles: { Hostile_ReasonRole: aliceTrust, Hostile_RuleRole: aliceTrust, Hostile_SizeRole: aliceTrust },
    });
    // Every role's card is posted (the analysis delivers their events) before the channel is watched.
    for (const role of ['Hostile_ReasonRole', 'Hostile_RuleRole', 'Hostile_SizeRole']) await h.card(role);
    await h.card();
    await quiet(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    ['every kind of markup', HOSTILE],
    ['markup after the rules subcommand', `rules ${PINGS_AND_LINKS.join(' ')}`],
    ['100,000 characters', `${'<!channel>'.repeat(10_000)}`],
  ])('/iam-findings with %s answers privately and echoes none of it', async (_what, text) => {
    await quiet(h);
    const before = await effects(h);
    const channelBefore = h.slack.messageCount(CHANNEL);

    const answer = await h.command(text);

    expect(answer.text.length).toBeLessThan(4000);
    expect(rawMarkup(h)).toEqual([]);
    expect(h.slack.messageCount(CHANNEL)).toBe(channelBefore);
    expect((await effects(h)).awsWrites).toEqual(before.awsWrites);
  });

  it('archives with a hostile reason: shown escaped, kept as one inert string, not in the AWS call', async () => {
    const { ts, findingId } = await h.card('Hostile_ReasonRole');
    const callsBefore = h.slack.calls.length;
    expect((await h.click(ts, 'finding.archive-with-reason')).status).toBe(200);
    const modal = await eventually(() => h.slack.modalStack(ONCALL).at(-1));

    const submitted = await h.slack.submitView({
      viewId: modal.id,
      userId: ONCALL,
      values: { reason: HOSTILE },
    });

    expect(submitted.outcome).toBe('closed');
    await eventually(() => h.aws.accessAnalyzer.getFinding(findingId)?.status === 'ARCHIVED');
    const card = await eventually(() => {
      const m = h.slack.message(CHANNEL, ts);
      return JSON.stringify(m?.blocks).includes('Archived by') ? m : undefined;
    });
    await eventually(() => h.slack.replies(CHANNEL, ts).length > 0);
    // Shown, escaped: the reason is on the card, and nothing in it pings or links.
    expect(JSON.stringify(card.blocks)).toContain('&lt;!channel&gt;');
    expect(rawMarkup(h, callsBefore)).toEqual([]);
    expect(linkNamesRequested(h)).toEqual([]);
    // The AWS call carries exactly the archive, nothing from the reason.
    const update = h.aws.callsTo('UpdateFindings').at(-1)?.input as Record<string, unknown>;
    expect(update).toMatchObject({ ids: [findingId], status: 'ARCHIVED' });
    expect(JSON.stringify(update)).not.toContain('Effect');
    // The decision log keeps the reason as typed: one string, quotes and newline included.
    const log = await h.bot.stores.decisions.forFinding(findingId);
    expect(log.map((d) => (d.input as { reason?: unknown }).reason)).toEqual([
      HOSTILE.trim(),
      HOSTILE.trim(),
    ]);
  });

  describe('the Create archive rule modal', () => {
    let cardTs: string;
    beforeAll(async () => {
      ({ ts: cardTs } = await h.card('Hostile_RuleRole'));
    });

    it.each([
      [
        'principal',
        { principal: JSON_BREAKOUT },
        'principal',
        /is not a principal Access Analyzer filters on/,
      ],
      [
        'principal',
        { principal: `arn:aws:iam::999988887777:user/Alice ${PINGS_AND_LINKS[0]}` },
        'principal',
        /is not a principal Access Analyzer filters on/,
      ],
      ['rule name', { 'rule-name': `evil${JSON_BREAKOUT}` }, 'rule-name', /Start with a letter/],
      ['rule name', { 'rule-name': `r${PINGS_AND_LINKS[0]}` }, 'rule-name', /Start with a letter/],
    ])('refuses JSON or markup in the %s (%j) inside the modal', async (_field, values, block, message) => {
      const modal = await h.openRuleModal(cardTs);
      const creates = h.aws.callsTo('CreateArchiveRule').length;

      const submitted = await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values });

      expect(submitted.outcome).toBe('errors');
      expect(submitted.errors?.[block]).toMatch(message);
      await quiet(h);
      expect(await h.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(h.aws.callsTo('CreateArchiveRule')).toHaveLength(creates);
      await h.slack.closeView(modal.id);
    });

    it('creates the rule with a principal full of quotes and markup as one inert filter value', async () => {
      // IAM names allow little, but the modal only checks the ARN's shape: the rest of it is taken as typed.
      const principal = `arn:aws:iam::999988887777:user/${PINGS_AND_LINKS[0]}${PINGS_AND_LINKS[3]}"}]\\`;
      const callsBefore = h.slack.calls.length;
      const modal = await h.openRuleModal(cardTs);
      const submitted = await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { principal } });
      expect(submitted.outcome).toBe('closed');

      const request = await h.ruleRequest(cardTs);
      expect(JSON.stringify(request.blocks)).toContain('&lt;!channel&gt;');
      const approved = await h.slack.clickButton({
        channel: CHANNEL,
        ts: request.ts,
        actionId: APPROVE_ACTION,
        userId: APPROVER1,
      });
      expect(approved.status).toBe(200);
      const create = await eventually(() => h.aws.callsTo('CreateArchiveRule')[0]);

      const input = create.input as { filter: Record<string, Record<string, unknown>> };
      expect(input.filter).toEqual({
        resourceType: { eq: ['AWS::IAM::Role'] },
        'principal.AWS': { eq: [principal] },
        resourceOwnerAccount: { eq: ['111122223333'] },
        isPublic: { eq: ['false'] },
      });
      await untilStatus(h, requestIdOf(request), 'EXECUTED');
      await quiet(h);
      expect(rawMarkup(h, callsBefore)).toEqual([]);
    });
  });

  describe('oversized input from a client that skips Slack’s length limits', () => {
    let cardTs: string;
    let findingId: string;
    beforeAll(async () => {
      ({ ts: cardTs, findingId } = await h.card('Hostile_SizeRole'));
    });

    it('refuses an archive reason over 2,000 characters and archives nothing', async () => {
      expect((await h.click(cardTs, 'finding.archive-with-reason')).status).toBe(200);
      const modal = await eventually(() => h.slack.modalStack(ONCALL).at(-1));
      const captured = await captureSlackRequest(h, () =>
        h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { reason: 'A reason long enough.' } }),
      );
      await quiet(h);
      const before = await effects(h);

      const res = await sendToBot(h, withValue(captured, 'reason', 'reason', 'r'.repeat(2001)));

      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({
        response_action: 'errors',
        errors: { reason: expect.stringMatching(/Keep the reason to 2,000 characters \(it has 2,001\)/) },
      });
      await quiet(h);
      expect((await effects(h)).awsWrites).toEqual(before.awsWrites);
      expect((await effects(h)).db).toEqual(before.db);
      expect(h.aws.accessAnalyzer.getFinding(findingId)?.status).toBe('ACTIVE');
    });

    it('refuses an archive rule name over 255 characters and requests nothing', async () => {
      const modal = await h.openRuleModal(cardTs);
      expect(modal.view.callback_id).toBe(ARCHIVE_RULE_VIEW);
      const captured = await captureSlackRequest(h, () =>
        h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: {} }),
      );
      await quiet(h);
      const before = await effects(h);

      const res = await sendToBot(
        h,
        withValue(captured, 'rule-name', 'archive-rule.input', `r${'x'.repeat(300)}`),
      );

      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({
        response_action: 'errors',
        errors: { 'rule-name': expect.stringMatching(/At most 255 characters/) },
      });
      await quiet(h);
      const after = await effects(h);
      expect(after.awsWrites).toEqual(before.awsWrites);
      expect(after.db).toEqual(before.db);
    });
  });
});

describe('hostile text in /iam-generate and the attach modal', () => {
  let g: GenerationHarness;
  beforeAll(async () => {
    g = await startGenerationHarness();
  });
  afterAll(async () => {
    await g?.stop();
  });

  it.each([
    ['mrkdwn formatting', '*bold*_it_~x~', /is not a valid IAM name/],
    ['JSON', JSON_BREAKOUT, /is not a valid IAM name/],
    ['50,000 characters', 'r'.repeat(50_000), /too long for an IAM name \(at most 64 characters\)/],
    ['a link', '<https://evil.example|click here>', /is not a valid IAM name/],
    ['a mention and a channel ping', '<@U0ATTACKER><!channel>', /is not a valid IAM name/],
    ['options before the name', '--days <!here> <#C0EVIL>', /Give the name first/],
    ['an unknown option full of markup', `${ROLE_NAME} --<!everyone>`, /Unknown option/],
    ['a second name full of markup', `${ROLE_NAME} <!subteam^S0EVIL>`, /Unexpected/],
    ['markup as the number of days', `${ROLE_NAME} --days <!channel>`, /is not possible/],
  ])(
    'refuses a name with %s privately, without posting or starting anything',
    async (_what, text, problem) => {
      const channelBefore = g.slack.messageCount(CHANNEL);

      const { status, ack, jobId } = await g.generate(text);

      expect(status).toBe(200);
      expect(ack).toMatch(problem);
      expect(ack.length).toBeLessThan(1500);
      expect(await g.bot.generations.get(jobId)).toBeUndefined();
      expect(g.aws.callsTo('StartPolicyGeneration')).toHaveLength(0);
      expect(g.slack.messageCount(CHANNEL)).toBe(channelBefore);
      expect(rawMarkup(g)).toEqual([]);
    },
  );

  it('takes `@channel` as a role name without turning it into a ping', async () => {
    const { status, jobId } = await g.generate('@channel');

    expect(status).toBe(200);
    const message = await g.messageWhen(jobId, (t) => /failed/i.test(t));
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(rawMarkup(g)).toEqual([]);
    expect(linkNamesRequested(g)).toEqual([]);
  });

  describe('placeholder values', () => {
    let jobId: string;
    beforeAll(async () => {
      ({ jobId } = await generated(g, ROLE_NAME));
    });

    it('refuses a value over 2,048 characters, even from a client that skips the modal’s limit', async () => {
      const modal = await g.openAttachModal(jobId);
      expect(modal.view.callback_id).toBe(GENERATION_ATTACH_VIEW);
      const captured = await captureSlackRequest(g, () =>
        g.slack.submitView({
          viewId: modal.id,
          userId: ONCALL,
          values: { 'placeholder:BucketName': 'reports' },
        }),
      );
      const requestsBefore = g.requestMessages(jobId).length;

      const res = await sendToBot(
        g,
        withValue(captured, 'placeholder:BucketName', 'value', `b${'x'.repeat(3000)}`),
      );

      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({
        response_action: 'errors',
        errors: { 'placeholder:BucketName': expect.any(String) },
      });
      await quiet(g);
      expect(g.requestMessages(jobId)).toHaveLength(requestsBefore);
      expect(await g.bot.stores.approvals.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
    });

    it('puts JSON and markup in as inert resource strings: the attached policy keeps its structure', async () => {
      const typed = [JSON_BREAKOUT, `${PINGS_AND_LINKS[0]}${PINGS_AND_LINKS[4]}`, 'a"b\\c'].join('\n');
      // One value per line or comma (the modal's rule), each written into its own resource ARN.
      const values = ['"}]', '"Effect":"Allow"', '"Action":"*"', '<!channel><!subteam^S0EVIL>', 'a"b\\c'];
      const callsBefore = g.slack.calls.length;

      const request = await g.requestAttach(jobId, { BucketName: typed });

      expect(JSON.stringify(request.blocks)).toContain('&lt;!channel&gt;');
      await g.approve(request, APPROVER1);
      const create = await eventually(() => g.aws.callsTo('CreatePolicy')[0], 8000);
      const document = JSON.parse((create.input as { PolicyDocument: string }).PolicyDocument) as {
        Version: string;
        Statement: Record<string, unknown>[];
      };
      expect(Object.keys(document).sort()).toEqual(['Statement', 'Version']);
      expect(document.Statement).toEqual([
        { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['s3:CreateBucket', 's3:PutBucketTagging'],
          Resource: values.map((v) => `arn:aws:s3:::${v}`),
        },
      ]);
      await eventually(() => g.aws.callsTo('AttachRolePolicy').length === 1, 8000);
      await quiet(g);
      expect(rawMarkup(g, callsBefore)).toEqual([]);
    });
  });
});

describe('typed text the bot quotes back', () => {
  describe('in the attach request and its refusals', () => {
    let g: GenerationHarness;
    beforeAll(async () => {
      g = await startGenerationHarness();
    });
    afterAll(async () => {
      await g?.stop();
    });

    it('shows a mention typed as a placeholder value as text in the approval request, pinging nobody', async () => {
      const { jobId } = await generated(g, ROLE_NAME);
      const callsBefore = g.slack.calls.length;

      const request = await g.requestAttach(jobId, { BucketName: '<@U0ATTACKER>' });

      expect(JSON.stringify(request.blocks)).toContain('&lt;@U0ATTACKER&gt;');
      expect(rawMarkup(g, callsBefore)).toEqual([]);
    });

    it('quotes typed values in a refusal as text', async () => {
      const { jobId } = await generated(g, ROLE_NAME);
      const callsBefore = g.slack.calls.length;
      g.aws.failNext('ValidatePolicy', { name: 'AccessDeniedException', status: 403, message: 'no' }, 2);
      const modal = await g.openAttachModal(jobId);

      await g.slack.submitView({
        viewId: modal.id,
        userId: ONCALL,
        values: { 'placeholder:BucketName': '<!channel><https://evil.example|x>' },
      });

      const told = await eventually(() =>
        g.slack.calls
          .slice(callsBefore)
          .filter((c) => MESSAGE_METHODS.has(c.method))
          .flatMap((c) => mrkdwnOf(c.args))
          .find((t) => t.includes('You typed')),
      );
      expect(told).toContain('&lt;!channel&gt;');
      await quiet(g);
      expect(rawMarkup(g, callsBefore)).toEqual([]);
    });
  });

  describe('in a rejection', () => {
    let d: DenyHarness;
    beforeAll(async () => {
      d = await startDenyHarness({
        env: { APPROVALS_REQUIRED: '1' },
        roles: { Audit_CrossAccountRole: aliceTrust, Hostile_RejectRole: aliceTrust },
      });
    });
    afterAll(async () => {
      await d?.stop();
    });

    it('posts a reject reason full of markup escaped in the thread, and keeps it whole in the log', async () => {
      const { ts, findingId } = await d.card();
      const { message, requestId } = await requestDeny(d, ts);
      const callsBefore = d.slack.calls.length;

      await d.slack.clickButton({
        channel: CHANNEL,
        ts: message.ts,
        actionId: REJECT_ACTION,
        userId: APPROVER1,
      });
      const modal = await eventually(() => d.slack.modalStack(APPROVER1).at(-1));
      await d.slack.submitView({
        viewId: modal.id,
        userId: APPROVER1,
        values: { reason: { reason: HOSTILE } },
      });

      await untilStatus(d, requestId, 'REJECTED');
      const note = await eventually(() =>
        d.slack.replies(CHANNEL, ts).find((r) => (r.text ?? '').includes('rejected by')),
      );
      expect(note.text).toContain('&lt;!channel&gt;');
      await quiet(d);
      expect(rawMarkup(d, callsBefore)).toEqual([]);
      const logged = (await d.bot.stores.decisions.forFinding(findingId)).find((x) => x.phase === 'rejected');
      expect(JSON.stringify(logged?.input)).toContain('<!channel>');
    });

    it('refuses a reject reason over 1,000 characters from a client that skips the modal’s limit', async () => {
      const { ts } = await d.card('Hostile_RejectRole');
      const { message, requestId } = await requestDeny(d, ts);
      await d.slack.clickButton({
        channel: CHANNEL,
        ts: message.ts,
        actionId: REJECT_ACTION,
        userId: APPROVER1,
      });
      const modal = await eventually(() => d.slack.modalStack(APPROVER1).at(-1));
      const captured = await captureSlackRequest(d, () =>
        d.slack.submitView({
          viewId: modal.id,
          userId: APPROVER1,
          values: { reason: { reason: 'short reason' } },
        }),
      );

      const res = await sendToBot(d, withValue(captured, 'reason', 'reason', 'r'.repeat(100_000)));

      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({
        response_action: 'errors',
        errors: { reason: expect.stringContaining('1000 characters') },
      });
      await quiet(d);
      expect((await d.bot.stores.approvals.get(requestId))?.request.status).toBe('PENDING');
    });
  });
});
