import {
  isUnusedAnalyzer,
  type Analyzer,
  type StandinFinding,
  type UnusedDetails,
} from './access-analyzer-model';

/**
 * Renders stored analyzers and findings as the REST-JSON bodies Access Analyzer returns. Timestamps are
 * ISO-8601 strings: the SDK's schemas declare them `date-time` and parse them with an RFC 3339 parser.
 * Absent optional members are left out (JSON.stringify drops `undefined`).
 */
type Json = Record<string, unknown>;

const iso = (date: Date | undefined): string | undefined => date?.toISOString();

export function analyzerSummary(analyzer: Analyzer): Json {
  return {
    arn: analyzer.arn,
    name: analyzer.name,
    type: analyzer.type,
    createdAt: iso(analyzer.createdAt),
    status: analyzer.status,
    tags: analyzer.tags,
    configuration: isUnusedAnalyzer(analyzer.type) ? { unusedAccess: { unusedAccessAge: 90 } } : undefined,
  };
}

/** `Finding` (GetFinding) and `FindingSummary` (ListFindings) share these members. */
export function findingV1(finding: StandinFinding): Json {
  return {
    id: finding.id,
    principal: finding.principal,
    action: finding.action,
    resource: finding.resource,
    isPublic: finding.isPublic,
    resourceType: finding.resourceType,
    condition: finding.condition,
    createdAt: iso(finding.createdAt),
    analyzedAt: iso(finding.analyzedAt),
    updatedAt: iso(finding.updatedAt),
    status: finding.status,
    resourceOwnerAccount: finding.resourceOwnerAccount,
    error: finding.error,
    sources: finding.sources,
    resourceControlPolicyRestriction: finding.resourceControlPolicyRestriction,
  };
}

/** `FindingSummaryV2` (ListFindingsV2) and the top level of GetFindingV2. */
export function findingSummaryV2(finding: StandinFinding): Json {
  return {
    analyzedAt: iso(finding.analyzedAt),
    createdAt: iso(finding.createdAt),
    error: finding.error,
    id: finding.id,
    resource: finding.resource,
    resourceType: finding.resourceType,
    resourceOwnerAccount: finding.resourceOwnerAccount,
    status: finding.status,
    updatedAt: iso(finding.updatedAt),
    findingType: finding.findingType,
  };
}

/** GetFindingV2 `findingDetails`: one union member per item, exactly one key each. */
export function findingDetails(finding: StandinFinding): Json[] {
  if (finding.findingType !== 'ExternalAccess') return finding.unusedDetails.map(unusedDetailToWire);
  if (finding.error !== undefined) return [];
  return [
    {
      externalAccessDetails: {
        action: finding.action,
        condition: finding.condition,
        isPublic: finding.isPublic,
        principal: finding.principal,
        sources: finding.sources,
        resourceControlPolicyRestriction: finding.resourceControlPolicyRestriction,
      },
    },
  ];
}

function unusedDetailToWire(detail: UnusedDetails): Json {
  if ('unusedPermissionDetails' in detail) {
    const { serviceNamespace, actions, lastAccessed } = detail.unusedPermissionDetails;
    return {
      unusedPermissionDetails: {
        serviceNamespace,
        lastAccessed: iso(lastAccessed),
        actions: actions?.map((a) => ({ action: a.action, lastAccessed: iso(a.lastAccessed) })),
      },
    };
  }
  if ('unusedIamUserAccessKeyDetails' in detail) {
    const { accessKeyId, lastAccessed } = detail.unusedIamUserAccessKeyDetails;
    return { unusedIamUserAccessKeyDetails: { accessKeyId, lastAccessed: iso(lastAccessed) } };
  }
  if ('unusedIamUserPasswordDetails' in detail) {
    return {
      unusedIamUserPasswordDetails: { lastAccessed: iso(detail.unusedIamUserPasswordDetails.lastAccessed) },
    };
  }
  return { unusedIamRoleDetails: { lastAccessed: iso(detail.unusedIamRoleDetails.lastAccessed) } };
}
