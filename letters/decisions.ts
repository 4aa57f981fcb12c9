// The words of a letter telling a unit what the office decided about one of its obligations, in the office's
// register (as letters/render.ts). Pure: the facts come in, the letter goes out.
import type { CivilDate } from '../domain/calendar';
import { chineseDate, civilDateOf } from '../domain/zoned-time';
import { type OfficialLetter, officialLetterText } from './official';
import type { Addressee } from './render';

export type DecisionWords =
  | { kind: 'extension-approved'; requestedTo: CivilDate; to: CivilDate }
  | { kind: 'extension-refused'; requestedTo: CivilDate; reason: string; deadline: CivilDate }
  | { kind: 'extended'; from: CivilDate; to: CivilDate; reason: string }
  | { kind: 'returned'; submittedOn?: CivilDate; reason: string; to: CivilDate }
  | { kind: 'waived'; reason: string };

export interface DecisionFacts {
  decision: DecisionWords;
  campaignTitle: string;
  office: Addressee;
  unit: Addressee;
  deliverableName: string;
  /** The office, and for departments also their lead departments (报送对象). */
  submitTo: string[];
  /** When the letter goes out (campaign time). */
  sentAt: number;
  timeZone: string;
  /** The unit's own portal link (报送链接), where the unit still has to act (not for 免报). */
  portalUrl?: string;
  /** 联系人及电话, from the campaign file. */
  contact?: { name: string; phone: string };
}

export interface RenderedDecision {
  /** 延期申请复函, 延期通知, 退回修改通知, 免报通知, as a 公文 (its text is the e-mail body, its .docx the attachment) */
  letter: OfficialLetter;
  subject: string;
  text: string;
  to: string[];
  cc: string[];
}

/** A reason as the operator typed it, closed with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  const t = text.trim();
  return /[。！？.!?]$/.test(t) ? t : `${t}。`;
}

/** A reason inside a sentence (因…退回修改): without the punctuation that would end it. */
function clause(text: string): string {
  return text.trim().replace(/[。！？.!?；;，,、\s]+$/u, '');
}

/** The decision's 标题, the 正文's paragraphs and the e-mail's subject. */
function words(f: DecisionFacts, today: CivilDate): { title: string; body: string[]; subject: string } {
  const item = `《${f.deliverableName}》`;
  const unit = f.unit.name;
  const to = f.submitTo.join('、');
  const d = f.decision;
  const received = 'requestedTo' in d ? `贵单位关于${item}的延期申请（申请延期至${chineseDate(d.requestedTo)}）已收悉。` : '';
  switch (d.kind) {
    case 'extension-approved': {
      const due = chineseDate(d.to);
      return {
        title: `关于同意${unit}延期报送${item}的复函`,
        subject: `【延期申请已批准】${item}截止时间改为${due}`,
        body: [`${received}经研究，延期申请已批准，截止时间改为${due}。根据${f.campaignTitle}工作安排，请于${due}前将${item}报送${to}。`],
      };
    }
    case 'extension-refused': {
      const due = chineseDate(d.deadline);
      const when = today > d.deadline ? `原截止时间${due}已过，请立即报送${to}。` : `请按原截止时间${due}前将${item}报送${to}。`;
      return {
        title: `关于${unit}申请延期报送${item}的复函`,
        subject: `【延期申请未获批准】${item}截止时间仍为${due}`,
        body: [`${received}经研究，延期申请未获批准，理由：${sentence(d.reason)}${when}`],
      };
    }
    case 'extended': {
      const due = chineseDate(d.to);
      return {
        title: `关于调整${unit}报送${item}时限的通知`,
        subject: `【延期通知】${item}截止时间改为${due}`,
        body: [`根据${f.campaignTitle}工作安排，经研究，贵单位${item}的截止时间由${chineseDate(d.from)}改为${due}，理由：${sentence(d.reason)}请于${due}前将${item}报送${to}。`],
      };
    }
    case 'returned': {
      const due = chineseDate(d.to);
      const submitted = d.submittedOn ? `贵单位于${chineseDate(d.submittedOn)}报送的${item}` : `贵单位报送的${item}`;
      return {
        title: `关于退回${unit}${item}修改完善的通知`,
        subject: `【退回修改】${item}请于${due}前重新报送`,
        body: [`${submitted}经审核，因${clause(d.reason)}退回修改，请于${due}前修改完善后重新报送${to}。`],
      };
    }
    case 'waived':
      return {
        title: `关于${unit}免予报送${item}的通知`,
        subject: `【免报通知】贵单位无需报送${item}`,
        body: [`根据${f.campaignTitle}工作安排，经研究，贵单位无需报送${item}，理由：${sentence(d.reason)}此后不再就该事项提醒和督办。`],
      };
  }
}

export function renderDecision(f: DecisionFacts): RenderedDecision {
  const today = civilDateOf(f.sentAt, f.timeZone);
  const { title, body, subject } = words(f, today);
  const letter: OfficialLetter = {
    title,
    mainRecipients: [f.unit.name],
    body,
    // a 免报 leaves the unit nothing to do: no link
    ...(f.portalUrl && f.decision.kind !== 'waived' ? { portalUrl: f.portalUrl } : {}),
    issuer: f.office.name,
    date: today,
    ...(f.contact ? { contact: f.contact } : {}),
    cc: [],
  };
  return { letter, subject, text: officialLetterText(letter), to: [f.unit.email], cc: [] };
}
