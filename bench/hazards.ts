// hazards [N]: a campaign of 500 units (400 towns, 100 departments) and a 隐患整改台账 of N hazards over them, on a
// fresh dev server, database and in-process worker as `npm start` runs them, on the real clock (issue 9, "Scale and
// proof"). Measured in one run: exceljs alone reading the ledger (the peer), the import through
// operations/hazards.ts (it commits the rows and asks the campaign's chase starter to start the chases), the time
// until every hazard's chase workflow (started by the starter's batches) has run its first workflow task, a re-import, the console's ledger page and statistics over HTTP against
// the database reads they need, and the export. Timings are reported, never judged; only the checks decide.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { addOperator } from '../access/operators';
import { type MailCatcher, startMailCatcher } from '../mail/catcher';
import { type Mailer, createMailer } from '../mail/mailer';
import { type HazardDeps, type ImportResult, importHazards } from '../operations/hazards';
import { campaignStartsSettled, launchCampaign } from '../operations/launch';
import { TASK_QUEUE, obligationWorkflowId } from '../shared/contract';
import { HAZARD_WORKFLOW_TYPE, hazardChaseStartsWorkflowId, hazardWorkflowId } from '../shared/hazard-contract';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { createConsoleServer } from '../web/server';
import { createDubanWorker } from '../worker/worker';
import { type DevServer, NAMESPACE, startDevServer } from './dev-server';
import { obligationTimes, pct } from './launch-scale';
import { waitForFirstTasks } from './measure';
import { type ThreadCpu, cpuBetween, machineBusyMs, pidByCommandLine, threadCpu } from './proc-stats';
import { type Options, UsageError } from './scenario';

const DEFAULT_N = 20_000;
const TOWNS = 400;
const DEPARTMENTS = 100;
const TIME_ZONE = 'Asia/Shanghai';
const DELIVERABLE = 'hazard-report';
/** Every tenth hazard 重大. */
const MAJOR_EVERY = 10;
const FIRST_TASKS_TIMEOUT_MS = 30 * 60_000;
const READ_REPS = 3;
const PAGE_REPS = 15;

