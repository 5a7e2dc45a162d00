import { isObject, type Json } from './element-limits';

/** A Web API failure with Slack's error name, optional `response_metadata.messages`, optional extra fields. */
export class ApiError extends Error {
  constructor(
    readonly error: string,
    readonly messages?: string[],
    readonly extra?: Json,
  ) {
    super(error);
  }
}

/** Arguments Slack sends as JSON inside form fields (what WebClient does with nested objects). */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view', 'files'];

export interface DecodedBody {
  args: Json;
  /** `token` passed as a body parameter (Slack accepts it for form posts). */
  bodyToken?: string;
  isJson: boolean;
}

/**
 * Decodes a Web API request body the way Slack does: `application/x-www-form-urlencoded` (values are strings,
 * nested objects JSON-encoded) or `application/json` (token must then come in the Authorization header);
 * query-string parameters are merged in for GET-style calls. Throws `invalid_json` / `invalid_post_type`.
 */
export function decodeBody(
  raw: string,
  contentType: string | undefined,
  query: URLSearchParams,
): DecodedBody {
  const args: Json = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let isJson = false;
  if (raw.length > 0) {
    if (type === 'application/json') {
      isJson = true;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new ApiError('invalid_json');
      }
      if (!isObject(parsed)) throw new ApiError('invalid_json');
      Object.assign(args, parsed);
    } else if (type === 'application/x-www-form-urlencoded' || type === 'text/plain' || type === '') {
      Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
    } else {
      throw new ApiError('invalid_post_type');
    }
  }
  const bodyToken = typeof args.token === 'string' && !isJson ? args.token : undefined;
  delete args.token;
  return { args, bodyToken, isJson };
}

/** Copy of the args for `RecordedCall.args`: JSON-encoded fields parsed back into objects where possible. */
export function readableArgs(args: Json): Json {
  const out: Json = { ...args };
  for (const key of JSON_FIELDS) {
    const value = out[key];
    if (typeof value === 'string') {
      try {
        out[key] = JSON.parse(value);
      } catch {
        /* keep the raw string: the handler reports the format error */
      }
    }
  }
  return out;
}

/** Typed, lenient access to method arguments — form values arrive as strings, JSON values as their types. */
export class Args {
  constructor(readonly raw: Json) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  str(name: string): string | undefined {
    const v = this.raw[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  }

  /** Required string; missing ⇒ the given Slack error (default `invalid_arguments`). */
  need(name: string, error = 'invalid_arguments'): string {
    const v = this.str(name);
    if (v === undefined || v === '') {
      throw new ApiError(
        error,
        error === 'invalid_arguments' ? [`[ERROR] missing required field: ${name}`] : undefined,
      );
    }
    return v;
  }

  bool(name: string): boolean {
    const v = this.raw[name];
    return v === true || v === 'true' || v === '1' || v === 1;
  }

  int(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    const n = Number.parseInt(v, 10);
    return Number.isNaN(n) ? undefined : n;
  }

  /** A JSON-valued argument (string in forms, value in JSON bodies); unparseable ⇒ `formatError`. */
  json(name: string, formatError: string): unknown {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      throw new ApiError(formatError);
    }
  }
}
