// 报送情况通报: where every unit stands on one deliverable-set as of a date — on time, late, not yet — ranked,
// as an office circulates it. Pure: the standings come in, the letter goes out.
import type { CivilDate } from '../domain/calendar';
import { chineseDate } from '../domain/zoned-time';
import type { OfficialLetter } from './official';
import { type Addressee, type BasisFacts, allUnitsHeading, basisPhrase } from './render';
import type { NoticeFacts } from './render';

export interface ProgressEntry {
  unitName: string;
  deliverableName: string;
  due: CivilDate;
  /** submitted: by the date (with the working days it was late); outstanding: not by the date. */
  state: 'on_time' | 'late' | 'outstanding';
  /** The day it was submitted (on time / late). */
  submittedOn?: CivilDate;
  /** Late: working days after its deadline it came in; outstanding: working days overdue on the date (0 = not yet due). */
  lateWorkingDays: number;
}

export interface ProgressFacts {
  campaignTitle: string;
  /** The day the figures stand on, and the letter's date. */
  asOf: CivilDate;
  entries: ProgressEntry[];
  allUnits: NoticeFacts['allUnits'];
  basis: BasisFacts[];
  contact?: { name: string; phone: string };
  cc: Addressee[];
  issuer: string;
  documentNumber?: string;
}

const byName = (a: ProgressEntry, b: ProgressEntry) => (a.unitName < b.unitName ? -1 : a.unitName > b.unitName ? 1 : 0);

/** The entries of each group in the order the 通报 lists them. */
export function rankProgress(entries: ProgressEntry[]) {
  return {
    onTime: entries.filter((e) => e.state === 'on_time').sort((a, b) => (a.submittedOn! < b.submittedOn! ? -1 : a.submittedOn! > b.submittedOn! ? 1 : byName(a, b))),
    late: entries.filter((e) => e.state === 'late').sort((a, b) => a.lateWorkingDays - b.lateWorkingDays || byName(a, b)),
    overdue: entries.filter((e) => e.state === 'outstanding' && e.lateWorkingDays > 0).sort((a, b) => b.lateWorkingDays - a.lateWorkingDays || byName(a, b)),
    notYetDue: entries.filter((e) => e.state === 'outstanding' && e.lateWorkingDays === 0).sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : byName(a, b))),
  };
}

const item = (e: ProgressEntry) => `${e.unitName}（《${e.deliverableName}》）`;

export function renderProgressReport(f: ProgressFacts): OfficialLetter {
  const r = rankProgress(f.entries);
  const total = f.entries.length;
  const submitted = r.onTime.length + r.late.length;
  const body = [
    `${basisPhrase(f)}现将截至${chineseDate(f.asOf)}${f.campaignTitle}各单位材料报送情况通报如下：`,
    `一、总体情况。应报送${total}项，已报送${submitted}项（其中按时报送${r.onTime.length}项，逾期报送${r.late.length}项），尚未报送${r.overdue.length + r.notYetDue.length}项（其中已逾期${r.overdue.length}项）。`,
  ];
  const section = (n: string, heading: string, list: ProgressEntry[], words: (e: ProgressEntry) => string) =>
    body.push(list.length ? `${n}、${heading}（${list.length}项）：${list.map(words).join('；')}。` : `${n}、${heading}：无。`);
  section('二', '按时报送', r.onTime, (e) => `${item(e)}${chineseDate(e.submittedOn!)}报送`);
  section('三', '逾期报送', r.late, (e) => `${item(e)}逾期${e.lateWorkingDays}个工作日报送`);
  section('四', '逾期未报送', r.overdue, (e) => `${item(e)}截止${chineseDate(e.due)}，已逾期${e.lateWorkingDays}个工作日`);
  section('五', '尚未到期', r.notYetDue, (e) => `${item(e)}截止${chineseDate(e.due)}`);
  body.push(
    r.overdue.length
      ? '请逾期未报送的单位立即报送，尚未到期的单位按时报送。各单位要高度重视，确保按时保质完成各项工作任务。'
      : '请尚未到期的单位按时报送。各单位要高度重视，确保按时保质完成各项工作任务。',
  );
  return {
    ...(f.documentNumber ? { documentNumber: f.documentNumber } : {}),
    title: `关于${f.campaignTitle}材料报送情况的通报`,
    mainRecipients: [allUnitsHeading(f.allUnits)],
    body,
    issuer: f.issuer,
    date: f.asOf,
    ...(f.contact ? { contact: f.contact } : {}),
    cc: f.cc.map((c) => c.name),
  };
}