export const HAZARDS_USAGE = [
  '  hazards [N]   a 500-unit campaign (400 towns, 100 departments) and a 隐患整改台账 of N hazards (default',
  `                ${DEFAULT_N.toLocaleString('en')}) on a fresh dev server with duban's real worker, on the real clock: exceljs alone`,
  '                reading the file (the peer), the import, every chase workflow\'s first task, a re-import, the',
  '                ledger page and statistics over HTTP against their database reads, the export; checks N',
  '                hazards, N chase workflows, a re-import adding nothing, statistics total N, nothing sent',
];

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msText = (ms: number) => `${ms.toFixed(1)} ms`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function parseArgs(o: Options): number {
  if (o.timeSkipping) throw new UsageError('hazards runs on a dev server on the real clock: --time-skipping does not apply');
  if (o.profile) throw new UsageError('--profile does not apply to hazards');
  const [v, ...rest] = o.args;
  if (rest.length) throw new UsageError(`hazards: unexpected argument ${JSON.stringify(rest[0])}`);
  if (v === undefined) return DEFAULT_N;
  if (!/^\d+$/.test(v) || Number(v) < 100) throw new UsageError(`hazards: N must be a whole number ≥ 100, got ${JSON.stringify(v)}`);
  return Number(v);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(reps: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

// ---------------------------------------------------------------------------------------------------
// The campaign and the ledger

const townId = (i: number) => `town-${String(i).padStart(3, '0')}`;
const deptId = (i: number) => `dept-${String(i).padStart(3, '0')}`;
const townName = (i: number) => `乡镇${String(i).padStart(3, '0')}`;
const deptName = (i: number) => `部门${String(i).padStart(3, '0')}`;

interface Campaign {
  id: string;
  file: string;
  unitIds: string[];
  today: string;
}

/** 400 towns and 100 departments owing one report due next month (nothing of it falls due while the bench runs). */
function writeCampaign(dir: string, id: string, now: number): Campaign {
  const today = DateTime.fromMillis(now, { zone: TIME_ZONE });
  const start = today.plus({ months: 1 }).startOf('month');
  const iso = (d: DateTime) => d.toFormat('yyyy-MM-dd');
  const years = [...new Set([today.year, start.year, today.plus({ months: 4 }).year])];
  const domain = `${id}.example`;
  const unitIds: string[] = [];
  const out = [
    `# Generated by bench/hazards.ts: ${TOWNS} towns and ${DEPARTMENTS} departments, one report due next month.`,
    'campaign:',
    `  id: ${id}`,
    `  title: 基准测试隐患排查 ${id}`,
    '  office:',
    '    name: 基准市安全生产委员会办公室',
    `    email: anweiban@${domain}`,
    `  timeZone: ${TIME_ZONE}`,
    '  calendar:',
    `    years: [${years.join(', ')}]`,
    '',
    'units:',
  ];
  const unit = (uid: string, name: string, type: string) => {
    unitIds.push(uid);
    out.push(`  - id: ${uid}`, `    name: ${name}`, `    type: ${type}`, `    email: ${uid}@${domain}`, `    principal: { name: ${name}主要负责人, email: ${uid}.head@${domain} }`);
  };
  for (let i = 1; i <= TOWNS; i++) unit(townId(i), townName(i), 'town');
  for (let i = 1; i <= DEPARTMENTS; i++) unit(deptId(i), deptName(i), 'department');
  out.push(
    '',
    'stages:',
    '  - id: month',
    '    name: 隐患排查整治',
    `    start: ${iso(start)}`,
    `    end: ${iso(start.endOf('month'))}`,
    '',
    'deliverables:',
    `  - id: ${DELIVERABLE}`,
    '    name: 隐患排查整治情况报告',
    '    stage: month',
    '    owedBy: [town, department]',
    `    due: ${iso(start.set({ day: 15 }))}`,
    '    submitTo: [office]',
    '',
  );
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, out.join('\n'));
  return { id, file, unitIds, today: iso(today) };
}

interface LedgerRow {
  serial: number;
  town: number;
  dept: number;
  major: boolean;
  foundOn: string;
  deadline: string;
}

/**
 * N rows as an office keeps its ledger (a title above the header, units by name): every tenth 重大 with its 判定依据,
 * found over the last two weeks, 时限 spread from 3 to 10 weeks ahead (the first reminder, 5 working days before a
 * 重大 one's 时限, lies beyond the run).
 */
async function writeLedger(n: number, today: string): Promise<{ bytes: Buffer; rows: LedgerRow[] }> {
  const base = DateTime.fromISO(today, { zone: TIME_ZONE });
  const rows: LedgerRow[] = Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return {
      serial: i,
      town: 1 + (i % TOWNS),
      dept: 1 + ((i * 7) % DEPARTMENTS),
      major: i % MAJOR_EVERY === 0,
      foundOn: base.minus({ days: i % 14 }).toFormat('yyyy-MM-dd'),
      deadline: base.plus({ days: 21 + (i % 50) }).toFormat('yyyy-MM-dd'),
    };
  });
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('隐患整改台账');
  ws.addRow(['基准市隐患整改台账']);
  ws.addRow(['填报单位：基准市安全生产委员会办公室']);
  ws.addRow(['序号', '企业或场所', '属地', '行业主管部门', '隐患描述', '隐患等级', '判定依据', '发现日期', '来源', '整改措施', '责任人', '整改资金（万元）', '整改时限']);
  for (const r of rows)
    ws.addRow([
      r.serial,
      `基准市某某企业${r.serial}号厂区`,
      townName(r.town),
      deptName(r.dept),
      `第${r.serial}处：${r.major ? '储罐区未设置紧急切断装置' : '安全出口被杂物堵塞，疏散通道不畅'}`,
      r.major ? '重大' : '一般',
      r.major ? '危险化学品企业重大生产安全事故隐患判定标准第十条' : '',
      r.foundOn,
      ['检查', '自查', '举报', '督办'][r.serial % 4],
      r.major ? '加装紧急切断装置，整改期间停用储罐' : '清理杂物，保持通道畅通',
      `责任人${r.serial % 997}`,
      r.major ? 30 : 0.5,
      r.deadline,
    ]);
  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), rows };
}

