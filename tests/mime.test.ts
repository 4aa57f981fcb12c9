// mail/mime.ts: a letter composed as one message, read back by mailparser (the parser of the tests' SMTP peer and of
// most mail clients' kin), and sent as it is through a real SMTP conversation by the mailer.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { createMailer } from '../mail/mailer';
import { composeMessage } from '../mail/mime';
import type { OutgoingMail } from '../mail/mailer';

const docx = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256));
const letter: OutgoingMail = {
  from: '"洮南市安全生产委员会办公室" <office@taonan.example>',
  to: ['"福利中心（兴安街道）" <fulizhongxin@taonan.example>', 'second@taonan.example'],
  cc: ['张三 <zhang.san@taonan.example>'],
  subject: '关于按时报送《本单位专项整治细化方案》的提醒——洮南市安全生产委员会办公室督办事项（第一次提醒，请于2022年8月31日前报送）',
  text: '福利中心：\n\n　　根据《全市安全生产专项整治工作方案》要求，请于2022年8月31日前报送。\n.\n..以点开头的行\n\n洮南市安全生产委员会办公室\n2022年8月30日\n',
  messageId: '<3f9a1c0e7b@duban>',
  headers: { 'X-Duban-Key': 'taonan/fulizhongxin/plan/2022-08-31/reminder/2022-08-30', 'X-Duban-Action': 'reminder' },
  attachments: [
    { filename: '关于按时报送《本单位专项整治细化方案》的提醒.docx', content: docx },
    { filename: 'list; "a".txt', content: Buffer.from('第二个附件\n') },
  ],
};

describe('composeMessage', () => {
  it('writes every field so that a parser reads back exactly what was given', async () => {
    const date = new Date('2022-08-30T01:00:00Z');
    const { raw, envelope } = composeMessage(letter, date);
    expect(envelope).toEqual({
      from: 'office@taonan.example',
      to: ['fulizhongxin@taonan.example', 'second@taonan.example', 'zhang.san@taonan.example'],
    });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(letter.subject);
    expect(parsed.from?.value).toEqual([{ name: '洮南市安全生产委员会办公室', address: 'office@taonan.example' }]);
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    expect(to.flatMap((a) => a!.value)).toEqual([
      { name: '福利中心（兴安街道）', address: 'fulizhongxin@taonan.example' },
      { name: '', address: 'second@taonan.example' },
    ]);
    expect(Array.isArray(parsed.cc) ? undefined : parsed.cc?.value).toEqual([{ name: '张三', address: 'zhang.san@taonan.example' }]);
    expect(parsed.messageId).toBe(letter.messageId);
    expect(parsed.date?.toISOString()).toBe(date.toISOString());
    expect(parsed.headers.get('x-duban-key')).toBe(letter.headers['X-Duban-Key']);
    expect(parsed.headers.get('x-duban-action')).toBe('reminder');
    expect(parsed.text).toBe(letter.text);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['关于按时报送《本单位专项整治细化方案》的提醒.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['list; "a".txt', 'text/plain'],
    ]);
    expect(parsed.attachments[0].content.equals(docx)).toBe(true);
    expect(parsed.attachments[1].content.toString()).toBe('第二个附件\n');
  });

  it('keeps to 7-bit lines of at most 78 characters, CRLF-ended, with the body after one blank line', () => {
    const text = composeMessage(letter).raw.toString('latin1');
    expect(text).toMatch(/\r\n$/);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare CR or LF
    const lines = text.split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
    expect(text).not.toMatch(/[^\x00-\x7f]/);
    const headerEnd = lines.indexOf('');
    expect(lines.slice(0, headerEnd).filter((l) => /^MIME-Version: 1\.0$/.test(l))).toHaveLength(1);
    expect(lines.slice(0, headerEnd).some((l) => l.startsWith('Content-Type: multipart/mixed'))).toBe(true);
  });

  it('gives every message its own boundary', () => {
    const boundary = (raw: Buffer) => /boundary="([^"]+)"/.exec(raw.toString().replace(/\r\n /g, ' '))![1];
    const a = boundary(composeMessage(letter).raw);
    const b = boundary(composeMessage(letter).raw);
    expect(a).not.toBe(b);
  });

  it('writes a letter without attachments as a single part', async () => {
    const plain = { ...letter, cc: [], attachments: undefined };
    const { raw, envelope } = composeMessage(plain);
    expect(raw.toString()).not.toMatch(/multipart/);
    expect(envelope.to).toEqual(['fulizhongxin@taonan.example', 'second@taonan.example']);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(letter.text);
    expect(parsed.subject).toBe(letter.subject);
    expect(parsed.attachments).toHaveLength(0);
  });

  it('refuses a letter with nobody to send it to, naming what is missing', () => {
    expect(() => composeMessage({ ...letter, to: [], cc: [] })).toThrow(/needs a sender and a recipient.*to \[\]/);
    expect(() => composeMessage({ ...letter, from: '' })).toThrow(/needs a sender and a recipient \(from ""/);
  });
});

describe('the mailer', () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(async () => {
    await catcher.close();
  });

  it('sends the composed message through a real SMTP conversation, to To and Cc', async () => {
    const mailer = createMailer(catcher.smtpUrl);
    try {
      await mailer.send(letter);
    } finally {
      mailer.close();
    }
    const [got] = catcher.messages();
    expect(got.envelopeFrom).toBe('office@taonan.example');
    expect(got.envelopeTo).toEqual(['fulizhongxin@taonan.example', 'second@taonan.example', 'zhang.san@taonan.example']);
    expect(got.subject).toBe(letter.subject);
    expect(got.text).toBe(letter.text); // the lines that begin with a dot arrive as written
    expect(got.messageId).toBe(letter.messageId);
    expect(got.headers['x-duban-key']).toBe(letter.headers['X-Duban-Key']);
  });
});
