import { loadApprovalPolicy } from '../../../src/approvals/policy-config';
import { canRequest } from '../../../src/approvals/policy';
import { fromFile, groups, HOUR, policyFile, problemsOf } from './fixtures';

describe('loadApprovalPolicy from the environment only', () => {
  it('with nothing set, is unconfigured: approval actions get a stage with no approvers, archive none', () => {
    // Prepare
    const env = {};

    // Act
    const policy = loadApprovalPolicy(env);

    // Assess
    expect(policy.source).toBe('unconfigured');
    for (const action of ['deny', 'undo', 'archive-rule', 'attach-policy'] as const) {
      expect(policy.chains[action].stages).toEqual([{ name: 'approval', approvers: [], required: 1 }]);
    }
    expect(policy.chains.archive.stages).toEqual([]);
    expect(policy.ttlMs).toBe(24 * HOUR);
    expect(policy.remindAfterMs).toBe(2 * HOUR);
    expect(policy.requesters).toBeUndefined();
    expect(policy.sensitiveAccounts).toEqual([]);
  });

  it('with nothing set, refuses a Deny with a message telling the operator to set APPROVERS', () => {
    // Prepare
    const policy = loadApprovalPolicy({});

    // Act
    const deny = canRequest(policy, 'deny', 'U0ONCALL', groups);
    const archive = canRequest(policy, 'archive', 'U0ONCALL', groups);

    // Assess
    expect(deny).toEqual({ kind: 'refused', reason: expect.stringContaining('set APPROVERS') });
    expect(deny.kind === 'refused' && deny.reason).toMatch(/no approvers are configured/);
    expect(archive).toEqual({ kind: 'allowed', chain: [] });
  });

  it('with only APPROVERS, gives every action except archive one stage of those approvers', () => {
    // Prepare
    const env = { APPROVERS: ' U0ALICE, W0BOB ,S0LEADS,', APPROVALS_REQUIRED: '2' };

    // Act
    const policy = loadApprovalPolicy(env);

    // Assess
    expect(policy.source).toBe('env');
    const stage = { name: 'approval', approvers: ['U0ALICE', 'W0BOB', 'S0LEADS'], required: 2 };
    for (const action of ['deny', 'undo', 'archive-rule', 'attach-policy'] as const) {
      expect(policy.chains[action].stages).toEqual([stage]);
    }
    expect(policy.chains.archive.stages).toEqual([]);
    expect(policy.broadRuleStage).toEqual({ ...stage, name: 'broad archive rule review', required: 1 });
  });

  it('defaults APPROVALS_REQUIRED to 1 and reads the optional settings', () => {
    // Prepare
    const env = {
      APPROVERS: 'U0ALICE',
      REQUESTERS: 'U0ONCALL,S0ONCALL',
      APPROVAL_TTL: '8h',
      APPROVAL_REMIND_AFTER: '900',
      SENSITIVE_ACCOUNTS: '111122223333, 012345678901',
    };

    // Act
    const policy = loadApprovalPolicy(env);

    // Assess
    expect(policy.chains.deny.stages[0]?.required).toBe(1);
    expect(policy.requesters).toEqual(['U0ONCALL', 'S0ONCALL']);
    expect(policy.ttlMs).toBe(8 * HOUR);
    expect(policy.remindAfterMs).toBe(15 * 60_000);
    expect(policy.sensitiveAccounts).toEqual(['111122223333', '012345678901']);
    expect(Object.isFrozen(policy) && Object.isFrozen(policy.chains.deny.stages[0])).toBe(true);
  });

  it('names every invalid environment setting in one error', () => {
    // Prepare
    const env = {
      APPROVERS: 'U0ALICE,bob,U0ALICE',
      APPROVALS_REQUIRED: 'zero',
      REQUESTERS: '#oncall',
      APPROVAL_TTL: 'soon',
      APPROVAL_REMIND_AFTER: '10s',
      SENSITIVE_ACCOUNTS: '1111-2222-3333',
    };

    // Act
    const problems = problemsOf(() => loadApprovalPolicy(env));

    // Assess
    expect(problems).toEqual([
      'APPROVERS has "bob" which is not a Slack user ID (U…/W…) or user-group ID (S…)',
      'APPROVERS lists "U0ALICE" twice',
      'APPROVALS_REQUIRED must be a whole number from 1 to 20, got "zero"',
      'REQUESTERS has "#oncall" which is not a Slack user ID (U…/W…) or user-group ID (S…)',
      'APPROVAL_TTL must be a duration such as 30m, 2h or 1d (or seconds), from 5 minutes to 30 days; got "soon"',
      'APPROVAL_REMIND_AFTER must be a duration such as 30m, 2h or 1d (or seconds), from 1 minute to 30 days; got "10s"',
      'SENSITIVE_ACCOUNTS has "1111-2222-3333" which is not a 12-digit AWS account id',
    ]);
  });

  it.each([
    {
      name: 'more required approvals than approvers',
      env: { APPROVERS: 'U0ALICE,U0BOB', APPROVALS_REQUIRED: '3' },
      problem: 'APPROVALS_REQUIRED is 3 but APPROVERS lists 2 approvers',
    },
    {
      name: 'a required count with no approvers',
      env: { APPROVALS_REQUIRED: '2' },
      problem: 'APPROVALS_REQUIRED is set but APPROVERS is empty: set APPROVERS (or APPROVAL_POLICY_FILE)',
    },
    {
      name: 'a reminder due after expiry',
      env: { APPROVERS: 'U0ALICE', APPROVAL_TTL: '1h', APPROVAL_REMIND_AFTER: '2h' },
      problem: expect.stringMatching(
        /^APPROVAL_REMIND_AFTER \(2 hours\) must be shorter than APPROVAL_TTL \(1 hour\)/,
      ),
    },
  ])('refuses inconsistent settings: $name', ({ env, problem }) => {
    // Prepare / Act
    const problems = problemsOf(() => loadApprovalPolicy(env));

    // Assess
    expect(problems).toEqual([problem]);
  });

  it('accepts more required approvals than listed ids when a user group is listed (size known at run time)', () => {
    // Prepare
    const env = { APPROVERS: 'U0ALICE,S0LEADS', APPROVALS_REQUIRED: '3' };

    // Act
    const policy = loadApprovalPolicy(env);

    // Assess
    expect(policy.chains.deny.stages[0]?.required).toBe(3);
  });
});

