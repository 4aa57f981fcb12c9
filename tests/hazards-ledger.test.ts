// The 隐患整改台账 in Excel both ways: a ledger as offices keep it (a title above the header, dates as Excel dates or
// text, units by name or id) read; the export read back and imported again, equal; a bad file refused with every
// problem by row and column; 20,000 rows imported, timed next to exceljs alone reading the same file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { WorkCalendar } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import {
  DEFAULT_HAZARD_POLICY,
  type HazardContext,
  type HazardEvent,
  type HazardState,
  applyHazardEvent,
  checkHazardEvent,
  newHazardState,
  newListing,
} from '../domain/hazards';
import { stateCouncilDays } from '../domain/state-council-calendar';
import { parseInstant } from '../domain/zoned-time';
import type { SheetProblem } from '../spreadsheets/cells';
import {
  HAZARD_EXPORT_COLUMNS,
  HAZARD_HEADER_ROW,
  HAZARD_LEDGER_COLUMNS,
  type HazardExportRow,
  type HazardRow,
  HazardSheetError,
  type LedgerUnit,
  exportHazardWorkbook,
  hazardExportRow,
  parseHazardWorkbook,
} from '../spreadsheets/hazards-ledger';

const UNITS: LedgerUnit[] = [
  { id: 'wushi', name: '乌石镇', type: 'town' },
  { id: 'leicheng', name: '雷城街道', type: 'town' },
  { id: 'yingji', name: '市应急管理局', type: 'lead_department' },
  { id: 'zhujian', name: '市住房和城乡建设局', type: 'lead_department' },
  { id: 'jiaoyu', name: '市教育局', type: 'department' },
];
const unitName = (id: string) => UNITS.find((u) => u.id === id)!.name;

type Cell = ExcelJS.CellValue;

/** A workbook whose first sheet has `above` rows (a title), then `header`, then `rows`. */
async function workbook(header: string[], rows: Cell[][], above: Cell[][] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('隐患台账');
  for (const r of above) ws.addRow(r);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}

const COLUMNS = [...HAZARD_LEDGER_COLUMNS];
const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A ledger as an office keeps it: a title row, dates every which way, units by name or id. */
const OFFICE_ROWS: Cell[][] = [
  [1, '雷州市某某五金加工厂', '乌石镇', '市应急管理局', '车间安全出口被杂物堵塞', '一般', '', d('2022-09-01'), '检查', '清理杂物', '张三', 0.5, d('2022-09-30')],
  [2, '雷州市某某化工有限公司', 'leicheng', 'yingji', '储罐区未设置紧急切断装置', '重大隐患', '化工重大隐患判定标准第十条', '2022/9/2', '督导检查', '加装紧急切断装置', '李四', '45万元', '2022年10月12日'],
  [3, '某某中学', '雷城街道', '市教育局', '学生宿舍电线私拉乱接', '一般隐患', null, '2022-09-03', '举报', '重新布线', '王五', null, 20221015],
  [4, ' 某某建筑工地 ', '乌石镇', '市住房和城乡建设局', '脚手架连墙件缺失', '重大', '建筑施工重大隐患判定标准第三条', { formula: 'DATE(2022,9,5)', result: d('2022-09-05') } as Cell, '自查', '补设连墙件', '赵六', 3, 44849],
];
const OFFICE_EXPECTED: Omit<HazardRow, 'row'>[] = [
  { serial: '1', site: '雷州市某某五金加工厂', townId: 'wushi', departmentId: 'yingji', description: '车间安全出口被杂物堵塞', level: 'general', basis: '', foundOn: '2022-09-01', source: 'inspection', measures: '清理杂物', responsible: '张三', fundsWan: 0.5, deadline: '2022-09-30' },
  { serial: '2', site: '雷州市某某化工有限公司', townId: 'leicheng', departmentId: 'yingji', description: '储罐区未设置紧急切断装置', level: 'major', basis: '化工重大隐患判定标准第十条', foundOn: '2022-09-02', source: 'inspection', measures: '加装紧急切断装置', responsible: '李四', fundsWan: 45, deadline: '2022-10-12' },
  { serial: '3', site: '某某中学', townId: 'leicheng', departmentId: 'jiaoyu', description: '学生宿舍电线私拉乱接', level: 'general', basis: '', foundOn: '2022-09-03', source: 'report', measures: '重新布线', responsible: '王五', fundsWan: 0, deadline: '2022-10-15' },
  { serial: '4', site: '某某建筑工地', townId: 'wushi', departmentId: 'zhujian', description: '脚手架连墙件缺失', level: 'major', basis: '建筑施工重大隐患判定标准第三条', foundOn: '2022-09-05', source: 'self_check', measures: '补设连墙件', responsible: '赵六', fundsWan: 3, deadline: '2022-10-15' },
];

