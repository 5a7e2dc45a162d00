import { DescribeTableCommand, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { GenerationJobRecord } from '../../../src/policy-generation/job';
import { JobChangedError } from '../../../src/policy-generation/ports';
import type { Stores } from '../../../src/store';
import { testDynamoDb, testStores } from '../../helpers/ddb';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const SEC = 1000;
const MIN = 60 * SEC;

type NewJob = Omit<GenerationJobRecord, 'version'>;

/** An IN_PROGRESS job on role AppRole, next polled 3 s after T0. */
const job = (id: string, over: Partial<NewJob> = {}): NewJob => ({
  id,
  requester: 'U0ONCALL',
  principal: { kind: 'role', name: 'AppRole' },
  days: 30,
  startTime: '2026-10-24T10:00:00.000Z',
  endTime: '2026-11-23T10:00:00.000Z',
  status: 'IN_PROGRESS',
  createdAt: T0,
  polls: 0,
  nextPollAt: T0 + 3 * SEC,
  ...over,
});

/** A job with every optional field set, nested arrays included. */
const rich = (id: string): NewJob => ({
  ...job(id),
  principal: {
    kind: 'role',
    name: 'Billing-Exporter',
    arn: 'arn:aws:iam::111122223333:role/Billing-Exporter',
  },
  status: 'SUCCEEDED',
  awsJobId: 'c5f1b1d2-7a3e-4e55-9a43-0d2f6b1a9e01',
  message: { channel: 'C0FINDINGS', ts: '1795428000.000100' },
  polls: 7,
  nextPollAt: T0 + 4 * MIN,
  completedAt: T0 + 5 * MIN,
  error: 'none, kept to round-trip',
  canceledBy: 'U0CANCELER',
  result: {
    policies: [
      '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${BucketName}/*" }]\n}',
      '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*" }]\n}',
    ],
    summary: {
      services: ['kms', 's3'],
      actions: ['kms:Decrypt', 's3:GetObject'],
      placeholders: ['BucketName'],
    },
    validation: {
      errors: [],
      securityWarnings: [
        { issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE', findingDetails: 'Using iam:PassRole…' },
      ],
      warnings: [],
      suggestions: [
        {
          issueCode: 'EMPTY_ARRAY_CONDITION',
          findingDetails: 'An empty array…',
          learnMoreLink:
            'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html',
        },
      ],
    },
    gap: [
      {
        granted: 's3:*',
        kind: 'wider',
        usedWithin: ['s3:GetObject'],
        policies: ['AmazonS3FullAccess'],
        description: 'all s3 actions except the 1 used',
      },
      {
        granted: 'ec2:RunInstances',
        kind: 'unused',
        usedWithin: [],
        policies: ['inline-ops'],
        description: 'x',
      },
    ],
    attached: [
      { name: 'AmazonS3FullAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess', awsManaged: true },
      { name: 'inline-ops', arn: 'arn:aws:iam::111122223333:policy/inline-ops', awsManaged: false },
    ],
    incomplete: true,
    notes: ['the gap could not be computed for 1 inline policy: AccessDenied', 'ünïcode ✓ "quotes"'],
  },
  attachment: {
    requestId: 'req-attach-1',
    policyArns: ['arn:aws:iam::111122223333:policy/iam-bot/Billing-Exporter-1'],
    detached: [{ name: 'AmazonS3FullAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }],
    at: T0 + 10 * MIN,
    revertedAt: T0 + 20 * MIN,
    revertRequestId: 'req-revert-1',
  },
});

const ids = (jobs: GenerationJobRecord[]) => jobs.map((j) => j.id);

/** The JobChangedError a rejected promise carries (fails the test when it resolved or threw anything else). */
async function changedError(p: Promise<unknown>): Promise<JobChangedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobChangedError);
  return err as JobChangedError;
}

describe('GenerationJobStore on DynamoDB Local: create, get, update', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('generations');
  });

  it('creates a job once: a second create with the same id gets the first job, created false', async () => {
    // Act
    const first = await stores.generations.create(job('dup', { requester: 'U0FIRST' }));
    const second = await stores.generations.create(job('dup', { requester: 'U0SECOND', days: 7 }));
    // Assess
    expect(first).toEqual({ job: { ...job('dup', { requester: 'U0FIRST' }), version: 1 }, created: true });
    expect(second).toEqual({ job: first.job, created: false });
    expect(await stores.generations.get('dup')).toStrictEqual(first.job);
  });

  it('lets exactly one of ten simultaneous creates with the same id create it; all get its job', async () => {
    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => stores.generations.create(job('raced', { requester: `U0R${i}` }))),
    );
    // Assess
    const winners = results.filter((r) => r.created);
    expect(winners).toHaveLength(1);
    const stored = await stores.generations.get('raced');
    expect(stored?.version).toBe(1);
    for (const r of results) expect(r.job).toStrictEqual(stored);
  });

  it('returns undefined for an unknown job', async () => {
    expect(await stores.generations.get('never-created')).toBeUndefined();
  });

  it('round-trips a job with every optional field exactly, through create, get and update', async () => {
    // Act
    const created = await stores.generations.create(rich('rich'));
    const read = await stores.generations.get('rich');
    const base = await stores.generations.create(job('enriched', { status: 'STARTING' }));
    const {
      id: _id,
      requester: _r,
      days: _d,
      startTime: _s,
      endTime: _e,
      createdAt: _c,
      ...changes
    } = rich('x');
    const updated = await stores.generations.update('enriched', base.job.version, changes);
    // Assess
    expect(created.job).toStrictEqual({ ...rich('rich'), version: 1 });
    expect(read).toStrictEqual({ ...rich('rich'), version: 1 });
    const expected = { ...rich('x'), id: 'enriched', version: 2 };
    expect(updated).toStrictEqual(expected);
    expect(await stores.generations.get('enriched')).toStrictEqual(expected);
  });

  it('applies changes at the expected version, adds 1 to it, and leaves the other fields alone', async () => {
    // Prepare
    const { job: v1 } = await stores.generations.create(job('step', { status: 'STARTING' }));
    // Act
    const v2 = await stores.generations.update('step', 1, {
      status: 'IN_PROGRESS',
      awsJobId: 'aa-1',
      principal: { kind: 'role', name: 'AppRole', arn: 'arn:aws:iam::111122223333:role/AppRole' },
      nextPollAt: T0 + 5 * SEC,
    });
    const v3 = await stores.generations.update('step', 2, { polls: 1, nextPollAt: T0 + 10 * SEC });
    // Assess
    expect(v2).toStrictEqual({
      ...v1,
      status: 'IN_PROGRESS',
      awsJobId: 'aa-1',
      principal: { kind: 'role', name: 'AppRole', arn: 'arn:aws:iam::111122223333:role/AppRole' },
      nextPollAt: T0 + 5 * SEC,
      version: 2,
    });
    expect(v3).toStrictEqual({ ...v2, polls: 1, nextPollAt: T0 + 10 * SEC, version: 3 });
    expect(await stores.generations.get('step')).toStrictEqual(v3);
  });

  it('refuses an update at a stale version with JobChangedError carrying the job as it is now', async () => {
    // Prepare
    await stores.generations.create(job('stale'));
    const now = await stores.generations.update('stale', 1, {
      polls: 1,
      message: { channel: 'C1', ts: '1.2' },
    });
    // Act
    const err = await changedError(stores.generations.update('stale', 1, { status: 'CANCELED' }));
    // Assess
    expect(err.jobId).toBe('stale');
    expect(err.current).toStrictEqual(now);
    expect(err.current?.version).toBe(2);
    expect(await stores.generations.get('stale')).toStrictEqual(now);
  });

  it('refuses an update of an unknown job with JobChangedError and no current job, creating nothing', async () => {
    // Act
    const err = await changedError(stores.generations.update('ghost', 1, { polls: 1 }));
    // Assess
    expect(err.current).toBeUndefined();
    expect(await stores.generations.get('ghost')).toBeUndefined();
  });

  it('lets one of two simultaneous updates at the same version win; the other sees the winner', async () => {
    // Prepare
    await stores.generations.create(job('contended'));
    // Act
    const outcomes = await Promise.allSettled([
      stores.generations.update('contended', 1, {
        status: 'CANCELED',
        canceledBy: 'U0A',
        nextPollAt: undefined,
      }),
      stores.generations.update('contended', 1, { polls: 1, nextPollAt: T0 + MIN }),
    ]);
    // Assess
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const stored = await stores.generations.get('contended');
    expect(stored?.version).toBe(2);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(JobChangedError);
    expect(((lost[0] as PromiseRejectedResult).reason as JobChangedError).current).toStrictEqual(stored);
  });

  it('removes the fields set to undefined (the message removes both of its attributes)', async () => {
    // Prepare
    await stores.generations.create(
      job('removing', { error: 'AccessDenied', message: { channel: 'C1', ts: '1.2' }, awsJobId: 'aa-2' }),
    );
    // Act
    const updated = await stores.generations.update('removing', 1, {
      status: 'SUCCEEDED',
      error: undefined,
      message: undefined,
      nextPollAt: undefined,
      completedAt: T0 + MIN,
    });
    // Assess
    const stored = await stores.generations.get('removing');
    expect(stored).toStrictEqual(updated);
    const { nextPollAt: _gone, ...kept } = job('removing', {
      awsJobId: 'aa-2',
      status: 'SUCCEEDED',
      completedAt: T0 + MIN,
    });
    expect(stored).toStrictEqual({ ...kept, version: 2 });
    expect(stored && 'error' in stored).toBe(false);
    expect(stored && 'message' in stored).toBe(false);
    expect(stored && 'nextPollAt' in stored).toBe(false);
  });

  it('refuses to remove a field every job has, or to change one that never changes', async () => {
    // Prepare
    await stores.generations.create(job('fixed'));
    // Act
    const removeStatus = stores.generations.update('fixed', 1, { status: undefined });
    const changeId = stores.generations.update('fixed', 1, { id: 'other' } as never);
    // Assess
    await expect(removeStatus).rejects.toThrow(/status cannot be removed/);
    await expect(changeId).rejects.toThrow(/id cannot be changed/);
    expect((await stores.generations.get('fixed'))?.version).toBe(1);
  });

  it('refuses a write that would leave an open job without nextPollAt (due and openFor would miss it)', async () => {
    // Prepare
    await stores.generations.create(job('open'));
    await stores.generations.create(job('ended', { status: 'FAILED', nextPollAt: undefined }));
    // Act
    const createOpen = stores.generations.create(
      job('no-poll', { status: 'STARTING', nextPollAt: undefined }),
    );
    const dropPoll = stores.generations.update('open', 1, { nextPollAt: undefined });
    const openWithout = stores.generations.update('open', 1, { status: 'STARTING', nextPollAt: undefined });
    const reopen = stores.generations.update('ended', 1, { status: 'IN_PROGRESS' });
    // Assess
    for (const refused of [createOpen, dropPoll, openWithout, reopen]) {
      await expect(refused).rejects.toThrow(/open .* without a nextPollAt/);
      await expect(refused).rejects.not.toBeInstanceOf(JobChangedError);
    }
    expect(await stores.generations.get('no-poll')).toBeUndefined();
    expect((await stores.generations.get('open'))?.version).toBe(1);
    expect((await stores.generations.get('ended'))?.status).toBe('FAILED');
    // …while a stale version still reports the change, not the missing nextPollAt.
    const err = await changedError(stores.generations.update('open', 0, { nextPollAt: undefined }));
    expect(err.current?.version).toBe(1);
  });
});

