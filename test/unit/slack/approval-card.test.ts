import type { ApprovalView } from '../../../src/approvals/ports';
import type { ApprovalRequest } from '../../../src/approvals/types';
import { validateBlocks } from '../../../src/sandbox/slack-standin/block-limits';
import { approvalCard } from '../../../src/slack/blocks/approval-card';
import { decodeApprovalValue } from '../../../src/slack/ids';
import { aliceRoleFinding } from '../../fixtures/findings';

const request = (r: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  id: 'req-1',
  action: 'deny',
  requester: 'U0ONCALL',
  createdAt: Date.parse('2026-11-23T10:00:00Z'),
  expiresAt: Date.parse('2026-11-24T10:00:00Z'),
  status: 'PENDING',
  chain: [
    { name: 'on-call leads', approvers: ['U0APPROVER1'], required: 1 },
    { name: 'security', approvers: ['S0APPROVERS'], required: 1 },
  ],
  stageIndex: 0,
  stages: [{ openedAt: 0, votes: [] }],
  findingId: 'f-1',
  plan: {
    roleArn: 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole',
    diff: '+ "Sid": "AADenyf1"',
    changes: true,
    evidence: {
      blocksExternal: true,
      keepsOwnerAccess: 'unknown',
      details: [],
      preview: { kind: 'unavailable', detail: 'AccessDenied' },
    },
  },
  ...r,
});

const view = (r: Partial<ApprovalRequest> = {}, outcome?: string): ApprovalView => ({
  approval: { request: request(r), version: 1 },
  finding: aliceRoleFinding(),
  label: 'Deny',
  ...(outcome ? { outcome } : {}),
});

const buttonsOf = (blocks: unknown[]) =>
  (blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);

describe('approvalCard', () => {
  it('shows requester, status, resource, diff, evidence and each stage with its approvers', () => {
    const { blocks, text } = approvalCard(view());
    const t = JSON.stringify(blocks);
    expect(text).toContain('Deny requested by <@U0ONCALL>');
    expect(t).toContain('Waiting for approval');
    expect(t).toContain('Audit_CrossAccountRole');
    expect(t).toContain('AADenyf1');
    expect(t).toContain('✅ Blocks the external principal');
    expect(t).toContain('❔ Keeps the owner account');
    expect(t).toContain('gave no verdict');
    expect(t).toContain('▶️ Stage 1 \\"on-call leads\\": 0/1 from <@U0APPROVER1>');
    expect(t).toContain('◻️ Stage 2 \\"security\\": 0/1 from <!subteam^S0APPROVERS>');
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('offers Approve and Reject for the open stage only while the request is pending', () => {
    const open = buttonsOf(
      approvalCard(
        view({
          stageIndex: 1,
          stages: [
            { openedAt: 0, votes: [] },
            { openedAt: 1, votes: [] },
          ],
        }),
      ).blocks,
    );
    expect(open.map((b) => b.action_id)).toEqual(['approval.approve', 'approval.reject']);
    expect(decodeApprovalValue(open[0]!.value)).toEqual({ requestId: 'req-1', stage: 1 });
    for (const status of ['APPROVED', 'EXECUTED', 'REJECTED', 'EXPIRED', 'FAILED'] as const) {
      expect(buttonsOf(approvalCard(view({ status })).blocks)).toEqual([]);
    }
  });

  it('neutralises hostile text from policies and reasons, and stays within Block Kit limits', () => {
    const hostile = '```<!channel> <https://evil.example|click> & more```';
    const { blocks } = approvalCard(
      view({
        plan: { roleArn: 'arn:x', diff: `${hostile}\n`.repeat(400), changes: true },
        status: 'REJECTED',
        stages: [
          {
            openedAt: 0,
            votes: [{ by: 'U0APPROVER1', verdict: 'reject', reason: hostile.repeat(30), at: 1 }],
          },
        ],
      }),
    );
    const t = JSON.stringify(blocks);
    expect(t).not.toContain('<!channel>');
    expect(t).not.toContain('<https://evil.example');
    expect(t).toContain('&lt;!channel&gt;');
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('shows the outcome once the request ran', () => {
    const { blocks } = approvalCard(view({ status: 'EXECUTED' }, ':no_entry: Deny added'));
    expect(JSON.stringify(blocks)).toContain('Approved and done');
    expect(JSON.stringify(blocks)).toContain(':no_entry: Deny added');
  });
});
