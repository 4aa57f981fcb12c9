// The 隐患整改台账 in Excel, both ways. In: the ledger an office already keeps (the first sheet, one hazard a row,
// 属地 and 行业主管部门 by the unit's name or id); a file with any bad row imports nothing and lists every problem
// by row and column. Out: the same columns plus where each hazard stands, every row however many, written with
// exceljs's streaming writer and one shared style object per column (20,000 rows: a plain workbook styled cell by
// cell took 11 s, the streaming writer alike 7 s, with shared styles under 1 s).
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { CivilDate } from '../domain/calendar';
import type { UnitType } from '../domain/definition';
import {
  HAZARD_LEVEL_NAMES,
  HAZARD_SOURCE_NAMES,
  HAZARD_STATUS_NAMES,
  type HazardContext,
  type HazardFacts,
  type HazardLevel,
  type HazardListing,
  type HazardSource,
  type HazardState,
  type HazardStatus,
  UNIT_TYPE_WORDS,
  hazardFactProblems,
  hazardOverdueWorkingDays,
  listingLabel,
} from '../domain/hazards';
import {
  type CellDate,
  type ColumnSpec,
  type SheetProblem,
  SheetError,
  cellDate,
  cellText,
  columnLetter,
  findHeader,
  loadWorkbook,
  shownValue,
  sortProblems,
  xmlSafe,
} from './cells';

/** A unit of the campaign as the ledger names it. */
export interface LedgerUnit {
  id: string;
  name: string;
  type: UnitType;
}

/** One hazard read from the sheet: its facts, its sheet row, and its 序号 as written ('' when none). */
export interface HazardRow extends HazardFacts {
  row: number;
  serial: string;
}

/** The refusal of a ledger: DubanError INVALID_DEFINITION listing every problem (details as text, problems as data). */
export class HazardSheetError extends SheetError {
  constructor(fileName: string, problems: SheetProblem[]) {
    super(fileName, problems, '隐患');
    this.name = 'HazardSheetError';
  }
}

type Field =
  | 'serial'
  | 'site'
  | 'town'
  | 'department'
  | 'description'
  | 'level'
  | 'basis'
  | 'foundOn'
  | 'source'
  | 'measures'
  | 'responsible'
  | 'funds'
  | 'deadline';

/** The columns of the ledger, in the template's order, and other spellings accepted for each. */
const HEADERS: Record<Field, ColumnSpec> = {
  serial: { header: '序号', aliases: ['编号'], required: false },
  site: { header: '企业或场所', aliases: ['企业（场所）', '企业名称', '企业（场所）名称', '企业或场所名称', '单位名称', '场所名称', '企业'], required: true },
  town: { header: '属地', aliases: ['属地镇街', '所属镇街', '镇（街道）', '所属镇（街道）', '属地单位'], required: true },
  department: { header: '行业主管部门', aliases: ['主管部门', '行业部门', '行业监管部门'], required: true },
  description: { header: '隐患描述', aliases: ['隐患内容', '隐患问题', '问题描述', '存在问题', '隐患情况'], required: true },
  level: { header: '隐患等级', aliases: ['等级', '隐患级别', '级别'], required: true },
  basis: { header: '判定依据', aliases: ['重大隐患判定依据', '依据'], required: false },
  foundOn: { header: '发现日期', aliases: ['发现时间', '排查日期', '排查时间'], required: true },
  source: { header: '来源', aliases: ['隐患来源', '发现方式'], required: true },
  measures: { header: '整改措施', aliases: ['措施', '治理措施'], required: true },
  responsible: { header: '责任人', aliases: ['整改责任人'], required: true },
  funds: { header: '整改资金（万元）', aliases: ['整改资金', '资金', '整改资金万元'], required: false },
  deadline: { header: '整改时限', aliases: ['时限', '整改期限', '整改完成时限'], required: true },
};
const FIELDS = Object.keys(HEADERS) as Field[];

