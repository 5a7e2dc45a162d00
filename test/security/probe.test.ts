import { CHANNEL, ONCALL, eventually, EVENTS_API_KEY, SIGNING_SECRET } from '../helpers/harness';
import { aliceTrust } from '../helpers/deny';
import { settle } from './support';
import { startArchiveRuleHarness, type ArchiveRuleHarness } from '../helpers/archive-rule';
import { shownText } from '../helpers/generation';

describe('probe', () => {
  let h: ArchiveRuleHarness;
  beforeAll(async () => {
    h = await startArchiveRuleHarness({ roles: { R1: aliceTrust } });
  });
  afterAll(async () => {
    await h.stop();
  });
  it('archive rule principal', async () => {
    const { ts } = await h.card('R1');
    const modal = await h.openRuleModal(ts);
    const r = await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { principal: 'arn:aws:iam::999988887777:user/<!channel>"}],"x":"y' } });
    console.log(r.outcome, r.errors);
    const r2 = await h.slack.submitView({ viewId: modal.id, userId: ONCALL, values: { principal: 'arn:aws:iam::999988887777:user/<!channel>"}]' } });
    console.log(r2.outcome, r2.errors);
    const req = await h.ruleRequest(ts);
    console.log(shownText(req));
    await h.slack.clickButton({ channel: CHANNEL, ts: req.ts, actionId: 'approval.approve', userId: 'U0APPROVER1' });
    await settle(1500);
    console.log(JSON.stringify(h.aws.callsTo('CreateArchiveRule').map((c) => c.input)));
    console.log(JSON.stringify(h.slack.replies(CHANNEL, ts).map((m) => m.text)));
  });
  it('logs on failures', async () => {
    h.slack.failNext('chat.postMessage', { status: 500 }, 3);
    h.slack.failNext('chat.update', { error: 'invalid_auth' }, 3);
    h.aws.failNext('UpdateFindings', { name: 'AccessDeniedException', status: 403, message: 'no' }, 2);
    const { ts } = await h.card('R1').catch(() => ({ ts: '' }));
    console.log(ts);
    await h.click((await h.card()).ts, 'finding.archive');
    await settle(1500);
    const all = h.logs.join('\n');
    console.log(h.logs.filter((l) => l.includes("Authorization")).join("\n").slice(0, 3000));
    for (const s of ['xoxb-sandbox-token', SIGNING_SECRET, EVENTS_API_KEY, 'Bearer', 'authorization', 'Authorization', 'sandbox-']) console.log(s, all.includes(s));
    console.log(h.logs.filter((l) => /error|warn/.test(l)).slice(-20).join('\n'));
    void eventually;
  });
});
