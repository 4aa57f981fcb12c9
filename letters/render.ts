// The words of every notice, in the office's register. Pure: the facts come in, the letter goes out.
import type { CivilDate } from '../domain/calendar';
import { INSTRUMENT_NAMES, type NoticeAction } from '../domain/policy';
import { chineseDate, civilDateOf } from '../domain/zoned-time';

export interface Addressee {
  name: string;
  email: string;
}

export interface NoticeFacts {
  action: NoticeAction;
  campaignTitle: string;
  office: Addressee;
  unit: Addressee & { principal: Addressee };
  deliverableName: string;
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
  /** Every unit of the campaign, for a circulation. */
  allUnits: Addressee[];
  /** The unit's own portal link (报送链接), where it submits or asks for more time; never in a circulation. */
  portalUrl?: string;
}

export interface RenderedNotice {
  /** 提醒 / 提醒敦促函 / 督办通知 / 通报 / 约谈通知 */
  instrument: string;
  subject: string;
  text: string;
  to: string[];
  cc: string[];
}


function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

export function renderNotice(f: NoticeFacts): RenderedNotice {
  const due = chineseDate(f.deadline);
  const today = civilDateOf(f.sentAt, f.timeZone);
  const lateDays = f.lateWorkingDays;
  const to = f.submitTo.join('、');
  const item = `《${f.deliverableName}》`;
  const portal = f.portalUrl ? `\n\n贵单位可通过以下链接在线报送材料或申请延期（无需账号，请勿转发）：\n${f.portalUrl}` : '';
  const sign = `${portal}\n\n${f.office.name}\n${chineseDate(today)}\n`;
  const circulationSign = `\n\n${f.office.name}\n${chineseDate(today)}\n`;
  const instrument = INSTRUMENT_NAMES[f.action];
  switch (f.action) {
    case 'reminder':
      return {
        instrument,
        subject: `【提醒】${f.campaignTitle}：${item}请于${due}前报送`,
        text:
          `${f.unit.name}：\n\n根据${f.campaignTitle}工作安排，贵单位应于${due}前将${item}报送${to}。` +
          `截至目前尚未收到贵单位报送的材料，请按时报送。如已报送，请忽略本提醒。${sign}`,
        to: [f.unit.email],
        cc: [],
      };
    case 'urge':
      return {
        instrument,
        subject: `【提醒敦促函】关于督促${f.unit.name}报送${item}的函`,
        text:
          `${f.unit.name}：\n\n根据${f.campaignTitle}工作安排，贵单位应于${due}前将${item}报送${to}。` +
          `截至${chineseDate(today)}，已逾期${lateDays}个工作日，仍未收到贵单位报送的材料。` +
          `请高度重视，收函后立即报送。${sign}`,
        to: [f.unit.email],
        cc: [],
      };
    case 'notice': {
      const limit = f.timeLimit ? `请于${chineseDate(f.timeLimit)}前完成报送，逾期仍未报送的，将予以通报。` : '请立即完成报送。';
      return {
        instrument,
        subject: `【督办通知】关于督促${f.unit.name}限期报送${item}的督办通知`,
        text:
          `${f.unit.name}、${f.unit.principal.name}同志：\n\n贵单位应于${due}前报送的${item}，` +
          `截至${chineseDate(today)}已逾期${lateDays}个工作日。经提醒敦促，仍未报送。现予督办，${limit}${sign}`,
        to: uniq([f.unit.email, f.unit.principal.email]),
        cc: [],
      };
    }
    case 'circulate':
      return {
        instrument,
        subject: `【通报】关于${f.unit.name}未按时报送${item}的通报`,
        text:
          `各单位：\n\n根据${f.campaignTitle}工作安排，各单位应于${due}前报送${item}。` +
          `截至${chineseDate(today)}，${f.unit.name}经提醒敦促和督办，已逾期${lateDays}个工作日仍未报送，现予通报。` +
          `请${f.unit.name}立即报送，各单位引以为戒，按时完成各项工作任务。${circulationSign}`,
        to: [f.office.email],
        cc: uniq(f.allUnits.map((u) => u.email)),
      };
    case 'interview':
      return {
        instrument,
        subject: `【约谈通知】关于约谈${f.unit.name}主要负责人的通知`,
        text:
          `${f.unit.principal.name}同志：\n\n贵单位应于${due}前报送的${item}，截至${chineseDate(today)}已逾期${lateDays}个工作日，` +
          `经提醒敦促、督办和通报仍未报送。根据${f.campaignTitle}工作安排，${f.office.name}决定约谈贵单位主要负责人。` +
          `约谈时间、地点另行通知，请做好准备。${sign}`,
        to: uniq([f.unit.principal.email, f.office.email]),
        cc: [f.unit.email],
      };
  }
}
