// What every imported sheet shares: a cell read as the text the operator sees, column letters, the header row
// found by its words among the first rows, a problem named by row and column, and the one refusal that lists
// them all. units-import.ts (单位名单) and hazards-ledger.ts (隐患整改台账) are built on it.
import ExcelJS from 'exceljs';
import { type CivilDate, isCivilDate } from '../domain/calendar';
import { DubanError } from '../domain/errors';

/** One problem in the sheet. `row` is the sheet's row number (0: the workbook as a whole); `column` its letter ('' for the row). */
export interface SheetProblem {
  row: number;
  column: string;
  /** The column's header (邮箱 …), '' when the problem is not about one cell. */
  header: string;
  message: string;
}

/** 第7行 C列（邮箱）：“abc” 不是有效的邮箱地址 */
export function formatSheetProblem(p: SheetProblem): string {
  const where = [p.row > 0 ? `第${p.row}行` : '', p.column ? `${p.column}列${p.header ? `（${p.header}）` : ''}` : ''].filter(Boolean).join(' ');
  return where ? `${where}：${p.message}` : p.message;
}

/**
 * The refusal of a whole sheet: DubanError INVALID_DEFINITION, with every problem as text (details) and as data
 * (problems). `subject` names what was not imported: 单位, 隐患.
 */
export class SheetError extends DubanError {
  constructor(
    fileName: string,
    readonly problems: SheetProblem[],
    subject: string,
  ) {
    const lines = problems.map(formatSheetProblem);
    super('INVALID_DEFINITION', [`${fileName} 有 ${problems.length} 个问题，未导入任何${subject}：`, ...lines].join('\n'), lines);
    this.name = 'SheetError';
  }
}

/** Problems in reading order: by row, then column (A … Z, AA …). */
export function sortProblems(problems: SheetProblem[]): SheetProblem[] {
  return problems.sort((a, b) => a.row - b.row || a.column.length - b.column.length || a.column.localeCompare(b.column));
}

/** 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

function datePart(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A cell's value as the text the operator sees: rich text joined, a hyperlink's text, a formula's result. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return datePart(value);
  if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text ?? '').join('').trim();
  if ('hyperlink' in value) return cellText((value as { text?: ExcelJS.CellValue }).text ?? '') || mailtoAddress(value.hyperlink) || '';
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as ExcelJS.CellFormulaValue).result ?? null);
  if ('error' in value) return String(value.error);
  return '';
}

/** The address of a mailto: link, '' for any other link. */
export function mailtoAddress(link: unknown): string {
  if (typeof link !== 'string' || !/^mailto:/i.test(link)) return '';
  let address = link.slice('mailto:'.length).split('?')[0];
  try {
    address = decodeURIComponent(address);
  } catch {
    // keep it as written
  }
  return address.trim();
}

/** The value a formula cell shows (its cached result); any other value as it is. */
export function shownValue(value: ExcelJS.CellValue): ExcelJS.CellValue {
  if (value && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value)) return (value as ExcelJS.CellFormulaValue).result ?? null;
  return value;
}

const TEXT_DATE = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
/** Excel's day 0 in the 1900 date system (its fictitious 1900-02-29 included), as UTC ms. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

export type CellDate = { date: CivilDate } | { error: string } | { empty: true };

/**
 * A date cell read as a civil date: a date-formatted cell (exceljs gives a Date), an Excel serial number left in a
 * General cell, or text 2022-10-12 / 2022/10/12 / 2022.10.12 / 2022年10月12日 / 20221012. An impossible date
 * (2022-02-30) is an error, not the next valid day.
 */
export function cellDate(raw: ExcelJS.CellValue): CellDate {
  const value = shownValue(raw);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? { error: '不是有效的日期' } : { date: datePart(value) };
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 19000101 && value <= 29991231) return textDate(String(value));
    if (value >= 1 && value < 2958466) return { date: datePart(new Date(EXCEL_EPOCH_MS + Math.floor(value) * 86_400_000)) };
    return { error: `“${value}” 不是有效的日期` };
  }
  const text = cellText(value);
  if (text === '') return { empty: true };
  return textDate(text);
}

