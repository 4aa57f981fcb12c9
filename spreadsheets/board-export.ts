// The 报送情况台账: the board of every unit × deliverable as the Excel sheet an office circulates.
// Dates are written as text (YYYY-MM-DD) so that WPS and Excel show them the same way.
import ExcelJS from 'exceljs';
import type { UnitType } from '../domain/definition';

export type BoardEscalation = 'none' | 'urge' | 'notice' | 'circulate' | 'interview';

export interface BoardExportRow {
  unitName: string;
  unitType: UnitType;
  deliverableName: string;
  /** YYYY-MM-DD */
  due: string;
  /** Display text, e.g. 2022-10-12 16:30; null when not submitted. */
  submittedAt: string | null;
  lateWorkingDays: number | null;
  escalation: BoardEscalation;
  /** Chinese display text, given by the caller (已报送、逾期未报 …). */
  status: string;
}

export interface BoardExportInput {
  campaignTitle: string;
  officeName: string;
  /** Display text, e.g. 2026年11月24日 10:00 */
  generatedAt: string;
  rows: BoardExportRow[];
}

export const BOARD_SHEET_NAME = '报送情况台账';
export const BOARD_COLUMNS = ['序号', '单位', '单位类型', '报送事项', '截止时间', '报送时间', '逾期工作日', '督办等级', '状态'] as const;

export const UNIT_TYPE_LABELS: Record<UnitType, string> = {
  town: '镇（街道）',
  lead_department: '牵头部门',
  department: '有关部门',
};

export const ESCALATION_LABELS: Record<BoardEscalation, string> = {
  none: '无',
  urge: '催办',
  notice: '督办',
  circulate: '通报',
  interview: '约谈',
};

/** The sheet row of the column headers; data starts on the next row. */
export const BOARD_HEADER_ROW = 3;

const WIDTHS = [7, 30, 12, 40, 13, 20, 11, 10, 16];
/** Columns (1-based) written as text: 截止时间, 报送时间. */
const TEXT_COLUMNS = [5, 6];
const CENTERED_COLUMNS = [1, 3, 5, 6, 7, 8, 9];

const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = { name: '宋体', size: 11 };

/** Characters XML 1.0 cannot carry; a stray one would make the file unreadable. */
const XML_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const text = (s: string) => s.replace(XML_UNSAFE, '');

function lastColumnLetter(): string {
  return String.fromCharCode('A'.charCodeAt(0) + BOARD_COLUMNS.length - 1);
}

/** The workbook (.xlsx) of the 报送情况台账. 5,000 rows take about a second. */
export async function exportBoardWorkbook(input: BoardExportInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = text(input.officeName);
  wb.created = new Date();
  const last = lastColumnLetter();
  const ws = wb.addWorksheet(BOARD_SHEET_NAME, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: BOARD_HEADER_ROW }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${BOARD_HEADER_ROW}:${BOARD_HEADER_ROW}`,
      horizontalCentered: true,
    },
  });

  ws.columns = WIDTHS.map((width, i) => ({
    width,
    style: {
      font: FONT,
      alignment: { vertical: 'middle', horizontal: CENTERED_COLUMNS.includes(i + 1) ? 'center' : 'left', wrapText: i === 1 || i === 3 },
      ...(TEXT_COLUMNS.includes(i + 1) ? { numFmt: '@' } : {}),
    },
  }));

  const title = ws.getRow(1);
  title.getCell(1).value = text(`${input.campaignTitle}报送情况台账`);
  title.getCell(1).font = { ...FONT, size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  title.height = 30;
  ws.mergeCells(`A1:${last}1`);

  const subtitle = ws.getRow(2);
  subtitle.getCell(1).value = text(`${input.officeName}　　生成时间：${input.generatedAt}`);
  subtitle.getCell(1).font = { ...FONT, size: 10 };
  subtitle.getCell(1).alignment = { horizontal: 'right', vertical: 'middle' };
  subtitle.height = 20;
  ws.mergeCells(`A2:${last}2`);

  const header = ws.getRow(BOARD_HEADER_ROW);
  header.values = [...BOARD_COLUMNS];
  header.height = 22;
  header.eachCell((cell) => {
    cell.font = { ...FONT, bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = BORDER;
    cell.numFmt = 'General';
  });

  input.rows.forEach((r, i) => {
    const row = ws.getRow(BOARD_HEADER_ROW + 1 + i);
    row.values = [
      i + 1,
      text(r.unitName),
      UNIT_TYPE_LABELS[r.unitType] ?? text(String(r.unitType)),
      text(r.deliverableName),
      text(r.due),
      r.submittedAt === null ? null : text(r.submittedAt),
      r.lateWorkingDays ?? null,
      ESCALATION_LABELS[r.escalation] ?? text(String(r.escalation)),
      text(r.status),
    ];
    for (let c = 1; c <= BOARD_COLUMNS.length; c++) row.getCell(c).border = BORDER;
  });

  const lastRow = BOARD_HEADER_ROW + input.rows.length;
  ws.autoFilter = { from: { row: BOARD_HEADER_ROW, column: 1 }, to: { row: lastRow, column: BOARD_COLUMNS.length } };

  return Buffer.from(await wb.xlsx.writeBuffer());
}
