/**
 * The ingest endpoint refuses bad input with a clear reason and changes nothing; health endpoints answer.
 */
import { CHANNEL, EVENTS_API_KEY, type Harness, SIGNING_SECRET, startHarness } from '../../helpers/harness';
import { roleAlice } from '../../fixtures/events';

describe('POST /events/findings input handling', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const nothingChanged = async () => {
    expect(h.slack.messages(CHANNEL)).toHaveLength(0);
    expect(await h.bot.stores.findings.get('5a3b7c9d-1111-4e2f-9a8b-0123456789ab')).toBeUndefined();
  };

  it('refuses a missing or wrong API key with 401', async () => {
    expect((await h.postEvent(roleAlice(), { apiKey: null })).status).toBe(401);
    expect((await h.postEvent(roleAlice(), { apiKey: `${EVENTS_API_KEY}x` })).status).toBe(401);
    expect((await h.postEvent(roleAlice(), { apiKey: '' })).status).toBe(401);
    await nothingChanged();
  });

  it('refuses malformed JSON with 400 and the parser message', async () => {
    const res = await h.postEvent(undefined, { raw: '{"version":"0",' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringContaining('malformed JSON') });
    await nothingChanged();
  });

  it('refuses an invalid finding detail with 400 naming the field', async () => {
    const res = await h.postEvent(roleAlice({ status: 'PENDING' }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringContaining('detail.status') });
    await nothingChanged();
  });

  it('refuses an event over 256 KB with 413', async () => {
    const res = await h.postEvent(roleAlice({ condition: { 'aws:SourceVpc': 'v'.repeat(300 * 1024) } }));
    expect(res.status).toBe(413);
    await nothingChanged();
  });

  it('answers only POST on the events path and 404 elsewhere', async () => {
    expect((await fetch(`${h.botUrl}/events/findings`)).status).toBe(405);
    expect((await fetch(`${h.botUrl}/nope`)).status).toBe(404);
  });

  it('reports health and readiness', async () => {
    expect(await (await fetch(`${h.botUrl}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${h.botUrl}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('never writes a secret to the logs', async () => {
    await h.postEvent(roleAlice(), { apiKey: 'wrong-key-wrong-key' });
    await h.postEvent(roleAlice());
    const all = h.logs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [SIGNING_SECRET, EVENTS_API_KEY, 'xoxb-sandbox-token'])
      expect(all).not.toContain(secret);
  });
});
