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
  // Bounded conversations: an attempt must end well inside the notice claim (NOTICE_LEASE_MS, 10 minutes).
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 });
  return {
    async send(mail) {
      await transport.sendMail({ ...mail, to: mail.to, cc: mail.cc.length ? mail.cc : undefined });
    },
    close() {
      transport.close();
    },
  };
}
