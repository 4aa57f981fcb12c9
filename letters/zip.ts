// A small zip (PKWARE APPNOTE 6.3) writer and reader, enough for a .docx: deflated or stored entries, no zip64, no
// encryption, no comments. Entries compressed once can be reused in many archives. Pure.
// zlib computes and does no I/O: its deflate and CRC are as deterministic as the rest of letters/.
// eslint-disable-next-line no-restricted-imports
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/** An entry ready to be written: its name and its data, compressed (method 8) or stored (method 0). */
export interface ZipEntry {
  name: Buffer;
  method: 0 | 8;
  crc: number;
  size: number;
  data: Buffer;
}

/**
 * Parts smaller than this are stored: deflating one saves a few hundred bytes, and each deflate sets up a zlib stream
 * that costs more CPU than compressing 8 KB (a letter's core.xml and relationships are written for every letter).
 */
export const STORE_BELOW_BYTES = 1024;

/** Deflates a part for an archive (or stores it when it is small, or when deflating would not make it smaller). */
export function zipEntry(name: string, content: string | Buffer): ZipEntry {
  const raw = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (raw.length < STORE_BELOW_BYTES) return { name: Buffer.from(name, 'utf8'), method: 0, crc: crc32(raw) >>> 0, size: raw.length, data: raw };
  const deflated = deflateRawSync(raw);
  const stored = deflated.length >= raw.length;
  return { name: Buffer.from(name, 'utf8'), method: stored ? 0 : 8, crc: crc32(raw) >>> 0, size: raw.length, data: stored ? raw : deflated };
}

/** MS-DOS time and date of an instant, in UTC (zip has no time zone). */
function dosTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

const UTF8_NAMES = 0x0800; // general purpose bit 11: names are UTF-8

/** The archive of the entries, in their order, each stamped with `at`. */
export function zip(entries: readonly ZipEntry[], at: Date): Buffer {
  const { time, date } = dosTime(at);
  let localSize = 0;
  let centralSize = 0;
  for (const e of entries) {
    localSize += 30 + e.name.length + e.data.length;
    centralSize += 46 + e.name.length;
  }
  const out = Buffer.allocUnsafe(localSize + centralSize + 22);
  let local = 0;
  let central = localSize;
  for (const e of entries) {
    // Local file header.
    out.writeUInt32LE(0x04034b50, local);
    out.writeUInt16LE(20, local + 4); // version needed: 2.0 (deflate)
    out.writeUInt16LE(UTF8_NAMES, local + 6);
    out.writeUInt16LE(e.method, local + 8);
    out.writeUInt16LE(time, local + 10);
    out.writeUInt16LE(date, local + 12);
    out.writeUInt32LE(e.crc, local + 14);
    out.writeUInt32LE(e.data.length, local + 18);
    out.writeUInt32LE(e.size, local + 22);
    out.writeUInt16LE(e.name.length, local + 26);
    out.writeUInt16LE(0, local + 28);
    e.name.copy(out, local + 30);
    e.data.copy(out, local + 30 + e.name.length);
    // Central directory header.
    out.writeUInt32LE(0x02014b50, central);
    out.writeUInt16LE(20, central + 4); // version made by: 2.0, MS-DOS attributes
    out.writeUInt16LE(20, central + 6);
    out.writeUInt16LE(UTF8_NAMES, central + 8);
    out.writeUInt16LE(e.method, central + 10);
    out.writeUInt16LE(time, central + 12);
    out.writeUInt16LE(date, central + 14);
    out.writeUInt32LE(e.crc, central + 16);
    out.writeUInt32LE(e.data.length, central + 20);
    out.writeUInt32LE(e.size, central + 24);
    out.writeUInt16LE(e.name.length, central + 28);
    out.fill(0, central + 30, central + 42); // extra and comment lengths, disk, internal and external attributes
    out.writeUInt32LE(local, central + 42);
    e.name.copy(out, central + 46);
    local += 30 + e.name.length + e.data.length;
    central += 46 + e.name.length;
  }
  // End of central directory.
  out.writeUInt32LE(0x06054b50, central);
  out.writeUInt32LE(0, central + 4); // this disk, the central directory's disk
  out.writeUInt16LE(entries.length, central + 8);
  out.writeUInt16LE(entries.length, central + 10);
  out.writeUInt32LE(centralSize, central + 12);
  out.writeUInt32LE(localSize, central + 16);
  out.writeUInt16LE(0, central + 20);
  return out;
}

/** The entries of an archive by name, read through its central directory; the CRC of each is checked. */
export function unzip(archive: Buffer): Map<string, Buffer> {
  const eocd = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const count = archive.readUInt16LE(eocd + 10);
  let at = archive.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error('zip: bad central directory');
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressed = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    const local = archive.readUInt32LE(at + 42);
    if (archive.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = archive.subarray(start, start + compressed);
    if (method !== 0 && method !== 8) throw new Error(`zip: ${name} is compressed with method ${method}`);
    const content = method === 8 ? inflateRawSync(data) : data;
    if (crc32(content) >>> 0 !== crc) throw new Error(`zip: CRC of ${name} does not match`);
    entries.set(name, content);
    at += 46 + nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
  }
  return entries;
}
