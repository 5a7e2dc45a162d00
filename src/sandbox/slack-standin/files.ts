import { slackId } from './ids';
import type { StandinFile, StandinIdentity } from './types';

/**
 * Uploaded files, the way `files.uploadV2` drives Slack: `files.getUploadURLExternal` reserves an id and an upload
 * URL on the stand-in's server, the bytes are POSTed there, `files.completeUploadExternal` turns the upload into a
 * file (and may share it). Bytes stay here by file id; messages only carry the file objects.
 */

interface FileRecord {
  id: string;
  filename: string;
  altTxt?: string;
  snippetType?: string;
  createdMs: number;
  bytes?: Buffer;
  /** Set once `files.completeUploadExternal` accepted the upload; the upload URL is then spent. */
  file?: StandinFile;
}

/** A completed file with its content, as the sandbox saves it between runs (base64). */
export interface ExportedFile {
  file: StandinFile;
  content: string;
}

/** Slack's type fields by file extension: `[filetype, mimetype, pretty_type]`. */
const TYPES: Record<string, [string, string, string]> = {
  txt: ['text', 'text/plain', 'Plain Text'],
  log: ['text', 'text/plain', 'Plain Text'],
  md: ['markdown', 'text/markdown', 'Markdown (raw)'],
  json: ['json', 'application/json', 'JSON'],
  csv: ['csv', 'text/csv', 'CSV'],
  yaml: ['yaml', 'application/yaml', 'YAML'],
  yml: ['yaml', 'application/yaml', 'YAML'],
  xml: ['xml', 'application/xml', 'XML'],
  html: ['html', 'text/html', 'HTML'],
  js: ['javascript', 'text/javascript', 'JavaScript/JSON'],
  ts: ['typescript', 'text/plain', 'TypeScript'],
  py: ['python', 'text/x-python', 'Python'],
  sh: ['shell', 'text/x-sh', 'Shell'],
  diff: ['diff', 'text/x-diff', 'Diff'],
  pdf: ['pdf', 'application/pdf', 'PDF'],
  png: ['png', 'image/png', 'PNG'],
  jpg: ['jpg', 'image/jpeg', 'JPEG'],
  jpeg: ['jpg', 'image/jpeg', 'JPEG'],
  gif: ['gif', 'image/gif', 'GIF'],
  svg: ['svg', 'image/svg+xml', 'SVG'],
  zip: ['zip', 'application/zip', 'Zip'],
  gz: ['gzip', 'application/gzip', 'GZip'],
};

/** The bytes as text when they are valid UTF-8 without NUL characters (what a console may show), else undefined. */
export function decodeText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('\u0000') ? undefined : text;
  } catch {
    return undefined;
  }
}

function typeOf(name: string, snippetType: string | undefined, bytes: Buffer): [string, string, string] {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (snippetType) {
    const known = Object.values(TYPES).find(([filetype]) => filetype === snippetType);
    return [snippetType, 'text/plain', known?.[2] ?? snippetType];
  }
  const byExt = ext ? TYPES[ext] : undefined;
  if (byExt) return byExt;
  return decodeText(bytes) !== undefined
    ? ['text', 'text/plain', 'Plain Text']
    : ['binary', 'application/octet-stream', 'Binary'];
}

export class FileStore {
  private readonly records = new Map<string, FileRecord>();

  constructor(
    private readonly identity: StandinIdentity,
    private readonly baseUrl: () => string,
    private readonly now: () => number,
  ) {}

  /** Reserves a file id and the URL its bytes go to (`POST`, raw or multipart). */
  begin(input: { filename: string; altTxt?: string; snippetType?: string }): {
    id: string;
    uploadUrl: string;
  } {
    const id = slackId('F');
    this.records.set(id, {
      id,
      filename: input.filename,
      ...(input.altTxt !== undefined ? { altTxt: input.altTxt } : {}),
      ...(input.snippetType ? { snippetType: input.snippetType } : {}),
      createdMs: this.now(),
    });
    return { id, uploadUrl: this.uploadUrl(id) };
  }

