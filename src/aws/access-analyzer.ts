/**
 * Access Analyzer gateway: the only module that calls the Access Analyzer API. SDK errors are translated
 * into AppErrors here, so nothing above knows SDK types.
 * IAM actions used: access-analyzer:ListFindings (ListFindingsV2), access-analyzer:GetFinding (GetFindingV2),
 * access-analyzer:UpdateFindings.
 */
import {
  type AccessAnalyzerClient,
  type FindingDetails,
  GetFindingV2Command,
  paginateListFindingsV2,
  UpdateFindingsCommand,
  type GetFindingV2CommandOutput,
} from '@aws-sdk/client-accessanalyzer';
import { AppError, AwsCallError, FindingNotFoundError } from '../errors';
import { SOURCE_LABELS, type Finding, type FindingStatus } from '../findings/finding';
import type { FindingsSource } from '../findings/ports';

/** Turns an SDK error into an AppError a user can act on. */
export function translateAwsError(operation: string, err: unknown, findingId?: string): Error {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'UnknownError';
  switch (name) {
    case 'ResourceNotFoundException':
      return new FindingNotFoundError(findingId ?? 'unknown', { cause: err });
    case 'AccessDeniedException':
      return new AwsCallError(
        operation,
        name,
        `The bot's AWS role is not allowed to call Access Analyzer ${operation} (AccessDenied). Ask the team that runs the bot to grant access-analyzer:${operation === 'ListFindingsV2' ? 'ListFindings' : operation === 'GetFindingV2' ? 'GetFinding' : operation}.`,
        { cause: err },
      );
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return new AwsCallError(
        operation,
        name,
        `Access Analyzer is throttling requests (${operation}); nothing changed. Try again in a minute.`,
        {
          cause: err,
        },
      );
    case 'ValidationException':
      return new AwsCallError(
        operation,
        name,
        `Access Analyzer rejected the request (${operation}): ${e.message ?? 'validation error'}`,
        {
          cause: err,
        },
      );
    default:
      if (err instanceof AppError) return err;
      return new AwsCallError(
        operation,
        name,
        `Access Analyzer ${operation} failed (${name}${e.$metadata?.httpStatusCode ? `, HTTP ${e.$metadata.httpStatusCode}` : ''}); nothing changed.`,
        { cause: err },
      );
  }
}

function arnParts(analyzerArn: string): { region: string; account: string } {
  const parts = analyzerArn.split(':');
  return { region: parts[3] ?? '', account: parts[4] ?? '' };
}

function iso(d: Date | undefined): string {
  return (d ?? new Date(0)).toISOString();
}

/** GetFindingV2 output → Finding (the parts events do not carry: sources, unused items). */
export function findingFromV2(analyzerArn: string, out: GetFindingV2CommandOutput): Finding {
  const { region } = arnParts(analyzerArn);
  const details: FindingDetails[] = out.findingDetails ?? [];
  const type = out.findingType ?? 'ExternalAccess';
  const base: Finding = {
    id: out.id ?? '',
    analyzerArn,
    kind: type === 'ExternalAccess' || type === 'InternalAccess' ? 'external' : 'unused',
    status: (out.status ?? 'ACTIVE') as FindingStatus,
    isDeleted: false,
    resource: out.resource ?? '',
    resourceType: out.resourceType ?? '',
    accountId: out.resourceOwnerAccount ?? arnParts(analyzerArn).account,
    region,
    createdAt: iso(out.createdAt),
    updatedAt: iso(out.updatedAt),
    analyzedAt: out.analyzedAt ? iso(out.analyzedAt) : undefined,
    error: out.error,
    findingType: type,
  };
  const items: string[] = [];
  let lastAccessed: string | undefined;
  for (const d of details) {
    if (d.externalAccessDetails) {
      const x = d.externalAccessDetails;
      base.principal = x.principal;
      base.action = x.action;
      base.condition = x.condition;
      base.isPublic = x.isPublic;
      base.sources = (x.sources ?? []).map((s) => {
        const label = SOURCE_LABELS[s.type ?? ''] ?? String(s.type);
        const where = s.detail?.accessPointArn ?? s.detail?.accessPointAccount;
        return where ? `${label} ${where}` : label;
      });
    } else if (d.unusedPermissionDetails) {
      const u = d.unusedPermissionDetails;
      const actions = (u.actions ?? []).map((a) => a.action).filter((a): a is string => Boolean(a));
      items.push(...(actions.length > 0 ? actions : [`${u.serviceNamespace}:* (whole service)`]));
      if (u.lastAccessed) lastAccessed = iso(u.lastAccessed);
    } else if (d.unusedIamRoleDetails) {
      items.push('the role itself (not assumed)');
      if (d.unusedIamRoleDetails.lastAccessed) lastAccessed = iso(d.unusedIamRoleDetails.lastAccessed);
    } else if (d.unusedIamUserAccessKeyDetails) {
      items.push(`access key ${d.unusedIamUserAccessKeyDetails.accessKeyId}`);
      if (d.unusedIamUserAccessKeyDetails.lastAccessed)
        lastAccessed = iso(d.unusedIamUserAccessKeyDetails.lastAccessed);
    } else if (d.unusedIamUserPasswordDetails) {
      items.push('console password');
      if (d.unusedIamUserPasswordDetails.lastAccessed)
        lastAccessed = iso(d.unusedIamUserPasswordDetails.lastAccessed);
    }
  }
  if (base.kind === 'unused') base.unused = { items, lastAccessed };
  return base;
}

export function createFindingsSource(client: AccessAnalyzerClient): FindingsSource {
  return {
    async *list(analyzerArn) {
      try {
        for await (const page of paginateListFindingsV2({ client, pageSize: 100 }, { analyzerArn })) {
          for (const f of page.findings ?? []) {
            if (!f.id || !f.status || !f.updatedAt) continue;
            yield {
              id: f.id,
              status: f.status as FindingStatus,
              createdAt: (f.createdAt ?? f.updatedAt).toISOString(),
              updatedAt: f.updatedAt.toISOString(),
            };
          }
        }
      } catch (err) {
        throw translateAwsError('ListFindingsV2', err);
      }
    },

    async get(analyzerArn, id) {
      try {
        const out = await client.send(new GetFindingV2Command({ analyzerArn, id }));
        return findingFromV2(analyzerArn, out);
      } catch (err) {
        throw translateAwsError('GetFindingV2', err, id);
      }
    },

    async setStatus(analyzerArn, ids, status, clientToken) {
      try {
        await client.send(new UpdateFindingsCommand({ analyzerArn, ids, status, clientToken }));
      } catch (err) {
        throw translateAwsError('UpdateFindings', err, ids[0]);
      }
    },
  };
}
