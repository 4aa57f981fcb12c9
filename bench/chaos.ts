// chaos N: crash recovery, measured. A burst as in `bench burst` (N units whose one reminder falls at minute
// M on the real clock), with the stack as separate processes — a Temporal dev server and duban's worker(s)
// (`node scripts/run.mjs worker`) — and the office's SMTP relay in this process, outside the stack, refusing
// a share of the messages with 451. In the middle of the burst the worker(s) and the dev server are killed
// together with SIGKILL, then restarted (the dev server on the same port and database file, so timers and
// histories survive), and every unit must still get its letter: none lost, and a duplicate only for a
// conversation the relay had already accepted when the stack was killed, with the same Message-ID
// (docs/design.md, "Exactly once": the residual window). Timings are reported, never judged; only the
// correctness checks decide the exit code.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { launchCampaign } from '../operations/launch';
import { TASK_QUEUE, obligationWorkflowId } from '../shared/contract';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { chooseMinute, iso, load1, percentile, s, sleep } from './burst-common';
import { burstTiming } from './burst-duban';
import { BURST_DELIVERABLE, generateBurst } from './campaigns';
import { type Accepted, type Relay, startRelay } from './chaos-relay';
import { type DevServer, NAMESPACE, startDevServer } from './dev-server';
import { waitForFirstTasks } from './measure';
import { type Options, UsageError } from './scenario';
import { type WorkerProcess, ensureWorkerBuilt, spawnWorker } from './worker-process';

export const CHAOS_USAGE = [
  '  chaos N [--workers K] [--refuse P] [--kill-after S] [--timeout T]',
  '                crash recovery: N letters fall due in the same minute M (as in burst), with a Temporal',
  '                dev server and K duban worker processes (`node scripts/run.mjs worker`); the SMTP relay',
  '                (in the bench process) refuses P % of the messages with 451. At M + S seconds, or when',
  '                half of the letters have arrived if that comes first, the workers and the dev server',
  '                are killed together (SIGKILL) and restarted (same port, same database file). Reports',
  '                lost letters, duplicates (and whether the relay had accepted the first copy before the',
  '                kill, with the same Message-ID), time from restart to the last letter, p50 / p99 lag',
  '                after the restart, the notice rows; fails on a lost letter or a duplicate that is not',
  '                a resend of a conversation accepted before the kill',
  '    --workers K     worker processes, before and after the crash (default 1)',
  '    --refuse P      per cent of messages the relay refuses with 451, at random (default 20)',
  '    --kill-after S  seconds after M at the latest to kill the stack (default 10)',
  '    --timeout T     seconds after the restart for every unit to have its letter (default 300); then',
  '                    the relay stops refusing and a letter still missing gets until its next attempt',
  '                    (+30 s) before it counts as lost',
];

/** How long after the restart every unit must have its letter by default (then see OVERTIME_*). */
const RECOVERY_TIMEOUT_MS = 5 * 60_000;
const FIRST_TASKS_TIMEOUT_MS = 5 * 60_000;
/** Letters still missing at the timeout: how long after their next scheduled attempt to wait, and at most. */
const OVERTIME_MARGIN_MS = 30_000;
const OVERTIME_CAP_MS = 11 * 60_000;
/** After the last letter and the last notice row marked sent: how long to keep listening for duplicates or strays. */
const GRACE_MS = 5_000;
/** The goal of issue 6: every letter in flight at the crash delivered within this of the restart. */
const GOAL_RECOVERY_MS = 60_000;

interface ChaosArgs {
  n: number;
  workers: number;
  refuse: number;
  killAfterMs: number;
  timeoutMs: number;
}

