import type { PolicyValidation } from '../../../src/aws/policy-generation';
import type { GapEntry } from '../../../src/policy-generation/gap';
import {
  formatElapsed,
  progressBar,
  progressEstimate,
  type GenerationJobRecord,
  type GenerationResult,
} from '../../../src/policy-generation/job';
import { validateBlocks } from '../../../src/sandbox/slack-standin/block-limits';
import {
  GAP_SHOWN,
  POLICY_INLINE_MAX,
  attachBlockedReason,
  generationMessage,
  joinWithin,
  policyFileContent,
  policyFileName,
  policyFitsInline,
} from '../../../src/slack/blocks/generation-message';
import {
  GENERATION_ATTACH_ACTION,
  GENERATION_CANCEL_ACTION,
  GENERATION_REVERT_ACTION,
} from '../../../src/slack/ids';

const T0 = Date.parse('2026-03-31T12:00:00Z');
const TYPICAL = { typicalMs: 180_000 };
const ROLE_ARN = 'arn:aws:iam::111122223333:role/app-deployer';

type Block = {
  type: string;
  block_id?: string;
  text?: { type: string; text: string };
  elements?: {
    type: string;
    action_id?: string;
    value?: string;
    style?: string;
    text?: { text: string };
    confirm?: { title: { text: string }; text: { text: string }; confirm: { text: string } };
  }[];
};

