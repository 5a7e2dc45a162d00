/**
 * The sandbox web console: a Slack-like channel page served by the Slack stand-in's own HTTP server (`GET /` at
 * `standin.url`), where a newcomer works findings as if in Slack — switch between the on-call engineer and the
 * approvers, click buttons (with confirm dialogs), read threads and ephemerals, fill modals, run slash
 * commands, inject sample findings. Live via Server-Sent Events.
 *
 * Routes: `GET /` page · `GET /console/assets/*` CSS/JS · `GET /console/api/state` · `GET /console/api/events`
 * (SSE) · `POST /console/api/{click,command,message,submit,dispatch,close,inject}` (JSON bodies) ·
 * `GET /console/files/<file id>` an uploaded file's bytes, always as an attachment (never rendered by the browser).
 */
import type { HttpAnswer, SlackStandin, StandinRequest } from '../slack-standin';
import { json } from '../slack-standin/server';
import { isActionName, runAction, type ActionDeps } from './actions';
import { serveLiveFeed } from './live-feed';
import { ASSETS, SCRIPT_URLS } from './page/assets';
import { renderShell } from './page/shell';
import { buildState } from './state';

export interface ConsoleOptions {
  /** Page and top bar title; default "<bot name> sandbox". */
  title?: string;
  /** Injects a sample finding of a kind; the returned text is shown as a toast. Without it, no Inject menu. */
  onInject?: (kind: string) => Promise<string>;
  /** The Inject menu's entries; default `DEFAULT_INJECT_KINDS` when `onInject` is given. */
  injectKinds?: { kind: string; label: string }[];
  /** A line at the bottom of the sidebar (e.g. where the bot and stand-ins run). */
  footer?: string;
}

export const DEFAULT_INJECT_KINDS = [
  { kind: 'role', label: 'IAM role trusted by another account' },
  { kind: 'bucket', label: 'S3 bucket shared with another account' },
  { kind: 'key', label: 'KMS key shared with another account' },
  { kind: 'public', label: 'Public S3 bucket' },
  { kind: 'unused', label: 'Unused access (role)' },
];

/** Headers for every console answer: no caching, no framing, scripts and styles only from this server. */
const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
};

function answer(status: number, type: string, body: string): HttpAnswer {
  return { status, headers: { 'Content-Type': type, ...SECURITY_HEADERS }, body };
}

function jsonAnswer(status: number, body: unknown): HttpAnswer {
  const base = json(status, body);
  return { ...base, headers: { ...base.headers, ...SECURITY_HEADERS } };
}

/** A completed upload's bytes as a download (octet-stream + attachment: uploaded HTML/SVG never runs here). */
function fileDownload(standin: SlackStandin, id: string): HttpAnswer {
  const file = standin.file(id);
  const bytes = standin.fileContent(id);
  if (!file || !bytes) return jsonAnswer(404, { ok: false, error: 'file_not_found' });
  const disposition = `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`;
  return {
    status: 200,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': disposition,
      ...SECURITY_HEADERS,
    },
    body: bytes,
  };
}

/** Registers the console's routes on the stand-in's server. */
export function mountConsole(standin: SlackStandin, opts: ConsoleOptions = {}): void {
  const injectKinds = opts.onInject ? (opts.injectKinds ?? DEFAULT_INJECT_KINDS) : [];
  const deps: ActionDeps = { standin, onInject: opts.onInject, injectKinds };
  const page = () =>
    renderShell({
      title: opts.title ?? `${standin.identity.botName} sandbox`,
      workspace: standin.identity.teamDomain,
      botName: standin.identity.botName,
      injectKinds,
      footer: opts.footer,
      scripts: SCRIPT_URLS,
    });

  standin.addRoute(async (req: StandinRequest, raw) => {
    if (req.method === 'GET' && (req.path === '/' || req.path === '/console' || req.path === '/console/')) {
      return answer(200, 'text/html; charset=utf-8', page());
    }
    if (req.method === 'GET' && req.path === '/favicon.ico') return answer(204, 'text/plain', '');
    const asset = /^\/console\/assets\/([a-z-]+\.(?:js|css))$/.exec(req.path)?.[1];
    if (asset !== undefined) {
      const found = ASSETS[asset];
      return found ? answer(200, found.type, found.body) : jsonAnswer(404, { ok: false, error: 'not_found' });
    }
    if (req.method === 'GET' && req.path === '/console/api/state') {
      const q = Object.fromEntries(req.query);
      return jsonAnswer(
        200,
        buildState(standin, { user: q.user, channel: q.channel, thread: q.thread, tz: q.tz }),
      );
    }
    const fileId = /^\/console\/files\/(F[A-Z0-9]+)$/.exec(req.path)?.[1];
    if (req.method === 'GET' && fileId !== undefined) return fileDownload(standin, fileId);
    if (req.method === 'GET' && req.path === '/console/api/events') {
      serveLiveFeed(standin, raw.req, raw.res);
      return 'handled';
    }
    const action = /^\/console\/api\/([a-z]+)$/.exec(req.path)?.[1];
    if (action !== undefined && isActionName(action)) {
      if (req.method !== 'POST') return jsonAnswer(405, { ok: false, notice: 'Use POST' });
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return jsonAnswer(415, {
          ok: false,
          level: 'error',
          notice: 'The console API takes application/json',
        });
      }
      let body: unknown;
      try {
        body = JSON.parse(req.body);
      } catch {
        return jsonAnswer(400, { ok: false, level: 'error', notice: 'Invalid JSON' });
      }
      const result = await runAction(deps, action, body);
      return jsonAnswer(result.invalid ? 400 : 200, result);
    }
    return undefined;
  });
}
