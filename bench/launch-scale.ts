// launch [N]: launch a campaign of N obligations (N/2 towns × 2 deliverables, due next month) the way an
// operator would after `npm start`: a fresh dev server started as npm start starts it, duban's real worker in
// this process (fresh SQLite database, mail sink, Temporal client), the real clock, operations/launch.ts.
// Times the launch call, the campaign workflow until it has started every obligation due now (an obligation's
// workflow starts a day before its first notice: here none, the rest wait on the campaign's timer) and the
// moment every started one has run its first workflow task, against the issue's goal of 60 s in all. With
// --all-at-launch the campaign's clock is set 12 hours before its first notice, so that every obligation's
// workflow starts at launch: the start-up wave a day before the first notice, measured. Reports the campaign
// workflow's history, peak memory of this process and of the dev server, and where the CPU went.
// Timings are reported, never judged; only the checks decide the outcome.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type proto from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { compileCampaign } from '../domain/compile';
import { planCampaign } from '../domain/plan';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { type Mailer, createMailer } from '../mail/mailer';
import { readDefinitionFile } from '../operations/definition-file';
import { type CampaignStarts, type LaunchResult, campaignStartsSettled, launchCampaign } from '../operations/launch';
import { TASK_QUEUE, campaignWorkflowId, obligationWorkflowId } from '../shared/contract';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { createDubanWorker } from '../worker/worker';
import { type DevServer, NAMESPACE, startDevServer } from './dev-server';
import { describeAll, waitForFirstTasks } from './measure';
import { MONTH_DELIVERABLES, type MonthCampaign, writeMonthCampaign } from './next-month-campaign';
import { type ThreadCpu, cpuBetween, machineBusyMs, pidByCommandLine, statusBytes, threadCpu } from './proc-stats';
import { type Profiler, startProfiler, summarize, writeProfile } from './profile';
import { type ThreadsProfiler, startThreadsProfiler } from './profile-threads';
import { type Options, UsageError } from './scenario';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const DEFAULT_N = 20_000;
/** Issue 6, item 5: launch call + every obligation held by a workflow (its own past its first task, or the campaign's timer), in all. */
const GOAL_MS = 60_000;
const FIRST_TASKS_TIMEOUT_MS = 20 * 60_000;
/** Concurrent history requests when reading the obligation workflows' histories after the measurement. */
const SCAN_LANES = 16;

export const LAUNCH_USAGE = [
  '  launch [N] [--all-at-launch] [--profile]',
  '                launch a campaign of N obligations (N/2 towns × 2 deliverables due next month;',
  `                default N = ${DEFAULT_N}) on a fresh dev server started as \`npm start\` does, with duban's real`,
  '                worker on the real clock: times the launch call, the campaign workflow and the first',
  `                workflow task of every obligation workflow (goal: all under ${GOAL_MS / 1000} s), the campaign`,
  '                workflow\'s history, peak RSS of this process and of the dev server, CPU by thread;',
  '                checks N obligation rows, each started (RUNNING, first task run) or due later and left',
  '                to the campaign workflow\'s timer (not started, the timer set for the earliest)',
  '    --all-at-launch  both deliverables due on the 15th, reminded alike (one first notice for all), and',
  '                the campaign\'s clock set 12 hours before it (launchCampaign\'s',
  '                clockOffsetMs, as a rehearsal does), so that every obligation\'s workflow starts at launch:',
  '                the wave of starts that otherwise comes a day before the first notice',
  '    --profile   CPU-profile this process\'s main thread and its worker threads (the workflow thread)',
  '                from the launch call until every first task ran: writes .cpuprofile files and prints',
  '                the top functions by self and inclusive time of each',
];

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : `${Math.round(bytes / 2 ** 20)} MB`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function parseArgs(o: Options): { n: number; allAtLaunch: boolean } {
  if (o.timeSkipping) throw new UsageError('launch runs on a dev server on the real clock: --time-skipping does not apply');
  const allAtLaunch = o.args.includes('--all-at-launch');
  const [v, ...rest] = o.args.filter((a) => a !== '--all-at-launch');
  if (rest.length) throw new UsageError(`launch: unexpected argument ${JSON.stringify(rest[0])}`);
  if (v === undefined) return { n: DEFAULT_N, allAtLaunch };
  if (!/^\d+$/.test(v) || Number(v) < 2 || Number(v) % 2 !== 0) throw new UsageError(`launch: N must be an even whole number ≥ 2, got ${JSON.stringify(v)}`);
  return { n: Number(v), allAtLaunch };
}

