import { failureResponse, type Failures } from './failures';
import type { FileStore } from './files';
import type { Route, StandinRequest } from './server';
import type { RecordedCall } from './types';
import type { HttpAnswer } from './web-api';

/**
 * The HTTP side of files, on the stand-in's own server:
 * - `POST /upload/<file id>` — the `upload_url` of `files.getUploadURLExternal`. Takes the bytes raw or as
 *   `multipart/form-data` (what WebClient's `uploadV2` sends: one file part), answers `200 OK - <bytes>` like
 *   Slack; unknown or already completed ids ⇒ 404. Recorded as method `upload_url` (`failNext('upload_url', …)`
 *   makes it fail).
 * - `GET /files-pri/<team>-<file id>/[download/]<name>` — a completed file's `url_private(_download)`, served only
 *   with the bot token (`Authorization: Bearer …`), as Slack does.
 */

export interface FileRouteDeps {
  files: FileStore;
  failures: Failures;
  record: (call: RecordedCall) => void;
  now: () => number;
  botToken: string;
}

function text(status: number, body: string): HttpAnswer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body };
}

/** The uploaded bytes: the first file part of a multipart body (else its first field), or the raw body. */
async function uploadedBytes(req: StandinRequest): Promise<Buffer | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) return req.rawBody;
  let form: FormData;
  try {
    form = await new Response(req.rawBody, { headers: { 'content-type': type } }).formData();
  } catch {
    return undefined;
  }
  const values = [...form.values()];
  const part = values.find((v) => typeof v !== 'string') ?? values[0];
  if (part === undefined) return undefined;
  return typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(await part.arrayBuffer());
}

async function upload(deps: FileRouteDeps, id: string, req: StandinRequest): Promise<HttpAnswer> {
  const args: Record<string, unknown> = { file_id: id };
  const answer = (status: number, body: string, error?: string): HttpAnswer => {
    deps.record({
      method: 'upload_url',
      args,
      ok: !error,
      ...(error ? { error } : {}),
      status,
      at: deps.now(),
    });
    return text(status, body);
  };
  if (req.method !== 'POST') return answer(405, 'Method Not Allowed', 'method_not_allowed');
  const failure = deps.failures.take('upload_url');
  if (failure) {
    const f = failureResponse(failure);
    deps.record({ method: 'upload_url', args, ok: false, error: f.error, status: f.status, at: deps.now() });
    return { status: f.status, headers: f.headers, body: f.body };
  }
  const bytes = await uploadedBytes(req);
  if (!bytes) return answer(400, 'invalid_form_data', 'invalid_form_data');
  args.bytes = bytes.length;
  if (!deps.files.receive(id, bytes)) return answer(404, 'Not Found', 'file_not_found');
  return answer(200, `OK - ${bytes.length}`);
}

function download(deps: FileRouteDeps, id: string, asAttachment: boolean, req: StandinRequest): HttpAnswer {
  if (req.method !== 'GET') return text(405, 'Method Not Allowed');
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (token !== deps.botToken) return text(403, token ? 'invalid_auth' : 'not_authed');
  const file = deps.files.file(id);
  const bytes = deps.files.content(id);
  if (!file || !bytes) return text(404, 'Not Found');
  const headers: Record<string, string> = {
    'Content-Type': file.mimetype,
    'X-Content-Type-Options': 'nosniff',
  };
  if (asAttachment)
    headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`;
  return { status: 200, headers, body: bytes };
}

export function fileRoutes(deps: FileRouteDeps): Route {
  return (req) => {
    const up = /^\/upload\/(F[A-Z0-9]+)$/.exec(req.path);
    if (up?.[1]) return upload(deps, up[1], req);
    const pri = /^\/files-pri\/[A-Z0-9]+-(F[A-Z0-9]+)\/(download\/)?[^/]+$/.exec(req.path);
    if (pri?.[1]) return download(deps, pri[1], pri[2] !== undefined, req);
    return undefined;
  };
}
