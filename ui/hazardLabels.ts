// Chinese words for the hazard ledger's codes (the API's level, status, source, listing and history kinds).
// The same words as domain/hazards.ts; the browser app may not import the domain, so they are repeated here.

export type HazardLevel = 'general' | 'major';
export type HazardStatus = 'pending' | 'rectifying' | 'awaiting_acceptance' | 'closed' | 'cancelled';
export type HazardSource = 'self_check' | 'inspection' | 'report' | 'supervision';
export type ListingLevel = 'county' | 'city' | 'province';

export const HAZARD_LEVEL_LABEL: Record<HazardLevel, string> = { general: '一般', major: '重大' };
export const HAZARD_SOURCE_LABEL: Record<HazardSource, string> = { self_check: '自查', inspection: '检查', report: '举报', supervision: '督办' };
export const HAZARD_STATUS_LABEL: Record<HazardStatus, string> = {
  pending: '待整改',
  rectifying: '整改中',
  awaiting_acceptance: '待验收',
  closed: '已销号',
  cancelled: '已撤销',
};
export const HAZARD_STATUSES = Object.keys(HAZARD_STATUS_LABEL) as HazardStatus[];
export const HAZARD_STATUS_COLOR: Record<HazardStatus, string> = {
  pending: 'gold',
  rectifying: 'processing',
  awaiting_acceptance: 'purple',
  closed: 'success',
  cancelled: 'default',
};
/** The letters naming a hazard that may wait for a leader's 签发 (the summary's awaitingSignOff). */
export type HeldLetterKind = 'circulate' | 'interview';
export const HELD_LETTER_LABEL: Record<HeldLetterKind, string> = { circulate: '通报', interview: '约谈通知' };
export const LISTING_LEVEL_LABEL: Record<ListingLevel, string> = { county: '县级', city: '市级', province: '省级' };
export const LISTING_STATUS_LABEL: Record<string, string> = { listed: '挂牌中', delisted: '已摘牌', revoked: '已撤销挂牌' };

/** The history's kinds (hazard events, listing events, creation). */
export const HAZARD_HISTORY_LABEL: Record<string, string> = {
  create: '登记',
  plan: '治理方案',
  start: '开始整改',
  report_done: '整改完成',
  accept: '验收',
  extend: '延期',
  cancel: '撤销',
  edit: '修改',
  list: '挂牌督办',
  sign: '签收',
  announce: '公告',
  request_extension: '申请延期',
  decide_extension: '决定延期申请',
  delist: '摘牌',
  revoke: '撤销挂牌',
  // its letters' 签发 (store/hazard-sign-off.ts)
  'sign_off.awaiting': '待签发',
  'sign_off.approved': '已签发',
  'sign_off.withdrawn': '已撤回',
  'sign_off.unneeded': '签发后未发出',
};
export const historyLabel = (kind: string) => HAZARD_HISTORY_LABEL[kind] ?? kind;

/** 0.8571 → 85.7%; null → —. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(1)}%`;
}

/** A letter's status as a tag colour (its words come with the letter: statusName). */
export const HAZARD_LETTER_STATUS_COLOR: Record<string, string> = {
  sent: 'success',
  awaiting_sign_off: 'warning',
  approved: 'processing',
  withdrawn: 'default',
  not_needed: 'default',
  claimed: 'processing',
  sending: 'processing',
};