/** What the teardown has to undo, filled in as the set-up goes. */
interface Env {
  dir: string;
  server?: DevServer;
  serverPid?: number;
  databaseUrl?: string;
  db?: Db;
  catcher?: MailCatcher;
  mailer?: Mailer;
  native?: NativeConnection;
  client?: Client;
  worker?: Worker;
  running?: Promise<void>;
  profiler?: Profiler;
  threadsProfiler?: ThreadsProfiler;
  /** RSS of this process once everything was set up. */
  rssAfterSetUp?: number;
  /** Threads of this process named "node" that appeared while the worker was created (its workflow thread). */
  workerTids?: Set<number>;
}

type Ready = Required<Pick<Env, 'server' | 'db' | 'catcher' | 'client' | 'worker'>> & Env;

export async function launchScale(o: Options): Promise<boolean> {
  const { n, allAtLaunch } = parseArgs(o);
  // The worker's state changes are logged at INFO; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cpu = cpus();
  console.log(
    `bench launch ${n} — node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB, ` +
      `load average ${load()} (other processes skew timings)`,
  );
  const env: Env = { dir: mkdtempSync(join(tmpdir(), 'duban-bench-launch-')) };
  let failures: string[];
  try {
    failures = await benchmark(o, n, allAtLaunch, env);
  } finally {
    await tearDown(env);
  }
  if (failures.length) {
    console.log(`\n${failures.length} check(s) failed`);
    return false;
  }
  console.log('\nall checks passed');
  return true;
}

async function benchmark(o: Options, n: number, allAtLaunch: boolean, env: Env): Promise<string[]> {
  const campaign = prepareCampaign(env.dir, n, allAtLaunch);
  const ready = await setUp(env);
  const m = await measure(o, ready, campaign);
  const after = await analyse(ready, campaign, m);
  report(n, m, after, ready);
  return check(n, m, after, campaign);
}

// ---------------------------------------------------------------------------------------------------
// Set-up

interface Prepared extends MonthCampaign {
  ids: string[];
  firstNotice: { action: string; at: string };
  /** The campaign clock's offset: 0, or (--all-at-launch) what puts the launch 12 hours before the first notice. */
  clockOffsetMs: number;
}

const ALL_AT_LAUNCH_BEFORE_MS = 12 * 3600_000;

function prepareCampaign(dir: string, n: number, allAtLaunch: boolean): Prepared {
  const id = `bench-launch-${n}-${Date.now()}`;
  const c = writeMonthCampaign(dir, id, n / 2, Date.now(), { oneFirstNotice: allAtLaunch });
  // The first notice of the plan (the same dates on one town), to show that none falls due while we measure.
  const probe = writeMonthCampaign(dir, `${id}-probe`, 1, Date.now(), { oneFirstNotice: allAtLaunch });
  const { def } = readDefinitionFile(probe.file);
  const first = planCampaign(compileCampaign(def, Date.now()))[0];
  const ids = c.unitIds.flatMap((u) => Object.values(MONTH_DELIVERABLES).map((d) => obligationWorkflowId(id, u, d)));
  console.log(
    `campaign ${id}: ${c.towns} towns × 2 deliverables = ${ids.length} obligations (${mb(c.bytes)} of YAML); stage ${c.stage.start} … ${c.stage.end}, ` +
      `due ${c.due.monthly} and ${c.due.rectification} (${def.timeZone}); campaign.calendar.years [${c.years.join(', ')}]`,
  );
  console.log(`    first notice of the plan: ${first.action} at ${first.at} (${((Date.parse(first.at) - Date.now()) / 86_400_000).toFixed(1)} days from now)`);
  const clockOffsetMs = allAtLaunch ? Date.parse(first.at) - ALL_AT_LAUNCH_BEFORE_MS - Date.now() : 0;
  if (allAtLaunch) console.log(`    --all-at-launch: the campaign's clock runs ${(clockOffsetMs / 86_400_000).toFixed(2)} days ahead, the launch 12 hours before that notice`);
  return { ...c, ids, firstNotice: { action: first.action, at: first.at }, clockOffsetMs };
}

