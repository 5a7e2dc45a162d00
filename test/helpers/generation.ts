/**
 * `/iam-generate` journeys (issue #6): a harness whose AWS stand-in holds the example account (the BucketCreator
 * role with an AdministratorAccess-like policy and three weeks of recorded s3 activity, a trail and the access
 * role) and whose bot runs on a clock the test moves, so polls come when the test wants them. Plus helpers to run
 * the command, find the job's message, drive the polling, fill the attach modal, approve, and read the role's
 * policies back through IAM's own API on the stand-in.
 */
import {
  AccessAnalyzerClient,
  GetGeneratedPolicyCommand,
  type JobStatus as AwsJobStatus,
} from '@aws-sdk/client-accessanalyzer';
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { StoredApproval } from '../../src/approvals/store-port';
import type { GenerationJobRecord, JobStatus } from '../../src/policy-generation/job';
import { jobSubjectKey } from '../../src/policy-generation/job';
import { seedExampleAccount, type ExampleAccount } from '../../src/sandbox/aws-standin';
import type { Ephemeral, OpenedView, StoredMessage } from '../../src/sandbox/slack-standin/types';
import {
  APPROVE_ACTION,
  GENERATION_ATTACH_ACTION,
  GENERATION_ATTACH_VIEW,
  GENERATION_REVERT_ACTION,
} from '../../src/slack/ids';
import { jobIdFor } from '../../src/slack/listeners/iam-generate';
import { type TestClock, testClock } from '../integration/approvals/support';
import { CHANNEL, type Harness, ONCALL, eventually, startHarness } from './harness';

export const ROLE_NAME = 'BucketCreator';
export const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** How long the stand-in's generation jobs stay IN_PROGRESS unless a test says otherwise (real ms). */
export const FAST_GENERATION_MS = 200;
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface GenerationHarness extends Harness {
  example: ExampleAccount;
  /** The bot's clock (real time plus what the test moved it). */
  clock: TestClock;
  /** Runs `/iam-generate <text>` as `user`; `ack` is the text of the command's immediate (ephemeral) answer. */
  generate(text: string, user?: string): Promise<{ status: number; ack: string; jobId: string }>;
  /** Waits for the job's message in the channel and returns it as Slack shows it then. */
  jobMessage(jobId: string): Promise<StoredMessage>;
  /** Waits until the job's message (as Slack shows it) satisfies `check`. */
  messageWhen(jobId: string, check: (text: string, m: StoredMessage) => boolean): Promise<StoredMessage>;
  job(jobId: string): Promise<GenerationJobRecord>;
  untilStatus(jobId: string, status: JobStatus, timeoutMs?: number): Promise<GenerationJobRecord>;
  /**
   * Lets the stand-in's job finish, then moves the bot's clock to the next poll and polls, until the job left
   * IN_PROGRESS (as the bot's own tick would, without waiting for it).
   */
  finish(jobId: string): Promise<GenerationJobRecord>;
  /** Clicks Request attach as `user` and returns the attach modal that opens. */
  openAttachModal(jobId: string, user?: string): Promise<OpenedView>;
  /** The newest approval request message in the job message's thread. */
  attachRequest(jobId: string, before?: ReadonlySet<string>): Promise<StoredMessage>;
  /**
   * Clicks Request attach as `user`, submits the placeholder values (name → value) and the ARNs to detach, and
   * returns the approval request message the submission became.
   */
  requestAttach(
    jobId: string,
    values: Record<string, string>,
    opts?: { detach?: string[]; user?: string },
  ): Promise<StoredMessage>;
  /** Every approval request message in the job message's thread, oldest first. */
  requestMessages(jobId: string): StoredMessage[];
  approve(message: StoredMessage, user: string): Promise<void>;
  /** Clicks Revert detach on the job message as `user`. */
  clickRevert(jobId: string, user?: string): Promise<void>;
  /** ListAttachedRolePolicies on the stand-in, through the AWS SDK. */
  attachedPolicies(roleName?: string): Promise<{ PolicyName?: string; PolicyArn?: string }[]>;
  /** The stand-in's default version document of a managed policy, parsed. */
  policyDocument(arn: string): { Statement: { Action: string | string[]; Resource: string | string[] }[] };
  /** Access Analyzer's own status of a generation job on the stand-in (GetGeneratedPolicy through the SDK). */
  awsJobStatus(awsJobId: string): Promise<AwsJobStatus | undefined>;
  /** Phases of the job's decision log (`policy-generation:<jobId>`), in order. */
  phases(jobId: string): Promise<string[]>;
  /** Waits until `user` was shown an ephemeral matching `pattern`, and returns the first that does. */
  ephemeralMatching(user: string, pattern: RegExp): Promise<Ephemeral>;
  /** The stored approval request, which must exist. */
  stored(requestId: string): Promise<StoredApproval>;
  /** Waits until the approval request was carried out (EXECUTED) or FAILED, and returns it as stored. */
  outcome(requestId: string): Promise<StoredApproval>;
}

