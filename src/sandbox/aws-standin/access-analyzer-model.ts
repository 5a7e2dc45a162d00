/**
 * The data the Access Analyzer stand-in keeps, shaped after the SDK's `Finding`, `FindingSummaryV2` and
 * `FindingDetails` (client-accessanalyzer models), with Dates where the API has timestamps.
 */

export type AnalyzerType =
  | 'ACCOUNT'
  | 'ORGANIZATION'
  | 'ACCOUNT_UNUSED_ACCESS'
  | 'ORGANIZATION_UNUSED_ACCESS'
  | 'ACCOUNT_INTERNAL_ACCESS'
  | 'ORGANIZATION_INTERNAL_ACCESS';

export interface Analyzer {
  arn: string;
  name: string;
  type: AnalyzerType;
  region: string;
  account: string;
  status: 'ACTIVE';
  createdAt: Date;
  tags: Record<string, string>;
}

export interface NewAnalyzer {
  name: string;
  type?: AnalyzerType;
  region?: string;
  account?: string;
  tags?: Record<string, string>;
}

export type FindingStatus = 'ACTIVE' | 'ARCHIVED' | 'RESOLVED';

export type FindingType =
  | 'ExternalAccess'
  | 'UnusedIAMRole'
  | 'UnusedIAMUserAccessKey'
  | 'UnusedIAMUserPassword'
  | 'UnusedPermission';

export const UNUSED_FINDING_TYPES: readonly FindingType[] = [
  'UnusedIAMRole',
  'UnusedIAMUserAccessKey',
  'UnusedIAMUserPassword',
  'UnusedPermission',
];

export interface FindingSource {
  type: 'POLICY' | 'BUCKET_ACL' | 'S3_ACCESS_POINT' | 'S3_ACCESS_POINT_ACCOUNT';
  detail?: { accessPointArn?: string; accessPointAccount?: string };
}

export interface UnusedAction {
  action: string;
  lastAccessed?: Date;
}

/** One member of GetFindingV2's `findingDetails` union for unused-access findings. */
export type UnusedDetails =
  | { unusedIamRoleDetails: { lastAccessed?: Date } }
  | { unusedIamUserAccessKeyDetails: { accessKeyId: string; lastAccessed?: Date } }
  | { unusedIamUserPasswordDetails: { lastAccessed?: Date } }
  | { unusedPermissionDetails: { serviceNamespace: string; actions?: UnusedAction[]; lastAccessed?: Date } };

/** A finding as the stand-in stores it: the union of what GetFinding, GetFindingV2 and the events expose. */
export interface StandinFinding {
  id: string;
  analyzerArn: string;
  findingType: FindingType;
  status: FindingStatus;
  /** Status before the last status change; `''` while it never changed (the unused-access event field). */
  previousStatus: FindingStatus | '';
  resource: string;
  resourceType: string;
  resourceOwnerAccount: string;
  principal?: Record<string, string>;
  action?: string[];
  condition: Record<string, string>;
  isPublic?: boolean;
  sources?: FindingSource[];
  error?: string;
  resourceControlPolicyRestriction?: string;
  /** Unused-access details, one entry per `findingDetails` item (several services for UnusedPermission). */
  unusedDetails: UnusedDetails[];
  createdAt: Date;
  analyzedAt: Date;
  updatedAt: Date;
  isDeleted: boolean;
}

/** What `addFinding` accepts: any subset, the rest is defaulted from the analyzer and the finding type. */
export type NewFinding = Partial<Omit<StandinFinding, 'unusedDetails' | 'previousStatus'>> & {
  unusedDetails?: UnusedDetails | UnusedDetails[];
};

/** Fields a later analysis (or an admin) may change on an existing finding. */
export type FindingPatch = Partial<
  Pick<
    StandinFinding,
    | 'status'
    | 'principal'
    | 'action'
    | 'condition'
    | 'isPublic'
    | 'sources'
    | 'error'
    | 'resourceControlPolicyRestriction'
    | 'analyzedAt'
    | 'isDeleted'
    | 'unusedDetails'
  >
>;

export type FindingListener = (finding: StandinFinding, previous: StandinFinding | undefined) => void;

export function isUnusedType(type: FindingType): boolean {
  return UNUSED_FINDING_TYPES.includes(type);
}

export function isUnusedAnalyzer(type: AnalyzerType): boolean {
  return type === 'ACCOUNT_UNUSED_ACCESS' || type === 'ORGANIZATION_UNUSED_ACCESS';
}

export function isExternalAnalyzer(type: AnalyzerType): boolean {
  return type === 'ACCOUNT' || type === 'ORGANIZATION';
}