describe('GenerationJobStore on DynamoDB Local: due jobs', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('generations-due');
    await Promise.all([
      stores.generations.create(job('due-30', { nextPollAt: T0 + 30 * SEC })),
      stores.generations.create(job('due-10', { nextPollAt: T0 + 10 * SEC, status: 'STARTING' })),
      stores.generations.create(job('due-20', { nextPollAt: T0 + 20 * SEC })),
      stores.generations.create(job('later', { nextPollAt: T0 + 10 * MIN })),
      // Ended, even with a nextPollAt left behind: never due.
      stores.generations.create(job('done', { status: 'SUCCEEDED', nextPollAt: T0 + 5 * SEC })),
      stores.generations.create(job('failed', { status: 'FAILED', nextPollAt: undefined })),
    ]);
  });

  it('returns the open jobs due at or before now, soonest first, whole', async () => {
    // Act
    const due = await stores.generations.due(T0 + 30 * SEC);
    // Assess
    expect(ids(due)).toEqual(['due-10', 'due-20', 'due-30']);
    expect(due[1]).toStrictEqual(await stores.generations.get('due-20'));
  });

  it('returns at most `limit` jobs, the soonest', async () => {
    expect(ids(await stores.generations.due(T0 + 30 * SEC, 2))).toEqual(['due-10', 'due-20']);
    expect(ids(await stores.generations.due(T0 + 30 * SEC, 1))).toEqual(['due-10']);
    expect(await stores.generations.due(T0 + 30 * SEC, 0)).toEqual([]);
  });

  it('returns nothing before the first job is due', async () => {
    expect(await stores.generations.due(T0 + 9 * SEC)).toEqual([]);
    expect(ids(await stores.generations.due(T0 + 10 * SEC))).toEqual(['due-10']);
  });

  it('moves a claimed job to its new poll time, and drops a job that ended from the index', async () => {
    // Prepare
    await stores.generations.create(job('moving', { nextPollAt: T0 + 15 * SEC }));
    await stores.generations.create(job('ending', { nextPollAt: T0 + 16 * SEC }));
    await stores.generations.create(job('canceled', { nextPollAt: T0 + 17 * SEC }));
    const before = ids(await stores.generations.due(T0 + 20 * SEC));
    // Act
    await stores.generations.update('moving', 1, { polls: 1, nextPollAt: T0 + 25 * SEC });
    await stores.generations.update('ending', 1, {
      status: 'SUCCEEDED',
      nextPollAt: undefined,
      completedAt: T0 + 16 * SEC,
    });
    // A status that ends the job is enough, even if nextPollAt stays.
    await stores.generations.update('canceled', 1, { status: 'CANCELED', canceledBy: 'U0X' });
    // Assess
    expect(before).toEqual(['due-10', 'moving', 'ending', 'canceled', 'due-20']);
    expect(ids(await stores.generations.due(T0 + 20 * SEC))).toEqual(['due-10', 'due-20']);
    expect(ids(await stores.generations.due(T0 + 30 * SEC))).toEqual([
      'due-10',
      'due-20',
      'moving',
      'due-30',
    ]);
    expect((await stores.generations.get('canceled'))?.nextPollAt).toBe(T0 + 17 * SEC);
  });
});

