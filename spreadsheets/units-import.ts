// A unit list (单位名单) from an Excel workbook: the first sheet, one unit per row. Every problem in the sheet is
// reported at once, by sheet row and column, in Chinese; nothing is returned unless the whole sheet is good.
import type ExcelJS from 'exceljs';
import { UNIT_TYPES, type UnitDef, type UnitType } from '../domain/definition';
import {
  type ColumnSpec,
  type SheetHeader,
  type SheetProblem,
  SheetError,
  cellText,
  columnLetter,
  findHeader,
  loadWorkbook,
  mailtoAddress,
  sortProblems,
} from './cells';

export { type SheetProblem, cellText, columnLetter, formatSheetProblem } from './cells';

/** The refusal of a unit sheet: DubanError INVALID_DEFINITION, with every problem as text (details) and as data (problems). */
export class UnitSheetError extends SheetError {
  constructor(fileName: string, problems: SheetProblem[]) {
    super(fileName, problems, '单位');
    this.name = 'UnitSheetError';
  }
}

type Field = 'id' | 'name' | 'type' | 'email' | 'principal' | 'principalEmail' | 'reportsTo';

/** The header of each field, as written in the template, and other spellings accepted for it. */
const HEADERS: Record<Field, ColumnSpec> = {
  id: { header: '编号', aliases: ['单位编号', 'id'], required: false },
  name: { header: '名称', aliases: ['单位名称', '单位', 'name'], required: true },
  type: { header: '类型', aliases: ['单位类型', 'type'], required: true },
  email: { header: '邮箱', aliases: ['单位邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail'], required: true },
  principal: { header: '主要负责人', aliases: ['负责人', '负责人姓名', '主要负责人姓名'], required: true },
  principalEmail: { header: '负责人邮箱', aliases: ['主要负责人邮箱', '负责人电子邮箱'], required: true },
  reportsTo: { header: '牵头部门', aliases: ['所属牵头部门', 'reportsto'], required: false },
};
const FIELDS = Object.keys(HEADERS) as Field[];

const TYPE_WORDS: Record<string, UnitType> = {
  '镇（街道）': 'town',
  '镇(街道)': 'town',
  镇街: 'town',
  镇: 'town',
  街道: 'town',
  乡镇: 'town',
  乡镇街道: 'town',
  '乡镇（街道）': 'town',
  '乡镇(街道)': 'town',
  牵头部门: 'lead_department',
  有关部门: 'department',
  部门: 'department',
  ...Object.fromEntries(UNIT_TYPES.map((t) => [t, t])),
};
const TYPE_NAMES: Record<UnitType, string> = { town: '镇（街道）', lead_department: '牵头部门', department: '有关部门' };

const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const LEAD_SEPARATORS = /[、，,;；\n]+/;

/** A cell of the 邮箱 columns: its text, or the address of its mailto: link when the text shows something else (张三). */
function emailText(value: ExcelJS.CellValue): string {
  const shown = cellText(value).replace(/^mailto:/i, '');
  if (EMAIL_RE.test(shown)) return shown;
  const link = value && typeof value === 'object' && 'hyperlink' in value ? mailtoAddress(value.hyperlink) : '';
  return link && EMAIL_RE.test(link) ? link : shown;
}

type Header = SheetHeader<Field>;

/** A row of the sheet as read, before the checks that need the whole sheet. */
interface RowUnit {
  row: number;
  givenId: string;
  name: string;
  type: UnitType | undefined;
  email: string;
  principal: string;
  principalEmail: string;
  leads: string[];
}

/**
 * The units of the first sheet of an .xlsx workbook. Throws UnitSheetError (a DubanError INVALID_DEFINITION)
 * listing every problem when anything is wrong, and returns nothing then.
 */
export async function parseUnitWorkbook(bytes: Buffer | Uint8Array, fileName: string): Promise<UnitDef[]> {
  const wb = await loadWorkbook(bytes, (message) => new UnitSheetError(fileName, [{ row: 0, column: '', header: '', message }]));
  const problems: SheetProblem[] = [];
  const ws = wb.worksheets[0];
  if (!ws || ws.actualRowCount === 0) {
    problems.push({ row: 0, column: '', header: '', message: `工作表${ws ? `“${ws.name}”` : ''}是空的，没有任何单位` });
    throw new UnitSheetError(fileName, problems);
  }
  const header = findHeader(ws, HEADERS, problems);
  if (!header) throw new UnitSheetError(fileName, problems);

  const rows = readRows(ws, header, problems);
  if (rows.length === 0 && problems.length === 0) {
    problems.push({ row: header.row, column: '', header: '', message: '表头下没有任何单位' });
  }
  const units = resolveUnits(rows, header, problems);
  if (problems.length > 0) {
    throw new UnitSheetError(fileName, sortProblems(problems));
  }
  return units;
}