/** The columns of the ledger, as the template and the export write them. */
export const HAZARD_LEDGER_COLUMNS = FIELDS.map((f) => HEADERS[f].header);
/** The export's further columns: where each hazard stands. */
export const HAZARD_STANDING_COLUMNS = ['状态', '整改情况', '验收人', '验收日期', '逾期工作日', '挂牌'] as const;
export const HAZARD_EXPORT_COLUMNS = [...HAZARD_LEDGER_COLUMNS, ...HAZARD_STANDING_COLUMNS];

/** Where the domain's facts are in the sheet. */
const FIELD_OF: Partial<Record<keyof HazardFacts, Field>> = {
  site: 'site',
  townId: 'town',
  departmentId: 'department',
  description: 'description',
  level: 'level',
  basis: 'basis',
  foundOn: 'foundOn',
  source: 'source',
  measures: 'measures',
  responsible: 'responsible',
  fundsWan: 'funds',
  deadline: 'deadline',
};

const words = <T extends string>(map: Record<T, string[]>) =>
  new Map<string, T>(Object.entries<string[]>(map).flatMap(([value, ws]) => [value, ...ws].map((w) => [w.toLowerCase(), value as T] as const)));

const LEVEL_WORDS = words<HazardLevel>({
  general: ['一般', '一般隐患', '一般事故隐患', '一般安全隐患'],
  major: ['重大', '重大隐患', '重大事故隐患', '重大安全隐患'],
});
const SOURCE_WORDS = words<HazardSource>({
  self_check: ['自查', '企业自查', '自查自报', '自查自改', 'self-check'],
  inspection: ['检查', '督导检查', '监督检查', '执法检查', '检查发现', '排查'],
  report: ['举报', '群众举报', '投诉举报', '举报查实'],
  supervision: ['督办', '上级督办', '交办', '督办交办', '上级交办'],
});

/** A name as looked up: no spaces, full-width brackets as half-width. */
const nameKey = (s: string) => s.replace(/[\s\u3000]/g, '').replace(/（/g, '(').replace(/）/g, ')');

/**
 * The hazards of the first sheet of an .xlsx 台账, against the campaign's units. Throws HazardSheetError (a DubanError
 * INVALID_DEFINITION) listing every problem, by row and column, when anything is wrong; returns nothing then.
 */
