import { loadApprovalPolicy } from '../../../src/approvals/policy-config';
import {
  canRequest,
  chainFor,
  confirmsAccount,
  mentionsFor,
  needsAccountConfirmation,
  openRequest,
} from '../../../src/approvals/policy';
import type { ApprovalAction } from '../../../src/approvals/types';
import { filePolicy, fromFile, groups, HOUR, policyFile, T0 } from './fixtures';

describe('canRequest: who may request what', () => {
  const policy = filePolicy();

  it.each<{ user: string; action: ApprovalAction; broad?: boolean; stages?: string[]; refused?: RegExp }>([
    { user: 'U0ONCALL', action: 'deny', stages: ['security on-call', 'platform lead'] },
    { user: 'U0ROTA', action: 'deny', stages: ['security on-call', 'platform lead'] }, // via S0ONCALL
    { user: 'U0ONCALL', action: 'archive', stages: [] },
    { user: 'U0ONCALL', action: 'undo', stages: ['two of three'] },
    { user: 'U0ONCALL', action: 'attach-policy', stages: ['leads'] },
    { user: 'U0ONCALL', action: 'archive-rule', stages: ['security'] },
    {
      user: 'U0ONCALL',
      action: 'archive-rule',
      broad: true,
      stages: ['security', 'broad archive rule review'],
    },
    // An approver may request: the others in the stage can still decide.
    { user: 'U0SEC1', action: 'undo', stages: ['two of three'] },
    { user: 'U0SEC1', action: 'archive-rule', stages: ['security'] },
    // REQUESTERS restricts every click, even actions that need no approval.
    { user: 'U0STRANGER', action: 'deny', refused: /limits requests to <@U0ONCALL>, <!subteam\^S0ONCALL>/ },
    { user: 'U0STRANGER', action: 'archive', refused: /not allowed to request/ },
    { user: 'U0LEADA', action: 'attach-policy', refused: /not allowed to request/ },
    // Requester is one of two approvers and the broad stage needs a second, different person: impossible.
    {
      user: 'U0SEC1',
      action: 'archive-rule',
      broad: true,
      refused: /needs 2 different approvers other than you .* only 1 can be found/,
    },
  ])('$user requesting $action (broad: $broad)', ({ user, action, broad, stages, refused }) => {
    // Prepare / Act
    const result = canRequest(policy, action, user, groups, { broad });

    // Assess
    if (refused) {
      expect(result.kind).toBe('refused');
      expect(result.kind === 'refused' && result.reason).toMatch(refused);
    } else {
      expect(result.kind).toBe('allowed');
      expect(result.kind === 'allowed' && result.chain.map((s) => s.name)).toEqual(stages);
    }
  });

  it('lets anyone request when no requesters are configured', () => {
    // Prepare
    const open = loadApprovalPolicy({ APPROVERS: 'U0SEC1' });

    // Act
    const result = canRequest(open, 'deny', 'U0ANYONE', new Map());

    // Assess
    expect(result.kind).toBe('allowed');
  });

  it.each([
    {
      when: 'the requester is the only approver',
      policy: loadApprovalPolicy({ APPROVERS: 'U0ONCALL' }),
      refused:
        /needs 1 approval in stage 1 \("approval"\) from people other than you, and only 0 can give one/,
    },
    {
      when: "a stage's user group has no known members",
      policy: filePolicy(),
      action: 'attach-policy' as const,
      groupsOf: new Map<string, string[]>(),
      refused: /stage 1 \("leads"\) from people other than you, and only 0 can give one/,
    },
  ])('refuses a request that could never be approved: $when', ({ policy, action, groupsOf, refused }) => {
    // Prepare / Act
    const result = canRequest(policy, action ?? 'deny', 'U0ONCALL', groupsOf ?? groups);

    // Assess
    expect(result).toEqual({ kind: 'refused', reason: expect.stringMatching(refused) });
  });

  it('counts escalate_to people as able to complete a stage', () => {
    // Prepare
    const policy = fromFile({
      actions: { deny: { stages: [{ approvers: ['U0ONCALL'], escalate_to: ['U0HEAD'] }] } },
    });

    // Act
    const result = canRequest(policy, 'deny', 'U0ONCALL', groups);

    // Assess
    expect(result.kind).toBe('allowed');
  });
});

