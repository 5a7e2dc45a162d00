/**
 * The `archive-rule` remedy against the AWS stand-in (real AccessAnalyzerClient) and DynamoDB Local: the
 * SENSITIVE_ACCOUNTS check decided from the rule's filter, names taken in the store or in Access Analyzer,
 * adopting an identical rule only on a retry of the same execution, and deletes that leave a newer rule alone.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import type { Remedy } from '../../../src/approvals/ports';
import type { ApprovalPolicy } from '../../../src/approvals/types';
import { defaultRuleForm } from '../../../src/archive-rules/criteria';
import type { ArchiveRuleGateway, ArchiveRuleStore } from '../../../src/archive-rules/ports';
import { createArchiveRuleRemedy } from '../../../src/archive-rules/remedy';
import { createArchiveRuleGateway } from '../../../src/aws/archive-rules';
import { AppError } from '../../../src/errors';
import type { FindingRecord } from '../../../src/findings/ports';
import { createAwsStandin, type AwsStandin } from '../../../src/sandbox/aws-standin';
import type { Stores } from '../../../src/store';
import { filePolicy } from '../../unit/approvals/fixtures';
import { clientConfig, closeAll, failureOf } from '../../unit/sandbox/aws-standin/helpers';
import { aliceRoleFinding } from '../../fixtures/findings';
import { testStores } from '../../helpers/ddb';

const SENSITIVE = '111122223333'; // the fixture policy's sensitive_accounts
const OTHER = '444455556666';
const DAY = new Date('2026-11-23T10:00:00Z');

describe('the archive-rule remedy', () => {
  let aws: AwsStandin;
  let client: AccessAnalyzerClient;
  let gateway: ArchiveRuleGateway;
  let stores: Stores;
  let analyzerArn: string;
  let record: FindingRecord;
  let n = 0;

  beforeAll(async () => {
    stores = await testStores('archive-rule-remedy');
  });
  beforeEach(async () => {
    aws = await createAwsStandin({ analysisDelayMs: 0 });
    client = new AccessAnalyzerClient(clientConfig(aws, { maxAttempts: 1 }));
    analyzerArn = aws.accessAnalyzer.addAnalyzer({ name: `Analyzer${++n}` }).arn;
    gateway = createArchiveRuleGateway(client);
    record = {
      finding: aliceRoleFinding({ analyzerArn, accountId: OTHER }),
      updatedAtMs: 0,
      suppressed: false,
      syncAttempts: 0,
    };
  });
  afterEach(() => closeAll(aws, client));

  const remedyWith = (over: { store?: ArchiveRuleStore; policy?: ApprovalPolicy } = {}): Remedy =>
    createArchiveRuleRemedy({
      gateway,
      store: over.store ?? stores.archiveRules,
      clock: { now: () => Date.now() },
      policy: over.policy ?? { ...filePolicy(), sensitiveAccounts: [] },
    });
  const createParams = (over: Record<string, unknown> = {}) => ({
    op: 'create',
    ...defaultRuleForm(record.finding, DAY),
    ownerAccount: OTHER,
    ...over,
  });
  const analyzer = () => analyzerArn.slice(analyzerArn.lastIndexOf('/') + 1);
  const approved = (id: string, plan: Record<string, unknown>) => ({
    id,
    requester: 'U0ONCALL',
    approvers: ['U0SEC1'],
    plan,
  });
  /** Plans and applies a create as request `id`. */
  async function created(remedy: Remedy, id: string, params = createParams()) {
    remedy.check(record, params);
    return remedy.apply(record, approved(id, await remedy.plan(record, params)));
  }
  const userMessage = async (p: Promise<unknown>) => (await failureOf<AppError>(p)).userMessage;

  describe('SENSITIVE_ACCOUNTS, decided from the rule (finding 2)', () => {
    const policy = () => filePolicy(); // sensitive: 111122223333

    it('asks for the owner account typed when it was edited to a sensitive one, though the finding is not', () => {
      const remedy = remedyWith({ policy: policy() });
      const edited = createParams({ ownerAccount: SENSITIVE });
      expect(() => remedy.check(record, edited)).toThrow(/sensitive account 111122223333/);
      expect(() => remedy.check(record, { ...edited, confirmedAccounts: [OTHER] })).toThrow(AppError);
      expect(() => remedy.check(record, { ...edited, confirmedAccounts: [SENSITIVE] })).not.toThrow();
      expect(() => remedy.check(record, createParams())).not.toThrow();
    });

    it('refuses a rule without an owner account, and asks for a sensitive finding’s account even when the owner was edited', () => {
      const remedy = remedyWith({ policy: policy() });
      expect(() => remedy.check(record, createParams({ ownerAccount: '' }))).toThrow(
        /Name the resource owner account/,
      );
      const sensitive = { ...record, finding: { ...record.finding, accountId: SENSITIVE } };
      expect(() => remedy.check(sensitive, createParams({ ownerAccount: OTHER }))).toThrow(
        /not this finding's account id/,
      );
      expect(() =>
        remedy.check(sensitive, createParams({ ownerAccount: OTHER, confirmedAccounts: [SENSITIVE] })),
      ).not.toThrow();
    });
  });

  describe('names taken in the store or in Access Analyzer (finding 5)', () => {
    it('refuses in the plan a name the store holds live, saying when Access Analyzer no longer has it', async () => {
      // Prepare: a rule the bot created, then deleted in the console
      const remedy = remedyWith();
      await created(remedy, 'req-first', createParams({ ruleName: 'taken-rule' }));
      // Act / Assess
      expect(await userMessage(remedy.plan(record, createParams({ ruleName: 'taken-rule' })))).toMatch(
        /already has a live archive rule named `taken-rule`.*nothing changed/,
      );
      await gateway.delete(analyzer(), 'taken-rule', 'console');
      expect(await userMessage(remedy.plan(record, createParams({ ruleName: 'taken-rule' })))).toMatch(
        /Access Analyzer no longer has it.*Delete it with `\/iam-findings rules`/,
      );
    });

    it('refuses at apply when another request recorded the name after the plan; nothing changes', async () => {
      // Prepare: a plan, then another request's rule of that name is recorded
      const remedy = remedyWith();
      const params = createParams({ ruleName: 'raced-rule' });
      const plan = await remedy.plan(record, params);
      await created(remedy, 'req-other', params);
      const calls = aws.callsTo('CreateArchiveRule').length;
      // Act
      const message = await userMessage(remedy.apply(record, approved('req-late', plan)));
      // Assess
      expect(message).toMatch(/already has a live archive rule named `raced-rule`/);
      expect(aws.callsTo('CreateArchiveRule')).toHaveLength(calls);
      expect((await stores.archiveRules.get(analyzerArn, 'raced-rule'))?.requestId).toBe('req-other');
    });

    it('does not adopt an identical rule created outside the bot after the plan', async () => {
      // Prepare
      const remedy = remedyWith();
      const params = createParams({ ruleName: 'console-rule' });
      const plan = await remedy.plan(record, params);
      await gateway.create(analyzer(), 'console-rule', plan.filter as never, 'console', {
        adoptIdentical: false,
      });
      // Act
      const message = await userMessage(remedy.apply(record, approved('req-console', plan)));
      // Assess: refused, nothing recorded, and the name is not held by a marker
      expect(message).toMatch(/already exists on analyzer .*created outside this request.*nothing changed/);
      expect(await stores.archiveRules.get(analyzerArn, 'console-rule')).toBeUndefined();
      await expect(
        stores.archiveRules.markPending(analyzerArn, 'console-rule', 'req-next', Date.now()),
      ).resolves.toEqual({ resumed: false });
    });

    it('succeeds on a retry of the same execution after a crash between CreateArchiveRule and the record', async () => {
      // Prepare: the first attempt's record fails (the process dies there)
      let crash = true;
      const flaky: ArchiveRuleStore = {
        ...stores.archiveRules,
        recordCreated: async (rule) => {
          if (crash) {
            crash = false;
            throw new Error('crashed before the record');
          }
          return stores.archiveRules.recordCreated(rule);
        },
      };
      const remedy = remedyWith({ store: flaky });
      const params = createParams({ ruleName: 'retried-rule' });
      const plan = await remedy.plan(record, params);
      await expect(remedy.apply(record, approved('req-retry', plan))).rejects.toThrow(/crashed/);
      expect(aws.archiveRules.list(analyzerArn).map((r) => r.ruleName)).toEqual(['retried-rule']);
      // Act: the execution runs again
      const result = await remedy.apply(record, approved('req-retry', plan));
      // Assess
      expect(result.summary).toContain('Archive rule `retried-rule` created');
      expect(aws.archiveRules.list(analyzerArn)).toHaveLength(1);
      expect((await stores.archiveRules.get(analyzerArn, 'retried-rule'))?.requestId).toBe('req-retry');
    });
  });

  describe('deletes that find a newer rule (finding 4)', () => {
    async function deletePlan(remedy: Remedy, ruleName: string) {
      return remedy.plan(record, { op: 'delete', analyzerArn, ruleName });
    }

    it('refuses a stale delete once the name belongs to a newer rule of another request', async () => {
      // Prepare: rule v1, a delete request for it; meanwhile v1 is deleted and v2 created under the name
      const remedy = remedyWith();
      const params = createParams({ ruleName: 'reused-rule' });
      await created(remedy, 'req-v1', params);
      const stale = await deletePlan(remedy, 'reused-rule');
      expect(stale.ruleRequestId).toBe('req-v1');
      await remedy.apply(record, approved('del-1', await deletePlan(remedy, 'reused-rule')));
      await created(remedy, 'req-v2', params);
      // Act
      const message = await userMessage(remedy.apply(record, approved('del-stale', stale)));
      // Assess: v2 stays, in AWS and in the store
      expect(message).toMatch(/no longer the rule this deletion was requested for.*nothing deleted/);
      expect(aws.archiveRules.list(analyzerArn).map((r) => r.ruleName)).toEqual(['reused-rule']);
      expect(await stores.archiveRules.get(analyzerArn, 'reused-rule')).toMatchObject({
        requestId: 'req-v2',
      });
      expect((await stores.archiveRules.get(analyzerArn, 'reused-rule'))?.deletedAt).toBeUndefined();
    });

    it('refuses to delete a rule of that name with other criteria (re-created outside the bot)', async () => {
      // Prepare
      const remedy = remedyWith();
      await created(remedy, 'req-c1', createParams({ ruleName: 'changed-rule' }));
      const plan = await deletePlan(remedy, 'changed-rule');
      await gateway.delete(analyzer(), 'changed-rule', 'console');
      await gateway.create(analyzer(), 'changed-rule', { isPublic: { eq: ['true'] } }, 'console', {
        adoptIdentical: false,
      });
      // Act
      const message = await userMessage(remedy.apply(record, approved('del-c1', plan)));
      // Assess
      expect(message).toMatch(/other criteria than the rule the bot created.*nothing deleted/);
      expect(aws.archiveRules.list(analyzerArn)).toHaveLength(1);
      expect((await stores.archiveRules.get(analyzerArn, 'changed-rule'))?.deletedAt).toBeUndefined();
    });

    it('deletes the same rule, and closes the record of one already gone from Access Analyzer', async () => {
      const remedy = remedyWith();
      await created(remedy, 'req-d1', createParams({ ruleName: 'plain-rule' }));
      await created(remedy, 'req-d2', createParams({ ruleName: 'gone-rule' }));
      await gateway.delete(analyzer(), 'gone-rule', 'console');
      const plainPlan = await deletePlan(remedy, 'plain-rule');
      const plain = await remedy.apply(record, approved('del-d1', plainPlan));
      const gone = await remedy.apply(record, approved('del-d2', await deletePlan(remedy, 'gone-rule')));
      expect(plain.summary).toContain('Archive rule `plain-rule` deleted');
      expect(gone.summary).toContain('Access Analyzer no longer had it');
      expect(aws.archiveRules.list(analyzerArn)).toEqual([]);
      expect((await stores.archiveRules.get(analyzerArn, 'gone-rule'))?.deleteRequestId).toBe('del-d2');
      // A retry of the executed delete (same request, same plan) succeeds and changes nothing.
      await expect(remedy.apply(record, approved('del-d1', plainPlan))).resolves.toMatchObject({
        summary: expect.stringContaining('`plain-rule` deleted'),
      });
    });
  });
});
