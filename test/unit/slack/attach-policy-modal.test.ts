import type { GenerationJobRecord, GenerationResult } from '../../../src/policy-generation/job';
import { fillPlaceholders } from '../../../src/policy-generation/placeholders';
import { validateView } from '../../../src/sandbox/slack-standin/view-limits';
import {
  ATTACH_MAX_VALUES,
  attachFormErrors,
  attachPolicyModal,
  exampleValue,
  placeholderBlockId,
  readAttachForm,
  readAttachMetadata,
  splitValues,
  type AttachViewValues,
} from '../../../src/slack/blocks/attach-policy-modal';
import {
  GENERATION_ATTACH_BLOCKS,
  GENERATION_ATTACH_INPUT,
  GENERATION_ATTACH_VIEW,
} from '../../../src/slack/ids';

const T0 = Date.parse('2026-03-31T12:00:00Z');

type Option = { text: { text: string }; value: string; description?: { text: string } };
type Block = {
  type: string;
  block_id?: string;
  optional?: boolean;
  label?: { text: string };
  hint?: { text: string };
  text?: { text: string };
  elements?: { text: string }[];
  element?: {
    type: string;
    action_id: string;
    multiline?: boolean;
    max_length?: number;
    placeholder?: { text: string };
    options?: Option[];
  };
};

