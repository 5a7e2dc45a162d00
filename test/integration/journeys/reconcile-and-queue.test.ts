/**
 * Events are best effort, so reconciliation (ListFindingsV2) brings Slack in line; the SQS path feeds the same
 * handler; BACKFILL decides whether a first start posts what the analyzer already has.
 */
import { CHANNEL, type Harness, eventually, startHarness } from '../../helpers/harness';
import { roleAlice } from '../../fixtures/events';

const seedThree = (h: { accessAnalyzer: { addFinding: (f: object) => unknown } }, analyzerArn: string) => {
  for (let i = 0; i < 3; i++) {
    h.accessAnalyzer.addFinding({
      id: `0000000${i}-seed-4444-aaaa-000000000000`,
      analyzerArn,
      resource: `arn:aws:s3:::seed-bucket-${i}`,
      resourceType: 'AWS::S3::Bucket',
      principal: { AWS: '999988887777' },
      action: ['s3:GetObject'],
    });
  }
};

describe('reconciliation', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('does not post what the analyzer already had on a first start without BACKFILL', async () => {
    h = await startHarness({ seed: (aws, arn) => seedThree(aws, arn) });
    await eventually(async () => (await h.bot.stores.analyzers.list())[0]?.baselineAt);
    expect(h.slack.messages(CHANNEL)).toHaveLength(0);
    // A finding created afterwards, whose event never arrived, is posted by the next reconcile.
    h.aws.accessAnalyzer.addFinding({
      id: 'late0000-1111-4444-aaaa-000000000000',
      analyzerArn: h.analyzerArn,
      resource: 'arn:aws:s3:::late-bucket',
      resourceType: 'AWS::S3::Bucket',
      principal: { AWS: '444455556666' },
      action: ['s3:PutObject'],
    });
    await h.bot.reconciler.reconcileAll();
    expect(h.slack.messages(CHANNEL).map((m) => m.text)).toEqual([expect.stringContaining('late-bucket')]);
  });

  it('posts existing findings on a first start with BACKFILL=true, and never twice', async () => {
    h = await startHarness({ env: { BACKFILL: 'true' }, seed: (aws, arn) => seedThree(aws, arn) });
    await eventually(() => h.slack.messages(CHANNEL).length === 3);
    await h.bot.reconciler.reconcileAll();
    await h.bot.reconciler.reconcileAll();
    expect(h.slack.messages(CHANNEL)).toHaveLength(3);
  });

  it('updates a message when the status changed in AWS and no event came', async () => {
    h = await startHarness({ env: { BACKFILL: 'true' }, seed: (aws, arn) => seedThree(aws, arn) });
    await eventually(() => h.slack.messages(CHANNEL).length === 3);
    h.aws.accessAnalyzer.setStatus('00000001-seed-4444-aaaa-000000000000', 'RESOLVED');
    await h.bot.reconciler.reconcileAll();
    const msg = h.slack.messages(CHANNEL).find((m) => m.text.includes('seed-bucket-1'))!;
    expect(JSON.stringify(msg.blocks)).toContain('RESOLVED');
    expect(h.slack.replies(CHANNEL, msg.ts).map((r) => r.text)).toEqual(['Status: ACTIVE → RESOLVED']);
  });

  it('heals a message whose update failed, at the next reconcile', async () => {
    h = await startHarness({ env: { BACKFILL: 'true' }, seed: (aws, arn) => seedThree(aws, arn) });
    await eventually(() => h.slack.messages(CHANNEL).length === 3);
    h.aws.accessAnalyzer.setStatus('00000002-seed-4444-aaaa-000000000000', 'ARCHIVED');
    h.slack.failNext('chat.update', { status: 500 }, 1);
    await h.bot.reconciler.reconcileAll(); // the update fails; state is stored, the message is stale
    await h.bot.reconciler.reconcileAll(); // heals it
    const msg = h.slack.messages(CHANNEL).find((m) => m.text.includes('seed-bucket-2'))!;
    expect(JSON.stringify(msg.blocks)).toContain('ARCHIVED');
  });

  it('finds a message posted by an attempt that died before recording it, instead of posting again', async () => {
    h = await startHarness();
    // Prepare: an earlier attempt stored the finding, took the lease, posted, and died.
    await h.bot.stores.findings.apply(
      {
        id: 'crash000-1111-4444-aaaa-000000000000',
        analyzerArn: h.analyzerArn,
        kind: 'external',
        status: 'ACTIVE',
        isDeleted: false,
        resource: 'arn:aws:s3:::crash-bucket',
        resourceType: 'AWS::S3::Bucket',
        accountId: '111122223333',
        region: 'us-west-2',
        createdAt: '2024-05-01T10:00:00Z',
        updatedAt: '2024-05-01T10:00:00Z',
      },
      { suppressed: false },
    );
    const past = Date.now() - 120_000;
    await h.bot.stores.findings.acquireLease(
      'crash000-1111-4444-aaaa-000000000000',
      'dead',
      past,
      past + 1000,
    );
    const res = await fetch(`${h.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-sandbox-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: CHANNEL,
        text: 'crash-bucket (posted before the crash)',
        metadata: {
          event_type: 'iam_access_finding',
          event_payload: { finding_id: 'crash000-1111-4444-aaaa-000000000000' },
        },
      }),
    });
    expect(res.status).toBe(200);
    // Act
    await h.postEvent(
      roleAlice({
        id: 'crash000-1111-4444-aaaa-000000000000',
        resource: 'arn:aws:s3:::crash-bucket',
        updatedAt: '2024-05-02T10:00:00Z',
      }),
    );
    // Assess
    expect(h.slack.messages(CHANNEL)).toHaveLength(1);
    const rec = await h.bot.stores.findings.get('crash000-1111-4444-aaaa-000000000000');
    expect(rec?.slack?.ts).toBe(h.slack.messages(CHANNEL)[0]!.ts);
  });
});

describe('the SQS ingest path', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  const withQueue = (aws: Harness['aws']) => {
    aws.sqs.createQueue('findings-dlq');
    const q = aws.sqs.createQueue('findings', {
      visibilityTimeoutSeconds: 1,
      redrive: { deadLetterQueueName: 'findings-dlq', maxReceiveCount: 2 },
    });
    return { FINDINGS_QUEUE_URL: q.url };
  };

  it('posts a queued event and deletes the message only after handling it', async () => {
    h = await startHarness({ seed: withQueue });
    h.aws.sqs.send('findings', JSON.stringify(roleAlice()));
    await eventually(() => h.slack.messages(CHANNEL).length === 1);
    await eventually(() => h.aws.sqs.messages('findings').length === 0);
    expect(h.aws.sqs.messages('findings-dlq')).toHaveLength(0);
  });

  it('sends a poison message to the DLQ through the redrive policy, never looping', async () => {
    h = await startHarness({ seed: withQueue });
    h.aws.sqs.send('findings', '{"not": "an event"');
    await eventually(() => h.aws.sqs.messages('findings-dlq').length === 1, 10_000);
    expect(h.aws.sqs.messages('findings')).toHaveLength(0);
    expect(h.slack.messages(CHANNEL)).toHaveLength(0);
    expect(h.logs.some((l) => l.includes('poison message'))).toBe(true);
  });

  it('leaves a message for redelivery when handling fails for a passing reason, then handles it', async () => {
    h = await startHarness({ seed: withQueue });
    h.slack.failNext('chat.postMessage', { status: 503 }, 1);
    h.aws.sqs.send('findings', JSON.stringify(roleAlice()));
    await eventually(() => h.slack.messages(CHANNEL).length === 1, 10_000);
    await eventually(() => h.aws.sqs.messages('findings').length === 0, 5000);
    expect(h.aws.sqs.messages('findings-dlq')).toHaveLength(0);
  });
});
