// The consolidated 通报: one letter per campaign and day, listing every unit that reached the 通报 step that day,
// each with its own deliverable, deadline, working days late and the steps actually taken; 主送 every unit, 抄送 the
// leaders the campaign names. Pure, like letters/render.ts.
import type { CivilDate } from '../domain/calendar';
import { ESCALATION_LADDER, type EscalationStep, INSTRUMENT_NAMES, type NoticePolicy } from '../domain/policy';
import { chineseDate, civilDateOf } from '../domain/zoned-time';
import { type OfficialLetter, officialLetterText } from './official';
import {
  type Addressee,
  type BasisFacts,
  type DeadlineChange,
  type NoticeFacts,
  type RenderedNotice,
  STEP_WORDS,
  allUnitsHeading,
  basisPhrase,
  enumerate,
  nextEnabledStep,
  uniq,
} from './render';

/** One late unit × deliverable listed in the 通报. */
export interface CirculatedUnit {
  unitName: string;
  deliverableName: string;
  /** This unit's own deadline for this deliverable (after any extension or return). */
  deadline: CivilDate;
  /** The office, and for departments also their lead departments (报送对象). */
  submitTo: string[];
  /** Working days the deadline has passed by on the day the 通报 goes out. */
  lateWorkingDays: number;
  /** The escalation letters already sent to it for this deadline (read from the record). */
  stepsTaken: EscalationStep[];
  /** The deliverable's ladder: what the 通报 may threaten next. */
  ladder: NoticePolicy['escalate'];
  returned?: DeadlineChange;
  extended?: DeadlineChange;
}

export interface CirculationFacts {
  campaignTitle: string;
  office: Addressee;
  /** When it goes out (campaign time). */
  sentAt: number;
  timeZone: string;
  /** Listed in this order; at least one. */
  listed: CirculatedUnit[];
  /** Every unit of the campaign: its 主送 and recipients. */
  allUnits: NoticeFacts['allUnits'];
  documentNumber?: string;
  basis: BasisFacts[];
  contact?: { name: string; phone: string };
  /** 抄送: the leaders the campaign names (names printed, addresses copied). */
  cc: Addressee[];
  issuer: NoticeFacts['issuer'];
}

/** 经提醒敦促和督办， — the steps before the 通报 that went out to this unit. */
function stepsBefore(taken: EscalationStep[]): string {
  const steps = ESCALATION_LADDER.filter((s) => ESCALATION_LADDER.indexOf(s) < ESCALATION_LADDER.indexOf('circulate') && taken.includes(s));
  return steps.length ? `经${enumerate(steps.map((s) => STEP_WORDS[s]))}，` : '';
}

/** One line of the list: the unit, what it owes by when (as the record has it), how late, the steps taken. */
function entryLine(e: CirculatedUnit, n: number): string {
  const item = `《${e.deliverableName}》`;
  const due = chineseDate(e.deadline);
  const to = e.submitTo.join('、');
  let owed: string;
  if (e.returned) {
    owed = e.extended
      ? `报送的${item}已于${chineseDate(e.returned.on)}退回修改（退回原因：${e.returned.reason}），后经批准延期至${due}`
      : `报送的${item}已于${chineseDate(e.returned.on)}退回修改（退回原因：${e.returned.reason}），应于${due}前修改完善后重新报送${to}`;
  } else if (e.extended) {
    owed = `${item}的报送期限经批准延期至${due}，应于${due}前报送${to}`;
  } else {
    owed = `应于${due}前将${item}报送${to}`;
  }
  return `${n}．${e.unitName}：${owed}，${stepsBefore(e.stepsTaken)}已逾期${e.lateWorkingDays}个工作日仍未报送。`;
}

export function renderCirculation(f: CirculationFacts): RenderedNotice {
  if (f.listed.length === 0) throw new Error('a 通报 lists at least one unit');
  const today = chineseDate(civilDateOf(f.sentAt, f.timeZone));
  const names = uniq(f.listed.map((e) => e.unitName));
  const deliverables = uniq(f.listed.map((e) => e.deliverableName));
  const who = names.length === 1 ? names[0] : `${names[0]}等${names.length}个单位`;
  const what = deliverables.length === 1 ? `《${deliverables[0]}》` : '有关材料';
  const title = `关于${who}未按时报送${what}的通报`;
  const listedUnits = names.length === 1 ? names[0] : '上述单位';
  // threatened only for the units whose ladder has a 约谈 after the 通报
  const toInterview = uniq(f.listed.filter((e) => nextEnabledStep(e.ladder, 'circulate') === 'interview').map((e) => e.unitName));
  const threat =
    toInterview.length === 0
      ? ''
      : toInterview.length === names.length
        ? `逾期仍未报送的，将约谈${names.length === 1 ? names[0] : '有关单位'}主要负责人。`
        : `逾期仍未报送的，将约谈${enumerate(toInterview)}主要负责人。`;
  const body = [
    `${basisPhrase(f)}截至${today}，${names.length === 1 ? '下列单位' : `下列${names.length}个单位`}逾期仍未报送有关材料，现予通报：`,
    ...f.listed.map((e, i) => entryLine(e, i + 1)),
    `请${listedUnits}立即报送。${threat}各单位要引以为戒，按时完成各项工作任务。`,
  ];
  const { committee, committeeSigns, office } = f.issuer;
  const letter: OfficialLetter = {
    ...(f.documentNumber ? { documentNumber: f.documentNumber } : {}),
    title,
    mainRecipients: [allUnitsHeading(f.allUnits)],
    body,
    issuer: committee && committeeSigns.includes('circulate') ? committee : office,
    date: civilDateOf(f.sentAt, f.timeZone),
    ...(f.contact ? { contact: f.contact } : {}),
    cc: f.cc.map((c) => c.name),
  };
  const to = uniq(f.allUnits.map((u) => u.email));
  const cc = uniq([f.office.email, ...f.cc.map((c) => c.email)]).filter((c) => !to.includes(c));
  const instrument = INSTRUMENT_NAMES.circulate;
  const subject = `【${instrument}】${f.documentNumber ? `${f.documentNumber} ` : ''}${title}`;
  return { instrument, subject, text: officialLetterText(letter), letter, to, cc };
}
