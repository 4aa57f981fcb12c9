// The sink of `bench burst` as a child process (bench/sink-child.ts), seen from the bench as a MailCatcher: the
// messages it reports arrive over IPC (at most ~50 ms after the sink took them; their receivedAt is the sink's).
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import type { CaughtMail, MailCatcher } from '../mail/catcher';
import type { SinkCommand, SinkMessage } from './sink-child';

const require = createRequire(import.meta.url);
const READY_TIMEOUT_MS = 60_000;

/** The sink, and (once closed) the CPU time its process spent on the messages, to weigh what it takes from the machine's cores. */
export interface SinkProcess extends MailCatcher {
  /** Set by close(): the child's CPU time (user + system) from its first message on, and how many messages it kept. */
  cpu?: { ms: number; received: number };
}

export async function startSinkProcess(): Promise<SinkProcess> {
  // tsx runs this process; the child inherits its execArgv (the tsx loader), so it runs the .ts file too
  const child: ChildProcess = fork(require.resolve('./sink-child.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const mails: CaughtMail[] = [];
  let closed: (() => void) | undefined;
  let cpu: SinkProcess['cpu'];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const smtpUrl = await new Promise<string>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`the sink process did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`the sink process exited (code ${code}) before it was ready`)));
    child.on('message', (m: SinkMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timeout);
        resolve(m.smtpUrl);
      } else if (m.type === 'mail') {
        for (const x of m.mails) mails.push({ ...x, receivedAt: new Date(x.receivedAt) });
      } else if (m.type === 'closed') {
        cpu = { ms: m.cpuMs, received: m.received };
        closed?.();
      }
    });
  });
  const command = (c: SinkCommand) => child.send(c);
  return {
    get cpu() {
      return cpu;
    },
    smtpUrl,
    messages: () => [...mails],
    failNext: (n) => command({ type: 'failNext', n }),
    delayNext: (n, ms) => command({ type: 'delayNext', n, ms }),
    async close() {
      if (child.exitCode !== null || !child.connected) return;
      const done = new Promise<void>((resolve) => (closed = resolve));
      command({ type: 'close' });
      await Promise.race([done, exited]);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}
