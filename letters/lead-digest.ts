// A lead department's list of the units reporting to it (分别报送相关牵头部门) that have not submitted, the working day
// after their deadline: a 函 from the office, 主送 the lead department, saying who is late (each with its own deadline
// as the record has it, working days late and the office's last step), who is in, who was given more time and who
// was waived — or that all are in. Pure, like letters/render.ts.
import type { CivilDate } from '../domain/calendar';
import { LEAD_DIGEST_NAME } from '../domain/lead-digest';
import { type EscalationStep, INSTRUMENT_NAMES } from '../domain/policy';
import { chineseDate, civilDateOf, formatInstant } from '../domain/zoned-time';
import { type OfficialLetter, officialLetterText } from './official';
import { type Addressee, type BasisFacts, type DeadlineChange, type RenderedNotice, basisPhrase, uniq } from './render';

/** One reporting unit, as the record has it when the list goes out. */
export interface DigestUnit {
  unitName: string;
  /** Its deadline now (after any extension or return). */
  deadline: CivilDate;
  /** The highest step of the office's ladder it has reached (obligation.escalation). */
  escalation: EscalationStep | 'none';
  returned?: DeadlineChange;
  extended?: DeadlineChange;
}

export interface LeadDigestFacts {
  campaignTitle: string;
  office: Addressee;
  lead: Addressee;
  deliverableName: string;
  /** The reporting units' deadline in the campaign file. */
  deadline: CivilDate;
  /** When it goes out (campaign time). */
  sentAt: number;
  timeZone: string;
  /** Past their deadline (deadline before the day it goes out) and not in, with their working days late; in this order. */
  late: (DigestUnit & { lateWorkingDays: number })[];
  /** Not in, but their deadline (extended, or set by a 退回) has not passed. */
  notYetDue: DigestUnit[];
  submitted: string[];
  waived: string[];
  /** The lead department's own deadline for the deliverable, while it still owes it. */
  leadDeadline?: CivilDate;
  basis: BasisFacts[];
  contact?: { name: string; phone: string };
  /** Whether the units report to the office as well (submitTo office): the letter then says so. */
  alsoToOffice: boolean;
  /** 部门 when every reporting unit is a department (as in 分别报送相关牵头部门), else 单位. */
  noun: '部门' | '单位';
  /** 落款: the office (a list of who is in is the office's working letter, never the committee's). */
  issuer: string;
}

const NUMERALS = ['一', '二', '三', '四'];

/** 已发提醒敦促函 — the issuer's last step for the unit (after 本办 or the like). */
function stepWords(step: EscalationStep | 'none'): string {
  if (step === 'none') return '尚未发函催报';
  if (step === 'circulate') return '已予通报';
  return `已发${INSTRUMENT_NAMES[step]}`;
}

/** What the unit owes by when, as the record has it: returned, extended, or the deadline of the campaign file. */
function owedWords(u: DigestUnit): string {
  const due = chineseDate(u.deadline);
  if (u.returned) {
    const extended = u.extended ? `，后经批准延期至${due}` : `，应于${due}前重新报送`;
    return `报送的材料已于${chineseDate(u.returned.on)}退回修改（退回原因：${u.returned.reason}）${extended}`;
  }
  if (u.extended) return `报送期限经批准延期至${due}`;
  return `应于${due}前报送`;
}

/** 9时 / 9时30分 */
function clockWords(instant: number, timeZone: string): string {
  const [h, m] = formatInstant(instant, timeZone).slice(11, 16).split(':').map(Number);
  return `${h}时${m ? `${m}分` : ''}`;
}

/** How the issuer names itself: 本办 for an office (办公室), 本局 for a bureau, else 本单位. */
function selfName(issuer: string): string {
  if (/办(公室)?$/.test(issuer)) return '本办';
  if (issuer.endsWith('局')) return '本局';
  return '本单位';
}

export function renderLeadDigest(f: LeadDigestFacts): RenderedNotice {
  const today = civilDateOf(f.sentAt, f.timeZone);
  const item = `《${f.deliverableName}》`;
  const total = f.late.length + f.notYetDue.length + f.submitted.length + f.waived.length;
  const n = f.noun;
  const title = `关于有关${n}向${f.lead.name}报送${item}情况的函`;
  const body: string[] = [
    `${basisPhrase(f)}应向贵单位报送${item}的有关${n}共${total}个，报送期限为${chineseDate(f.deadline)}${f.alsoToOffice ? `，并同时报送${f.office.name}` : ''}。` +
      `截至${chineseDate(today)}${clockWords(f.sentAt, f.timeZone)}，报送情况如下：`,
  ];
  let section = 0;
  const heading = (words: string) => `${NUMERALS[section++]}、${words}`;
  if (f.late.length) {
    body.push(heading(`逾期未报送（${f.late.length}个）：`));
    const we = selfName(f.issuer);
    f.late.forEach((u, i) => body.push(`${i + 1}．${u.unitName}：${owedWords(u)}，已逾期${u.lateWorkingDays}个工作日，${we}${stepWords(u.escalation)}。`));
  }
  if (f.notYetDue.length) body.push(heading(`尚未报送、未到期（${f.notYetDue.length}个）：${f.notYetDue.map((u) => `${u.unitName}（${owedWords(u)}）`).join('；')}。`));
  if (f.submitted.length) body.push(heading(`已报送（${f.submitted.length}个）：${f.submitted.join('、')}。`));
  if (f.waived.length) body.push(heading(`免报（${f.waived.length}个）：${f.waived.join('、')}。`));
  const own = f.leadDeadline ? `贵单位${item}应于${chineseDate(f.leadDeadline)}前报送${f.office.name}。` : '';
  if (f.late.length) {
    body.push(`请贵单位督促上述逾期${n}立即报送${f.submitted.length ? '，并及时汇总已收到的材料' : ''}。${own}`);
  } else if (f.notYetDue.length) {
    body.push(`目前没有逾期未报送的${n}。请贵单位${f.submitted.length ? '及时汇总已收到的材料，并' : ''}关注上述未到期${n}按期报送。${own}`);
  } else {
    body.push(`应向贵单位报送的${n}均已${f.waived.length ? '报送或免报' : '报送'}，请贵单位及时汇总。${own}`);
  }
  const letter: OfficialLetter = {
    title,
    mainRecipients: [f.lead.name],
    body,
    issuer: f.issuer,
    date: today,
    ...(f.contact ? { contact: f.contact } : {}),
    cc: [],
  };
  const state = f.late.length ? `${f.late.length}个${n}逾期未报送` : f.notYetDue.length ? '无逾期未报送' : '均已报送';
  const subject = `【${LEAD_DIGEST_NAME}】${title}（${state}）`;
  // the office keeps its own copy (as of every letter it sends); a 公文 does not name its issuer under 抄送
  return { instrument: LEAD_DIGEST_NAME, subject, text: officialLetterText(letter), letter, to: [f.lead.email], cc: uniq([f.office.email]).filter((c) => c !== f.lead.email) };
}
