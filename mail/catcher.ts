// A local SMTP server that keeps every message and shows them in a web inbox. It is the embedded
// default for `npm start`, the sink of `duban simulate`, and the real SMTP peer in the tests.
import { mkdirSync, writeFileSync } from 'node:fs';
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
}

export interface MailCatcher {
  smtpUrl: string;
  webUrl?: string;
  messages(): CaughtMail[];
  /** Refuse the next n messages with a temporary SMTP error (451), as a failing server would. */
  failNext(n: number): void;
  close(): Promise<void>;
}

function addresses(field: ParsedMail['to']): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
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

export async function startMailCatcher(opts: { smtpPort?: number; webPort?: number; host?: string; storeDir?: string } = {}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const mails: CaughtMail[] = [];
  let failures = 0;
  if (opts.storeDir) mkdirSync(opts.storeDir, { recursive: true });

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures--;
          const err = Object.assign(new Error('mail catcher: temporary failure (test)'), { responseCode: 451 });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const seq = mails.length + 1;
            const headers: Record<string, string> = {};
            for (const [k, v] of parsed.headers) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
            mails.push({
              seq,
              receivedAt: new Date(),
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              messageId: parsed.messageId ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              headers,
              to: addresses(parsed.to),
              cc: addresses(parsed.cc),
            });
            if (opts.storeDir) writeFileSync(join(opts.storeDir, `${String(seq).padStart(6, '0')}.eml`), raw);
            callback();
          })
          .catch(callback);
      });
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
    failNext(n) {
      failures = n;
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (web) await new Promise<void>((resolve) => web!.close(() => resolve()));
    },
  };
}