const policy = (statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

const POLICY = policy([
  { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::${BucketName}/*' },
  { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:${Region}:${Account}:key/${KeyId}' },
]);
const PLACEHOLDERS = ['BucketName', 'Region', 'Account', 'KeyId'];

const managed = (name: string, awsManaged = true) => ({
  name,
  arn: awsManaged ? `arn:aws:iam::aws:policy/${name}` : `arn:aws:iam::111122223333:policy/${name}`,
  awsManaged,
});

function result(over: Partial<GenerationResult> = {}): GenerationResult {
  return {
    policies: [POLICY],
    summary: {
      services: ['kms', 's3'],
      actions: ['kms:Decrypt', 's3:GetObject', 's3:PutObject'],
      placeholders: PLACEHOLDERS,
    },
    validation: {
      errors: [],
      securityWarnings: [{ issueCode: 'X', findingDetails: 'x' }],
      warnings: [],
      suggestions: [],
    },
    gap: [
      {
        granted: 's3:*',
        kind: 'wider',
        usedWithin: ['s3:GetObject'],
        policies: ['AmazonS3FullAccess'],
        description: 'all s3 actions except the 1 used',
      },
    ],
    attached: [managed('ReadOnlyAccess'), managed('AmazonS3FullAccess'), managed('team-deploy', false)],
    notes: [],
    ...over,
  };
}

function job(
  res: Partial<GenerationResult> = {},
  over: Partial<GenerationJobRecord> = {},
): GenerationJobRecord {
  return {
    id: 'job-0001',
    requester: 'U0REQUEST',
    principal: { kind: 'role', name: 'app-deployer', arn: 'arn:aws:iam::111122223333:role/app-deployer' },
    days: 30,
    startTime: '2026-03-01T12:00:00.000Z',
    endTime: '2026-03-31T12:00:00.000Z',
    status: 'SUCCEEDED',
    createdAt: T0,
    completedAt: T0 + 190_000,
    polls: 6,
    result: result(res),
    version: 3,
    ...over,
  };
}

const blocksOf = (view: { blocks: unknown[] }) => view.blocks as Block[];
const block = (view: { blocks: unknown[] }, id: string) => blocksOf(view).find((b) => b.block_id === id);
const inputs = (view: { blocks: unknown[] }) => blocksOf(view).filter((b) => b.type === 'input');
const contextText = (view: { blocks: unknown[] }) =>
  blocksOf(view)
    .filter((b) => b.type === 'context')
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.text)
    .join('\n');

/** The state Slack sends on submit: what was typed per placeholder, the detach boxes ticked. */
function state(typed: Record<string, string | null>, detach?: string[]): AttachViewValues {
  const values: AttachViewValues = {};
  for (const [name, value] of Object.entries(typed)) {
    values[placeholderBlockId(name)] = { [GENERATION_ATTACH_INPUT]: { value } };
  }
  if (detach) {
    values[GENERATION_ATTACH_BLOCKS.detach] = {
      [GENERATION_ATTACH_INPUT]: { selected_options: detach.map((value) => ({ value })) },
    };
  }
  return values;
}

describe('attachPolicyModal', () => {
  it('is the attach view, with one multiline input per placeholder in order', () => {
    // Act
    const view = attachPolicyModal(job());
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    expect(view.callback_id).toBe(GENERATION_ATTACH_VIEW);
    expect(view.title).toMatchObject({ type: 'plain_text', text: 'Attach policy' });
    expect(view.submit).toMatchObject({ text: 'Request attach' });
    const placeholderInputs = inputs(view).filter((b) =>
      b.block_id?.startsWith(GENERATION_ATTACH_BLOCKS.placeholderPrefix),
    );
    expect(placeholderInputs.map((b) => b.block_id)).toEqual(PLACEHOLDERS.map((p) => `placeholder:${p}`));
    for (const b of placeholderInputs) {
      expect(b.element).toMatchObject({
        type: 'plain_text_input',
        action_id: GENERATION_ATTACH_INPUT,
        multiline: true,
      });
      expect(b.optional).toBeUndefined();
    }
    expect(block(view, 'placeholder:BucketName')?.label?.text).toBe('${BucketName}');
  });

  it('explains each placeholder from its resource pattern, with an example value and the ARN it makes', () => {
    // Act
    const view = attachPolicyModal(job());
    // Assess
    const bucket = block(view, 'placeholder:BucketName');
    expect(bucket?.hint?.text).toContain(
      'Fills ${BucketName} in arn:aws:s3:::${BucketName}/*: the name only, not a whole ARN',
    );
    expect(bucket?.hint?.text).toContain('one per line');
    expect(bucket?.hint?.text).toContain('Example: my-bucket-name → arn:aws:s3:::my-bucket-name/*');
    expect(bucket?.element?.placeholder?.text).toBe('my-bucket-name');
    const region = block(view, 'placeholder:Region');
    expect(region?.hint?.text).toContain('a region such as eu-west-1');
    expect(region?.hint?.text).toContain('arn:aws:kms:eu-west-1:123456789012:key/my-key-id');
    expect(block(view, 'placeholder:Account')?.hint?.text).toContain('a 12-digit account id');
  });

  it('asks for whole ARNs when the placeholder is the whole resource', () => {
    // Arrange
    const p = policy([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '${QueueArn}' }]);
    // Act
    const view = attachPolicyModal(
      job({
        policies: [p],
        summary: { services: ['sqs'], actions: ['sqs:SendMessage'], placeholders: ['QueueArn'] },
      }),
    );
    // Assess
    expect(block(view, 'placeholder:QueueArn')?.hint?.text).toContain(
      'One or more resource ARNs, one per line',
    );
  });

  it('private_metadata holds the job id, the placeholder names and where each sits', () => {
    // Act
    const view = attachPolicyModal(job());
    // Assess
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({
      jobId: 'job-0001',
      placeholders: PLACEHOLDERS,
      fields: {
        BucketName: { field: 5, whole: false },
        Region: { field: 3, whole: true },
        Account: { field: 4, whole: true },
        KeyId: { field: 5, whole: false },
      },
    });
    expect(readAttachMetadata(view.private_metadata)).toEqual(JSON.parse(view.private_metadata ?? ''));
  });

  it('offers the attached managed policies to detach, the ones in the gap first, AWS managed ones labelled', () => {
    // Act
    const view = attachPolicyModal(job());
    // Assess
    const detach = block(view, GENERATION_ATTACH_BLOCKS.detach);
    expect(detach?.optional).toBe(true);
    expect(detach?.label?.text).toBe('Also detach these policies (reversible)');
    expect(detach?.element?.type).toBe('checkboxes');
    expect(detach?.element?.action_id).toBe(GENERATION_ATTACH_INPUT);
    expect(detach?.element?.options?.map((o) => [o.text.text, o.value])).toEqual([
      ['AmazonS3FullAccess (AWS managed)', 'arn:aws:iam::aws:policy/AmazonS3FullAccess'],
      ['ReadOnlyAccess (AWS managed)', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      ['team-deploy', 'arn:aws:iam::111122223333:policy/team-deploy'],
    ]);
    expect(detach?.element?.options?.[0]?.description?.text).toContain('did not use');
  });

  it('has no detach input when nothing is attached', () => {
    expect(block(attachPolicyModal(job({ attached: [] })), GENERATION_ATTACH_BLOCKS.detach)).toBeUndefined();
    expect(
      block(attachPolicyModal(job({ attached: undefined })), GENERATION_ATTACH_BLOCKS.detach),
    ).toBeUndefined();
  });

  it('lists at most 10 attached policies and says how many more are not listed', () => {
    // Arrange
    const attached = Array.from({ length: 13 }, (_, i) => managed(`Policy${i}`, false));
    // Act
    const view = attachPolicyModal(job({ attached }));
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    expect(block(view, GENERATION_ATTACH_BLOCKS.detach)?.element?.options).toHaveLength(10);
    expect(contextText(view)).toContain('3 more attached policies not listed');
  });

  it('an ARN over 75 characters goes in the metadata and its checkbox carries a reference, read back as the ARN', () => {
    // Arrange
    const longArn = `arn:aws:iam::111122223333:policy/teams/platform/${'Long'.repeat(20)}`;
    const name = `${'VeryLongName'.repeat(10)}`;
    // Act
    const view = attachPolicyModal(job({ attached: [{ name, arn: longArn, awsManaged: false }] }));
    const meta = readAttachMetadata(view.private_metadata);
    const option = block(view, GENERATION_ATTACH_BLOCKS.detach)?.element?.options?.[0];
    const form = readAttachForm(state({}, [option?.value ?? '']), meta!);
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    expect(option?.value).toBe('ref:0');
    expect(option?.text.text.length).toBeLessThanOrEqual(75);
    expect(meta?.detachRefs).toEqual([longArn]);
    expect(form.detach).toEqual([longArn]);
  });

  it('shows the policy preview and the ValidatePolicy counts, and says the filled policy is validated again', () => {
    // Act
    const view = attachPolicyModal(job());
    // Assess
    const preview = block(view, GENERATION_ATTACH_BLOCKS.preview);
    expect(preview?.type).toBe('section');
    expect(preview?.text?.text).toContain('"arn:aws:s3:::${BucketName}/*"');
    expect(contextText(view)).toContain('❌ 0 errors · ⚠️ 1 security warning');
    expect(contextText(view)).toContain('The filled policy is validated again before the request is made');
  });

  it('names the managed policies it will create', () => {
    // Act
    const view = attachPolicyModal(job());
    // Assess
    expect(blocksOf(view)[0]?.text?.text).toContain('`app-deployer-least-privilege-20260331`');
  });

  it('clips a huge preview to the section limit', () => {
    // Arrange
    const actions = Array.from({ length: 800 }, (_, i) => `s3:Action${i}<&>`);
    const big = policy([{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::${BucketName}' }]);
    // Act
    const view = attachPolicyModal(job({ policies: [big, big] }));
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    const text = block(view, GENERATION_ATTACH_BLOCKS.preview)?.text?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('Part 2 of 2');
    expect(text).not.toContain('<&>');
  });

  it('keeps private_metadata under 3,000 characters with many placeholders, dropping what the state can give back', () => {
    // Arrange
    const names = Array.from({ length: 85 }, (_, i) => `Placeholder${i}${'X'.repeat(60)}`);
    const p = policy(
      names.map((n) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::\${${n}}` })),
    );
    // Act
    const view = attachPolicyModal(
      job({ policies: [p], summary: { services: ['s3'], actions: [], placeholders: names } }),
    );
    const meta = readAttachMetadata(view.private_metadata);
    const typed = Object.fromEntries(names.map((n, i) => [n, `bucket-${i}`]));
    const form = readAttachForm(state(typed), meta!);
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
    expect(meta?.jobId).toBe('job-0001');
    expect(meta?.placeholders).toBeUndefined();
    expect(Object.keys(form.values)).toEqual(names);
    expect(attachFormErrors(form, meta!)).toEqual({});
  });

  it('refuses to build a form for more placeholders than a modal holds', () => {
    // Arrange
    const names = Array.from({ length: 120 }, (_, i) => `P${i}`);
    // Act
    const view = attachPolicyModal(job({ summary: { services: [], actions: [], placeholders: names } }));
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    expect(inputs(view)).toEqual([]);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('120 placeholders, more than a form can hold');
  });

  it.each([
    [
      'a user',
      job({}, { principal: { kind: 'user', name: 'alice', arn: 'arn:aws:iam::1:user/alice' } }),
      'for roles',
    ],
    [
      'ValidatePolicy errors',
      job({
        validation: {
          errors: [{ issueCode: 'E', findingDetails: 'e' }],
          securityWarnings: [],
          warnings: [],
          suggestions: [],
        },
      }),
      'ValidatePolicy error',
    ],
    [
      'an attached policy',
      job({}, { attachment: { requestId: 'r1', policyArns: [], detached: [], at: T0 } }),
      'Already attached',
    ],
    ['a job still running', job({}, { status: 'IN_PROGRESS', result: undefined }), 'not generated yet'],
  ])('for %s: says why, with no inputs and no submit', (_, j, why) => {
    // Act
    const view = attachPolicyModal(j);
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    expect(inputs(view)).toEqual([]);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain(why);
  });

  it('a policy without placeholders has no placeholder inputs but can still be requested', () => {
    // Arrange
    const p = policy([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]);
    // Act
    const view = attachPolicyModal(
      job({ policies: [p], summary: { services: ['s3'], actions: [], placeholders: [] } }),
    );
    // Assess
    expect(validateView(view, ['modal'])).toEqual([]);
    expect(inputs(view).map((b) => b.block_id)).toEqual([GENERATION_ATTACH_BLOCKS.detach]);
    expect(view.submit).toBeDefined();
    expect(JSON.stringify(view.blocks)).toContain('no placeholders to fill');
  });

  it('escapes a hostile role name', () => {
    // Act
    const view = attachPolicyModal(
      job({}, { principal: { kind: 'role', name: '<!channel>`x', arn: 'arn:aws:iam::1:role/x' } }),
    );
    // Assess
    expect(JSON.stringify(view.blocks)).not.toContain('<!channel>');
  });
});

describe('readAttachMetadata', () => {
  it('reads what the modal wrote and refuses anything else', () => {
    expect(readAttachMetadata('{"jobId":"j1"}')).toEqual({ jobId: 'j1' });
    expect(readAttachMetadata('{"jobId":"j1","placeholders":["A",1]}')).toEqual({ jobId: 'j1' });
    expect(
      readAttachMetadata('{"jobId":"j1","fields":{"A":{"field":5,"whole":false},"B":{"field":"x"}}}'),
    ).toEqual({
      jobId: 'j1',
      fields: { A: { field: 5, whole: false } },
    });
    expect(readAttachMetadata('{"jobId":""}')).toBeUndefined();
    expect(readAttachMetadata('not json')).toBeUndefined();
    expect(readAttachMetadata('null')).toBeUndefined();
    expect(readAttachMetadata(undefined)).toBeUndefined();
  });
});

describe('readAttachForm', () => {
  it('splits on newlines and commas, trims, drops empties and repeats', () => {
    // Act
    const form = readAttachForm(
      state({ BucketName: ' reports \n\n exports,archive ,, reports\r\n', Region: 'eu-west-1' }, [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ]),
      ['BucketName', 'Region', 'KeyId'],
    );
    // Assess
    expect(form).toEqual({
      values: { BucketName: ['reports', 'exports', 'archive'], Region: ['eu-west-1'], KeyId: [] },
      detach: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
  });

  it('reads an empty input (null value) and a missing detach block as nothing', () => {
    expect(readAttachForm(state({ BucketName: null }), ['BucketName'])).toEqual({
      values: { BucketName: [] },
      detach: [],
    });
  });

  it('does not read inherited properties as values (a placeholder named constructor)', () => {
    // Act
    const form = readAttachForm({}, ['constructor']);
    // Assess
    expect(form.values.constructor).toEqual([]);
    expect(attachFormErrors(form, ['constructor'])).toEqual({
      'placeholder:constructor': expect.stringContaining('Fill in'),
    });
  });

  it('splitValues', () => {
    expect(splitValues('a,b\nc')).toEqual(['a', 'b', 'c']);
    expect(splitValues('   ')).toEqual([]);
  });
});

describe('attachFormErrors', () => {
  const meta = () => readAttachMetadata(attachPolicyModal(job()).private_metadata)!;
  const good = { BucketName: 'reports', Region: 'eu-west-1', Account: '111122223333', KeyId: 'k-1' };
  const errorsFor = (typed: Record<string, string>, detach?: string[]) =>
    attachFormErrors(readAttachForm(state(typed, detach), meta()), meta());

  it('accepts a well-filled form, which fillPlaceholders accepts too', () => {
    // Act
    const errors = errorsFor(good, ['arn:aws:iam::aws:policy/AmazonS3FullAccess']);
    const form = readAttachForm(state(good), meta());
    // Assess
    expect(errors).toEqual({});
    expect(fillPlaceholders(POLICY, form.values).ok).toBe(true);
  });

  it('needs at least one value for every placeholder', () => {
    // Act
    const errors = errorsFor({ ...good, KeyId: ' \n , ' });
    // Assess
    expect(errors).toEqual({ 'placeholder:KeyId': 'Fill in ${KeyId}: at least one value.' });
  });

  it('takes at most 20 values per placeholder', () => {
    // Act
    const errors = errorsFor({
      ...good,
      BucketName: Array.from({ length: 21 }, (_, i) => `b${i}`).join('\n'),
    });
    // Assess
    expect(errors['placeholder:BucketName']).toContain(`At most ${ATTACH_MAX_VALUES} values`);
    expect(
      errorsFor({ ...good, BucketName: Array.from({ length: 20 }, (_, i) => `b${i}`).join('\n') }),
    ).toEqual({});
  });

  it('names the wrong value: a whole ARN where the name goes, a bad region, a short account', () => {
    // Act
    const errors = errorsFor({
      BucketName: 'reports\narn:aws:s3:::exports',
      Region: 'Europe',
      Account: '12345',
      KeyId: 'k 1',
    });
    // Assess
    expect(errors['placeholder:BucketName']).toContain('arn:aws:s3:::exports');
    expect(errors['placeholder:BucketName']).toContain('not a whole ARN');
    expect(errors['placeholder:Region']).toContain('Europe');
    expect(errors['placeholder:Account']).toContain('12345');
    expect(errors['placeholder:KeyId']).toContain('spaces');
  });

  it('says how many more problems a placeholder has', () => {
    // Act
    const errors = errorsFor({ ...good, Account: '1\n2\n3' });
    // Assess
    expect(errors['placeholder:Account']).toContain('(and 2 more problems)');
  });

  it('checks values of a whole-resource placeholder with arnProblem', () => {
    // Arrange
    const fields = { QueueArn: { field: -1, whole: false } };
    const form = { values: { QueueArn: ['arn:aws:sqs:eu-west-1:111122223333:jobs', 'jobs'] }, detach: [] };
    // Act
    const errors = attachFormErrors(form, ['QueueArn'], fields);
    // Assess
    expect(errors['placeholder:QueueArn']).toContain('"jobs" is not a resource ARN');
    expect(
      attachFormErrors(
        { ...form, values: { QueueArn: ['arn:aws:sqs:eu-west-1:111122223333:jobs'] } },
        ['QueueArn'],
        fields,
      ),
    ).toEqual({});
  });

  it('without field information, only the checks that need none apply', () => {
    // Act / Assess
    expect(attachFormErrors({ values: { X: ['anything'] }, detach: [] }, ['X'])).toEqual({});
    expect(attachFormErrors({ values: { X: ['${Y}'] }, detach: [] }, ['X'])['placeholder:X']).toContain('${');
  });

  it('refuses a value over the length limit', () => {
    expect(errorsFor({ ...good, KeyId: 'k'.repeat(3000) })['placeholder:KeyId']).toContain('too long');
  });

  it('refuses a stale detach choice and more than 10', () => {
    // Act / Assess
    expect(errorsFor(good, ['ref:3'])).toEqual({ detach: expect.stringContaining('out of date') });
    const many = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`);
    expect(errorsFor(good, many)).toEqual({ detach: 'Choose at most 10 policies to detach.' });
  });
});

describe('exampleValue', () => {
  it('gives a value that fits where the placeholder sits', () => {
    expect(exampleValue('Region', { field: 3, whole: true })).toBe('eu-west-1');
    expect(exampleValue('Account', { field: 4, whole: true })).toBe('123456789012');
    expect(exampleValue('Partition', { field: 1, whole: true })).toBe('aws');
    expect(exampleValue('LogGroupName', { field: 6, whole: false })).toBe('my-log-group-name');
    expect(exampleValue('QueueArn', { field: -1, whole: false })).toMatch(/^arn:aws:/);
  });
});
