// The 隐患整改台账 in the database, on SQLite and PostgreSQL: the example ledger imported all or nothing and once;
// changes through the store with their evidence (a refusal changes nothing, not even the version); concurrent changes
// guarded by the version; the event record replays to the row; the export read back equals the record; statistics
// against a hand count, and a closed month that keeps its figures. Its chase is woken through real Temporal.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCampaign } from '../domain/compile';
import { DubanError, type DubanErrorCode } from '../domain/errors';
import type { FileRef } from '../domain/hazards';
import { parseInstant } from '../domain/zoned-time';
import { readDefinitionFile } from '../operations/definition-file';
import { chaseHazard } from '../operations/hazard-chase';
import {
  type HazardDeps,
  actOnHazard,
  actOnHazardListing,
  closeHazardPeriod,
  exportHazards,
  hazardDetail,
  hazardList,
  hazardStatistics,
  importHazards,
  keepEvidence,
  listHazardForSupervision,
  reportHazard,
} from '../operations/hazards';
import { temporalTestServerPath } from '../platform/tools';
import { HAZARD_WORKFLOW_TYPE, hazardWorkflowId } from '../shared/hazard-contract';
import { parseHazardWorkbook } from '../spreadsheets/hazards-ledger';
import { settingsOf, storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { hazardContextOf, hazardEvents, loadHazard, replayHazard } from '../store/hazards';
import { migrateDatabase } from '../store/migrate';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';

const FILE = 'examples/leizhou-2022-assessment.yaml';
const CAMPAIGN = 'leizhou-2022-assessment';
const LEDGER = 'examples/leizhou-2022-hazards.xlsx';
const at = (s: string) => parseInstant(`${s}+08:00`, 'Asia/Shanghai')!;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

async function refusal(p: Promise<unknown>): Promise<DubanError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DubanError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}
const refused = async (p: Promise<unknown>, code: DubanErrorCode, text?: string | RegExp) => {
  const err = await refusal(p);
  expect(err.code, err.message).toBe(code);
  if (text) expect(err.message).toMatch(text);
  return err;
};

