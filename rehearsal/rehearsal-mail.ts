// A rehearsal's letters are marked as such on the way out, whatever letter it is (notice or decision), without
// touching the letters' words: the rehearsal's worker sends through rehearsalMailer, which puts 【演练】 before
// the subject, a header saying so, and a first line telling the reader it is not an official document. And a
// rehearsal talks only to an SMTP server on this machine unless told otherwise: pointed at the office's real
// server it would send genuine-looking 督办通知 and 约谈通知 to real units.
import { DubanError } from '../domain/errors';
import type { Mailer, OutgoingMail } from '../mail/mailer';

export const REHEARSAL_SUBJECT_PREFIX = '【演练】';
export const REHEARSAL_HEADER = 'X-Duban-Rehearsal';
export const REHEARSAL_FIRST_LINE = '【演练】本邮件由督办系统演练（duban simulate）发出，不是正式公文，无需办理，请勿转发。';

/** The mail as a rehearsal sends it: the subject prefixed, the header set, the body opened by the rehearsal line. */
export function markRehearsal(mail: OutgoingMail): OutgoingMail {
  return {
    ...mail,
    subject: `${REHEARSAL_SUBJECT_PREFIX}${mail.subject}`,
    headers: { ...mail.headers, [REHEARSAL_HEADER]: 'yes' },
    text: `${REHEARSAL_FIRST_LINE}\n\n${mail.text}`,
  };
}

/** Sends every letter marked as a rehearsal's. */
export function rehearsalMailer(mailer: Mailer): Mailer {
  return {
    send: (mail) => mailer.send(markRehearsal(mail)),
    close: () => mailer.close(),
  };
}

/**
 * A letter as caught from a rehearsal, with its marks taken off: what the letter itself says (and what the record
 * keeps). Throws if the letter was not marked.
 */
export function withoutRehearsalMarks<T extends { subject: string; text: string }>(mail: T): T {
  const opening = `${REHEARSAL_FIRST_LINE}\n\n`;
  if (!mail.subject.startsWith(REHEARSAL_SUBJECT_PREFIX) || !mail.text.startsWith(opening)) {
    throw new Error(`not marked as a rehearsal's letter: ${JSON.stringify(mail.subject)}`);
  }
  return { ...mail, subject: mail.subject.slice(REHEARSAL_SUBJECT_PREFIX.length), text: mail.text.slice(opening.length) };
}

const THIS_MACHINE = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * Refuses an SMTP server that is not on this machine, unless the operator allowed it explicitly
 * (`simulate --allow-remote-smtp`).
 */
export function checkRehearsalSmtp(smtpUrl: string | undefined, allowRemote = false): void {
  if (smtpUrl === undefined || allowRemote) return;
  let host: string;
  try {
    host = new URL(smtpUrl).hostname.toLowerCase();
  } catch {
    throw new DubanError('INVALID_ARGUMENT', `--smtp “${smtpUrl}”不是有效的地址，应形如 smtp://127.0.0.1:1025`);
  }
  if (THIS_MACHINE.has(host)) return;
  throw new DubanError(
    'INVALID_ARGUMENT',
    `拒绝向本机以外的邮件服务器 ${host || smtpUrl} 发送演练邮件：演练会以安委办的名义向专项行动中的真实单位发出与正式公文无异的督办通知、通报和约谈通知。` +
      `请使用本机的邮件服务器（127.0.0.1、::1 或 localhost，例如 npm start 的邮件捕获器 smtp://127.0.0.1:1025）；` +
      `确需发往该服务器（所有收件地址均为测试地址）时，请加 --allow-remote-smtp`,
  );
}