export async function parseHazardWorkbook(
  bytes: Buffer | Uint8Array,
  fileName: string,
  units: readonly LedgerUnit[],
  options: {
    /** Further problems of the rows read well (the importer's: a 序号 already taken), listed with the sheet's own. */
    check?: (rows: HazardRow[], serialColumn: { column: string; header: string }) => SheetProblem[];
  } = {},
): Promise<HazardRow[]> {
  const wb = await loadWorkbook(bytes, (message) => new HazardSheetError(fileName, [{ row: 0, column: '', header: '', message }]));
  const problems: SheetProblem[] = [];
  const ws = wb.worksheets[0];
  if (!ws || ws.actualRowCount === 0) {
    problems.push({ row: 0, column: '', header: '', message: `工作表${ws ? `“${ws.name}”` : ''}是空的，没有任何隐患` });
    throw new HazardSheetError(fileName, problems);
  }
  const header = findHeader(ws, HEADERS, problems);
  if (!header || problems.length) throw new HazardSheetError(fileName, sortProblems(problems));

  const byKey = new Map<string, LedgerUnit>();
  for (const u of units) byKey.set(nameKey(u.name), u);
  for (const u of units) byKey.set(nameKey(u.id), u); // an id is exact; it wins over a name spelled the same

  const columns = header.columns;
  const at = (f: Field) => ({ column: columnLetter(columns[f] ?? 0), header: HEADERS[f].header });
  const rows: HazardRow[] = [];
  for (let r = header.row + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const raw = (f: Field): ExcelJS.CellValue => {
      const col = columns[f];
      return col === undefined ? null : row.getCell(col).value;
    };
    const text: Partial<Record<Field, string>> = {};
    for (const f of FIELDS) text[f] = cellText(raw(f));
    if (FIELDS.every((f) => f === 'serial' || text[f] === '')) continue; // an empty row (perhaps pre-numbered)

    const problem = (f: Field, message: string) => problems.push({ row: r, ...at(f), message });
    const required = (f: Field) => {
      if (text[f] === '') problem(f, '必填，不能为空');
      return text[f]!;
    };
    const unit = (f: 'town' | 'department') => {
      const given = required(f);
      if (given === '') return '';
      const u = byKey.get(nameKey(given));
      const wanted = f === 'town' ? '镇（街道）' : '部门或牵头部门';
      if (!u) problem(f, `“${given}” 不是本次行动的${f === 'town' ? '镇（街道）' : '部门'}（应填${f === 'town' ? '属地' : '行业主管部门'}的名称或编号）`);
      else if (f === 'town' ? u.type !== 'town' : u.type === 'town') problem(f, `“${given}” 是${UNIT_TYPE_WORDS[u.type]}，${f === 'town' ? '属地' : '行业主管部门'}应为${wanted}`);
      else return u.id;
      return undefined;
    };
    const date = (f: 'foundOn' | 'deadline') => {
      const d: CellDate = cellDate(raw(f));
      if ('empty' in d) problem(f, '必填，不能为空');
      else if ('error' in d) problem(f, d.error);
      else return d.date;
      return undefined;
    };
    const word = <T extends string>(f: Field, map: Map<string, T>, expected: string) => {
      const given = required(f);
      if (given === '') return undefined;
      const value = map.get(given.replace(/[\s\u3000]/g, '').toLowerCase());
      if (!value) problem(f, `“${given}” 不是有效的${HEADERS[f].header}（应为 ${expected}）`);
      return value;
    };

    const site = required('site');
    const townId = unit('town');
    const departmentId = unit('department');
    const description = required('description');
    const level = word('level', LEVEL_WORDS, '一般 或 重大');
    const basis = text.basis!;
    const foundOn = date('foundOn');
    const source = word('source', SOURCE_WORDS, '自查、检查、举报 或 督办');
    const measures = required('measures');
    const responsible = required('responsible');
    const fundsWan = funds(raw('funds'), (message) => problem('funds', message));
    const deadline = date('deadline');

    // The rules between fields are the domain's: judged on what could be read.
    const judged: Partial<HazardFacts> = {};
    if (level) judged.level = level;
    if (level && columns.basis !== undefined) judged.basis = basis;
    if (foundOn) judged.foundOn = foundOn;
    if (deadline) judged.deadline = deadline;
    if (fundsWan !== undefined) judged.fundsWan = fundsWan;
    for (const p of hazardFactProblems(judged)) {
      const f = FIELD_OF[p.field];
      if (f) problem(f, p.message);
    }
    if (level === 'major' && columns.basis === undefined)
      problems.push({ row: r, column: '', header: '', message: '重大隐患须写明判定依据，但表中没有“判定依据”列' });

    if (townId && departmentId && level && foundOn && source && deadline && fundsWan !== undefined) {
      rows.push({ row: r, serial: text.serial!, site, townId, departmentId, description, level, basis, foundOn, source, measures, responsible, fundsWan, deadline });
    }
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ row: header.row, column: '', header: '', message: '表头下没有任何隐患' });
  if (options.check) problems.push(...options.check(rows, columns.serial === undefined ? { column: '', header: '' } : at('serial')));
  if (problems.length) throw new HazardSheetError(fileName, sortProblems(problems));
  return rows;
}

