/**
 * Issue #2 journeys: a finding event becomes one Slack message; repeats never double-post; later states edit
 * the message and say what changed in the thread; stale events change nothing.
 */
import { CHANNEL, type Harness, eventually, startHarness } from '../../helpers/harness';
import { externalS3, internalAccess, roleAlice, unusedPermission } from '../../fixtures/events';

const labels = (blocks: unknown[]) =>
  (blocks as { type: string; elements?: { text?: { text: string } }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.text?.text);

describe('findings reach Slack', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('posts the blog sample once with the three buttons, ignores a repeat, and updates on RESOLVED', async () => {
    // Prepare
    const event = roleAlice();
    // Act
    const first = await h.postEvent(event);
    const again = await h.postEvent(event);
    // Assess
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    const messages = h.slack.messages(CHANNEL);
    expect(messages).toHaveLength(1);
    const msg = messages[0]!;
    expect(labels(msg.blocks)).toEqual([
      'Archive',
      'Archive with reason…',
      'Deny',
      'Create archive rule',
      'Open in console',
    ]);
    expect(JSON.stringify(msg.blocks)).toContain('arn:aws:iam::999988887777:user/Alice');
    expect(JSON.stringify(msg.blocks)).toContain('Audit_CrossAccountRole');

    // Act: the finding is resolved later
    const resolved = await h.postEvent(roleAlice({ status: 'RESOLVED', updatedAt: '2024-05-02T10:00:00Z' }));
    // Assess
    expect(resolved.status).toBe(200);
    expect(h.slack.messages(CHANNEL)).toHaveLength(1);
    const updated = h.slack.message(CHANNEL, msg.ts)!;
    expect(updated.edited).toBeDefined();
    expect(JSON.stringify(updated.blocks)).toContain('RESOLVED');
    expect(labels(updated.blocks)).not.toContain('Archive');
    expect(h.slack.replies(CHANNEL, msg.ts).map((r) => r.text)).toEqual(['Status: ACTIVE → RESOLVED']);
  });

  it('never lets an older event overwrite newer state', async () => {
    await h.postEvent(roleAlice());
    await h.postEvent(roleAlice({ status: 'RESOLVED', updatedAt: '2024-05-03T10:00:00Z' }));
    const late = await h.postEvent(roleAlice({ status: 'ACTIVE', updatedAt: '2024-05-02T10:00:00Z' }));
    expect(late.body).toMatchObject({ result: { outcome: 'stale' } });
    const rec = await h.bot.stores.findings.get('5a3b7c9d-1111-4e2f-9a8b-0123456789ab');
    expect(rec?.finding.status).toBe('RESOLVED');
    expect(h.slack.replies(CHANNEL, h.slack.messages(CHANNEL)[0]!.ts)).toHaveLength(1);
  });

  it('posts one message however many copies of an event arrive at once', async () => {
    const event = roleAlice();
    const results = await Promise.all(Array.from({ length: 10 }, () => h.postEvent(event)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await eventually(() => h.slack.messages(CHANNEL).length === 1);
    expect(
      h.slack.callsTo('chat.postMessage').filter((c) => !(c.args as { thread_ts?: string }).thread_ts),
    ).toHaveLength(1);
  });

  it('says in the thread when the principal or condition changes, and when the finding is deleted', async () => {
    await h.postEvent(roleAlice());
    await h.postEvent(
      roleAlice({
        updatedAt: '2024-05-02T10:00:00Z',
        principal: { AWS: 'arn:aws:iam::999988887777:user/Bob' },
        condition: { 'aws:SourceIp': '203.0.113.0/24' },
      }),
    );
    await h.postEvent(roleAlice({ updatedAt: '2024-05-03T10:00:00Z', status: 'RESOLVED', isDeleted: true }));
    const ts = h.slack.messages(CHANNEL)[0]!.ts;
    const replies = h.slack.replies(CHANNEL, ts).map((r) => r.text);
    expect(replies[0]).toContain(
      'External principal: AWS: arn:aws:iam::999988887777:user/Alice → AWS: arn:aws:iam::999988887777:user/Bob',
    );
    expect(replies[0]).toContain('Condition: none → aws:SourceIp = 203.0.113.0/24');
    expect(replies[1]).toContain('Finding deleted by Access Analyzer');
  });

  it('shows "shared through" and unused items, which only GetFindingV2 carries', async () => {
    // Prepare: the analyzer knows the details that events leave out
    h.aws.accessAnalyzer.addFinding({
      id: '22222222-dcba-4444-dcba-333333333333',
      analyzerArn: h.analyzerArn,
      resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
      resourceType: 'AWS::S3::Bucket',
      principal: { AWS: '999988887777' },
      action: ['s3:GetObject'],
      sources: [{ type: 'BUCKET_ACL' }],
    });
    const unusedAnalyzer = h.aws.accessAnalyzer.addAnalyzer({
      name: 'unused',
      type: 'ACCOUNT_UNUSED_ACCESS',
    });
    h.aws.accessAnalyzer.addFinding({
      id: 'b8ae0460-5d29-4922-b92a-ba956c986277',
      analyzerArn: unusedAnalyzer.arn,
      resource: 'arn:aws:iam::111122223333:role/FindingIntegTestFakeRole',
      resourceType: 'AWS::IAM::Role',
      findingType: 'UnusedPermission',
      unusedDetails: [
        { unusedPermissionDetails: { serviceNamespace: 's3', actions: [{ action: 's3:PutObject' }] } },
      ],
    } as never);
    // Act
    await h.postEvent({ ...externalS3, resources: [h.analyzerArn] });
    await h.postEvent({ ...unusedPermission, resources: [unusedAnalyzer.arn] });
    // Assess
    const [s3, unused] = h.slack.messages(CHANNEL);
    expect(JSON.stringify(s3!.blocks)).toContain('Bucket ACL');
    expect(JSON.stringify(unused!.blocks)).toContain('UnusedPermission');
    expect(JSON.stringify(unused!.blocks)).toContain('s3:PutObject');
    expect(labels(unused!.blocks)).not.toContain('Deny');
  });

  it('stores a well-formed event of a kind it does not handle, without posting', async () => {
    const res = await h.postEvent(internalAccess);
    expect(res).toEqual({
      status: 200,
      body: { ok: true, result: { kind: 'unhandled', detailType: 'Internal Access Finding' } },
    });
    expect(h.slack.messages(CHANNEL)).toHaveLength(0);
  });
});
