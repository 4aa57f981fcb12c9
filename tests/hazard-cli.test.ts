// `duban hazards …` as a user runs it (bin/duban.mjs) against a real database and a real Temporal server (the
// time-skipping test server; each change wakes the hazard's chase there): import twice, status with filters, a
// change refused in Chinese naming what is missing, the changes with evidence, a leader's 延期, export, statistics
// closed and as .xlsx.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOperator } from '../access/operators';
import { compileCampaign } from '../domain/compile';
import { parseInstant } from '../domain/zoned-time';
import { readDefinitionFile } from '../operations/definition-file';
import { temporalTestServerPath } from '../platform/tools';
import { hazardChaseStartsWorkflowId, hazardWorkflowId } from '../shared/hazard-contract';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';

const run = promisify(execFile);
const CAMPAIGN = 'leizhou-2022-assessment';

describe.each(TEST_DATABASES)('duban hazards on %s', (kind) => {
  let db: Db;
  let database: TestDatabase;
  let env: TestWorkflowEnvironment;
  let dir: string;
  let vars: Record<string, string>;

  async function duban(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/duban.mjs', ...args], { env: { ...process.env, ...vars } });
      return { stdout, stderr, code: 0 };
    } catch (err) {
      const e = err as { stdout: string; stderr: string; code: number };
      return { stdout: e.stdout, stderr: e.stderr, code: e.code };
    }
  }

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    const { def, yamlText } = readDefinitionFile(`examples/${CAMPAIGN}.yaml`);
    await storeCampaign(db, { compiled: compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!), yamlText, sourceFile: 'x', actor: 'test', clockOffsetMs: 0 });
    await addOperator(db, { name: 'wang', displayName: '王主任', role: 'leader', password: 'a-long-enough-password', createdBy: 'test' });
    await addOperator(db, { name: 'li', displayName: '李干事', role: 'clerk', password: 'a-long-enough-password', createdBy: 'test' });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    dir = mkdtempSync(join(tmpdir(), 'duban-hazard-cli-'));
    vars = { DATABASE_URL: database.url, DUBAN_TEMPORAL_ADDRESS: env.address, DUBAN_DATA_DIR: dir, DUBAN_OPERATOR: 'li' };
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
    await db?.$disconnect();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports the example ledger once, and lists it with filters', async () => {
    const first = await duban('hazards', 'import', CAMPAIGN, 'examples/leizhou-2022-hazards.xlsx');
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('读取 30 行，新增 30 处隐患');
    const again = await duban('hazards', 'import', CAMPAIGN, 'examples/leizhou-2022-hazards.xlsx', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 30, created: [] });
    expect(await db.hazard.count()).toBe(30);
    // the campaign's chase starter was asked to start the new hazards' chases (no worker runs here: they wait)
    expect((await env.client.workflow.getHandle(hazardChaseStartsWorkflowId(CAMPAIGN)).describe()).type).toBe('hazardChaseStartsWorkflow');
    expect(await db.hazard.count({ where: { chaseStartedAt: null } })).toBe(30);

    const major = await duban('hazards', 'status', CAMPAIGN, '--level', 'major', '--town', 'leicheng');
    expect(major.code).toBe(0);
    expect(major.stdout).toMatch(/共 1 处（待整改 1）/);
    expect(major.stdout).toMatch(/\s2 {2}待整改 {2}重大 {2}雷城街道／市应急管理局 {2}雷州市南兴化工有限公司/);
    const json = JSON.parse((await duban('hazards', 'status', CAMPAIGN, '--level', 'major', '--json')).stdout);
    expect(json.items.map((h: { serial: number }) => h.serial)).toEqual([2, 4, 8, 12, 15, 25]);
    const bad = await duban('hazards', 'status', CAMPAIGN, '--status', 'done');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('状态应为 pending（待整改）');
  });

  it('changes a hazard with its evidence, refusing in Chinese what lacks it; 延期 needs a leader', async () => {
    const noFile = await duban('hazards', 'start', CAMPAIGN, '1');
    expect(noFile.code).toBe(0);
    const missing = await duban('hazards', 'done', CAMPAIGN, '1', '--text', '已清理');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('报告整改完成须附至少一个文件');
    const photo = join(dir, '整改后.png');
    writeFileSync(photo, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9]));
    const done = await duban('hazards', 'done', CAMPAIGN, '1', '--text', '已清理', '--file', photo);
    expect(done.stdout).toContain('报告整改完成：已清理（附 1 个文件：整改后.png）');
    const self = await duban('hazards', 'accept', CAMPAIGN, '1', '--result', 'pass', '--acceptor', '陈志强', '--file', photo);
    expect(self.stderr).toContain('验收人“陈志强”是此隐患的整改责任人');
    const accepted = await duban('hazards', 'accept', CAMPAIGN, '1', '--result', 'pass', '--acceptor', '乌石镇 安办 李', '--file', photo, '--json');
    expect(JSON.parse(accepted.stdout).summary).toMatchObject({ status: 'closed', version: 4 });

    const clerk = await duban('hazards', 'extend', CAMPAIGN, '3', '--to', '2030-01-31', '--reason', '材料未到');
    expect(clerk.code).toBe(1);
    expect(clerk.stderr).toContain('无权批准延期：只有领导或管理员可以批准延期');
    const leader = await duban('hazards', 'extend', CAMPAIGN, '3', '--to', '2030-01-31', '--reason', '材料未到', '--by', 'wang');
    expect(leader.stdout).toContain('延期：整改时限 2022-09-20 → 2030-01-31（材料未到；批准人 wang）');
    const usage = await duban('hazards', 'accept', CAMPAIGN, '3', '--result', 'ok');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--result 应为 pass（合格）或 fail（不合格），实际为“ok”');
    // its letters (none sent: no worker runs here) and the next one the record calls for, or why none
    expect((await duban('hazards', 'show', CAMPAIGN, '1')).stdout).toContain('  暂无待发文书（已销号）\n  文书：尚未发出\n');
    const extended = JSON.parse((await duban('hazards', 'show', CAMPAIGN, '3', '--json')).stdout);
    expect(extended.letters).toEqual([]);
    expect(extended.nextLetter).toMatchObject({ kind: 'reminder', kindName: '整改提醒', deadline: '2030-01-31', round: 1, status: null });
    expect(extended.nextLetter.at).toMatch(/^2030年1月\d+日 \d\d:\d\d$/);
    expect(extended.nextLetter.recipients).toEqual([extended.summary.townName, extended.summary.departmentName]);
    expect(extended.noNextLetter).toBeNull();
    const shown = await duban('hazards', 'show', CAMPAIGN, '3');
    expect(shown.stdout).toContain(`  下一份文书：整改提醒，${extended.nextLetter.at}，发送给${extended.summary.townName}、${extended.summary.departmentName}（`);
    const unknown = await duban('hazards', 'show', CAMPAIGN, '99');
    expect(unknown.stderr).toContain('没有序号为“99”的隐患');
  });

  it('puts a 重大 hazard under 挂牌督办 after its 治理方案; 摘牌 needs a leader and a 销号 hazard', async () => {
    const early = await duban('hazards', 'start', CAMPAIGN, '2');
    expect(early.stderr).toContain('重大隐患须先报送做到五到位');
    const gap = await duban('hazards', 'plan', CAMPAIGN, '2', '--measures', '加装切断装置', '--responsibility', '林国栋', '--funds', '45', '--deadline', '2022-10-31');
    expect(gap.stderr).toContain('缺少：预案');
    const plan = await duban('hazards', 'plan', CAMPAIGN, '2', '--measures', '加装切断装置', '--responsibility', '林国栋', '--funds', '45', '--deadline', '2022-10-31', '--contingency', '液氨泄漏应急预案');
    expect(plan.stdout).toContain('报送治理方案（五到位）');
    const listed = await duban('hazards', 'list', CAMPAIGN, '2', '--level', 'city', '--document-number', '雷安委办督〔2022〕3号', '--json');
    expect(JSON.parse(listed.stdout).listings).toMatchObject([{ id: '2-1', level: 'city', status: 'listed' }]);
    const signed = await duban('hazards', 'sign', CAMPAIGN, '2', '--unit', 'leicheng', '--signer', '雷城街道 陈');
    expect(signed.stdout).toContain('雷城街道签收限期整改指令书（签收人 雷城街道 陈）');
    expect((await duban('hazards', 'delist', CAMPAIGN, '2')).stderr).toContain('无权批准摘牌');
    expect((await duban('hazards', 'delist', CAMPAIGN, '2', '--by', 'wang')).stderr).toContain('尚未验收合格销号，不能摘牌');
    // its 限期整改指令书 is the letter due (no worker sends it here), with the listing's own number
    expect((await duban('hazards', 'show', CAMPAIGN, '2')).stdout).toMatch(/ {2}下一份文书：限期整改指令书，\d{4}年\d+月\d+日 \d\d:\d\d，发送给雷城街道、市应急管理局（[^）]*雷安委办督〔2022〕3号/);
    const status = await duban('hazards', 'status', CAMPAIGN, '--listed');
    expect(status.stdout).toMatch(/\s2 {2}待整改 {2}重大【挂牌】/);
  });

  it('exports the ledger and the statistics, and closes a month', async () => {
    const out = join(dir, 'ledger.xlsx');
    expect((await duban('hazards', 'export', CAMPAIGN, '--out', out)).stdout).toContain('已导出 30 处隐患');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets[0].getRow(4).getCell(14).value).toBe('已销号');
    const stats = join(dir, 'stats.xlsx');
    const closed = await duban('hazards', 'stats', CAMPAIGN, '--period', '2022-09', '--close', '--out', stats, '--json');
    const figures = JSON.parse(closed.stdout);
    expect(figures.total).toMatchObject({ found: 22, rectified: 1 });
    expect(figures.closed).toMatchObject({ by: 'li' });
    const sheet = new ExcelJS.Workbook();
    await sheet.xlsx.load(readFileSync(stats) as unknown as ExcelJS.Buffer);
    expect(sheet.worksheets.map((w) => w.name)).toEqual(['按属地', '按行业主管部门']);
    const total = sheet.worksheets[0].getRow(sheet.worksheets[0].rowCount);
    expect([total.getCell(1).value, total.getCell(2).value, total.getCell(3).value]).toEqual(['合计', 22, 1]);
    const twice = await duban('hazards', 'stats', CAMPAIGN, '--period', '2022-09', '--close');
    expect(twice.stderr).toContain('2022年9月已于');
    const human = await duban('hazards', 'stats', CAMPAIGN, '--period', '2022Q3');
    expect(human.stdout).toContain('2022年第三季度');
    // every hazard not yet 销号 (or still 挂牌) has its chase woken again: 30 less #1, 销号
    const wake = await duban('hazards', 'wake', CAMPAIGN, '--json');
    expect(JSON.parse(wake.stdout)).toMatchObject({ hazards: 29, woken: 29 });
    expect((await env.client.workflow.getHandle(hazardWorkflowId(CAMPAIGN, '30')).describe()).type).toBe('hazardWorkflow');
    // woken means started (#1's changes, up to its 销号, each started or woke its chase itself): none left to the starter
    expect(await db.hazard.count({ where: { chaseStartedAt: null } })).toBe(0);
  });
});
