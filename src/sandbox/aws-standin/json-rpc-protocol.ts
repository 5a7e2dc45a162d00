import { AwsError } from './errors';
import type { ServiceName } from './call-log';
import type { ServiceProtocol, WireReply } from './service';

/**
 * The AWS JSON 1.1 protocol shared by KMS (`TrentService.*`), Secrets Manager (`secretsmanager.*`) and
 * EventBridge (`AWSEvents.*`): `POST /` with `X-Amz-Target: <prefix>.<Operation>` and
 * `Content-Type: application/x-amz-json-1.1`; results are JSON objects, timestamps epoch seconds. Errors
 * carry the shape name in `__type` and in `x-amzn-errortype`, the text in `message` (and `Message`, the
 * member name Secrets Manager models), which is how the SDK picks its exception class.
 */
export interface JsonRpcOptions {
  service: ServiceName;
  signingName: string;
  targetPrefix: string;
  execute: (operation: string, input: Record<string, unknown>) => unknown;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The body of an AWS JSON (1.0 or 1.1) request: a JSON object, empty meaning `{}`; else SerializationException. */
export function parseJsonObjectBody(body: string): Record<string, unknown> {
  let input: unknown = {};
  if (body.trim() !== '') {
    try {
      input = JSON.parse(body);
    } catch {
      throw new AwsError('SerializationException', 400, 'Request body is not valid JSON');
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsError('SerializationException', 400, 'Request body must be a JSON object');
  }
  return input as Record<string, unknown>;
}

export function jsonRpcProtocol(options: JsonRpcOptions): ServiceProtocol {
  const prefix = `${options.targetPrefix}.`;
  return {
    service: options.service,
    signingName: options.signingName,
    accepts: (request) => String(request.headers['x-amz-target'] ?? '').startsWith(prefix),
    decode: (request) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (!target.startsWith(prefix)) {
        throw new AwsError('UnknownOperationException', 400, `Unknown target ${target || '(none)'}`);
      }
      return { operation: target.slice(prefix.length), input: parseJsonObjectBody(request.body) };
    },
    execute: (operation, input) => options.execute(operation, input),
    encode: (result) => reply(200, {}, JSON.stringify(result ?? {})),
    encodeError: (error) =>
      reply(
        error.status,
        { 'x-amzn-errortype': error.name },
        JSON.stringify({
          ...error.fields,
          __type: error.name,
          message: error.message,
          Message: error.message,
        }),
      ),
  };
}

function reply(status: number, headers: Record<string, string>, body: string): WireReply {
  return { status, headers: { 'content-type': CONTENT_TYPE, ...headers }, body };
}

/** JSON 1.1 timestamps: epoch seconds, fractional milliseconds kept. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

export function unknownOperation(operation: string): AwsError {
  return new AwsError(
    'UnknownOperationException',
    400,
    `Operation ${operation} is not supported by the stand-in`,
  );
}
