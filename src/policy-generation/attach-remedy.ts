/**
 * The `attach-policy` remedy: what the approval workflow runs for "Request attach" on a generated policy, and
 * for "Revert detach". Both go through the `attach-policy` chain. The request is about the generation job (its
 * message's thread shows it; the decision log keys it `policy-generation:<job id>`), not a finding.
 * - attach (params `{ op: 'attach', jobId, values, detach }`): check = the params are well formed; plan = the
 *   job is a role's SUCCEEDED generation with nothing attached yet, the placeholders filled (every one, each
 *   value checked, see ./placeholders), each part within the 6,144-character managed-policy limit, ValidatePolicy
 *   run again on the filled policy (any error refuses the request), and every policy chosen to detach still
 *   attached to the role (read again); apply = CreatePolicy for each part (named by ./names; an identical policy
 *   of that name is reused, so a retry creates nothing twice), AttachRolePolicy, then DetachRolePolicy for the
 *   chosen ones, and the attachment is recorded on the job (what a revert needs).
 * - revert (params `{ op: 'revert', jobId }`): the policies the attach detached are attached again (the new
 *   least-privilege policy stays: it grants nothing they do not). Idempotent, like attach.
 * IAM: iam:CreatePolicy, iam:ListPolicies, iam:GetPolicy, iam:GetPolicyVersion, iam:AttachRolePolicy,
 * iam:DetachRolePolicy, iam:ListAttachedRolePolicies, iam:ListRolePolicies, iam:GetRolePolicy,
 * access-analyzer:ValidatePolicy.
 */
import { z } from 'zod';
import type { RemedyRequest, SubjectRemedy } from '../approvals/ports';
import type { PolicyAttacher } from '../aws/iam-policies';
import type { PolicyGenerator } from '../aws/policy-generation';
import type { ValidationNote } from '../aws/policy-generation';
import { AppError, AwsCallError, errorMessage } from '../errors';
import type { Clock } from '../findings/ports';
import type { GenerationJobRecord } from './job';
import { leastPrivilegePolicyName } from './names';
import { fillPlaceholders } from './placeholders';
import { JobChangedError, type GenerationJobStore } from './ports';
import { PolicyNameTakenError } from '../aws/iam-policies';
import { validateAll } from './result';

/** IAM's limit for a managed policy document, whitespace not counted. */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** Most values one placeholder may take (each multiplies the ARNs written). */
export const MAX_VALUES_PER_PLACEHOLDER = 20;

export interface AttachRemedyDeps {
  store: GenerationJobStore;
  attacher: PolicyAttacher;
  generator: Pick<PolicyGenerator, 'validate'>;
  clock: Clock;
  /** Re-renders the job's message once an attach or revert changed it. */
  refresh(jobId: string): Promise<void>;
}

const attachParams = z.object({
  op: z.literal('attach'),
  jobId: z.string().min(1).max(100),
  values: z.record(z.string().max(100), z.array(z.string().max(2048)).max(MAX_VALUES_PER_PLACEHOLDER)),
  detach: z.array(z.string().max(2048)).max(10),
});
const revertParams = z.object({ op: z.literal('revert'), jobId: z.string().min(1).max(100) });
const params = z.discriminatedUnion('op', [attachParams, revertParams]);
export type AttachPolicyParams = z.infer<typeof params>;

/** The plan approvers see and `apply` runs (stored on the request). */
export interface AttachPolicyPlan {
  kind: 'attach-policy';
  op: 'attach' | 'revert';
  label: string;
  target: string;
  diff: string;
  notes: string[];
  jobId: string;
  roleName: string;
  /** attach: the managed policies to create and attach, in part order. */
  policies: { name: string; document: string }[];
  /** attach: to detach in the same change; revert: to attach again. */
  detach: { name: string; arn: string }[];
}

class AttachRefusedError extends AppError {
  constructor(message: string) {
    super('attach_refused', message, message);
    this.name = 'AttachRefusedError';
  }
}