function parseArgs(o: Options): ChaosArgs {
  if (o.timeSkipping) throw new UsageError('chaos runs on a dev server: --time-skipping does not apply');
  if (o.profile) throw new UsageError('--profile applies to burst only');
  const args = [...o.args];
  const a: Partial<ChaosArgs> = { workers: 1, refuse: 0.2, killAfterMs: 10_000, timeoutMs: RECOVERY_TIMEOUT_MS };
  const value = (flag: string) => {
    const v = args.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (args.length) {
    const word = args.shift()!;
    if (word === '--workers') {
      const v = value(word);
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 8) throw new UsageError(`--workers needs a whole number from 1 to 8, got ${JSON.stringify(v)}`);
      a.workers = Number(v);
    } else if (word === '--refuse') {
      const v = value(word).replace(/%$/, '');
      if (!/^\d+(\.\d+)?$/.test(v) || Number(v) >= 100) throw new UsageError(`--refuse needs a percentage from 0 to below 100, got ${JSON.stringify(v)}`);
      a.refuse = Number(v) / 100;
    } else if (word === '--kill-after') {
      const v = value(word);
      if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--kill-after needs a number of seconds ≥ 0, got ${JSON.stringify(v)}`);
      a.killAfterMs = Number(v) * 1000;
    } else if (word === '--timeout') {
      const v = value(word);
      if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--timeout needs a number of seconds > 0, got ${JSON.stringify(v)}`);
      a.timeoutMs = Number(v) * 1000;
    } else if (a.n === undefined && /^\d+$/.test(word)) {
      a.n = Number(word);
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(word)}`);
    }
  }
  if (a.n === undefined || a.n < 2) throw new UsageError(`chaos needs the number of letters N, a whole number ≥ 2, got ${JSON.stringify(o.args[0] ?? '')}`);
  return a as ChaosArgs;
}

const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Units still without a letter at the timeout, waited for until their next attempt. */
interface Overtime {
  from: number;
  missing: string[];
  /** What Temporal says of each one's pending sendNotice. */
  pending: string[];
}

/** Everything measured on one run, for the report and the checks. */
interface Run {
  a: ChaosArgs;
  campaignId: string;
  unitIds: string[];
  minute: number;
  launchMs: number;
  firstTasksMs?: number;
  marginMs: number;
  campaignResult: { obligations: number; started: number };
  killAt: number;
  killReason: string;
  /** Notice rows by status right after the kill. */
  rowsAtKill: Record<string, number>;
  /** The notice rows not marked sent at the kill: key → status. */
  unmarkedAtKill: Map<string, string>;
  serverUpAt: number;
  workersReadyAt: number[];
  /** The restart instant: when the first restarted worker printed ready. */
  restartAt: number;
  recoveredAt?: number;
  overtime?: Overtime;
  relay: Relay;
  failedWorkflows: { count?: number; how: string };
  rowsByStatus: Record<string, number>;
  attempts: Record<number, number>;
  unexpectedExits: string[];
  loads: { start: number; atM: number; atKill: number; after: number };
}

export async function chaos(o: Options): Promise<boolean> {
  const a = parseArgs(o);
  const cpu = cpus();
  console.log(
    `bench chaos ${a.n} — ${a.workers} worker process(es), relay refuses ${(a.refuse * 100).toFixed(0)} %, kill at M + ${s(a.killAfterMs)} at the latest; ` +
      `node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB, load average ${loads()} (other processes skew timings)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-chaos-'));
  const held: Held = { workers: [] };
  // However the bench ends (an exception, Ctrl-C, process.exit), no process of the stack outlives it.
  const onExit = () => {
    for (const w of held.workers) w.kill();
    held.server?.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: killing the stack and removing ${dir}`);
    process.exit(130);
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ok = false;
  try {
    const run = await crashRun(a, dir, held);
    ok = verdict(run, report(run));
    return ok;
  } finally {
    const { server, relay, db, workers } = held;
    if (!ok) {
      for (const w of workers) {
        const tail = w.tail(15);
        if (tail.trim()) console.log(`\n--- last lines of ${w.name}'s log ---\n${tail}`);
      }
      if (server) console.log(`\n--- last lines of the dev server's log ---\n${tailOf(server.logFile, 15)}`);
    }
    await Promise.all(workers.map((w) => w.stop().catch(() => w.kill())));
    await server?.stop().catch(() => server.kill());
    await relay?.close().catch(() => {});
    await db?.$disconnect().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The processes and clients the clean-up must know about as soon as they exist. */
interface Held {
  server?: DevServer;
  relay?: Relay;
  db?: Db;
  workers: WorkerProcess[];
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}