describe('loadApprovalPolicy from a policy file', () => {
  it('reads chains, stages, escalation, requesters and timings from a JSON file', () => {
    // Prepare
    const read = jest.fn(() => JSON.stringify(policyFile));

    // Act
    const policy = loadApprovalPolicy({ APPROVAL_POLICY_FILE: ' /etc/approvals.json ' }, read);

    // Assess
    expect(read).toHaveBeenCalledWith('/etc/approvals.json');
    expect(policy.source).toBe('file');
    expect(policy.chains.deny.stages).toEqual([
      {
        name: 'security on-call',
        approvers: ['U0SEC1', 'U0SEC2', 'S0SECLEADS'],
        required: 1,
        escalateTo: ['U0HEAD'],
      },
      { name: 'platform lead', approvers: ['U0LEAD'], required: 1 },
    ]);
    expect(policy.chains['archive-rule'].stages).toEqual([
      { name: 'security', approvers: ['U0SEC1', 'U0SEC2'], required: 1 },
    ]);
    expect(policy.chains.archive.stages).toEqual([]);
    expect(policy.requesters).toEqual(['U0ONCALL', 'S0ONCALL', 'U0SEC1']);
    expect(policy.sensitiveAccounts).toEqual(['111122223333']);
    expect(policy.warnings).toEqual([]);
  });

  it('parses a .yaml file with the injected parser', () => {
    // Prepare
    const parseYaml = jest.fn(() => ({ actions: { deny: { stages: [{ approvers: ['U0LEAD'] }] } } }));

    // Act
    const policy = loadApprovalPolicy({ APPROVAL_POLICY_FILE: 'policy.yml' }, () => 'actions: …', parseYaml);

    // Assess
    expect(parseYaml).toHaveBeenCalledWith('actions: …');
    expect(policy.chains.deny.stages).toEqual([{ name: 'stage 1', approvers: ['U0LEAD'], required: 1 }]);
  });

  it('refuses actions the file leaves out (except archive) and warns about them at start-up', () => {
    // Prepare
    const file = { actions: { deny: { stages: [{ approvers: ['U0LEAD'] }] } } };

    // Act
    const policy = fromFile(file);

    // Assess
    expect(policy.chains.undo.stages).toEqual([{ name: 'approval', approvers: [], required: 1 }]);
    expect(policy.chains.archive.stages).toEqual([]);
    expect(policy.warnings).toEqual([
      'APPROVAL_POLICY_FILE sets no chain for "undo", "archive-rule", "attach-policy": those requests are refused until it does',
    ]);
    expect(canRequest(policy, 'undo', 'U0ONCALL', groups).kind).toBe('refused');
  });

  it('names every problem in the file, and in the environment, in one error', () => {
    // Prepare
    const file = {
      actions: {
        deny: {
          stages: [
            { name: 'on-call', approvers: ['U0SEC1', 'bob'], required: 1 },
            { name: 'leads', approvers: ['U0LEADA', 'U0LEADB'], required: 3, escalate_to: [] },
          ],
        },
        undo: { stages: [{ approvers: [], required: 0, 'escalate-to': ['U0HEAD'] }] },
        delete: { stages: [] },
      },
      remind: '2h',
      ttl: 'a day',
      sensitive_accounts: [111122223333, '12345'],
    };

    // Act
    const problems = problemsOf(() => fromFile(file, { APPROVAL_REMIND_AFTER: 'later' }));

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'APPROVAL_REMIND_AFTER must be a duration such as 30m, 2h or 1d (or seconds), from 1 minute to 30 days; got "later"',
        'APPROVAL_POLICY_FILE stage 1 of "deny" approvers has "bob" which is not a Slack user ID (U…/W…) or user-group ID (S…)',
        'APPROVAL_POLICY_FILE stage 2 of "deny" requires 3 approvals but lists 2 approvers',
        'APPROVAL_POLICY_FILE stage 2 of "deny" escalate_to must list at least one ID (leave it out for no escalation)',
        'APPROVAL_POLICY_FILE stage 1 of "undo" approvers must list at least one approver',
        'APPROVAL_POLICY_FILE stage 1 of "undo" required must be a whole number from 1 to 20',
        'APPROVAL_POLICY_FILE stage 1 of "undo" has unknown setting "escalate-to" (known: name, approvers, required, escalate_to)',
        'APPROVAL_POLICY_FILE actions has unknown action "delete" (known: deny, undo, archive-rule, archive, attach-policy)',
        'APPROVAL_POLICY_FILE has unknown setting "remind" (known: actions, requesters, ttl, remind_after, sensitive_accounts, broad_archive_rule_stage)',
        'APPROVAL_POLICY_FILE ttl must be a duration such as 30m, 2h or 1d (or seconds), from 5 minutes to 30 days; got "a day"',
        'APPROVAL_POLICY_FILE sensitive_accounts has 111122223333 as a number: quote it ("111122223333") so leading zeros survive',
        'APPROVAL_POLICY_FILE sensitive_accounts has "12345" which is not a 12-digit AWS account id',
      ]),
    );
    expect(problems).toHaveLength(12);
  });

  it.each([
    {
      name: 'an unreadable file',
      path: '/etc/approvals.json',
      read: () => {
        throw new Error('ENOENT: no such file or directory');
      },
      problem: 'APPROVAL_POLICY_FILE "/etc/approvals.json" cannot be read: ENOENT: no such file or directory',
    },
    {
      name: 'invalid JSON',
      path: '/etc/approvals.json',
      read: () => '{ actions: ',
      problem: expect.stringMatching(/^APPROVAL_POLICY_FILE "\/etc\/approvals.json" is not valid JSON: /),
    },
    {
      name: 'YAML with no YAML parser given',
      path: '/etc/approvals.yaml',
      read: () => 'actions: {}',
      problem:
        'APPROVAL_POLICY_FILE "/etc/approvals.yaml" is YAML, but no YAML parser is available; use a .json file',
    },
    {
      name: 'an unknown extension',
      path: '/etc/approvals.toml',
      read: () => '',
      problem: 'APPROVAL_POLICY_FILE "/etc/approvals.toml" must end in .json, .yaml or .yml',
    },
    {
      name: 'a file that is not a mapping',
      path: '/etc/approvals.json',
      read: () => '[]',
      problem: 'APPROVAL_POLICY_FILE must contain a mapping with an "actions" key',
    },
  ])('explains $name', ({ path, read, problem }) => {
    // Prepare / Act
    const problems = problemsOf(() => loadApprovalPolicy({ APPROVAL_POLICY_FILE: path }, read));

    // Assess
    expect(problems).toEqual([problem]);
  });

  it('uses the file broad_archive_rule_stage when given', () => {
    // Prepare
    const file = { ...policyFile, broad_archive_rule_stage: { approvers: ['S0SECLEADS'], required: 2 } };

    // Act
    const policy = fromFile(file);

    // Assess
    expect(policy.broadRuleStage).toEqual({
      name: 'broad archive rule review',
      approvers: ['S0SECLEADS'],
      required: 2,
    });
  });
});

