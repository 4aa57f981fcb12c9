// Uploaded files (a unit's 报送 attachment, an imported unit list …) kept on disk by their sha256:
// `<dataDir>/files/<first 2 hex>/<sha256>`. Content-addressed, so the same bytes are stored once and a stored
// file never changes. Only bytes live here; whoever accepted the upload records the reference (StoredFile).
import { createHash, randomBytes } from 'node:crypto';
import { type ReadStream } from 'node:fs';
import { type FileHandle, link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DubanError } from '../domain/errors';

/** The file types an upload may have (`jpeg` is accepted as an extension and stored as `jpg`). */
export const ACCEPTED_FILE_TYPES = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'wps', 'et', 'zip', 'jpg', 'png'] as const;
export type StoredFileType = (typeof ACCEPTED_FILE_TYPES)[number];

export interface StoredFile {
  sha256: string;
  /** The uploaded name, sanitized (see sanitizeFileName). */
  name: string;
  size: number;
  type: StoredFileType;
}

export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

const EXTENSION_TYPES: Record<string, StoredFileType> = {
  pdf: 'pdf',
  doc: 'doc',
  docx: 'docx',
  xls: 'xls',
  xlsx: 'xlsx',
  wps: 'wps',
  et: 'et',
  zip: 'zip',
  jpg: 'jpg',
  jpeg: 'jpg',
  png: 'png',
};

const PDF = [0x25, 0x50, 0x44, 0x46]; // %PDF
const OLE = [0xd0, 0xcf, 0x11, 0xe0]; // Compound File Binary: doc, xls and WPS Office's wps, et
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4: docx, xlsx (Office Open XML) and zip
const JPG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47];

/** The leading bytes each type must start with. */
const MAGIC: Record<StoredFileType, number[]> = {
  pdf: PDF,
  doc: OLE,
  xls: OLE,
  wps: OLE,
  et: OLE,
  docx: ZIP,
  xlsx: ZIP,
  zip: ZIP,
  jpg: JPG,
  png: PNG,
};

const SHA256_RE = /^[0-9a-f]{64}$/i;

const ACCEPTED_TEXT = `允许：${ACCEPTED_FILE_TYPES.join('、')}`;

function refuseType(name: string, why = '的类型不在允许范围内'): DubanError {
  return new DubanError('FILE_TYPE_REFUSED', `文件“${name}”${why}（${ACCEPTED_TEXT}）`);
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${bytes} 字节`;
}

/**
 * A file name safe to record and to offer back in a download: the last path component only (either
 * separator), without control or bidirectional-override characters (which can disguise `exe` as `pdf`) or the
 * characters Windows refuses, trimmed, at most 200 characters with the extension kept. Chinese is kept as is.
 * '' when nothing is left.
 */
export function sanitizeFileName(name: string): string {
  const last = name.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let clean = last
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  if (clean.length > 200) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
    clean = clean.slice(0, 200 - ext.length) + ext;
  }
  return clean;
}

/** The accepted type of a file name's extension, case-insensitive; undefined when it has none we accept. */
export function fileTypeOfName(name: string): StoredFileType | undefined {
  const m = /\.([A-Za-z]+)$/.exec(name);
  return m ? EXTENSION_TYPES[m[1].toLowerCase()] : undefined;
}

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Where the file of this hash lives; refuses anything but 64 hex digits (so never a path outside files/). */
export function storedFilePath(dataDir: string, sha256: string): string {
  if (typeof sha256 !== 'string' || !SHA256_RE.test(sha256)) {
    throw new DubanError('INVALID_ARGUMENT', `“${String(sha256).slice(0, 80)}”不是文件的 sha256（64 位十六进制）`);
  }
  const hash = sha256.toLowerCase();
  return join(dataDir, 'files', hash.slice(0, 2), hash);
}

/**
 * Checks an upload (extension, leading bytes, size) and keeps its bytes under their sha256. Refusals throw
 * DubanError FILE_TYPE_REFUSED / FILE_TOO_LARGE and write nothing. Storing the same bytes again leaves the
 * existing file alone. The write is atomic: a temporary file in the same folder, flushed, then linked into place.
 */
export async function storeFile(
  dataDir: string,
  upload: { name: string; bytes: Buffer },
  options: { maxBytes?: number } = {},
): Promise<StoredFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const name = sanitizeFileName(upload.name);
  const shown = name || upload.name;
  const type = fileTypeOfName(name);
  if (!type) throw refuseType(shown);
  const size = upload.bytes.length;
  if (size === 0) throw refuseType(shown, '是空文件，没有内容');
  if (size > maxBytes) {
    throw new DubanError('FILE_TOO_LARGE', `文件“${shown}”大小为 ${megabytes(size)}，超过上限 ${megabytes(maxBytes)}`);
  }
  if (!startsWith(upload.bytes, MAGIC[type])) throw refuseType(shown, `的内容不是 ${type} 文件，类型不在允许范围内`);

  const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
  const path = storedFilePath(dataDir, sha256);
  if (!(await exists(path))) await writeAtomically(path, upload.bytes);
  return { sha256, name, size, type };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // link, unlike rename, never replaces: a concurrent upload of the same bytes that got there first wins.
      await link(temp, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
      // A file system without hard links: rename (same content under the same hash, so a race is harmless).
      if (!(await exists(path))) await rename(temp, path);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * The stored file of this hash, opened for reading, with its path and size; undefined when no such file is
 * stored. Throws DubanError INVALID_ARGUMENT when `sha256` is not 64 hex digits.
 */
export async function openStoredFile(dataDir: string, sha256: string): Promise<{ path: string; size: number; stream: ReadStream } | undefined> {
  const path = storedFilePath(dataDir, sha256);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    return { path, size, stream: handle.createReadStream() };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