async function setUp(env: Env): Promise<Ready> {
  const t = performance.now();
  const server = (env.server = await startDevServer(env.dir, { searchAttributes: true }));
  env.serverPid = pidByCommandLine(server.dbFile);
  env.databaseUrl = `file:${join(env.dir, 'duban.db')}`;
  await migrateDatabase(env.databaseUrl);
  const db = (env.db = createDb(env.databaseUrl));
  const catcher = (env.catcher = await startMailCatcher());
  env.mailer = createMailer(catcher.smtpUrl);
  env.native = await NativeConnection.connect({ address: server.address });
  const client = (env.client = new Client({ connection: server.connection, namespace: NAMESPACE }));
  const tidsBefore = new Set(threadCpu(process.pid).map((x) => x.tid));
  const worker = (env.worker = await createDubanWorker({
    connection: env.native,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
    client,
    db,
    mailer: env.mailer,
    searchAttributes: true,
  }));
  env.running = worker.run();
  env.rssAfterSetUp = process.memoryUsage().rss;
  env.workerTids = new Set(threadCpu(process.pid).filter((x) => x.name === 'node' && !tidsBefore.has(x.tid)).map((x) => x.tid));
  const wo = worker.options as typeof worker.options & { tuner?: { workflowTaskSlotSupplier?: { numSlots?: number }; activityTaskSlotSupplier?: { numSlots?: number } } };
  console.log(
    `set-up in ${s(performance.now() - t)}: dev server ${server.address} (pid ${env.serverPid ?? '?'}, ${server.dbFile}), database ${env.databaseUrl}, sink ${catcher.smtpUrl}`,
  );
  console.log(
    `    worker (worker/worker.ts, defaults as npm start): maxCachedWorkflows ${wo.maxCachedWorkflows}, workflow task slots ${wo.tuner?.workflowTaskSlotSupplier?.numSlots ?? '?'}, ` +
      `activity slots ${wo.tuner?.activityTaskSlotSupplier?.numSlots ?? '?'}, workflowThreadPoolSize ${wo.workflowThreadPoolSize}, reuseV8Context ${wo.reuseV8Context}`,
  );
  return { ...env, server, db, catcher, client, worker };
}

// ---------------------------------------------------------------------------------------------------
// The measurement: launch call → campaign workflow done → every first workflow task

interface CpuSnapshot {
  at: number;
  bench: ThreadCpu[];
  server: ThreadCpu[];
  machine?: number;
}

interface PhaseCpu {
  phase: string;
  wallMs: number;
  bench: ThreadCpu[];
  server: ThreadCpu[];
  machineMs?: number;
}

function between(phase: string, a: CpuSnapshot, b: CpuSnapshot): PhaseCpu {
  return {
    phase,
    wallMs: b.at - a.at,
    bench: cpuBetween(a.bench, b.bench),
    server: cpuBetween(a.server, b.server),
    machineMs: a.machine === undefined || b.machine === undefined ? undefined : b.machine - a.machine,
  };
}

interface Measured {
  t0: number;
  launched: LaunchResult;
  launchMs: number;
  result: CampaignStarts;
  /** The campaign workflow seen done, or asleep until the next start, from t0. */
  resultMs: number;
  /** The obligation workflows started by then. */
  startedIds: string[];
  /** waitForFirstTasks saw every obligation workflow past its first task, from t0; undefined on timeout. */
  detectedMs?: number;
  loadBefore: string;
  loadAfter: string;
  /** CPU by phase: launch call → campaign workflow's result; → every first task seen. */
  cpu: PhaseCpu[];
  /** Peak RSS of this process and the dev server when the first tasks had all run. */
  benchPeakRss: number;
  serverPeakRss?: number;
  profileLines: string[];
}