async function crashRun(a: ChaosArgs, dir: string, held: Held): Promise<Run> {
  const { n } = a;
  const t0 = performance.now();
  const loadStart = load1();
  const server = (held.server = await startDevServer(dir, { searchAttributes: true }));
  const databaseUrl = `file:${join(dir, 'duban.db')}`;
  await migrateDatabase(databaseUrl);
  const db = (held.db = createDb(databaseUrl));
  const relay = (held.relay = await startRelay(a.refuse));
  await ensureWorkerBuilt();
  const env = { temporalAddress: server.address, databaseUrl, smtpUrl: relay.smtpUrl, dataDir: dir };
  const startWorkers = (suffix: string) => {
    const started = Array.from({ length: a.workers }, (_, i) => spawnWorker(`worker-${i + 1}${suffix}`, dir, env));
    held.workers.push(...started);
    return started;
  };
  const before = startWorkers('');
  await Promise.all(before.map((w) => w.ready));
  console.log(
    `  stack: dev server ${server.address} (pid ${server.pid}, db ${server.dbFile}), ${a.workers} worker(s) (pid ${before.map((w) => w.pid).join(', ')}), ` +
      `database ${databaseUrl}, relay ${relay.smtpUrl} in this process; up in ${s(performance.now() - t0)}`,
  );

  // M: far enough ahead for the launch and every obligation workflow's first task (launch-5000: ~10 ms per
  // unit); chooseMinute adds its 20 s margin.
  const minute = chooseMinute(10_000 + 12 * n);
  const timing = burstTiming(minute);
  const campaignId = `bench-chaos-${n}-${minute / 60_000}`;
  const g = generateBurst(dir, campaignId, n, timing, Date.now());
  console.log(`  M = ${iso(minute)} = ${timing.date} ${timing.sendAt} ${timing.timeZone}; launching ${campaignId} (${n} units)`);
  let client = new Client({ connection: server.connection, namespace: NAMESPACE });
  let t = performance.now();
  const launched = await launchCampaign(
    { client, db, taskQueue: TASK_QUEUE, searchAttributes: true },
    { file: g.file, actor: 'bench', launchAt: Date.now(), clockOffsetMs: 0 },
  );
  if (launched.outcome !== 'launched') throw new Error(`launch: ${launched.outcome}: ${launched.message}`);
  const campaignResult = (await client.workflow.getHandle(launched.workflowId).result()) as { obligations: number; started: number };
  const launchMs = performance.now() - t;
  const ids = g.unitIds.map((u) => obligationWorkflowId(campaignId, u, BURST_DELIVERABLE));
  const firstTasksMs = await waitForFirstTasks(client, ids, FIRST_TASKS_TIMEOUT_MS);
  const marginMs = minute - Date.now();
  console.log(
    `  launched (campaign workflow done) in ${s(launchMs)}; first tasks ${firstTasksMs === undefined ? 'NOT all run' : `all run ${s(firstTasksMs)} later`}; ${s(marginMs)} before M`,
  );
  // scripts/run.mjs rebuilds dist/ when a source file changed; do it now rather than in every restarted worker.
  await ensureWorkerBuilt();

  await sleep(minute - Date.now());
  const loadAtM = load1();
  const half = Math.ceil(n / 2);
  const units = (upTo: number) => new Set(relay.accepted.filter((m) => m.acceptedAt < upTo).map((m) => unitOf(m.key))).size;
  let killReason = '';
  for (;;) {
    const now = Date.now();
    const reached = new Set(relay.accepted.map((m) => unitOf(m.key))).size;
    if (reached >= half) {
      killReason = `${reached} of ${n} units had their letter`;
      break;
    }
    if (now >= minute + a.killAfterMs) {
      killReason = `M + ${s(a.killAfterMs)} reached with ${reached} of ${n} units served`;
      break;
    }
    await sleep(10);
  }

  // The crash: every process of the stack in the same instant, no shutdown.
  const loadAtKill = load1();
  const killAt = Date.now();
  for (const w of before) w.kill();
  server.kill();
  await Promise.all([server.exited(), ...before.map((w) => w.exited())]);
  const killedIn = Date.now() - killAt;
  const rowsAtKill = await byStatus(db);
  const unmarkedAtKill = new Map(
    (await db.notice.findMany({ where: { status: { not: 'sent' } }, select: { businessKey: true, status: true } })).map((x) => [x.businessKey, x.status]),
  );
  console.log(
    `  killed at ${iso(killAt)} = M + ${s(killAt - minute)} (${killReason}); all processes gone ${killedIn} ms later; ` +
      `${units(killAt)} units served by then, ${relay.refused.filter((x) => x.at < killAt).length} refusals; notice rows ${JSON.stringify(rowsAtKill)}`,
  );

  // The restart, as a service manager would do it: the dev server and the workers at once.
  const restartBegin = Date.now();
  const serverUp = server.restart().then(() => Date.now());
  const after = startWorkers('-restarted');
  const workersReadyAt = await Promise.all(after.map((w) => w.ready));
  const serverUpAt = await serverUp;
  const restartAt = Math.min(...workersReadyAt);
  console.log(
    `  restarted: dev server (pid ${server.pid}) answering ${s(serverUpAt - killAt)} after the kill, ` +
      `worker(s) (pid ${after.map((w) => w.pid).join(', ')}) ready ${workersReadyAt.map((x) => s(x - killAt)).join(', ')} after the kill ` +
      `(restart begun ${s(restartBegin - killAt)} after it)`,
  );
  client = new Client({ connection: server.connection, namespace: NAMESPACE });

  // Until every unit has its letter and every notice row is marked sent, then a grace period for strays.
  const served = () => new Set(relay.accepted.map((m) => unitOf(m.key)));
  let recoveredAt: number | undefined;
  const waitUntil = async (until: number) => {
    let lastReport = Date.now();
    let lastRows = 0;
    for (;;) {
      const reached = served().size;
      if (reached >= n) recoveredAt ??= Date.now();
      if (recoveredAt !== undefined && Date.now() - lastRows >= 1000) {
        lastRows = Date.now();
        const rows = await byStatus(db);
        if ((rows.sent ?? 0) >= n && Object.keys(rows).length === 1) return;
      }
      if (Date.now() > until) return;
      if (Date.now() - lastReport >= 15_000) {
        console.log(`      … ${reached} of ${n} units served ${s(Date.now() - restartAt)} after the restart`);
        lastReport = Date.now();
      }
      await sleep(100);
    }
  };
  await waitUntil(restartAt + a.timeoutMs);
  // A letter the relay keeps refusing waits longer and longer between attempts (5 s doubling to 10 min):
  // after the timeout, the relay stops refusing and each letter still missing gets until its next
  // attempt; one that is not delivered then is lost.
  let overtime: Overtime | undefined;
  const missing = g.unitIds.filter((u) => !served().has(u));
  if (missing.length) {
    relay.setRefuse(0);
    const pending = await describePending(client, missing.map((u) => obligationWorkflowId(campaignId, u, BURST_DELIVERABLE)));
    const next = pending.map((p) => p.nextAttemptAt).filter((x): x is number => x !== undefined);
    const until = Math.min(Date.now() + OVERTIME_CAP_MS, (next.length ? Math.max(...next) : Date.now()) + OVERTIME_MARGIN_MS);
    console.log(
      `  ${missing.length} unit(s) without a letter ${s(a.timeoutMs)} after the restart; the relay stops refusing; waiting until ${iso(until)} ` +
        `(their next attempts + ${s(OVERTIME_MARGIN_MS)}):\n${pending.map((p) => `    ${p.text}`).join('\n')}`,
    );
    overtime = { from: Date.now(), missing, pending: pending.map((p) => p.text) };
    await waitUntil(until);
  }
  await sleep(GRACE_MS);

  const failedWorkflows = await countFailed(client, campaignId);
  const rowsByStatus = await byStatus(db);
  const attemptRows = await db.notice.groupBy({ by: ['attempts'], where: { campaignId }, _count: true });
  const attempts = Object.fromEntries(attemptRows.map((r) => [r.attempts, r._count]));
  const unexpectedExits = held.workers.flatMap((w) => {
    const how = w.unexpectedExit();
    return how ? [`${w.name} exited on its own (${how})`] : [];
  });
  return {
    a,
    campaignId,
    unitIds: g.unitIds,
    minute,
    launchMs,
    firstTasksMs,
    marginMs,
    campaignResult,
    killAt,
    killReason,
    rowsAtKill,
    unmarkedAtKill,
    serverUpAt,
    workersReadyAt,
    restartAt,
    recoveredAt,
    overtime,
    relay,
    failedWorkflows,
    rowsByStatus,
    attempts,
    unexpectedExits,
    loads: { start: loadStart, atM: loadAtM, atKill: loadAtKill, after: load1() },
  };
}

