/**
 * Access previews (the AccessPreviewer port): asks Access Analyzer what a proposed policy (a role trust policy,
 * or a bucket, key, queue or secret policy) would do to a finding before anything is written. Evidence is
 * advisory, so nothing here throws: every AWS error, a FAILED preview or a time-out becomes an `unavailable`
 * verdict with a sentence for Slack approvers.
 * IAM actions used: access-analyzer:CreateAccessPreview, access-analyzer:GetAccessPreview,
 * access-analyzer:ListAccessPreviewFindings (on the analyzer).
 *
 * How the verdict reads the preview (Access Analyzer API reference, AccessPreviewFinding): every existing
 * finding on the previewed resource that the proposal touches comes back with `existingFindingId`; one whose
 * access the proposal removes is reported explicitly as changeType CHANGED with preview status RESOLVED
 * ("a Changed finding with preview status Resolved and existing status Active indicates the existing Active
 * finding would become Resolved"); one that stays is UNCHANGED (ACTIVE/ARCHIVED); access no finding covers yet
 * is NEW. So `resolves` needs that positive CHANGED→RESOLVED entry for the finding. A finding the preview does
 * not mention at all (already RESOLVED, or on another resource) is not evidence either way → `unavailable`,
 * unless the proposal opens new access, which is `does-not-resolve` whatever happens to the finding.
 *
 * Configurations per resource type (CreateAccessPreview `configurations[arn]`, SDK type Configuration):
 * AWS::IAM::Role → iamRole.trustPolicy; AWS::S3::Bucket → s3Bucket.bucketPolicy; AWS::KMS::Key →
 * kmsKey.keyPolicies.default (the only key policy name); AWS::SQS::Queue → sqsQueue.queuePolicy;
 * AWS::SecretsManager::Secret → secretsManagerSecret.secretPolicy. Only the policy is proposed: for an
 * existing resource Access Analyzer keeps everything else as it is (bucket ACLs, Block Public Access, access
 * points, KMS grants, the secret's key). Other resource types get no preview (`unavailable`).
 */
import { randomUUID } from 'node:crypto';
import {
  CreateAccessPreviewCommand,
  GetAccessPreviewCommand,
  paginateListAccessPreviewFindings,
  type AccessAnalyzerClient,
  type AccessPreview,
  type AccessPreviewFinding,
  type Configuration,
} from '@aws-sdk/client-accessanalyzer';
import { serializePolicyDocument } from '../remediation/policy-document';
import type { AccessPreviewer, PreviewVerdict } from '../remediation/ports';

export interface AccessPreviewerOptions {
  /** Give up waiting for the preview after this long; default 20 s. */
  timeoutMs?: number;
  /** First wait between GetAccessPreview polls, doubled each time up to 2 s; default 250 ms. */
  pollMs?: number;
  /** Injectable for tests; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

type Operation = 'CreateAccessPreview' | 'GetAccessPreview' | 'ListAccessPreviewFindings';

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_POLL_MS = 250;
const MAX_POLL_MS = 2_000;
/** How many principals a detail sentence names before "and N more". */
const MAX_LISTED = 3;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An AWS call failed; remembers which one, for the sentence. */
class StepError extends Error {
  constructor(
    readonly operation: Operation,
    readonly error: unknown,
  ) {
    super(`${operation} failed`);
  }
}

async function step<T>(operation: Operation, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new StepError(operation, err);
  }
}

/**
 * Why there is no verdict, for an AWS error of one of the three calls.
 * @example unavailableFor('CreateAccessPreview', { name: 'AccessDeniedException' }).detail
 * // "No access preview: the bot's AWS role may not call access-analyzer:CreateAccessPreview (AccessDenied)."
 */
export function unavailableFor(operation: Operation, err: unknown): PreviewVerdict {
  const e = (err ?? {}) as { name?: string; message?: string };
  const name = e.name ?? 'UnknownError';
  const say = (detail: string): PreviewVerdict => ({ kind: 'unavailable', detail });
  switch (name) {
    case 'AccessDeniedException':
      return say(
        `No access preview: the bot's AWS role may not call access-analyzer:${operation} (AccessDenied).`,
      );
    case 'ValidationException':
      return say(
        `No access preview: Access Analyzer rejected the request (${e.message ?? 'validation error'}).`,
      );
    case 'ResourceNotFoundException':
      return say(`No access preview: Access Analyzer did not find the analyzer or preview (${operation}).`);
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
      return say(
        `No access preview: Access Analyzer is throttling or over quota (${operation}); try again later.`,
      );
    default:
      return say(`No access preview: Access Analyzer ${operation} failed (${name}).`);
  }
}

