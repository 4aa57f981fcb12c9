// The office's SMTP relay for `bench chaos`: it stays in the bench process, outside the stack that is
// killed. It refuses a share of the messages at random with a temporary error (451), as a busy relay
// does, and records every message it accepts: when, on which connection, its Message-ID and X-Duban-Key.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Accepted {
  /** When the relay, having read the end of the message's data, answered 250 (epoch ms). */
  acceptedAt: number;
  /** The SMTP connection it came on, and when that connection was opened (epoch ms). */
  session: string;
  connectedAt: number;
  messageId: string;
  key: string;
  action: string;
}

export interface Relay {
  smtpUrl: string;
  accepted: Accepted[];
  /** Messages refused with 451: when, and their X-Duban-Key. */
  refused: { at: number; key: string }[];
  /** Connections and connection-level errors (a killed client resets its connections). */
  connections: number;
  errors: string[];
  /** From now on, refuse this share of the messages. */
  setRefuse(share: number): void;
  close(): Promise<void>;
}

/** `refuse`: the share of messages (0–1) refused with 451, each drawn at random. */
export async function startRelay(share: number): Promise<Relay> {
  let refuse = share;
  const accepted: Accepted[] = [];
  const refused: Relay['refused'] = [];
  const errors: string[] = [];
  const connectedAt = new Map<string, number>();
  let connections = 0;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onConnect(session, callback) {
      connections++;
      connectedAt.set(session.id, Date.now());
      callback();
    },
    onClose(session) {
      connectedAt.delete(session.id);
    },
    onData(stream, session, callback) {
      const opened = connectedAt.get(session.id) ?? NaN;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        // The answer first, as a relay answers once it has queued the message; what the message was is
        // read after, so that the recorded instant is that of the answer, not of the parsing.
        const at = Date.now();
        const refuseIt = Math.random() < refuse;
        if (refuseIt) callback(Object.assign(new Error('relay busy, try again later (bench chaos)'), { responseCode: 451 }));
        else callback();
        const record = (messageId: string, key: string, action: string) => {
          if (refuseIt) refused.push({ at, key });
          else accepted.push({ acceptedAt: at, session: session.id, connectedAt: opened, messageId, key, action });
        };
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => {
            const header = (name: string) => {
              const v = parsed.headers.get(name);
              return typeof v === 'string' ? v : '';
            };
            record(parsed.messageId ?? '', header('x-duban-key'), header('x-duban-action'));
          })
          .catch((err: unknown) => {
            errors.push(`unparsable message: ${String(err)}`);
            record('', '', '');
          });
      });
    },
  });
  // A client killed in the middle of a message resets its connection; smtp-server reports that as an
  // 'error' event, which must not bring the bench process down.
  smtp.on('error', (err: Error) => errors.push(`${(err as { code?: string }).code ?? ''} ${err.message}`.trim()));
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (smtp.server.address() as AddressInfo).port;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    accepted,
    refused,
    get connections() {
      return connections;
    },
    errors,
    setRefuse(share) {
      refuse = share;
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
