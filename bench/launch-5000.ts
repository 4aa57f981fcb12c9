// launch-5000: launch a generated 5,000-unit campaign on a rehearsal (real time-skipping Temporal server,
// real SQLite, real SMTP sink) and check that every obligation workflow was started by the campaign
// workflow's batch activities, with the campaign workflow's own history staying small. A 50-unit launch
// in the same run gives the per-obligation cost ratio. Timings are reported, never judged; only the
// correctness checks decide the outcome.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { obligationWorkflowId } from '../shared/contract';
import { DELIVERABLE, type Generated, LAUNCH_AT, at, generate } from './campaigns';
import { type LaunchMeasure, countByVisibility, describeAll, measureLaunch, waitForFirstTasks } from './measure';
import type { Options } from './scenario';

/** Temporal's default hard limit on the events of one workflow history. */
const HISTORY_LIMIT = 51_200;
/** What we call "small" for the campaign workflow's history. */
const HISTORY_SMALL = 1_000;
/** How long the obligation workflows get, after the launch returned, to all run their first workflow task. */
const DRAIN_TIMEOUT_S = 180;

interface Campaigns {
  warm: Generated;
  small: Generated;
  big: Generated;
}

/** What the teardown has to undo, filled in as the set-up goes. */
interface Held {
  dir: string;
  r?: Rehearsal;
  clockHeld: boolean;
}

interface Launches {
  m50: LaunchMeasure;
  m5k: LaunchMeasure;
  /** Bench process RSS around the 5,000-unit launch. */
  rssBefore: number;
  rssAfter: number;
}

type Check = (ok: boolean, what: string) => void;

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const instant = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export async function launch5000(o: Options): Promise<boolean> {
  const held: Held = { dir: mkdtempSync(join(tmpdir(), 'duban-bench-')), clockHeld: false };
  let failures: string[];
  try {
    failures = await benchmark(o, held);
  } finally {
    await tearDown(held);
  }
  return verdict(failures);
}

/** Every step up to the summary; the failed checks. */
async function benchmark(o: Options, held: Held): Promise<string[]> {
  printHeader(held.dir);
  const campaigns = generateCampaigns(held.dir);
  const { r, startupMs } = await setUpRehearsal(o, held);
  const launches = await launchAll(r, campaigns);
  reportLaunches(launches);
  const { failures, notRunYet } = await runChecks(r, campaigns.big, launches);
  const drainMs = await reportDrainAndNotices(r, launches, notRunYet);
  printSummary(startupMs, launches, drainMs);
  return failures;
}

// ---------------------------------------------------------------------------------------------------
// Set-up

function printHeader(dir: string): void {
  console.log(
    `bench launch-5000 — node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other processes skew timings), launch at ${LAUNCH_AT}`,
  );
  console.log(`campaign files in ${dir}`);
}

function generateCampaigns(dir: string): Campaigns {
  const warm = generate(dir, 'bench-warmup-5', { leads: 1, departments: 3, towns: 1 });
  const small = generate(dir, 'bench-launch-50', { leads: 1, departments: 40, towns: 9 });
  const big = generate(dir, 'bench-launch-5000', { leads: 20, departments: 4000, towns: 980 });
  console.log(
    `generated ${big.unitIds.length} units (${mb(big.bytes)} of YAML); parse+validate ${s(big.parseMs)}, compile ${s(big.compileMs)} ` +
      `(50 units: ${s(small.parseMs)}, ${s(small.compileMs)})`,
  );
  return { warm, small, big };
}

/** (a): starts the rehearsal and, unless --time-skipping, holds its clock. */
async function setUpRehearsal(o: Options, held: Held): Promise<{ r: Rehearsal; startupMs: number }> {
  const t = performance.now();
  const r = await startRehearsal();
  held.r = r;
  const startupMs = performance.now() - t;
  console.log(`\n(a) rehearsal start-up (SQLite migrate, SMTP sink, test server, worker + bundle): ${s(startupMs)}`);
  const wo = r.worker.options;
  console.log(
    `    worker: maxCachedWorkflows ${wo.maxCachedWorkflows}, workflowThreadPoolSize ${wo.workflowThreadPoolSize}, ` +
      `reuseV8Context ${wo.reuseV8Context}`,
  );
  if (!o.timeSkipping) await holdClock(r, held);
  else console.log('    time skipping allowed during the launches: reminders may fire mid-measurement');
  return { r, startupMs };
}

async function holdClock(r: Rehearsal, held: Held): Promise<void> {
  // r.launch waits with the time-skipping client, which unlocks time skipping for the wait; one extra
  // lock keeps the server's clock running at wall-clock speed, as a real launch would see it.
  await r.env.connection.testService!.lockTimeSkipping({});
  held.clockHeld = true;
  console.log('    time skipping held during the launches (pass --time-skipping to allow it)');
}