describe('precedence between the policy file and the environment', () => {
  const env = {
    APPROVERS: 'U0ENVAPPROVER',
    APPROVALS_REQUIRED: '1',
    REQUESTERS: 'U0ENVREQUESTER',
    APPROVAL_TTL: '12h',
    APPROVAL_REMIND_AFTER: '30m',
    SENSITIVE_ACCOUNTS: '444455556666',
  };
  const { requesters: _r, ttl: _t, remind_after: _a, sensitive_accounts: _s, ...chainsOnly } = policyFile;

  it.each([
    {
      when: 'the file sets every key: the file wins',
      file: policyFile,
      expected: {
        requesters: ['U0ONCALL', 'S0ONCALL', 'U0SEC1'],
        ttlMs: 24 * HOUR,
        remindAfterMs: 2 * HOUR,
        sensitiveAccounts: ['111122223333'],
      },
    },
    {
      when: 'the file leaves them out: the environment applies',
      file: chainsOnly,
      expected: {
        requesters: ['U0ENVREQUESTER'],
        ttlMs: 12 * HOUR,
        remindAfterMs: 30 * 60_000,
        sensitiveAccounts: ['444455556666'],
      },
    },
  ])('when $when', ({ file, expected }) => {
    // Prepare / Act
    const policy = fromFile(file, env);

    // Assess
    expect(policy).toMatchObject(expected);
  });

  it('takes chains only from the file when both it and APPROVERS are set, with a warning', () => {
    // Prepare / Act
    const policy = fromFile(policyFile, env);

    // Assess
    expect(policy.source).toBe('file');
    expect(policy.chains.deny.stages.flatMap((s) => s.approvers)).not.toContain('U0ENVAPPROVER');
    expect(policy.warnings).toEqual([
      'APPROVERS and APPROVALS_REQUIRED are ignored because APPROVAL_POLICY_FILE is set',
    ]);
  });

  it('falls back to the defaults when neither sets them', () => {
    // Prepare / Act
    const policy = fromFile({ actions: policyFile.actions });

    // Assess
    expect(policy).toMatchObject({ ttlMs: 24 * HOUR, remindAfterMs: 2 * HOUR, sensitiveAccounts: [] });
    expect(policy.requesters).toBeUndefined();
  });
});