/** The business key is campaign/unit/deliverable/deadline/action/day. */
const unitOf = (key: string) => key.split('/')[1] ?? '';

async function byStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db.notice.groupBy({ by: ['status'], _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count]));
}

/** temporal.api.enums.v1.PendingActivityState */
const ACTIVITY_STATES = ['unspecified', 'scheduled', 'started', 'cancel requested', 'paused', 'pause requested'];

const tsMs = (t: unknown): number | undefined => {
  const ts = t as { seconds?: { toNumber(): number } | number | string | null; nanos?: number | null } | null | undefined;
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  const sec = typeof ts.seconds === 'object' ? ts.seconds.toNumber() : Number(ts.seconds);
  return sec * 1000 + (ts.nanos ?? 0) / 1e6;
};

/** Each workflow's pending sendNotice: its state, attempt, last failure and next attempt. */
async function describePending(client: Client, ids: string[]): Promise<{ nextAttemptAt?: number; text: string }[]> {
  const out: { nextAttemptAt?: number; text: string }[] = [];
  for (const id of ids.slice(0, 50)) {
    try {
      const d = await client.workflow.getHandle(id).describe();
      const acts = d.raw.pendingActivities ?? [];
      if (!acts.length) {
        out.push({ text: `${id}: ${d.status.name}, no pending activity (history ${d.historyLength} events)` });
        continue;
      }
      for (const a of acts) {
        const nextAttemptAt = tsMs(a.nextAttemptScheduleTime);
        const failure = a.lastFailure?.message?.split('\n')[0] ?? 'none';
        out.push({
          nextAttemptAt,
          text:
            `${id}: ${a.activityType?.name ?? '?'} ${ACTIVITY_STATES[Number(a.state)] ?? `state ${String(a.state)}`}, attempt ${a.attempt}, last failure: ${failure}` +
            (nextAttemptAt === undefined ? '' : `, next attempt ${iso(nextAttemptAt)}`),
        });
      }
    } catch (err) {
      out.push({ text: `${id}: could not describe (${(err as Error).message.split('\n')[0]})` });
    }
  }
  if (ids.length > 50) out.push({ text: `… and ${ids.length - 50} more` });
  return out;
}

