/**
 * Access Analyzer archive rules over SDK v3: CreateArchiveRule, ApplyArchiveRule, DeleteArchiveRule,
 * ListArchiveRules, and ListFindingsV2 to count what a rule would archive. SDK errors become AppErrors here.
 * IAM actions: access-analyzer:CreateArchiveRule, ApplyArchiveRule, DeleteArchiveRule, ListArchiveRules,
 * ListFindings (ListFindingsV2).
 * A ConflictException on create is looked up: when the caller says a previous attempt of the same execution
 * may have created the rule (`adoptIdentical`) and it has the same filter, that is success; otherwise it is a
 * clear error naming whether the criteria differ. A delete of a rule that is gone succeeds.
 * @example
 *   const rules = createArchiveRuleGateway(aws.accessAnalyzer);
 *   await rules.create('MyAnalyzer', 'alice-audit', filter, requestId, { adoptIdentical: false });
 *   await rules.apply(analyzerArn, 'alice-audit', requestId);
 */
import {
  type AccessAnalyzerClient,
  ApplyArchiveRuleCommand,
  CreateArchiveRuleCommand,
  DeleteArchiveRuleCommand,
  paginateListArchiveRules,
  paginateListFindingsV2,
} from '@aws-sdk/client-accessanalyzer';
import { sameFilter, type RuleFilter } from '../archive-rules/criteria';
import type { ArchiveRuleGateway, ArchiveRuleSummary, MatchCount } from '../archive-rules/ports';
import { AppError, AwsCallError } from '../errors';
import { translateAwsError } from './access-analyzer';

/** Counting stops here (ListFindingsV2 pages of 100): the preview says "at least". */
export const COUNT_CAP = 1000;

/** The IAM action behind an operation (ListFindingsV2 is authorised as ListFindings). */
const IAM_ACTION: Record<string, string> = { ListFindingsV2: 'ListFindings' };

/** An archive rule Access Analyzer has under this name that this request did not create. */
export class ArchiveRuleConflictError extends AppError {
  constructor(ruleName: string, analyzerName: string, sameCriteria = false) {
    super(
      'archive_rule_conflict',
      `archive rule ${ruleName} exists on ${analyzerName}${sameCriteria ? '' : ' with another filter'}`,
      sameCriteria
        ? `An archive rule named \`${ruleName}\` already exists on analyzer \`${analyzerName}\` (created outside this request, e.g. in the console); nothing changed. Create the rule under another name, or keep the one that is there.`
        : `An archive rule named \`${ruleName}\` already exists on analyzer \`${analyzerName}\` with other criteria; nothing changed. Create the rule under another name.`,
    );
    this.name = 'ArchiveRuleConflictError';
  }
}

/** Translates an SDK error of an archive-rule call into an AppError a person can act on. */
export function translateArchiveRuleError(
  operation: string,
  err: unknown,
  what: { analyzer: string; ruleName?: string },
): Error {
  const e = err as { name?: string; message?: string };
  const rule = what.ruleName ? `archive rule \`${what.ruleName}\` on ` : '';
  switch (e?.name) {
    case 'AccessDeniedException':
      return new AwsCallError(
        operation,
        e.name,
        `The bot's AWS role is not allowed to call Access Analyzer ${operation} (AccessDenied); nothing changed. Ask the team that runs the bot to grant access-analyzer:${IAM_ACTION[operation] ?? operation}.`,
        { cause: err },
      );
    case 'ResourceNotFoundException':
      return new AwsCallError(
        operation,
        e.name,
        `Access Analyzer does not know ${rule}analyzer \`${what.analyzer}\` (${operation}); nothing changed.`,
        { cause: err },
      );
    case 'ValidationException':
      return new AwsCallError(
        operation,
        e.name,
        `Access Analyzer refused ${rule || 'the request for '}analyzer \`${what.analyzer}\` (${operation}): ${e.message ?? 'validation error'}`,
        { cause: err },
      );
    case 'ServiceQuotaExceededException':
      return new AwsCallError(
        operation,
        e.name,
        `Analyzer \`${what.analyzer}\` has as many archive rules as its quota allows; nothing changed. Delete a rule, or raise the quota in Service Quotas.`,
        { cause: err },
      );
    default:
      return translateAwsError(operation, err);
  }
}