/** 整改资金（万元）: a number, or text such as 12.5 or 12.5万元; blank is 0. undefined (and a problem) when unreadable. */
function funds(raw: ExcelJS.CellValue, problem: (message: string) => void): number | undefined {
  const value = shownValue(raw);
  if (typeof value === 'number') return value;
  const text = cellText(value);
  if (text === '') return 0;
  const n = Number(text.replace(/[,，\s]/g, '').replace(/万元?$/, ''));
  if (text.replace(/[,，\s]/g, '').replace(/万元?$/, '') === '' || !Number.isFinite(n)) {
    problem(`“${text}” 不是数（单位：万元）`);
    return undefined;
  }
  return n;
}

// ───────────────────────────── out ─────────────────────────────

/** One row of the exported ledger: the facts with the units' names, and where the hazard stands. */
export interface HazardExportRow {
  /** The hazard's 序号 in the ledger; absent: the row's number in the export. */
  serial?: number;
  site: string;
  townName: string;
  departmentName: string;
  description: string;
  level: HazardLevel;
  basis: string;
  foundOn: CivilDate;
  source: HazardSource;
  measures: string;
  responsible: string;
  fundsWan: number;
  deadline: CivilDate;
  status: HazardStatus;
  /** 整改情况: what was done, round by round. */
  rectification: string;
  /** 验收人 of the last 验收, null when none yet. */
  acceptor: string | null;
  acceptedOn: CivilDate | null;
  /** null for a cancelled hazard. */
  overdueWorkingDays: number | null;
  /** 市级挂牌 雷安委办督〔2022〕3号 …, null when not listed. */
  listing: string | null;
}

export interface HazardExportInput {
  campaignTitle: string;
  officeName: string;
  /** Display text, e.g. 2022年10月24日 10:00 */
  generatedAt: string;
  rows: HazardExportRow[];
}

/** What the export writes for a hazard, from its state, on `today`. */
export function hazardExportRow(
  ctx: HazardContext,
  state: HazardState,
  options: { unitName: (id: string) => string; today: CivilDate; listing?: HazardListing },
): HazardExportRow {
  const h = state.hazard;
  const accepted = [...state.rounds].reverse().find((r) => r.acceptance)?.acceptance;
  return {
    site: h.site,
    townName: options.unitName(h.townId),
    departmentName: options.unitName(h.departmentId),
    description: h.description,
    level: h.level,
    basis: h.basis,
    foundOn: h.foundOn,
    source: h.source,
    measures: h.measures,
    responsible: h.responsible,
    fundsWan: h.fundsWan,
    deadline: h.deadline,
    status: state.status,
    rectification: rectificationText(state),
    acceptor: accepted?.by ?? null,
    acceptedOn: accepted?.on ?? null,
    overdueWorkingDays: state.status === 'cancelled' ? null : hazardOverdueWorkingDays(ctx, state, options.today),
    listing: options.listing ? listingLabel(options.listing) : null,
  };
}

/** 整改情况: the report of each round, a failed 验收's opinion after it; 第N轮 once there is more than one. */
function rectificationText(state: HazardState): string {
  const many = state.rounds.length > 1;
  const parts = state.rounds.map((r) => {
    let s = r.report ? r.report.done : many ? '整改中' : '';
    if (r.acceptance?.result === 'fail') s += `（验收不合格：${r.acceptance.opinion}）`;
    return many ? `第${r.round}轮：${s}` : s;
  });
  const text = parts.filter(Boolean).join('；');
  return state.status === 'cancelled' ? [text, `已撤销：${state.cancellation?.reason ?? ''}`].filter(Boolean).join('；') : text;
}

export const HAZARD_SHEET_NAME = '隐患整改台账';
/** The sheet row of the column headers; data starts on the next row. */
export const HAZARD_HEADER_ROW = 3;

const WIDTHS = [6, 28, 12, 16, 40, 8, 30, 12, 8, 36, 10, 10, 12, 9, 36, 10, 12, 8, 26];
const WRAPPED = new Set(['企业或场所', '隐患描述', '判定依据', '整改措施', '整改情况', '挂牌']);
const TEXT_COLUMNS = new Set(['发现日期', '整改时限', '验收日期']);
const LEFT = new Set([...WRAPPED, '行业主管部门']);
const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = { name: '宋体', size: 11 };

