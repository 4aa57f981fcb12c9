// An import stores its rows and returns; the campaign's chase starter (workflows/hazard-chase-starts.ts) then starts
// every new hazard's chase in batches, on the time-skipping server with the real worker, activities and database.
// Also: a hazard whose own start failed (Temporal unreachable) is started by the next run, nothing is started twice,
// and a worker starting resumes the starter of a campaign whose import could not tell Temporal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInstant } from '../domain/zoned-time';
import { type HazardDeps, importHazards, reportHazard } from '../operations/hazards';
import { resumeHazardChaseStarts } from '../platform/worker-process';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { HAZARD_CHASE_STARTS_WORKFLOW_TYPE, HAZARD_WORKFLOW_TYPE, hazardChaseStartsWorkflowId, hazardWorkflowId } from '../shared/hazard-contract';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';
import { HAZARD_CAMPAIGN as C, HAZARD_CAMPAIGN_YAML, hazardFacts } from './support/hazard-campaign';

const at = (iso: string) => parseInstant(iso, 'Asia/Shanghai')!;
const TOWNS = ['雷城街道', '新城街道'];
const DEPARTMENTS = ['市应急管理局', '市教育局'];

const serials = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, k) => first + k);

/** A ledger of hazards with these 序号, due in November (no letter falls due while the test runs). */
async function ledger(numbers: number[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('隐患台账');
  ws.addRow(['序号', '企业或场所', '属地', '行业主管部门', '隐患描述', '隐患等级', '判定依据', '发现日期', '来源', '整改措施', '责任人', '整改资金（万元）', '整改时限']);
  for (const i of numbers) {
    ws.addRow([i, `某企业${i}`, TOWNS[i % 2], DEPARTMENTS[i % 2], `隐患${i}`, '一般', '', '2022-09-20', '检查', '整改', `责任人${i}`, 1, '2022-11-30']);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(TEST_DATABASES)('starting imported hazards’ chases on %s', (kind) => {
  let database: TestDatabase;
  let r: Rehearsal;
  let dir: string;
  /** A client that does not let the server skip time while it waits (the chases stay before their first letter). */
  let plain: Client;
  const ops = (client?: Client): HazardDeps => ({ db: r.db, client: client ?? r.env.client, taskQueue: r.taskQueue, now: () => at('2022-09-26T11:00:00+08:00') - r.offsetMs(), chaseAttemptMs: 300 });
  const nowhere = () => new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const starter = () => plain.workflow.getHandle(hazardChaseStartsWorkflowId(C));
  const awaitingChase = () => r.db.hazard.count({ where: { campaignId: C, chaseStartedAt: null } });
  const chase = (id: string) => plain.workflow.getHandle(hazardWorkflowId(C, id)).describe();

  beforeAll(async () => {
    database = await freshDatabase(kind);
    dir = mkdtempSync(join(tmpdir(), 'duban-hazard-starts-'));
    writeFileSync(join(dir, 'campaign.yaml'), HAZARD_CAMPAIGN_YAML);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(join(dir, 'campaign.yaml'), at('2022-09-26T10:00:00+08:00'));
    plain = new Client({ connection: r.env.connection, namespace: r.env.namespace ?? 'default' });
  }, 120_000);
  afterAll(async () => {
    await r?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores the rows and returns; the starter then starts each new chase once, in batches', async () => {
    const result = await importHazards(ops(), { campaignId: C, bytes: await ledger(serials(1, 450)), fileName: '台账.xlsx', actor: 'wu' });
    expect(result.created).toHaveLength(450);
    const handle = starter();
    expect((await handle.describe()).type).toBe(HAZARD_CHASE_STARTS_WORKFLOW_TYPE);
    expect(await handle.result()).toEqual({ started: 450 });
    expect(await awaitingChase()).toBe(0);
    for (const id of ['1', '200', '201', '450']) {
      const d = await chase(id);
      expect([d.type, d.status.name]).toEqual([HAZARD_WORKFLOW_TYPE, 'RUNNING']);
    }
    // three batches of at most 200, each an activity
    const history = await handle.fetchHistory();
    expect((history.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes)).toHaveLength(3);
    if (kind === 'sqlite' && process.env.DUBAN_RECORD_HAZARD_START_HISTORIES === '1') {
      writeFileSync('tests/histories/hazard-starts-v1.binpb', proto.temporal.api.history.v1.History.encode(history).finish());
    }
  }, 180_000);

  it('a hazard whose own start failed is started by the next run with the next import; none is started twice', async () => {
    const firstRun = (await chase('7')).runId;
    const logged: string[] = [];
    const away = nowhere();
    const reported = await reportHazard({ ...ops(away), log: (m) => logged.push(m) }, { campaignId: C, facts: hazardFacts({ site: '雷城某仓库' }), origin: 'portal', actor: 'unit:leicheng' });
    expect(reported.row.id).toBe('451');
    expect(logged).toEqual([expect.stringContaining(`隐患 ${C}/451 的督办流程未能收到变更通知`)]);
    expect(await awaitingChase()).toBe(1);
    await away.connection.close();

    // the same file again and five new rows: five created, and the starter's next run takes those and 451
    const again = await importHazards(ops(), { campaignId: C, bytes: await ledger([...serials(1, 450), ...serials(452, 456)]), fileName: '台账.xlsx', actor: 'wu' });
    expect([again.created.length, again.unchanged.length]).toEqual([5, 450]);
    expect(await starter().result()).toEqual({ started: 6 });
    expect(await awaitingChase()).toBe(0);
    expect((await chase('451')).status.name).toBe('RUNNING');
    expect((await chase('456')).status.name).toBe('RUNNING');
    expect((await chase('7')).runId).toBe(firstRun);
  }, 180_000);

  it('an import that cannot reach Temporal keeps its rows; a worker starting starts their chases', async () => {
    const logged: string[] = [];
    const away = nowhere();
    const result = await importHazards({ ...ops(away), log: (m) => logged.push(m) }, { campaignId: C, bytes: await ledger(serials(457, 459)), fileName: '补充.xlsx', actor: 'wu' });
    await away.connection.close();
    expect(result.created).toEqual(['457', '458', '459']);
    expect(logged).toEqual([expect.stringContaining(`专项行动 ${C} 新登记隐患的督办流程未能启动`)]);
    expect(await awaitingChase()).toBe(3);
    await resumeHazardChaseStarts(r.db, r.env.client);
    expect(await starter().result()).toEqual({ started: 3 });
    expect(await awaitingChase()).toBe(0);
    expect((await chase('459')).status.name).toBe('RUNNING');
  }, 180_000);
});