function snapshot(serverPid: number | undefined): CpuSnapshot {
  return { at: performance.now(), bench: threadCpu(process.pid), server: serverPid === undefined ? [] : threadCpu(serverPid), machine: machineBusyMs() };
}

async function measure(o: Options, r: Ready, c: Prepared): Promise<Measured> {
  console.log(`\nlaunching (load average ${load()}) …`);
  const loadBefore = load();
  const profiler = o.profile ? (r.profiler = await startProfiler()) : undefined;
  const threadsProfiler = o.profile ? (r.threadsProfiler = await startThreadsProfiler()) : undefined;
  const before = snapshot(r.serverPid);
  const t0 = Date.now();
  const launched = await launchCampaign(
    { client: r.client, db: r.db, taskQueue: TASK_QUEUE, searchAttributes: true },
    { file: c.file, actor: 'bench', launchAt: t0 + c.clockOffsetMs, clockOffsetMs: c.clockOffsetMs },
  );
  const launchMs = Date.now() - t0;
  console.log(`    launch call returned after ${s(launchMs)}: ${launched.outcome}, ${launched.obligations} obligations`);
  const result = await campaignStartsSettled(r.client, launched.workflowId);
  const resultMs = Date.now() - t0;
  const mid = snapshot(r.serverPid);
  const startedRows = await r.db.obligation.findMany({ where: { campaignId: c.id, workflowStartedAt: { not: null } }, select: { workflowId: true } });
  const startedIds = startedRows.map((o) => o.workflowId);
  console.log(
    `    campaign workflow settled at t = ${s(resultMs)}: ${JSON.stringify(result)}` +
      (result.waitingUntil === undefined ? '' : ` (sleeps until ${new Date(result.waitingUntil).toISOString()})`) +
      `; waiting for the first workflow task of the ${startedIds.length} started …`,
  );
  const waited = await waitForFirstTasks(r.client, startedIds, FIRST_TASKS_TIMEOUT_MS);
  const detectedMs = waited === undefined ? undefined : Date.now() - t0;
  const after = snapshot(r.serverPid);
  const profile = await profiler?.stop();
  r.profiler = undefined;
  const threadProfiles = (await threadsProfiler?.stop()) ?? [];
  r.threadsProfiler = undefined;
  const profileLines: string[] = [];
  const stem = join(tmpdir(), `duban-bench-launch-${c.ids.length}-${new Date(t0).toISOString().replace(/[:.]/g, '-')}`);
  if (profile) {
    writeProfile(`${stem}.cpuprofile`, profile);
    profileLines.push(`CPU profile of this process's main thread, launch call until every first task ran: ${stem}.cpuprofile`, ...summarize(profile, 15).lines);
  }
  threadProfiles.forEach(({ title, profile: p }, i) => {
    writeProfile(`${stem}-thread${i + 1}.cpuprofile`, p);
    profileLines.push('', `CPU profile of worker thread ${i + 1} (${title}), same span: ${stem}-thread${i + 1}.cpuprofile`, ...summarize(p, 15).lines);
  });
  return {
    t0,
    launched,
    launchMs,
    result,
    resultMs,
    startedIds,
    detectedMs,
    loadBefore,
    loadAfter: load(),
    cpu: [
      between('launch call → campaign workflow settled (starts)', before, mid),
      between('→ every first task seen (the rest of the first tasks)', mid, after),
      between('in all', before, after),
    ],
    benchPeakRss: process.resourceUsage().maxRSS * 1024,
    serverPeakRss: r.serverPid === undefined ? undefined : statusBytes(r.serverPid, 'VmHWM'),
    profileLines,
  };
}

// ---------------------------------------------------------------------------------------------------
// After the measurement: the campaign workflow, every obligation workflow's history, the database

