import { createAwsStandin, type AwsStandin } from '../../../../src/sandbox/aws-standin';

// Keys of the official samples in /work/shared/reference/access-analyzer.md (section a).
const ENVELOPE_KEYS = [
  'account',
  'detail',
  'detail-type',
  'id',
  'region',
  'resources',
  'source',
  'time',
  'version',
];
const EXTERNAL_DETAIL_KEYS = [
  'accountId',
  'action',
  'analyzedAt',
  'condition',
  'createdAt',
  'id',
  'isDeleted',
  'isPublic',
  'principal',
  'region',
  'resource',
  'resourceType',
  'status',
  'updatedAt',
  'version',
];
const EXTERNAL_ERROR_DETAIL_KEYS = [
  'accountId',
  'analyzedAt',
  'createdAt',
  'error',
  'id',
  'isDeleted',
  'region',
  'resource',
  'resourceType',
  'status',
  'updatedAt',
  'version',
];
const UNUSED_PERMISSION_DETAIL_KEYS = [
  'accountId',
  'analyzedAt',
  'createdAt',
  'findingId',
  'findingType',
  'isDeleted',
  'numberOfUnusedActions',
  'numberOfUnusedServices',
  'previousStatus',
  'resource',
  'resourceType',
  'status',
  'updatedAt',
  'version',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('AWS stand-in: Access Analyzer EventBridge events', () => {
  let standin: AwsStandin;
  let now: Date;

  beforeEach(async () => {
    now = new Date('2024-05-01T10:00:00.000Z');
    standin = await createAwsStandin({ now: () => now });
  });

  afterEach(() => standin.close());

  it('builds an external access event with exactly the keys of the official ACTIVE sample', () => {
    // Prepare
    const analyzer = standin.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' });
    const finding = standin.accessAnalyzer.addFinding({
      analyzerArn: analyzer.arn,
      resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
      principal: { AWS: '999988887777' },
    });

    // Act
    const event = standin.accessAnalyzer.toEvent(finding);

    // Assess
    expect(Object.keys(event).sort()).toEqual(ENVELOPE_KEYS);
    expect(Object.keys(event.detail).sort()).toEqual(EXTERNAL_DETAIL_KEYS);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Access Analyzer Finding',
      source: 'aws.access-analyzer',
      account: '111122223333',
      region: 'us-west-2',
      time: '2024-05-01T10:00:00Z',
      resources: ['arn:aws:access-analyzer:us-west-2:111122223333:analyzer/MyAnalyzer'],
      detail: {
        version: '1.0',
        id: finding.id,
        status: 'ACTIVE',
        resourceType: 'AWS::S3::Bucket',
        principal: { AWS: '999988887777' },
        action: ['s3:GetObject'],
        condition: {},
        isPublic: false,
        isDeleted: false,
        createdAt: '2024-05-01T10:00:00.000Z',
      },
    });
    expect(event.id).toMatch(UUID);
    expect(event.id).not.toBe(finding.id);
  });

  it('leaves principal, action, condition and isPublic out of an error finding event', () => {
    // Prepare
    standin.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' });
    const finding = standin.accessAnalyzer.addFinding({ error: 'ACCESS_DENIED' });

    // Act
    const event = standin.accessAnalyzer.toEvent(finding);

    // Assess
    expect(Object.keys(event.detail).sort()).toEqual(EXTERNAL_ERROR_DETAIL_KEYS);
    expect(event.detail.error).toBe('ACCESS_DENIED');
  });

  it('builds an unused-permission event with findingId, previousStatus, counts and a UUID version', () => {
    // Prepare
    standin.accessAnalyzer.addAnalyzer({ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' });
    const finding = standin.accessAnalyzer.addFinding({
      findingType: 'UnusedPermission',
      unusedDetails: [
        { unusedPermissionDetails: { serviceNamespace: 's3', actions: [{ action: 's3:PutObject' }] } },
        { unusedPermissionDetails: { serviceNamespace: 'dynamodb' } },
      ],
    });

    // Act
    const event = standin.accessAnalyzer.toEvent(finding);

    // Assess
    expect(Object.keys(event).sort()).toEqual(ENVELOPE_KEYS);
    expect(Object.keys(event.detail).sort()).toEqual(UNUSED_PERMISSION_DETAIL_KEYS);
    expect(event['detail-type']).toBe('Unused Access Finding for IAM entities');
    expect(event.detail).toMatchObject({
      findingId: finding.id,
      findingType: 'UnusedPermission',
      previousStatus: '',
      numberOfUnusedServices: 1,
      numberOfUnusedActions: 1,
    });
    expect(event.detail.version).toMatch(UUID);
    expect(event.detail).not.toHaveProperty('id');
  });

  it('omits the unused counts for other unused finding types', () => {
    // Prepare
    standin.accessAnalyzer.addAnalyzer({ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' });
    const finding = standin.accessAnalyzer.addFinding({ findingType: 'UnusedIAMRole' });

    // Act
    const event = standin.accessAnalyzer.toEvent(finding);

    // Assess
    expect(event.detail).not.toHaveProperty('numberOfUnusedActions');
    expect(event.detail.resourceType).toBe('AWS::IAM::Role');
  });

  it('reports the status change and the previous status once a finding is archived', () => {
    // Prepare
    standin.accessAnalyzer.addAnalyzer({ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' });
    const finding = standin.accessAnalyzer.addFinding({ findingType: 'UnusedIAMUserPassword' });
    now = new Date('2024-05-03T08:00:00.000Z');

    // Act
    const archived = standin.accessAnalyzer.setStatus(finding.id, 'ARCHIVED');
    const event = standin.accessAnalyzer.toEvent(archived);

    // Assess
    expect(event.detail).toMatchObject({
      status: 'ARCHIVED',
      previousStatus: 'ACTIVE',
      updatedAt: '2024-05-03T08:00:00.000Z',
      createdAt: '2024-05-01T10:00:00.000Z',
    });
  });

  it('announces additions, changes and deletions to onChange listeners until unsubscribed', () => {
    // Prepare
    standin.accessAnalyzer.addAnalyzer({ name: 'MyAnalyzer' });
    const seen: string[] = [];
    const unsubscribe = standin.accessAnalyzer.onChange((finding, previous) =>
      seen.push(`${previous?.status ?? 'new'}->${finding.status}${finding.isDeleted ? ' deleted' : ''}`),
    );

    // Act
    const finding = standin.accessAnalyzer.addFinding();
    standin.accessAnalyzer.updateFinding(finding.id, { condition: { 'aws:SourceIp': '10.0.0.0/8' } });
    standin.accessAnalyzer.setStatus(finding.id, 'RESOLVED');
    standin.accessAnalyzer.deleteFinding(finding.id);
    unsubscribe();
    standin.accessAnalyzer.addFinding();

    // Assess
    expect(seen).toEqual(['new->ACTIVE', 'ACTIVE->ACTIVE', 'ACTIVE->RESOLVED', 'RESOLVED->RESOLVED deleted']);
  });
});
