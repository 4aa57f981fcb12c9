// The words of every letter a hazard's chase sends, as a 公文 (letters/official.ts). Pure: the facts come in, the
// letter goes out. Every letter is addressed to both units answerable for the hazard — its 属地 and its 行业主管部门
// (双重交办) — except the 通报 (to every unit), the 约谈通知 (to both units' principals) and, for a 重大 hazard, the
// 验收 chase (to the office, which organises its 验收 and approves its 摘牌). Every sentence follows from the facts:
// a step is threatened only when the ladder has it and said to be taken only when its letter went out; a 延期 and a
// failed 验收 are told as they were recorded.
import type { CivilDate } from '../domain/calendar';
import { HAZARD_LETTER_NAMES, type HazardLetterKind } from '../domain/hazard-chase';
import { HAZARD_LEVEL_NAMES, type HazardLevel, LISTING_LEVEL_NAMES, type ListingLevel } from '../domain/hazards';
import { ESCALATION_LADDER, type EscalationStep, type NoticePolicy } from '../domain/policy';
import { chineseDate, civilDateOf } from '../domain/zoned-time';
import { type OfficialLetter, officialLetterText } from './official';
import { type Addressee, type BasisFacts, type PrincipalFacts, STEP_WORDS, allUnitsHeading, basisPhrase, enumerate, nextEnabledStep, uniq } from './render';

export interface HazardUnitFacts extends Addressee {
  principals: PrincipalFacts[];
}

export interface HazardLetterFacts {
  kind: HazardLetterKind;
  campaignTitle: string;
  office: Addressee;
  hazard: {
    /** 序号 in the campaign's ledger */
    serial: number;
    site: string;
    description: string;
    level: HazardLevel;
    /** 判定依据 ('' when none) */
    basis: string;
    measures: string;
    responsible: string;
    /** The current 整改时限. */
    deadline: CivilDate;
  };
  /** 属地 */
  town: HazardUnitFacts;
  /** 行业主管部门 */
  department: HazardUnitFacts;
  /** The round of rectification: 2 and more after a failed 验收. */
  round: number;
  /** The failed 验收 that started this round (重新整改). */
  failedAcceptance?: { on: CivilDate; opinion: string };
  /** The latest approved 延期 of this round, when it set the current 时限. */
  extension?: { from: CivilDate; to: CivilDate; on: CivilDate; reason: string };
  /** When the letter goes out (campaign time). */
  sentAt: number;
  timeZone: string;
  /** Working days past the 时限 (or, for the 验收 chase, past the 验收 deadline) on the day it goes out. */
  lateWorkingDays: number;
  /** The 督办通知's time limit: the last working day before the ladder's next step. */
  timeLimit?: CivilDate;
  /** The hazard's level's ladder (working day after the 时限, or null when the step is off). */
  ladder: NoticePolicy['escalate'];
  /** The ladder's letters already sent for this round and 时限. */
  stepsTaken: EscalationStep[];
  /** Every unit of the campaign: the 通报's 主送. */
  allUnits: (Addressee & { type?: string })[];
  /** The 验收 chase: when 整改完成 was reported, what was done, and when 验收 is due. */
  acceptance?: { reportedOn: CivilDate; done: string; due: CivilDate };
  /** The 挂牌督办 a 限期整改指令书 or 摘牌通知 is about. */
  listing?: {
    level: ListingLevel;
    documentNumber: string;
    listedOn: CivilDate;
    deadline: CivilDate;
    delisting?: { on: CivilDate; approvedBy: string; documentNumber?: string; opinion?: string };
    closedOn?: CivilDate;
  };
  /** 发文字号 from the campaign's register (a numbered letter of a numbering campaign). */
  documentNumber?: string;
  basis: BasisFacts[];
  contact?: { name: string; phone: string };
  /** 抄送 of 通报 and 约谈 (names printed, addresses copied). */
  cc: Addressee[];
  issuer: { office: string; committee?: string; committeeSigns: EscalationStep[] };
}

export interface RenderedHazardLetter {
  instrument: string;
  subject: string;
  text: string;
  letter: OfficialLetter;
  to: string[];
  cc: string[];
}

/** The hazard letters numbered in the campaign's register (the 限期整改指令书 carries its listing's own 文号). */
export function hazardLetterTakesNumber(kind: HazardLetterKind): boolean {
  return kind === 'urge' || kind === 'notice' || kind === 'circulate' || kind === 'interview' || kind === 'acceptance_overdue' || kind === 'delisting';
}

/** Who accepts the rectification: the 属地 and 行业主管部门 for a 一般 hazard, the office for a 重大 one. */
export function acceptorOf(level: HazardLevel): 'units' | 'office' {
  return level === 'major' ? 'office' : 'units';
}