  uploadUrl(id: string): string {
    return `${this.baseUrl()}/upload/${id}`;
  }

  /** Stores the bytes for an upload that is not complete yet (a second POST replaces them); false otherwise. */
  receive(id: string, bytes: Buffer): boolean {
    const record = this.records.get(id);
    if (!record || record.file) return false;
    record.bytes = Buffer.from(bytes);
    return true;
  }

  /** Whether `files.completeUploadExternal` may take the id: a known upload with bytes, not completed yet. */
  completable(id: string): boolean {
    const record = this.records.get(id);
    return record !== undefined && record.bytes !== undefined && record.file === undefined;
  }

  /** Turns an upload into a file (call `completable` first). */
  complete(id: string, title: string | undefined): StandinFile {
    const record = this.records.get(id);
    if (!record?.bytes || record.file) throw new Error(`upload ${id} cannot be completed`);
    const [filetype, mimetype, prettyType] = typeOf(record.filename, record.snippetType, record.bytes);
    const { teamId, teamDomain, botUserId } = this.identity;
    const created = Math.floor(record.createdMs / 1000);
    const name = encodeURIComponent(record.filename);
    const base = `${this.baseUrl()}/files-pri/${teamId}-${id}`;
    record.file = {
      id,
      created,
      timestamp: created,
      name: record.filename,
      title: title && title.length > 0 ? title : record.filename,
      mimetype,
      filetype,
      pretty_type: prettyType,
      user: botUserId,
      user_team: teamId,
      editable: record.snippetType !== undefined,
      size: record.bytes.length,
      mode: record.snippetType ? 'snippet' : 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${base}/${name}`,
      url_private_download: `${base}/download/${name}`,
      permalink: `https://${teamDomain}.slack.com/files/${botUserId}/${id}/${name}`,
      ...(record.altTxt !== undefined ? { alt_txt: record.altTxt } : {}),
      channels: [],
      groups: [],
      ims: [],
      comments_count: 0,
      has_rich_preview: false,
      file_access: 'visible',
    };
    return structuredClone(record.file);
  }

  /** Notes that the file is shared in a channel (`ims` for DMs); returns the updated file. */
  share(id: string, channel: string): StandinFile {
    const file = this.records.get(id)?.file;
    if (!file) throw new Error(`file ${id} is not complete`);
    const list = channel.startsWith('D') ? file.ims : file.channels;
    if (!list.includes(channel)) list.push(channel);
    if (!channel.startsWith('D')) file.is_public = true;
    return structuredClone(file);
  }

  /** A completed file (copy). */
  file(id: string): StandinFile | undefined {
    const file = this.records.get(id)?.file;
    return file ? structuredClone(file) : undefined;
  }

  /** The uploaded bytes (copy), also before completion; undefined for unknown ids and uploads without bytes. */
  content(id: string): Buffer | undefined {
    const bytes = this.records.get(id)?.bytes;
    return bytes ? Buffer.from(bytes) : undefined;
  }

  /** Completed files shared in `channel`, with their content, for saving. */
  exportShared(channel: string): ExportedFile[] {
    const out: ExportedFile[] = [];
    for (const record of this.records.values()) {
      const { file, bytes } = record;
      if (!file || !bytes) continue;
      if (!file.channels.includes(channel) && !file.ims.includes(channel)) continue;
      out.push({ file: structuredClone(file), content: bytes.toString('base64') });
    }
    return out;
  }

  /** Restores saved files (ignores entries that are not shaped like `exportShared` output). */
  importFiles(files: unknown): void {
    if (!Array.isArray(files)) return;
    for (const entry of files as Partial<ExportedFile>[]) {
      const file = entry?.file;
      if (!file || typeof file.id !== 'string' || typeof entry.content !== 'string') continue;
      this.records.set(file.id, {
        id: file.id,
        filename: file.name,
        createdMs: file.created * 1000,
        bytes: Buffer.from(entry.content, 'base64'),
        file: structuredClone(file),
      });
    }
  }
}