function textDate(text: string): CellDate {
  const m = TEXT_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  if (!m) return { error: `“${text}” 不是日期（应写作 2022-10-12、2022/10/12 或 2022年10月12日）` };
  const date = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isCivilDate(date) ? { date } : { error: `“${text}” 不是有效的日期（没有这一天）` };
}

/** A header cell as a lookup key: no spaces, no required-marks (*), no bracketed notes, lower case. */
export function headerKey(s: string): string {
  return s
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

/** A column the sheet may have: its header as in the template, other spellings accepted, and whether it must be there. */
export interface ColumnSpec {
  header: string;
  aliases: string[];
  required: boolean;
}

/** The header row found, and the column (1-based) of each field it names. */
export interface SheetHeader<F extends string> {
  row: number;
  columns: Partial<Record<F, number>>;
}

/** How many rows from the top the header row is looked for in. */
export const HEADER_SEARCH_ROWS = 5;

/**
 * The header row: among the first HEADER_SEARCH_ROWS rows, the one naming most of the fields (a title or a note may
 * stand above it). A repeated column, or a required one missing, is a problem; undefined when no row looks like one.
 */
export function findHeader<F extends string>(ws: ExcelJS.Worksheet, specs: Record<F, ColumnSpec>, problems: SheetProblem[]): SheetHeader<F> | undefined {
  const fields = Object.keys(specs) as F[];
  const lookup = new Map<string, F>(fields.flatMap((f) => [specs[f].header, ...specs[f].aliases].map((h) => [headerKey(h), f] as const)));
  let best: { row: number; found: [F, number][] } | undefined;
  for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, ws.rowCount); r++) {
    const found: [F, number][] = [];
    ws.getRow(r).eachCell({ includeEmpty: false }, (cell, col) => {
      const field = lookup.get(headerKey(cellText(cell.value)));
      if (field) found.push([field, col]);
    });
    if (found.length > (best?.found.length ?? 0)) best = { row: r, found };
  }
  const names = (required: boolean) =>
    fields
      .filter((f) => specs[f].required === required)
      .map((f) => specs[f].header)
      .join('、');
  if (!best || best.found.length < 2) {
    const optional = names(false);
    problems.push({ row: 0, column: '', header: '', message: `前${HEADER_SEARCH_ROWS}行中找不到表头（应有列：${names(true)}${optional ? `，可选：${optional}` : ''}）` });
    return undefined;
  }
  const columns: Partial<Record<F, number>> = {};
  for (const [field, col] of best.found) {
    const first = columns[field];
    if (first !== undefined) {
      problems.push({ row: best.row, column: columnLetter(col), header: cellText(ws.getRow(best.row).getCell(col).value), message: `与 ${columnLetter(first)}列 重复，都是“${specs[field].header}”列` });
    } else columns[field] = col;
  }
  for (const f of fields) {
    if (specs[f].required && columns[f] === undefined) problems.push({ row: best.row, column: '', header: '', message: `表头缺少“${specs[f].header}”列` });
  }
  return { row: best.row, columns };
}

/**
 * An .xlsx workbook from its bytes. An old .xls/.et file or anything that is not a workbook is refused with
 * `refuse(message)`, a sentence an office worker can act on.
 */
export async function loadWorkbook(bytes: Buffer | Uint8Array, refuse: (message: string) => Error): Promise<ExcelJS.Workbook> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 4 && buffer.readUInt32BE(0) === 0xd0cf11e0) {
    throw refuse('这是旧版 Excel（.xls）或 WPS（.et）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入');
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  } catch {
    throw refuse('无法读取：不是有效的 Excel 工作簿（.xlsx）');
  }
  return wb;
}

/** Characters XML 1.0 cannot carry; a stray one would make a written file unreadable. */
const XML_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
export const xmlSafe = (s: string) => s.replace(XML_UNSAFE, '');