function readRows(ws: ExcelJS.Worksheet, header: Header, problems: SheetProblem[]): RowUnit[] {
  const at = (field: Field, col: number) => ({ column: columnLetter(col), header: HEADERS[field].header });
  const rows: RowUnit[] = [];
  for (let r = header.row + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const raw = (f: Field) => {
      const col = header.columns[f];
      return col === undefined ? null : row.getCell(col).value;
    };
    if (FIELDS.every((f) => cellText(raw(f)) === '')) continue; // an empty row
    const problem = (f: Field, message: string) => problems.push({ row: r, ...at(f, header.columns[f] ?? 0), message });
    const required = (f: Field, text: string) => {
      if (text === '' && header.columns[f] !== undefined) problem(f, '必填，不能为空');
      return text;
    };
    const email = (f: Field) => {
      const text = required(f, emailText(raw(f)));
      if (text !== '' && !EMAIL_RE.test(text)) problem(f, `“${text}” 不是有效的邮箱地址`);
      return text;
    };

    const givenId = cellText(raw('id'));
    if (givenId !== '' && !ID_RE.test(givenId)) problem('id', `“${givenId}” 不是有效的编号（只能用字母、数字和 _ . -，以字母或数字开头）`);
    const name = required('name', cellText(raw('name')));
    const typeText = required('type', cellText(raw('type')));
    const type = TYPE_WORDS[typeText.replace(/\s/g, '')] ?? TYPE_WORDS[typeText.toLowerCase()];
    if (typeText !== '' && !type) problem('type', `“${typeText}” 不是有效的单位类型（应为 镇（街道）、牵头部门 或 有关部门）`);
    const unitEmail = email('email');
    const principal = required('principal', cellText(raw('principal')));
    const principalEmail = email('principalEmail');
    const leads = cellText(raw('reportsTo'))
      .split(LEAD_SEPARATORS)
      .map((s) => s.trim())
      .filter(Boolean);
    rows.push({ row: r, givenId, name, type, email: unitEmail, principal, principalEmail, leads });
  }
  return rows;
}

/** Ids, duplicates and 牵头部门 — the checks that need every row. */
function resolveUnits(rows: RowUnit[], header: Header, problems: SheetProblem[]): UnitDef[] {
  const cell = (f: Field) => ({ column: columnLetter(header.columns[f] ?? 0), header: HEADERS[f].header });

  const byName = new Map<string, RowUnit>();
  const byGivenId = new Map<string, RowUnit>();
  for (const u of rows) {
    const sameName = u.name && byName.get(u.name);
    if (sameName) problems.push({ row: u.row, ...cell('name'), message: `“${u.name}” 与第${sameName.row}行重名` });
    else if (u.name) byName.set(u.name, u);
    const sameId = u.givenId && byGivenId.get(u.givenId);
    if (sameId) problems.push({ row: u.row, ...cell('id'), message: `编号“${u.givenId}” 与第${sameId.row}行重复` });
    else if (u.givenId) byGivenId.set(u.givenId, u);
  }

  // Stable, readable ids in row order (u001, u002 …) for rows without 编号, skipping any 编号 given.
  const ids = new Map<RowUnit, string>();
  const width = Math.max(3, String(rows.length).length);
  rows.forEach((u, i) => {
    if (u.givenId) return ids.set(u, u.givenId);
    const base = `u${String(i + 1).padStart(width, '0')}`;
    let id = base;
    for (let k = 2; byGivenId.has(id); k++) id = `${base}-${k}`;
    ids.set(u, id);
  });

  return rows.map((u) => {
    const reportsTo: string[] = [];
    for (const lead of u.leads) {
      const target = byName.get(lead) ?? byGivenId.get(lead);
      if (!target) problems.push({ row: u.row, ...cell('reportsTo'), message: `“${lead}” 不是本表中的单位（应填牵头部门的名称${header.columns.id ? '或编号' : ''}）` });
      else if (target.type && target.type !== 'lead_department')
        problems.push({ row: u.row, ...cell('reportsTo'), message: `“${lead}” 是${TYPE_NAMES[target.type]}（第${target.row}行），不是牵头部门` });
      else if (target === u) problems.push({ row: u.row, ...cell('reportsTo'), message: `单位不能以自己为牵头部门` });
      else {
        const id = ids.get(target)!;
        if (!reportsTo.includes(id)) reportsTo.push(id);
      }
    }
    return {
      id: ids.get(u)!,
      name: u.name,
      type: u.type ?? 'department',
      email: u.email,
      principal: { name: u.principal, email: u.principalEmail },
      reportsTo,
    };
  });
}