async function countFailed(client: Client, campaignId: string): Promise<{ count?: number; how: string }> {
  const query = `DubanCampaign = "${campaignId}" AND ExecutionStatus = "Failed"`;
  try {
    return { count: (await client.workflow.count(query)).count, how: query };
  } catch (err) {
    return { how: `could not count (${(err as Error).message.split('\n')[0]})` };
  }
}

/** One duplicate: a copy beyond the first of a key, judged against the kill. */
interface Duplicate {
  key: string;
  first: Accepted;
  copy: Accepted;
  /** The relay had accepted the first copy before the kill instant. */
  firstBeforeKill: boolean;
  /**
   * The first copy came on a connection of a killed worker, so its last byte was written before the
   * kill, though the relay got round to accepting it only after the kill instant.
   */
  firstFromKilledWorker: boolean;
  /** The copy was sent after the crash (a resend), not by the same generation of the stack. */
  copyAfterKill: boolean;
  sameMessageId: boolean;
  allowed: boolean;
}

interface Analysis {
  delivered: number;
  lost: string[];
  strays: Accepted[];
  early: Accepted[];
  duplicates: Duplicate[];
  /** First copies (one per unit) accepted after the restart, lag = acceptance − restart. */
  afterRestart: number[];
  /** The same, for letters the relay never refused after the kill: the crash's own delay, without 451 backoff. */
  afterRestartUnrefused: number[];
  /** Those, by the state of their notice at the kill: row 'sending', 'claimed' (in 451 backoff), or no row yet. */
  unrefusedByState: Record<string, number[]>;
  /** Letters later than the goal after the restart, with the relay's 451 refusals of each since the kill. */
  late: { key: string; lagMs: number; refusals: number }[];
  /**
   * Letters the relay had accepted before the kill whose rows were not yet marked sent at the kill (the
   * residual window), with how long before the kill each was accepted.
   */
  unmarkedAccepted: number[];
  /** Letters per second accepted in the 2 s before the kill. */
  rateAtKill: number;
  /** First copies accepted between the kill and the restart (from connections of the killed workers). */
  betweenKillAndRestart: number;
  beforeKill: number;
  lastLetterAt?: number;
}