// ---------------------------------------------------------------------------------------------------
// CPU: this process (worker, console, importer), the dev server, the rest of the machine

interface CpuSnapshot {
  at: number;
  bench: ThreadCpu[];
  server: ThreadCpu[];
  machine?: number;
}

const snapshot = (serverPid: number | undefined): CpuSnapshot => ({
  at: performance.now(),
  bench: threadCpu(process.pid),
  server: serverPid === undefined ? [] : threadCpu(serverPid),
  machine: machineBusyMs(),
});

function cpuLine(phase: string, a: CpuSnapshot, b: CpuSnapshot): string {
  const sum = (ts: ThreadCpu[]) => ts.reduce((x, t) => x + t.cpuMs, 0);
  const bench = sum(cpuBetween(a.bench, b.bench));
  const server = sum(cpuBetween(a.server, b.server));
  const wall = b.at - a.at;
  const busy = a.machine === undefined || b.machine === undefined ? undefined : b.machine - a.machine;
  return (
    `${phase}: ${s(wall)} wall; CPU this process ${s(bench)}, dev server ${a.server.length ? s(server) : '?'}, ` +
    `other processes ${busy === undefined ? '?' : s(busy - bench - server)}, idle ${busy === undefined ? '?' : s(wall * cpus().length - busy)}`
  );
}

// ---------------------------------------------------------------------------------------------------
// The stack

interface Env {
  dir: string;
  server?: DevServer;
  db?: Db;
  catcher?: MailCatcher;
  mailer?: Mailer;
  native?: NativeConnection;
  client?: Client;
  worker?: Worker;
  running?: Promise<void>;
  app?: Awaited<ReturnType<typeof createConsoleServer>>;
}

