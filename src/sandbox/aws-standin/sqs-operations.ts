import { AwsError } from './errors';
import { parsePolicy, PolicySyntaxError } from './policy-document';
import type { Queue } from './sqs-queue';
import { monotonicMs } from './sqs-queue';
import { queueDoesNotExist, type ReceivedMessage, type SqsContext, type SqsState } from './sqs-state';

type Input = Record<string, unknown>;

/**
 * The SQS operations the stand-in serves, with SQS's limits: 1–10 messages per receive or batch, waits of
 * 0–20 s, visibility 0–43,200 s, batch entry ids unique and `[A-Za-z0-9_-]{1,80}`. Batch calls report
 * per-entry failures in `Failed` with HTTP 200, as SQS does. GetQueueUrl with a `QueueOwnerAWSAccountId`
 * other than the stand-in's account answers QueueDoesNotExist. The queue `Policy` attribute (resource policy)
 * is read with GetQueueAttributes and written with SetQueueAttributes (see setQueueAttributes).
 */
export function executeSqs(
  state: SqsState,
  context: Pick<SqsContext, 'account' | 'clock'>,
  operation: string,
  input: Input,
  signal: AbortSignal,
): unknown {
  switch (operation) {
    case 'GetQueueUrl': {
      const name = requireString(input, 'QueueName');
      // The stand-in holds one account: a queue asked for in another account does not exist for it.
      const owner = input.QueueOwnerAWSAccountId;
      if (owner !== undefined && owner !== context.account) throw queueDoesNotExist();
      return { QueueUrl: state.queueUrl(name) };
    }
    case 'SendMessage':
      return sendMessage(state, state.queueByUrl(input.QueueUrl), input);
    case 'SendMessageBatch':
      return sendMessageBatch(state, state.queueByUrl(input.QueueUrl), input);
    case 'ReceiveMessage':
      return receiveMessage(state, context, state.queueByUrl(input.QueueUrl), input, signal);
    case 'DeleteMessage':
      state.deleteMessage(state.queueByUrl(input.QueueUrl), requireString(input, 'ReceiptHandle'));
      return {};
    case 'DeleteMessageBatch':
      return deleteMessageBatch(state, state.queueByUrl(input.QueueUrl), input);
    case 'ChangeMessageVisibility':
      return changeVisibility(state, state.queueByUrl(input.QueueUrl), input);
    case 'GetQueueAttributes':
      return getQueueAttributes(state.queueByUrl(input.QueueUrl), input);
    case 'SetQueueAttributes':
      return setQueueAttributes(state, state.queueByUrl(input.QueueUrl), input);
    default:
      throw new AwsError(
        'UnknownOperationException',
        400,
        `Operation ${operation} is not supported by the stand-in`,
      );
  }
}

function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterValue', 400, message);
}

function requireString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError('MissingParameter', 400, `The request must contain the parameter ${field}.`);
  }
  return value;
}

function intInRange(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Value ${String(value)} for parameter ${field} is invalid. Reason: Must be between ${min} and ${max}, if provided.`,
    );
  }
  return value;
}

function sendMessage(state: SqsState, queue: Queue, input: Input): unknown {
  const body = requireString(input, 'MessageBody');
  const delaySeconds = intInRange(input, 'DelaySeconds', 0, 900);
  const sent = state.send(queue.name, body, { delaySeconds });
  return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody };
}

function batchEntries(input: Input): Input[] {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new AwsError('EmptyBatchRequest', 400, 'There should be at least one entry in the request.');
  }
  if (entries.length > 10) {
    throw new AwsError(
      'TooManyEntriesInBatchRequest',
      400,
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const ids = entries.map((entry: Input) => entry.Id);
  for (const id of ids) {
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new AwsError(
        'InvalidBatchEntryId',
        400,
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.`,
      );
    }
  }
  if (new Set(ids).size !== ids.length) {
    throw new AwsError(
      'BatchEntryIdsNotDistinct',
      400,
      'Two or more batch entries in the request have the same Id.',
    );
  }
  return entries as Input[];
}

