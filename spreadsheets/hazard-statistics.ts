// The hazard statistics as .xlsx: one sheet by 属地, one by 行业主管部门, each unit a row and a 合计 row, the rates
// as percentages. What the office sends up as its monthly or quarterly 隐患排查治理情况统计表.
import ExcelJS from 'exceljs';
import type { HazardFigures } from '../domain/hazards';
import { xmlSafe } from './cells';


export interface StatisticsSheetInput {
  title: string;
  officeName: string;
  periodLabel: string;
  asOf: string;
  closed: { at: string; by: string } | null;
  byTown: (HazardFigures & { unitName: string })[];
  byDepartment: (HazardFigures & { unitName: string })[];
  total: HazardFigures;
}

/** The columns after the unit's name, with the figure each shows. */
export const STATISTICS_COLUMNS: [string, keyof HazardFigures][] = [
  ['排查发现隐患（处）', 'found'],
  ['已整改（处）', 'rectified'],
  ['未整改（处）', 'notRectified'],
  ['超过整改时限（处）', 'overdue'],
  ['整改率', 'rectificationRate'],
  ['应按期整改（处）', 'due'],
  ['按期整改（处）', 'onTime'],
  ['按期整改率', 'onTimeRate'],
  ['重大隐患（处）', 'major'],
  ['重大隐患已销号（处）', 'majorClosed'],
  ['重大隐患销号率', 'majorClosureRate'],
  ['挂牌督办（处）', 'listed'],
  ['挂牌中（处）', 'listedNow'],
];

/** 85.71% ; — when there is nothing to divide by. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(2).replace(/\.?0+$/, '')}%`;
}

const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = { name: '宋体', size: 11 };

export async function exportStatisticsWorkbook(input: StatisticsSheetInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = xmlSafe(input.officeName);
  const sheet = (name: string, first: string, rows: (HazardFigures & { unitName: string })[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 3 }], pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
    const width = STATISTICS_COLUMNS.length + 1;
    ws.addRow([xmlSafe(`${input.title}隐患排查治理情况统计表（${name}）`)]);
    ws.mergeCells(1, 1, 1, width);
    ws.getCell(1, 1).style = { font: { ...FONT, size: 16, bold: true }, alignment: { horizontal: 'center' } };
    const note = input.closed ? `已关账（${input.closed.at}，${input.closed.by}）` : `截至 ${input.asOf}`;
    ws.addRow([xmlSafe(`统计期间：${input.periodLabel}　${note}　${input.officeName}`)]);
    ws.mergeCells(2, 1, 2, width);
    ws.getCell(2, 1).style = { font: { ...FONT, size: 10 }, alignment: { horizontal: 'right' } };
    const header = ws.addRow([first, ...STATISTICS_COLUMNS.map(([h]) => h)]);
    header.eachCell((c) => {
      c.style = { font: { ...FONT, bold: true }, border: BORDER, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true }, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } } };
    });
    header.height = 36;
    const write = (label: string, f: HazardFigures, bold = false) => {
      const r = ws.addRow([xmlSafe(label), ...STATISTICS_COLUMNS.map(([, k]) => (k.endsWith('Rate') ? percent(f[k] as number | null) : f[k]))]);
      r.eachCell((c, i) => (c.style = { font: { ...FONT, bold }, border: BORDER, alignment: { horizontal: i === 1 ? 'left' : 'center' } }));
    };
    for (const r of rows) write(r.unitName, r);
    write('合计', input.total, true);
    ws.columns.forEach((c, i) => (c.width = i === 0 ? 28 : 12));
  };
  sheet('按属地', '属地', input.byTown);
  sheet('按行业主管部门', '行业主管部门', input.byDepartment);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
