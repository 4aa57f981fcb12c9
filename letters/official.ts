// A letter as a 公文 (GB/T 9704): the parts every official document has, filled by the renderers of each
// kind (letters/render.ts, letters/decisions.ts) and laid out as plain text for the e-mail body and as a .docx
// for the attachment. Pure.
import type { CivilDate } from '../domain/calendar';
import { chineseDate } from '../domain/zoned-time';

export interface OfficialLetter {
  /** 发文字号, e.g. 雷安办〔2022〕3号; absent when the campaign numbers no documents. */
  documentNumber?: string;
  /** 标题, e.g. 关于督促市教育局限期报送…的督办通知 */
  title: string;
  /** 主送机关 (names), e.g. [市教育局] or [各镇（街道）、市直各有关单位] */
  mainRecipients: string[];
  /** 正文, one paragraph each, without indentation (the layout adds it). */
  body: string[];
  /** Where to submit or answer: the unit's own portal link, printed after the body. */
  portalUrl?: string;
  /** The sentence that introduces the link (default PORTAL_SENTENCE, which addresses a unit as 贵单位). */
  portalSentence?: string;
  /** 发文机关署名 (落款) */
  issuer: string;
  /** 成文日期 */
  date: CivilDate;
  /** 联系人及电话 */
  contact?: { name: string; phone: string };
  /** 抄送机关 (names) */
  cc: string[];
  /** A rehearsal's letter (演练): marked as such wherever it is shown. */
  rehearsal?: boolean;
}

export const PORTAL_SENTENCE = '贵单位可通过以下链接在线报送材料或申请延期（无需账号，请勿转发）：';

/** The link's sentence for a letter addressed to a unit's leaders in person (约谈通知): their unit is 你单位. */
export const PORTAL_SENTENCE_TO_PERSONS = '你单位可通过以下链接在线报送材料或申请延期（无需账号，请勿转发）：';

/** 发文字号: 机关代字, 年份 in 〔〕, 发文顺序号 without leading zeros, e.g. 雷安办〔2022〕3号 (GB/T 9704 7.2.4). */
export function formatDocumentNumber(prefix: string, year: number, n: number): string {
  return `${prefix}〔${year}〕${n}号`;
}

/** The e-mail body: the same parts in the same order as the document. */
export function officialLetterText(l: OfficialLetter): string {
  const lines: string[] = [];
  if (l.rehearsal) lines.push('【演练】本函为系统演练生成，不是正式公文。', '');
  if (l.documentNumber) lines.push(l.documentNumber, '');
  lines.push(l.title, '');
  lines.push(`${l.mainRecipients.join('、')}：`, '');
  for (const p of l.body) lines.push(`　　${p}`);
  if (l.portalUrl) lines.push('', `　　${l.portalSentence ?? PORTAL_SENTENCE}`, `　　${l.portalUrl}`);
  lines.push('', l.issuer, chineseDate(l.date));
  if (l.contact) lines.push('', `（联系人：${l.contact.name}，电话：${l.contact.phone}）`);
  if (l.cc.length) lines.push('', `抄送：${l.cc.join('，')}。`);
  return `${lines.join('\n')}\n`;
}