describe('GenerationJobStore on DynamoDB Local: the poll index itself', () => {
  it('is a sparse GSI (pollQueue, nextPollAt), all attributes, holding exactly the open jobs', async () => {
    // Prepare
    const stores = await testStores('generations-index');
    const ddb = testDynamoDb();
    const table = stores.tableNames.find((n) => n.endsWith('policy-generations')) as string;
    await Promise.all([
      stores.generations.create(job('polled')),
      stores.generations.create(job('starting', { status: 'STARTING', nextPollAt: T0 + MIN })),
      stores.generations.create(job('succeeds')),
      stores.generations.create(job('cancels')),
      stores.generations.create(job('born-ended', { status: 'FAILED', nextPollAt: T0 })),
    ]);
    // Act
    await stores.generations.update('succeeds', 1, { status: 'SUCCEEDED', nextPollAt: undefined });
    await stores.generations.update('cancels', 1, { status: 'CANCELED' });
    await stores.generations.update('polled', 1, { polls: 1, nextPollAt: T0 + 2 * MIN });
    const described = await ddb.send(new DescribeTableCommand({ TableName: table }));
    const indexed = await ddb.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'pollDueIndex',
        KeyConditionExpression: 'pollQueue = :q',
        ExpressionAttributeValues: { ':q': { S: 'open' } },
      }),
    );
    const canceled = await ddb.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: 'cancels' } }, ConsistentRead: true }),
    );
    // Assess
    const gsi = described.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'pollDueIndex');
    expect(gsi?.KeySchema).toEqual([
      { AttributeName: 'pollQueue', KeyType: 'HASH' },
      { AttributeName: 'nextPollAt', KeyType: 'RANGE' },
    ]);
    expect(gsi?.Projection?.ProjectionType).toBe('ALL');
    expect(described.Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pollQueue', AttributeType: 'S' },
        { AttributeName: 'nextPollAt', AttributeType: 'N' },
      ]),
    );
    expect(indexed.Items?.map((i) => i.id?.S)).toEqual(['starting', 'polled']);
    expect(indexed.Items?.[1]?.version).toEqual({ N: '2' });
    expect(canceled.Item?.pollQueue).toBeUndefined();
    expect(canceled.Item?.nextPollAt).toEqual({ N: String(T0 + 3 * SEC) });
  });
});

