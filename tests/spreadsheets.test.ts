// Excel both ways: the 报送情况台账 read back with exceljs; unit lists built as real workbooks and imported;
// the imported units written into a campaign definition that still parses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseCampaignDefinition, type UnitDef } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { BOARD_COLUMNS, type BoardExportRow, exportBoardWorkbook } from '../spreadsheets/board-export';
import { parseUnitWorkbook, type SheetProblem, UnitSheetError } from '../spreadsheets/units-import';
import { replaceUnits, unitsToYaml } from '../spreadsheets/units-yaml';

async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}

const rowValues = (ws: ExcelJS.Worksheet, r: number) =>
  Array.from({ length: BOARD_COLUMNS.length }, (_, i) => ws.getRow(r).getCell(i + 1).value ?? null);

describe('exportBoardWorkbook', () => {
  const rows: BoardExportRow[] = [
    { unitName: '市住房和城乡建设局', unitType: 'lead_department', deliverableName: '总结评估报告', due: '2022-10-12', submittedAt: '2022-10-11 16:30', lateWorkingDays: 0, escalation: 'none', status: '按时报送' },
    { unitName: '市教育局', unitType: 'department', deliverableName: '总结评估报告', due: '2022-10-11', submittedAt: '2022-10-14 09:10', lateWorkingDays: 3, escalation: 'urge', status: '逾期3个工作日报送' },
    { unitName: '乌石镇', unitType: 'town', deliverableName: '总结评估报告', due: '2022-10-12', submittedAt: null, lateWorkingDays: null, escalation: 'notice', status: '逾期未报' },
    { unitName: '市公安局', unitType: 'department', deliverableName: '工作成果统计表', due: '2022-10-11', submittedAt: null, lateWorkingDays: null, escalation: 'circulate', status: '逾期未报' },
    { unitName: '市民政局', unitType: 'department', deliverableName: '工作成果统计表', due: '2022-10-11', submittedAt: null, lateWorkingDays: null, escalation: 'interview', status: '已约谈' },
  ];
  const input = { campaignTitle: '雷州市安全生产专项整治三年行动总结评估', officeName: '雷州市安全生产委员会办公室', generatedAt: '2022年10月24日 10:00', rows };

  it('writes the title, subtitle, header and one row per input row, in Chinese', async () => {
    const wb = await readBack(await exportBoardWorkbook(input));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['报送情况台账']);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A1').value).toBe('雷州市安全生产专项整治三年行动总结评估报送情况台账');
    expect(ws.getCell('I1').isMerged).toBe(true);
    expect(ws.getCell('I1').master.address).toBe('A1');
    expect(String(ws.getCell('A2').value)).toContain('雷州市安全生产委员会办公室');
    expect(String(ws.getCell('A2').value)).toContain('2022年10月24日 10:00');
    expect(ws.getCell('I2').master.address).toBe('A2');
    expect(rowValues(ws, 3)).toEqual([...BOARD_COLUMNS]);
    expect(BOARD_COLUMNS).toEqual(['序号', '单位', '单位类型', '报送事项', '截止时间', '报送时间', '逾期工作日', '督办等级', '状态']);
    expect(rowValues(ws, 4)).toEqual([1, '市住房和城乡建设局', '牵头部门', '总结评估报告', '2022-10-12', '2022-10-11 16:30', 0, '无', '按时报送']);
    expect(rowValues(ws, 5)).toEqual([2, '市教育局', '有关部门', '总结评估报告', '2022-10-11', '2022-10-14 09:10', 3, '催办', '逾期3个工作日报送']);
    expect(rowValues(ws, 6)).toEqual([3, '乌石镇', '镇（街道）', '总结评估报告', '2022-10-12', null, null, '督办', '逾期未报']);
    expect(rowValues(ws, 7).slice(7)).toEqual(['通报', '逾期未报']);
    expect(rowValues(ws, 8).slice(7)).toEqual(['约谈', '已约谈']);
    expect(ws.rowCount).toBe(8);
  });

  it('formats it for circulation: bold filled frozen header, borders, widths, dates as text', async () => {
    const ws = (await readBack(await exportBoardWorkbook(input))).worksheets[0];
    const h = ws.getCell('B3');
    expect(h.font.bold).toBe(true);
    expect(h.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    expect(h.border.bottom?.style).toBe('thin');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.getCell('E4').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('E4').numFmt).toBe('@');
    expect(ws.getCell('I8').border.right?.style).toBe('thin');
    expect(ws.getCell('F6').border.left?.style).toBe('thin'); // an empty cell of the table still has its borders
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual(20);
    expect(ws.getColumn(4).width).toBeGreaterThanOrEqual(30);
    expect(ws.getColumn(1).width).toBeLessThan(10);
    expect(ws.autoFilter).toBeTruthy();
  });

  it('writes 5,000 rows, every one', async () => {
    const many: BoardExportRow[] = Array.from({ length: 5000 }, (_, i) => ({
      unitName: `第${i + 1}单位`,
      unitType: (['town', 'lead_department', 'department'] as const)[i % 3],
      deliverableName: '三年行动总结评估报告及主要工作成果统计表',
      due: '2022-10-12',
      submittedAt: i % 2 ? '2022-10-13 09:00' : null,
      lateWorkingDays: i % 2 ? 1 : null,
      escalation: (['none', 'urge', 'notice', 'circulate', 'interview'] as const)[i % 5],
      status: i % 2 ? '逾期1个工作日报送' : '逾期未报',
    }));
    const bytes = await exportBoardWorkbook({ ...input, rows: many });
    const ws = (await readBack(bytes)).worksheets[0];
    expect(ws.rowCount).toBe(3 + 5000);
    expect(ws.actualRowCount).toBe(3 + 5000);
    expect(rowValues(ws, 3 + 5000)).toEqual([5000, '第5000单位', '牵头部门', '三年行动总结评估报告及主要工作成果统计表', '2022-10-12', '2022-10-13 09:00', 1, '约谈', '逾期1个工作日报送']);
    expect(rowValues(ws, 4)[2]).toBe('镇（街道）');
  });

  it('drops characters a workbook cannot hold instead of writing a broken file', async () => {
    const bad = { ...rows[0], unitName: '市\u0001教育\u000b局' };
    const ws = (await readBack(await exportBoardWorkbook({ ...input, rows: [bad] }))).worksheets[0];
    expect(ws.getCell('B4').value).toBe('市教育局');
  });

  it('writes an empty board as title and header only', async () => {
    const ws = (await readBack(await exportBoardWorkbook({ ...input, rows: [] }))).worksheets[0];
    expect(ws.rowCount).toBe(3);
    expect(rowValues(ws, 3)).toEqual([...BOARD_COLUMNS]);
  });
});

