// board: the console's 报送情况 board of a campaign of N units, over HTTP (GET /api/campaigns/:id/board, logged
// in, as the browser asks for it), timed against the same database reads alone, in the same run. Timings are
// reported, never judged; the checks (every row counted, the filters agree with SQL counts) decide the outcome.
import { Client } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addOperator } from '../access/operators';
import { compileCampaign } from '../domain/compile';
import { readDefinitionFile } from '../operations/definition-file';
import { storeCampaign } from '../store/campaigns';
import { createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { createConsoleServer } from '../web/server';
import { LAUNCH_AT, at, generate } from './campaigns';
import { type Options, UsageError } from './scenario';

const DEFAULT_N = 5_000;
const REPS = 15;

export const BOARD_USAGE = [
  '  board [N]     the console board of an N-unit campaign (default 5,000) over HTTP, first page, a filtered',
  '                and sorted page, and the Excel export, against the same database reads alone',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
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

export async function boardScale(o: Options): Promise<boolean> {
  if (o.profile) throw new UsageError('--profile does not apply to board');
  if (o.args.length > 1) throw new UsageError(`board takes at most N, got ${o.args.join(' ')}`);
  const n = o.args.length ? Number(o.args[0]) : DEFAULT_N;
  if (!Number.isInteger(n) || n < 10) throw new UsageError(`N must be a whole number ≥ 10, got ${o.args[0]}`);

  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-board-'));
  const url = `file:${join(dir, 'duban.db')}`;
  await migrateDatabase(url);
  const db = createDb(url);
  const leads = Math.max(1, Math.round(n / 250));
  const towns = Math.round(n * 0.2);
  const g = generate(dir, 'bench-board', { leads, towns, departments: n - leads - towns });
  const { def, yamlText } = readDefinitionFile(g.file);
  await storeCampaign(db, { compiled: compileCampaign(def, at(LAUNCH_AT)), yamlText, sourceFile: g.file, actor: 'bench', clockOffsetMs: 0 });
  // a campaign some way in: 40 % submitted (a quarter of those late), 5 % waived, the rest open; of the late ones
  // a share urged, noticed, circulated
  const rows = await db.obligation.findMany({ where: { campaignId: 'bench-board' }, select: { unitId: true } });
  await db.$transaction(
    rows.map((r, i) => {
      const k = i % 20;
      const data =
        k < 8
          ? { status: 'submitted', submittedAt: new Date(at('2022-10-11T15:00:00+08:00')), lateWorkingDays: k < 2 ? 2 : 0 }
          : k === 8
            ? { status: 'waived' }
            : { escalation: (['none', 'urge', 'notice', 'circulate'] as const)[k % 4] };
      return db.obligation.update({ where: { campaignId_unitId_deliverableId: { campaignId: 'bench-board', unitId: r.unitId, deliverableId: 'assessment-report' } }, data });
    }),
  );

  await addOperator(db, { name: 'bench', role: 'clerk', password: 'bench password', createdBy: 'bench' });
  const app = await createConsoleServer({
    db,
    client: new Client(), // lazily connected; reading the board never reaches Temporal
    taskQueue: 'duban',
    searchAttributes: false,
    namespace: 'default',
    dataDir: dir,
    publicUrl: 'http://127.0.0.1',
    maxUploadBytes: 1024 * 1024,
    now: () => at('2022-10-20T10:00:00+08:00'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', password: 'bench password' }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return path.endsWith('.xlsx') ? res.arrayBuffer() : (res.json() as Promise<{ total: number }>);
  };

  const board = `/api/campaigns/bench-board/board`;
  let ok = true;
  const check = (what: string, pass: boolean) => {
    console.log(`${pass ? 'ok  ' : 'FAIL'} ${what}`);
    ok &&= pass;
  };
  try {
    const all = (await get(`${board}?pageSize=50`)) as { total: number };
    check(`the board counts all ${n} obligations`, all.total === n);
    const overdue = (await get(`${board}?status=overdue&sort=late`)) as { total: number };
    const overdueSql = await db.obligation.count({ where: { campaignId: 'bench-board', status: 'open', due: { lt: '2022-10-20' } } });
    check(`the overdue filter agrees with SQL (${overdue.total} = ${overdueSql})`, overdue.total === overdueSql);

    const dbOnly = await timed(REPS, () => Promise.all([db.unit.findMany({ where: { campaignId: 'bench-board' } }), db.obligation.findMany({ where: { campaignId: 'bench-board' } })]));
    const firstPage = await timed(REPS, () => get(`${board}?page=1&pageSize=50`));
    const filtered = await timed(REPS, () => get(`${board}?status=overdue&sort=late&unitType=department&page=3&pageSize=50`));
    const exportMs = await timed(3, () => get(`/api/campaigns/bench-board/export.xlsx`));
    const line = (what: string, ms: number) => console.log(`${what.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / dbOnly).toFixed(2)}× the database reads`);
    console.log(`\nboard of ${n} units (${n} obligations); median of ${REPS}; ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`);
    line('database reads alone (units + obligations)', dbOnly);
    line('GET board, first page of 50', firstPage);
    line('GET board, overdue departments by lateness', filtered);
    line('GET export.xlsx (every row)', exportMs);
  } finally {
    await app.close();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}