// ---------------------------------------------------------------------------------------------------
// The launches and their report

async function launchAll(r: Rehearsal, c: Campaigns): Promise<Launches> {
  // A tiny launch first so that one-time costs (first Prisma queries, workflow sandbox warm-up) are not
  // charged to the 50-unit launch the ratio is taken against.
  const w = await measureLaunch(r, c.warm, false);
  console.log(`    warm-up launch of ${w.units} units: ${s(w.launchMs)} (not counted)`);

  const m50 = await measureLaunch(r, c.small, false);
  const rssBefore = process.memoryUsage().rss;
  const m5k = await measureLaunch(r, c.big, true);
  const rssAfter = process.memoryUsage().rss;
  return { m50, m5k, rssBefore, rssAfter };
}

/** Per-obligation launch time of the 5,000-unit campaign over that of the 50-unit one (1.00 = linear). */
function costRatio({ m50, m5k }: Launches): number {
  const perObligation50 = m50.launchMs / m50.units;
  const perObligation5k = m5k.launchMs / m5k.units;
  return perObligation5k / perObligation50;
}

/** (b) */
function reportLaunches(launches: Launches): void {
  const { m50, m5k } = launches;
  console.log(`\n(b) launch (store campaign + run campaign workflow to completion)`);
  for (const m of [m50, m5k]) {
    console.log(
      `    ${String(m.units).padStart(5)} units: ${s(m.launchMs)} total, ${(m.launchMs / m.units).toFixed(2)} ms/obligation; ` +
        `campaign workflow span ${s(m.workflowSpanMs)}, ${m.batches} batch${m.batches === 1 ? '' : 'es'} of ≤200 ` +
        `(per batch min/mean/max ${s(m.batchMs.min)} / ${s(m.batchMs.mean)} / ${s(m.batchMs.max)})`,
    );
  }
  console.log(
    `    per-obligation cost ratio (5,000 / 50): ${costRatio(launches).toFixed(2)} ` +
      `(total time ratio ${(m5k.launchMs / m50.launchMs).toFixed(1)} for ${m5k.units / m50.units}× the obligations; 1.00 = linear)`,
  );
  console.log(
    `    5,000-unit launch outside the campaign workflow: ${s(m5k.beforeWorkflowMs)} before it started (read + validate + compile + ` +
      `store ${m5k.units} rows in SQLite + start RPC), ${s(m5k.afterWorkflowMs)} after it completed (result long-poll)`,
  );
  console.log(`    bench process RSS ${mb(launches.rssBefore)} → ${mb(launches.rssAfter)}`);
}

// ---------------------------------------------------------------------------------------------------
// (c) The checks

/** Prints each check; the failed ones, and the obligation workflows that had not run their first task yet. */
async function runChecks(r: Rehearsal, big: Generated, { m50, m5k }: Launches): Promise<{ failures: string[]; notRunYet: string[] }> {
  console.log(`\n(c) checks`);
  const failures: string[] = [];
  const check: Check = (ok, what) => {
    console.log(`  [${ok ? 'ok' : 'FAIL'}] ${what}`);
    if (!ok) failures.push(what);
  };
  checkLaunchResults(check, m50, m5k);
  await checkVisibilityCount(check, r, big.id);
  checkSamples(check, m5k);
  const notRunYet = await checkEveryObligationWorkflow(check, r, big);
  return { failures, notRunYet };
}

function checkLaunchResults(check: Check, m50: LaunchMeasure, m5k: LaunchMeasure): void {
  check(
    m5k.result.obligations === 5000 && m5k.result.started === 5000,
    `campaign workflow result ${JSON.stringify(m5k.result)} = {obligations: 5000, started: 5000}`,
  );
  check(m5k.dbObligations === 5000, `obligation rows in SQLite: ${m5k.dbObligations}`);
  check(
    m5k.historyEvents < HISTORY_SMALL,
    `campaign workflow history: ${m5k.historyEvents} events (< ${HISTORY_SMALL}; Temporal's limit is ${HISTORY_LIMIT}, ${((100 * m5k.historyEvents) / HISTORY_LIMIT).toFixed(2)}% of it)`,
  );
  check(m5k.pendingChildren === 0, `pending child workflows of the campaign workflow: ${m5k.pendingChildren}`);
  check(m50.result.obligations === 50 && m50.result.started === 50, `50-unit campaign result ${JSON.stringify(m50.result)}`);
}

