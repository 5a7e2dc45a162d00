import { isObject, type Json } from './element-limits';
import type { ResponseTarget, ResponseUrls } from './response-urls';

/**
 * Bodies of what the stand-in sends to the app and reads back: interactivity payloads are form-encoded
 * `payload=<JSON>`; a slash command's synchronous answer may be JSON or plain text.
 */

export const FORM = 'application/x-www-form-urlencoded';

/** `payload=<JSON>`, the body Slack posts for block_actions, view_submission and view_closed. */
export function formBody(payload: Json): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** What a raw delivery carried, for the record: the JSON, the `payload` field's JSON, or the form fields. */
export function parseRawPayload(body: string, contentType: string): Json {
  try {
    if (contentType.includes('json')) {
      const parsed: unknown = JSON.parse(body);
      return isObject(parsed) ? parsed : {};
    }
    const fields = Object.fromEntries(new URLSearchParams(body));
    if (typeof fields.payload === 'string') {
      const parsed: unknown = JSON.parse(fields.payload);
      return isObject(parsed) ? parsed : {};
    }
    return fields;
  } catch {
    return {};
  }
}

/**
 * Shows a slash command's HTTP 200 answer like Slack: a JSON message (ephemeral unless `in_channel`), or plain
 * text as an ephemeral message; an empty body shows nothing, and so does a body Slack cannot use.
 */
export function applyCommandReply(responseUrls: ResponseUrls, target: ResponseTarget, body: string): void {
  if (body.trim() === '') return;
  let message: Json = { text: body };
  try {
    const parsed: unknown = JSON.parse(body);
    if (isObject(parsed)) message = parsed;
  } catch {
    /* plain text */
  }
  try {
    responseUrls.apply(target, message);
  } catch {
    /* Slack shows nothing for an unusable reply body */
  }
}
