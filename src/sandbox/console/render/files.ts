/**
 * Files shared with a message, as small cards like Slack's: an icon for the kind of file, the title (and the file
 * name when it differs), size and type, a download link (the console's `/console/files/<id>`), and for text of at
 * most 200 KB the content in a collapsible preview. Everything from the upload goes through `esc`/`attrs`.
 */
import type { StandinFile } from '../../slack-standin';
import { decodeText } from '../../slack-standin/files';
import type { RenderContext } from './context';
import { attrs, esc } from './html';

/** Text files up to this size get a content preview. */
export const PREVIEW_MAX_BYTES = 200 * 1024;

/** Where the console serves a file's bytes as a download. */
export function consoleFileUrl(id: string): string {
  return `/console/files/${encodeURIComponent(id)}`;
}

/** `512 B`, `1.5 KB`, `12 KB`, `3.4 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB`;
  return `${(kb / 1024).toFixed(1)} MB`;
}

function icon(file: StandinFile): string {
  if (file.mimetype.startsWith('image/')) return '🖼';
  if (file.filetype === 'pdf') return '📕';
  if (file.filetype === 'zip' || file.filetype === 'gzip') return '🗜';
  if (file.filetype === 'binary') return '📦';
  return '📄';
}

/** The collapsible content, a note why there is none, or nothing when the content is unknown here. */
function preview(file: StandinFile, ctx: RenderContext, key: string): string {
  const bytes = ctx.fileContent?.(file.id);
  if (!bytes) return '';
  const note = (text: string) => `<div class="file-note muted">${esc(text)}</div>`;
  if (bytes.length > PREVIEW_MAX_BYTES) return note('No preview: larger than 200 KB');
  const text = decodeText(bytes);
  if (text === undefined) return note('No preview: binary file');
  const a = attrs({ class: 'file-preview', 'data-keep-open': key, 'data-testid': `file-preview-${file.id}` });
  return `<details${a}><summary>Show content</summary><pre class="file-text">${esc(text)}</pre></details>`;
}

function card(file: StandinFile, ctx: RenderContext, messageTs: string): string {
  const a = attrs({ class: 'file-card', 'data-testid': `file-${file.id}`, 'data-file-id': file.id });
  const sub = [file.title !== file.name ? file.name : '', formatBytes(file.size), file.pretty_type]
    .filter((part) => part.length > 0)
    .join(' · ');
  const link = attrs({
    class: 'file-download',
    href: consoleFileUrl(file.id),
    download: file.name,
    title: `Download ${file.name}`,
  });
  return (
    `<div${a}><div class="file-head"><span class="file-icon" aria-hidden="true">${icon(file)}</span>` +
    `<div class="file-meta"><div class="file-title">${esc(file.title)}</div><div class="file-sub">${esc(sub)}</div></div>` +
    `<a${link}>Download</a></div>${preview(file, ctx, `${messageTs}:${file.id}`)}</div>`
  );
}

/** The cards for a message's files ('' when it has none). */
export function renderFiles(files: StandinFile[] | undefined, ctx: RenderContext, messageTs: string): string {
  if (!files || files.length === 0) return '';
  return `<div class="msg-files">${files.map((f) => card(f, ctx, messageTs)).join('')}</div>`;
}
