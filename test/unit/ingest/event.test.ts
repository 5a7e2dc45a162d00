import { InvalidInputError } from '../../../src/errors';
import { parseEvent } from '../../../src/ingest/event';
import { ANALYZER_ARN, externalS3, internalAccess, roleAlice, unusedPermission } from '../../fixtures/events';

describe('parseEvent', () => {
  it('turns the documented external-access sample into a finding', () => {
    // Act
    const parsed = parseEvent(externalS3);
    // Assess
    expect(parsed.kind).toBe('finding');
    if (parsed.kind !== 'finding') return;
    expect(parsed.finding).toMatchObject({
      id: '22222222-dcba-4444-dcba-333333333333',
      analyzerArn: ANALYZER_ARN,
      kind: 'external',
      status: 'ACTIVE',
      resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
      resourceType: 'AWS::S3::Bucket',
      principal: { AWS: '999988887777' },
      action: ['s3:GetObject'],
      isPublic: false,
      isDeleted: false,
      accountId: '111122223333',
      region: 'us-west-2',
    });
  });

  it('reads the unused-access sample, whose id key is findingId', () => {
    const parsed = parseEvent(unusedPermission);
    expect(parsed.kind).toBe('finding');
    if (parsed.kind !== 'finding') return;
    expect(parsed.finding.id).toBe('b8ae0460-5d29-4922-b92a-ba956c986277');
    expect(parsed.finding.kind).toBe('unused');
    expect(parsed.finding.findingType).toBe('UnusedPermission');
    expect(parsed.finding.unused).toEqual({ unusedServices: 0, unusedActions: 1 });
  });

  it('accepts an error finding, which has no principal, action or condition', () => {
    const { principal: _p, action: _a, condition: _c, isPublic: _i, ...detail } = externalS3.detail;
    const parsed = parseEvent({ ...externalS3, detail: { ...detail, error: 'ACCESS_DENIED' } });
    expect(parsed.kind === 'finding' && parsed.finding.error).toBe('ACCESS_DENIED');
  });

  it('classifies a well-formed event of another kind as unhandled, not an error', () => {
    expect(parseEvent(internalAccess)).toMatchObject({
      kind: 'unhandled',
      detailType: 'Internal Access Finding',
    });
    expect(parseEvent({ ...externalS3, source: 'aws.s3', 'detail-type': 'Object Created' }).kind).toBe(
      'unhandled',
    );
  });

  it.each([
    ['a JSON array', [], 'must be a JSON object'],
    ['no detail-type', { ...externalS3, 'detail-type': undefined }, 'detail-type'],
    ['a bad account', { ...externalS3, account: '12' }, 'account must be a 12-digit AWS account id'],
    ['an unknown status', roleAlice({ status: 'OPEN' }), 'detail.status'],
    ['a missing resource', roleAlice({ resource: undefined }), 'detail.resource'],
    ['an oversized resource', roleAlice({ resource: `arn:aws:s3:::${'x'.repeat(5000)}` }), 'detail.resource'],
    [
      'too many actions',
      roleAlice({ action: Array.from({ length: 600 }, (_, i) => `s3:A${i}`) }),
      'detail.action',
    ],
    ['a finding id with markup', roleAlice({ id: '<script>' }), 'detail.id'],
    ['no analyzer ARN', { ...externalS3, resources: ['not-an-arn'] }, 'analyzer ARN'],
  ])('rejects an event with %s, saying why', (_name, event, reason) => {
    expect(() => parseEvent(event)).toThrow(InvalidInputError);
    expect(() => parseEvent(event)).toThrow(reason);
  });

  it('uses ANALYZER_ARN for an event that names no analyzer', () => {
    const parsed = parseEvent({ ...externalS3, resources: [] }, ANALYZER_ARN);
    expect(parsed.kind === 'finding' && parsed.finding.analyzerArn).toBe(ANALYZER_ARN);
  });
});
