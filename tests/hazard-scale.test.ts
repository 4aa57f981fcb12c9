// A county's ledger of 20,000 hazards on both databases: imported in one go (and again, adding nothing), a filtered
// page of the console, the statistics and the export, each against counts made from the generated rows. How long
// each takes is measured by `npm run bench -- hazards N`, not asserted here.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCampaign } from '../domain/compile';
import { parseInstant } from '../domain/zoned-time';
import { readDefinitionFile } from '../operations/definition-file';
import { type HazardDeps, exportHazards, hazardList, hazardStatistics, importHazards } from '../operations/hazards';
import { storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { migrateDatabase } from '../store/migrate';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';

const CAMPAIGN = 'leizhou-2022-assessment';
const N = 20_000;
const TOWNS = [['wushi', '乌石镇'], ['leicheng', '雷城街道'], ['xincheng', '新城街道'], ['xihu', '西湖街道'], ['fucheng', '附城镇'], ['baisha', '白沙镇'], ['kelu', '客路镇'], ['yangjia', '杨家镇']];
const DEPARTMENTS = [['yingji', '市应急管理局'], ['jiaoyu', '市教育局'], ['zhujian', '市住房和城乡建设局'], ['jiaotong', '市交通运输局']];
const rows = Array.from({ length: N }, (_, k) => {
  const i = k + 1;
  return { i, town: TOWNS[i % 8], dept: DEPARTMENTS[i % 4], major: i % 10 === 0, deadline: `2022-10-${String(1 + (i % 28)).padStart(2, '0')}` };
});

describe.each(TEST_DATABASES)('20,000 hazards on %s', (kind) => {
  let database: TestDatabase;
  let db: Db;
  let bytes: Buffer;
  // Thursday 2022-10-20, a working day: a hazard is overdue when its 时限 is before it.
  const deps = (): HazardDeps => ({ db, now: () => parseInstant('2022-10-20T10:00:00+08:00', 'Asia/Shanghai')! });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    const { def, yamlText } = readDefinitionFile(`examples/${CAMPAIGN}.yaml`);
    await storeCampaign(db, { compiled: compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', 'Asia/Shanghai')!), yamlText, sourceFile: 'x', actor: 't', clockOffsetMs: 0 });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    ws.addRow(['序号', '企业或场所', '属地', '行业主管部门', '隐患描述', '隐患等级', '判定依据', '发现日期', '来源', '整改措施', '责任人', '整改资金（万元）', '整改时限']);
    for (const r of rows) ws.addRow([r.i, `企业${r.i}`, r.town[1], r.dept[1], `隐患${r.i}`, r.major ? '重大' : '一般', r.major ? '判定标准第三条' : '', '2022-09-01', '检查', '整改', '甲', 0, r.deadline]);
    bytes = Buffer.from(await wb.xlsx.writeBuffer());
  }, 120_000);
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('imports them at once, and the same file again adds nothing', async () => {
    const first = await importHazards(deps(), { campaignId: CAMPAIGN, bytes, fileName: 'big.xlsx', actor: 't' });
    expect(first.created).toHaveLength(N);
    const again = await importHazards(deps(), { campaignId: CAMPAIGN, bytes, fileName: 'big.xlsx', actor: 't' });
    expect([again.created.length, again.unchanged.length]).toEqual([0, N]);
    expect(await db.hazard.count()).toBe(N);
  }, 180_000);

  it('pages the console’s filters, counting as the rows say', async () => {
    const expected = rows.filter((r) => r.town[0] === 'wushi' && r.major && r.deadline < '2022-10-20').map((r) => r.i);
    const page = await hazardList(deps(), { campaignId: CAMPAIGN, filters: { townId: 'wushi', level: 'major', overdue: true }, page: 2, pageSize: 50 });
    expect(page.total).toBe(expected.length);
    expect(page.items.map((h) => h.serial)).toEqual(expected.slice(50, 100));
    const overdue = await hazardList(deps(), { campaignId: CAMPAIGN, filters: { overdue: true }, page: 100, pageSize: 50 });
    expect(overdue.total).toBe(rows.filter((r) => r.deadline < '2022-10-20').length);
  });

  it('counts the statistics and exports every row', async () => {
    const stats = await hazardStatistics(deps(), { campaignId: CAMPAIGN });
    expect(stats.total).toMatchObject({ found: N, rectified: 0, major: N / 10, overdue: rows.filter((r) => r.deadline < '2022-10-20').length });
    expect(stats.byTown.find((t) => t.unitId === 'kelu')!.found).toBe(rows.filter((r) => r.town[0] === 'kelu').length);
    const out = await exportHazards(deps(), { campaignId: CAMPAIGN });
    expect(out.rows).toBe(N);
  }, 60_000);
});
