// What both sides of `bench burst` share: choosing minute M, waiting for it, collecting the letters the
// sink receives after it, and the numbers taken from them.
import { loadavg } from 'node:os';
import type { CaughtMail, MailCatcher } from '../mail/catcher';
import { type ThreadCpu, cpuBetween, machineBusyMs, threadCpu } from './proc-stats';

/** How long all the workflows must have been waiting on their timers before M. */
export const MIN_MARGIN_MS = 20_000;
/** How long the sink is watched for all N letters after M. */
export const BURST_TIMEOUT_MS = 10 * 60_000;
/** After the N-th letter: how long to keep listening for duplicates or strays. */
export const GRACE_MS = 5_000;

export interface SideResult {
  side: 'bare' | 'duban';
  n: number;
  /** Minute M, epoch ms. */
  minute: number;
  /** Campaign time zone (duban) in which M was written. */
  zone?: string;
  /** Starting the N workflows: the starts themselves (bare) or the launch (duban). */
  startMs: number;
  /** From the starts returning until every workflow had run its first workflow task; undefined on timeout. */
  firstTasksMs?: number;
  /** How long before M every workflow was waiting on its timer (negative: after M). */
  marginMs: number;
  /** Load average (1 min) when the burst began and when it was over. */
  loadAtM: number;
  loadAfter: number;
  /** Letters received from M on, with their lag (receive time − M) in ms. */
  letters: { mail: CaughtMail; lagMs: number }[];
  /** Letters received before M. */
  early: CaughtMail[];
  /** Whether N letters arrived before BURST_TIMEOUT_MS. */
  complete: boolean;
  /** Extra lines for the report (checks are separate). */
  notes: string[];
  /** CPU from M to the N-th letter, ms, by where it ran (Linux only). */
  cpu?: BurstCpu;
  /** Correctness: each check's text and whether it held. */
  checks: { ok: boolean; what: string }[];
}

/**
 * The first minute boundary at least `leadMs` from now. The estimate of how long the starts and first
 * tasks take is the caller's; MIN_MARGIN_MS comes on top.
 */