/** `Alice (sts:AssumeRole)`-style names of the principals in preview findings, at most MAX_LISTED. */
function describeAccess(findings: AccessPreviewFinding[]): string {
  const names = findings.map((f) => {
    const principal =
      Object.values(f.principal ?? {}).join(', ') || (f.isPublic ? 'everyone' : 'unknown principal');
    const actions = (f.action ?? []).join(', ');
    return actions ? `${principal} (${actions})` : principal;
  });
  const unique = [...new Set(names)];
  const shown = unique.slice(0, MAX_LISTED).join('; ');
  return unique.length > MAX_LISTED ? `${shown}; and ${unique.length - MAX_LISTED} more` : shown;
}

/**
 * Judges a COMPLETED preview's findings for `findingId` (see the module comment for the reading).
 * @example judgePreview([{ existingFindingId: 'f-1', changeType: 'CHANGED', status: 'RESOLVED', … }], 'f-1').kind
 * // 'resolves'
 */
export function judgePreview(findings: AccessPreviewFinding[], findingId: string): PreviewVerdict {
  const own = findings.filter((f) => f.existingFindingId === findingId);
  const stays = own.filter((f) => f.status !== 'RESOLVED');
  const opened = findings.filter((f) => f.changeType === 'NEW' && f.status === 'ACTIVE');
  const problems: string[] = [];
  if (stays.length > 0) {
    const status = stays[0]?.status ?? 'ACTIVE';
    problems.push(`finding ${findingId} would still be ${status} (${describeAccess(stays)})`);
  }
  if (opened.length > 0) problems.push(`it would open new external access for ${describeAccess(opened)}`);
  if (problems.length > 0) {
    return { kind: 'does-not-resolve', detail: `Access Analyzer preview: ${problems.join(', and ')}.` };
  }
  if (own.length > 0) {
    return {
      kind: 'resolves',
      detail: `Access Analyzer preview: finding ${findingId} would be RESOLVED and no new external access appears.`,
    };
  }
  return {
    kind: 'unavailable',
    detail: `Access Analyzer's preview does not mention finding ${findingId} (already resolved, or on another resource), so it gives no verdict on it.`,
  };
}

/** How each previewable resource type carries its policy in a preview, and what people call that policy. */
const PREVIEWABLE: Record<string, { noun: string; configuration: (policy: string) => Configuration }> = {
  'AWS::IAM::Role': {
    noun: 'trust policy',
    configuration: (policy) => ({ iamRole: { trustPolicy: policy } }),
  },
  'AWS::S3::Bucket': {
    noun: 'bucket policy',
    configuration: (policy) => ({ s3Bucket: { bucketPolicy: policy } }),
  },
  'AWS::KMS::Key': {
    noun: 'key policy',
    configuration: (policy) => ({ kmsKey: { keyPolicies: { default: policy } } }),
  },
  'AWS::SQS::Queue': {
    noun: 'queue policy',
    configuration: (policy) => ({ sqsQueue: { queuePolicy: policy } }),
  },
  'AWS::SecretsManager::Secret': {
    noun: 'secret policy',
    configuration: (policy) => ({ secretsManagerSecret: { secretPolicy: policy } }),
  },
};

/**
 * The preview configuration for `resourceType` with `policy` as its policy; undefined for types the bot does
 * not preview.
 * @example previewConfiguration('AWS::KMS::Key', '{…}') // { kmsKey: { keyPolicies: { default: '{…}' } } }
 */
export function previewConfiguration(resourceType: string, policy: string): Configuration | undefined {
  return PREVIEWABLE[resourceType]?.configuration(policy);
}

/** Delays between polls: pollMs, doubling, capped at MAX_POLL_MS (or pollMs if that is larger). */
function nextDelay(previous: number, pollMs: number): number {
  return Math.min(previous * 2, Math.max(MAX_POLL_MS, pollMs));
}