export function createArchiveRuleGateway(client: AccessAnalyzerClient): ArchiveRuleGateway {
  async function list(analyzerName: string): Promise<ArchiveRuleSummary[]> {
    const rules: ArchiveRuleSummary[] = [];
    try {
      for await (const page of paginateListArchiveRules({ client, pageSize: 100 }, { analyzerName })) {
        for (const r of page.archiveRules ?? []) {
          if (r.ruleName) rules.push({ ruleName: r.ruleName, filter: (r.filter ?? {}) as RuleFilter });
        }
      }
    } catch (err) {
      throw translateArchiveRuleError('ListArchiveRules', err, { analyzer: analyzerName });
    }
    return rules;
  }

  /** How many ACTIVE findings match, up to the cap. */
  async function count(analyzerArn: string, filter: RuleFilter): Promise<{ n: number; capped: boolean }> {
    let n = 0;
    try {
      const pages = paginateListFindingsV2(
        { client, pageSize: 100 },
        { analyzerArn, filter: { ...filter, status: { eq: ['ACTIVE'] } } },
      );
      for await (const page of pages) {
        n += page.findings?.length ?? 0;
        if (n >= COUNT_CAP) return { n: COUNT_CAP, capped: true };
      }
    } catch (err) {
      throw translateArchiveRuleError('ListFindingsV2', err, { analyzer: analyzerArn });
    }
    return { n, capped: false };
  }

  return {
    list,

    async create(analyzerName, ruleName, filter, clientToken, options) {
      try {
        await client.send(new CreateArchiveRuleCommand({ analyzerName, ruleName, filter, clientToken }));
      } catch (err) {
        if ((err as { name?: string })?.name !== 'ConflictException') {
          throw translateArchiveRuleError('CreateArchiveRule', err, { analyzer: analyzerName, ruleName });
        }
        // Only a retried execution may take the rule it finds as its own, and only with the same criteria.
        const existing = (await list(analyzerName)).find((r) => r.ruleName === ruleName);
        const same = existing !== undefined && sameFilter(existing.filter, filter);
        if (!(same && options.adoptIdentical))
          throw new ArchiveRuleConflictError(ruleName, analyzerName, same);
      }
    },

    // Through ListArchiveRules (already needed): no extra IAM action for GetArchiveRule.
    async get(analyzerName, ruleName) {
      return (await list(analyzerName)).find((r) => r.ruleName === ruleName);
    },

    async apply(analyzerArn, ruleName, clientToken) {
      try {
        await client.send(new ApplyArchiveRuleCommand({ analyzerArn, ruleName, clientToken }));
      } catch (err) {
        throw translateArchiveRuleError('ApplyArchiveRule', err, { analyzer: analyzerArn, ruleName });
      }
    },

    async delete(analyzerName, ruleName, clientToken) {
      try {
        await client.send(new DeleteArchiveRuleCommand({ analyzerName, ruleName, clientToken }));
      } catch (err) {
        // Already gone (a retried execution, or deleted in the console): the goal is reached.
        if ((err as { name?: string })?.name === 'ResourceNotFoundException') {
          const stillThere = (await list(analyzerName)).some((r) => r.ruleName === ruleName);
          if (!stillThere) return;
        }
        throw translateArchiveRuleError('DeleteArchiveRule', err, { analyzer: analyzerName, ruleName });
      }
    },

    async countMatches(analyzerArn, filter): Promise<MatchCount> {
      const active = await count(analyzerArn, filter);
      const pub = filter.isPublic?.eq;
      // A filter that fixes isPublic answers the public count itself; otherwise ask once more.
      const publicCount =
        pub && pub.length === 1
          ? { n: pub[0] === 'true' ? active.n : 0, capped: false }
          : await count(analyzerArn, { ...filter, isPublic: { eq: ['true'] } });
      return { active: active.n, public: publicCount.n, capped: active.capped };
    },
  };
}
