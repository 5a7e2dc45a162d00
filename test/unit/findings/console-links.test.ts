import { findingConsoleUrl, resourceConsoleUrl } from '../../../src/findings/console-links';

const f = {
  id: 'abc-1',
  analyzerArn: 'arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/main',
  region: 'eu-west-1',
  accountId: '111122223333',
};

describe('console links', () => {
  it('links the finding in the Access Analyzer console of its region', () => {
    expect(findingConsoleUrl(f)).toBe(
      'https://eu-west-1.console.aws.amazon.com/access-analyzer/home?region=eu-west-1#/findings/details/arn%3Aaws%3Aaccess-analyzer%3Aeu-west-1%3A111122223333%3Aanalyzer%2Fmain/abc-1',
    );
  });

  it.each([
    [
      'AWS::S3::Bucket',
      'arn:aws:s3:::logs',
      'https://s3.console.aws.amazon.com/s3/buckets/logs?region=eu-west-1&tab=permissions',
    ],
    [
      'AWS::IAM::Role',
      'arn:aws:iam::111122223333:role/path/Audit',
      'https://console.aws.amazon.com/iam/home#/roles/details/Audit?section=trust_relationships',
    ],
    [
      'AWS::KMS::Key',
      'arn:aws:kms:eu-west-1:111122223333:key/1234',
      'https://eu-west-1.console.aws.amazon.com/kms/home?region=eu-west-1#/kms/keys/1234',
    ],
    [
      'AWS::DynamoDB::Stream',
      'arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/2026',
      'table?name=orders',
    ],
  ])('%s links to where its access is edited', (resourceType, resource, url) => {
    expect(resourceConsoleUrl({ ...f, resourceType, resource })).toContain(url);
  });

  it('falls back to the finding page for a type it does not know', () => {
    expect(resourceConsoleUrl({ ...f, resourceType: 'AWS::New::Thing', resource: 'arn:aws:new:::x' })).toBe(
      findingConsoleUrl(f),
    );
  });
});