// ── Unit lists ──────────────────────────────────────────────────────────────────────────────────

type Cell = ExcelJS.CellValue;

/** A real .xlsx with these rows from row 1 (sheet rows = index + 1). */
async function workbook(rows: Cell[][], sheetName = '单位名单'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      if (v !== null && v !== undefined) ws.getRow(i + 1).getCell(j + 1).value = v;
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = ['名称', '类型', '邮箱', '主要负责人', '负责人邮箱', '牵头部门'];

async function refusal(p: Promise<unknown>): Promise<UnitSheetError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UnitSheetError);
    expect(e).toBeInstanceOf(DubanError);
    expect((e as DubanError).code).toBe('INVALID_DEFINITION');
    return e as UnitSheetError;
  }
  throw new Error('expected the sheet to be refused');
}

const GOOD_ROWS: Cell[][] = [
  HEADER,
  ['市应急管理局', '牵头部门', 'yingji@leizhou.example', '王应急', 'yingji.head@leizhou.example', null],
  ['市交通运输局', 'lead_department', 'jiaotong@leizhou.example', '李交通', 'jiaotong.head@leizhou.example', ''],
  ['市教育局', '有关部门', 'jiaoyu@leizhou.example', '赵教育', 'jiaoyu.head@leizhou.example', '市应急管理局'],
  [null, null, null, null, null, null],
  ['市公安局', '部门', 'gongan@leizhou.example', '钱公安', 'gongan.head@leizhou.example', '市交通运输局、市应急管理局'],
  ['乌石镇', '镇', 'wushi@leizhou.example', '孙乌石', 'wushi.head@leizhou.example', null],
  ['雷城街道', '街道', 'wushi@leizhou.example', '周雷城', 'leicheng.head@leizhou.example', null], // a shared mailbox is fine
  ['北和镇', '镇（街道）', 'beihe@leizhou.example', '吴北和', 'beihe.head@leizhou.example', '市应急管理局， 市交通运输局;市应急管理局'],
];