export const tsMs = (t: unknown): number => {
  const ts = t as { seconds?: { toNumber(): number } | number | string; nanos?: number } | null | undefined;
  if (!ts) return NaN;
  const sec = typeof ts.seconds === 'object' && ts.seconds !== null ? ts.seconds.toNumber() : Number(ts.seconds ?? 0);
  return sec * 1000 + (ts.nanos ?? 0) / 1e6;
};

interface CampaignHistory {
  events: number;
  pendingChildren: number;
  status: string;
  /** From t0. */
  startedMs: number;
  closedMs: number;
  batches: number[];
}

export interface ObligationTimes {
  /** From t0, sorted. */
  started: number[];
  firstTaskDone: number[];
  /** First task completed − workflow started, sorted. */
  lag: number[];
  inputBytes: number;
  historyEvents: number;
  /** Workflows whose history shows no completed workflow task, or that do not exist. */
  noTask: number;
  scanMs: number;
}

interface Analysis {
  campaign: CampaignHistory;
  obligations: ObligationTimes;
  scan: Awaited<ReturnType<typeof describeAll>> & { ms: number };
  /** Obligations not started: how many, how many of a sample exist in Temporal (none should), the earliest start due. */
  pending: { count: number; sampled: number; sampledExisting: number; earliestStartBy?: number; withoutStartBy: number };
  visibility: string;
  dbObligations: number;
  noticeRows: number;
  mails: number;
  compileMs: number;
  benchPeakRssEnd: number;
}

async function analyse(r: Ready, c: Prepared, m: Measured): Promise<Analysis> {
  console.log(`\nreading the campaign workflow and ${m.startedIds.length} started obligation workflows (after the measurement) …`);
  const campaign = await campaignHistory(r.client, c.id, m.t0);
  const obligations = await obligationTimes(r.client, m.startedIds, m.t0);
  let t = performance.now();
  const scan = { ...(await describeAll(r.client, m.startedIds)), ms: performance.now() - t };
  // the others: none exists yet, and each is due to start at the campaign's timer or later
  const started = new Set(m.startedIds);
  const left = c.ids.filter((id) => !started.has(id));
  const leftSample = await describeAll(r.client, left.filter((_, i) => i % Math.max(1, Math.floor(left.length / 200)) === 0));
  const rows = await r.db.obligation.findMany({ where: { campaignId: c.id }, select: { workflowStartBy: true, workflowStartedAt: true } });
  const notStarted = rows.filter((o) => o.workflowStartedAt === null);
  const startBys = notStarted.map((o) => o.workflowStartBy?.getTime() ?? NaN);
  const pending = {
    count: notStarted.length,
    sampled: leftSample.missing.length + Object.values(leftSample.statuses).reduce((x, y) => x + y, 0),
    sampledExisting: Object.values(leftSample.statuses).reduce((x, y) => x + y, 0),
    earliestStartBy: startBys.length ? Math.min(...startBys) : undefined,
    withoutStartBy: rows.filter((o) => o.workflowStartBy === null).length,
  };
  const visibility = await visibilityCount(r.client, c.id);
  const dbObligations = await r.db.obligation.count({ where: { campaignId: c.id } });
  const noticeRows = await r.db.notice.count();
  // parse + validate + compile alone, warm, to split the launch call
  t = performance.now();
  compileCampaign(readDefinitionFile(c.file).def, Date.now());
  const compileMs = performance.now() - t;
  return {
    campaign,
    obligations,
    scan,
    pending,
    visibility,
    dbObligations,
    noticeRows,
    mails: r.catcher.messages().length,
    compileMs,
    benchPeakRssEnd: process.resourceUsage().maxRSS * 1024,
  };
}

async function campaignHistory(client: Client, campaignId: string, t0: number): Promise<CampaignHistory> {
  const handle = client.workflow.getHandle(campaignWorkflowId(campaignId));
  const desc = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    events: events.length,
    pendingChildren: desc.raw.pendingChildren?.length ?? 0,
    status: desc.status.name,
    startedMs: tsMs(events[0]?.eventTime) - t0,
    closedMs: tsMs(events[events.length - 1]?.eventTime) - t0,
    batches: batchDurations(events),
  };
}