describe('GenerationJobStore on DynamoDB Local: due limit by default', () => {
  it('returns 25 due jobs when no limit is given', async () => {
    // Prepare
    const stores = await testStores('generations-limit');
    await Promise.all(
      Array.from({ length: 27 }, (_, i) =>
        stores.generations.create(job(`j-${String(i).padStart(2, '0')}`, { nextPollAt: T0 + i })),
      ),
    );
    // Act
    const due = await stores.generations.due(T0 + MIN);
    // Assess
    expect(ids(due)).toEqual(Array.from({ length: 25 }, (_, i) => `j-${String(i).padStart(2, '0')}`));
    expect(await stores.generations.due(T0 + MIN, 30)).toHaveLength(27);
  });
});

describe('GenerationJobStore on DynamoDB Local: the open job of a principal', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await testStores('generations-open');
    await Promise.all([
      stores.generations.create(
        job('old-app', { principal: { kind: 'role', name: 'AppRole' }, createdAt: T0 }),
      ),
      stores.generations.create(
        job('new-app', {
          principal: { kind: 'role', name: 'AppRole', arn: 'arn:aws:iam::111122223333:role/AppRole' },
          createdAt: T0 + MIN,
          status: 'STARTING',
          nextPollAt: T0 + 10 * MIN,
        }),
      ),
      stores.generations.create(
        job('newest-app-done', {
          principal: { kind: 'role', name: 'AppRole' },
          createdAt: T0 + 2 * MIN,
          status: 'SUCCEEDED',
          nextPollAt: undefined,
        }),
      ),
      stores.generations.create(job('user-app', { principal: { kind: 'user', name: 'Deployer' } })),
      stores.generations.create(
        job('ended-only', {
          principal: { kind: 'role', name: 'Batch' },
          status: 'TIMED_OUT',
          nextPollAt: undefined,
        }),
      ),
    ]);
  });

  it('finds the most recent open job of that kind and name, names compared case-insensitively', async () => {
    // Act
    const exact = await stores.generations.openFor('role', 'AppRole');
    const otherCase = await stores.generations.openFor('role', 'approle');
    // Assess
    expect(exact).toStrictEqual(await stores.generations.get('new-app'));
    expect(otherCase?.id).toBe('new-app');
    expect((await stores.generations.openFor('user', 'DEPLOYER'))?.id).toBe('user-app');
  });

  it('ignores ended jobs, jobs of the other kind and other names', async () => {
    expect(await stores.generations.openFor('role', 'Batch')).toBeUndefined();
    expect(await stores.generations.openFor('user', 'AppRole')).toBeUndefined();
    expect(await stores.generations.openFor('role', 'Deployer')).toBeUndefined();
    expect(await stores.generations.openFor('role', 'AppRole2')).toBeUndefined();
  });

  it('stops finding a job once it ended, and finds the next open one of that principal', async () => {
    // Prepare
    await stores.generations.create(
      job('short', { principal: { kind: 'user', name: 'Short' }, status: 'STARTING', nextPollAt: T0 }),
    );
    const found = await stores.generations.openFor('user', 'SHORT');
    // Act
    await stores.generations.update('short', 1, {
      status: 'FAILED',
      error: 'NoSuchEntity',
      nextPollAt: undefined,
    });
    await stores.generations.update('new-app', 1, { status: 'CANCELED', nextPollAt: undefined });
    // Assess
    expect(found?.id).toBe('short');
    expect(await stores.generations.openFor('user', 'Short')).toBeUndefined();
    expect((await stores.generations.openFor('role', 'AppRole'))?.id).toBe('old-app');
  });
});
