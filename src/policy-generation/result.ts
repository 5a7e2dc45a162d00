/**
 * From a SUCCEEDED generation job to what people see: the policies as readable JSON, the summary (services,
 * actions, placeholders), ValidatePolicy's findings for every part, and the gap (what the role's policies grant
 * today that it did not use). A step that cannot run (ValidatePolicy denied, the role's policies unreadable)
 * becomes a note instead of failing the result: the policy is still worth showing.
 */
import type { PolicyAttacher } from '../aws/iam-policies';
import type { GenerationJob, PolicyGenerator, PolicyValidation } from '../aws/policy-generation';
import { AppError, errorMessage } from '../errors';
import { policyGap } from './gap';
import type { GenerationResult, JobPrincipal } from './job';
import { formatPolicy, summarizeGeneratedPolicy } from './summary';

export interface ResultDeps {
  generator: Pick<PolicyGenerator, 'validate'>;
  attacher: Pick<PolicyAttacher, 'attachedPolicies'>;
}

const why = (err: unknown) => (err instanceof AppError ? err.userMessage : errorMessage(err));

/** ValidatePolicy on every part, findings merged in part order. */
export async function validateAll(
  generator: Pick<PolicyGenerator, 'validate'>,
  policies: readonly string[],
): Promise<PolicyValidation> {
  const merged: PolicyValidation = { errors: [], securityWarnings: [], warnings: [], suggestions: [] };
  for (const policy of policies) {
    const v = await generator.validate(policy);
    merged.errors.push(...v.errors);
    merged.securityWarnings.push(...v.securityWarnings);
    merged.warnings.push(...v.warnings);
    merged.suggestions.push(...v.suggestions);
  }
  return merged;
}

/**
 * @throws PolicyDocumentError when Access Analyzer returned something that is not an IAM policy (the job is
 * then reported FAILED by the caller).
 */
export async function buildResult(
  principal: JobPrincipal,
  job: GenerationJob,
  deps: ResultDeps,
): Promise<GenerationResult> {
  const policies = (job.policies ?? []).map((p) => formatPolicy(p));
  const summary = summarizeGeneratedPolicy(policies);
  const notes: string[] = [];
  const result: GenerationResult = { policies, summary, notes };
  if (job.isComplete === false) result.incomplete = true;
  if (policies.length === 0) {
    notes.push('Access Analyzer found no activity for this principal in the window: the policy is empty.');
    return result;
  }
  try {
    result.validation = await validateAll(deps.generator, policies);
  } catch (err) {
    notes.push(`ValidatePolicy could not run: ${why(err)}`);
  }
  if (principal.kind !== 'role') {
    notes.push('The gap with the current policies is computed for roles only.');
    return result;
  }
  try {
    const granted = await deps.attacher.attachedPolicies(principal.name);
    result.attached = granted.flatMap((p) =>
      p.kind === 'managed' ? [{ name: p.name, arn: p.arn, awsManaged: p.awsManaged }] : [],
    );
    result.gap = policyGap(
      granted.map((p) => ({ name: p.name, document: p.document })),
      summary.actions,
    );
  } catch (err) {
    notes.push(`The role's current policies could not be read, so the gap is unknown: ${why(err)}`);
  }
  return result;
}
