import type { ApprovalView } from '../../../src/approvals/ports';
import type { ApprovalRequest } from '../../../src/approvals/types';
import { validateBlocks } from '../../../src/sandbox/slack-standin/block-limits';
import { approvalCard } from '../../../src/slack/blocks/approval-card';
import { aliceRoleFinding } from '../../fixtures/findings';

/** An archive-rule request as the workflow stores it: a generic plan with a target, a diff and notes. */
const request = (plan: Record<string, unknown>): ApprovalRequest => ({
  id: 'req-9',
  action: 'archive-rule',
  requester: 'U0ONCALL',
  createdAt: Date.parse('2026-11-23T10:00:00Z'),
  expiresAt: Date.parse('2026-11-24T10:00:00Z'),
  status: 'PENDING',
  chain: [
    { name: 'approval', approvers: ['U0APPROVER1', 'U0APPROVER2'], required: 1 },
    { name: 'broad archive rule review', approvers: ['U0APPROVER1', 'U0APPROVER2'], required: 1 },
  ],
  stageIndex: 0,
  stages: [{ openedAt: 0, votes: [] }],
  findingId: 'f-1',
  plan,
});

const view = (plan: Record<string, unknown>): ApprovalView => ({
  approval: { request: request(plan), version: 1 },
  finding: aliceRoleFinding(),
  label: 'Archive rule',
});

const rulePlan = {
  kind: 'archive-rule',
  op: 'create',
  label: 'Create archive rule',
  target: 'archive rule slack-iam-role-20261123 on analyzer MyAnalyzer',
  diff: '+ isPublic = false\n+ resourceType = AWS::IAM::Role',
  notes: [
    'Would archive 3 active findings now (⚠️ 1 public).',
    'Broad rule: no principal or account criterion — one more approval stage.',
  ],
};

describe('approvalCard with a generic plan (archive rules)', () => {
  it('shows the plan’s label, its target as the resource, the criteria as the diff and every note', () => {
    // Act
    const { text, blocks } = approvalCard(view(rulePlan));
    // Assess
    const t = JSON.stringify(blocks);
    expect(text).toBe(
      'Create archive rule requested by <@U0ONCALL> on archive rule slack-iam-role-20261123 on analyzer MyAnalyzer [PENDING]',
    );
    expect(t).toContain('Resource: `archive rule slack-iam-role-20261123 on analyzer MyAnalyzer`');
    expect(t).not.toContain('Audit_CrossAccountRole');
    expect(t).toContain('+ resourceType = AWS::IAM::Role');
    expect(t).toContain('• Would archive 3 active findings now (⚠️ 1 public).');
    expect(t).toContain('• Broad rule: no principal or account criterion — one more approval stage.');
    expect(t).toContain('Stage 2 \\"broad archive rule review\\"');
    expect(t).not.toContain('Evidence');
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('escapes notes but keeps the bot’s own user mentions', () => {
    const { blocks } = approvalCard(
      view({ ...rulePlan, notes: ['Created by <@U0ONCALL>, see <!channel> <https://evil|x>'] }),
    );
    const t = JSON.stringify(blocks);
    expect(t).toContain('Created by <@U0ONCALL>');
    expect(t).toContain('&lt;!channel&gt;');
    expect(t).not.toContain('<https://evil|x>');
  });

  it('falls back to the remedy label and the finding’s resource without label and target, and skips empty notes', () => {
    const { text, blocks } = approvalCard(view({ diff: '+ x', notes: [] }));
    expect(text).toContain(
      'Archive rule requested by <@U0ONCALL> on arn:aws:iam::111122223333:role/Audit_CrossAccountRole',
    );
    expect(JSON.stringify(blocks)).not.toContain('•');
  });
});