describe('parseUnitWorkbook', () => {
  it('reads a good sheet: types in every spelling, lead departments by name, readable ids in row order, empty rows skipped', async () => {
    const units = await parseUnitWorkbook(await workbook(GOOD_ROWS), '雷州单位.xlsx');
    expect(units).toEqual<UnitDef[]>([
      { id: 'u001', name: '市应急管理局', type: 'lead_department', email: 'yingji@leizhou.example', principal: { name: '王应急', email: 'yingji.head@leizhou.example' }, reportsTo: [] },
      { id: 'u002', name: '市交通运输局', type: 'lead_department', email: 'jiaotong@leizhou.example', principal: { name: '李交通', email: 'jiaotong.head@leizhou.example' }, reportsTo: [] },
      { id: 'u003', name: '市教育局', type: 'department', email: 'jiaoyu@leizhou.example', principal: { name: '赵教育', email: 'jiaoyu.head@leizhou.example' }, reportsTo: ['u001'] },
      { id: 'u004', name: '市公安局', type: 'department', email: 'gongan@leizhou.example', principal: { name: '钱公安', email: 'gongan.head@leizhou.example' }, reportsTo: ['u002', 'u001'] },
      { id: 'u005', name: '乌石镇', type: 'town', email: 'wushi@leizhou.example', principal: { name: '孙乌石', email: 'wushi.head@leizhou.example' }, reportsTo: [] },
      { id: 'u006', name: '雷城街道', type: 'town', email: 'wushi@leizhou.example', principal: { name: '周雷城', email: 'leicheng.head@leizhou.example' }, reportsTo: [] },
      { id: 'u007', name: '北和镇', type: 'town', email: 'beihe@leizhou.example', principal: { name: '吴北和', email: 'beihe.head@leizhou.example' }, reportsTo: ['u001', 'u002'] },
    ]);
  });

  it('takes ids from a 编号 column, columns in any order, lead departments by 编号', async () => {
    const bytes = await workbook([
      ['牵头部门', '负责人邮箱', '编号', '主要负责人', '邮箱', '类型', '名称', '备注'],
      [null, 'yingji.head@leizhou.example', 'yingji', '王应急', 'yingji@leizhou.example', '牵头部门', '市应急管理局', '专项牵头'],
      ['yingji', 'jiaoyu.head@leizhou.example', 'jiaoyu', '赵教育', 'jiaoyu@leizhou.example', 'department', '市教育局', null],
      [null, 'wushi.head@leizhou.example', 101, '孙乌石', 'wushi@leizhou.example', 'town', '乌石镇', null],
    ]);
    const units = await parseUnitWorkbook(bytes, 'x.xlsx');
    expect(units.map((u) => [u.id, u.name, u.type, u.reportsTo])).toEqual([
      ['yingji', '市应急管理局', 'lead_department', []],
      ['jiaoyu', '市教育局', 'department', ['yingji']],
      ['101', '乌石镇', 'town', []],
    ]);
  });

  it('finds the header in row 2, below a merged title', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.getCell('A1').value = '雷州市安委办成员单位名单';
    ws.mergeCells('A1:F1');
    ws.getRow(2).values = ['名称 *', '类型（必填）', ' 邮箱 ', '主要负责人', '负责人邮箱', '牵头部门'];
    ws.getRow(3).values = ['市应急管理局', '牵头部门', 'yingji@leizhou.example', '王应急', 'yingji.head@leizhou.example'];
    ws.getRow(4).values = ['乌石镇', '乡镇', 'wushi@leizhou.example', '孙乌石', 'wushi.head@leizhou.example', '市应急管理局'];
    const units = await parseUnitWorkbook(Buffer.from(await wb.xlsx.writeBuffer()), 'x.xlsx');
    expect(units.map((u) => [u.id, u.name, u.type, u.reportsTo])).toEqual([
      ['u001', '市应急管理局', 'lead_department', []],
      ['u002', '乌石镇', 'town', ['u001']],
    ]);
  });

  it('reads hyperlinked e-mail cells, rich text, numbers and formula results', async () => {
    const bytes = await workbook([
      HEADER,
      [
        { richText: [{ text: '市应急', font: { bold: true } }, { text: '管理局' }] },
        '牵头部门',
        { text: 'yingji@leizhou.example', hyperlink: 'mailto:yingji@leizhou.example' },
        '王应急',
        { text: '王应急', hyperlink: 'mailto:yingji.head@leizhou.example' }, // the link shows the name, the address is in the link
        null,
      ],
      [
        { formula: 'CONCATENATE("乌石","镇")', result: '乌石镇' },
        { formula: 'IF(1=1,"镇","部门")', result: '镇' },
        { text: { richText: [{ text: 'wushi@leizhou.example' }] }, hyperlink: 'mailto:wushi@leizhou.example' } as unknown as Cell,
        12345,
        { formula: 'LOWER("WUSHI.HEAD@LEIZHOU.EXAMPLE")', result: 'wushi.head@leizhou.example' },
        { formula: 'A2', result: '市应急管理局' },
      ],
    ]);
    const units = await parseUnitWorkbook(bytes, 'x.xlsx');
    expect(units).toEqual<UnitDef[]>([
      { id: 'u001', name: '市应急管理局', type: 'lead_department', email: 'yingji@leizhou.example', principal: { name: '王应急', email: 'yingji.head@leizhou.example' }, reportsTo: [] },
      { id: 'u002', name: '乌石镇', type: 'town', email: 'wushi@leizhou.example', principal: { name: '12345', email: 'wushi.head@leizhou.example' }, reportsTo: ['u001'] },
    ]);
  });

  it('reports every problem of every row, by row and column, and returns nothing', async () => {
    const bytes = await workbook([
      ['单位名单'],
      HEADER,
      ['市应急管理局', '牵头部门', 'yingji@leizhou.example', '王应急', 'yingji.head@leizhou.example', null], // row 3: fine
      ['市教育局', '有关部门', 'abc', '赵教育', 'jiaoyu.head@leizhou', '市应急管理局'], // row 4: two bad e-mails
      ['', '部门', 'x@leizhou.example', '', 'y@leizhou.example', null], // row 5: no name, no principal
      ['市公安局', '局', 'gongan@leizhou.example', '钱公安', 'gongan.head@leizhou.example', '市纪委、市应急管理局'], // row 6: bad type, unknown lead
      ['市教育局', '有关部门', 'jiaoyu2@leizhou.example', '赵教育', 'jiaoyu.head@leizhou.example', '市教育局'], // row 7: same name; lead is a department
      ['乌石镇', '镇', 'wushi@leizhou.example', '孙乌石', 'wushi.head@leizhou.example', '乌石镇'], // row 8: lead is a town
    ]);
    const e = await refusal(parseUnitWorkbook(bytes, '单位.xlsx'));
    expect(e.problems).toEqual<SheetProblem[]>([
      { row: 4, column: 'C', header: '邮箱', message: '“abc” 不是有效的邮箱地址' },
      { row: 4, column: 'E', header: '负责人邮箱', message: '“jiaoyu.head@leizhou” 不是有效的邮箱地址' },
      { row: 5, column: 'A', header: '名称', message: '必填，不能为空' },
      { row: 5, column: 'D', header: '主要负责人', message: '必填，不能为空' },
      { row: 6, column: 'B', header: '类型', message: '“局” 不是有效的单位类型（应为 镇（街道）、牵头部门 或 有关部门）' },
      { row: 6, column: 'F', header: '牵头部门', message: '“市纪委” 不是本表中的单位（应填牵头部门的名称）' },
      { row: 7, column: 'A', header: '名称', message: '“市教育局” 与第4行重名' },
      { row: 7, column: 'F', header: '牵头部门', message: '“市教育局” 是有关部门（第4行），不是牵头部门' },
      { row: 8, column: 'F', header: '牵头部门', message: '“乌石镇” 是镇（街道）（第8行），不是牵头部门' },
    ]);
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('单位.xlsx 有 9 个问题，未导入任何单位：');
    expect(lines).toContain('第4行 C列（邮箱）：“abc” 不是有效的邮箱地址');
    expect(lines).toContain('第8行 F列（牵头部门）：“乌石镇” 是镇（街道）（第8行），不是牵头部门');
    expect(lines).toHaveLength(10);
    expect(e.details).toEqual(lines.slice(1));
  });

  it('refuses a 牵头部门 that is not a lead department', async () => {
    const bytes = await workbook([
      HEADER,
      ['市教育局', '有关部门', 'jiaoyu@leizhou.example', '赵教育', 'jiaoyu.head@leizhou.example', null],
      ['市公安局', '有关部门', 'gongan@leizhou.example', '钱公安', 'gongan.head@leizhou.example', '市教育局'],
    ]);
    const e = await refusal(parseUnitWorkbook(bytes, 'x.xlsx'));
    expect(e.problems).toEqual([{ row: 3, column: 'F', header: '牵头部门', message: '“市教育局” 是有关部门（第2行），不是牵头部门' }]);
  });

  it('refuses duplicate 编号 and a bad one', async () => {
    const bytes = await workbook([
      ['编号', ...HEADER],
      ['yingji', '市应急管理局', '牵头部门', 'yingji@leizhou.example', '王应急', 'yingji.head@leizhou.example'],
      ['yingji', '市应急管理局二', '牵头部门', 'y2@leizhou.example', '王二', 'y2.head@leizhou.example'],
      ['教育 局', '市教育局', '有关部门', 'jiaoyu@leizhou.example', '赵教育', 'jiaoyu.head@leizhou.example'],
    ]);
    const e = await refusal(parseUnitWorkbook(bytes, 'x.xlsx'));
    expect(e.problems.map((p) => [p.row, p.column, p.message])).toEqual([
      [3, 'A', '编号“yingji” 与第2行重复'],
      [4, 'A', '“教育 局” 不是有效的编号（只能用字母、数字和 _ . -，以字母或数字开头）'],
    ]);
  });

  it('refuses a sheet missing header columns, naming each', async () => {
    const bytes = await workbook([
      ['名称', '类型', '邮箱'],
      ['市教育局', '有关部门', 'jiaoyu@leizhou.example'],
    ]);
    const e = await refusal(parseUnitWorkbook(bytes, 'x.xlsx'));
    expect(e.problems.map((p) => p.message)).toEqual(['表头缺少“主要负责人”列', '表头缺少“负责人邮箱”列']);
    expect(e.problems.every((p) => p.row === 1)).toBe(true);
  });

  it('refuses an empty sheet, a sheet without a header, a header without units, and bytes that are no workbook', async () => {
    expect((await refusal(parseUnitWorkbook(await workbook([]), 'empty.xlsx'))).message).toContain('是空的');
    expect((await refusal(parseUnitWorkbook(await workbook([['a', 'b'], ['c', 'd']]), 'x.xlsx'))).problems[0].message).toContain('找不到表头');
    expect((await refusal(parseUnitWorkbook(await workbook([HEADER, [], [null, '']]), 'x.xlsx'))).problems).toEqual([
      { row: 1, column: '', header: '', message: '表头下没有任何单位' },
    ]);
    expect((await refusal(parseUnitWorkbook(Buffer.from('not a workbook'), 'x.xlsx'))).message).toContain('不是有效的 Excel 工作簿');
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect((await refusal(parseUnitWorkbook(new Uint8Array(ole), 'old.xls'))).message).toContain('另存为 .xlsx');
  });
});