export interface GenerationHarnessOptions {
  env?: Record<string, string>;
  /** Leave POLICY_GENERATION_TRAIL_ARN / POLICY_GENERATION_ROLE_ARN unset. */
  withoutTrail?: boolean;
  withoutRole?: boolean;
  /** How long the stand-in's jobs stay IN_PROGRESS (real ms); default FAST_GENERATION_MS. */
  generationMs?: number;
  /** More preparation of the AWS stand-in after the example account is seeded. */
  seed?: (h: { aws: Harness['aws']; example: ExampleAccount }) => void;
}

/** Every text a message shows (sections, contexts, buttons, fallback text), for behaviour-level assertions. */
export function shownText(m: Pick<StoredMessage, 'text' | 'blocks'> | undefined): string {
  if (!m) return '';
  const out: string[] = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(m.blocks);
  return out.join('\n');
}

/** The action ids of the buttons a message shows. */
export function buttonsOf(m: Pick<StoredMessage, 'blocks'> | undefined): string[] {
  const ids: string[] = [];
  for (const b of (m?.blocks ?? []) as {
    type?: string;
    elements?: { type?: string; action_id?: string }[];
  }[]) {
    if (b.type !== 'actions') continue;
    for (const e of b.elements ?? []) if (e.type === 'button' && e.action_id) ids.push(e.action_id);
  }
  return ids;
}

const isRequest = (m: StoredMessage) => JSON.stringify(m.blocks ?? []).includes('Request `');

export async function startGenerationHarness(
  opts: GenerationHarnessOptions = {},
): Promise<GenerationHarness> {
  const clock = testClock();
  let example: ExampleAccount | undefined;
  const h = await startHarness({
    clock,
    ...(opts.env ? { env: opts.env } : {}),
    seed: (aws) => {
      example = seedExampleAccount(aws);
      aws.setPolicyGenerationMs(opts.generationMs ?? FAST_GENERATION_MS);
      opts.seed?.({ aws, example });
      return {
        ...(opts.withoutTrail ? {} : { POLICY_GENERATION_TRAIL_ARN: example.trailArn }),
        ...(opts.withoutRole ? {} : { POLICY_GENERATION_ROLE_ARN: example.accessRoleArn }),
      };
    },
  });
  if (!example) throw new Error('the example account was not seeded');
  const sdk = { region: h.aws.region, endpoint: h.aws.url, credentials: CREDENTIALS, maxAttempts: 1 };
  const iam = new IAMClient(sdk);
  const aa = new AccessAnalyzerClient(sdk);

  const findJobMessage = (jobId: string) =>
    h.slack.messages(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(`Job \`${jobId}\``));
  const job = async (jobId: string) => {
    const j = await h.bot.generations.get(jobId);
    if (!j) throw new Error(`generation job ${jobId} is not stored`);
    return j;
  };
  const requestMessages = (jobId: string) => {
    const m = findJobMessage(jobId);
    return m ? h.slack.replies(CHANNEL, m.ts).filter(isRequest) : [];
  };

  const stop = h.stop.bind(h);
  return Object.assign(h, {
    example,
    clock,
    async stop() {
      iam.destroy();
      aa.destroy();
      await stop();
    },
    async generate(text: string, user = ONCALL) {
      const res = await h.slack.slashCommand({
        command: '/iam-generate',
        text,
        userId: user,
        channel: CHANNEL,
      });
      let ack = res.body;
      try {
        ack = String((JSON.parse(res.body) as { text?: unknown }).text ?? '');
      } catch {
        /* plain text */
      }
      const fields = res.payload as { team_id: string; trigger_id: string };
      return { status: res.status, ack, jobId: jobIdFor(fields) };
    },
    jobMessage: (jobId: string) => eventually(() => findJobMessage(jobId), 8000),
    messageWhen: (jobId: string, check: (text: string, m: StoredMessage) => boolean) =>
      eventually(() => {
        const m = findJobMessage(jobId);
        return m && check(shownText(m), m) ? m : undefined;
      }, 8000),
    job,
    untilStatus: (jobId: string, status: JobStatus, timeoutMs = 8000) =>
      eventually(async () => {
        const j = await h.bot.generations.get(jobId);
        return j?.status === status ? j : undefined;
      }, timeoutMs),
    async finish(jobId: string) {
      return eventually(async () => {
        // The stand-in's job runs on real time; the bot polls on its own (moved) clock.
        clock.advance(60_000);
        await h.bot.generations.runDue();
        const j = await h.bot.generations.get(jobId);
        return j && j.status !== 'IN_PROGRESS' && j.status !== 'STARTING' ? j : undefined;
      }, 8000);
    },
    async openAttachModal(jobId: string, user = ONCALL) {
      const m = await findJobMessageOrThrow(jobId);
      const before = new Set(h.slack.views().map((v) => v.id));
      const res = await h.slack.clickButton({
        channel: CHANNEL,
        ts: m.ts,
        actionId: GENERATION_ATTACH_ACTION,
        userId: user,
      });
      if (res.status !== 200) throw new Error(`Request attach click answered ${res.status}`);
      return eventually(() =>
        h.slack
          .modalStack(user)
          .filter((v) => v.view.callback_id === GENERATION_ATTACH_VIEW && !before.has(v.id))
          .at(-1),
      );
    },
    attachRequest: (jobId: string, before: ReadonlySet<string> = new Set()) =>
      eventually(
        () =>
          requestMessages(jobId)
            .filter((m) => !before.has(m.ts))
            .at(-1),
        8000,
      ),
    async requestAttach(
      jobId: string,
      values: Record<string, string>,
      opts: { detach?: string[]; user?: string } = {},
    ) {
      const user = opts.user ?? ONCALL;
      const before = new Set(requestMessages(jobId).map((m) => m.ts));
      const modal = await this.openAttachModal(jobId, user);
      const fields: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(values)) fields[`placeholder:${name}`] = value;
      if (opts.detach) fields.detach = opts.detach;
      const submitted = await h.slack.submitView({ viewId: modal.id, userId: user, values: fields });
      if (submitted.outcome !== 'closed') {
        throw new Error(
          `the attach modal answered ${submitted.outcome}: ${JSON.stringify(submitted.errors)}`,
        );
      }
      return eventually(
        () =>
          requestMessages(jobId)
            .filter((m) => !before.has(m.ts))
            .at(-1),
        8000,
      );
    },
    requestMessages,
    async approve(message: StoredMessage, user: string) {
      const res = await h.slack.clickButton({
        channel: CHANNEL,
        ts: message.ts,
        actionId: APPROVE_ACTION,
        userId: user,
      });
      if (res.status !== 200) throw new Error(`Approve click answered ${res.status}`);
    },
    async clickRevert(jobId: string, user = ONCALL) {
      const m = await findJobMessageOrThrow(jobId);
      const res = await h.slack.clickButton({
        channel: CHANNEL,
        ts: m.ts,
        actionId: GENERATION_REVERT_ACTION,
        userId: user,
      });
      if (res.status !== 200) throw new Error(`Revert detach click answered ${res.status}`);
    },
    async attachedPolicies(roleName = ROLE_NAME) {
      const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
      return out.AttachedPolicies ?? [];
    },
    policyDocument(arn: string) {
      const policy = h.aws.iam.getPolicy(arn);
      const version = policy?.versions.find((v) => v.isDefault);
      if (!version) throw new Error(`no managed policy ${arn} on the stand-in`);
      return JSON.parse(version.document) as ReturnType<GenerationHarness['policyDocument']>;
    },
    async awsJobStatus(awsJobId: string) {
      const out = await aa.send(new GetGeneratedPolicyCommand({ jobId: awsJobId }));
      return out.jobDetails?.status;
    },
    async phases(jobId: string) {
      return (await h.bot.stores.decisions.forFinding(jobSubjectKey(jobId))).map((d) => d.phase);
    },
    ephemeralMatching: (user: string, pattern: RegExp) =>
      eventually(() => h.slack.ephemerals({ user }).find((e) => pattern.test(e.text)), 8000),
    async stored(requestId: string) {
      const s = await h.bot.stores.approvals.get(requestId);
      if (!s) throw new Error(`approval request ${requestId} is not stored`);
      return s;
    },
    outcome: (requestId: string) =>
      eventually(async () => {
        const s = await h.bot.stores.approvals.get(requestId);
        return s && ['EXECUTED', 'FAILED'].includes(s.request.status) ? s : undefined;
      }, 8000),
  });

  async function findJobMessageOrThrow(jobId: string): Promise<StoredMessage> {
    const m = findJobMessage(jobId);
    if (!m) throw new Error(`no message for generation job ${jobId} in ${CHANNEL}`);
    return m;
  }
}

