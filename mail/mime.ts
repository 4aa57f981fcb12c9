// A letter as one RFC 5322 message, composed in one pass and handed to the SMTP connection as it is. nodemailer's
// MimeNode writes every header block (addresses and their punycode, encoded words for Chinese names and subjects,
// RFC 2231 file names, folding); the bodies are base64-encoded here in one call each. nodemailer's own composer
// streams every part through a chain of transforms, which cost about as much CPU per letter as the whole SMTP
// conversation (docs/benchmarks.md, "burst").
import { randomBytes } from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node';

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  /** Files sent with the message, e.g. the letter as a .docx. */
  attachments?: { filename: string; content: Buffer }[];
}

/** The longest line of a base64 body (RFC 2045). */
const BASE64_LINE = 76;

/**
 * Boundaries: this process's random prefix and a count. Every body is base64, whose alphabet has neither `-` nor `_`,
 * so no body can hold a boundary; the random part keeps them apart across processes.
 */
const BOUNDARY_BASE = randomBytes(8).toString('hex');
let boundaries = 0;

export interface ComposedMessage {
  /** The message as sent, CRLF line ends, ending in CRLF. */
  raw: Buffer;
  /** MAIL FROM and RCPT TO, from the From, To and Cc headers. */
  envelope: { from: string; to: string[] };
}

function base64Body(content: Buffer): string {
  const encoded = content.toString('base64');
  if (encoded.length <= BASE64_LINE) return encoded;
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += BASE64_LINE) lines.push(encoded.slice(i, i + BASE64_LINE));
  return lines.join('\r\n');
}

export function composeMessage(mail: OutgoingMail, date: Date = new Date()): ComposedMessage {
  const attachments = mail.attachments ?? [];
  const baseBoundary = `${BOUNDARY_BASE}_${(++boundaries).toString(36)}`;
  const root = new MimeNode(attachments.length ? 'multipart/mixed' : 'text/plain; charset=utf-8', { baseBoundary });
  // the caller's own headers first, as nodemailer's composer writes them
  for (const [key, value] of Object.entries(mail.headers)) root.setHeader(key, value);
  root.setHeader('From', mail.from);
  root.setHeader('To', mail.to.join(', '));
  if (mail.cc.length) root.setHeader('Cc', mail.cc.join(', '));
  root.setHeader('Subject', mail.subject);
  root.setHeader('Message-ID', mail.messageId);
  root.setHeader('Date', date.toUTCString().replace(/GMT/, '+0000'));
  const envelope = root.getEnvelope();
  if (!envelope.from || !envelope.to.length) throw new Error(`a letter needs a sender and a recipient (from ${JSON.stringify(mail.from)}, to ${JSON.stringify(mail.to)})`);
  const text = Buffer.from(mail.text, 'utf8');

  if (!attachments.length) {
    root.setHeader('Content-Transfer-Encoding', 'base64');
    return { raw: Buffer.from(`${root.buildHeaders()}\r\n\r\n${base64Body(text)}\r\n`, 'utf8'), envelope: { from: envelope.from, to: envelope.to } };
  }
  const rootHeaders = root.buildHeaders(); // sets root.boundary
  const part = (node: MimeNode, content: Buffer) => `--${root.boundary}\r\n${node.buildHeaders()}\r\n\r\n${base64Body(content)}\r\n`;
  const body = root.createChild('text/plain; charset=utf-8', { baseBoundary }).setHeader('Content-Transfer-Encoding', 'base64');
  const parts = [part(body, text)];
  for (const a of attachments) {
    const node = root.createChild(false, { filename: a.filename, baseBoundary }).setHeader('Content-Transfer-Encoding', 'base64');
    parts.push(part(node, a.content));
  }
  return {
    raw: Buffer.from(`${rootHeaders}\r\n\r\n${parts.join('')}--${root.boundary}--\r\n`, 'utf8'),
    envelope: { from: envelope.from, to: envelope.to },
  };
}