function entryFailure(entry: Input, error: AwsError): Input {
  return { Id: entry.Id, SenderFault: error.status < 500, Code: error.name, Message: error.message };
}

function sendMessageBatch(state: SqsState, queue: Queue, input: Input): unknown {
  const Successful: Input[] = [];
  const Failed: Input[] = [];
  for (const entry of batchEntries(input)) {
    try {
      const sent = sendMessage(state, queue, entry) as Input;
      Successful.push({ Id: entry.Id, ...sent });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      Failed.push(entryFailure(entry, error));
    }
  }
  return { Successful, Failed };
}

function deleteMessageBatch(state: SqsState, queue: Queue, input: Input): unknown {
  const Successful: Input[] = [];
  const Failed: Input[] = [];
  for (const entry of batchEntries(input)) {
    try {
      state.deleteMessage(queue, requireString(entry, 'ReceiptHandle'));
      Successful.push({ Id: entry.Id });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      Failed.push(entryFailure(entry, error));
    }
  }
  return { Successful, Failed };
}

function changeVisibility(state: SqsState, queue: Queue, input: Input): unknown {
  const handle = requireString(input, 'ReceiptHandle');
  const seconds = intInRange(input, 'VisibilityTimeout', 0, 43_200);
  if (seconds === undefined)
    throw new AwsError('MissingParameter', 400, 'The request must contain the parameter VisibilityTimeout.');
  state.changeVisibility(queue, handle, seconds);
  return {};
}

const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SentTimestamp',
  'SenderId',
];

function requestedNames(input: Input, fields: string[]): string[] {
  return fields.flatMap((field) => (Array.isArray(input[field]) ? (input[field] as string[]) : []));
}

async function receiveMessage(
  state: SqsState,
  context: Pick<SqsContext, 'account' | 'clock'>,
  queue: Queue,
  input: Input,
  signal: AbortSignal,
): Promise<unknown> {
  const received = await state.receive(
    queue,
    {
      maxNumberOfMessages: intInRange(input, 'MaxNumberOfMessages', 1, 10) ?? 1,
      visibilityTimeoutSeconds: intInRange(input, 'VisibilityTimeout', 0, 43_200),
      waitTimeSeconds: intInRange(input, 'WaitTimeSeconds', 0, 20),
    },
    signal,
  );
  if (received.length === 0) return {};
  const names = requestedNames(input, ['MessageSystemAttributeNames', 'AttributeNames']);
  const wanted = names.includes('All')
    ? SYSTEM_ATTRIBUTES
    : SYSTEM_ATTRIBUTES.filter((n) => names.includes(n));
  return { Messages: received.map((r) => messageToWire(r, wanted, context.account)) };
}

function messageToWire(
  { message, receiptHandle }: ReceivedMessage,
  wanted: string[],
  account: string,
): Input {
  const all: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt?.getTime() ?? ''),
    SentTimestamp: String(message.sentAt.getTime()),
    SenderId: account,
  };
  const attributes = Object.fromEntries(wanted.map((name) => [name, all[name] ?? '']));
  return {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: wanted.length > 0 ? attributes : undefined,
  };
}