/**
 * The AccessPreviewer on a real AccessAnalyzerClient.
 * @example
 * const previewer = createAccessPreviewer(clients.accessAnalyzer);
 * const verdict = await previewer.previewTrustPolicy({ analyzerArn, roleArn, trustPolicy: document, findingId });
 * if (verdict.kind !== 'resolves') say(verdict.detail);
 * const onBucket = await previewer.previewPolicy({
 *   analyzerArn, resourceArn: 'arn:aws:s3:::my-bucket', resourceType: 'AWS::S3::Bucket', policy, findingId,
 * });
 */
export function createAccessPreviewer(
  client: AccessAnalyzerClient,
  options: AccessPreviewerOptions = {},
): AccessPreviewer {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pollMs = Math.max(1, options.pollMs ?? DEFAULT_POLL_MS);
  const sleep = options.sleep ?? realSleep;

  /**
   * Polls until the preview is COMPLETED or FAILED, or undefined on time-out. Elapsed time is the larger of the wall
   * clock and the sum of the waits, so an injected instant `sleep` still ends the loop.
   */
  async function settle(analyzerArn: string, accessPreviewId: string): Promise<AccessPreview | undefined> {
    const started = Date.now();
    let waited = 0;
    let delay = pollMs;
    for (;;) {
      const { accessPreview } = await step('GetAccessPreview', () =>
        client.send(new GetAccessPreviewCommand({ analyzerArn, accessPreviewId })),
      );
      if (accessPreview?.status === 'COMPLETED' || accessPreview?.status === 'FAILED') return accessPreview;
      const remaining = timeoutMs - Math.max(Date.now() - started, waited);
      if (remaining <= 0) return undefined;
      const wait = Math.min(delay, remaining);
      await sleep(wait);
      waited += wait;
      delay = nextDelay(delay, pollMs);
    }
  }

  async function listFindings(analyzerArn: string, accessPreviewId: string): Promise<AccessPreviewFinding[]> {
    return step('ListAccessPreviewFindings', async () => {
      const all: AccessPreviewFinding[] = [];
      for await (const page of paginateListAccessPreviewFindings(
        { client },
        { analyzerArn, accessPreviewId },
      )) {
        all.push(...(page.findings ?? []));
      }
      return all;
    });
  }

  async function previewPolicy({
    analyzerArn,
    resourceArn,
    resourceType,
    policy,
    findingId,
  }: Parameters<AccessPreviewer['previewPolicy']>[0]): Promise<PreviewVerdict> {
    const previewable = PREVIEWABLE[resourceType];
    if (!previewable) {
      return {
        kind: 'unavailable',
        detail: `No access preview: the bot does not preview ${resourceType} resources (only IAM roles, S3 buckets, KMS keys, SQS queues and Secrets Manager secrets).`,
      };
    }
    try {
      const { id } = await step('CreateAccessPreview', () =>
        client.send(
          new CreateAccessPreviewCommand({
            analyzerArn,
            configurations: { [resourceArn]: previewable.configuration(serializePolicyDocument(policy)) },
            clientToken: randomUUID(),
          }),
        ),
      );
      if (!id)
        return {
          kind: 'unavailable',
          detail: 'No access preview: Access Analyzer returned no preview id.',
        };
      const preview = await settle(analyzerArn, id);
      if (!preview) {
        return {
          kind: 'unavailable',
          detail: `No access preview: Access Analyzer did not finish within ${Math.round(timeoutMs / 1000)} s.`,
        };
      }
      if (preview.status === 'FAILED') {
        const reason = preview.statusReason?.code ?? 'no reason given';
        return {
          kind: 'unavailable',
          detail: `Access Analyzer could not preview the proposed ${previewable.noun} (${reason}).`,
        };
      }
      return judgePreview(await listFindings(analyzerArn, id), findingId);
    } catch (err) {
      if (err instanceof StepError) return unavailableFor(err.operation, err.error);
      return {
        kind: 'unavailable',
        detail: `No access preview: ${err instanceof Error ? err.message : String(err)}.`,
      };
    }
  }

  return {
    previewPolicy,
    previewTrustPolicy: ({ analyzerArn, roleArn, trustPolicy, findingId }) =>
      previewPolicy({
        analyzerArn,
        resourceArn: roleArn,
        resourceType: 'AWS::IAM::Role',
        policy: trustPolicy,
        findingId,
      }),
  };
}