function principalLabel(unit: string, p: PrincipalFacts): string {
  if (p.title) return `${unit}${p.title}${p.name}同志`;
  if (p.name.includes('负责人')) return p.name;
  return `${unit}主要负责人${p.name}同志`;
}

/** 雷城街道某加油站（序号12）存在的一般隐患“……” */
function hazardPhrase(f: HazardLetterFacts): string {
  const h = f.hazard;
  return `${h.site}（台账序号${h.serial}）存在的${HAZARD_LEVEL_NAMES[h.level]}隐患“${h.description}”`;
}

/** The 时限 as it now stands, with how it came to be: a 延期 approved, a failed 验收's 重新整改. */
function deadlineSentence(f: HazardLetterFacts): string {
  const due = chineseDate(f.hazard.deadline);
  const parts: string[] = [];
  if (f.failedAcceptance)
    parts.push(`该隐患于${chineseDate(f.failedAcceptance.on)}验收不合格（验收意见：${f.failedAcceptance.opinion}），须重新整改`);
  if (f.extension)
    parts.push(`整改时限经批准由${chineseDate(f.extension.from)}延期至${chineseDate(f.extension.to)}（${chineseDate(f.extension.on)}批准，理由：${f.extension.reason}）`);
  const how = parts.length ? `${parts.join('；')}。` : '';
  return `${hazardPhrase(f)}，整改时限为${due}（整改措施：${f.hazard.measures}；整改责任人：${f.hazard.responsible}）。${how}`;
}

function stepsTakenPhrase(f: HazardLetterFacts, before: EscalationStep): string {
  const taken = ESCALATION_LADDER.filter((s) => ESCALATION_LADDER.indexOf(s) < ESCALATION_LADDER.indexOf(before) && f.stepsTaken.includes(s));
  return taken.length ? `经${enumerate(taken.map((s) => (s === 'urge' ? '催办' : STEP_WORDS[s])))}，` : '';
}

function threat(f: HazardLetterFacts, step: EscalationStep): string {
  const next = nextEnabledStep(f.ladder, step);
  if (next === 'notice') return '逾期仍未完成整改的，将予以督办。';
  if (next === 'circulate') return '逾期仍未完成整改的，将予以通报。';
  if (next === 'interview') return `逾期仍未完成整改的，将约谈${f.town.name}和${f.department.name}主要负责人。`;
  return '';
}

interface Parts {
  title: string;
  mainRecipients: string[];
  body: string[];
  to: string[];
  cc: string[];
  ccNames: string[];
  documentNumber?: string;
  issuer?: string;
}

const both = (f: HazardLetterFacts) => ({ names: [f.town.name, f.department.name], emails: uniq([f.town.email, f.department.email]) });
const principalsOf = (f: HazardLetterFacts) => [
  ...f.town.principals.map((p) => ({ ...p, label: principalLabel(f.town.name, p) })),
  ...f.department.principals.map((p) => ({ ...p, label: principalLabel(f.department.name, p) })),
];

