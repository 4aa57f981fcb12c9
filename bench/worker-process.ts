// duban's worker as a separate process (`node scripts/run.mjs worker`, what `npm run worker` runs), so that
// it can be killed like a crash. Its output goes to a log file; "[duban] ready" on stdout says it polls.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../platform/tools';

/** How long a worker may take from spawn to "[duban] ready" (it bundles the workflow code at start). */
const READY_TIMEOUT_MS = 120_000;
const READY_LINE = '[duban] ready';

export interface WorkerEnv {
  temporalAddress: string;
  databaseUrl: string;
  smtpUrl: string;
  /** DUBAN_DATA_DIR: nothing of the bench's worker goes to ./data. */
  dataDir: string;
}

export interface WorkerProcess {
  name: string;
  pid: number | undefined;
  logFile: string;
  /** When it was spawned and when it printed "[duban] ready" (epoch ms). */
  spawnedAt: number;
  ready: Promise<number>;
  /** Exited without being killed or stopped by us: its code or signal. */
  unexpectedExit(): string | undefined;
  /** SIGKILL, synchronously (a crash: no shutdown). */
  kill(): void;
  exited(): Promise<void>;
  /** SIGTERM (it finishes what it holds), SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** The last lines of its log. */
  tail(lines?: number): string;
}

/**
 * Brings dist/worker.mjs up to date once, here, as scripts/run.mjs would in every worker: two workers
 * started together would otherwise both rebuild it when a source file is newer.
 */
export async function ensureWorkerBuilt(): Promise<void> {
  const build = (await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'build.mjs')).href)) as { ensureBuilt(entry: string): Promise<void> };
  await build.ensureBuilt('worker');
}

export function spawnWorker(name: string, dir: string, env: WorkerEnv): WorkerProcess {
  const logFile = join(dir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'run.mjs'), 'worker'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DUBAN_TEMPORAL_ADDRESS: env.temporalAddress,
      DUBAN_TEMPORAL_NAMESPACE: 'default',
      DATABASE_URL: env.databaseUrl,
      DUBAN_SMTP_URL: env.smtpUrl,
      DUBAN_SEARCH_ATTRIBUTES: 'on',
      DUBAN_DATA_DIR: env.dataDir,
      DUBAN_MAIL_FROM: '',
    },
  });
  let expected = false;
  let unexpected: string | undefined;
  let stdoutTail = '';
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not print "${READY_LINE}" within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`)), READY_TIMEOUT_MS);
    timer.unref();
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stdoutTail = (stdoutTail + chunk.toString('utf8')).slice(-4096);
      if (stdoutTail.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve(Date.now());
        stdoutTail = '';
      }
    });
    child.once('error', (err) => reject(new Error(`${name} could not run: ${err.message}`)));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!expected) unexpected = String(signal ?? code);
      reject(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${logFile}`));
    });
  });
  ready.catch(() => {}); // whoever awaits it sees the error; an unawaited rejection must not end the bench
  child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
  child.once('exit', () => log.end());
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const exited = async () => {
    if (!gone()) await once(child, 'exit');
  };
  return {
    name,
    pid: child.pid,
    logFile,
    spawnedAt,
    ready,
    unexpectedExit: () => unexpected,
    kill() {
      expected = true;
      if (!gone()) child.kill('SIGKILL');
    },
    exited,
    async stop() {
      expected = true;
      if (gone()) return;
      child.kill('SIGTERM');
      await Promise.race([exited(), new Promise((r) => setTimeout(r, 15_000).unref())]);
      if (!gone()) child.kill('SIGKILL');
      await exited();
    },
    tail(lines = 20) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
      } catch {
        return '';
      }
    },
  };
}
