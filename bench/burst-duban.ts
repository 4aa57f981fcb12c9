// duban's side of `bench burst`: a fresh dev server (with the Duban* search attributes), a fresh SQLite
// database, a fresh sink and duban's real worker in this process. A generated campaign of N units whose
// one reminder falls at minute M is launched with the real clock; every letter after M is measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { instantAt } from '../domain/zoned-time';
import { type Mailer, createMailer } from '../mail/mailer';
import { launchCampaign } from '../operations/launch';
import { TASK_QUEUE, obligationWorkflowId } from '../shared/contract';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { createDubanWorker } from '../worker/worker';
import { type SideResult, chooseMinute, collectBurst, iso, letterChecks, load1, s, sleep } from './burst-common';
import { BURST_DELIVERABLE, type BurstTiming, generateBurst } from './campaigns';
import { type DevServer, NAMESPACE, startDevServer } from './dev-server';
import { waitForFirstTasks } from './measure';
import { type Profiler, startProfiler, summarize, writeProfile } from './profile';
import { type ThreadsProfiler, startThreadsProfiler } from './profile-threads';
import { type SinkProcess, startSinkProcess } from './sink-process';

const FIRST_TASKS_TIMEOUT_MS = 5 * 60_000;
/** Zones to write M in, first choice first: M must lie well inside its local day (a reminder sent after its day is dropped as stale). */
const ZONES = ['Asia/Shanghai', 'Europe/London', 'America/New_York'];

export interface DubanOptions {
  n: number;
  /** How long the launch and the first tasks are expected to take, to choose M. */
  readyEstimateMs: number;
  /** Write a .cpuprofile of this process during the burst, and summarize it. */
  profile: boolean;
}

/** M written as the campaign's `sendAt` on its day, in the first zone where M is between 01:00 and 22:00. */
export function burstTiming(minute: number): BurstTiming {
  for (const timeZone of ZONES) {
    const local = DateTime.fromMillis(minute, { zone: timeZone });
    if (local.hour < 1 || local.hour >= 22) continue;
    const t = { date: local.toFormat('yyyy-MM-dd'), sendAt: local.toFormat('HH:mm'), timeZone };
    if (instantAt(t.date, t.sendAt, timeZone) !== minute) throw new Error(`${JSON.stringify(t)} is not ${iso(minute)}`);
    return t;
  }
  throw new Error(`no zone of ${ZONES.join(', ')} has ${iso(minute)} between 01:00 and 22:00`);
}

