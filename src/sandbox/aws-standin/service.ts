import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceName } from './call-log';
import type { AwsError } from './errors';

/** An HTTP request as the stand-in's protocol modules see it. */
export interface WireRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WireReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One emulated AWS service behind the shared HTTP server: it decodes its wire protocol into an operation
 * name plus input (in SDK field names), executes it against its state, and encodes results and errors the
 * way the real endpoint does. `signal` aborts when the client goes away or the stand-in closes.
 */
export interface ServiceProtocol {
  readonly service: ServiceName;
  /**
   * SigV4 signing name (`Credential=<key>/<date>/<region>/<signingName>/aws4_request`), e.g. `iam`, `s3`,
   * `events`. The server routes a signed request by it first, as AWS front ends do by host name.
   */
  readonly signingName?: string;
  /** True when this request is addressed to this service (used for requests without a SigV4 scope). */
  accepts(request: WireRequest): boolean;
  /** Decodes the request; throws an AwsError for unknown operations or unparsable bodies. */
  decode(request: WireRequest): { operation: string; input: Record<string, unknown> };
  execute(operation: string, input: Record<string, unknown>, signal: AbortSignal): unknown;
  encode(result: unknown): WireReply;
  encodeError(error: AwsError): WireReply;
}
