import { AwsError } from './errors';
import { parseJsonObjectBody } from './json-rpc-protocol';
import { executeSqs } from './sqs-operations';
import type { SqsContext, SqsState } from './sqs-state';
import type { ServiceProtocol, WireReply, WireRequest } from './service';

/**
 * SQS's AWS JSON 1.0 protocol as the current SDK speaks it: `POST /` with `x-amz-target: AmazonSQS.<Op>`
 * and `content-type: application/x-amz-json-1.0`. The SDK runs in awsQueryCompatible mode, so errors carry
 * both `{"__type": "com.amazonaws.sqs#<Name>", "message"}` and the legacy query code in
 * `x-amzn-query-error: <code>;Sender|Receiver`; the SDK names the exception after the query code's shape.
 */
const QUERY_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
  QueueNameExists: 'QueueAlreadyExists',
};

const CONTENT_TYPE = 'application/x-amz-json-1.0';

export function sqsProtocol(
  state: SqsState,
  context: Pick<SqsContext, 'account' | 'clock'>,
): ServiceProtocol {
  return {
    service: 'SQS',
    signingName: 'sqs',
    accepts: (request) => String(request.headers['x-amz-target'] ?? '').startsWith('AmazonSQS.'),
    decode,
    execute: (operation, input, signal) => executeSqs(state, context, operation, input, signal),
    encode: (result) => reply(200, {}, JSON.stringify(result ?? {})),
    encodeError: (error) => {
      const fault = error.status >= 500 ? 'Receiver' : 'Sender';
      const code = QUERY_CODES[error.name] ?? error.name;
      const body = JSON.stringify({ __type: `com.amazonaws.sqs#${error.name}`, message: error.message });
      return reply(error.status, { 'x-amzn-query-error': `${code};${fault}` }, body);
    },
  };
}

function decode(request: WireRequest): { operation: string; input: Record<string, unknown> } {
  const operation = String(request.headers['x-amz-target']).slice('AmazonSQS.'.length);
  if (request.method !== 'POST') {
    throw new AwsError('UnsupportedOperation', 400, `SQS JSON requests must use POST, not ${request.method}`);
  }
  return { operation, input: parseJsonObjectBody(request.body) };
}

function reply(status: number, headers: Record<string, string>, body: string): WireReply {
  return { status, headers: { 'content-type': CONTENT_TYPE, ...headers }, body };
}
