import type { Decision, DecisionLog } from '../../../src/findings/ports';
import type { DecisionEvent } from '../../../src/remediation/ports';
import { publishingDecisionLog } from '../../../src/remediation/publishing-log';

describe('publishingDecisionLog', () => {
  it('stores each entry, then publishes it with its input, result and error', async () => {
    const stored: Decision[] = [];
    const published: DecisionEvent[] = [];
    const inner: DecisionLog = {
      append: async (d) => {
        stored.push(d);
      },
      forFinding: async (id) => stored.filter((d) => d.findingId === id),
    };
    const log = publishingDecisionLog(inner, { publish: async (e) => void published.push(e) });
    const entry: Decision = {
      requestId: 'r1',
      findingId: 'f1',
      action: 'archive',
      actor: 'U0ONCALL',
      phase: 'failed',
      at: '2026-11-23T10:00:00.000Z',
      input: { status: 'ARCHIVED' },
      error: 'AccessDenied',
    };

    await log.append(entry);

    expect(stored).toEqual([entry]);
    expect(published).toEqual([
      {
        requestId: 'r1',
        findingId: 'f1',
        action: 'archive',
        phase: 'failed',
        actor: 'U0ONCALL',
        at: '2026-11-23T10:00:00.000Z',
        details: { input: { status: 'ARCHIVED' }, error: 'AccessDenied' },
      },
    ]);
    expect(await log.forFinding('f1')).toEqual([entry]);
  });

  it('publishes nothing when storing fails (the decision did not happen)', async () => {
    const published: DecisionEvent[] = [];
    const inner: DecisionLog = {
      append: async () => {
        throw new Error('DynamoDB down');
      },
      forFinding: async () => [],
    };
    const log = publishingDecisionLog(inner, { publish: async (e) => void published.push(e) });
    await expect(
      log.append({
        requestId: 'r',
        findingId: 'f',
        action: 'archive',
        actor: 'U',
        phase: 'requested',
        at: 'x',
      }),
    ).rejects.toThrow('DynamoDB down');
    expect(published).toEqual([]);
  });
});
