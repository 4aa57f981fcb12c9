// A local SMTP server that keeps every message and shows them in a web inbox. It is the embedded
// default for `npm start`, the sink of `duban simulate`, and the real SMTP peer in the tests.
// With a storeDir, every message is also a numbered .eml file there, and a restart shows them again.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  seq: number;
  receivedAt: Date;
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
  to: string[];
  cc: string[];
  /** The message's size in bytes as received (headers-only sinks). */
  size?: number;
}

export interface MailCatcher {
  smtpUrl: string;
  webUrl?: string;
  messages(): CaughtMail[];
  /** Refuse the next n messages with a temporary SMTP error (451), as a failing server would. */
  failNext(n: number): void;
  /** Answer the next n messages only after `ms`, as a slow server would. */
  delayNext(n: number, ms: number): void;
  close(): Promise<void>;
}

function addresses(field: ParsedMail['to']): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
}

function caughtMail(parsed: ParsedMail, seq: number, receivedAt: Date, envelope: { from: string; to: string[] }): CaughtMail {
  const headers: Record<string, string> = {};
  for (const [k, v] of parsed.headers) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    seq,
    receivedAt,
    envelopeFrom: envelope.from,
    envelopeTo: envelope.to,
    messageId: parsed.messageId ?? '',
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    headers,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
  };
}

/**
 * The message from its header block alone, unfolded, names lower-cased, values as sent (encoded words are not
 * decoded, no body): what a sink that only counts and checks headers needs, at a fraction of a full parse
 * (a letter's .docx attachment is never decoded).
 */
function headersOnlyMail(raw: Buffer, seq: number, receivedAt: Date, envelope: { from: string; to: string[] }): CaughtMail {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.toString('utf8', 0, end < 0 ? raw.length : end).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return {
    seq,
    receivedAt,
    envelopeFrom: envelope.from,
    envelopeTo: envelope.to,
    messageId: headers['message-id'] ?? '',
    subject: headers.subject ?? '',
    text: '',
    headers,
    to: [],
    cc: [],
    size: raw.length,
  };
}

const STORED = /^(\d+)\.eml$/;

/** The messages of earlier runs; the .eml files keep no envelope, so it is read from the headers. */
async function loadStored(storeDir: string): Promise<CaughtMail[]> {
  const files = readdirSync(storeDir)
    .map((name) => ({ name, seq: Number(STORED.exec(name)?.[1]) }))
    .filter((f) => Number.isSafeInteger(f.seq))
    .sort((a, b) => a.seq - b.seq);
  const mails: CaughtMail[] = [];
  for (const { name, seq } of files) {
    const path = join(storeDir, name);
    const parsed = await simpleParser(readFileSync(path));
    const envelope = { from: addresses(parsed.from)[0] ?? '', to: [...addresses(parsed.to), ...addresses(parsed.cc), ...addresses(parsed.bcc)] };
    mails.push(caughtMail(parsed, seq, statSync(path).mtime, envelope));
  }
  return mails;
}

/** Writes the message under the first free number from `seq` on (never over an existing file); returns that number. */
function store(storeDir: string, seq: number, raw: Buffer): number {
  for (;; seq++) {
    try {
      writeFileSync(join(storeDir, `${String(seq).padStart(6, '0')}.eml`), raw, { flag: 'wx' });
      return seq;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function inboxPage(mails: CaughtMail[]): string {
  const rows = [...mails]
    .reverse()
    .map(
      (m) => `<article><h2>${escapeHtml(m.subject)}</h2>
<p class="meta">#${m.seq} · ${m.receivedAt.toISOString()} · to ${escapeHtml(m.to.join(', '))}${m.cc.length ? ` · cc ${escapeHtml(m.cc.join(', '))}` : ''}</p>
<pre>${escapeHtml(m.text)}</pre></article>`,
    )
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>duban mail catcher</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}article{border-bottom:1px solid #ccc;padding:.5rem 0}
.meta{color:#555;font-size:.9rem}pre{white-space:pre-wrap;font-family:inherit}</style></head>
<body><h1>duban mail catcher — ${mails.length} message(s)</h1>${rows || '<p>No mail yet.</p>'}</body></html>`;
}

export interface MailCatcherOptions {
  smtpPort?: number;
  webPort?: number;
  host?: string;
  storeDir?: string;
  /** 'headers': keep only each message's headers (see headersOnlyMail), for a sink that counts letters; default 'full'. */
  parse?: 'full' | 'headers';
  /** Called with each message as it is kept. */
  onMail?: (mail: CaughtMail) => void;
}

export async function startMailCatcher(opts: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const storeDir = opts.storeDir;
  if (storeDir) mkdirSync(storeDir, { recursive: true });
  const mails: CaughtMail[] = storeDir ? await loadStored(storeDir) : [];
  let nextSeq = (mails.at(-1)?.seq ?? 0) + 1;
  let failures = 0;
  let delays = { count: 0, ms: 0 };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const delay = delays.count > 0 ? delays.ms : 0;
        if (delay) delays = { ...delays, count: delays.count - 1 };
        if (delay) setTimeout(answer, delay);
        else answer();
      });
      const answer = () => {
        if (failures > 0) {
          failures--;
          const err = Object.assign(new Error('mail catcher: temporary failure (test)'), { responseCode: 451 });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        const keep = (mail: (seq: number, envelope: { from: string; to: string[] }) => CaughtMail) => {
          const seq = storeDir ? store(storeDir, nextSeq, raw) : nextSeq;
          nextSeq = seq + 1;
          const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
          const kept = mail(seq, envelope);
          mails.push(kept);
          opts.onMail?.(kept);
          callback();
        };
        if (opts.parse === 'headers') {
          try {
            keep((seq, envelope) => headersOnlyMail(raw, seq, new Date(), envelope));
          } catch (err) {
            callback(err as Error);
          }
          return;
        }
        simpleParser(raw)
          .then((parsed) => keep((seq, envelope) => caughtMail(parsed, seq, new Date(), envelope)))
          .catch(callback);
      };
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let web: Server | undefined;
  if (opts.webPort !== undefined) {
    web = createServer((req, res) => {
      if (req.url?.startsWith('/api/messages')) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(mails));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(inboxPage(mails));
    });
    await new Promise<void>((resolve, reject) => {
      web!.once('error', reject);
      web!.listen(opts.webPort, host, () => resolve());
    });
  }
  const webPort = web ? (web.address() as AddressInfo).port : undefined;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: webPort ? `http://${host}:${webPort}/` : undefined,
    messages: () => [...mails],
    delayNext(count, ms) {
      delays = { count, ms };
    },
    failNext(n) {
      failures = n;
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (web) await new Promise<void>((resolve) => web!.close(() => resolve()));
    },
  };
}