// ── Units into a campaign definition ─────────────────────────────────────────────────────────

const LEIZHOU = join(import.meta.dirname, '..', 'examples', 'leizhou-2022-assessment.yaml');

describe('units as YAML', () => {
  it('renders a units: section that parses back to the same units, quoting what needs quoting', () => {
    const units: UnitDef[] = [
      { id: 'lead-1', name: 'yes', type: 'lead_department', email: 'a@b.example', principal: { name: '123', email: 'p@b.example' }, reportsTo: [] },
      { id: 'u2', name: '#1: 市教育局 - "二"', type: 'department', email: 'c@b.example', principal: { name: "O'Brien", email: 'q@b.example' }, reportsTo: ['lead-1'] },
    ];
    const yaml = unitsToYaml(units);
    expect(yaml.startsWith('units:\n  - id: lead-1\n')).toBe(true);
    expect(yaml).toContain('reportsTo: [lead-1]');
    const campaign = `campaign:\n  id: c\n  title: t\n  office: { name: o, email: o@b.example }\n${yaml}stages:\n  - { id: s, name: s, start: 2026-01-05, end: 2026-01-09 }\ndeliverables:\n  - { id: d, name: d, stage: s, owedBy: [department, lead_department] }\n`;
    expect(parseCampaignDefinition(campaign, 'x.yaml').units).toEqual(units);
  });

  it('replaces the units of the 雷州 example, keeping every other byte, and the result parses', async () => {
    const original = readFileSync(LEIZHOU, 'utf8');
    const before = parseCampaignDefinition(original, 'leizhou.yaml');
    const sheetUnits = await parseUnitWorkbook(await workbook(GOOD_ROWS), 'x.xlsx');

    const replaced = replaceUnits(original, sheetUnits);
    const after = parseCampaignDefinition(replaced, 'leizhou.yaml');
    expect(after.units).toEqual(sheetUnits);
    expect({ ...after, units: [] }).toEqual({ ...before, units: [] });
    // everything outside the units section is the original text: the head (with its comments) and the tail
    const head = original.slice(0, original.indexOf('\nunits:\n') + 1);
    const tail = original.slice(original.indexOf('\nstages:\n')); // from the blank line after the units
    expect(head).toContain('# 雷州市安全生产专项整治三年行动总结评估');
    expect(replaced.startsWith(head)).toBe(true);
    expect(replaced.endsWith(tail)).toBe(true);
    expect(replaced).toBe(head + unitsToYaml(sheetUnits) + tail);

    // replacing with the file's own units changes nothing that matters
    expect(parseCampaignDefinition(replaceUnits(original, before.units), 'leizhou.yaml')).toEqual(before);
  });

  it('replaces a flow-style or empty units value, and appends units to a file without any', () => {
    const u: UnitDef[] = [{ id: 'a', name: '甲', type: 'town', email: 'a@x.example', principal: { name: '乙', email: 'b@x.example' }, reportsTo: [] }];
    const section = unitsToYaml(u);
    expect(replaceUnits('# top\ncampaign: {}\nunits: []\nstages: []\n', u)).toBe(`# top\ncampaign: {}\n${section}stages: []\n`);
    expect(replaceUnits('campaign: {}\nunits:\n# later\nstages: []\n', u)).toBe(`campaign: {}\n${section}# later\nstages: []\n`);
    expect(replaceUnits('campaign: {}\n', u)).toBe(`campaign: {}\n\n${section}`);
    expect(() => replaceUnits('campaign: [unclosed\n', u)).toThrow(DubanError);
  });
});