export async function runDuban(o: DubanOptions): Promise<SideResult> {
  const { n } = o;
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-burst-duban-'));
  let server: DevServer | undefined;
  let db: Db | undefined;
  let catcher: SinkProcess | undefined;
  let mailer: Mailer | undefined;
  let native: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let profiler: Profiler | undefined;
  let threadsProfiler: ThreadsProfiler | undefined;
  try {
    let t = performance.now();
    server = await startDevServer(dir, { searchAttributes: true });
    const databaseUrl = `file:${join(dir, 'duban.db')}`;
    await migrateDatabase(databaseUrl);
    db = createDb(databaseUrl);
    catcher = await startSinkProcess();
    mailer = createMailer(catcher.smtpUrl);
    native = await NativeConnection.connect({ address: server.address });
    const client = new Client({ connection: server.connection, namespace: NAMESPACE });
    worker = await createDubanWorker({ connection: native, namespace: NAMESPACE, taskQueue: TASK_QUEUE, client, db, mailer, searchAttributes: true });
    running = worker.run();
    console.log(`    duban: dev server ${server.address} (db ${server.dbFile}), database ${databaseUrl}, sink ${catcher.smtpUrl}; set-up ${s(performance.now() - t)}`);

    const minute = chooseMinute(o.readyEstimateMs);
    const timing = burstTiming(minute);
    const id = `bench-burst-${n}-${minute / 60_000}`;
    const g = generateBurst(dir, id, n, timing, Date.now());
    console.log(`    duban: M = ${iso(minute)} = ${timing.date} ${timing.sendAt} ${timing.timeZone}; launching ${id} (${n} units)`);
    t = performance.now();
    const launched = await launchCampaign(
      { client, db, taskQueue: TASK_QUEUE, searchAttributes: true },
      { file: g.file, actor: 'bench', launchAt: Date.now(), clockOffsetMs: 0 },
    );
    if (launched.outcome !== 'launched') throw new Error(`launch: ${launched.outcome}: ${launched.message}`);
    const campaignResult = (await client.workflow.getHandle(launched.workflowId).result()) as { obligations: number; started: number };
    const startMs = performance.now() - t;
    const ids = g.unitIds.map((u) => obligationWorkflowId(id, u, BURST_DELIVERABLE));
    const firstTasksMs = await waitForFirstTasks(client, ids, FIRST_TASKS_TIMEOUT_MS);
    const marginMs = minute - Date.now();
    console.log(
      `    duban: launched (campaign workflow done) in ${s(startMs)}; first tasks ${firstTasksMs === undefined ? 'NOT all run' : `all run ${s(firstTasksMs)} later`}; ` +
        `${s(marginMs)} before M`,
    );

    await sleep(minute - Date.now() - 1000);
    if (o.profile) {
      profiler = await startProfiler();
      threadsProfiler = await startThreadsProfiler();
    }
    await sleep(minute - Date.now());
    const loadAtM = load1();
    let profile: Awaited<ReturnType<Profiler['stop']>> | undefined;
    let threadProfiles: Awaited<ReturnType<ThreadsProfiler['stop']>> = [];
    const burst = await collectBurst(catcher, minute, n, async () => {
      profile = await profiler?.stop();
      profiler = undefined;
      threadProfiles = (await threadsProfiler?.stop()) ?? [];
      threadsProfiler = undefined;
    }, server.pid);
    const r: SideResult = { side: 'duban', n, minute, zone: timing.timeZone, startMs, firstTasksMs, marginMs, loadAtM, loadAfter: load1(), ...burst, notes: [], checks: [] };
    if (profile) {
      const file = join(tmpdir(), `duban-bench-burst-${n}-${new Date(minute).toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
      writeProfile(file, profile);
      r.notes.push(`CPU profile (main thread, 1 s before M until the N-th letter): ${file}`);
      r.notes.push(...summarize(profile, 15, { n, what: 'letter' }).lines);
    }
    threadProfiles.forEach(({ title, profile: p }, i) => {
      const file = join(tmpdir(), `duban-bench-burst-${n}-${new Date(minute).toISOString().replace(/[:.]/g, '-')}-thread${i + 1}.cpuprofile`);
      writeProfile(file, p);
      r.notes.push('', `CPU profile of worker thread ${i + 1} (${title}), same span: ${file}`, ...summarize(p, 15, { n, what: 'letter' }).lines);
    });
    await dubanChecks(r, db, ids.length, campaignResult, g.unitIds);
    return r;
  } finally {
    await profiler?.stop();
    await threadsProfiler?.stop();
    if (worker && running) {
      worker.shutdown();
      await running.catch((err: unknown) => console.warn(`duban worker: ${(err as Error).message}`));
    }
    await native?.close();
    mailer?.close();
    await catcher?.close();
    if (catcher?.cpu) {
      const { ms, received } = catcher.cpu;
      console.log(`    duban: the sink process spent ${(ms / 1000).toFixed(1)} s of CPU from its first message on, ${(ms / Math.max(1, received)).toFixed(2)} ms a message (${received})`);
    }
    await db?.$disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function dubanChecks(r: SideResult, db: Db, obligations: number, result: { obligations: number; started: number }, unitIds: string[]): Promise<void> {
  const check = (ok: boolean, what: string) => r.checks.push({ ok, what: `duban: ${what}` });
  check(
    result.obligations === r.n && result.started === r.n && obligations === r.n,
    `campaign workflow started every obligation workflow (${JSON.stringify(result)}, ${r.n} expected)`,
  );
  letterChecks(r, [
    { name: 'Message-ID', of: (m) => m.messageId },
    { name: 'X-Duban-Key', of: (m) => m.headers['x-duban-key'] ?? '' },
  ]);
  const mails = [...r.early, ...r.letters.map((l) => l.mail)];
  const notReminders = mails.filter((m) => m.headers['x-duban-action'] !== 'reminder').length;
  check(notReminders === 0, `every letter is a reminder (${notReminders} are not)`);
  // the business key is campaign/unit/deliverable/deadline/action/day
  const unitsReached = new Set(mails.map((m) => (m.headers['x-duban-key'] ?? '').split('/')[1]));
  const missed = unitIds.filter((u) => !unitsReached.has(u));
  check(missed.length === 0, `every unit got its letter (${missed.length} did not${missed.length ? `, e.g. ${missed.slice(0, 3).join(', ')}` : ''})`);
  const rows = await db.notice.groupBy({ by: ['status'], _count: true });
  const byStatus = Object.fromEntries(rows.map((x) => [x.status, x._count]));
  check(rows.length === 1 && byStatus.sent === r.n, `notice rows in the database: ${JSON.stringify(byStatus)} (${r.n} sent expected)`);
}