const exportRow = (r: Omit<HazardRow, 'row' | 'serial'>, standing: Partial<HazardExportRow> = {}): HazardExportRow => ({
  site: r.site,
  townName: unitName(r.townId),
  departmentName: unitName(r.departmentId),
  description: r.description,
  level: r.level,
  basis: r.basis,
  foundOn: r.foundOn,
  source: r.source,
  measures: r.measures,
  responsible: r.responsible,
  fundsWan: r.fundsWan,
  deadline: r.deadline,
  status: 'pending',
  rectification: '',
  acceptor: null,
  acceptedOn: null,
  overdueWorkingDays: 0,
  listing: null,
  ...standing,
});

const withoutRow = (rows: HazardRow[]) => rows.map(({ row: _row, ...rest }) => rest);

describe('parseHazardWorkbook', () => {
  it('reads a ledger as offices keep it: title above the header, units by name or id, dates and words every which way', async () => {
    const bytes = await workbook(COLUMNS, OFFICE_ROWS, [['雷州市2022年隐患整改台账']]);
    const rows = await parseHazardWorkbook(bytes, '台账.xlsx', UNITS);
    expect(rows.map((r) => r.row)).toEqual([3, 4, 5, 6]);
    expect(withoutRow(rows)).toEqual(OFFICE_EXPECTED);
  });

  it('accepts other spellings of the headers, any column order, skips empty and pre-numbered rows', async () => {
    const header = ['编号', '整改时限', '企业名称', '所属镇街', '主管部门', '存在问题', '等级', '依据', '排查日期', '隐患来源', '治理措施', '整改责任人', '整改资金'];
    const bytes = await workbook(header, [[7, '2022-10-10', '某厂', '乌石镇', '市应急管理局', '灭火器过期', '一般', '', '2022-09-09', '企业自查', '更换', '陈七', 0.1], [], [8]]);
    const [row] = await parseHazardWorkbook(bytes, 't.xlsx', UNITS);
    expect(row).toMatchObject({ row: 2, serial: '7', site: '某厂', townId: 'wushi', description: '灭火器过期', source: 'self_check', deadline: '2022-10-10', fundsWan: 0.1 });
  });

  it('refuses a file with any bad row, listing every problem by row and column, and imports nothing', async () => {
    const good = OFFICE_ROWS[0];
    const bad: Cell[][] = [
      good,
      [2, '某厂', '某某镇', '市应急管理局', '问题', '一般', '', '2022-02-30', '检查', '措施', '甲', 1, '2022-10-01'],
      [3, '某厂', '市教育局', '乌石镇', '问题', '重大', '', '2022-09-10', '检查', '措施', '乙', 1, '2022-09-09'],
      [4, '某厂', '乌石镇', '市安监局', '问题', '较大', '', '2022-09-10', '巡查', '措施', '丙', -2, '下月底'],
      [5, '', '乌石镇', '市应急管理局', '', '一般', '', '', '检查', '', '', '两万', ''],
    ];
    const e = await parseHazardWorkbook(await workbook(COLUMNS, bad), '坏台账.xlsx', UNITS).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HazardSheetError);
    expect(e).toBeInstanceOf(DubanError);
    const err = e as HazardSheetError;
    expect(err.code).toBe('INVALID_DEFINITION');
    expect(err.problems).toEqual<SheetProblem[]>([
      { row: 3, column: 'C', header: '属地', message: '“某某镇” 不是本次行动的镇（街道）（应填属地的名称或编号）' },
      { row: 3, column: 'H', header: '发现日期', message: '“2022-02-30” 不是有效的日期（没有这一天）' },
      { row: 4, column: 'C', header: '属地', message: '“市教育局” 是有关部门，属地应为镇（街道）' },
      { row: 4, column: 'D', header: '行业主管部门', message: '“乌石镇” 是镇（街道），行业主管部门应为部门或牵头部门' },
      { row: 4, column: 'G', header: '判定依据', message: '重大隐患须写明判定依据（符合的重大事故隐患判定标准条款）' },
      { row: 4, column: 'M', header: '整改时限', message: '整改时限 2022-09-09 早于发现日期 2022-09-10' },
      { row: 5, column: 'D', header: '行业主管部门', message: '“市安监局” 不是本次行动的部门（应填行业主管部门的名称或编号）' },
      { row: 5, column: 'F', header: '隐患等级', message: '“较大” 不是有效的隐患等级（应为 一般 或 重大）' },
      { row: 5, column: 'I', header: '来源', message: '“巡查” 不是有效的来源（应为 自查、检查、举报 或 督办）' },
      { row: 5, column: 'L', header: '整改资金（万元）', message: '整改资金应为不小于 0 的数（万元），实际为“-2”' },
      { row: 5, column: 'M', header: '整改时限', message: '“下月底” 不是日期（应写作 2022-10-12、2022/10/12 或 2022年10月12日）' },
      { row: 6, column: 'B', header: '企业或场所', message: '必填，不能为空' },
      { row: 6, column: 'E', header: '隐患描述', message: '必填，不能为空' },
      { row: 6, column: 'H', header: '发现日期', message: '必填，不能为空' },
      { row: 6, column: 'J', header: '整改措施', message: '必填，不能为空' },
      { row: 6, column: 'K', header: '责任人', message: '必填，不能为空' },
      { row: 6, column: 'L', header: '整改资金（万元）', message: '“两万” 不是数（单位：万元）' },
      { row: 6, column: 'M', header: '整改时限', message: '必填，不能为空' },
    ]);
    expect(err.message.split('\n').slice(0, 3)).toEqual([
      '坏台账.xlsx 有 18 个问题，未导入任何隐患：',
      '第3行 C列（属地）：“某某镇” 不是本次行动的镇（街道）（应填属地的名称或编号）',
      '第3行 H列（发现日期）：“2022-02-30” 不是有效的日期（没有这一天）',
    ]);
    expect(err.details).toHaveLength(18);
  });

  it('refuses a header without its columns, a 重大 hazard in a sheet without 判定依据, an empty sheet, an .xls file and a non-workbook', async () => {
    const problems = async (bytes: Buffer) => ((await parseHazardWorkbook(bytes, 'x.xlsx', UNITS).catch((e: unknown) => e)) as HazardSheetError).problems;
    expect(await problems(await workbook(['序号', '企业或场所', '属地', '隐患描述', '隐患描述'], [[1, 'a', '乌石镇', 'b', 'c']]))).toEqual([
      { row: 1, column: '', header: '', message: '表头缺少“行业主管部门”列' },
      { row: 1, column: '', header: '', message: '表头缺少“隐患等级”列' },
      { row: 1, column: '', header: '', message: '表头缺少“发现日期”列' },
      { row: 1, column: '', header: '', message: '表头缺少“来源”列' },
      { row: 1, column: '', header: '', message: '表头缺少“整改措施”列' },
      { row: 1, column: '', header: '', message: '表头缺少“责任人”列' },
      { row: 1, column: '', header: '', message: '表头缺少“整改时限”列' },
      { row: 1, column: 'E', header: '隐患描述', message: '与 D列 重复，都是“隐患描述”列' },
    ]);
    const noBasis = COLUMNS.filter((c) => c !== '判定依据');
    const majorRow = [...OFFICE_ROWS[1].slice(0, 6), ...OFFICE_ROWS[1].slice(7)];
    expect(await problems(await workbook(noBasis, [majorRow]))).toEqual([{ row: 2, column: '', header: '', message: '重大隐患须写明判定依据，但表中没有“判定依据”列' }]);
    expect((await problems(await workbook(['a', 'b'], [])))[0].message).toMatch(/^前5行中找不到表头（应有列：企业或场所、属地、行业主管部门/);
    expect(await problems(await workbook(COLUMNS, []))).toEqual([{ row: 1, column: '', header: '', message: '表头下没有任何隐患' }]);
    expect((await problems(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0])))[0].message).toContain('旧版 Excel（.xls）');
    expect((await problems(Buffer.from('not a workbook')))[0].message).toContain('不是有效的 Excel 工作簿');
  });
});

