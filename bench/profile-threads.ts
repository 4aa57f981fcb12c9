// CPU profiles of this process's worker threads (the Temporal worker runs workflow code in one), with the
// inspector's NodeWorker domain from the main thread: each thread's Profiler is driven through its own
// session. bench/profile.ts profiles the main thread; its summarize() reads these profiles too.
import { Session } from 'node:inspector/promises';
import type { Profiler } from './profile';

type CpuProfile = Awaited<ReturnType<Profiler['stop']>>;

interface Attached {
  sessionId: string;
  workerInfo: { workerId: string; type: string; title: string; url: string };
}

export interface ThreadsProfiler {
  /** One profile per worker thread that was running when profiling started, with its title. */
  stop(): Promise<{ title: string; profile: CpuProfile }[]>;
}

export async function startThreadsProfiler(intervalUs = 1000): Promise<ThreadsProfiler> {
  const session = new Session();
  session.connect();
  const attached: Attached[] = [];
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  session.on('NodeWorker.attachedToWorker', (m: { params: Attached }) => attached.push(m.params));
  session.on('NodeWorker.receivedMessageFromWorker', (m: { params: { sessionId: string; message: string } }) => {
    const msg = JSON.parse(m.params.message) as { id?: number; result?: unknown; error?: { message: string } };
    const key = `${m.params.sessionId}:${msg.id}`;
    const p = pending.get(key);
    if (!p) return;
    pending.delete(key);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  });
  const send = (sessionId: string, method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId;
      pending.set(`${sessionId}:${id}`, { resolve, reject });
      session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  // attachedToWorker is sent for the threads already running right after enable
  await new Promise((r) => setTimeout(r, 200));
  const workers = [...attached];
  for (const w of workers) {
    await send(w.sessionId, 'Profiler.enable');
    await send(w.sessionId, 'Profiler.setSamplingInterval', { interval: intervalUs });
    await send(w.sessionId, 'Profiler.start');
  }
  return {
    async stop() {
      const out: { title: string; profile: CpuProfile }[] = [];
      for (const w of workers) {
        const { profile } = (await send(w.sessionId, 'Profiler.stop')) as { profile: CpuProfile };
        out.push({ title: w.workerInfo.title || w.workerInfo.url || w.workerInfo.workerId, profile });
      }
      await session.post('NodeWorker.disable');
      session.disconnect();
      return out;
    },
  };
}
