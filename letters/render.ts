// The words of every notice, in the office's register, as a 公文 (letters/official.ts). Pure: the facts come
// in, the letter goes out. Every sentence follows from the facts: a step is threatened only when the ladder
// has it, a step is said to have been taken only when its letter went out, each unit's own deadline is stated.
import type { CivilDate } from '../domain/calendar';
import { ESCALATION_LADDER, type EscalationStep, INSTRUMENT_NAMES, type NoticeAction, type NoticePolicy } from '../domain/policy';
import { chineseDate, civilDateOf } from '../domain/zoned-time';
import { type OfficialLetter, PORTAL_SENTENCE_TO_PERSONS, officialLetterText } from './official';

export interface Addressee {
  name: string;
  email: string;
}

/** A unit's principal (主要负责人). */
export interface PrincipalFacts extends Addressee {
  /** 职务, e.g. 党委书记 */
  title?: string;
}

/** A document the campaign is based on, cited as 《title》（number）. */
export interface BasisFacts {
  title: string;
  number?: string;
}

/** What the office did to the deadline (the latest 退回 and 延期 of this obligation). */
export interface DeadlineChange {
  /** The day the office did it (campaign zone). */
  on: CivilDate;
  /** The deadline it set. */
  to: CivilDate;
  reason: string;
}

export interface NoticeFacts {
  action: NoticeAction;
  campaignTitle: string;
  office: Addressee;
  unit: Addressee & { principals: PrincipalFacts[] };
  deliverableName: string;
  /** This unit's deadline for this deliverable (after any extension or return). */
  deadline: CivilDate;
  /** The office, and for departments also their lead departments (报送对象). */
  submitTo: string[];
  /** When the notice goes out (campaign time). */
  sentAt: number;
  timeZone: string;
  /** Working days the deadline has passed by on the day it goes out (domain/policy workingDaysLate). */
  lateWorkingDays: number;
  /** The supervision notice's new time limit (domain/policy supervisionTimeLimit). */
  timeLimit?: CivilDate;
  /** Every unit of the campaign, for a circulation (its 主送). */
  allUnits: (Addressee & { type?: string })[];
  /** The unit's own portal link (报送链接), where it submits or asks for more time; never in a circulation. */
  portalUrl?: string;
  /** The deliverable's escalation ladder (working day after the deadline, or null when the step is off). */
  ladder: NoticePolicy['escalate'];
  /** The escalation letters already sent for this deadline (read from the record). */
  stepsTaken: EscalationStep[];
  /** The latest 退回 of the submission, when the current deadline comes from it or from a later extension. */
  returned?: DeadlineChange;
  /** The latest approved 延期, when it set the current deadline (after any return). */
  extended?: DeadlineChange;
  /** 发文字号, given when the letter was claimed; none for a reminder or a campaign without `documents`. */
  documentNumber?: string;
  /** The documents cited as the basis (根据《…》（…）要求). */
  basis: BasisFacts[];
  contact?: { name: string; phone: string };
  /** 抄送 of 通报 and 约谈 (names printed, addresses copied). */
  cc: Addressee[];
  /** The lead departments the deliverable is submitted to (分别报送相关牵头部门): copied on the unit's letters. */
  leads?: Addressee[];
  /** Who signs: the committee for the steps it signs, else the office. */
  issuer: { office: string; committee?: string; committeeSigns: EscalationStep[] };
}

export interface RenderedNotice {
  /** 提醒 / 提醒敦促函 / 督办通知 / 通报 / 约谈通知 */
  instrument: string;
  subject: string;
  /** The e-mail body: officialLetterText(letter). */
  text: string;
  letter: OfficialLetter;
  to: string[];
  cc: string[];
}

/** The letters that carry a 发文字号: every escalation step; a reminder is a courtesy, not a document. */
export function takesDocumentNumber(action: NoticeAction): action is EscalationStep {
  return action !== 'reminder';
}

export function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