function analyse(r: Run): Analysis {
  const byKey = new Map<string, Accepted[]>();
  const strays: Accepted[] = [];
  const wanted = new Set(r.unitIds);
  for (const m of r.relay.accepted) {
    if (!m.key.startsWith(`${r.campaignId}/`) || !wanted.has(unitOf(m.key)) || m.action !== 'reminder') {
      strays.push(m);
      continue;
    }
    byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
  }
  // One reminder per unit: a second key for the same unit would be a second letter, not a resend.
  const keysPerUnit = new Map<string, string[]>();
  for (const key of byKey.keys()) keysPerUnit.set(unitOf(key), [...(keysPerUnit.get(unitOf(key)) ?? []), key]);
  const duplicates: Duplicate[] = [];
  const firsts: Accepted[] = [];
  for (const copies of byKey.values()) {
    copies.sort((x, y) => x.acceptedAt - y.acceptedAt);
    const [first, ...rest] = copies;
    firsts.push(first);
    for (const copy of rest) {
      const firstBeforeKill = first.acceptedAt < r.killAt;
      const firstFromKilledWorker = !firstBeforeKill && first.connectedAt < r.killAt;
      const copyAfterKill = copy.connectedAt >= r.killAt;
      const sameMessageId = copy.messageId === first.messageId && first.messageId !== '';
      duplicates.push({
        key: first.key,
        first,
        copy,
        firstBeforeKill,
        firstFromKilledWorker,
        copyAfterKill,
        sameMessageId,
        allowed: (firstBeforeKill || firstFromKilledWorker) && copyAfterKill && sameMessageId,
      });
    }
  }
  const extraKeys = [...keysPerUnit.values()].filter((k) => k.length > 1).flatMap((k) => k.slice(1));
  for (const key of extraKeys) strays.push(...(byKey.get(key) ?? []));
  const firstPerUnit = firsts.filter((f) => !extraKeys.includes(f.key));
  const reached = new Set(firstPerUnit.map((f) => unitOf(f.key)));
  const times = firstPerUnit.map((f) => f.acceptedAt);
  const refusalsSinceKill = new Map<string, number>();
  for (const x of r.relay.refused) if (x.at >= r.killAt) refusalsSinceKill.set(x.key, (refusalsSinceKill.get(x.key) ?? 0) + 1);
  const recovered = firstPerUnit.filter((f) => f.acceptedAt >= r.restartAt).map((f) => ({ key: f.key, lagMs: f.acceptedAt - r.restartAt, refusals: refusalsSinceKill.get(f.key) ?? 0 }));
  const sorted = (xs: number[]) => xs.sort((p, q) => p - q);
  const unrefusedByState: Record<string, number[]> = {};
  for (const x of recovered.filter((f) => f.refusals === 0)) (unrefusedByState[r.unmarkedAtKill.get(x.key) ?? 'no row'] ??= []).push(x.lagMs);
  for (const xs of Object.values(unrefusedByState)) sorted(xs);
  return {
    delivered: reached.size,
    lost: r.unitIds.filter((u) => !reached.has(u)),
    strays,
    early: r.relay.accepted.filter((m) => m.acceptedAt < r.minute),
    duplicates,
    afterRestart: sorted(recovered.map((x) => x.lagMs)),
    afterRestartUnrefused: sorted(recovered.filter((x) => x.refusals === 0).map((x) => x.lagMs)),
    unrefusedByState,
    late: recovered.filter((x) => x.lagMs > GOAL_RECOVERY_MS).sort((p, q) => q.lagMs - p.lagMs),
    unmarkedAccepted: sorted(firsts.filter((f) => f.acceptedAt < r.killAt && r.unmarkedAtKill.has(f.key)).map((f) => r.killAt - f.acceptedAt)),
    rateAtKill: times.filter((x) => x < r.killAt && x >= r.killAt - 2000).length / 2,
    betweenKillAndRestart: times.filter((x) => x >= r.killAt && x < r.restartAt).length,
    beforeKill: times.filter((x) => x < r.killAt).length,
    lastLetterAt: times.length ? Math.max(...times) : undefined,
  };
}