/** A ledger workbook of the given rows under the standard header. */
async function sheet(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  ws.addRow(['序号', '企业或场所', '属地', '行业主管部门', '隐患描述', '隐患等级', '判定依据', '发现日期', '来源', '整改措施', '责任人', '整改资金（万元）', '整改时限']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(TEST_DATABASES)('the hazard ledger on %s', (kind) => {
  let db: Db;
  let database: TestDatabase;
  let dataDir: string;
  let clock = at('2022-10-17T09:00:00');
  let deps: HazardDeps;
  const ledger = readFileSync(LEDGER);

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    dataDir = mkdtempSync(join(tmpdir(), 'duban-hazards-'));
    deps = { db, dataDir, now: () => clock };
    const { def, yamlText } = readDefinitionFile(FILE);
    const compiled = compileCampaign(def, at('2022-10-08T10:00:00'));
    await storeCampaign(db, { compiled, yamlText, sourceFile: FILE, actor: 'test', clockOffsetMs: 0 });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const row = (id: string) => db.hazard.findUniqueOrThrow({ where: { campaignId_id: { campaignId: CAMPAIGN, id } } });
  const eventCount = (id: string) => db.hazardEvent.count({ where: { campaignId: CAMPAIGN, hazardId: id } });
  const act = (hazardId: string, event: Parameters<typeof actOnHazard>[1]['event'], extra: { actor?: string; expectedVersion?: number } = {}) =>
    actOnHazard(deps, { campaignId: CAMPAIGN, hazardId, event, actor: extra.actor ?? 'operator:wang', role: 'leader', expectedVersion: extra.expectedVersion });
  let photo: FileRef[];

  it('refuses a ledger with a bad row, listing every problem, and imports nothing', async () => {
    const bad = await sheet([
      [1, '某厂', '乌石镇', '市应急管理局', '出口堵塞', '一般', '', '2022-09-01', '检查', '清理', '张三', 0, '2022-09-15'],
      [2, '某化工厂', '乌石镇', '市应急管理局', '储罐无切断', '重大', '', '2022-09-01', '检查', '加装', '李四', 1, '2022-09-15'],
      [3, '某学校', '不存在镇', '市教育局', '电线乱接', '一般', '', '2022-09-01', '检查', '重新布线', '王五', 0, '2022-08-15'],
      [1, '某厂', '乌石镇', '市应急管理局', '另一处', '一般', '', '2022-09-01', '检查', '清理', '张三', 0, '2022-09-15'],
    ]);
    const err = await refused(importHazards(deps, { campaignId: CAMPAIGN, bytes: bad, fileName: 'bad.xlsx', actor: 'test' }), 'INVALID_DEFINITION');
    expect(err.message).toContain('未导入任何隐患');
    expect(err.details.join('\n')).toMatch(/第3行.*判定依据/);
    expect(err.details.join('\n')).toMatch(/第4行.*不存在镇/);
    expect(err.details).toContain('第5行 A列（序号）：序号 1 与第2行重复');
    expect(await db.hazard.count()).toBe(0);
    expect(await db.hazardEvent.count()).toBe(0);
  });

  it('imports the example ledger, and importing it again adds nothing', async () => {
    const first = await importHazards(deps, { campaignId: CAMPAIGN, bytes: ledger, fileName: 'leizhou-2022-hazards.xlsx', actor: 'operator:wang' });
    expect(first).toMatchObject({ rows: 30, unchanged: [] });
    expect(first.created).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
    const again = await importHazards(deps, { campaignId: CAMPAIGN, bytes: ledger, fileName: 'leizhou-2022-hazards.xlsx', actor: 'operator:wang' });
    expect(again).toMatchObject({ rows: 30, created: [] });
    expect(again.unchanged).toHaveLength(30);
    expect(await db.hazard.count({ where: { campaignId: CAMPAIGN } })).toBe(30);
    expect(await db.hazardEvent.count({ where: { campaignId: CAMPAIGN } })).toBe(30);
    const two = await row('2');
    expect(two).toMatchObject({ serial: 2, townId: 'leicheng', departmentId: 'yingji', level: 'major', status: 'pending', deadline: '2022-10-31', version: 1 });
    const [created] = await hazardEvents(db, CAMPAIGN, '2');
    expect(created.summary).toBe('导入台账第4行：重大隐患，雷州市南兴化工有限公司，液氨储罐区未设置紧急切断装置（属地 雷城街道，行业主管部门 市应急管理局，整改时限 2022-10-31）');
  });

  it('refuses a 序号 taken by another hazard, numbers rows without one after the last, and matches them on re-import', async () => {
    const clash = await sheet([[5, '别处', '乌石镇', '市应急管理局', '别的隐患', '一般', '', '2022-09-01', '检查', '清理', '张三', 0, '2022-09-15']]);
    await refused(importHazards(deps, { campaignId: CAMPAIGN, bytes: clash, fileName: 'clash.xlsx', actor: 't' }), 'INVALID_DEFINITION', /序号 5 在台账中已是另一处隐患（西湖百货商场/);
    const fresh = await sheet([[null, '新发现的工地', '乌石镇', '市住房和城乡建设局', '基坑无临边防护', '一般', '', '2022-10-14', '检查', '设置防护栏杆', '周八', 0.5, '2022-10-28']]);
    expect((await importHazards(deps, { campaignId: CAMPAIGN, bytes: fresh, fileName: 'f.xlsx', actor: 't' })).created).toEqual(['31']);
    expect(await importHazards(deps, { campaignId: CAMPAIGN, bytes: fresh, fileName: 'f.xlsx', actor: 't' })).toMatchObject({ created: [], unchanged: ['31'] });
  });

  it('moves a hazard only with its evidence; a refusal changes nothing', async () => {
    clock = at('2022-10-17T09:00:00');
    photo = await keepEvidence(deps, [{ name: '整改后.png', bytes: PNG }]);
    expect(photo[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    // #2 is 重大: no 开始整改 before a 治理方案 with the 五到位
    await refused(act('2', { kind: 'start' }), 'PLAN_INCOMPLETE');
    await refused(act('2', { kind: 'plan', plan: { measures: '加装', responsibility: '林国栋', fundsWan: 45, deadline: '2022-10-31', contingency: '' } }), 'PLAN_INCOMPLETE', /预案/);
    await refused(act('2', { kind: 'report_done', done: '已加装', files: photo }), 'HAZARD_TRANSITION', /尚未开始整改/);
    expect(await row('2')).toMatchObject({ status: 'pending', version: 1 });
    expect(await eventCount('2')).toBe(1);

    await act('2', { kind: 'plan', plan: { measures: '加装紧急切断装置', responsibility: '南兴化工 林国栋', fundsWan: 45, deadline: '2022-10-31', contingency: '液氨泄漏专项应急预案' } });
    await act('2', { kind: 'start' });
    await refused(act('2', { kind: 'report_done', done: '已加装', files: [] }), 'EVIDENCE_MISSING', /至少一个文件/);
    expect(await row('2')).toMatchObject({ status: 'rectifying', version: 3 });
    clock = at('2022-10-20T15:00:00');
    await act('2', { kind: 'report_done', done: '紧急切断装置已安装并联调', files: photo });
    await refused(act('2', { kind: 'accept', by: '林国栋', on: '2022-10-20', result: 'pass', files: photo }), 'ACCEPTOR_CONFLICT');
    await refused(act('2', { kind: 'accept', by: '市应急局 陈工', on: '2022-10-20', result: 'fail', files: photo, opinion: '未联调' }), 'EVIDENCE_MISSING', /重新整改的时限/);
    expect(await row('2')).toMatchObject({ status: 'awaiting_acceptance', version: 4, reportedOn: '2022-10-20', lateWorkingDays: 0 });
    const detail = await act('2', { kind: 'accept', by: '市应急局 陈工', on: '2022-10-20', result: 'pass', files: photo });
    expect(detail.summary).toMatchObject({ status: 'closed', closedOn: '2022-10-20', version: 5 });
    expect(detail.history.map((h) => h.kind)).toEqual(['create', 'plan', 'start', 'report_done', 'accept']);
    expect(detail.history[3].summary).toBe('报告整改完成：紧急切断装置已安装并联调（附 1 个文件：整改后.png）');
    expect(detail.history[4].summary).toBe('验收合格，销号（验收人 市应急局 陈工，验收日期 2022-10-20）');
    expect(detail.state.rounds).toHaveLength(1);
    await refused(act('2', { kind: 'cancel', reason: '重复' }), 'HAZARD_TRANSITION', /已销号/);
  });

  it('keeps a change when its chase cannot be told (Temporal unreachable): logged, not lost', async () => {
    const nowhere = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const logged: string[] = [];
    const before = await row('6');
    const detail = await actOnHazard(
      { ...deps, client: nowhere, log: (m) => logged.push(m), chaseAttemptMs: 300 },
      { campaignId: CAMPAIGN, hazardId: '6', actor: 'operator:wang', role: 'clerk', event: { kind: 'start' } },
    );
    expect(detail.summary.status).toBe('rectifying');
    expect(await row('6')).toMatchObject({ status: 'rectifying', version: before.version + 1 });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`隐患 ${CAMPAIGN}/6 的督办流程未能收到变更通知`);
    await nowhere.connection.close();
  });

  it('the events replay to the row, round by round (a failed 验收 starts the next)', async () => {
    clock = at('2022-10-17T09:00:00');
    await act('1', { kind: 'start' });
    clock = at('2022-10-18T09:00:00');
    await act('1', { kind: 'report_done', done: '清理了杂物', files: photo });
    await act('1', { kind: 'accept', by: '乌石镇 安办 李', on: '2022-10-18', result: 'fail', files: photo, opinion: '仍有堆放', newDeadline: '2022-10-25' });
    const r = await row('1');
    expect(r).toMatchObject({ status: 'rectifying', deadline: '2022-10-25', originalDeadline: '2022-09-15', reportedOn: null });
    const record = await loadHazard(db, CAMPAIGN, '1');
    expect(record.state.rounds.map((x) => [x.round, x.deadline, x.acceptance?.result])).toEqual([
      [1, '2022-09-15', 'fail'],
      [2, '2022-10-25', undefined],
    ]);
    const ctx = hazardContextOf(settingsOf(await db.campaign.findUniqueOrThrow({ where: { id: CAMPAIGN } })));
    for (const id of ['1', '2']) {
      const replayed = replayHazard(ctx, await hazardEvents(db, CAMPAIGN, id));
      expect(replayed.state).toEqual((await loadHazard(db, CAMPAIGN, id)).state);
    }
  });

  it('dates the 验收 by the campaign’s own hazards policy', async () => {
    // #7 reported done on Thursday 2022-10-20: by default 验收 is due 5 working days later
    clock = at('2022-10-17T09:00:00');
    await act('7', { kind: 'start' });
    clock = at('2022-10-20T09:00:00');
    expect((await act('7', { kind: 'report_done', done: '已补足救生衣', files: photo })).acceptanceDue).toBe('2022-10-27');
    // a campaign whose file says acceptanceWorkingDays: 2
    const dir = mkdtempSync(join(tmpdir(), 'duban-hazard-policy-'));
    const file = join(dir, 'quick.yaml');
    writeFileSync(file, `${readFileSync(FILE, 'utf8').replace('id: leizhou-2022-assessment', 'id: quick-acceptance')}\nhazards:\n  acceptanceWorkingDays: 2\n`);
    const { def, yamlText } = readDefinitionFile(file);
    await storeCampaign(db, { compiled: compileCampaign(def, at('2022-10-08T10:00:00')), yamlText, sourceFile: file, actor: 'test', clockOffsetMs: 0 });
    rmSync(dir, { recursive: true, force: true });
    clock = at('2022-10-17T09:00:00');
    const facts = { site: '某渡口', townId: 'baisha', departmentId: 'jiaotong', description: '救生衣不足', level: 'general' as const, basis: '', foundOn: '2022-10-10', source: 'inspection' as const, measures: '补足', responsible: '何金水', fundsWan: 0, deadline: '2022-10-31' };
    const { row: quick } = await reportHazard(deps, { campaignId: 'quick-acceptance', facts, origin: 'console', actor: 't' });
    await actOnHazard(deps, { campaignId: 'quick-acceptance', hazardId: quick.id, actor: 't', event: { kind: 'start' } });
    clock = at('2022-10-20T09:00:00');
    const done = await actOnHazard(deps, { campaignId: 'quick-acceptance', hazardId: quick.id, actor: 't', event: { kind: 'report_done', done: '已补足', files: photo } });
    expect(done.acceptanceDue).toBe('2022-10-24');
  });

  it('numbers hazards reported at the same moment one after another', async () => {
    // in the campaign of the test above, so that this campaign's figures stay as counted
    const campaignId = 'quick-acceptance';
    clock = at('2022-10-17T09:00:00');
    const facts = (town: string) => ({ site: `${town}某店`, townId: town, departmentId: 'xiaofang', description: '灭火器过期', level: 'general' as const, basis: '', foundOn: '2022-10-14', source: 'inspection' as const, measures: '更换', responsible: '店主', fundsWan: 0, deadline: '2022-10-28' });
    const towns = ['leicheng', 'xincheng', 'xihu', 'baisha', 'kelu', 'yangjia'];
    const reports = await Promise.all(towns.map((t) => reportHazard(deps, { campaignId, facts: facts(t), origin: 'portal', actor: `unit:${t}` })));
    expect(reports.map((r) => r.row.serial).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(new Set(reports.map((r) => r.row.townId)).size).toBe(6);
  });

  it('guards concurrent changes by the version', async () => {
    clock = at('2022-10-17T09:00:00');
    const before = await row('3');
    // Two operators acting on what they both saw: one wins, the other is told the hazard changed.
    const results = await Promise.allSettled([
      act('3', { kind: 'start' }, { expectedVersion: before.version }),
      act('3', { kind: 'cancel', reason: '重复登记' }, { expectedVersion: before.version }),
    ]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
    expect((lost.reason as DubanError).code).toBe('HAZARD_CONFLICT');
    expect(await row('3')).toMatchObject({ version: before.version + 1 });
    expect(await eventCount('3')).toBe(2);
    // Without a version seen, compatible changes at once both apply, each on top of the other.
    const five = await row('5');
    await Promise.all([
      act('5', { kind: 'extend', to: '2022-10-31', reason: '水泵到货延迟', approvedBy: '市安委办 王主任' }),
      act('5', { kind: 'edit', changes: { measures: '检修消防水泵，更换减压阀和压力表' } }),
      act('5', { kind: 'edit', changes: { responsible: '郑海燕、刘强' } }),
    ]);
    const after = await row('5');
    expect(after).toMatchObject({ version: five.version + 3, deadline: '2022-10-31', measures: '检修消防水泵，更换减压阀和压力表', responsible: '郑海燕、刘强' });
    expect((await hazardEvents(db, CAMPAIGN, '5')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('exports the ledger; read back, it is the record', async () => {
    const out = await exportHazards(deps, { campaignId: CAMPAIGN });
    expect(out.rows).toBe(31);
    const { units } = { units: await db.unit.findMany({ where: { campaignId: CAMPAIGN } }) };
    const read = await parseHazardWorkbook(out.bytes, out.fileName, units.map((u) => ({ id: u.unitId, name: u.name, type: u.type as 'town' })));
    const rows = await db.hazard.findMany({ where: { campaignId: CAMPAIGN }, orderBy: { serial: 'asc' } });
    expect(read.map(({ row: _row, ...facts }) => facts)).toEqual(
      rows.map((r) => ({
        serial: String(r.serial),
        site: r.site,
        townId: r.townId,
        departmentId: r.departmentId,
        description: r.description,
        level: r.level,
        basis: r.basis,
        foundOn: r.foundOn,
        source: r.source,
        measures: r.measures,
        responsible: r.responsible,
        fundsWan: r.fundsWan,
        deadline: r.deadline,
      })),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.bytes as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0];
    const statusOf = (serial: number) => ws.getRow(3 + serial).getCell(14).value;
    expect(statusOf(2)).toBe('已销号');
    expect(ws.getRow(3 + 2).getCell(16).value).toBe('市应急局 陈工');
    expect(statusOf(1)).toBe('整改中');
  });

  it('counts the statistics of a month as counted by hand, and a closed month keeps them', async () => {
    // October's hazards are #23–#30 (found 10-08 … 10-17). What happens to them:
    clock = at('2022-10-17T10:00:00');
    await act('26', { kind: 'start' });
    await act('26', { kind: 'report_done', done: '划线禁停', files: photo }); // by its 时限 10-18
    clock = at('2022-10-19T10:00:00');
    await act('26', { kind: 'accept', by: '客路镇 安办', on: '2022-10-19', result: 'pass', files: photo });
    clock = at('2022-10-20T10:00:00');
    await act('23', { kind: 'start' });
    clock = at('2022-10-24T10:00:00'); // Monday: one working day after the 时限 10-21
    await act('23', { kind: 'report_done', done: '树木已修剪', files: photo });
    await act('23', { kind: 'accept', by: '供电局 安监', on: '2022-10-24', result: 'pass', files: photo });
    await act('25', { kind: 'plan', plan: { measures: '削坡减载', responsibility: '鲁建华', fundsWan: 35, deadline: '2022-11-30', contingency: '边坡垮塌应急预案' } });
    await act('25', { kind: 'start' });
    await refused(listHazardForSupervision(deps, { campaignId: CAMPAIGN, hazardId: '24', actor: 't', role: 'clerk', level: 'city', documentNumber: '雷安委办督〔2022〕1号' }), 'LISTING_TRANSITION', /一般隐患/);
    await listHazardForSupervision(deps, { campaignId: CAMPAIGN, hazardId: '25', actor: 'operator:wang', role: 'clerk', level: 'city', documentNumber: '雷安委办督〔2022〕3号' });
    await act('27', { kind: 'cancel', reason: '经核实已在交通专项中登记' });

    clock = at('2022-11-01T10:00:00');
    const stats = await hazardStatistics(deps, { campaignId: CAMPAIGN, period: '2022-10' });
    // found 8 (#23–#31 less the cancelled #27); 销号 #26 (on time) and #23 (a day late); past 时限: #23, #24 (10-21),
    // #28 (10-27), #31 (10-28); due: the two 销号 and #24, #28, #31; 重大 #25, listed.
    expect(stats.total).toEqual({
      found: 8,
      rectified: 2,
      notRectified: 6,
      overdue: 4,
      rectificationRate: 0.25,
      due: 5,
      onTime: 1,
      onTimeRate: 0.2,
      major: 1,
      majorClosed: 0,
      majorClosureRate: 0,
      listed: 1,
      listedNow: 1,
    });
    const town = (id: string) => stats.byTown.find((t) => t.unitId === id)!;
    expect(town('kelu')).toMatchObject({ unitName: '客路镇', found: 1, rectified: 1, onTime: 1, overdue: 0, rectificationRate: 1 });
    expect(town('xihu')).toMatchObject({ found: 1, rectified: 1, onTime: 0, overdue: 1, onTimeRate: 0 });
    expect(town('yangjia')).toMatchObject({ found: 0, rectificationRate: null });
    expect(stats.byDepartment.find((d) => d.unitId === 'ziranziyuan')).toMatchObject({ found: 1, major: 1, listed: 1, listedNow: 1 });
    expect(town('wushi')).toMatchObject({ found: 2, rectified: 0, overdue: 2, due: 2 });
    expect(stats.byTown.reduce((n, t) => n + t.found, 0)).toBe(8);

    await refused(closeHazardPeriod(deps, { campaignId: CAMPAIGN, period: '2022-11', actor: 'operator:wang' }), 'INVALID_ARGUMENT', /尚未结束/);
    await refused(closeHazardPeriod(deps, { campaignId: CAMPAIGN, period: '2022-13', actor: 'operator:wang' }), 'INVALID_ARGUMENT', /2022Q4/);
    const closed = await closeHazardPeriod(deps, { campaignId: CAMPAIGN, period: '2022-10', actor: 'operator:wang' });
    expect(closed.total).toEqual(stats.total);
    await refused(closeHazardPeriod(deps, { campaignId: CAMPAIGN, period: '2022-10', actor: 'operator:li' }), 'INVALID_ARGUMENT', /已于 .* 由 operator:wang 关账/);

    // Later: #24 rectified, #28 cancelled. The closed month does not move; the open statistics do.
    clock = at('2022-11-02T10:00:00');
    await act('24', { kind: 'start' });
    await act('24', { kind: 'report_done', done: '已分区存放', files: photo });
    await act('24', { kind: 'accept', by: '供销社 安办', on: '2022-11-02', result: 'pass', files: photo });
    await act('28', { kind: 'cancel', reason: '重复登记' });
    const later = await hazardStatistics(deps, { campaignId: CAMPAIGN, period: '2022-10' });
    expect(later.total).toEqual(stats.total);
    expect(later.closed).toMatchObject({ by: 'operator:wang' });
    const quarter = await hazardStatistics(deps, { campaignId: CAMPAIGN, period: '2022Q4' });
    expect(quarter.total).toMatchObject({ found: 7, rectified: 3 });
  });

  it('filters and pages the ledger', async () => {
    clock = at('2022-11-02T10:00:00');
    const all = await hazardList(deps, { campaignId: CAMPAIGN, pageSize: 10, page: 4 });
    expect(all.total).toBe(31);
    expect(all.items.map((h) => h.serial)).toEqual([31]);
    const major = await hazardList(deps, { campaignId: CAMPAIGN, filters: { level: 'major' } });
    expect(major.items.map((h) => h.serial)).toEqual([2, 4, 8, 12, 15, 25]);
    const listed = await hazardList(deps, { campaignId: CAMPAIGN, filters: { listed: true } });
    expect(listed.items.map((h) => h.serial)).toEqual([25]);
    const town = await hazardList(deps, { campaignId: CAMPAIGN, filters: { townId: 'leicheng', status: ['closed'] } });
    expect(town.items.map((h) => h.serial)).toEqual([2]);
    // overdue on 11-02: open and past the 时限; #25 (11-30), #29 (11-14), #30 (11-17), #27 (11-11) are not
    const overdue = await hazardList(deps, { campaignId: CAMPAIGN, filters: { overdue: true }, pageSize: 100 });
    expect(overdue.items.every((h) => h.overdueWorkingDays > 0 && ['pending', 'rectifying'].includes(h.status))).toBe(true);
    expect(overdue.items.map((h) => h.serial)).not.toContain(25);
    expect(overdue.items.map((h) => h.serial)).toContain(1);
    await refused(hazardList(deps, { campaignId: CAMPAIGN, filters: { townId: 'nowhere' } }), 'UNKNOWN_UNIT', /属地“nowhere”/);
    await refused(hazardDetail(deps, { campaignId: CAMPAIGN, hazardId: '99' }), 'UNKNOWN_HAZARD', /序号为“99”/);
  });

  it('runs a 挂牌督办 to 摘牌: 签收 by both units, an approved 延期 moves the 时限, 摘牌 only after 销号', async () => {
    clock = at('2022-11-02T10:00:00');
    const on = (event: Parameters<typeof actOnHazardListing>[1]['event'], actor = 'operator:wang') => actOnHazardListing(deps, { campaignId: CAMPAIGN, hazardId: '25', actor, role: 'leader', event });
    await on({ kind: 'sign', unitId: 'baisha', by: '白沙镇 陈' }, 'unit:baisha');
    await refused(on({ kind: 'sign', unitId: 'baisha', by: '白沙镇 陈' }), 'LISTING_TRANSITION', /已于 2022-11-02 签收/);
    await refused(on({ kind: 'sign', unitId: 'wushi', by: 'x' }), 'INVALID_ARGUMENT', /不是限期整改指令书的受送单位/);
    await on({ kind: 'sign', unitId: 'ziranziyuan', by: '自然资源局 林' });
    await on({ kind: 'request_extension', to: '2022-12-20', reason: '雨季无法施工', by: '鲁建华' });
    const d = await on({ kind: 'decide_extension', approved: true, reason: '情况属实', by: '市安委办 王主任' });
    expect(d.summary.deadline).toBe('2022-12-20');
    expect(d.history.slice(-2).map((h) => h.kind)).toEqual(['decide_extension', 'extend']);
    await refused(on({ kind: 'delist', approvedBy: '市安委办 王主任' }), 'LISTING_TRANSITION', /尚未验收合格销号/);
    await act('25', { kind: 'report_done', done: '削坡完成', files: photo });
    await act('25', { kind: 'accept', by: '自然资源局 专家组', on: '2022-11-02', result: 'pass', files: photo });
    const done = await on({ kind: 'delist', approvedBy: '市安委办 王主任', documentNumber: '雷安委办督〔2022〕9号' });
    expect(done.listings[0]).toMatchObject({ status: 'delisted', delisting: { approvedBy: '市安委办 王主任' } });
    expect(await row('25')).toMatchObject({ listingStatus: 'delisted', status: 'closed' });
    const ctx = hazardContextOf(settingsOf(await db.campaign.findUniqueOrThrow({ where: { id: CAMPAIGN } })));
    const replayed = replayHazard(ctx, await hazardEvents(db, CAMPAIGN, '25'));
    expect(replayed.listings).toEqual(done.listings);
    expect(replayed.state).toEqual(done.state);
  });
});

describe('waking a hazard chase', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('starts the hazard workflow on the first change and signals the same run afterwards', async () => {
    const input = { campaignId: 'c-chase', hazardId: '7' };
    const taskQueue = 'hazard-chase-test';
    expect(await chaseHazard({ client: env.client, taskQueue }, input)).toBe(true);
    const handle = env.client.workflow.getHandle(hazardWorkflowId('c-chase', '7'));
    const first = await handle.describe();
    expect(first.type).toBe(HAZARD_WORKFLOW_TYPE);
    expect(first.taskQueue).toBe(taskQueue);
    expect(await chaseHazard({ client: env.client, taskQueue }, input)).toBe(true);
    const second = await handle.describe();
    expect(second.runId).toBe(first.runId);
    const history = await handle.fetchHistory();
    expect((history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(2);
    await handle.terminate('test over');
    // Temporal unreachable: each attempt given up within its deadline, the failure logged, nothing thrown.
    const nowhere = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const logged: string[] = [];
    const t = Date.now();
    expect(await chaseHazard({ client: nowhere, taskQueue, log: (m) => logged.push(m), attemptMs: 500 }, input)).toBe(false);
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(logged).toEqual([expect.stringMatching(/^隐患 c-chase\/7 的督办流程未能收到变更通知（.*）；台账已保存，流程下次醒来时会读取（可运行 duban hazards wake c-chase 唤醒）$/)]);
    await nowhere.connection.close();
  }, 60_000);
});
