// The words of a letter telling a unit what the office decided about one of its obligations, in the office's
// register (as letters/render.ts). Pure: the facts come in, the letter goes out.
import type { CivilDate } from '../domain/calendar';
import { chineseDate, civilDateOf } from '../domain/zoned-time';
import type { Addressee } from './render';

export type DecisionWords =
  | { kind: 'extension-approved'; requestedTo: CivilDate; to: CivilDate }
  | { kind: 'extension-refused'; requestedTo: CivilDate; reason: string; deadline: CivilDate };

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
  /** The unit's own portal link (报送链接). */
  portalUrl?: string;
}

export interface RenderedDecision {
  /** 延期申请批复 */
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

export function renderDecision(f: DecisionFacts): RenderedDecision {
  const today = civilDateOf(f.sentAt, f.timeZone);
  const item = `《${f.deliverableName}》`;
  const to = f.submitTo.join('、');
  const portal = f.portalUrl ? `\n\n贵单位可通过以下链接在线报送材料或申请延期（无需账号，请勿转发）：\n${f.portalUrl}` : '';
  const sign = `${portal}\n\n${f.office.name}\n${chineseDate(today)}\n`;
  const d = f.decision;
  const received = `贵单位关于${item}的延期申请（申请延期至${chineseDate(d.requestedTo)}）已收悉。`;
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
  }
}