const policy = (statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

const SMALL_POLICY = policy([
  { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::${BucketName}/*' },
  { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:${Region}:${Account}:key/${KeyId}' },
]);

/** A formatted policy of `chars` characters or a little more (many actions on one resource). */
function bigPolicy(chars: number, prefix = 'Action'): string {
  const actions: string[] = [];
  const make = () => policy([{ Effect: 'Allow', Action: actions, Resource: '*' }]);
  while (make().length < chars) actions.push(`s3:${prefix}${actions.length}`);
  return make();
}

const noFindings = (): PolicyValidation => ({
  errors: [],
  securityWarnings: [],
  warnings: [],
  suggestions: [],
});

function job(over: Partial<GenerationJobRecord> = {}): GenerationJobRecord {
  return {
    id: 'job-0001',
    requester: 'U0REQUEST',
    principal: { kind: 'role', name: 'app-deployer', arn: ROLE_ARN },
    days: 30,
    startTime: '2026-03-01T12:00:00.000Z',
    endTime: '2026-03-31T12:00:00.000Z',
    status: 'IN_PROGRESS',
    createdAt: T0,
    awsJobId: 'aa-job-42',
    polls: 3,
    version: 2,
    ...over,
  };
}

function result(over: Partial<GenerationResult> = {}): GenerationResult {
  return {
    policies: [SMALL_POLICY],
    summary: {
      services: ['kms', 's3'],
      actions: ['kms:Decrypt', 's3:GetObject', 's3:PutObject'],
      placeholders: ['BucketName', 'Region', 'Account', 'KeyId'],
    },
    validation: noFindings(),
    gap: [
      {
        granted: 's3:*',
        kind: 'wider',
        usedWithin: ['s3:GetObject', 's3:PutObject'],
        policies: ['AmazonS3FullAccess'],
        description: 'all s3 actions except the 2 used',
      },
    ],
    attached: [
      { name: 'AmazonS3FullAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess', awsManaged: true },
    ],
    notes: [],
    ...over,
  };
}

const succeeded = (res: Partial<GenerationResult> = {}, over: Partial<GenerationJobRecord> = {}) =>
  job({ status: 'SUCCEEDED', completedAt: T0 + 190_000, result: result(res), ...over });

const render = (j: GenerationJobRecord, now = T0 + 125_000) => generationMessage(j, now, TYPICAL);
const blocksOf = (m: { blocks: unknown[] }) => m.blocks as Block[];
const allText = (m: { blocks: unknown[] }) =>
  blocksOf(m)
    .map((b) => b.text?.text ?? (b.elements ?? []).map((e) => (e as { text?: string }).text ?? '').join(' '))
    .join('\n');
const buttons = (m: { blocks: unknown[] }) =>
  blocksOf(m)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
const button = (m: { blocks: unknown[] }, actionId: string) =>
  buttons(m).find((e) => e.action_id === actionId);

/** Every limit the Slack stand-in checks, plus ours: ≤ 50 blocks, every section ≤ 3,000. */
function expectWithinLimits(m: { text: string; blocks: unknown[] }): void {
  expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  expect(m.blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocksOf(m)) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  expect(m.text.length).toBeGreaterThan(0);
  expect(m.text.length).toBeLessThanOrEqual(300);
}

describe('generationMessage: header', () => {
  it('names the principal, the requester, the CloudTrail window and the principal ARN', () => {
    // Act
    const m = render(job());
    // Assess
    const header = blocksOf(m)[0]?.text?.text ?? '';
    expect(header).toContain('*Least-privilege policy for role `app-deployer`*');
    expect(header).toContain('Requested by <@U0REQUEST>');
    expect(header).toContain('30 days');
    expect(header).toContain(`<!date^${Date.parse('2026-03-01T12:00:00Z') / 1000}^`);
    expect(header).toContain(`<!date^${Date.parse('2026-03-31T12:00:00Z') / 1000}^`);
    expect(header).toContain(`Principal: \`${ROLE_ARN}\``);
  });

  it('says user for a user and leaves the ARN out while it is unknown', () => {
    // Act
    const m = render(job({ status: 'STARTING', principal: { kind: 'user', name: 'alice' }, days: 1 }));
    // Assess
    const header = blocksOf(m)[0]?.text?.text ?? '';
    expect(header).toContain('for user `alice`');
    expect(header).toContain('1 day:');
    expect(header).not.toContain('Principal:');
  });

  it('ends with a footer naming the job and the Access Analyzer job', () => {
    // Act
    const last = blocksOf(render(job())).at(-1);
    // Assess
    expect(last?.type).toBe('context');
    expect(JSON.stringify(last)).toContain('`job-0001`');
    expect(JSON.stringify(last)).toContain('`aa-job-42`');
  });
});

describe('generationMessage: running', () => {
  it('STARTING says so, with the estimate bar, elapsed time, polls and a Cancel button with a confirm', () => {
    // Act
    const m = render(job({ status: 'STARTING', polls: 0, awsJobId: undefined }), T0 + 4_000);
    // Assess
    const text = allText(m);
    expect(text).toContain('Starting…');
    expect(text).toContain(progressBar(progressEstimate(4_000, TYPICAL.typicalMs)));
    expect(text).toContain('(estimate: Access Analyzer reports no percentage)');
    expect(text).toContain('Elapsed 4s');
    expect(text).toContain('0 status checks');
    const cancel = button(m, GENERATION_CANCEL_ACTION);
    expect(cancel).toMatchObject({ value: 'job-0001', style: 'danger' });
    expect(cancel?.confirm?.title.text).toBe('Cancel the generation?');
    expect(cancel?.confirm?.text.text).toContain('app-deployer');
    expect(button(m, GENERATION_ATTACH_ACTION)).toBeUndefined();
    expect(m.text).toBe('Least-privilege policy for role app-deployer: starting');
    expectWithinLimits(m);
  });

  it('IN_PROGRESS shows "Generating", elapsed as formatElapsed and the number of polls', () => {
    // Act
    const m = render(job({ polls: 1 }), T0 + 125_000);
    // Assess
    const text = allText(m);
    expect(text).toContain('Generating from CloudTrail activity');
    expect(text).toContain(`Elapsed ${formatElapsed(125_000)}`);
    expect(text).toContain('Elapsed 2m 05s');
    expect(text).toContain('1 status check so far');
    expect(m.text).toBe('Least-privilege policy for role app-deployer: generating (2m 05s)');
    expect(button(m, GENERATION_CANCEL_ACTION)).toBeDefined();
  });

  it('never shows 100% while the job runs, however long it takes', () => {
    // Act
    const text = allText(render(job(), T0 + 10 * 3_600_000));
    // Assess
    expect(text).toContain('95%');
    expect(text).not.toContain('100%');
  });
});

describe('generationMessage: succeeded', () => {
  it('shows the summary, ValidatePolicy, the gap and the policy inline, with Request attach', () => {
    // Act
    const m = render(succeeded());
    // Assess
    const text = allText(m);
    expect(text).toContain('✅ *Policy generated* in 3m 10s');
    expect(text).toContain('*3 actions* in *2 services*: `kms`, `s3`');
    expect(text).toContain(
      '*4 placeholders to fill* before attaching: `${BucketName}`, `${Region}`, `${Account}`, `${KeyId}`',
    );
    expect(text).toContain('*ValidatePolicy*: ✅ no errors');
    expect(text).toContain("*Gap: what the role's policies grant that it did not use* (1)");
    expect(text).toContain('• `s3:*`: all s3 actions except the 2 used (from `AmazonS3FullAccess`)');
    expect(text).toContain(`\`\`\`${SMALL_POLICY}\`\`\``);
    expect(text).not.toContain('attached as a file');
    expect(text).not.toContain('May be incomplete');
    expect(button(m, GENERATION_ATTACH_ACTION)).toMatchObject({ value: 'job-0001', style: 'primary' });
    expect(button(m, GENERATION_CANCEL_ACTION)).toBeUndefined();
    expect(m.text).toBe('Least-privilege policy for role app-deployer: ready, 3 actions in 2 services');
    expectWithinLimits(m);
  });

  it('warns when Access Analyzer says the policy may be incomplete, and lists the notes', () => {
    // Act
    const m = render(succeeded({ incomplete: true, notes: ['ValidatePolicy could not run: AccessDenied'] }));
    // Assess
    const text = allText(m);
    expect(text).toContain('⚠️ *May be incomplete*');
    expect(text).toContain('*Notes*\n• ValidatePolicy could not run: AccessDenied');
  });

  it('groups ValidatePolicy findings: counts per severity, the first few of each, details and links', () => {
    // Arrange
    const validation: PolicyValidation = {
      errors: [],
      securityWarnings: [
        {
          issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE',
          findingDetails: 'Using iam:PassRole with a wildcard is overly permissive.',
          learnMoreLink:
            'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html',
        },
      ],
      warnings: [],
      suggestions: Array.from({ length: 5 }, (_, i) => ({
        issueCode: `SUGGESTION_${i}`,
        findingDetails: `detail ${i}`,
      })),
    };
    // Act
    const text = allText(render(succeeded({ validation })));
    // Assess
    expect(text).toContain('❌ 0 errors · ⚠️ 1 security warning · 🟡 0 warnings · 💡 5 suggestions');
    expect(text).toContain(
      '• ⚠️ `PASS_ROLE_WITH_STAR_IN_RESOURCE`: Using iam:PassRole with a wildcard is overly permissive. <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html|Learn more>',
    );
    expect(text).toContain('`SUGGESTION_2`');
    expect(text).not.toContain('`SUGGESTION_3`');
    expect(text).toContain('… and 2 more suggestions');
  });

  it('does not turn a learnMoreLink that is not a plain https URL into a link', () => {
    // Arrange
    const validation = {
      ...noFindings(),
      warnings: [
        { issueCode: 'A', findingDetails: 'a', learnMoreLink: 'javascript:alert(1)' },
        { issueCode: 'B', findingDetails: 'b', learnMoreLink: 'https://evil.example/x|<!channel>' },
      ],
    };
    // Act
    const text = allText(render(succeeded({ validation })));
    // Assess
    expect(text).not.toContain('Learn more');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('javascript:');
  });

  it('with ValidatePolicy errors: no Request attach, and says the errors must be fixed', () => {
    // Arrange
    const validation = {
      ...noFindings(),
      errors: [{ issueCode: 'MISSING_VERSION', findingDetails: 'Add a Version element.' }],
    };
    // Act
    const m = render(succeeded({ validation }));
    // Assess
    expect(button(m, GENERATION_ATTACH_ACTION)).toBeUndefined();
    expect(allText(m)).toContain(
      'Fix the 1 ValidatePolicy error first: a policy with errors cannot be attached',
    );
    expect(allText(m)).toContain('• ❌ `MISSING_VERSION`: Add a Version element.');
  });

  it('when ValidatePolicy could not run, still offers Request attach (the filled policy is validated again)', () => {
    // Act
    const m = render(
      succeeded({ validation: undefined, notes: ['ValidatePolicy could not run: throttled'] }),
    );
    // Assess
    expect(allText(m)).toContain('*ValidatePolicy* did not run');
    expect(button(m, GENERATION_ATTACH_ACTION)).toBeDefined();
  });

  it('for a user: no Request attach, and says attaching is for roles', () => {
    // Act
    const m = render(
      succeeded(
        { gap: undefined, attached: undefined },
        { principal: { kind: 'user', name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' } },
      ),
    );
    // Assess
    expect(button(m, GENERATION_ATTACH_ACTION)).toBeUndefined();
    expect(allText(m)).toContain('Attaching from Slack is for roles');
    expect(allText(m)).toContain('create a managed policy from the JSON');
    expect(allText(m)).not.toContain('*Gap');
  });

  it('for an empty policy: no policy block and no Request attach', () => {
    // Act
    const m = render(
      succeeded({
        policies: [],
        summary: { services: [], actions: [], placeholders: [] },
        validation: undefined,
        gap: [],
        notes: ['Access Analyzer found no activity for this principal in the window: the policy is empty.'],
      }),
    );
    // Assess
    expect(button(m, GENERATION_ATTACH_ACTION)).toBeUndefined();
    expect(allText(m)).toContain('the policy is empty');
    expect(allText(m)).not.toContain('```');
    expect(allText(m)).toContain('grant no action it did not use');
  });

  it('lists at most GAP_SHOWN gap entries, then says how many more, within 3,000 characters', () => {
    // Arrange
    const gap: GapEntry[] = Array.from({ length: 250 }, (_, i) => ({
      granted: `service${i}:${'Action'.repeat(30)}*`,
      kind: 'unused',
      usedWithin: [],
      policies: Array.from({ length: 20 }, (_, k) => `Policy${k}${'x'.repeat(100)}`),
      description: `all actions matching service${i}:… (none used) ${'d'.repeat(250)}`,
    }));
    // Act
    const m = render(succeeded({ gap }));
    // Assess
    const section = blocksOf(m).find((b) => b.text?.text.startsWith('*Gap'));
    expect(section?.text?.text.length).toBeLessThanOrEqual(3000);
    expect(section?.text?.text).toContain('(250)');
    expect(section?.text?.text).toContain('`service0:');
    expect(section?.text?.text).not.toContain(`\`service${GAP_SHOWN}:`);
    expect(section?.text?.text).toMatch(/… and \d+ more$/);
    expectWithinLimits(m);
  });

  it('stays within the limits with everything at its worst', () => {
    // Arrange
    const many = (n: number, code: string) =>
      Array.from({ length: n }, (_, i) => ({
        issueCode: `${code}_${i}`,
        findingDetails: `${'x'.repeat(2000)} <!channel>`,
        learnMoreLink: `https://docs.aws.amazon.com/${i}`,
      }));
    const j = succeeded(
      {
        policies: [bigPolicy(2000, 'A'), bigPolicy(2000, 'B')],
        summary: {
          services: Array.from({ length: 300 }, (_, i) => `service${i}`),
          actions: Array.from({ length: 5000 }, (_, i) => `s3:A${i}`),
          placeholders: Array.from({ length: 200 }, (_, i) => `Placeholder${i}`),
        },
        validation: {
          errors: [],
          securityWarnings: many(50, 'SW'),
          warnings: many(50, 'W'),
          suggestions: many(50, 'S'),
        },
        notes: Array.from({ length: 40 }, (_, i) => `note ${i} ${'n'.repeat(900)}`),
        incomplete: true,
      },
      { principal: { kind: 'role', name: 'r', arn: `arn:aws:iam::111122223333:role/${'p/'.repeat(600)}r` } },
    );
    // Act
    const m = render(j);
    // Assess
    expectWithinLimits(m);
    expect(allText(m)).not.toContain('<!channel>');
  });
});

describe('generationMessage: policy inline or as a file', () => {
  it('a policy over POLICY_INLINE_MAX goes to the file, and the message says so', () => {
    // Arrange
    const big = bigPolicy(POLICY_INLINE_MAX + 100);
    // Act
    const m = render(succeeded({ policies: [big] }));
    // Assess
    expect(policyFitsInline({ policies: [big] })).toBe(false);
    const text = allText(m);
    expect(text).toContain(
      'too long for this message: attached as a file in the thread, `app-deployer-least-privilege.json`',
    );
    expect(text).not.toContain('```');
    expectWithinLimits(m);
  });

  it('a policy of exactly POLICY_INLINE_MAX characters is shown inline, one more goes to the file', () => {
    // Arrange
    let p = bigPolicy(POLICY_INLINE_MAX - 60);
    while (p.length < POLICY_INLINE_MAX) p = p.replace('"Resource": "*', '"Resource": "**');
    // Act / Assess
    expect(p.length).toBe(POLICY_INLINE_MAX);
    expect(policyFitsInline({ policies: [p] })).toBe(true);
    expect(policyFitsInline({ policies: [p.replace('"**', '"***')] })).toBe(false);
    expectWithinLimits(render(succeeded({ policies: [p] })));
  });

  it('counts the escaped length, so a policy that grows when escaped may go to the file', () => {
    // Arrange: under the limit as JSON, over it once every < becomes &lt;
    const p = policy([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'<'.repeat(1000)}` },
    ]);
    // Act / Assess
    expect(p.length).toBeLessThan(POLICY_INLINE_MAX);
    expect(policyFitsInline({ policies: [p] })).toBe(false);
  });

  it('a policy containing ``` goes to the file (it would end the code block)', () => {
    // Arrange
    const p = policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::```<!channel>' }]);
    // Act
    const m = render(succeeded({ policies: [p] }));
    // Assess
    expect(policyFitsInline({ policies: [p] })).toBe(false);
    expect(allText(m)).not.toContain('<!channel>');
  });

  it('several small parts are each shown inline with their part number', () => {
    // Act
    const text = allText(render(succeeded({ policies: [SMALL_POLICY, SMALL_POLICY] })));
    // Assess
    expect(text).toContain('*Policy* (part 1 of 2)');
    expect(text).toContain('*Policy* (part 2 of 2)');
    expect(text).toContain('Split by Access Analyzer into 2 policies');
  });

  it('more than three parts go to the file whatever their size', () => {
    expect(policyFitsInline({ policies: [SMALL_POLICY, SMALL_POLICY, SMALL_POLICY, SMALL_POLICY] })).toBe(
      false,
    );
    expect(policyFitsInline({ policies: [] })).toBe(true);
  });

  it('policyFileName is <name>-least-privilege.json, reduced to safe characters', () => {
    expect(policyFileName(job())).toBe('app-deployer-least-privilege.json');
    expect(policyFileName(job({ principal: { kind: 'role', name: '../<x> y' } }))).toBe(
      '..--x--y-least-privilege.json',
    );
  });

  it('policyFileContent is valid JSON: the policy itself for one part, an array of documents for several', () => {
    // Act
    const one = policyFileContent({ policies: [SMALL_POLICY] });
    const two = policyFileContent({ policies: [SMALL_POLICY, bigPolicy(100)] });
    // Assess
    expect(JSON.parse(one)).toEqual(JSON.parse(SMALL_POLICY));
    const parts = JSON.parse(two) as unknown[];
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual(JSON.parse(SMALL_POLICY));
    expect(parts[1]).toEqual(JSON.parse(bigPolicy(100)));
  });
});

describe('generationMessage: attachment', () => {
  const attachment = {
    requestId: 'req-7',
    policyArns: ['arn:aws:iam::111122223333:policy/app-deployer-least-privilege-20260331'],
    detached: [{ name: 'AmazonS3FullAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }],
    at: T0 + 3_600_000,
  };

  it('shows what was attached and detached, with Revert detach (and its confirm) instead of Request attach', () => {
    // Act
    const m = render(succeeded({}, { attachment }));
    // Assess
    const text = allText(m);
    expect(text).toContain(
      '📎 Attached `arn:aws:iam::111122223333:policy/app-deployer-least-privilege-20260331` (request `req-7`)',
    );
    expect(text).toContain('Detached in the same change: `AmazonS3FullAccess`');
    expect(button(m, GENERATION_ATTACH_ACTION)).toBeUndefined();
    const revert = button(m, GENERATION_REVERT_ACTION);
    expect(revert?.value).toBe('job-0001');
    expect(revert?.confirm?.text.text).toContain('attach again: AmazonS3FullAccess');
    expect(revert?.confirm?.text.text).toContain('Once approved they are re-attached');
    expect(m.text).toContain('attached');
    expectWithinLimits(m);
  });

  it('after the revert: says they were re-attached, and no Revert detach', () => {
    // Act
    const m = render(
      succeeded({}, { attachment: { ...attachment, revertedAt: T0 + 7_200_000, revertRequestId: 'req-8' } }),
    );
    // Assess
    expect(allText(m)).toContain('↩️ Re-attached `AmazonS3FullAccess` (request `req-8`)');
    expect(button(m, GENERATION_REVERT_ACTION)).toBeUndefined();
  });

  it('nothing detached: no Revert detach', () => {
    // Act
    const m = render(succeeded({}, { attachment: { ...attachment, detached: [] } }));
    // Assess
    expect(allText(m)).toContain('📎 Attached');
    expect(button(m, GENERATION_REVERT_ACTION)).toBeUndefined();
    expect(buttons(m)).toEqual([]);
  });

  it('the revert confirm stays within 300 characters with many detached policies', () => {
    // Arrange
    const detached = Array.from({ length: 10 }, (_, i) => ({
      name: `VeryLongCustomerManagedPolicyName${i}${'x'.repeat(90)}`,
      arn: `arn:aws:iam::111122223333:policy/P${i}`,
    }));
    // Act
    const m = render(succeeded({}, { attachment: { ...attachment, detached } }));
    // Assess
    expect(button(m, GENERATION_REVERT_ACTION)?.confirm?.text.text.length).toBeLessThanOrEqual(300);
    expectWithinLimits(m);
  });
});

describe('generationMessage: ended without a policy', () => {
  it('FAILED shows the error', () => {
    // Act
    const m = render(
      job({ status: 'FAILED', completedAt: T0 + 30_000, error: 'IAM has no role named `app-deployer`.' }),
    );
    // Assess
    expect(allText(m)).toContain('❌ *Generation failed* after 30s: IAM has no role named `app-deployer`.');
    expect(allText(m)).toContain('`/iam-generate app-deployer --days 30`');
    expect(buttons(m)).toEqual([]);
    expect(m.text).toBe('Least-privilege policy for role app-deployer: failed');
  });

  it('CANCELED says by whom', () => {
    // Act
    const m = render(job({ status: 'CANCELED', completedAt: T0 + 60_000, canceledBy: 'U0CANCEL' }));
    // Assess
    expect(allText(m)).toContain('🚫 *Canceled* by <@U0CANCEL> after 1m 00s.');
    expect(buttons(m)).toEqual([]);
  });

  it('TIMED_OUT says the bot stopped waiting', () => {
    // Act
    const m = render(
      job({
        status: 'TIMED_OUT',
        completedAt: T0 + 3_600_000,
        error: 'Still running after 60 minutes.',
        principal: { kind: 'user', name: 'alice' },
        days: 7,
      }),
    );
    // Assess
    const text = allText(m);
    expect(text).toContain('⌛ *Timed out* after 1h 00m');
    expect(text).toContain('Still running after 60 minutes.');
    expect(text).toContain('`/iam-generate alice --days 7 --user`');
  });
});

describe('generationMessage: hostile text', () => {
  const HOSTILE = 'x<!channel>`y```z&<@U0ADMIN>';

  it('escapes names, requesters, AWS messages, errors and notes: no mention or broadcast gets through', () => {
    // Arrange
    const j = succeeded(
      {
        validation: {
          ...noFindings(),
          errors: [{ issueCode: HOSTILE, findingDetails: `details ${HOSTILE}` }],
        },
        notes: [`note ${HOSTILE}`],
        gap: [
          {
            granted: HOSTILE,
            kind: 'unused',
            usedWithin: [],
            policies: [HOSTILE],
            description: `desc ${HOSTILE}`,
          },
        ],
      },
      {
        id: 'job-0001',
        requester: 'U1><!channel',
        principal: { kind: 'role', name: HOSTILE, arn: `arn:aws:iam::1:role/${HOSTILE}` },
        awsJobId: HOSTILE,
      },
    );
    // Act
    const m = render(j);
    const json = JSON.stringify(m);
    // Assess
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0ADMIN>');
    expect(json).not.toContain('<!channel');
    expect(json).toContain('&lt;!channel&gt;');
    // Inline code spans cannot be broken out of: the backticks of the name are replaced.
    expect(allText(m)).toContain('`x&lt;!channel&gt;ˋyˋˋˋz&amp;&lt;@U0ADMIN&gt;`');
    // A ``` in an AWS message cannot open a code block.
    const details = allText(m)
      .split('\n')
      .find((l) => l.includes('details'));
    expect(details).not.toContain('```');
    expect(m.text).not.toContain('<!channel>');
    expectWithinLimits(m);
  });

  it('escapes the error of a failed job and the canceller id', () => {
    // Act
    const failed = render(job({ status: 'FAILED', error: 'AccessDenied <!here> ```boom```' }));
    const canceled = render(job({ status: 'CANCELED', canceledBy: '<!everyone>' }));
    // Assess
    expect(allText(failed)).toContain('AccessDenied &lt;!here&gt; ˋˋˋboomˋˋˋ');
    expect(JSON.stringify(canceled)).not.toContain('<!everyone>');
  });

  it('clips a very long error within the section limit', () => {
    // Act
    const m = render(job({ status: 'FAILED', error: '<'.repeat(20_000) }));
    // Assess
    expectWithinLimits(m);
    expect(allText(m)).toMatch(/(&lt;)+…\n/);
  });
});

describe('attachBlockedReason', () => {
  it('is undefined for an attachable role result and says why otherwise', () => {
    expect(attachBlockedReason(succeeded())).toBeUndefined();
    expect(attachBlockedReason(job())).toContain('not generated yet');
    expect(attachBlockedReason(succeeded({}, { principal: { kind: 'role', name: 'r' } }))).toContain(
      'ARN is unknown',
    );
    expect(
      attachBlockedReason(
        succeeded({}, { attachment: { requestId: 'r1', policyArns: [], detached: [], at: T0 } }),
      ),
    ).toContain('Already attached');
  });
});

describe('joinWithin', () => {
  it('keeps whole items and counts the rest', () => {
    expect(joinWithin(['`a`', '`b`', '`c`'], 100, ', ')).toBe('`a`, `b`, `c`');
    expect(joinWithin(['`a`', '`b`', '`c`'], 12, ', ', '%d more')).toBe('`a`, 2 more');
    expect(joinWithin(['`a`', '`b`'], 100, ', ', '%d more', 5)).toBe('`a`, `b`, 5 more');
    expect(joinWithin([], 100, ', ', '%d more', 3)).toBe('3 more');
  });

  it('never exceeds the limit', () => {
    // Arrange
    const items = Array.from({ length: 500 }, (_, i) => `item-${i}-${'z'.repeat(i % 40)}`);
    // Act / Assess
    for (const max of [5, 20, 100, 999, 3000]) {
      expect(joinWithin(items, max, '\n').length).toBeLessThanOrEqual(max);
    }
  });
});