export function chooseMinute(readyInMs: number, now = Date.now()): number {
  return Math.ceil((now + readyInMs + MIN_MARGIN_MS) / 60_000) * 60_000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Waits until `n` letters have reached the sink (or the timeout), calls `whenDone` (the profiler stops
 * there), then listens GRACE_MS more for strays.
 */
export async function collectBurst(
  catcher: MailCatcher,
  minute: number,
  n: number,
  whenDone?: () => Promise<void>,
  serverPid?: number,
): Promise<Pick<SideResult, 'letters' | 'early' | 'complete' | 'cpu'>> {
  const until = minute + BURST_TIMEOUT_MS;
  const before = cpuSnapshot(serverPid);
  let complete = false;
  let lastReport = Date.now();
  for (;;) {
    const count = catcher.messages().length;
    if (count >= n) {
      complete = true;
      break;
    }
    if (Date.now() > until) break;
    if (Date.now() - lastReport >= 30_000) {
      console.log(`      … ${count} of ${n} letters ${((Date.now() - minute) / 1000).toFixed(0)} s after M`);
      lastReport = Date.now();
    }
    await sleep(100);
  }
  const cpu = burstCpu(before, cpuSnapshot(serverPid));
  await whenDone?.();
  await sleep(GRACE_MS);
  const all = catcher.messages();
  return {
    cpu,
    complete,
    early: all.filter((m) => m.receivedAt.getTime() < minute),
    letters: all.filter((m) => m.receivedAt.getTime() >= minute).map((mail) => ({ mail, lagMs: mail.receivedAt.getTime() - minute })),
  };
}

export interface LagStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** First and last letter after M. */
  first: number;
  last: number;
  /** N / (last letter − M), per second. */
  perSecond: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function lagStats(r: SideResult): LagStats {
  const lags = r.letters.map((l) => l.lagMs).sort((a, b) => a - b);
  const last = lags.length ? lags[lags.length - 1] : NaN;
  return {
    count: lags.length,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: last,
    first: lags.length ? lags[0] : NaN,
    last,
    perSecond: lags.length / (last / 1000),
  };
}

/** Counts of values that occur more than once. */
export function duplicates(values: string[]): string[] {
  const seen = new Map<string, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  return [...seen].filter(([, c]) => c > 1).map(([v, c]) => `${v} ×${c}`);
}

/** The checks both sides make on the sink: exactly N letters, none early, no duplicate header values. */
export function letterChecks(r: SideResult, headerChecks: { name: string; of: (m: CaughtMail) => string }[]): void {
  const all = [...r.early, ...r.letters.map((l) => l.mail)];
  r.checks.push({ ok: all.length === r.n, what: `${r.side}: exactly ${r.n} letters at the sink (got ${all.length}${r.complete ? '' : ', timed out'})` });
  r.checks.push({ ok: r.early.length === 0, what: `${r.side}: no letter before M (${r.early.length})` });
  for (const h of headerChecks) {
    const values = all.map(h.of);
    const missing = values.filter((v) => !v).length;
    const dups = duplicates(values.filter(Boolean));
    r.checks.push({
      ok: missing === 0 && dups.length === 0,
      what: `${r.side}: every letter has a distinct ${h.name} (${missing} without, ${dups.length} duplicated${dups.length ? `: ${dups.slice(0, 3).join(', ')}` : ''})`,
    });
  }
}

export const load1 = () => loadavg()[0];

export const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

// ---------------------------------------------------------------------------------------------------
// Where the CPU of the burst went: this process by thread, the dev server, the rest of the machine

interface CpuSnapshot {
  bench: ThreadCpu[];
  server: ThreadCpu[];
  machine?: number;
}

export interface BurstCpu {
  /** The Node main thread: activities, the mailer, the worker's bridge to Temporal's core. */
  main: number;
  /** Other threads named `node`: the workflow thread(s). */
  workflowThreads: number;
  /** The Core SDK's tokio threads (gRPC to the server, polling). */
  core: number;
  /** V8's helpers (GC, compilers), libuv's pool and the rest of this process. */
  otherThreads: number;
  /** The dev server's process; undefined when its pid is not known. */
  server?: number;
  /** Every CPU of the machine busy, less all the above (the sink is among it). */
  rest?: number;
}

function cpuSnapshot(serverPid: number | undefined): CpuSnapshot {
  return { bench: threadCpu(process.pid), server: serverPid === undefined ? [] : threadCpu(serverPid), machine: machineBusyMs() };
}

function burstCpu(a: CpuSnapshot, b: CpuSnapshot): BurstCpu | undefined {
  if (!a.bench.length) return undefined;
  const sum = (ts: ThreadCpu[]) => ts.reduce((x, t) => x + t.cpuMs, 0);
  const threads = cpuBetween(a.bench, b.bench);
  const main = sum(threads.filter((t) => t.tid === process.pid));
  const workflowThreads = sum(threads.filter((t) => t.tid !== process.pid && t.name === 'node'));
  const core = sum(threads.filter((t) => t.name.startsWith('tokio')));
  const otherThreads = sum(threads) - main - workflowThreads - core;
  const server = a.server.length ? sum(cpuBetween(a.server, b.server)) : undefined;
  const busy = a.machine === undefined || b.machine === undefined ? undefined : b.machine - a.machine;
  const rest = busy === undefined ? undefined : busy - sum(threads) - (server ?? 0);
  return { main, workflowThreads, core, otherThreads, server, rest };
}

/** The CPU of the burst per letter, ms, by where it ran. */
export function cpuPerLetter(c: BurstCpu | undefined, n: number): string {
  if (!c) return 'not measured (no /proc)';
  const f = (ms: number | undefined) => (ms === undefined ? '?' : (ms / n).toFixed(2));
  const total = c.main + c.workflowThreads + c.core + c.otherThreads + (c.server ?? 0) + (c.rest ?? 0);
  return (
    `${f(total)} ms: main thread ${f(c.main)}, workflow thread ${f(c.workflowThreads)}, core SDK ${f(c.core)}, ` +
    `other threads ${f(c.otherThreads)}, dev server ${f(c.server)}, rest of the machine (the sink…) ${f(c.rest)}`
  );
}