/** 甲、乙和丙 */
export function enumerate(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('、')}和${items[items.length - 1]}`;
}

export const STEP_WORDS: Record<EscalationStep, string> = { urge: '提醒敦促', notice: '督办', circulate: '通报', interview: '约谈' };

/** "经提醒敦促和督办，" for the steps taken before this one, in ladder order; "" when none was. */
function stepsTakenPhrase(f: NoticeFacts, before: EscalationStep): string {
  const taken = ESCALATION_LADDER.filter((s) => s !== before && ESCALATION_LADDER.indexOf(s) < ESCALATION_LADDER.indexOf(before) && f.stepsTaken.includes(s));
  return taken.length ? `经${enumerate(taken.map((s) => STEP_WORDS[s]))}，` : '';
}

/** The next step of the ladder after `step` that is enabled, if any. */
export function nextEnabledStep(ladder: NoticePolicy['escalate'], step: EscalationStep): EscalationStep | undefined {
  return ESCALATION_LADDER.slice(ESCALATION_LADDER.indexOf(step) + 1).find((s) => ladder[s] !== null);
}

/** 根据《…》（…）和《…》要求， — or the campaign's name when no document is cited. */
export function basisPhrase(f: Pick<NoticeFacts, 'basis' | 'campaignTitle'>): string {
  if (f.basis.length === 0) return `根据${f.campaignTitle}工作安排，`;
  return `根据${enumerate(f.basis.map((b) => `《${b.title}》${b.number ? `（${b.number}）` : ''}`))}要求，`;
}

/** 党工委书记周洮府同志 / 市教育局主要负责人 (a placeholder name that already says what it is). */
function principalLabel(unit: string, p: PrincipalFacts): string {
  if (p.title) return `${unit}${p.title}${p.name}同志`;
  if (p.name.includes('负责人')) return p.name;
  return `${unit}主要负责人${p.name}同志`;
}

function issuerOf(f: NoticeFacts, action: NoticeAction): string {
  const { committee, committeeSigns, office } = f.issuer;
  return committee && action !== 'reminder' && committeeSigns.includes(action) ? committee : office;
}

/** 各镇（街道）、各有关单位 — the circulation's 主送, by the kinds of units the campaign has. */
export function allUnitsHeading(units: NoticeFacts['allUnits']): string {
  const towns = units.some((u) => u.type === 'town');
  const others = units.some((u) => u.type !== 'town');
  return [towns ? '各镇（街道）' : '', others ? '各有关单位' : ''].filter(Boolean).join('、') || '各有关单位';
}

/**
 * What the office knows of this deadline, as the unit (`who`: 贵单位, 你单位, or the unit's name in a 通报) is
 * told it: owed by the deadline; or a submission returned on a day, for a reason, with a new deadline; or a
 * deadline extended on approval.
 */
function deadlineSentence(f: NoticeFacts, who: string): string {
  const due = chineseDate(f.deadline);
  const item = `《${f.deliverableName}》`;
  const to = f.submitTo.join('、');
  if (f.returned) {
    const extended = f.extended ? `，后经批准延期至${due}` : '';
    const dueNow = f.extended ? '' : `，要求于${due}前修改完善后重新报送${to}`;
    return `${who}报送的${item}已于${chineseDate(f.returned.on)}退回修改（退回原因：${f.returned.reason}）${dueNow}${extended}。`;
  }
  if (f.extended) return `${who}${item}的报送期限经批准延期至${due}，应于${due}前报送${to}。`;
  return `${who}应于${due}前将${item}报送${to}。`;
}

/** 仍未收到贵单位（修改后重新）报送的材料 */
function notReceived(f: NoticeFacts, who: string): string {
  return f.returned ? `仍未收到${who}修改后重新报送的材料` : `仍未收到${who}报送的材料`;
}

interface Parts {
  title: string;
  mainRecipients: string[];
  body: string[];
  to: string[];
  cc: string[];
  /** 抄送 (names) */
  ccNames: string[];
  portal: boolean;
}

function parts(f: NoticeFacts): Parts {
  const today = chineseDate(civilDateOf(f.sentAt, f.timeZone));
  const due = chineseDate(f.deadline);
  const item = `《${f.deliverableName}》`;
  const late = `已逾期${f.lateWorkingDays}个工作日`;
  const basis = basisPhrase(f);
  const principals = f.unit.principals;
  switch (f.action) {
    case 'reminder': {
      const ask = f.returned ? '如已重新报送，请忽略本提醒。' : '截至目前尚未收到贵单位报送的材料，请按时报送。如已报送，请忽略本提醒。';
      return {
        title: `关于按时报送${item}的提醒`,
        mainRecipients: [f.unit.name],
        body: [`${basis}${deadlineSentence(f, '贵单位')}${ask}`],
        to: [f.unit.email],
        cc: [],
        ccNames: [],
        portal: true,
      };
    }
    case 'urge':
      return {
        title: `关于督促${f.unit.name}报送${item}的函`,
        mainRecipients: [f.unit.name],
        body: [`${basis}${deadlineSentence(f, '贵单位')}截至${today}，${late}，${notReceived(f, '贵单位')}。请高度重视，收函后立即报送。`],
        to: [f.unit.email],
        cc: [],
        ccNames: [],
        portal: true,
      };
    case 'notice': {
      const limit = f.timeLimit ? `于${chineseDate(f.timeLimit)}前完成报送` : '立即完成报送';
      const next = nextEnabledStep(f.ladder, 'notice');
      const threat =
        next === 'circulate' ? '逾期仍未报送的，将予以通报。' : next === 'interview' ? '逾期仍未报送的，将约谈贵单位主要负责人。' : '';
      return {
        title: `关于督促${f.unit.name}限期报送${item}的督办通知`,
        mainRecipients: [f.unit.name],
        body: [
          `${basis}${deadlineSentence(f, '贵单位')}截至${today}，${late}，${stepsTakenPhrase(f, 'notice')}仍未报送。`,
          `现予督办。请贵单位主要负责人高度重视，${limit}。${threat}`,
        ],
        to: [f.unit.email],
        cc: uniq(principals.map((p) => p.email)),
        ccNames: principals.map((p) => principalLabel(f.unit.name, p)),
        portal: true,
      };
    }
    case 'circulate': {
      const next = nextEnabledStep(f.ladder, 'circulate');
      const threat = next === 'interview' ? `逾期仍未报送的，将约谈${f.unit.name}主要负责人。` : '';
      return {
        title: `关于${f.unit.name}未按时报送${item}的通报`,
        mainRecipients: [allUnitsHeading(f.allUnits)],
        body: [
          `${basis}${deadlineSentence(f, f.unit.name)}截至${today}，${f.unit.name}${stepsTakenPhrase(f, 'circulate')}${late}仍未报送，现予通报。`,
          `请${f.unit.name}立即报送。${threat}各单位要引以为戒，按时完成各项工作任务。`,
        ],
        to: uniq(f.allUnits.map((u) => u.email)),
        cc: uniq([f.office.email, ...f.cc.map((c) => c.email)]),
        ccNames: f.cc.map((c) => c.name),
        portal: false,
      };
    }
    case 'interview': {
      const you = principals.length > 1 ? '你们' : '你';
      return {
        title: `关于约谈${f.unit.name}主要负责人的通知`,
        mainRecipients: principals.map((p) => `${p.name}同志`),
        body: [
          `${basis}${deadlineSentence(f, '你单位')}截至${today}，${late}，${stepsTakenPhrase(f, 'interview')}仍未报送。`,
          `经研究，${issuerOf(f, 'interview')}决定约谈${you}。约谈时间、地点另行通知，请做好准备。在此之前，请督促你单位立即报送。`,
        ],
        to: uniq(principals.map((p) => p.email)),
        cc: uniq([f.unit.email, f.office.email, ...f.cc.map((c) => c.email)]),
        ccNames: [f.unit.name, ...f.cc.map((c) => c.name)],
        portal: true,
      };
    }
  }
}

/** A unit's own letters are copied to the lead departments it reports to for this deliverable; a 通报 goes to everyone anyway. */
function withLeads(f: NoticeFacts, p: Parts): Parts {
  const leads = f.action === 'circulate' ? [] : (f.leads ?? []);
  if (!leads.length) return p;
  return { ...p, cc: uniq([...p.cc, ...leads.map((l) => l.email)]), ccNames: uniq([...p.ccNames, ...leads.map((l) => l.name)]) };
}

export function renderNotice(f: NoticeFacts): RenderedNotice {
  const instrument = INSTRUMENT_NAMES[f.action];
  const p = withLeads(f, parts(f));
  const documentNumber = takesDocumentNumber(f.action) ? f.documentNumber : undefined;
  const letter: OfficialLetter = {
    ...(documentNumber ? { documentNumber } : {}),
    title: p.title,
    mainRecipients: p.mainRecipients,
    body: p.body,
    ...(p.portal && f.portalUrl ? { portalUrl: f.portalUrl, ...(f.action === 'interview' ? { portalSentence: PORTAL_SENTENCE_TO_PERSONS } : {}) } : {}),
    issuer: issuerOf(f, f.action),
    date: civilDateOf(f.sentAt, f.timeZone),
    ...(f.contact ? { contact: f.contact } : {}),
    cc: p.ccNames,
  };
  const subject =
    f.action === 'reminder'
      ? `【提醒】${f.campaignTitle}：《${f.deliverableName}》请于${chineseDate(f.deadline)}前报送`
      : `【${instrument}】${documentNumber ? `${documentNumber} ` : ''}${p.title}`;
  return { instrument, subject, text: officialLetterText(letter), letter, to: p.to, cc: p.cc.filter((c) => !p.to.includes(c)) };
}