function parse(raw: unknown): AttachPolicyParams {
  const r = params.safeParse(raw ?? {});
  if (!r.success)
    throw new AttachRefusedError('This attach request is incomplete; start it again from the policy.');
  return r.data;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const WILDCARD = /[*?]/;

/**
 * What the requester typed, one line per placeholder, wildcards called out: approvers see exactly what was
 * put into the generated policy (shown in full on the policy message) even when the diff is too long to show.
 */
function valueNotes(values: Record<string, string[]>): string[] {
  return Object.entries(values)
    .filter(([, list]) => list.length > 0)
    .map(([name, list]) => {
      const wild = list.some((v) => WILDCARD.test(v));
      // Typed values go in code spans (backticks replaced): shown as typed, never as markup or a mention.
      const typed = list.map((v) => `\`${v.replace(/`/g, 'ˋ')}\``).join(', ');
      return `Filled in: ${name} = ${typed}${wild ? ' ⚠️ wildcard: matches more than one resource' : ''}`;
    });
}

const noteLine = (n: ValidationNote) => `⚠️ ${n.issueCode}: ${n.findingDetails}`.slice(0, 400);
const userList = (ids: readonly string[]) =>
  ids.map((a) => `<@${a}>`).join(', ') || 'nobody (no approval needed)';

