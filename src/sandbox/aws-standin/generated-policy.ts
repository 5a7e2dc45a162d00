import type { Clock } from './clock';
import { sizeWithoutWhitespace } from './policy-document';

/**
 * The CloudTrail-like activity of the account's principals and the identity policy Access Analyzer policy
 * generation builds from it ("IAM Access Analyzer policy generation"):
 * - only activity inside the requested window counts; `iam:PassRole` and S3 object-level data events
 *   (actions on objects, e.g. s3:GetObject) are never included, as the service documents;
 * - actions are grouped per service and per resource: actions recorded with a resource ARN get that
 *   resource's placeholder when `includeResourcePlaceholders` (`arn:aws:s3:::${BucketName}`,
 *   `arn:aws:iam::${Account}:role/${RoleNameWithPath}`, …), else `*`; actions recorded without one get `*`;
 * - statements are sorted (service, then resource); a policy over the 6,144-character managed-policy limit is
 *   split into several generated policies.
 */
export interface Activity {
  /** Service namespace (`s3`) or CloudTrail event source (`s3.amazonaws.com`). */
  service: string;
  /** Action name, with or without the service prefix (`CreateBucket` or `s3:CreateBucket`). */
  action: string;
  /** ARN of the resource acted on, when the action is resource-level. */
  resource?: string;
  at?: Date;
}

interface Recorded {
  principalArn: string;
  action: string;
  resource?: string;
  at: Date;
}

export class ActivityLog {
  private readonly entries: Recorded[] = [];

  constructor(private readonly clock: Clock) {}

  record(principalArn: string, activity: Activity): void {
    const service = activity.service.replace(/\.amazonaws\.com$/, '').toLowerCase();
    const name = activity.action.includes(':') ? activity.action.split(':')[1] : activity.action;
    if (!service || !name) throw new Error('recordActivity needs a service and an action');
    this.entries.push({
      principalArn,
      action: `${service}:${name}`,
      resource: activity.resource,
      at: activity.at ?? this.clock(),
    });
  }

  between(principalArn: string, start: Date, end: Date): Recorded[] {
    return this.entries.filter(
      (e) =>
        e.principalArn === principalArn &&
        e.at.getTime() >= start.getTime() &&
        e.at.getTime() <= end.getTime(),
    );
  }
}

const MAX_POLICY = 6144;

export function generatePolicies(activity: Recorded[], placeholders: boolean): string[] {
  const groups = new Map<string, Set<string>>();
  for (const entry of activity) {
    const [service = '', name = ''] = entry.action.split(':');
    if (entry.action.toLowerCase() === 'iam:passrole') continue;
    if (service === 's3' && /object/i.test(name)) continue;
    const resource = placeholders && entry.resource ? placeholder(entry.resource) : '*';
    const key = `${service}\n${resource}`;
    const actions = groups.get(key) ?? new Set<string>();
    actions.add(entry.action);
    groups.set(key, actions);
  }
  const statements = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, actions]) => ({
      Effect: 'Allow',
      Action: [...actions].sort(),
      Resource: key.split('\n')[1] ?? '*',
    }));
  const policies: object[][] = [[]];
  for (const statement of statements) {
    const current = policies[policies.length - 1] as object[];
    const candidate = JSON.stringify({ Version: '2012-10-17', Statement: [...current, statement] });
    if (current.length > 0 && sizeWithoutWhitespace(candidate) > MAX_POLICY) policies.push([statement]);
    else current.push(statement);
  }
  return policies.map((statementsOfPolicy) =>
    JSON.stringify({ Version: '2012-10-17', Statement: statementsOfPolicy }),
  );
}

/** Placeholder ARN for a resource ARN, keeping the partition and service. */
export function placeholder(arn: string): string {
  const [prefix = 'arn', partition = 'aws', service = '', region = '', account = '', ...rest] =
    arn.split(':');
  const resource = rest.join(':');
  const head = (r: boolean, a: boolean): string =>
    `${prefix}:${partition}:${service}:${r && region ? '${Region}' : ''}:${a && account ? '${Account}' : ''}`;
  switch (service) {
    case 's3':
      return `${head(false, false)}:${resource.includes('/') ? '${BucketName}/${ObjectName}' : '${BucketName}'}`;
    case 'iam': {
      const kind = resource.split('/')[0] ?? '';
      const name = { role: 'RoleNameWithPath', user: 'UserNameWithPath', policy: 'PolicyNameWithPath' }[kind];
      return name ? `${head(false, true)}:${kind}/\${${name}}` : `${head(false, true)}:\${ResourceName}`;
    }
    case 'kms':
      return `${head(true, true)}:key/\${KeyId}`;
    case 'sqs':
      return `${head(true, true)}:\${QueueName}`;
    case 'secretsmanager':
      return `${head(true, true)}:secret:\${SecretId}`;
    case 'dynamodb':
      return `${head(true, true)}:table/\${TableName}`;
    default:
      return `${head(true, true)}:\${ResourceName}`;
  }
}
