// Outgoing mail over SMTP (nodemailer). The transport, a connection pool, is created once per worker; each message
// is composed by mail/mime.ts and sent as it is.
import nodemailer from 'nodemailer';
import { type OutgoingMail, composeMessage } from './mime';

export type { OutgoingMail };

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** SMTP connections one worker keeps open to the server. */
export const MAX_CONNECTIONS = 10;

export function createMailer(smtpUrl: string): Mailer {
  // A pool of connections reused across letters (a burst at 09:00 would otherwise open one per letter), and
  // bounded conversations: a stalled server fails the attempt, which Temporal retries.
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: MAX_CONNECTIONS,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
  });
  return {
    async send(mail) {
      const { raw, envelope } = composeMessage(mail);
      await transport.sendMail({ envelope, raw });
    },
    close() {
      transport.close();
    },
  };
}
