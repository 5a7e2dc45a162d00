/**
 * Resource policies the example account and the sandbox's sample findings are made of, written once:
 * a bucket readable by anyone, and a key policy with KMS's default root statement plus a grant to a partner.
 */
import { rootKeyStatement } from './kms-state';

/** Anyone may read the bucket's objects (the classic public-bucket finding). */
export function publicReadBucketPolicy(bucket: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  };
}

/** KMS's default `Enable IAM User Permissions` statement plus `actions` for another account's root. */
export function keyPolicySharedWith(
  account: string,
  partner: string,
  actions: string[],
  sid = 'Allow use of the key by the partner account',
): object {
  return {
    Version: '2012-10-17',
    Statement: [
      rootKeyStatement(account),
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${partner}:root` },
        Action: actions,
        Resource: '*',
      },
    ],
  };
}