function parts(f: HazardLetterFacts): Parts {
  const today = chineseDate(civilDateOf(f.sentAt, f.timeZone));
  const basis = basisPhrase(f);
  const units = both(f);
  const late = `已逾期${f.lateWorkingDays}个工作日`;
  const site = f.hazard.site;
  const dual = `请${enumerate(units.names)}按照双重交办要求`;
  switch (f.kind) {
    case 'reminder':
      return {
        title: `关于按期完成${site}隐患整改的提醒`,
        mainRecipients: units.names,
        body: [`${basis}${deadlineSentence(f)}${dual}，督促整改责任单位按期完成整改，整改完成后及时报告并提请验收。如已报告整改完成，请忽略本提醒。`],
        to: units.emails,
        cc: [],
        ccNames: [],
      };
    case 'urge':
      return {
        title: `关于督促${site}隐患限期整改的函`,
        mainRecipients: units.names,
        body: [`${basis}${deadlineSentence(f)}截至${today}，${late}，仍未报告整改完成。${dual}，高度重视，立即督促整改到位并报告。${threat(f, 'urge')}`],
        to: units.emails,
        cc: [],
        ccNames: [],
      };
    case 'notice': {
      const limit = f.timeLimit ? `于${chineseDate(f.timeLimit)}前完成整改并报告` : '立即完成整改并报告';
      const principals = principalsOf(f);
      return {
        title: `关于${site}隐患逾期未整改的督办通知`,
        mainRecipients: units.names,
        body: [
          `${basis}${deadlineSentence(f)}截至${today}，${late}，${stepsTakenPhrase(f, 'notice')}仍未报告整改完成。`,
          `现予督办。请${enumerate(units.names)}主要负责人高度重视，${limit}。整改完成前，须落实安全防范措施，防止发生事故。${threat(f, 'notice')}`,
        ],
        to: units.emails,
        cc: uniq(principals.map((p) => p.email)),
        ccNames: principals.map((p) => p.label),
      };
    }
    case 'circulate':
      return {
        title: `关于${site}隐患逾期未整改的通报`,
        mainRecipients: [allUnitsHeading(f.allUnits)],
        body: [
          `${basis}${deadlineSentence(f)}截至${today}，${stepsTakenPhrase(f, 'circulate')}${late}仍未报告整改完成，属地${f.town.name}和行业主管部门${f.department.name}督促整改不力，现予通报。`,
          `请${enumerate(units.names)}立即督促整改到位。${threat(f, 'circulate')}各单位要引以为戒，对排查发现的隐患逐条整改销号。`,
        ],
        to: uniq(f.allUnits.map((u) => u.email)),
        cc: uniq([f.office.email, ...f.cc.map((c) => c.email)]),
        ccNames: f.cc.map((c) => c.name),
      };
    case 'interview': {
      const principals = principalsOf(f);
      const you = principals.length > 1 ? '你们' : '你';
      return {
        title: `关于约谈${enumerate(units.names)}主要负责人的通知`,
        mainRecipients: principals.map((p) => `${p.name}同志`),
        body: [
          `${basis}${deadlineSentence(f)}截至${today}，${late}，${stepsTakenPhrase(f, 'interview')}仍未报告整改完成。`,
          `经研究，决定约谈${you}。约谈时间、地点另行通知，请做好准备。在此之前，请督促整改责任单位立即整改到位。`,
        ],
        to: uniq(principals.map((p) => p.email)),
        cc: uniq([...units.emails, f.office.email, ...f.cc.map((c) => c.email)]),
        ccNames: [...units.names, ...f.cc.map((c) => c.name)],
      };
    }
    case 'acceptance':
    case 'acceptance_overdue': {
      const a = f.acceptance!;
      const byOffice = acceptorOf(f.hazard.level) === 'office';
      const report = `${hazardPhrase(f)}已于${chineseDate(a.reportedOn)}报告整改完成（整改情况：${a.done}），应于${chineseDate(a.due)}前完成验收。`;
      const who = byOffice ? '请按重大事故隐患验收程序组织验收' : `请${enumerate(units.names)}组织验收`;
      const rule = '验收合格的予以销号；不合格的，写明验收意见并明确重新整改时限。验收人不得为整改责任人。';
      if (f.kind === 'acceptance')
        return {
          title: `关于按期组织${site}隐患整改验收的提醒`,
          mainRecipients: byOffice ? [f.office.name] : units.names,
          body: [`${basis}${report}${who}，${rule}`],
          to: byOffice ? [f.office.email] : units.emails,
          cc: byOffice ? units.emails : [],
          ccNames: byOffice ? units.names : [],
        };
      return {
        title: `关于督促${site}隐患整改验收的函`,
        mainRecipients: byOffice ? [f.office.name] : units.names,
        body: [`${basis}${report}截至${today}，验收${late}，仍未记录验收结果。${who}，立即完成验收，${rule}`],
        to: byOffice ? [f.office.email] : units.emails,
        cc: byOffice ? units.emails : [],
        ccNames: byOffice ? units.names : [],
      };
    }
    case 'listing_order': {
      const l = f.listing!;
      const level = LISTING_LEVEL_NAMES[l.level];
      return {
        title: `关于${site}重大事故隐患挂牌督办的限期整改指令书`,
        mainRecipients: units.names,
        body: [
          `${basis}${hazardPhrase(f)}${f.hazard.basis ? `（判定依据：${f.hazard.basis}）` : ''}。经研究，决定自${chineseDate(l.listedOn)}起对该隐患实行${level}挂牌督办。`,
          `一、${dual}，督促整改责任单位于${chineseDate(l.deadline)}前按照五到位（措施、责任、资金、时限、预案）要求完成整改（整改措施：${f.hazard.measures}；整改责任人：${f.hazard.responsible}）。`,
          '二、整改完成前，须落实安全防范措施和应急预案，防止发生事故；不能保证安全的，应停止相关作业或使用。',
          '三、整改完成后及时报告，经验收合格并销号后，按程序申请摘牌。确需延期的，须在整改时限前书面申请并说明理由，经批准后方可延期。',
          '请收到本指令书后及时签收。',
        ],
        to: units.emails,
        cc: uniq([f.office.email]),
        ccNames: [],
        documentNumber: l.documentNumber,
      };
    }
    case 'delisting': {
      const l = f.listing!;
      const d = l.delisting!;
      return {
        title: `关于${site}重大事故隐患摘牌的通知`,
        mainRecipients: units.names,
        body: [
          `${hazardPhrase(f)}于${chineseDate(l.listedOn)}实行${LISTING_LEVEL_NAMES[l.level]}挂牌督办（${l.documentNumber}）。${l.closedOn ? `该隐患已于${chineseDate(l.closedOn)}验收合格并销号，` : ''}经${d.approvedBy}批准，决定自${chineseDate(d.on)}起予以摘牌。${d.opinion ? `${d.opinion.replace(/[。.]$/, '')}。` : ''}`,
          `请${enumerate(units.names)}督促相关单位巩固整改成果，防止隐患反弹。`,
        ],
        to: units.emails,
        cc: [],
        ccNames: [],
        ...(d.documentNumber ? { documentNumber: d.documentNumber } : {}),
      };
    }
  }
}