async function checkVisibilityCount(check: Check, r: Rehearsal, campaignId: string): Promise<void> {
  const counted = await countByVisibility(r, campaignId);
  if (counted.count !== undefined) {
    check(counted.count === 5000, `obligation workflows by visibility: ${counted.count} via ${counted.how}`);
  } else {
    console.log(`  [--] visibility count/list ${counted.how}; verified by describing the first, middle and last obligation workflows, then all 5,000`);
  }
}

function checkSamples(check: Check, m5k: LaunchMeasure): void {
  check(m5k.missingSamples.length === 0, `sampled obligation workflows exist (${m5k.samples.length} found, ${m5k.missingSamples.length} missing)`);
  for (const x of m5k.samples) {
    check(x.type === 'obligationWorkflow' && x.status === 'RUNNING', `${x.workflowId}: ${x.type} ${x.status}, ${x.historyLength} events`);
  }
  for (const id of m5k.missingSamples) console.log(`         missing: ${id}`);
}

/**
 * Describes every one of the 5,000 (the server has no visibility queries); those the worker had not yet
 * given their first workflow task.
 */
async function checkEveryObligationWorkflow(check: Check, r: Rehearsal, big: Generated): Promise<string[]> {
  const allIds = big.unitIds.map((u) => obligationWorkflowId(big.id, u, DELIVERABLE));
  const t = performance.now();
  const scan = await describeAll(r.env.client, allIds);
  const scanMs = performance.now() - t;
  check(
    scan.missing.length === 0 && scan.statuses.RUNNING === 5000 && scan.types.obligationWorkflow === 5000,
    `all 5,000 obligation workflows described (${s(scanMs)}): ${JSON.stringify(scan.statuses)}, ${JSON.stringify(scan.types)}, ${scan.missing.length} missing`,
  );
  return scan.notRunYet;
}

// ---------------------------------------------------------------------------------------------------
// After the launches: first workflow tasks, the campaign clock, notices; summary and verdict

/** Waits for `notRunYet` to run their first workflow task and reports it, the campaign clock, notices and memory; the wait, or undefined on timeout. */
async function reportDrainAndNotices(r: Rehearsal, { m50, m5k }: Launches, notRunYet: string[]): Promise<number | undefined> {
  const drainMs = await waitForFirstTasks(r.env.client, notRunYet, DRAIN_TIMEOUT_S * 1000);
  console.log(
    `\n    when launch returned, ${notRunYet.length} of 5,000 obligation workflows had not yet run their first workflow task; ` +
      `all had ${drainMs === undefined ? `NOT within ${DRAIN_TIMEOUT_S} s` : `${s(drainMs)} later`}`,
  );
  console.log(
    `    campaign clock: launch at ${instant(at(LAUNCH_AT))}; after 50-unit launch ${instant(m50.clockAfter)}; ` +
      `after 5,000-unit launch ${instant(m5k.clockAfter)}; now ${instant(await r.now())}`,
  );
  await reportNotices(r);
  console.log(`    bench process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (worker keeps up to ${r.worker.options.maxCachedWorkflows} workflows cached)`);
  return drainMs;
}

async function reportNotices(r: Rehearsal): Promise<void> {
  const notices = await r.db.notice.groupBy({ by: ['campaignId', 'status'], _count: true, _min: { scheduledAt: true }, _max: { scheduledAt: true } });
  for (const n of notices) {
    console.log(`    notices ${n.campaignId} ${n.status}: ${n._count} (scheduled ${instant(n._min.scheduledAt!.getTime())} … ${instant(n._max.scheduledAt!.getTime())})`);
  }
  if (!notices.length) console.log('    notices: none sent yet');
}

function printSummary(startupMs: number, launches: Launches, drainMs: number | undefined): void {
  console.log(
    `\nsummary: start-up ${s(startupMs)}; launch 50 ${s(launches.m50.launchMs)}; launch 5,000 ${s(launches.m5k.launchMs)} ` +
      `(+ ${drainMs === undefined ? `>${DRAIN_TIMEOUT_S} s` : s(drainMs)} until every obligation workflow had run its first task); ` +
      `per-obligation ratio ${costRatio(launches).toFixed(2)}`,
  );
}

/** Releases the clock, closes the rehearsal and removes the campaign files, whatever was set up. */
async function tearDown(held: Held): Promise<void> {
  if (held.r) {
    if (held.clockHeld) await held.r.env.connection.testService!.unlockTimeSkipping({});
    const t = performance.now();
    await held.r.close();
    console.log(`rehearsal closed in ${s(performance.now() - t)}`);
  }
  rmSync(held.dir, { recursive: true, force: true });
}

function verdict(failures: string[]): boolean {
  if (failures.length) {
    console.log(`\n${failures.length} check(s) failed`);
    return false;
  }
  console.log('\nall checks passed');
  return true;
}
