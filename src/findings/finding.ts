/**
 * The finding as the bot sees it: one normalised shape for external-access and unused-access findings,
 * whether it came from an EventBridge event, ListFindingsV2 + GetFindingV2, or our own store.
 */
export type FindingStatus = 'ACTIVE' | 'ARCHIVED' | 'RESOLVED';
export type FindingKind = 'external' | 'unused';

export interface UnusedAccessDetails {
  /** For UnusedPermission: how many services / actions are unused. */
  unusedServices?: number;
  unusedActions?: number;
  /** Human-readable unused items, e.g. "s3:PutObject", "access key AKIA…", "console password". */
  items?: string[];
  lastAccessed?: string;
}

/** How Access Analyzer's `sources[].type` values read on the card ("Shared through"), as stored in `sources`. */
export const SOURCE_LABELS: Readonly<Record<string, string>> = {
  POLICY: 'Resource policy',
  BUCKET_ACL: 'Bucket ACL',
  S3_ACCESS_POINT: 'S3 access point',
  S3_ACCESS_POINT_ACCOUNT: 'S3 access point (account)',
};

export interface Finding {
  id: string;
  analyzerArn: string;
  kind: FindingKind;
  status: FindingStatus;
  isDeleted: boolean;
  resource: string;
  resourceType: string;
  accountId: string;
  region: string;
  createdAt: string;
  updatedAt: string;
  analyzedAt?: string;
  /** External access: who gets in, with what, under which condition. */
  principal?: Record<string, string>;
  action?: string[];
  condition?: Record<string, string>;
  isPublic?: boolean;
  /** "Shared through": how access is granted (bucket policy, ACL, access point…), when known. */
  sources?: string[];
  /** Set on error findings (e.g. ACCESS_DENIED: the analyzer could not read the policy). */
  error?: string;
  /** ExternalAccess, or UnusedIAMRole / UnusedIAMUserAccessKey / UnusedIAMUserPassword / UnusedPermission. */
  findingType?: string;
  unused?: UnusedAccessDetails;
}

/** The part of a finding whose change users are told about (and that the Slack message renders). */
export interface FindingSnapshot {
  status: FindingStatus;
  isDeleted: boolean;
  principal?: Record<string, string>;
  condition?: Record<string, string>;
  action?: string[];
  isPublic?: boolean;
  error?: string;
}

export function snapshotOf(f: Finding): FindingSnapshot {
  return {
    status: f.status,
    isDeleted: f.isDeleted,
    principal: f.principal,
    condition: f.condition,
    action: f.action,
    isPublic: f.isPublic,
    error: f.error,
  };
}

/** Milliseconds since the epoch for an AWS timestamp (nanosecond fractions are cut to milliseconds). */
export function timestampMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO-8601 timestamp: ${iso}`);
  return ms;
}

/** The analyzer name from its ARN (`…:analyzer/<name>`). */
export function analyzerName(analyzerArn: string): string {
  return analyzerArn.slice(analyzerArn.lastIndexOf('/') + 1);
}

/** The external principal as one readable string, e.g. "AWS: arn:aws:iam::999988887777:user/Alice". */
export function principalText(principal: Record<string, string> | undefined): string | undefined {
  if (!principal || Object.keys(principal).length === 0) return undefined;
  return Object.entries(principal)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

const stable = (v: unknown) =>
  JSON.stringify(v ?? null, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort())
      : val,
  );

/**
 * What changed between two snapshots, as sentences for a thread reply. Empty when nothing users see changed.
 * @example describeChanges({status:'ACTIVE',…}, {status:'RESOLVED',…}) → ['Status: ACTIVE → RESOLVED']
 */
export function describeChanges(before: FindingSnapshot, after: FindingSnapshot): string[] {
  const changes: string[] = [];
  if (before.status !== after.status) changes.push(`Status: ${before.status} → ${after.status}`);
  if (before.isDeleted !== after.isDeleted && after.isDeleted)
    changes.push('Finding deleted by Access Analyzer');
  if (stable(before.principal) !== stable(after.principal)) {
    changes.push(
      `External principal: ${principalText(before.principal) ?? 'none'} → ${principalText(after.principal) ?? 'none'}`,
    );
  }
  if (stable(before.condition) !== stable(after.condition)) {
    changes.push(`Condition: ${conditionText(before.condition)} → ${conditionText(after.condition)}`);
  }
  if (stable(before.action) !== stable(after.action)) {
    changes.push(
      `Actions: ${(before.action ?? []).join(', ') || 'none'} → ${(after.action ?? []).join(', ') || 'none'}`,
    );
  }
  if ((before.isPublic ?? false) !== (after.isPublic ?? false)) {
    changes.push(after.isPublic ? 'Now PUBLIC' : 'No longer public');
  }
  if (before.error !== after.error)
    changes.push(`Analysis error: ${before.error ?? 'none'} → ${after.error ?? 'none'}`);
  return changes;
}

export function conditionText(condition: Record<string, string> | undefined): string {
  if (!condition || Object.keys(condition).length === 0) return 'none';
  return Object.entries(condition)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
}

export function sameSnapshot(a: FindingSnapshot, b: FindingSnapshot): boolean {
  return stable(a) === stable(b);
}
