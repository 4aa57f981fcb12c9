// What both sides of `bench burst` share: choosing minute M, waiting for it, collecting the letters the
// sink receives after it, and the numbers taken from them.
import { loadavg } from 'node:os';
import type { CaughtMail, MailCatcher } from '../mail/catcher';

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
): Promise<Pick<SideResult, 'letters' | 'early' | 'complete'>> {
  const until = minute + BURST_TIMEOUT_MS;
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
  await whenDone?.();
  await sleep(GRACE_MS);
  const all = catcher.messages();
  return {
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