describe('chainFor', () => {
  const policy = filePolicy();

  it.each<{ action: ApprovalAction; broad?: boolean; names: string[] }>([
    { action: 'archive-rule', names: ['security'] },
    { action: 'archive-rule', broad: true, names: ['security', 'broad archive rule review'] },
    { action: 'deny', broad: true, names: ['security on-call', 'platform lead'] }, // broad only for rules
    { action: 'archive', names: [] },
  ])('gives $action (broad: $broad) the stages $names', ({ action, broad, names }) => {
    // Prepare / Act
    const chain = chainFor(policy, action, { broad });

    // Assess
    expect(chain.map((s) => s.name)).toEqual(names);
  });

  it('by default asks a broad rule for one more approval from the archive-rule approvers', () => {
    // Prepare / Act
    const chain = chainFor(policy, 'archive-rule', { broad: true });

    // Assess
    expect(chain[1]).toEqual({
      name: 'broad archive rule review',
      approvers: ['U0SEC1', 'U0SEC2'],
      required: 1,
    });
  });

  it('appends the caller’s extra stages after the policy’s', () => {
    // Prepare
    const extra = { name: 'CISO', approvers: ['U0CISO'], required: 1 };

    // Act
    const chain = chainFor(policy, 'archive', { extraStages: [extra] });

    // Assess
    expect(chain).toEqual([extra]);
  });
});

describe('openRequest and mentionsFor', () => {
  const policy = filePolicy();

  it('opens a PENDING request at stage 1 that expires after the TTL', () => {
    // Prepare
    const chain = chainFor(policy, 'deny');

    // Act
    const request = openRequest(policy, { id: 'r1', action: 'deny', requester: 'U0ONCALL', chain, now: T0 });

    // Assess
    expect(request).toEqual({
      id: 'r1',
      action: 'deny',
      requester: 'U0ONCALL',
      createdAt: T0,
      expiresAt: T0 + 24 * HOUR,
      status: 'PENDING',
      chain,
      stageIndex: 0,
      stages: [{ openedAt: T0, votes: [] }],
    });
  });

  it('records an action that needs no approval as APPROVED at once', () => {
    // Prepare / Act
    const request = openRequest(policy, {
      id: 'r2',
      action: 'archive',
      requester: 'U0ONCALL',
      chain: [],
      now: T0,
    });

    // Assess
    expect(request.status).toBe('APPROVED');
  });

  it('mentions the stage approvers except the requester and people who already voted', () => {
    // Prepare
    const chain = chainFor(policy, 'undo');
    const opened = openRequest(policy, { id: 'r3', action: 'undo', requester: 'U0SEC1', chain, now: T0 });
    const request = {
      ...opened,
      stages: [{ openedAt: T0, votes: [{ by: 'U0SEC2', verdict: 'approve' as const, at: T0 + 1 }] }],
    };

    // Act
    const mentions = mentionsFor(request, 0);

    // Assess
    expect(mentions).toEqual(['U0LEAD']);
  });
});

describe('sensitive account confirmation', () => {
  const policy = fromFile(policyFile);

  it.each([
    { account: '111122223333', needed: true },
    { account: '444455556666', needed: false },
  ])('account $account needs typed confirmation: $needed', ({ account, needed }) => {
    // Prepare / Act / Assess
    expect(needsAccountConfirmation(policy, account)).toBe(needed);
  });

  it.each([
    { input: '111122223333', confirms: true },
    { input: '  111122223333\n', confirms: true },
    { input: '1111 2222 3333', confirms: false },
    { input: '1111-2222-3333', confirms: false },
    { input: '11112222333', confirms: false },
    { input: '1111222233334', confirms: false },
    { input: '444455556666', confirms: false },
    { input: '', confirms: false },
  ])('typing "$input" confirms 111122223333: $confirms', ({ input, confirms }) => {
    // Prepare / Act
    const result = confirmsAccount(input, '111122223333');

    // Assess
    expect(result).toBe(confirms);
  });
});
