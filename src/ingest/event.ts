/**
 * Validates an EventBridge event and turns an Access Analyzer finding event into a Finding.
 * External-access ("Access Analyzer Finding") and unused-access ("Unused Access Finding for IAM entities")
 * events are handled; any other well-formed EventBridge event is `unhandled` (logged and stored, not an error).
 * Anything malformed throws InvalidInputError with the exact reason.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors';
import type { Finding, FindingStatus } from '../findings/finding';

export const EXTERNAL_ACCESS = 'Access Analyzer Finding';
export const UNUSED_ACCESS = 'Unused Access Finding for IAM entities';

export type ParsedEvent =
  | { kind: 'finding'; eventId: string; detailType: string; finding: Finding }
  | {
      kind: 'unhandled';
      eventId: string;
      detailType: string;
      source: string;
      event: Record<string, unknown>;
    };

const isoTime = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO-8601 timestamp' });
const account = z.string().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' });
const arn = z.string().min(1).max(2048).startsWith('arn:', { message: 'must be an ARN' });
const analyzerArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:access-analyzer:[a-z0-9-]+:\d{12}:analyzer\/[A-Za-z][A-Za-z0-9_.-]{0,254}$/, {
    message: 'must be an Access Analyzer analyzer ARN',
  });
const status = z.enum(['ACTIVE', 'ARCHIVED', 'RESOLVED']);
const findingId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, { message: 'has characters a finding id never has' });
const stringMap = (maxEntries: number) =>
  z.record(z.string().max(256), z.string().max(2048)).refine((m) => Object.keys(m).length <= maxEntries, {
    message: `must have at most ${maxEntries} entries`,
  });

const envelope = z.object({
  version: z.string().max(16).optional(),
  id: z.string().min(1).max(128),
  'detail-type': z.string().min(1).max(128),
  source: z.string().min(1).max(256),
  account,
  time: isoTime,
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS Region name' }),
  resources: z.array(z.string().max(2048)).max(20),
  detail: z.record(z.string(), z.unknown()),
});

const commonDetail = {
  status,
  resource: arn,
  resourceType: z
    .string()
    .regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, { message: 'must look like AWS::Service::Type' }),
  accountId: account,
  createdAt: isoTime,
  updatedAt: isoTime,
  analyzedAt: isoTime.optional(),
  isDeleted: z.boolean().optional(),
  error: z.string().max(64).optional(),
};

const externalDetail = z.object({
  ...commonDetail,
  id: findingId,
  region: z.string().max(32).optional(),
  principal: stringMap(20).optional(),
  action: z.array(z.string().max(256)).max(500).optional(),
  condition: stringMap(100).optional(),
  isPublic: z.boolean().optional(),
});

const unusedDetail = z.object({
  ...commonDetail,
  findingId,
  findingType: z.enum([
    'UnusedIAMRole',
    'UnusedIAMUserAccessKey',
    'UnusedIAMUserPassword',
    'UnusedPermission',
  ]),
  numberOfUnusedServices: z.number().int().nonnegative().optional(),
  numberOfUnusedActions: z.number().int().nonnegative().optional(),
});

function reasonOf(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${[prefix, ...i.path].filter(Boolean).join('.')} ${i.message}`)
    .join('; ');
}

/**
 * Parses one event (already JSON-decoded). The analyzer is the one the event names (resources[0]); an event
 * that names none gets `fallbackAnalyzerArn` (ANALYZER_ARN).
 * @throws InvalidInputError when the envelope or a handled detail is malformed.
 */
export function parseEvent(input: unknown, fallbackAnalyzerArn?: string): ParsedEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError('event must be a JSON object (an EventBridge event)');
  }
  const env = envelope.safeParse(input);
  if (!env.success) throw new InvalidInputError(`not an EventBridge event: ${reasonOf(env.error, '')}`);
  const e = env.data;
  const detailType = e['detail-type'];
  const handled =
    e.source === 'aws.access-analyzer' && (detailType === EXTERNAL_ACCESS || detailType === UNUSED_ACCESS);
  if (!handled) {
    return {
      kind: 'unhandled',
      eventId: e.id,
      detailType,
      source: e.source,
      event: input as Record<string, unknown>,
    };
  }
  // The event names its analyzer in resources[0]; ANALYZER_ARN is the fallback for events that do not.
  const analyzer = analyzerArn.safeParse(e.resources[0] ?? fallbackAnalyzerArn);
  if (!analyzer.success) {
    throw new InvalidInputError(
      'resources[0] must be the analyzer ARN (or set ANALYZER_ARN for events without one)',
    );
  }

  if (detailType === EXTERNAL_ACCESS) {
    const d = externalDetail.safeParse(e.detail);
    if (!d.success) throw new InvalidInputError(`invalid finding detail: ${reasonOf(d.error, 'detail')}`);
    const x = d.data;
    return {
      kind: 'finding',
      eventId: e.id,
      detailType,
      finding: {
        id: x.id,
        analyzerArn: analyzer.data,
        kind: 'external',
        status: x.status as FindingStatus,
        isDeleted: x.isDeleted ?? false,
        resource: x.resource,
        resourceType: x.resourceType,
        accountId: x.accountId,
        region: x.region ?? e.region,
        createdAt: x.createdAt,
        updatedAt: x.updatedAt,
        analyzedAt: x.analyzedAt,
        principal: x.principal,
        action: x.action,
        condition: x.condition,
        isPublic: x.isPublic,
        error: x.error,
        findingType: 'ExternalAccess',
      },
    };
  }
  const d = unusedDetail.safeParse(e.detail);
  if (!d.success) throw new InvalidInputError(`invalid finding detail: ${reasonOf(d.error, 'detail')}`);
  const u = d.data;
  return {
    kind: 'finding',
    eventId: e.id,
    detailType,
    finding: {
      id: u.findingId,
      analyzerArn: analyzer.data,
      kind: 'unused',
      status: u.status as FindingStatus,
      isDeleted: u.isDeleted ?? false,
      resource: u.resource,
      resourceType: u.resourceType,
      accountId: u.accountId,
      region: e.region,
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
      analyzedAt: u.analyzedAt,
      error: u.error,
      findingType: u.findingType,
      unused:
        u.findingType === 'UnusedPermission'
          ? { unusedServices: u.numberOfUnusedServices, unusedActions: u.numberOfUnusedActions }
          : {},
    },
  };
}
