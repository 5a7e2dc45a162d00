import { randomBytes, randomUUID } from 'node:crypto';
import {
  isUnusedAnalyzer,
  isUnusedType,
  type Analyzer,
  type FindingType,
  type NewFinding,
  type StandinFinding,
  type UnusedDetails,
} from './access-analyzer-model';

/**
 * Fills in a new finding the way the service would have produced it: external findings name a principal,
 * actions and an empty condition unless they are error findings; unused findings carry the detail member
 * matching their type; timestamps start equal; the owner account is the analyzer's.
 */
export function buildFinding(input: NewFinding, analyzer: Analyzer, now: Date): StandinFinding {
  const findingType =
    input.findingType ?? (isUnusedAnalyzer(analyzer.type) ? 'UnusedIAMRole' : 'ExternalAccess');
  const account = input.resourceOwnerAccount ?? analyzer.account;
  const short = randomBytes(3).toString('hex');
  const createdAt = input.createdAt ?? now;
  const base: StandinFinding = {
    id: input.id ?? randomUUID(),
    analyzerArn: analyzer.arn,
    findingType,
    status: input.status ?? 'ACTIVE',
    previousStatus: '',
    resource: input.resource ?? defaultResource(findingType, account, short),
    resourceType: input.resourceType ?? defaultResourceType(findingType),
    resourceOwnerAccount: account,
    condition: input.condition ?? {},
    unusedDetails: [],
    createdAt,
    analyzedAt: input.analyzedAt ?? createdAt,
    updatedAt: input.updatedAt ?? createdAt,
    isDeleted: input.isDeleted ?? false,
  };
  copyDefined(base, input, ['error', 'sources', 'resourceControlPolicyRestriction']);
  if (isUnusedType(findingType)) {
    base.unusedDetails = toList(input.unusedDetails) ?? [defaultUnusedDetails(findingType)];
    assertDetailsMatch(findingType, base.unusedDetails);
    return base;
  }
  if (input.error === undefined) {
    base.principal = input.principal ?? { AWS: '999988887777' };
    base.action = input.action ?? ['s3:GetObject'];
    base.isPublic = input.isPublic ?? Object.values(base.principal).includes('*');
  } else {
    copyDefined(base, input, ['principal', 'action', 'isPublic']);
  }
  return base;
}

function copyDefined<K extends keyof StandinFinding>(
  target: StandinFinding,
  source: NewFinding,
  keys: K[],
): void {
  for (const key of keys) {
    const value = (source as Partial<StandinFinding>)[key];
    if (value !== undefined) target[key] = value as StandinFinding[K];
  }
}

function toList(details: UnusedDetails | UnusedDetails[] | undefined): UnusedDetails[] | undefined {
  if (details === undefined) return undefined;
  return Array.isArray(details) ? details : [details];
}

function defaultResourceType(type: FindingType): string {
  if (type === 'ExternalAccess') return 'AWS::S3::Bucket';
  return type === 'UnusedIAMRole' || type === 'UnusedPermission' ? 'AWS::IAM::Role' : 'AWS::IAM::User';
}

function defaultResource(type: FindingType, account: string, short: string): string {
  if (type === 'ExternalAccess') return `arn:aws:s3:::standin-bucket-${short}`;
  const kind = defaultResourceType(type) === 'AWS::IAM::Role' ? 'role' : 'user';
  return `arn:aws:iam::${account}:${kind}/standin-${kind}-${short}`;
}

const DETAIL_KEY: Record<Exclude<FindingType, 'ExternalAccess'>, string> = {
  UnusedIAMRole: 'unusedIamRoleDetails',
  UnusedIAMUserAccessKey: 'unusedIamUserAccessKeyDetails',
  UnusedIAMUserPassword: 'unusedIamUserPasswordDetails',
  UnusedPermission: 'unusedPermissionDetails',
};

function defaultUnusedDetails(type: FindingType): UnusedDetails {
  switch (type) {
    case 'UnusedIAMUserAccessKey':
      return {
        unusedIamUserAccessKeyDetails: { accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}` },
      };
    case 'UnusedIAMUserPassword':
      return { unusedIamUserPasswordDetails: {} };
    case 'UnusedPermission':
      return { unusedPermissionDetails: { serviceNamespace: 's3', actions: [{ action: 's3:GetObject' }] } };
    default:
      return { unusedIamRoleDetails: {} };
  }
}

function assertDetailsMatch(type: FindingType, details: UnusedDetails[]): void {
  const expected = DETAIL_KEY[type as Exclude<FindingType, 'ExternalAccess'>];
  for (const detail of details) {
    const [key] = Object.keys(detail);
    if (key !== expected) throw new Error(`a ${type} finding takes ${expected}, not ${String(key)}`);
  }
}
