import { randomUUID } from 'node:crypto';
import { AwsError } from './errors';
import type { ServiceProtocol, WireReply, WireRequest } from './service';
import { element, type XmlValue } from './xml';

/**
 * IAM's awsQuery protocol, as the SDK's AwsQueryProtocol speaks it: `POST /` with a form body
 * `Action=<Op>&Version=2010-05-08&...`, nested members as `Tags.member.1.Key=...`. Replies are
 * `<OpResponse><OpResult>…</OpResult><ResponseMetadata><RequestId>` XML, lists as `<member>` items; errors are
 * `<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>…` with IAM's HTTP status. The
 * SDK maps the query code (`NoSuchEntity`) to its exception class (`NoSuchEntityException`).
 * IAM is global: the SDK signs for `iam` in whatever region the client has, and with a custom `endpoint`
 * sends every call there, so the stand-in serves it on the shared port.
 */
const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const NUMERIC = new Set(['MaxItems', 'MaxSessionDuration']);

export interface IamReply {
  operation: string;
  result: XmlValue;
}

export function iamProtocol(
  execute: (operation: string, input: Record<string, unknown>) => XmlValue,
): ServiceProtocol {
  return {
    service: 'IAM',
    signingName: 'iam',
    accepts: (request) =>
      request.method === 'POST' &&
      /(^|&)Action=/.test(request.body) &&
      request.body.includes('Version=2010-05-08'),
    decode,
    execute: (operation, input): IamReply => ({ operation, result: execute(operation, input) }),
    encode: (reply) => {
      const { operation, result } = reply as IamReply;
      const body =
        element(`${operation}Result`, result) + element('ResponseMetadata', { RequestId: randomUUID() });
      return xml(200, `<${operation}Response xmlns="${NS}">${body}</${operation}Response>`);
    },
    encodeError: (error) => {
      const type = error.status >= 500 ? 'Receiver' : 'Sender';
      const detail = element('Error', { Type: type, Code: error.name, Message: error.message });
      return xml(
        error.status,
        `<ErrorResponse xmlns="${NS}">${detail}${element('RequestId', randomUUID())}</ErrorResponse>`,
      );
    },
  };
}

function decode(request: WireRequest): { operation: string; input: Record<string, unknown> } {
  const params = new URLSearchParams(request.body);
  const operation = params.get('Action') ?? '';
  if (operation === '') throw new AwsError('MissingAction', 400, 'Missing Action');
  const input: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    assign(input, key.split('.'), NUMERIC.has(key) ? Number(value) : value);
  }
  return { operation, input };
}

/** Places `Tags.member.2.Key=v` at `input.Tags[1].Key`; `member.N` segments become array positions. */
function assign(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i] as string;
    const isMember = path[i + 1] === 'member' && /^\d+$/.test(path[i + 2] ?? '');
    const last = i === path.length - 1 || (isMember && i + 2 === path.length - 1);
    if (isMember) {
      const list = ((node as Record<string, unknown>)[segment] ??= []) as unknown[];
      const index = Number(path[i + 2]) - 1;
      if (last) {
        list[index] = value;
        return;
      }
      node = (list[index] ??= {}) as Record<string, unknown>;
      i += 2;
      continue;
    }
    if (last) {
      (node as Record<string, unknown>)[segment] = value;
      return;
    }
    node = ((node as Record<string, unknown>)[segment] ??= {}) as Record<string, unknown>;
  }
}

function xml(status: number, body: string): WireReply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>${body}`,
  };
}
