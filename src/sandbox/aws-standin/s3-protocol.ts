import { randomUUID } from 'node:crypto';
import { AwsError } from './errors';
import { parsePolicy, PolicySyntaxError } from './policy-document';
import { findExternalAccess } from './policy-evaluator';
import type { S3State } from './s3-state';
import type { ServiceProtocol, WireReply, WireRequest } from './service';
import { element, readXmlBoolean } from './xml';

/**
 * S3's REST-XML protocol for the bucket-policy subresources, path style (`forcePathStyle: true`, or any IP
 * endpoint): `GET|PUT|DELETE /<bucket>?policy`, `GET /<bucket>?policyStatus`,
 * `GET|PUT|DELETE /<bucket>?publicAccessBlock`. GetBucketPolicy answers the policy text itself as the body;
 * writes answer 204. Errors are `<Error><Code>…</Code><Message>…</Message>` with S3's status:
 * NoSuchBucket / NoSuchBucketPolicy / NoSuchPublicAccessBlockConfiguration (404), MalformedPolicy (400) for
 * invalid JSON, a Resource outside the bucket or a policy over 20 KB, AccessDenied (403) when
 * `BlockPublicPolicy` rejects a public policy or `x-amz-expected-bucket-owner` does not match.
 */
const SUBRESOURCES: Record<string, Record<string, string>> = {
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  policyStatus: { GET: 'GetBucketPolicyStatus' },
  publicAccessBlock: {
    GET: 'GetPublicAccessBlock',
    PUT: 'PutPublicAccessBlock',
    DELETE: 'DeletePublicAccessBlock',
  },
};

const MAX_POLICY_BYTES = 20 * 1024;

interface S3Reply {
  status: number;
  body?: string;
  contentType?: string;
}

export function s3Protocol(state: S3State, account: string): ServiceProtocol {
  return {
    service: 'S3',
    signingName: 's3',
    accepts: (request) => operationOf(request) !== undefined,
    decode: (request) => {
      const operation = operationOf(request);
      if (!operation)
        throw new AwsError(
          'NotImplemented',
          501,
          'A header you provided implies functionality that is not implemented.',
        );
      const bucket = decodeURIComponent(request.url.pathname.split('/')[1] ?? '');
      return {
        operation,
        input: {
          Bucket: bucket,
          Body: request.body,
          ExpectedBucketOwner: request.headers['x-amz-expected-bucket-owner'],
        },
      };
    },
    execute: (operation, input) => execute(state, account, operation, input),
    encode: (result) => {
      const reply = result as S3Reply;
      const headers: Record<string, string> = reply.contentType ? { 'content-type': reply.contentType } : {};
      return { status: reply.status, headers, body: reply.body ?? '' };
    },
    encodeError: (error) =>
      xml(
        error.status,
        element('Error', { Code: error.name, Message: error.message, RequestId: randomUUID() }),
      ),
  };
}

function operationOf(request: WireRequest): string | undefined {
  const segments = request.url.pathname.split('/').filter((s) => s !== '');
  if (segments.length !== 1) return undefined;
  for (const [subresource, methods] of Object.entries(SUBRESOURCES)) {
    if (request.url.searchParams.has(subresource)) return methods[request.method];
  }
  return undefined;
}

function execute(
  state: S3State,
  account: string,
  operation: string,
  input: Record<string, unknown>,
): S3Reply {
  const name = String(input.Bucket);
  const bucket = state.getBucket(name);
  if (!bucket) throw new AwsError('NoSuchBucket', 404, 'The specified bucket does not exist');
  if (input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== account) {
    throw new AwsError('AccessDenied', 403, 'Access Denied');
  }
  switch (operation) {
    case 'GetBucketPolicy':
      if (bucket.policy === undefined) throw noPolicy();
      return { status: 200, body: bucket.policy, contentType: 'application/json' };
    case 'PutBucketPolicy': {
      const policy = String(input.Body ?? '');
      checkPolicy(name, policy);
      if (bucket.publicAccessBlock?.BlockPublicPolicy && isPublic(policy, account)) {
        throw new AwsError('AccessDenied', 403, 'Access Denied');
      }
      state.setPolicy(name, policy);
      return { status: 204 };
    }
    case 'DeleteBucketPolicy':
      state.setPolicy(name, undefined);
      return { status: 204 };
    case 'GetBucketPolicyStatus': {
      if (bucket.policy === undefined) throw noPolicy();
      const body = element('PolicyStatus', { IsPublic: isPublic(bucket.policy, account) });
      return { status: 200, ...xmlBody(body) };
    }
    case 'GetPublicAccessBlock': {
      const block = bucket.publicAccessBlock;
      if (!block) {
        throw new AwsError(
          'NoSuchPublicAccessBlockConfiguration',
          404,
          'The public access block configuration was not found',
        );
      }
      return { status: 200, ...xmlBody(element('PublicAccessBlockConfiguration', { ...block })) };
    }
    case 'PutPublicAccessBlock': {
      const body = String(input.Body ?? '');
      if (!body.includes('<PublicAccessBlockConfiguration')) {
        throw new AwsError(
          'MalformedXML',
          400,
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      }
      const fields = [
        'BlockPublicAcls',
        'IgnorePublicAcls',
        'BlockPublicPolicy',
        'RestrictPublicBuckets',
      ] as const;
      state.setPublicAccessBlock(name, Object.fromEntries(fields.map((f) => [f, readXmlBoolean(body, f)])));
      return { status: 200 };
    }
    case 'DeletePublicAccessBlock':
      state.setPublicAccessBlock(name, undefined);
      return { status: 204 };
    default:
      throw new AwsError('NotImplemented', 501, `${operation} is not implemented by the stand-in`);
  }
}

function noPolicy(): AwsError {
  return new AwsError('NoSuchBucketPolicy', 404, 'The bucket policy does not exist');
}

/** S3's checks on a bucket policy: size, JSON, statement grammar, resources inside this bucket. */
function checkPolicy(bucket: string, policy: string): void {
  if (Buffer.byteLength(policy, 'utf8') > MAX_POLICY_BYTES) {
    throw new AwsError('MalformedPolicy', 400, 'Policies must be less than 20 KB');
  }
  let statements;
  try {
    statements = parsePolicy(policy).statements;
  } catch (error) {
    if (error instanceof PolicySyntaxError)
      throw new AwsError('MalformedPolicy', 400, 'Policy has invalid JSON');
    throw error;
  }
  for (const statement of statements) {
    if (!statement.principal && !statement.notPrincipal)
      throw new AwsError('MalformedPolicy', 400, 'Missing required field Principal');
    const resources = statement.resource ?? statement.notResource;
    if (!resources) throw new AwsError('MalformedPolicy', 400, 'Missing required field Resource');
    const own = resources.every(
      (r) => r === `arn:aws:s3:::${bucket}` || r.startsWith(`arn:aws:s3:::${bucket}/`),
    );
    if (!own) throw new AwsError('MalformedPolicy', 400, 'Policy has invalid resource');
  }
}

/** Public as S3's policy status reports it: the evaluator finds a public grant. */
export function isPublic(policy: string, account: string): boolean {
  try {
    return findExternalAccess(parsePolicy(policy), account, 'resource').some((a) => a.isPublic);
  } catch {
    return false;
  }
}

function xmlBody(body: string): { body: string; contentType: string } {
  return { body: `<?xml version="1.0" encoding="UTF-8"?>${body}`, contentType: 'application/xml' };
}

function xml(status: number, body: string): WireReply {
  const { contentType, ...rest } = xmlBody(body);
  return { status, headers: { 'content-type': contentType }, body: rest.body };
}