/** Per-batch activity durations (scheduled → completed) in the campaign workflow's history. */
function batchDurations(events: HistoryEvent[]): number[] {
  const scheduledAt = new Map<number, number>();
  const out: number[] = [];
  for (const e of events) {
    if (/^start(Due)?ObligationWorkflows$/.test(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '')) scheduledAt.set(Number(e.eventId?.toString()), tsMs(e.eventTime));
    const done = e.activityTaskCompletedEventAttributes;
    const from = done && scheduledAt.get(Number(done.scheduledEventId?.toString()));
    if (from !== undefined && from !== null) out.push(tsMs(e.eventTime) - from);
  }
  return out;
}

/** Every obligation workflow's start and first completed workflow task, from its history (server clock). */
export async function obligationTimes(client: Client, ids: string[], t0: number): Promise<ObligationTimes> {
  const t = performance.now();
  const started: number[] = [];
  const firstTaskDone: number[] = [];
  const lag: number[] = [];
  let inputBytes = 0;
  let historyEvents = 0;
  let noTask = 0;
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      let events: HistoryEvent[];
      try {
        events = (await client.workflow.getHandle(ids[next++]).fetchHistory()).events ?? [];
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError) && !/not found/i.test((err as Error).message)) throw err;
        noTask++; // missing: the describe check reports it
        continue;
      }
      const start = tsMs(events[0]?.eventTime);
      const done = tsMs(events.find((e) => e.workflowTaskCompletedEventAttributes)?.eventTime);
      started.push(start - t0);
      if (Number.isNaN(done)) noTask++;
      else {
        firstTaskDone.push(done - t0);
        lag.push(done - start);
      }
      const payloads = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      inputBytes = Math.max(inputBytes, payloads.reduce((a, p) => a + (p.data?.length ?? 0), 0));
      historyEvents = Math.max(historyEvents, events.length);
    }
  };
  await Promise.all(Array.from({ length: SCAN_LANES }, lane));
  const sort = (xs: number[]) => xs.sort((a, b) => a - b);
  return { started: sort(started), firstTaskDone: sort(firstTaskDone), lag: sort(lag), inputBytes, historyEvents, noTask, scanMs: performance.now() - t };
}

