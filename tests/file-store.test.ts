// The uploaded-file store: real files in a temp dir.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DubanError } from '../domain/errors';
import { openStoredFile, sanitizeFileName, storedFilePath, storeFile } from '../store/files';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'duban-files-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const withMagic = (magic: number[], body = 'body of the file 正文') => Buffer.concat([Buffer.from(magic), Buffer.from(body)]);

/** Every file under <dataDir>/files, relative. */
function storedFiles(): string[] {
  const root = join(dataDir, 'files');
  try {
    return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(root, p)).isFile());
  } catch {
    return [];
  }
}

async function refusal(p: Promise<unknown>): Promise<DubanError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DubanError);
    return e as DubanError;
  }
  throw new Error('expected a refusal');
}

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const JPG = [0xff, 0xd8, 0xff, 0xe0];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('storeFile', () => {
  const accepted: [string, number[], string][] = [
    ['整改报告.pdf', PDF, 'pdf'],
    ['总结.doc', OLE, 'doc'],
    ['总结.DOCX', ZIP, 'docx'],
    ['台账.xls', OLE, 'xls'],
    ['台账.xlsx', ZIP, 'xlsx'],
    ['方案.wps', OLE, 'wps'],
    ['表格.et', OLE, 'et'],
    ['附件.zip', ZIP, 'zip'],
    ['现场照片.jpg', JPG, 'jpg'],
    ['现场照片2.JPEG', JPG, 'jpg'],
    ['截图.png', PNG, 'png'],
  ];

  it.each(accepted)('keeps %s by its sha256', async (name, magic, type) => {
    const bytes = withMagic(magic, `content of ${name}`);
    const stored = await storeFile(dataDir, { name, bytes });
    expect(stored).toEqual({ sha256: sha(bytes), name, size: bytes.length, type });
    const path = join(dataDir, 'files', stored.sha256.slice(0, 2), stored.sha256);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(storedFiles()).toEqual([join(stored.sha256.slice(0, 2), stored.sha256)]); // no temp file left behind
  });

  it('refuses a program renamed to .pdf, and an .exe, writing nothing', async () => {
    const exe = withMagic([0x4d, 0x5a, 0x90, 0x00], 'This program cannot be run in DOS mode');
    const renamed = await refusal(storeFile(dataDir, { name: '整改报告.pdf', bytes: exe }));
    expect(renamed.code).toBe('FILE_TYPE_REFUSED');
    expect(renamed.message).toContain('“整改报告.pdf”');
    expect(renamed.message).toContain('允许：pdf、doc、docx、xls、xlsx、wps、et、zip、jpg、png');
    const plain = await refusal(storeFile(dataDir, { name: 'x.exe', bytes: exe }));
    expect(plain.code).toBe('FILE_TYPE_REFUSED');
    expect(plain.message).toBe('文件“x.exe”的类型不在允许范围内（允许：pdf、doc、docx、xls、xlsx、wps、et、zip、jpg、png）');
    // a real zip named .docx is fine, but a PDF named .docx is not
    const pdfAsDocx = await refusal(storeFile(dataDir, { name: 'a.docx', bytes: withMagic(PDF) }));
    expect(pdfAsDocx.code).toBe('FILE_TYPE_REFUSED');
    expect(storedFiles()).toEqual([]);
  });

  it('refuses a file without an accepted extension, and an empty file', async () => {
    expect((await refusal(storeFile(dataDir, { name: 'pdf', bytes: withMagic(PDF) }))).code).toBe('FILE_TYPE_REFUSED');
    expect((await refusal(storeFile(dataDir, { name: 'report.pdf.exe', bytes: withMagic(PDF) }))).code).toBe('FILE_TYPE_REFUSED');
    const empty = await refusal(storeFile(dataDir, { name: '空.pdf', bytes: Buffer.alloc(0) }));
    expect(empty.code).toBe('FILE_TYPE_REFUSED');
    expect(empty.message).toContain('空文件');
    expect(storedFiles()).toEqual([]);
  });

  it('refuses a file over maxBytes and accepts one exactly at it', async () => {
    const bytes = withMagic(PDF, 'x'.repeat(92)); // 100 bytes
    const big = await refusal(storeFile(dataDir, { name: '大文件.pdf', bytes }, { maxBytes: 99 }));
    expect(big.code).toBe('FILE_TOO_LARGE');
    expect(big.message).toContain('“大文件.pdf”');
    expect(storedFiles()).toEqual([]);
    const ok = await storeFile(dataDir, { name: '大文件.pdf', bytes }, { maxBytes: 100 });
    expect(ok.size).toBe(100);
    expect(storedFiles()).toHaveLength(1);
  });

  it('refuses more than 50 MB by default', async () => {
    const bytes = Buffer.alloc(50 * 1024 * 1024 + 1);
    Buffer.from(PDF).copy(bytes);
    expect((await refusal(storeFile(dataDir, { name: 'huge.pdf', bytes }))).code).toBe('FILE_TOO_LARGE');
    expect(storedFiles()).toEqual([]);
  });

  it('stores the same content once, under either name, and never rewrites it', async () => {
    const bytes = withMagic(PDF, '同一份报告');
    const first = await storeFile(dataDir, { name: '报告.pdf', bytes });
    const path = storedFilePath(dataDir, first.sha256);
    const before = statSync(path);
    const second = await storeFile(dataDir, { name: '报告（副本）.pdf', bytes });
    expect(second.sha256).toBe(first.sha256);
    expect(second.name).toBe('报告（副本）.pdf');
    expect(storedFiles()).toHaveLength(1);
    const after = statSync(path);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    // concurrent uploads of the same bytes: still one file, no temp files left
    const other = withMagic(PNG, 'another picture');
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => storeFile(dataDir, { name: `p${i}.png`, bytes: other })));
    expect(new Set(all.map((s) => s.sha256)).size).toBe(1);
    expect(storedFiles()).toHaveLength(2);
  });

  it('records the sanitized name', async () => {
    const stored = await storeFile(dataDir, { name: '../../etc/整改\u0000报告.pdf', bytes: withMagic(PDF) });
    expect(stored.name).toBe('整改报告.pdf');
  });
});

