// Outgoing mail over SMTP (nodemailer). The transport is created once per worker.
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function createMailer(smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ ...mail, to: mail.to, cc: mail.cc.length ? mail.cc : undefined });
    },
    close() {
      transport.close();
    },
  };
}
