// Chinese words for the API's codes, and date formatting (instants shown in China time).
import type { BoardStanding, BoardStatusFilter, EscalationLevel, Interview, Role } from '../web/api-types';

export const ROLE_LABEL: Record<Role, string> = { clerk: '办事员', leader: '领导', admin: '管理员' };

export const STANDING_LABEL: Record<BoardStanding, string> = {
  on_time: '按时报送',
  due_soon: '临近截止',
  open: '待报送',
  overdue: '逾期未报',
  submitted_late: '逾期报送',
  waived: '免报',
};

export const ESCALATION_LABEL: Record<EscalationLevel, string> = {
  none: '—',
  urge: '提醒敦促函',
  notice: '督办通知',
  circulate: '通报',
  interview: '约谈',
};

/** Notice actions (next step, letters, plan preview). */
export const ACTION_LABEL: Record<string, string> = {
  reminder: '提醒',
  urge: '提醒敦促函',
  notice: '督办通知',
  circulate: '通报',
  interview: '约谈',
  'lead-digest': '报送情况函',
};

export const STATUS_FILTER_LABEL: Record<BoardStatusFilter, string> = {
  open: '未报送',
  due_soon: '临近截止',
  overdue: '逾期未报',
  submitted: '已报送',
  extended: '已延期',
  returned: '已退回',
  waived: '免报',
};

export const INTERVIEW_STATUS_LABEL: Record<Interview['status'], string> = {
  to_schedule: '待安排',
  scheduled: '已安排',
  held: '已办结',
};

export const REQUEST_STATUS_LABEL: Record<'pending' | 'approved' | 'refused', string> = {
  pending: '待审批',
  approved: '已批准',
  refused: '不予批准',
};

/** Timeline kinds (the audit record's kinds); unknown kinds are shown as they come. */
export const TIMELINE_KIND_LABEL: Record<string, string> = {
  'campaign.launched': '发起',
  'notice.sent': '函件',
  'obligation.submit': '报送',
  'obligation.extend': '延期',
  'obligation.return': '退回',
  'obligation.waive': '免报',
  'interview.created': '约谈',
  'interview.scheduled': '安排约谈',
  'interview.closed': '约谈办结',
  'extension.requested': '延期申请',
  'extension.approved': '批准延期',
  'extension.refused': '不予批准',
  'channel.sent': '群机器人',
  'channel.failed': '群机器人未送达',
};

/** Unit types of the definition (town / lead_department / department). */
export const UNIT_TYPE_LABEL: Record<string, string> = {
  town: '镇（街道）',
  lead_department: '牵头部门',
  department: '有关部门',
};
export const unitTypeLabel = (t: string) => UNIT_TYPE_LABEL[t] ?? t;

/** `operator:NAME` → NAME, `unit:ID` → ID（报送链接）; other actors as they are. */
export function actorLabel(actor: string | null | undefined): string {
  if (!actor) return '';
  if (actor.startsWith('operator:')) return actor.slice(9);
  if (actor.startsWith('unit:')) return `${actor.slice(5)}（报送链接）`;
  return actor;
}

/** The campaigns' time zone as the UI assumes it (the API does not name it): Asia/Shanghai, UTC+8 all year. */
export const CHINA_OFFSET = '+08:00';

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** `2022-10-12T09:00:00+08:00` → `2022-10-12 09:00` (China time). */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(DATE_TIME.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