async function tearDown(env: Env): Promise<void> {
  await env.app?.close();
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

export async function hazardsScale(o: Options): Promise<boolean> {
  const n = parseArgs(o);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cpu = cpus();
  console.log(
    `bench hazards ${n} — ${new Date().toISOString()}, node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), ` +
      `${Math.round(totalmem() / 2 ** 30)} GB, load average ${load()} (other processes skew timings)`,
  );
  const env: Env = { dir: mkdtempSync(join(tmpdir(), 'duban-bench-hazards-')) };
  const failures: string[] = [];
  const check = (pass: boolean, what: string) => {
    console.log(`  [${pass ? 'ok' : 'FAIL'}] ${what}`);
    if (!pass) failures.push(what);
  };
  try {
    await benchmark(n, env, check);
  } finally {
    await tearDown(env);
  }
  console.log(failures.length ? `\n${failures.length} check(s) failed` : '\nall checks passed');
  return failures.length === 0;
}

async function benchmark(n: number, env: Env, check: (pass: boolean, what: string) => void): Promise<void> {
  // ── set-up: dev server, database, sink, worker, console, as npm start has them
  let t = performance.now();
  const server = (env.server = await startDevServer(env.dir, { searchAttributes: true }));
  const serverPid = pidByCommandLine(server.dbFile);
  const databaseUrl = `file:${join(env.dir, 'duban.db')}`;
  await migrateDatabase(databaseUrl);
  const db = (env.db = createDb(databaseUrl));
  const catcher = (env.catcher = await startMailCatcher());
  env.mailer = createMailer(catcher.smtpUrl);
  env.native = await NativeConnection.connect({ address: server.address });
  const client = (env.client = new Client({ connection: server.connection, namespace: NAMESPACE }));
  const worker = (env.worker = await createDubanWorker({ connection: env.native, namespace: NAMESPACE, taskQueue: TASK_QUEUE, client, db, mailer: env.mailer, searchAttributes: true }));
  env.running = worker.run();
  await addOperator(db, { name: 'bench', role: 'clerk', password: 'bench password', createdBy: 'bench' });
  const app = (env.app = await createConsoleServer({
    db,
    client,
    taskQueue: TASK_QUEUE,
    searchAttributes: true,
    namespace: NAMESPACE,
    dataDir: env.dir,
    publicUrl: 'http://127.0.0.1',
    maxUploadBytes: 64 * 1024 * 1024,
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', password: 'bench password' }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return path.includes('.xlsx') ? Buffer.from(await res.arrayBuffer()) : res.json();
  };
  console.log(`set-up in ${s(performance.now() - t)}: dev server ${server.address}, database ${databaseUrl}, worker in this process (as npm start), console ${base}`);

  // ── the campaign, launched as an operator would
  const now = Date.now();
  const campaign = writeCampaign(env.dir, `bench-hazards-${n}-${now}`, now);
  t = performance.now();
  const launched = await launchCampaign({ client, db, taskQueue: TASK_QUEUE, searchAttributes: true }, { file: campaign.file, launchAt: now, clockOffsetMs: 0, actor: 'bench' });
  // its obligations' workflows start a day before their first notice: those due by now, and none of the rest
  await campaignStartsSettled(client, launched.workflowId);
  const startedRows = await db.obligation.findMany({ where: { campaignId: campaign.id, workflowStartedAt: { not: null } }, select: { unitId: true } });
  const obligationIds = startedRows.map((o) => obligationWorkflowId(campaign.id, o.unitId, DELIVERABLE));
  const obligationsReady = await waitForFirstTasks(client, obligationIds, 5 * 60_000);
  console.log(
    `campaign ${campaign.id}: ${launched.outcome}, ${launched.obligations} obligations (${obligationIds.length} started now, the rest a day before their first notice); launched and every started one past its first task in ${s(performance.now() - t)}` +
      (obligationsReady === undefined ? ' (NOT all within 5 minutes)' : ''),
  );
  check(launched.outcome === 'launched' && launched.obligations === TOWNS + DEPARTMENTS, `campaign of ${TOWNS + DEPARTMENTS} units launched: ${launched.outcome}, ${launched.obligations} obligations`);

  // ── the ledger
  t = performance.now();
  const { bytes, rows } = await writeLedger(n, campaign.today);
  const majors = rows.filter((r) => r.major).length;
  console.log(`ledger: ${n} rows (${majors} 重大), ${(bytes.length / 2 ** 20).toFixed(2)} MB, written in ${s(performance.now() - t)}`);

  // (a) the peer: exceljs alone reading the file
  const exceljsMs = await timed(READ_REPS, async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  });

  // (b) the import, (c) every chase's first task
  const deps: HazardDeps = { db, client, taskQueue: TASK_QUEUE };
  const loadBefore = load();
  console.log(`\nimporting (load average ${loadBefore}) …`);
  const cpuStart = snapshot(serverPid);
  const t0 = Date.now();
  const imported: ImportResult = await importHazards(deps, { campaignId: campaign.id, bytes, fileName: 'bench-hazards.xlsx', actor: 'bench' });
  const importMs = Date.now() - t0;
  const cpuImported = snapshot(serverPid);
  console.log(`    import returned after ${s(importMs)}: ${imported.created.length} created, ${imported.unchanged.length} unchanged; waiting for every chase's first workflow task …`);
  const chaseIds = imported.created.map((id) => hazardWorkflowId(campaign.id, id));
  const waited = await waitForFirstTasks(client, chaseIds, FIRST_TASKS_TIMEOUT_MS);
  const seenMs = waited === undefined ? undefined : Date.now() - t0;
  const cpuFirstTasks = snapshot(serverPid);
  const loadAfter = load();
  console.log(`    every chase past its first task seen at t = ${seenMs === undefined ? 'NOT within the timeout' : s(seenMs)}; reading ${chaseIds.length} histories …`);
  const chases = await obligationTimes(client, chaseIds, t0);

  const starter = (await client.workflow.getHandle(hazardChaseStartsWorkflowId(campaign.id)).result()) as { started: number };
  const awaiting = await db.hazard.count({ where: { campaignId: campaign.id, chaseStartedAt: null } });

  // the re-import adds nothing and wakes nothing
  const againT = performance.now();
  const again = await importHazards(deps, { campaignId: campaign.id, bytes, fileName: 'bench-hazards.xlsx', actor: 'bench' });
  const againMs = performance.now() - againT;

  // (d) the ledger page and the statistics, over HTTP, against the database reads they need
  const cid = encodeURIComponent(campaign.id);
  const majorPages = Math.ceil(majors / 50);
  const where = { campaignId: campaign.id, level: 'major' };
  const pageDb = (page: number) => () =>
    Promise.all([
      db.unit.findMany({ where: { campaignId: campaign.id } }),
      db.hazard.count({ where }),
      db.hazard.findMany({ where, orderBy: { serial: 'asc' }, skip: (page - 1) * 50, take: 50 }),
      db.hazard.groupBy({ by: ['status'], where, _count: { _all: true } }),
    ]);
  const statsDb = () =>
    Promise.all([
      db.unit.findMany({ where: { campaignId: campaign.id } }),
      db.hazard.findMany({
        where: { campaignId: campaign.id, status: { not: 'cancelled' } },
        select: { townId: true, departmentId: true, level: true, status: true, deadline: true, lateWorkingDays: true, listingStatus: true },
      }),
    ]);
  const exportDb = () => db.hazard.findMany({ where: { campaignId: campaign.id }, orderBy: { serial: 'asc' } });
  const list = (q: string) => get(`/api/campaigns/${cid}/hazards?${q}`) as Promise<{ total: number; items: { serial: number }[] }>;
  const first = await list('level=major&page=1&pageSize=50');
  const lastPage = await list(`level=major&page=${majorPages}&pageSize=50`);
  const stats = (await get(`/api/campaigns/${cid}/hazard-statistics`)) as { total: { found: number; major: number; overdue: number }; byTown: unknown[]; byDepartment: unknown[] };
  const page1Db = await timed(PAGE_REPS, pageDb(1));
  const page1Http = await timed(PAGE_REPS, () => list('level=major&page=1&pageSize=50'));
  const lateDb = await timed(PAGE_REPS, pageDb(majorPages));
  const lateHttp = await timed(PAGE_REPS, () => list(`level=major&page=${majorPages}&pageSize=50`));
  const statsDbMs = await timed(READ_REPS, statsDb);
  const statsHttp = await timed(READ_REPS, () => get(`/api/campaigns/${cid}/hazard-statistics`));
  // (e) the export
  const exportDbMs = await timed(READ_REPS, exportDb);
  let exported: Buffer | undefined;
  const exportHttp = await timed(READ_REPS, async () => {
    exported = (await get(`/api/campaigns/${cid}/hazards.xlsx`)) as Buffer;
  });
  const exportedWb = new ExcelJS.Workbook();
  await exportedWb.xlsx.load(exported as unknown as ExcelJS.Buffer);
  const exportedRows = exportedWb.worksheets[0].actualRowCount - 3;

  // what the record and the server say
  const hazardRows = await db.hazard.count({ where: { campaignId: campaign.id } });
  const chaseCount = await countChases(client);
  const notices = (await db.notice.count()) + (await db.hazardLetter.count());
  const mails = catcher.messages().length;

  // ── report
  const last = (xs: number[]) => (xs.length ? xs[xs.length - 1] : NaN);
  const row = (label: string, value: string, extra = '') => console.log(`  ${label.padEnd(62)}${value.padStart(12)}  ${extra}`);
  console.log(`\nresults (N = ${n} hazards over ${TOWNS + DEPARTMENTS} units; t from the start of the import call)`);
  row('(a) exceljs alone reads the file (the peer)', s(exceljsMs), `median of ${READ_REPS} after a warm-up`);
  row('(b) import call returned (read, check, store; chases start after)', s(importMs), `${(importMs / exceljsMs).toFixed(2)}× exceljs alone`);
  row('      first chase workflow started (by the starter)', `t = ${s(chases.started[0])}`, `${(chases.started[0] / exceljsMs).toFixed(2)}× exceljs alone`);
  const startSpan = last(chases.started) - chases.started[0];
  row('      last chase workflow started', `t = ${s(last(chases.started))}`, `${((chases.started.length / startSpan) * 1000).toFixed(0)} signalWithStart/s (the starter: batches of 200, 16 at a time)`);
  row('(c) every chase workflow had run its first workflow task', `t = ${s(last(chases.firstTaskDone))}`, `waitForFirstTasks saw it at ${seenMs === undefined ? 'NOT within the timeout' : `t = ${s(seenMs)}`}`);
  row('      first task after its workflow started: p50 / p99 / max', s(pct(chases.lag, 50)), `/ ${s(pct(chases.lag, 99))} / ${s(last(chases.lag))}`);
  row('      chase history so far (at most)', `${chases.historyEvents} events`, `input ${chases.inputBytes} bytes`);
  row('re-import of the same file (adds nothing)', s(againMs), `${(againMs / exceljsMs).toFixed(2)}× exceljs alone`);
  const ratio = (ms: number, peer: number) => `${(ms / peer).toFixed(2)}× the database reads (${msText(peer)})`;
  row('(d) GET ledger, 重大 only, page 1 of 50', msText(page1Http), ratio(page1Http, page1Db));
  row(`    GET ledger, 重大 only, page ${majorPages} (the last)`, msText(lateHttp), ratio(lateHttp, lateDb));
  row('    GET statistics (every town and department)', msText(statsHttp), ratio(statsHttp, statsDbMs));
  row('(e) GET export .xlsx (every row)', msText(exportHttp), `${ratio(exportHttp, exportDbMs)}; ${(exportHttp / exceljsMs).toFixed(2)}× exceljs reading the ledger`);
  console.log(`  ${cpuLine('CPU, import call', cpuStart, cpuImported)}`);
  console.log(`  ${cpuLine('CPU, import returned → every first task seen', cpuImported, cpuFirstTasks)}`);
  console.log(`  load average before the import ${loadBefore}, after the first tasks ${loadAfter}, at the end ${load()}`);

  // ── checks (the only thing that decides the exit code)
  console.log('\nchecks');
  check(imported.created.length === n && imported.unchanged.length === 0 && imported.rows === n, `import: ${imported.rows} rows, ${imported.created.length} created, ${imported.unchanged.length} unchanged`);
  check(hazardRows === n, `hazard rows in the database: ${hazardRows}`);
  check(
    chaseCount.count === n && chases.started.length === n && chases.noTask === 0 && waited !== undefined,
    `chase workflows: ${chaseCount.count ?? '?'} by ${chaseCount.how}; ${chases.started.length} histories, ${chases.noTask} without a completed first task`,
  );
  check(starter.started === n && awaiting === 0, `chase starter: ${starter.started} started, ${awaiting} hazards left without a chase`);
  check(again.created.length === 0 && again.unchanged.length === n && (await db.hazard.count({ where: { campaignId: campaign.id } })) === n, `re-import: ${again.created.length} created, ${again.unchanged.length} unchanged`);
  check(first.total === majors && lastPage.total === majors, `ledger 重大 filter: total ${first.total} = ${majors} generated`);
  const expectedLast = rows.filter((r) => r.major).map((r) => r.serial).slice((majorPages - 1) * 50);
  check(JSON.stringify(lastPage.items.map((h) => h.serial)) === JSON.stringify(expectedLast), `last page of 重大 lists 序号 ${expectedLast[0]} … ${last(expectedLast)} (${expectedLast.length})`);
  check(
    stats.total.found === n && stats.total.major === majors && stats.total.overdue === 0 && stats.byTown.length === TOWNS && stats.byDepartment.length === DEPARTMENTS,
    `statistics: total found ${stats.total.found} = ${n}, 重大 ${stats.total.major} = ${majors}, overdue ${stats.total.overdue}, ${stats.byTown.length} towns, ${stats.byDepartment.length} departments`,
  );
  check(exportedRows === n, `export: ${exportedRows} hazard rows`);
  check(notices === 0 && mails === 0, `nothing sent while measuring: ${notices} notice/letter rows, ${mails} letters at the sink`);
}

async function countChases(client: Client): Promise<{ count?: number; how: string }> {
  const query = `WorkflowType = "${HAZARD_WORKFLOW_TYPE}" AND ExecutionStatus = "Running"`;
  try {
    return { count: (await client.workflow.count(query)).count, how: `workflow.count(${query})` };
  } catch (err) {
    return { how: `workflow.count failed: ${(err as Error).message.split('\n')[0]}` };
  }
}