describe('exportHazardWorkbook', () => {
  const ZONE = 'Asia/Shanghai';
  const calendar: WorkCalendar = { ...stateCouncilDays(2022, 2023), knownYears: [2022, 2023] };
  const ctx: HazardContext = { policy: DEFAULT_HAZARD_POLICY, calendar, timeZone: ZONE };
  const at = (date: string) => parseInstant(`${date}T10:00:00+08:00`, ZONE)!;
  const act = (s: HazardState, e: HazardEvent, date: string) => {
    checkHazardEvent(ctx, s, e, at(date));
    return applyHazardEvent(ctx, s, e, at(date));
  };
  const file = { sha256: 'a'.repeat(64), name: '照片.jpg' };
  const input = (rows: HazardExportRow[]) => ({ campaignTitle: '雷州市2022年安全生产专项整治', officeName: '雷州市安全生产委员会办公室', generatedAt: '2022年10月24日 10:00', rows });

  it('round trip: imported, exported, read back and imported again, equal', async () => {
    const imported = await parseHazardWorkbook(await workbook(COLUMNS, OFFICE_ROWS, [['台账']]), 'in.xlsx', UNITS);
    const bytes = await exportHazardWorkbook(input(imported.map((r) => exportRow(r))));
    const again = await parseHazardWorkbook(bytes, 'out.xlsx', UNITS);
    expect(withoutRow(again)).toEqual(withoutRow(imported));
    expect(again.map((r) => r.row)).toEqual([4, 5, 6, 7]);
    // and an example for people to open, in a temporary directory
    const dir = mkdtempSync(join(tmpdir(), 'duban-ledger-'));
    writeFileSync(join(dir, 'hazards-ledger-example.xlsx'), bytes);
  });

  it('writes where each hazard stands: 状态, 整改情况 round by round, 验收人, 验收日期, 逾期工作日, 挂牌', async () => {
    const facts = (i: number) => ({ ...OFFICE_EXPECTED[i], id: `h${i}`, campaignId: 'c' });
    const pending = newHazardState(facts(0));
    let major = act(newHazardState(facts(1)), { kind: 'plan', plan: { measures: 'm', responsibility: 'r', fundsWan: 45, deadline: '2022-10-12', contingency: 'p' } }, '2022-09-05');
    major = act(major, { kind: 'start' }, '2022-09-06');
    const listing = newListing(ctx, major, { id: 'l1', level: 'city', documentNumber: '雷安委办督〔2022〕3号' }, at('2022-09-07'));
    major = act(major, { kind: 'report_done', done: '已加装切断阀', files: [file] }, '2022-09-26');
    major = act(major, { kind: 'accept', by: '赵验收', on: '2022-09-28', result: 'fail', opinion: '未接入控制系统', files: [file], newDeadline: '2022-10-20' }, '2022-09-28');
    let closed = act(newHazardState(facts(2)), { kind: 'start' }, '2022-09-05');
    closed = act(closed, { kind: 'report_done', done: '已重新布线', files: [file] }, '2022-10-18');
    closed = act(closed, { kind: 'accept', by: '钱验收', on: '2022-10-19', result: 'pass', files: [file] }, '2022-10-19');
    const cancelled = act(newHazardState(facts(3)), { kind: 'cancel', reason: '重复录入' }, '2022-09-06');
    const today = '2022-10-24';
    const rows = [
      hazardExportRow(ctx, pending, { unitName, today }),
      hazardExportRow(ctx, major, { unitName, today, listing }),
      hazardExportRow(ctx, closed, { unitName, today }),
      hazardExportRow(ctx, cancelled, { unitName, today }),
    ];
    const wb = await readBack(await exportHazardWorkbook(input(rows)));
    const ws = wb.worksheets[0];
    const standing = (r: number) => Array.from({ length: 6 }, (_, i) => ws.getRow(r).getCell(14 + i).value ?? null);
    // 2022-09-30 → 10-24: 10-08, 10-09 (调休), 10-10 … 10-14, 10-17 … 10-21, 10-24 = 13 working days
    expect(standing(4)).toEqual(['待整改', null, null, null, 13, null]);
    expect(standing(5)).toEqual(['整改中', '第1轮：已加装切断阀（验收不合格：未接入控制系统）；第2轮：整改中', '赵验收', '2022-09-28', 2, '市级挂牌 雷安委办督〔2022〕3号']);
    expect(standing(6)).toEqual(['已销号', '已重新布线', '钱验收', '2022-10-19', 2, null]);
    expect(standing(7)).toEqual(['已撤销', '已撤销：重复录入', null, null, null, null]);
    expect(ws.getRow(5).getCell(13).value).toBe('2022-10-20'); // the 时限 of 重新整改
  });

  it('formats it for circulation: title, subtitle, frozen filtered header, borders, dates as text', async () => {
    const wb = await readBack(await exportHazardWorkbook(input(OFFICE_EXPECTED.map((r) => exportRow(r)))));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['隐患整改台账']);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A1').value).toBe('雷州市2022年安全生产专项整治隐患整改台账');
    expect(ws.getCell('S1').master.address).toBe('A1');
    expect(String(ws.getCell('A2').value)).toContain('雷州市安全生产委员会办公室　　生成时间：2022年10月24日 10:00');
    expect(HAZARD_EXPORT_COLUMNS).toEqual([
      '序号', '企业或场所', '属地', '行业主管部门', '隐患描述', '隐患等级', '判定依据', '发现日期', '来源', '整改措施', '责任人', '整改资金（万元）', '整改时限',
      '状态', '整改情况', '验收人', '验收日期', '逾期工作日', '挂牌',
    ]);
    expect(Array.from({ length: 19 }, (_, i) => ws.getRow(HAZARD_HEADER_ROW).getCell(i + 1).value)).toEqual(HAZARD_EXPORT_COLUMNS);
    expect(ws.getRow(4).values).toEqual([
      undefined, 1, '雷州市某某五金加工厂', '乌石镇', '市应急管理局', '车间安全出口被杂物堵塞', '一般', undefined, '2022-09-01', '检查', '清理杂物', '张三', 0.5, '2022-09-30', '待整改', undefined, undefined, undefined, 0,
    ]);
    const h = ws.getCell('B3');
    expect(h.font.bold).toBe(true);
    expect(h.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getCell('H4').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('H4').numFmt).toBe('@');
    expect(ws.getCell('S7').border?.right?.style).toBe('thin');
    expect(ws.getCell('E4').alignment?.wrapText).toBe(true);
    expect(ws.getColumn(5).width).toBeGreaterThanOrEqual(30);
    expect(ws.rowCount).toBe(7);
  });
});