export function createAttachPolicyRemedy(deps: AttachRemedyDeps): SubjectRemedy {
  const { store, attacher, generator, clock } = deps;

  const loadJob = async (jobId: string): Promise<GenerationJobRecord> => {
    const job = await store.get(jobId);
    if (!job) throw new AttachRefusedError('The bot has no record of this policy generation.');
    return job;
  };

  async function planAttach(p: Extract<AttachPolicyParams, { op: 'attach' }>): Promise<AttachPolicyPlan> {
    const job = await loadJob(p.jobId);
    const { result } = job;
    if (job.status !== 'SUCCEEDED' || !result) {
      throw new AttachRefusedError('Only a generated policy can be attached; this generation has no result.');
    }
    if (job.principal.kind !== 'role' || !job.principal.arn) {
      throw new AttachRefusedError(
        'Attaching is for roles: for an IAM user, create the policy from the JSON and attach it yourself.',
      );
    }
    if (job.attachment) {
      throw new AttachRefusedError(
        `This policy was attached already (request \`${job.attachment.requestId}\`); nothing requested.`,
      );
    }
    if (result.policies.length === 0)
      throw new AttachRefusedError('The generated policy is empty: nothing to attach.');
    const filled: string[] = [];
    for (const [i, policy] of result.policies.entries()) {
      const fill = fillPlaceholders(policy, p.values);
      if (!fill.ok) {
        const problems = Object.values(fill.errors).join(' ');
        throw new AttachRefusedError(`The policy cannot be attached yet: ${problems}`);
      }
      const compact = JSON.stringify(fill.policy);
      if (compact.length > MANAGED_POLICY_MAX_CHARS) {
        throw new AttachRefusedError(
          `Filled in, part ${i + 1} of the policy is ${compact.length} characters, over IAM's ${MANAGED_POLICY_MAX_CHARS}-character limit for a managed policy. Use wildcards or fewer values.`,
        );
      }
      filled.push(JSON.stringify(fill.policy, null, 2));
    }
    const validation = await validateAll(generator, filled);
    if (validation.errors.length > 0) {
      const list = validation.errors.map((e) => `${e.issueCode}: ${e.findingDetails}`).join('; ');
      throw new AttachRefusedError(
        `ValidatePolicy reports errors in the filled policy, so it cannot be attached: ${list}`,
      );
    }
    const roleName = job.principal.name;
    const attached = await attacher.attachedPolicies(roleName);
    const detach = p.detach.map((arn) => {
      const found = attached.find((a) => a.kind === 'managed' && a.arn === arn);
      if (!found) {
        throw new AttachRefusedError(
          `\`${arn}\` is no longer attached to role \`${roleName}\`; choose the policies to detach again.`,
        );
      }
      return { name: found.name, arn };
    });
    const generatedAt = new Date(job.completedAt ?? clock.now());
    const policies = filled.map((document, i) => ({
      name: leastPrivilegePolicyName(roleName, generatedAt, { part: i + 1, parts: filled.length }),
      document,
    }));
    const created = new Set(policies.map((pol) => pol.name.toLowerCase()));
    const clash = detach.find((d) => created.has(d.name.toLowerCase()));
    if (clash) {
      throw new AttachRefusedError(
        `\`${clash.name}\` is the policy this request would attach: it cannot be detached in the same change.`,
      );
    }
    const warnings = validation.securityWarnings.length + validation.warnings.length;
    return {
      kind: 'attach-policy',
      op: 'attach',
      label: 'Attach least-privilege policy',
      target: job.principal.arn,
      diff: [
        ...policies.flatMap((pol) => [
          `+ managed policy ${pol.name}`,
          ...pol.document.split('\n').map((l) => `+   ${l}`),
        ]),
        ...detach.map((d) => `- detach ${d.name} (${d.arn})`),
      ].join('\n'),
      notes: [
        `Generated from ${job.days} days of CloudTrail activity of role ${roleName} (${plural(result.summary.actions.length, 'action')} in ${plural(result.summary.services.length, 'service')}).`,
        ...(result.incomplete ? ['Access Analyzer says the policy may not cover all the activity.'] : []),
        ...valueNotes(p.values),
        warnings > 0
          ? `ValidatePolicy on the filled policy: no errors, ${plural(validation.securityWarnings.length, 'security warning')}, ${plural(validation.warnings.length, 'warning')}:`
          : 'ValidatePolicy on the filled policy: no errors or warnings.',
        ...[...validation.securityWarnings, ...validation.warnings].slice(0, 8).map(noteLine),
        detach.length > 0
          ? `Also detaches ${detach.map((d) => d.name).join(', ')} (reversible with Revert detach).`
          : 'Keeps every policy attached today (nothing detached).',
      ],
      jobId: job.id,
      roleName,
      policies,
      detach,
    };
  }

  async function planRevert(p: Extract<AttachPolicyParams, { op: 'revert' }>): Promise<AttachPolicyPlan> {
    const job = await loadJob(p.jobId);
    const att = job.attachment;
    if (!att || att.detached.length === 0)
      throw new AttachRefusedError('Nothing was detached for this policy: nothing to revert.');
    if (att.revertedAt) throw new AttachRefusedError('The detached policies were attached again already.');
    return {
      kind: 'attach-policy',
      op: 'revert',
      label: 'Revert detach',
      target: job.principal.arn ?? job.principal.name,
      diff: att.detached.map((d) => `+ attach ${d.name} (${d.arn})`).join('\n'),
      notes: [
        `Attaches again what request ${att.requestId} detached. The least-privilege policy stays attached.`,
      ],
      jobId: job.id,
      roleName: job.principal.name,
      policies: [],
      detach: att.detached,
    };
  }

  /** Records the attachment (or its revert) on the job, whatever else changed it meanwhile. */
  const recordOnJob = async (
    jobId: string,
    change: (job: GenerationJobRecord) => GenerationJobRecord['attachment'],
  ) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const job = await loadJob(jobId);
      try {
        await store.update(job.id, job.version, { attachment: change(job) });
        return;
      } catch (err) {
        if (!(err instanceof JobChangedError) || attempt === 4) throw err;
      }
    }
  };

  /** CreatePolicy under the planned name, or (taken by another document) under a name unique to the job. */
  const createFor = async (plan: AttachPolicyPlan, name: string, document: string, requestId: string) => {
    const description = `Least-privilege policy generated by iam-findings-bot from CloudTrail activity (request ${requestId}).`;
    try {
      return { name, ...(await attacher.createPolicy(name, document, description)) };
    } catch (err) {
      if (!(err instanceof PolicyNameTakenError)) throw err;
      // E.g. a second generation of the same role attached the same day: same base name, other document.
      const unique = `${name.slice(0, 128 - 7)}-${plan.jobId.slice(0, 6)}`;
      return { name: unique, ...(await attacher.createPolicy(unique, document, description)) };
    }
  };

  const isLimit = (err: unknown) => err instanceof AwsCallError && err.awsCode === 'LimitExceeded';

  async function applyAttach(plan: AttachPolicyPlan, request: RemedyRequest) {
    // Another attach request of this job, pending at the same time, was carried out first: its attachment (and
    // what it detached, which Revert detach needs) stands, and this one changes nothing. A retry of this very
    // request (a crash after IAM changed) finds its own attachment and goes on: every step is idempotent.
    const { attachment } = await loadJob(plan.jobId);
    if (attachment && attachment.requestId !== request.id) {
      throw new AttachRefusedError(
        `This policy was attached already by request \`${attachment.requestId}\`; nothing changed.`,
      );
    }
    const arns: string[] = [];
    const names: string[] = [];
    const detached: { name: string; arn: string }[] = [];
    const detachAll = async () => {
      for (const d of plan.detach) {
        if (detached.some((x) => x.arn === d.arn)) continue;
        await attacher.detach(plan.roleName, d.arn);
        detached.push(d);
      }
    };
    const record = (partial?: string) =>
      recordOnJob(
        plan.jobId,
        (job) =>
          job.attachment ?? {
            requestId: request.id,
            policyArns: arns,
            detached,
            at: clock.now(),
            ...(partial ? { partial } : {}),
          },
      );
    try {
      for (const policy of plan.policies) {
        const made = await createFor(plan, policy.name, policy.document, request.id);
        try {
          await attacher.attach(plan.roleName, made.policyArn);
        } catch (err) {
          // The role is at its managed-policy quota: make room with the detaches that were approved, then retry.
          if (!isLimit(err) || plan.detach.length === 0) throw err;
          await detachAll();
          await attacher.attach(plan.roleName, made.policyArn);
        }
        arns.push(made.policyArn);
        names.push(made.name);
      }
      await detachAll();
    } catch (err) {
      // Part of the change happened: record it, so the message, the log and Revert detach tell the truth.
      if (arns.length > 0 || detached.length > 0) {
        // The failed call's own "Nothing changed." is about that call only: next to what was done, it misleads.
        const why = (err instanceof AppError ? err.userMessage : errorMessage(err))
          .replace(/\s*Nothing changed\./g, '')
          .trim();
        await record(why).catch(() => undefined);
        await deps.refresh(plan.jobId).catch(() => undefined);
        const done = [
          arns.length ? `attached ${arns.map((a) => `\`${a}\``).join(', ')}` : '',
          detached.length ? `detached ${detached.map((d) => `\`${d.name}\``).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' and ');
        throw new AppError(
          'attach_partial',
          `attach-policy ${request.id} failed midway: ${errorMessage(err)}`,
          `The change was only partly made: the bot ${done} before this failed: ${why} ${detached.length ? 'Revert detach puts back what was detached.' : ''}`.trim(),
          { cause: err },
        );
      }
      throw err;
    }
    // First record wins: a concurrent attach that slipped past the check above never erases what the first one
    // detached (Revert detach needs it).
    await record();
    await deps.refresh(plan.jobId).catch(() => undefined);
    const detachedText = detached.length
      ? ` Detached ${detached.map((d) => `\`${d.name}\``).join(', ')} (Revert detach puts them back).`
      : '';
    return {
      summary: `📎 Attached ${names.map((n) => `\`${n}\``).join(', ')} to role \`${plan.roleName}\`, requested by <@${request.requester}>, approved by ${userList(request.approvers)}.${detachedText}`,
      details: { op: 'attach', roleName: plan.roleName, policyArns: arns, detached },
    };
  }

  async function applyRevert(plan: AttachPolicyPlan, request: RemedyRequest) {
    const { attachment } = await loadJob(plan.jobId);
    if (attachment?.revertedAt && attachment.revertRequestId !== request.id) {
      throw new AttachRefusedError(
        `The detached policies were attached again already by request \`${attachment.revertRequestId ?? '?'}\`; nothing changed.`,
      );
    }
    for (const d of plan.detach) await attacher.attach(plan.roleName, d.arn);
    await recordOnJob(plan.jobId, (job) =>
      job.attachment && !job.attachment.revertedAt
        ? { ...job.attachment, revertedAt: clock.now(), revertRequestId: request.id }
        : job.attachment,
    );
    await deps.refresh(plan.jobId).catch(() => undefined);
    return {
      summary: `↩️ Attached ${plan.detach.map((d) => `\`${d.name}\``).join(', ')} to role \`${plan.roleName}\` again, requested by <@${request.requester}>, approved by ${userList(request.approvers)}.`,
      details: { op: 'revert', roleName: plan.roleName, reattached: plan.detach },
    };
  }

  return {
    action: 'attach-policy',
    label: 'Attach policy',
    subject: true,
    check(raw) {
      parse(raw);
    },
    async plan(raw) {
      const p = parse(raw);
      const plan = p.op === 'attach' ? await planAttach(p) : await planRevert(p);
      return { ...plan };
    },
    async apply(request) {
      const plan = request.plan as unknown as AttachPolicyPlan | undefined;
      if (!plan || plan.kind !== 'attach-policy')
        throw new Error(`request ${request.id} has no attach-policy plan`);
      return plan.op === 'attach' ? applyAttach(plan, request) : applyRevert(plan, request);
    },
  };
}