/** The workbook (.xlsx) of the 隐患整改台账: title, subtitle, the header on row 3 (frozen, filtered), one row per hazard. */
export async function exportHazardWorkbook(input: HazardExportInput): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = xmlSafe(input.officeName);
  wb.created = new Date();
  const columnCount = HAZARD_EXPORT_COLUMNS.length;
  const last = columnLetter(columnCount);
  const lastRow = HAZARD_HEADER_ROW + input.rows.length;
  const ws = wb.addWorksheet(HAZARD_SHEET_NAME, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HAZARD_HEADER_ROW }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true },
  });
  ws.autoFilter = { from: { row: HAZARD_HEADER_ROW, column: 1 }, to: { row: lastRow, column: columnCount } };
  // One style object per column, given to each of its cells: exceljs then finds the style by identity instead of
  // serialising it again for every cell (20,000 rows: 0.6 s instead of 7 s on its own).
  const styles = HAZARD_EXPORT_COLUMNS.map(
    (name): Partial<ExcelJS.Style> => ({
      font: FONT,
      border: BORDER,
      alignment: { vertical: 'middle', horizontal: LEFT.has(name) ? 'left' : 'center', wrapText: WRAPPED.has(name) },
      numFmt: TEXT_COLUMNS.has(name) ? '@' : name === '整改资金（万元）' ? '0.00' : 'General',
    }),
  );
  ws.columns = styles.map((style, i) => ({ width: WIDTHS[i], style }));

  const banner = (r: number, value: string, font: Partial<ExcelJS.Font>, horizontal: 'center' | 'right', height: number) => {
    const row = ws.getRow(r);
    const cell = row.getCell(1);
    cell.value = xmlSafe(value);
    cell.style = { font: { ...FONT, ...font }, alignment: { horizontal, vertical: 'middle' } };
    row.height = height;
    ws.mergeCells(`A${r}:${last}${r}`);
    row.commit();
  };
  banner(1, `${input.campaignTitle}${HAZARD_SHEET_NAME}`, { size: 16, bold: true }, 'center', 30);
  banner(2, `${input.officeName}　　生成时间：${input.generatedAt}`, { size: 10 }, 'right', 20);

  const header = ws.getRow(HAZARD_HEADER_ROW);
  header.values = [...HAZARD_EXPORT_COLUMNS];
  header.height = 30;
  header.eachCell((cell) => {
    cell.style = {
      font: { ...FONT, bold: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
      alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
      border: BORDER,
      numFmt: 'General',
    };
  });
  header.commit();

  input.rows.forEach((h, i) => {
    const row = ws.getRow(HAZARD_HEADER_ROW + 1 + i);
    row.values = [
      h.serial ?? i + 1,
      xmlSafe(h.site),
      xmlSafe(h.townName),
      xmlSafe(h.departmentName),
      xmlSafe(h.description),
      HAZARD_LEVEL_NAMES[h.level],
      h.basis ? xmlSafe(h.basis) : null,
      h.foundOn,
      HAZARD_SOURCE_NAMES[h.source],
      xmlSafe(h.measures),
      xmlSafe(h.responsible),
      h.fundsWan,
      h.deadline,
      HAZARD_STATUS_NAMES[h.status],
      h.rectification ? xmlSafe(h.rectification) : null,
      h.acceptor === null ? null : xmlSafe(h.acceptor),
      h.acceptedOn,
      h.overdueWorkingDays,
      h.listing === null ? null : xmlSafe(h.listing),
    ];
    for (let c = 1; c <= columnCount; c++) row.getCell(c).style = styles[c - 1];
    row.commit();
  });
  ws.commit();
  await wb.commit();
  await ended;
  return Buffer.concat(chunks);
}
