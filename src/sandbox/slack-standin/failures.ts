import type { ApiFailure } from './types';

/** Queued failures per method (`failNext`): each call of that method consumes one, oldest first. */
export class Failures {
  private readonly queued = new Map<string, ApiFailure[]>();

  add(method: string, failure: ApiFailure, times = 1): void {
    if (!failure.error && failure.status === undefined && failure.retryAfterSeconds === undefined) {
      throw new Error('failNext needs an error, a status or retryAfterSeconds');
    }
    const list = this.queued.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.queued.set(method, list);
  }

  take(method: string): ApiFailure | undefined {
    const list = this.queued.get(method);
    const next = list?.shift();
    if (list && list.length === 0) this.queued.delete(method);
    return next;
  }
}

export interface FailureResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  error: string;
}

/**
 * How Slack answers each kind of failure: a Slack error is HTTP 200 `{ok:false,error}`; rate limiting is
 * HTTP 429 + `Retry-After` + `{ok:false,error:'ratelimited'}`; other statuses come from Slack's edge as HTML.
 */
export function failureResponse(failure: ApiFailure): FailureResponse {
  const json = { 'Content-Type': 'application/json; charset=utf-8' };
  if (failure.retryAfterSeconds !== undefined || failure.status === 429) {
    const headers: Record<string, string> = { ...json };
    if (failure.retryAfterSeconds !== undefined) headers['Retry-After'] = String(failure.retryAfterSeconds);
    return {
      status: 429,
      headers,
      body: JSON.stringify({ ok: false, error: 'ratelimited' }),
      error: 'ratelimited',
    };
  }
  if (failure.status !== undefined && failure.status !== 200) {
    return {
      status: failure.status,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: `<html><body><h1>${failure.status}</h1></body></html>`,
      error: `http_${failure.status}`,
    };
  }
  const error = failure.error ?? 'fatal_error';
  return { status: 200, headers: json, body: JSON.stringify({ ok: false, error }), error };
}
