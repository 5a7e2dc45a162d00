import { randomUUID } from 'node:crypto';
import { isoSeconds } from './clock';
import type { Analyzer, StandinFinding, UnusedDetails } from './access-analyzer-model';

/**
 * The EventBridge events Access Analyzer publishes for findings, in the documented shapes
 * (IAM User Guide "Monitoring AWS IAM Access Analyzer with Amazon EventBridge"):
 * - external access: `detail-type` "Access Analyzer Finding", finding id in `detail.id`, `detail.version` "1.0";
 *   error findings carry `error` and no principal/action/condition/isPublic.
 * - unused access: `detail-type` "Unused Access Finding for IAM entities", finding id in `detail.findingId`,
 *   `previousStatus` ('' for a new finding), `detail.version` a UUID, `numberOfUnused*` for UnusedPermission.
 * The envelope `id` is a fresh EventBridge event id, not the finding id.
 */
export interface AccessAnalyzerEvent {
  version: '0';
  id: string;
  'detail-type': 'Access Analyzer Finding' | 'Unused Access Finding for IAM entities';
  source: 'aws.access-analyzer';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export function findingEvent(finding: StandinFinding, analyzer: Analyzer, now: Date): AccessAnalyzerEvent {
  const external = finding.findingType === 'ExternalAccess';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': external ? 'Access Analyzer Finding' : 'Unused Access Finding for IAM entities',
    source: 'aws.access-analyzer',
    account: analyzer.account,
    time: isoSeconds(now),
    region: analyzer.region,
    resources: [analyzer.arn],
    detail: external ? externalDetail(finding, analyzer) : unusedDetail(finding),
  };
}

function externalDetail(finding: StandinFinding, analyzer: Analyzer): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    version: '1.0',
    id: finding.id,
    status: finding.status,
    resourceType: finding.resourceType,
    resource: finding.resource,
    createdAt: finding.createdAt.toISOString(),
    analyzedAt: finding.analyzedAt.toISOString(),
    updatedAt: finding.updatedAt.toISOString(),
    accountId: finding.resourceOwnerAccount,
    region: analyzer.region,
  };
  if (finding.error !== undefined) {
    detail.error = finding.error;
  } else {
    detail.principal = finding.principal ?? {};
    detail.action = finding.action ?? [];
    detail.condition = finding.condition;
    detail.isPublic = finding.isPublic ?? false;
  }
  detail.isDeleted = finding.isDeleted;
  return detail;
}

function unusedDetail(finding: StandinFinding): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    findingId: finding.id,
    resource: finding.resource,
    resourceType: finding.resourceType,
    accountId: finding.resourceOwnerAccount,
    createdAt: finding.createdAt.toISOString(),
    updatedAt: finding.updatedAt.toISOString(),
    analyzedAt: finding.analyzedAt.toISOString(),
    previousStatus: finding.previousStatus,
    status: finding.status,
    version: randomUUID(),
    isDeleted: finding.isDeleted,
    findingType: finding.findingType,
  };
  if (finding.error !== undefined) detail.error = finding.error;
  if (finding.findingType === 'UnusedPermission') Object.assign(detail, unusedCounts(finding.unusedDetails));
  return detail;
}

/**
 * Approximation (the counting rule is not documented): a service listed without `actions` counts as one
 * unused service, each listed action counts as one unused action.
 */
export function unusedCounts(details: UnusedDetails[]): {
  numberOfUnusedServices: number;
  numberOfUnusedActions: number;
} {
  let services = 0;
  let actions = 0;
  for (const detail of details) {
    if (!('unusedPermissionDetails' in detail)) continue;
    const listed = detail.unusedPermissionDetails.actions;
    if (listed === undefined || listed.length === 0) services += 1;
    else actions += listed.length;
  }
  return { numberOfUnusedServices: services, numberOfUnusedActions: actions };
}