async function visibilityCount(client: Client, campaignId: string): Promise<string> {
  const query = `DubanCampaign = "${campaignId}" AND WorkflowType = "obligationWorkflow" AND ExecutionStatus = "Running"`;
  try {
    return `${(await client.workflow.count(query)).count} by workflow.count(${query})`;
  } catch (err) {
    return `workflow.count failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// Report and checks

/** Nearest-rank percentile of sorted values. */
export function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const last = (xs: number[]) => (xs.length ? xs[xs.length - 1] : NaN);

function report(n: number, m: Measured, a: Analysis, r: Ready): void {
  const { campaign: cw, obligations: ob, pending } = a;
  const k = m.startedIds.length;
  const allFirstTasksMs = k ? last(ob.firstTaskDone) : m.resultMs;
  const heldMs = Math.max(m.resultMs, allFirstTasksMs);
  const row = (label: string, value: string, extra = '') => console.log(`  ${label.padEnd(72)}${value.padStart(10)}  ${extra}`);
  console.log(`\nresults (N = ${n} obligations; times t from the start of the launch call, on this machine's clock)`);
  row('launch call returned', `t = ${s(m.launchMs)}`, `outcome ${m.launched.outcome}, ${m.launched.warnings.length} warning(s)`);
  row('  campaign workflow started (read, validate, compile, store, start RPC)', `t = ${s(cw.startedMs)}`, `parse + validate + compile alone, re-timed warm afterwards: ${s(a.compileMs)}`);
  if (k) {
    row('first obligation workflow started', `t = ${s(ob.started[0])}`);
    row('last obligation workflow started', `t = ${s(last(ob.started))}`, `${((ob.started.length / (last(ob.started) - ob.started[0])) * 1000).toFixed(0)} starts/s`);
  }
  const b = a.campaign.batches;
  row(
    m.result.done ? 'campaign workflow completed (every obligation started)' : 'campaign workflow asleep until the next start is due',
    `t = ${s(m.resultMs)}`,
    `${m.result.started} started by it` +
      (m.result.waitingUntil === undefined ? '' : `; its timer is set for ${new Date(m.result.waitingUntil).toISOString()}`) +
      (b.length
        ? `; ${b.length} batch(es) of ≤200, 32 starts at a time; per batch min/mean/max ${s(Math.min(...b))} / ${s(b.reduce((x, y) => x + y, 0) / b.length)} / ${s(Math.max(...b))}`
        : ''),
  );
  row(
    `obligations left to the campaign's timer (a day before their first notice)`,
    `${pending.count}`,
    pending.earliestStartBy === undefined ? '' : `earliest due to start ${new Date(pending.earliestStartBy).toISOString()} (campaign time)`,
  );
  if (k) {
    row(
      `every started obligation workflow (${k}) had run its first workflow task`,
      `t = ${s(allFirstTasksMs)}`,
      `from the histories; waitForFirstTasks saw it at ${m.detectedMs === undefined ? 'NOT within the timeout' : `t = ${s(m.detectedMs)}`}`,
    );
    row(
      '  first task completed after its workflow started: p50 / p99 / max',
      s(pct(ob.lag, 50)),
      `/ ${s(pct(ob.lag, 99))} / ${s(last(ob.lag))}; half of all first tasks done by t = ${s(pct(ob.firstTaskDone, 50))}`,
    );
  }
  row('every obligation held by a workflow (its own, or the campaign\'s timer)', `t = ${s(heldMs)}`, `GOAL < ${s(GOAL_MS)} in all`);
  row('campaign workflow history', `${cw.events} events`, `pending children ${cw.pendingChildren}; status ${cw.status}`);
  if (k) row('obligation workflow: input payload / history so far', `${(ob.inputBytes / 1024).toFixed(1)} KB`, `/ ${ob.historyEvents} events at most`);
  row('peak RSS of this process (worker, launcher, sink)', mb(m.benchPeakRss), `RSS after set-up ${mb(r.rssAfterSetUp)}; peak at the end of the run ${mb(a.benchPeakRssEnd)} (after the history scans)`);
  row('peak RSS of the dev server (/proc/<pid>/status VmHWM)', mb(m.serverPeakRss), m.serverPeakRss === undefined ? '(pid not found or /proc not readable)' : '');
  reportCpu(m, r.workerTids ?? new Set());
  console.log(`  load average before ${m.loadBefore}, after ${m.loadAfter}`);
  console.log(
    `  (after the measurement: ${k} histories read in ${s(ob.scanMs)}, ${k} workflows described in ${s(a.scan.ms)}; visibility: ${a.visibility})`,
  );
  for (const line of m.profileLines) console.log(`  ${line}`);
  console.log(
    `\nsummary: ${n} obligations; launch call ${s(m.launchMs)}; ${k} obligation workflows started at launch` +
      (k ? `, every first workflow task run at t = ${s(allFirstTasksMs)}` : '') +
      `; ${pending.count} left to the campaign's timer; every obligation held at t = ${s(heldMs)} — goal: under ${s(GOAL_MS)} in all`,
  );
}

/** CPU used in each phase: this process by kind of thread, the dev server, the rest of the machine. */
function reportCpu(m: Measured, workerTids: Set<number>): void {
  const sum = (ts: ThreadCpu[]) => ts.reduce((a, x) => a + x.cpuMs, 0);
  const kind = (x: ThreadCpu) => {
    if (x.tid === process.pid) return 'main thread';
    if (x.name.startsWith('tokio')) return 'Core SDK tokio threads';
    if (x.name !== 'node') return x.name;
    return workerTids.has(x.tid) ? 'node threads started with the worker (workflow thread)' : 'other node threads (V8 GC/compiler, libuv)';
  };
  console.log(`  CPU (s) by phase, ${cpus().length} CPUs:`);
  for (const p of m.cpu) {
    if (!p.bench.length) {
      console.log('    /proc not readable');
      return;
    }
    const groups = new Map<string, number>();
    for (const x of p.bench) groups.set(kind(x), (groups.get(kind(x)) ?? 0) + x.cpuMs);
    const others = p.machineMs === undefined ? '?' : s(p.machineMs - sum(p.bench) - sum(p.server));
    console.log(
      `    ${p.phase}: ${s(p.wallMs)} wall; this process ${s(sum(p.bench))}, dev server ${p.server.length ? s(sum(p.server)) : '?'}, ` +
        `other processes ${others}, machine idle ${p.machineMs === undefined ? '?' : s(p.wallMs * cpus().length - p.machineMs)}`,
    );
    console.log(
      `      this process: ${[...groups]
        .filter(([, v]) => v >= 5)
        .sort((x, y) => y[1] - x[1])
        .map(([k, v]) => `${k} ${s(v)}`)
        .join(', ')}`,
    );
  }
}

function check(n: number, m: Measured, a: Analysis, c: Prepared): string[] {
  console.log('\nchecks');
  const failures: string[] = [];
  const ok = (pass: boolean, what: string) => {
    console.log(`  [${pass ? 'ok' : 'FAIL'}] ${what}`);
    if (!pass) failures.push(what);
  };
  const k = m.startedIds.length;
  ok(m.launched.outcome === 'launched' && m.launched.warnings.length === 0, `launch: ${m.launched.outcome}, warnings ${JSON.stringify(m.launched.warnings)}`);
  ok(m.result.started === k, `the campaign workflow started ${m.result.started}, the rows marked started: ${k}`);
  ok(a.campaign.pendingChildren === 0, `pending child workflows of the campaign workflow: ${a.campaign.pendingChildren}`);
  ok(a.dbObligations === n, `obligation rows in SQLite: ${a.dbObligations}`);
  ok(a.pending.withoutStartBy === 0, `every obligation row has the time its workflow is due to start (${a.pending.withoutStartBy} without)`);
  ok(k + a.pending.count === n, `started ${k} + left to the campaign's timer ${a.pending.count} = ${n}`);
  if (c.clockOffsetMs !== 0) ok(k === n && m.result.done, `--all-at-launch: every obligation workflow started at launch (${k}), the campaign workflow done (${m.result.done})`);
  if (a.pending.count) {
    ok(
      !m.result.done && m.result.waitingUntil === (a.pending.earliestStartBy ?? NaN) - c.clockOffsetMs,
      `the campaign workflow sleeps until the earliest start due (${m.result.waitingUntil} = ${a.pending.earliestStartBy} − offset)`,
    );
    ok(a.pending.sampledExisting === 0, `of ${a.pending.sampled} obligations sampled among those left, ${a.pending.sampledExisting} have a workflow`);
  }
  const { statuses, types, missing, notRunYet } = a.scan;
  ok(
    missing.length === 0 && (statuses.RUNNING ?? 0) === k && (types.obligationWorkflow ?? 0) === k,
    `started obligation workflows described: ${JSON.stringify(statuses)}, ${JSON.stringify(types)}, ${missing.length} missing`,
  );
  ok((k === 0 || m.detectedMs !== undefined) && notRunYet.length === 0 && a.obligations.noTask === 0, `every started obligation workflow has run its first workflow task (${notRunYet.length} not yet)`);
  ok(a.noticeRows === 0 && a.mails === 0, `nothing sent while measuring: ${a.noticeRows} notice rows, ${a.mails} letters at the sink`);
  return failures;
}

// ---------------------------------------------------------------------------------------------------

async function tearDown(env: Env): Promise<void> {
  await env.profiler?.stop();
  await env.threadsProfiler?.stop();
  if (env.worker && env.running) {
    env.worker.shutdown();
    await env.running.catch((err: unknown) => console.warn(`worker: ${(err as Error).message}`));
  }
  await env.native?.close();
  env.mailer?.close();
  await env.catcher?.close();
  await env.db?.$disconnect();
  await env.server?.stop();
  rmSync(env.dir, { recursive: true, force: true });
}