function issuerOf(f: HazardLetterFacts): string {
  const { committee, committeeSigns, office } = f.issuer;
  const step = f.kind as EscalationStep;
  return committee && ESCALATION_LADDER.includes(step) && committeeSigns.includes(step) ? committee : office;
}

export function renderHazardLetter(f: HazardLetterFacts): RenderedHazardLetter {
  const instrument = HAZARD_LETTER_NAMES[f.kind];
  const p = parts(f);
  const documentNumber = p.documentNumber ?? (hazardLetterTakesNumber(f.kind) ? f.documentNumber : undefined);
  const letter: OfficialLetter = {
    ...(documentNumber ? { documentNumber } : {}),
    title: p.title,
    mainRecipients: p.mainRecipients,
    body: p.body,
    issuer: issuerOf(f),
    date: civilDateOf(f.sentAt, f.timeZone),
    ...(f.contact ? { contact: f.contact } : {}),
    cc: p.ccNames,
  };
  const subject =
    f.kind === 'reminder'
      ? `【整改提醒】${f.campaignTitle}：${f.hazard.site}隐患（序号${f.hazard.serial}）请于${chineseDate(f.hazard.deadline)}前整改完成`
      : `【${instrument}】${documentNumber ? `${documentNumber} ` : ''}${p.title}`;
  return { instrument, subject, text: officialLetterText(letter), letter, to: p.to, cc: p.cc.filter((c) => !p.to.includes(c)) };
}

/**
 * The day's one 通报 of hazards (one per campaign and send time): every hazard whose 通报 step falls then and is still
 * called for, each with its 序号, site, level, description, 属地 and 行业主管部门, 时限 (and how it came to be), the steps
 * taken and the working days late, and the 约谈 that follows where its ladder has one. `items` share the campaign's
 * parts (office, basis, issuer, every unit, the day, the 发文字号): those of the first are used.
 */
export function renderHazardCirculation(items: readonly HazardLetterFacts[]): RenderedHazardLetter {
  const f = items[0];
  const today = chineseDate(civilDateOf(f.sentAt, f.timeZone));
  const first = f.hazard.site;
  const title = items.length === 1 ? `关于${first}隐患逾期未整改的通报` : `关于${first}等${items.length}处隐患逾期未整改的通报`;
  const lines = items.map((h, i) => {
    const next = nextEnabledStep(h.ladder, 'circulate') === 'interview' ? `逾期仍未完成整改的，将约谈${h.town.name}和${h.department.name}主要负责人。` : '';
    return `${i + 1}. ${deadlineSentence(h)}属地${h.town.name}，行业主管部门${h.department.name}；截至${today}，${stepsTakenPhrase(h, 'circulate')}已逾期${h.lateWorkingDays}个工作日仍未报告整改完成。${next}`;
  });
  const letter: OfficialLetter = {
    ...(f.documentNumber ? { documentNumber: f.documentNumber } : {}),
    title,
    mainRecipients: [allUnitsHeading(f.allUnits)],
    body: [
      `${basisPhrase(f)}下列${items.length === 1 ? '隐患' : `${items.length}处隐患`}已过整改时限仍未报告整改完成，属地和行业主管部门督促整改不力，现予通报：`,
      ...lines,
      '请有关属地和行业主管部门立即督促整改到位。各单位要引以为戒，对排查发现的隐患逐条整改销号。',
    ],
    issuer: issuerOf(f),
    date: civilDateOf(f.sentAt, f.timeZone),
    ...(f.contact ? { contact: f.contact } : {}),
    cc: f.cc.map((c) => c.name),
  };
  const to = uniq(f.allUnits.map((u) => u.email));
  const cc = uniq([f.office.email, ...f.cc.map((c) => c.email)]).filter((c) => !to.includes(c));
  const subject = `【${HAZARD_LETTER_NAMES.circulate}】${f.documentNumber ? `${f.documentNumber} ` : ''}${title}`;
  return { instrument: HAZARD_LETTER_NAMES.circulate, subject, text: officialLetterText(letter), letter, to, cc };
}
