/**
 * Narrow cases of Deny on resource policies with an in-memory gateway (the full paths run on the stand-ins in
 * test/integration/approvals/deny-resources.test.ts): what is applied is what was approved, and a Deny that would
 * take access from the owner's side is never put to approvers.
 */
import type { Finding } from '../../../src/findings/finding';
import type { PolicyDocument } from '../../../src/remediation/policy-document';
import type { AccessPreviewer, ResourcePolicyGateway } from '../../../src/remediation/ports';
import {
  DenyChangedError,
  applyResourcePolicyDeny,
  approvedStatement,
  planResourcePolicyDeny,
  type ResourceDenyDeps,
} from '../../../src/remediation/resource-deny';
import { DenyNotApplicableError } from '../../../src/remediation/trust-policy-deny';
import { refuseOwnerLoss } from '../../../src/remediation/deny-support';
import { publicReadBucketPolicy } from '../../../src/sandbox/aws-standin';

const OWN = '111122223333';
const BUCKET_ARN = 'arn:aws:s3:::shared-data';

const publicFinding: Finding = {
  id: '0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9',
  analyzerArn: `arn:aws:access-analyzer:us-west-2:${OWN}:analyzer/main`,
  kind: 'external',
  status: 'ACTIVE',
  isDeleted: false,
  resource: BUCKET_ARN,
  resourceType: 'AWS::S3::Bucket',
  accountId: OWN,
  region: 'us-west-2',
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
  principal: { AWS: '*' },
  action: ['s3:GetObject'],
  isPublic: true,
};

const publicRead = (): PolicyDocument => publicReadBucketPolicy('shared-data') as PolicyDocument;

/** A bucket policy held in memory, with the writes it received. */
function memoryBucket(initial: PolicyDocument | null) {
  let document = initial;
  const writes: (PolicyDocument | null)[] = [];
  const gateway: ResourcePolicyGateway = {
    read: async (resourceArn) => ({ resourceArn, document: document && structuredClone(document) }),
    write: async (_arn, next) => {
      writes.push(next);
      document = next;
    },
  };
  return { gateway, writes, set: (next: PolicyDocument) => (document = next) };
}

const previewer: AccessPreviewer = {
  previewTrustPolicy: async () => ({ kind: 'unavailable', detail: 'not asked' }),
  previewPolicy: async () => ({ kind: 'unavailable', detail: 'not asked' }),
};

const depsWith = (gateway: ResourcePolicyGateway): ResourceDenyDeps => ({
  gateways: { 's3-bucket': gateway, 'kms-key': gateway, 'sqs-queue': gateway, secret: gateway },
  previewer,
});

describe('applying a resource-policy Deny', () => {
  it('applies the statement the approvers saw', async () => {
    // Prepare
    const bucket = memoryBucket(publicRead());
    const deps = depsWith(bucket.gateway);
    const plan = await planResourcePolicyDeny(publicFinding, 's3-bucket', deps);

    // Act
    const change = await applyResourcePolicyDeny(
      publicFinding,
      's3-bucket',
      deps,
      approvedStatement({ ...plan }),
    );

    // Assess
    expect(change.changed).toBe(true);
    expect(bucket.writes).toEqual([plan.after]);
  });

  it('refuses, changing nothing, when the policy changed so that the Deny would differ from the approved one', async () => {
    // Prepare: approved while the bucket named no partner; a partner's Allow is added before it runs.
    const bucket = memoryBucket(publicRead());
    const deps = depsWith(bucket.gateway);
    const plan = await planResourcePolicyDeny(publicFinding, 's3-bucket', deps);
    const changed = publicRead();
    changed.Statement.push({
      Sid: 'Partner',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 's3:GetObject',
      Resource: `${BUCKET_ARN}/*`,
    });
    bucket.set(changed);

    // Act + Assess
    await expect(
      applyResourcePolicyDeny(publicFinding, 's3-bucket', deps, approvedStatement({ ...plan })),
    ).rejects.toBeInstanceOf(DenyChangedError);
    expect(bucket.writes).toEqual([]);
  });

  it('finds no approved statement in plans of other kinds', () => {
    expect(approvedStatement({ kind: 'role-trust-policy', op: 'deny' })).toBeUndefined();
    expect(approvedStatement(undefined)).toBeUndefined();
  });
});

describe('refuseOwnerLoss', () => {
  it('refuses a Deny our evaluator is sure takes access from the owner, naming what is lost', () => {
    const evidence = {
      keepsOwnerAccess: false as const,
      details: [
        'kept: a',
        'LOST: AWS arn:aws:iam::111122223333:role/App → s3:GetObject: explicitly denied by AADeny1',
      ],
    };
    expect(() => refuseOwnerLoss(evidence)).toThrow(DenyNotApplicableError);
    expect(() => refuseOwnerLoss(evidence)).toThrow(/role\/App → s3:GetObject/);
  });

  it.each([true, 'unknown' as const])('lets the request go ahead when the evidence says %s', (keeps) => {
    expect(() => refuseOwnerLoss({ keepsOwnerAccess: keeps, details: [] })).not.toThrow();
  });
});