/** GetQueueAttributes; `RedrivePolicy` is the JSON string SQS stores, present only when configured. */
function getQueueAttributes(queue: Queue, input: Input): unknown {
  const now = monotonicMs();
  const seconds = (date: Date): string => String(Math.floor(date.getTime() / 1000));
  const inFlight = queue.messages.filter((m) => m.receiveCount > 0 && !queue.isVisible(m, now)).length;
  const delayed = queue.messages.filter((m) => m.receiveCount === 0 && !queue.isVisible(m, now)).length;
  const all: Record<string, string> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(queue.messages.filter((m) => queue.isVisible(m, now)).length),
    ApproximateNumberOfMessagesNotVisible: String(inFlight),
    ApproximateNumberOfMessagesDelayed: String(delayed),
    CreatedTimestamp: seconds(queue.createdAt),
    LastModifiedTimestamp: seconds(queue.createdAt),
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    MaximumMessageSize: '1048576',
    MessageRetentionPeriod: '345600',
    DelaySeconds: '0',
    ReceiveMessageWaitTimeSeconds: String(queue.receiveWaitTimeSeconds),
    SqsManagedSseEnabled: 'true',
  };
  if (queue.redrive) {
    const { deadLetterTargetArn, maxReceiveCount } = queue.redrive;
    all.RedrivePolicy = JSON.stringify({ deadLetterTargetArn, maxReceiveCount });
  }
  if (queue.policy !== undefined) all.Policy = queue.policy;
  const names = requestedNames(input, ['AttributeNames']);
  if (names.length === 0) return {};
  if (names.includes('All')) return { Attributes: all };
  const known = [...Object.keys(all), 'RedrivePolicy', 'Policy', 'KmsMasterKeyId', 'RedriveAllowPolicy'];
  const unknown = names.find((name) => !known.includes(name));
  if (unknown) throw new AwsError('InvalidAttributeName', 400, `Unknown Attribute ${unknown}.`);
  return { Attributes: Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]])) };
}

function invalidAttributeValue(name: string, reason: string): AwsError {
  return new AwsError(
    'InvalidAttributeValue',
    400,
    `Invalid value for the parameter ${name}. Reason: ${reason}`,
  );
}

/**
 * SetQueueAttributes for `Policy` (empty string removes it; must be a JSON policy object of at most 8,192
 * bytes, else InvalidAttributeValue), `VisibilityTimeout` and `ReceiveMessageWaitTimeSeconds`. Other
 * attributes SQS knows are refused with InvalidAttributeName by the stand-in.
 */
function setQueueAttributes(state: SqsState, queue: Queue, input: Input): unknown {
  const attributes = input.Attributes;
  if (typeof attributes !== 'object' || attributes === null || Object.keys(attributes).length === 0) {
    throw new AwsError('MissingParameter', 400, 'The request must contain the parameter Attributes.');
  }
  const entries = Object.entries(attributes as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (!['Policy', 'VisibilityTimeout', 'ReceiveMessageWaitTimeSeconds'].includes(name)) {
      throw new AwsError('InvalidAttributeName', 400, `Unknown Attribute ${name}.`);
    }
    if (typeof value !== 'string') throw invalidAttributeValue(name, 'must be a string');
  }
  const values = Object.fromEntries(entries) as Record<string, string>;
  if (values.Policy !== undefined && values.Policy !== '') checkQueuePolicy(values.Policy);
  const visibility = values.VisibilityTimeout === undefined ? undefined : Number(values.VisibilityTimeout);
  if (
    visibility !== undefined &&
    !(Number.isInteger(visibility) && visibility >= 0 && visibility <= 43_200)
  ) {
    throw invalidAttributeValue('VisibilityTimeout', 'Must be between 0 and 43200');
  }
  const wait =
    values.ReceiveMessageWaitTimeSeconds === undefined
      ? undefined
      : Number(values.ReceiveMessageWaitTimeSeconds);
  if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0 && wait <= 20)) {
    throw invalidAttributeValue('ReceiveMessageWaitTimeSeconds', 'Must be between 0 and 20');
  }
  if (visibility !== undefined) queue.visibilityTimeoutSeconds = visibility;
  if (wait !== undefined) queue.receiveWaitTimeSeconds = wait;
  if (values.Policy !== undefined)
    state.setPolicy(queue.name, values.Policy === '' ? undefined : values.Policy);
  return {};
}

function checkQueuePolicy(policy: string): void {
  if (Buffer.byteLength(policy, 'utf8') > 8192)
    throw invalidAttributeValue('Policy', 'Policy exceeds 8192 bytes.');
  try {
    parsePolicy(policy);
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw invalidAttributeValue('Policy', error.message);
    throw error;
  }
}