function report(r: Run): Analysis {
  const x = analyse(r);
  const n = r.a.n;
  const row = (label: string, measured: string, goal = '') => console.log(`  ${label.padEnd(48)}${measured.padEnd(36)}${goal}`);
  const rel = (t: number) => `${t >= r.killAt ? '+' : ''}${s(t - r.killAt)}`;
  const ms = (t: number) => `${Math.round(t)} ms`;
  const dist = (xs: number[], f = s) => (xs.length ? `${f(percentile(xs, 50))} / ${f(percentile(xs, 99))} / ${f(xs.at(-1)!)}` : '—');
  console.log(`\nresults (N = ${n}; times relative to the kill unless said otherwise; restart = first restarted worker ready)`);
  row('', 'measured', 'goal (issue 6)');
  row('minute M', `${iso(r.minute)}`);
  row('launch / first tasks / margin before M', `${s(r.launchMs)} / ${r.firstTasksMs === undefined ? 'NOT all' : s(r.firstTasksMs)} / ${s(r.marginMs)}`);
  row('kill instant', `M + ${s(r.killAt - r.minute)} (${r.killReason})`);
  row('units served before the kill', `${x.beforeKill} (${n - x.beforeKill} in flight), ${x.rateAtKill.toFixed(1)}/s in the last 2 s`);
  row('notice rows at the kill', JSON.stringify(r.rowsAtKill));
  row('accepted by the relay, not marked sent, at kill', `${x.unmarkedAccepted.length}${x.unmarkedAccepted.length ? `, accepted ${x.unmarkedAccepted[0] === x.unmarkedAccepted.at(-1) ? ms(x.unmarkedAccepted[0]) : `${ms(x.unmarkedAccepted[0])}–${ms(x.unmarkedAccepted.at(-1)!)}`} before the kill` : ''}`);
  row('dev server answering again', rel(r.serverUpAt));
  row('worker(s) ready again (the restart)', r.workersReadyAt.map(rel).join(', '));
  row('letters delivered (distinct X-Duban-Key)', `${x.delivered}/${n}`);
  row('lost (units without a letter)', String(x.lost.length) + (x.lost.length ? ` e.g. ${x.lost.slice(0, 3).join(', ')}` : ''), '0');
  const bad = x.duplicates.filter((d) => !d.allowed);
  row('duplicates (copies beyond the first)', `${x.duplicates.length} (${bad.length} not allowed)`, 'only for conversations accepted at the kill, same Message-ID');
  row('units served between kill and restart', String(x.betweenKillAndRestart));
  row('units served after the restart', String(x.afterRestart.length));
  const last = x.lastLetterAt;
  row(
    'restart → last letter',
    last === undefined ? '—' : last >= r.restartAt ? s(last - r.restartAt) : `none after the restart (last ${rel(last)})`,
    `every in-flight letter within ${s(GOAL_RECOVERY_MS)} (timing: reported, not judged)`,
  );
  row('lag after the restart p50 / p99 / max', dist(x.afterRestart));
  row('  of letters never refused since the kill', `${dist(x.afterRestartUnrefused)} (${x.afterRestartUnrefused.length} letters)`);
  const states: [string, string][] = [
    ['sending', 'being sent at the kill (heartbeat timeout)'],
    ['claimed', 'refused before the kill, awaiting a retry'],
    ['no row', 'not yet begun at the kill'],
  ];
  for (const [state, what] of states) {
    const xs = x.unrefusedByState[state];
    if (xs?.length) row(`    ${what}`, `${dist(xs)} (${xs.length})`);
  }
  row(`letters later than ${s(GOAL_RECOVERY_MS)} after the restart`, `${x.late.length} of ${x.afterRestart.length}`, '0');
  if (x.late.length) {
    const byRefusals = new Map<number, number>();
    for (const l of x.late) byRefusals.set(l.refusals, (byRefusals.get(l.refusals) ?? 0) + 1);
    row('  by 451 refusals since the kill (n: letters)', [...byRefusals].sort((p, q) => p[0] - q[0]).map(([k, v]) => `${k}: ${v}`).join(', '));
  }
  if (r.overtime) {
    const late = r.overtime.missing.filter((u) => !x.lost.includes(u)).length;
    row(`units without a letter ${s(r.a.timeoutMs)} after the restart`, `${r.overtime.missing.length}; then the relay stopped refusing and ${late} were delivered at their next attempt`);
  }
  if (r.recoveredAt !== undefined) row('every unit served (as the bench noticed)', `restart + ${s(r.recoveredAt - r.restartAt)}`);
  row('notice rows at the end', JSON.stringify(r.rowsByStatus), `all ${n} sent`);
  row('notice attempts (attempts: rows)', Object.entries(r.attempts).map(([k, v]) => `${k}: ${v}`).join(', '));
  const refusals = r.relay.refused;
  row('relay 451 refusals (before / after the kill)', `${refusals.length} (${refusals.filter((f) => f.at < r.killAt).length} / ${refusals.filter((f) => f.at >= r.killAt).length})`);
  row('relay messages accepted / connections', `${r.relay.accepted.length} / ${r.relay.connections}`);
  if (r.relay.errors.length) row('relay connection errors', `${r.relay.errors.length} (e.g. ${r.relay.errors[0]})`);
  row('failed obligation workflows', r.failedWorkflows.count === undefined ? r.failedWorkflows.how : String(r.failedWorkflows.count), '0');
  row('load average (1 min): start / M / kill / end', `${r.loads.start.toFixed(2)} / ${r.loads.atM.toFixed(2)} / ${r.loads.atKill.toFixed(2)} / ${r.loads.after.toFixed(2)}`);
  console.log(`machine: ${cpus().length} CPUs, load average now ${loads()}`);
  if (x.duplicates.length) {
    console.log('\nduplicates (first copy → later copy; times relative to the kill):');
    const relMs = (t: number) => `${t >= r.killAt ? '+' : '−'}${Math.abs(t - r.killAt)} ms`;
    for (const d of x.duplicates) {
      const firstWhen = d.firstBeforeKill
        ? `accepted ${relMs(d.first.acceptedAt)}, before the kill`
        : d.firstFromKilledWorker
          ? `accepted ${relMs(d.first.acceptedAt)}, after the kill, on a connection of a killed worker (which had sent it all before it died)`
          : `accepted ${relMs(d.first.acceptedAt)}, after the kill, on a connection opened after it`;
      console.log(
        `  [${d.allowed ? 'allowed' : 'NOT ALLOWED'}] ${d.key}: first ${firstWhen}; copy ${rel(d.copy.acceptedAt)}${d.copyAfterKill ? '' : ' (on a connection opened before the kill)'}; ` +
          `Message-ID ${d.sameMessageId ? `the same (${d.first.messageId})` : `DIFFERS (${d.first.messageId} / ${d.copy.messageId})`}`,
      );
    }
  }
  if (r.overtime) console.log(`\nstill without a letter ${s(r.a.timeoutMs)} after the restart (Temporal's pending sendNotice):\n${r.overtime.pending.map((p) => `  ${p}`).join('\n')}`);
  if (x.beforeKill >= n) console.log(`\nnote: every letter had been accepted before the kill: nothing was in flight, the crash tested nothing`);
  if (r.marginMs < 0) console.log(`\nnote: the workflows were ready only ${s(r.marginMs)} before M: the burst included start-up work`);
  return x;
}