describe('20,000 hazards', () => {
  it('imports and exports every row; import time next to exceljs alone reading the file', async () => {
    const N = 20_000;
    const levels = ['一般', '一般', '一般', '重大'];
    const rows: Cell[][] = Array.from({ length: N }, (_, i) => [
      i + 1,
      `雷州市第${i + 1}号企业`,
      UNITS[i % 2].name,
      UNITS[2 + (i % 3)].name,
      `第${i + 1}处隐患：疏散通道堵塞、消防设施损坏`,
      levels[i % 4],
      i % 4 === 3 ? '重大事故隐患判定标准第三条' : '',
      d('2022-09-01'),
      ['自查', '检查', '举报', '督办'][i % 4],
      '清理通道，更换消防设施',
      `责任人${i % 500}`,
      (i % 100) / 10,
      `2022-10-${String(10 + (i % 20)).padStart(2, '0')}`,
    ]);
    const bytes = await workbook(COLUMNS, rows, [['雷州市2022年隐患整改台账']]);

    let t = performance.now();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const exceljsMs = performance.now() - t;

    t = performance.now();
    const imported = await parseHazardWorkbook(bytes, 'big.xlsx', UNITS);
    const importMs = performance.now() - t;
    expect(imported).toHaveLength(N);
    expect(imported[N - 1]).toMatchObject({ serial: String(N), level: 'major', deadline: '2022-10-29' });

    t = performance.now();
    const out = await exportHazardWorkbook({ campaignTitle: '雷州', officeName: '安委办', generatedAt: '2022年10月24日', rows: imported.map((r) => exportRow(r)) });
    const exportMs = performance.now() - t;
    const back = await readBack(out);
    expect(back.worksheets[0].rowCount).toBe(HAZARD_HEADER_ROW + N);

    console.log(
      `hazards ledger, ${N.toLocaleString('en')} rows (${(bytes.length / 1024).toFixed(0)} KB): exceljs alone reads it in ${exceljsMs.toFixed(0)} ms, ` +
        `parseHazardWorkbook in ${importMs.toFixed(0)} ms (${(importMs / exceljsMs).toFixed(2)}×); exportHazardWorkbook in ${exportMs.toFixed(0)} ms, ${(out.length / 1024).toFixed(0)} KB`,
    );
  });
});
