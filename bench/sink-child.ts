// The SMTP sink of `bench burst`, in a process of its own (bench/sink-process.ts starts it): in production the
// SMTP server is another machine, so the time it spends taking a message in must not be charged to the worker
// measured. It keeps each message's headers only, and reports every message (arrival time and headers) to the
// parent over IPC, in batches every BATCH_MS.
import { type CaughtMail, startMailCatcher } from '../mail/catcher';

const BATCH_MS = 50;

export type SinkMessage =
  | { type: 'ready'; smtpUrl: string }
  | { type: 'mail'; mails: (Omit<CaughtMail, 'receivedAt'> & { receivedAt: number })[] }
  | { type: 'closed'; cpuMs: number; received: number };
export type SinkCommand = { type: 'failNext'; n: number } | { type: 'delayNext'; n: number; ms: number } | { type: 'close' };

const send = (m: SinkMessage) => new Promise<void>((resolve, reject) => process.send!(m, undefined, undefined, (err) => (err ? reject(err) : resolve())));

let pending: CaughtMail[] = [];
/** CPU time used when the first message arrived: what the sink spends on messages is counted from there. */
let cpuAtFirst: NodeJS.CpuUsage | undefined;
async function flush(): Promise<void> {
  if (!pending.length) return;
  const mails = pending.map((m) => ({ ...m, receivedAt: m.receivedAt.getTime() }));
  pending = [];
  await send({ type: 'mail', mails });
}

const catcher = await startMailCatcher({
  parse: 'headers',
  onMail: (m) => {
    cpuAtFirst ??= process.cpuUsage();
    pending.push(m);
  },
});
const timer = setInterval(() => void flush(), BATCH_MS);
process.on('message', (c: SinkCommand) => {
  if (c.type === 'failNext') catcher.failNext(c.n);
  else if (c.type === 'delayNext') catcher.delayNext(c.n, c.ms);
  else if (c.type === 'close') {
    clearInterval(timer);
    void catcher
      .close()
      .then(flush)
      .then(() => {
        const cpu = process.cpuUsage(cpuAtFirst);
        return send({ type: 'closed', cpuMs: cpuAtFirst ? (cpu.user + cpu.system) / 1000 : 0, received: catcher.messages().length });
      })
      .finally(() => process.disconnect());
  }
});
// the parent died: nothing left to report to
process.on('disconnect', () => process.exit(0));
await send({ type: 'ready', smtpUrl: catcher.smtpUrl });