describe('openStoredFile', () => {
  it('reads back what was stored', async () => {
    const bytes = withMagic(ZIP, '压缩包内容');
    const stored = await storeFile(dataDir, { name: '附件.zip', bytes });
    const opened = await openStoredFile(dataDir, stored.sha256.toUpperCase());
    expect(opened?.size).toBe(bytes.length);
    const chunks: Buffer[] = [];
    for await (const chunk of opened!.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('gives undefined for a hash not stored', async () => {
    expect(await openStoredFile(dataDir, 'a'.repeat(64))).toBeUndefined();
  });

  it('refuses anything but 64 hex digits, so no path traversal', async () => {
    // a file outside files/ that a traversal would reach
    mkdirSync(join(dataDir, 'files', 'ab'), { recursive: true });
    writeFileSync(join(dataDir, 'secret'), 'secret');
    for (const bad of ['../../secret', `../${'a'.repeat(62)}`, `${'a'.repeat(63)}/`, `${'a'.repeat(64)}/../../secret`, 'g'.repeat(64), '', `${'a'.repeat(64)}\u0000`]) {
      const e = await refusal(openStoredFile(dataDir, bad));
      expect(e.code, bad).toBe('INVALID_ARGUMENT');
    }
    expect(() => storedFilePath(dataDir, '../secret')).toThrow(DubanError);
  });
});

describe('sanitizeFileName', () => {
  it.each([
    ['C:\\Users\\张三\\Desktop\\整改报告.docx', '整改报告.docx'],
    ['/tmp/../etc/passwd', 'passwd'],
    ['雷州市\t安委办\n通知.pdf', '雷州市安委办通知.pdf'],
    ['report\u202Efdp.exe', 'reportfdp.exe'],
    ['  ..hidden.pdf  ', 'hidden.pdf'],
    ['a<b>c:d"e|f?g*h.xlsx', 'a_b_c_d_e_f_g_h.xlsx'],
    ['name.pdf. . ', 'name.pdf'],
    ['..', ''],
    ['关于做好2022年安全生产工作的通知（定稿）.wps', '关于做好2022年安全生产工作的通知（定稿）.wps'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('shortens a long name keeping its extension', () => {
    const long = `${'很长的文件名'.repeat(60)}.pdf`;
    const clean = sanitizeFileName(long);
    expect(clean.length).toBe(200);
    expect(clean.endsWith('.pdf')).toBe(true);
  });
});
