// The words of a letter telling a unit what the office decided about one of its obligations, in the office's
// register (as letters/render.ts). Pure: the facts come in, the letter goes out.
import type { CivilDate } from '../domain/calendar';
import { chineseDate, civilDateOf } from '../domain/zoned-time';
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
}

export interface RenderedDecision {
  /** 延期申请批复, 延期通知, 退回修改通知, 免报通知 */
  title: string;
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

export function renderDecision(f: DecisionFacts): RenderedDecision {
  const today = civilDateOf(f.sentAt, f.timeZone);
  const item = `《${f.deliverableName}》`;
  const to = f.submitTo.join('、');
  const portal = f.portalUrl ? `\n\n贵单位可通过以下链接在线报送材料或申请延期（无需账号，请勿转发）：\n${f.portalUrl}` : '';
  const sign = `${portal}\n\n${f.office.name}\n${chineseDate(today)}\n`;
  const d = f.decision;
  const received = 'requestedTo' in d ? `贵单位关于${item}的延期申请（申请延期至${chineseDate(d.requestedTo)}）已收悉。` : '';
  switch (d.kind) {
    case 'extension-approved': {
      const due = chineseDate(d.to);
      return {
        title: '延期申请批复',
        subject: `【延期申请已批准】${item}截止时间改为${due}`,
        text:
          `${f.unit.name}：\n\n${received}经研究，延期申请已批准，截止时间改为${due}。` +
          `根据${f.campaignTitle}工作安排，请于${due}前将${item}报送${to}。${sign}`,
        to: [f.unit.email],
        cc: [],
      };
    }
    case 'extension-refused': {
      const due = chineseDate(d.deadline);
      const when = today > d.deadline ? `原截止时间${due}已过，请立即报送${to}。` : `请按原截止时间${due}前将${item}报送${to}。`;
      return {
        title: '延期申请批复',
        subject: `【延期申请未获批准】${item}截止时间仍为${due}`,
        text: `${f.unit.name}：\n\n${received}经研究，延期申请未获批准，理由：${sentence(d.reason)}${when}${sign}`,
        to: [f.unit.email],
        cc: [],
      };
    }
    case 'extended': {
      const due = chineseDate(d.to);
      return {
        title: '延期通知',
        subject: `【延期通知】${item}截止时间改为${due}`,
        text:
          `${f.unit.name}：\n\n根据${f.campaignTitle}工作安排，经研究，贵单位${item}的截止时间由${chineseDate(d.from)}改为${due}，` +
          `理由：${sentence(d.reason)}请于${due}前将${item}报送${to}。${sign}`,
        to: [f.unit.email],
        cc: [],
      };
    }
    case 'returned': {
      const due = chineseDate(d.to);
      const submitted = d.submittedOn ? `贵单位于${chineseDate(d.submittedOn)}报送的${item}` : `贵单位报送的${item}`;
      return {
        title: '退回修改通知',
        subject: `【退回修改】${item}请于${due}前重新报送`,
        text: `${f.unit.name}：\n\n${submitted}经审核，因${clause(d.reason)}退回修改，请于${due}前修改完善后重新报送${to}。${sign}`,
        to: [f.unit.email],
        cc: [],
      };
    }
    case 'waived':
      return {
        title: '免报通知',
        subject: `【免报通知】贵单位无需报送${item}`,
        text:
          `${f.unit.name}：\n\n根据${f.campaignTitle}工作安排，经研究，贵单位无需报送${item}，理由：${sentence(d.reason)}` +
          `此后不再就该事项提醒和督办。\n\n${f.office.name}\n${chineseDate(today)}\n`,
        to: [f.unit.email],
        cc: [],
      };
  }
}