/**
 * Creates `count` customer managed policies `<prefix>1`, `<prefix>2`, … on the stand-in (each allows one
 * harmless read) and attaches them to the role, as IAM would after CreatePolicy and AttachRolePolicy.
 */
export function attachManagedPolicies(
  aws: Harness['aws'],
  roleName: string,
  count: number,
  prefix = 'TeamPolicy',
): { name: string; arn: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const policy = aws.iam.createPolicy({
      name: `${prefix}${i + 1}`,
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' }],
      },
    });
    aws.iam.attachRolePolicy(roleName, policy.arn);
    return { name: policy.name, arn: policy.arn };
  });
}

/** Runs the command and lets the job reach SUCCEEDED; returns the job id and its (result) message. */
export async function generated(
  h: GenerationHarness,
  text = ROLE_NAME,
  user = ONCALL,
): Promise<{ jobId: string; ack: string; job: GenerationJobRecord; message: StoredMessage }> {
  const { status, ack, jobId } = await h.generate(text, user);
  if (status !== 200) throw new Error(`/iam-generate answered ${status}`);
  await h.untilStatus(jobId, 'IN_PROGRESS');
  const job = await h.finish(jobId);
  if (job.status !== 'SUCCEEDED') throw new Error(`generation ${jobId} ended ${job.status}: ${job.error}`);
  const message = await h.messageWhen(jobId, (t) => t.includes('Policy generated'));
  return { jobId, ack, job, message };
}

export { settle } from '../integration/approvals/support';