function verdict(r: Run, x: Analysis): boolean {
  const n = r.a.n;
  const checks: { ok: boolean; what: string }[] = [];
  const check = (ok: boolean, what: string) => checks.push({ ok, what });
  check(
    r.campaignResult.obligations === n && r.campaignResult.started === n,
    `the campaign workflow started every obligation workflow (${JSON.stringify(r.campaignResult)}, ${n} expected)`,
  );
  check(x.lost.length === 0, `no letter lost: every unit got its letter (${x.lost.length} did not${x.lost.length ? `, e.g. ${x.lost.slice(0, 3).join(', ')}` : ''})`);
  const bad = x.duplicates.filter((d) => !d.allowed);
  check(
    bad.length === 0,
    `every duplicate resends, with the same Message-ID, a conversation the relay had accepted at the kill (${x.duplicates.length} duplicate(s), ${bad.length} not)`,
  );
  check(x.strays.length === 0, `every letter is this campaign's one reminder to a unit (${x.strays.length} are not)`);
  check(x.early.length === 0, `no letter before M (${x.early.length})`);
  check(Object.keys(r.rowsByStatus).length === 1 && r.rowsByStatus.sent === n, `notice rows: ${JSON.stringify(r.rowsByStatus)} (${n} sent expected)`);
  check(r.failedWorkflows.count === 0, `no obligation workflow failed (${r.failedWorkflows.count ?? r.failedWorkflows.how})`);
  check(r.unexpectedExits.length === 0, `no worker process exited on its own (${r.unexpectedExits.join('; ') || 'none'})`);
  console.log('\nchecks');
  for (const c of checks) console.log(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.what}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed ? `\n${failed} check(s) failed` : '\nall checks passed');
  return failed === 0;
}
