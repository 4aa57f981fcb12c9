// The hazard (隐患) of a 整改台账 and its life, as pure functions: 待整改 → 整改中 → 待验收 → 已销号, or 已撤销; and
// 挂牌督办 of a 重大 hazard as a record of its own. In the style of domain/policy.ts: `check…` throws a DubanError
// naming what is wrong, in Chinese; `apply…` returns the new state and is called only after the check passed.
// Nothing moves without its evidence, and the 整改时限 moves only by an approved 延期 (or, for 重新整改, by the
// new 时限 a failed 验收 sets); editing a hazard's text never touches it.
import { type CivilDate, type WorkCalendar, isCivilDate, workingDaysOf } from './calendar';
import type { UnitType } from './definition';
import { DubanError, type DubanErrorCode } from './errors';
import type { HazardPolicy } from './hazard-policy';
import { type ScheduleContext, type ScheduledNotice, noticeSchedule } from './policy';
import { chineseDate, civilDateOf } from './zoned-time';

// ───────────────────────────── the hazard as data ─────────────────────────────

export type HazardLevel = 'general' | 'major';
export const HAZARD_LEVELS: readonly HazardLevel[] = ['general', 'major'];
export const HAZARD_LEVEL_NAMES: Record<HazardLevel, string> = { general: '一般', major: '重大' };

export type HazardSource = 'self_check' | 'inspection' | 'report' | 'supervision';
export const HAZARD_SOURCES: readonly HazardSource[] = ['self_check', 'inspection', 'report', 'supervision'];
export const HAZARD_SOURCE_NAMES: Record<HazardSource, string> = { self_check: '自查', inspection: '检查', report: '举报', supervision: '督办' };

export type HazardStatus = 'pending' | 'rectifying' | 'awaiting_acceptance' | 'closed' | 'cancelled';
export const HAZARD_STATUSES: readonly HazardStatus[] = ['pending', 'rectifying', 'awaiting_acceptance', 'closed', 'cancelled'];
export const HAZARD_STATUS_NAMES: Record<HazardStatus, string> = {
  pending: '待整改',
  rectifying: '整改中',
  awaiting_acceptance: '待验收',
  closed: '已销号',
  cancelled: '已撤销',
};

/** What the ledger says about a hazard: one row of the 台账. */
export interface HazardFacts {
  /** 企业或场所, free text. */
  site: string;
  /** 属地: a town of the campaign. */
  townId: string;
  /** 行业主管部门: a department (or lead department) of the campaign. */
  departmentId: string;
  /** 隐患描述 */
  description: string;
  level: HazardLevel;
  /** 判定依据: for 重大, the item of the sector's 重大事故隐患判定标准 it meets; '' when none is given (一般). */
  basis: string;
  /** 发现日期 */
  foundOn: CivilDate;
  source: HazardSource;
  /** 整改措施 */
  measures: string;
  /** 责任人: the person answerable for the rectification (who may therefore not accept it). */
  responsible: string;
  /** 整改资金, 万元, ≥ 0. */
  fundsWan: number;
  /** 整改时限: by the end of this day. */
  deadline: CivilDate;
}

export interface Hazard extends HazardFacts {
  id: string;
  campaignId: string;
}

/** A kept file (store/files.ts names it by its sha256): a photo before/after, a document, an 验收 record. */
export interface FileRef {
  sha256: string;
  name: string;
}

/** A unit of the campaign, as far as a hazard cares. */
export interface HazardUnit {
  id: string;
  type: UnitType;
}

/** The text fields an edit may change; never the 时限, the level or the state. */
export const EDITABLE_FIELDS = ['description', 'measures', 'site', 'responsible', 'fundsWan'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];
export type HazardEdit = Partial<Pick<HazardFacts, EditableField>>;

export const HAZARD_FIELD_NAMES: Record<keyof HazardFacts, string> = {
  site: '企业或场所',
  townId: '属地',
  departmentId: '行业主管部门',
  description: '隐患描述',
  level: '隐患等级',
  basis: '判定依据',
  foundOn: '发现日期',
  source: '来源',
  measures: '整改措施',
  responsible: '责任人',
  fundsWan: '整改资金（万元）',
  deadline: '整改时限',
};

export interface HazardFactProblem {
  field: keyof HazardFacts;
  message: string;
}

const TEXT_FIELDS = ['site', 'townId', 'departmentId', 'description', 'measures', 'responsible'] as const;
const blank = (s: unknown) => typeof s !== 'string' || s.trim() === '';

/**
 * What is wrong with these facts, field by field; [] when nothing. Only the fields present are judged (an importer
 * passes what it could read), and the rules between fields when both are present: 重大 needs its 判定依据, the 时限
 * is not before the found date. With `units`, 属地 must be a town and 行业主管部门 a department or lead department.
 */
export function hazardFactProblems(facts: Partial<HazardFacts>, units?: readonly HazardUnit[]): HazardFactProblem[] {
  const out: HazardFactProblem[] = [];
  const problem = (field: keyof HazardFacts, message: string) => out.push({ field, message });
  for (const f of TEXT_FIELDS) if (f in facts && blank(facts[f])) problem(f, '必填，不能为空');
  if (facts.level !== undefined && !HAZARD_LEVELS.includes(facts.level)) problem('level', `“${String(facts.level)}” 不是隐患等级（应为 一般 或 重大）`);
  if (facts.source !== undefined && !HAZARD_SOURCES.includes(facts.source))
    problem('source', `“${String(facts.source)}” 不是隐患来源（应为 自查、检查、举报 或 督办）`);
  if (facts.level === 'major' && 'basis' in facts && blank(facts.basis)) problem('basis', '重大隐患须写明判定依据（符合的重大事故隐患判定标准条款）');
  const dateOk = (field: 'foundOn' | 'deadline') => {
    const v = facts[field];
    if (v === undefined) return false;
    if (typeof v !== 'string' || !isCivilDate(v)) {
      problem(field, `“${String(v)}” 不是有效的日期（YYYY-MM-DD）`);
      return false;
    }
    return true;
  };
  const found = dateOk('foundOn');
  const due = dateOk('deadline');
  if (found && due && facts.deadline! < facts.foundOn!) problem('deadline', `整改时限 ${facts.deadline} 早于发现日期 ${facts.foundOn}`);
  if (facts.fundsWan !== undefined && (typeof facts.fundsWan !== 'number' || !Number.isFinite(facts.fundsWan) || facts.fundsWan < 0))
    problem('fundsWan', `整改资金应为不小于 0 的数（万元），实际为“${String(facts.fundsWan)}”`);
  if (units) {
    const byId = new Map(units.map((u) => [u.id, u]));
    if (facts.townId && !blank(facts.townId)) {
      const u = byId.get(facts.townId);
      if (!u) problem('townId', `“${facts.townId}” 不是本次行动的单位`);
      else if (u.type !== 'town') problem('townId', `“${facts.townId}” 是${UNIT_TYPE_WORDS[u.type]}，属地应为镇（街道）`);
    }
    if (facts.departmentId && !blank(facts.departmentId)) {
      const u = byId.get(facts.departmentId);
      if (!u) problem('departmentId', `“${facts.departmentId}” 不是本次行动的单位`);
      else if (u.type === 'town') problem('departmentId', `“${facts.departmentId}” 是镇（街道），行业主管部门应为部门或牵头部门`);
    }
  }
  return out;
}

export const UNIT_TYPE_WORDS: Record<UnitType, string> = { town: '镇（街道）', lead_department: '牵头部门', department: '有关部门' };

const REQUIRED_FACTS: readonly (keyof HazardFacts)[] = [
  'site',
  'townId',
  'departmentId',
  'description',
  'level',
  'basis',
  'foundOn',
  'source',
  'measures',
  'responsible',
  'fundsWan',
  'deadline',
];

/** Throws DubanError INVALID_HAZARD listing every problem (details: one line each) unless the hazard is whole and sound. */
export function checkHazard(hazard: Hazard, units?: readonly HazardUnit[]): void {
  const problems: string[] = [];
  if (blank(hazard.id)) problems.push('编号：必填，不能为空');
  if (blank(hazard.campaignId)) problems.push('所属专项行动：必填，不能为空');
  for (const f of REQUIRED_FACTS) {
    if (hazard[f] === undefined || hazard[f] === null) problems.push(`${HAZARD_FIELD_NAMES[f]}：必填，不能为空`);
  }
  for (const p of hazardFactProblems(hazard, units)) problems.push(`${HAZARD_FIELD_NAMES[p.field]}：${p.message}`);
  if (problems.length) throw new DubanError('INVALID_HAZARD', [`隐患有 ${problems.length} 个问题：`, ...problems].join('\n'), problems);
}

// ───────────────────────────── its life ─────────────────────────────

/** 治理方案: for a 重大 hazard it must cover the 五到位 — 措施、责任、资金、时限、预案 — before 整改 may start. */
export interface GovernancePlan {
  /** 措施到位: what will be done. */
  measures: string;
  /** 责任到位: who answers for it (unit and person). */
  responsibility: string;
  /** 资金到位: funds set aside, 万元 (0 is an answer: management measures that cost nothing; absent is not). */
  fundsWan: number;
  /** 时限到位: when it will be done; not later than the hazard's 整改时限 (a plan never moves that). */
  deadline: CivilDate;
  /** 预案到位: the contingency plan (应急预案, safety measures while the hazard stands). */
  contingency: string;
  files?: FileRef[];
}

export type AcceptanceResult = 'pass' | 'fail';

/** 整改完成, as reported. */
export interface RectificationReport {
  on: CivilDate;
  /** What was done. */
  done: string;
  files: FileRef[];
  by?: string;
  /** The 责任人 at the time of the report: they may not accept it either. */
  responsible: string;
}

/** 验收 */
export interface Acceptance {
  /** Who accepted (验收人). */
  by: string;
  /** When the 验收 took place. */
  on: CivilDate;
  result: AcceptanceResult;
  /** 验收意见; required when it failed. */
  opinion: string;
  files: FileRef[];
  /** When it was recorded. */
  recordedOn: CivilDate;
}

/** One round of rectification: from its start (or a failed 验收) to its 验收. */
export interface RectificationRound {
  /** 1, 2, … */
  round: number;
  startedOn: CivilDate;
  /** The 时限 the round started with (an extension during it shows in `extensions`). */
  deadline: CivilDate;
  report?: RectificationReport;
  acceptance?: Acceptance;
}

export interface HazardExtension {
  from: CivilDate;
  to: CivilDate;
  reason: string;
  approvedBy: string;
  on: CivilDate;
}

export interface HazardState {
  /** The facts; `hazard.deadline` is the current 整改时限. */
  hazard: Hazard;
  status: HazardStatus;
  /** The 整改时限 the hazard was recorded with. */
  originalDeadline: CivilDate;
  plan?: GovernancePlan & { recordedOn: CivilDate; by?: string };
  /** Every round of rectification, oldest first; a failed 验收 adds one (重新整改). */
  rounds: RectificationRound[];
  extensions: HazardExtension[];
  cancellation?: { reason: string; on: CivilDate; by?: string };
  /** 销号: the day of the 验收 that passed. */
  closedOn?: CivilDate;
}

export type HazardEvent =
  | { kind: 'plan'; plan: GovernancePlan; by?: string }
  | { kind: 'start'; by?: string }
  | { kind: 'report_done'; done: string; files: FileRef[]; by?: string }
  | {
      kind: 'accept';
      by: string;
      on: CivilDate;
      result: AcceptanceResult;
      opinion?: string;
      files: FileRef[];
      /** For a failed 验收: the 时限 of 重新整改, later than `on`. */
      newDeadline?: CivilDate;
    }
  | { kind: 'extend'; to: CivilDate; reason: string; approvedBy: string }
  | { kind: 'cancel'; reason: string; by?: string }
  | { kind: 'edit'; changes: HazardEdit; by?: string };

export type HazardEventKind = HazardEvent['kind'];
export const HAZARD_EVENT_KINDS: readonly HazardEventKind[] = ['plan', 'start', 'report_done', 'accept', 'extend', 'cancel', 'edit'];

export const HAZARD_EVENT_NAMES: Record<HazardEventKind, string> = {
  plan: '报送治理方案',
  start: '开始整改',
  report_done: '报告整改完成',
  accept: '验收',
  extend: '延期',
  cancel: '撤销',
  edit: '修改',
};

/** In which states each event is accepted at all (its evidence is judged after). */
export const HAZARD_TRANSITIONS: Record<HazardEventKind, readonly HazardStatus[]> = {
  plan: ['pending', 'rectifying'],
  start: ['pending'],
  report_done: ['rectifying'],
  accept: ['awaiting_acceptance'],
  extend: ['pending', 'rectifying'],
  cancel: ['pending', 'rectifying', 'awaiting_acceptance'],
  edit: ['pending', 'rectifying', 'awaiting_acceptance'],
};

/** Why an event is refused in a state, where a plain "此隐患X，不能Y" says too little. */
const TRANSITION_HINTS: Partial<Record<`${HazardEventKind}/${HazardStatus}`, string>> = {
  'report_done/pending': '尚未开始整改，请先开始整改',
  'accept/pending': '尚未开始整改，也未报告整改完成',
  'accept/rectifying': '尚未报告整改完成',
  'start/rectifying': '已在整改中',
  'start/awaiting_acceptance': '已报告整改完成，等待验收',
  'extend/awaiting_acceptance': '已报告整改完成，等待验收，整改时限不再计算',
  'plan/awaiting_acceptance': '已报告整改完成，等待验收',
  'report_done/awaiting_acceptance': '已报告整改完成，等待验收',
};

/** The 五到位 parts of a 治理方案 that are missing: [] when it covers them all. */
export function fiveInPlaceGaps(plan: Partial<GovernancePlan> | undefined): string[] {
  const p = plan ?? {};
  const gaps: string[] = [];
  if (blank(p.measures)) gaps.push('措施');
  if (blank(p.responsibility)) gaps.push('责任');
  if (typeof p.fundsWan !== 'number' || !Number.isFinite(p.fundsWan) || p.fundsWan < 0) gaps.push('资金');
  if (typeof p.deadline !== 'string' || !isCivilDate(p.deadline)) gaps.push('时限');
  if (blank(p.contingency)) gaps.push('预案');
  return gaps;
}

/** A new hazard, 待整改. Throws INVALID_HAZARD when its facts are not sound (see checkHazard). */
export function newHazardState(hazard: Hazard, units?: readonly HazardUnit[]): HazardState {
  checkHazard(hazard, units);
  return { hazard: { ...hazard }, status: 'pending', originalDeadline: hazard.deadline, rounds: [], extensions: [] };
}

/** A person's name as compared: no spaces of any width. */
const personKey = (s: string) => s.replace(/[\s\u3000]/g, '');

const refuse = (code: DubanErrorCode, message: string): never => {
  throw new DubanError(code, message);
};

function checkFiles(files: unknown, missing: string): void {
  if (!Array.isArray(files) || files.length === 0) refuse('EVIDENCE_MISSING', missing);
  for (const f of files as unknown[]) {
    const file = f as Partial<FileRef> | null;
    if (!file || typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256))
      refuse('INVALID_ARGUMENT', `文件${file && typeof file.name === 'string' ? `“${file.name}”` : ''}没有有效的 sha256（应为 64 位十六进制小写）`);
    if (blank(file!.name)) refuse('INVALID_ARGUMENT', `文件 ${file!.sha256!.slice(0, 12)}… 没有文件名`);
  }
}

function checkDate(value: unknown, what: string): CivilDate {
  if (typeof value !== 'string' || !isCivilDate(value)) refuse('INVALID_ARGUMENT', `${what}应为 YYYY-MM-DD 格式的日期，实际为“${String(value)}”`);
  return value as CivilDate;
}

/** The round in progress or last finished. */
const lastRound = (state: HazardState): RectificationRound | undefined => state.rounds[state.rounds.length - 1];

/** Throws a DubanError naming why `event` makes no sense for this hazard now; returns normally when it is acceptable. */
export function checkHazardEvent(ctx: HazardContext, state: HazardState, event: HazardEvent, now: number): void {
  const today = civilDateOf(now, ctx.timeZone);
  const kind = event.kind;
  if (!HAZARD_EVENT_KINDS.includes(kind)) refuse('INVALID_ARGUMENT', `未知的操作“${String(kind)}”`);
  if (!HAZARD_TRANSITIONS[kind].includes(state.status)) {
    const hint = TRANSITION_HINTS[`${kind}/${state.status}`];
    const since =
      state.status === 'closed' && state.closedOn ? `（${state.closedOn} 验收合格）` : state.status === 'cancelled' && state.cancellation ? `（${state.cancellation.reason}）` : '';
    refuse('HAZARD_TRANSITION', `此隐患${HAZARD_STATUS_NAMES[state.status]}${since}${hint ? `，${hint}` : ''}，不能${HAZARD_EVENT_NAMES[kind]}`);
  }
  const { hazard } = state;
  switch (event.kind) {
    case 'plan': {
      const gaps = fiveInPlaceGaps(event.plan);
      if (gaps.length) refuse('PLAN_INCOMPLETE', `治理方案未做到五到位（措施、责任、资金、时限、预案），缺少：${gaps.join('、')}`);
      if (event.plan.deadline < hazard.foundOn) refuse('INVALID_ARGUMENT', `治理方案的时限 ${event.plan.deadline} 早于隐患的发现日期 ${hazard.foundOn}`);
      if (event.plan.deadline > hazard.deadline)
        refuse('INVALID_ARGUMENT', `治理方案的时限 ${event.plan.deadline} 晚于整改时限 ${hazard.deadline}；整改时限只能经批准延期后推迟`);
      if (event.plan.files !== undefined && event.plan.files.length > 0) checkFiles(event.plan.files, '');
      return;
    }
    case 'start':
      if (hazard.level === 'major' && !state.plan)
        refuse('PLAN_INCOMPLETE', '重大隐患须先报送做到五到位（措施、责任、资金、时限、预案）的治理方案，才能开始整改');
      return;
    case 'report_done':
      if (blank(event.done)) refuse('EVIDENCE_MISSING', '报告整改完成须写明整改情况（做了什么）');
      checkFiles(event.files, '报告整改完成须附至少一个文件（整改前后的照片、整改材料等）');
      return;
    case 'accept': {
      const report = lastRound(state)?.report;
      if (blank(event.by)) refuse('EVIDENCE_MISSING', '验收须写明验收人');
      const acceptor = personKey(event.by);
      for (const responsible of [hazard.responsible, report?.responsible ?? '']) {
        if (responsible && personKey(responsible) === acceptor)
          refuse('ACCEPTOR_CONFLICT', `验收人“${event.by.trim()}”是此隐患的整改责任人，不能验收自己负责的整改`);
      }
      const on = checkDate(event.on, '验收日期');
      if (report && on < report.on) refuse('INVALID_ARGUMENT', `验收日期 ${on} 早于报告整改完成的日期 ${report.on}`);
      if (on > today) refuse('INVALID_ARGUMENT', `验收日期 ${on} 晚于今天（${today}）：只能记录已进行的验收`);
      if (event.result !== 'pass' && event.result !== 'fail') refuse('INVALID_ARGUMENT', `验收结果应为 pass（合格）或 fail（不合格），实际为“${String(event.result)}”`);
      checkFiles(event.files, '验收须附至少一个文件（验收记录、现场照片等）');
      if (event.result === 'pass') {
        if (event.newDeadline !== undefined) refuse('INVALID_ARGUMENT', '验收合格即销号，不需要新的整改时限');
        return;
      }
      if (blank(event.opinion)) refuse('EVIDENCE_MISSING', '验收不合格须写明验收意见（哪里不合格、还要做什么）');
      if (event.newDeadline === undefined) refuse('EVIDENCE_MISSING', '验收不合格须给出重新整改的时限');
      const to = checkDate(event.newDeadline, '重新整改时限');
      if (to <= on) refuse('DATE_NOT_LATER', `重新整改时限 ${to} 须晚于验收日期 ${on}`);
      if (to < today) refuse('DATE_IN_PAST', `重新整改时限 ${to} 已过（今天是 ${today}）`);
      return;
    }
    case 'extend': {
      if (blank(event.reason)) refuse('EVIDENCE_MISSING', '延期须说明理由');
      if (blank(event.approvedBy)) refuse('EVIDENCE_MISSING', '延期须经批准：写明批准人');
      const to = checkDate(event.to, '新的整改时限');
      if (to <= hazard.deadline) refuse('DATE_NOT_LATER', `新的整改时限 ${to} 不晚于当前整改时限 ${hazard.deadline}`);
      if (to < today) refuse('DATE_IN_PAST', `新的整改时限 ${to} 已过（今天是 ${today}）`);
      return;
    }
    case 'cancel':
      if (blank(event.reason)) refuse('EVIDENCE_MISSING', '撤销隐患须说明理由');
      return;
    case 'edit': {
      const changes = (event.changes ?? {}) as Record<string, unknown>;
      const keys = Object.keys(changes).filter((k) => changes[k] !== undefined);
      for (const k of keys) {
        if ((EDITABLE_FIELDS as readonly string[]).includes(k)) continue;
        if (k === 'deadline') refuse('INVALID_ARGUMENT', '整改时限不能直接修改，只能经批准延期（或验收不合格后重新整改）变更');
        if (k === 'status') refuse('INVALID_ARGUMENT', '状态不能直接修改，只能经开始整改、报告整改完成、验收或撤销变更');
        const name = HAZARD_FIELD_NAMES[k as keyof HazardFacts];
        refuse('INVALID_ARGUMENT', `“${name ?? k}”不能修改；可修改的只有：${EDITABLE_FIELDS.map((f) => HAZARD_FIELD_NAMES[f]).join('、')}`);
      }
      if (keys.length === 0) refuse('INVALID_ARGUMENT', '没有要修改的内容');
      const problems = hazardFactProblems(event.changes);
      if (problems.length) refuse('INVALID_ARGUMENT', problems.map((p) => `${HAZARD_FIELD_NAMES[p.field]}：${p.message}`).join('；'));
      return;
    }
  }
}

const trimmed = (s: string | undefined) => (s === undefined ? undefined : s.trim());

/** Apply an accepted event at instant `now`. Call checkHazardEvent first. */
export function applyHazardEvent(ctx: HazardContext, state: HazardState, event: HazardEvent, now: number): HazardState {
  const today = civilDateOf(now, ctx.timeZone);
  const rounds = state.rounds.map((r) => ({ ...r }));
  const current = rounds[rounds.length - 1];
  switch (event.kind) {
    case 'plan':
      return { ...state, plan: { ...event.plan, files: event.plan.files ? [...event.plan.files] : undefined, recordedOn: today, by: event.by } };
    case 'start':
      rounds.push({ round: rounds.length + 1, startedOn: today, deadline: state.hazard.deadline });
      return { ...state, status: 'rectifying', rounds };
    case 'report_done':
      current.report = { on: today, done: event.done.trim(), files: [...event.files], by: event.by, responsible: state.hazard.responsible };
      return { ...state, status: 'awaiting_acceptance', rounds };
    case 'accept': {
      current.acceptance = {
        by: event.by.trim(),
        on: event.on,
        result: event.result,
        opinion: (event.opinion ?? '').trim(),
        files: [...event.files],
        recordedOn: today,
      };
      if (event.result === 'pass') return { ...state, status: 'closed', rounds, closedOn: event.on };
      // 重新整改: a new round with the new 时限, starting the day the 验收 failed.
      const to = event.newDeadline!;
      rounds.push({ round: rounds.length + 1, startedOn: event.on, deadline: to });
      return { ...state, status: 'rectifying', hazard: { ...state.hazard, deadline: to }, rounds };
    }
    case 'extend':
      return {
        ...state,
        hazard: { ...state.hazard, deadline: event.to },
        rounds,
        extensions: [...state.extensions, { from: state.hazard.deadline, to: event.to, reason: event.reason.trim(), approvedBy: event.approvedBy.trim(), on: today }],
      };
    case 'cancel':
      return { ...state, status: 'cancelled', rounds, cancellation: { reason: event.reason.trim(), on: today, by: event.by } };
    case 'edit': {
      const hazard = { ...state.hazard };
      const c = event.changes;
      // Only the editable fields are copied, whatever else the event carries.
      if (c.description !== undefined) hazard.description = trimmed(c.description)!;
      if (c.measures !== undefined) hazard.measures = trimmed(c.measures)!;
      if (c.site !== undefined) hazard.site = trimmed(c.site)!;
      if (c.responsible !== undefined) hazard.responsible = trimmed(c.responsible)!;
      if (c.fundsWan !== undefined) hazard.fundsWan = c.fundsWan;
      return { ...state, hazard, rounds };
    }
  }
}

// ───────────────────────────── time: the same calendar as obligations ─────────────────────────────

// HazardPolicy and its defaults live in ./hazard-policy (the campaign file's parser reads them too).
export { DEFAULT_HAZARD_POLICY, type HazardPolicy } from './hazard-policy';

export interface HazardContext {
  policy: HazardPolicy;
  calendar: WorkCalendar;
  timeZone: string;
}

/** The obligations' ScheduleContext for a hazard of `level`: its level's policy on the same calendar. */
export function hazardScheduleContext(ctx: HazardContext, level: HazardLevel): ScheduleContext {
  return { policy: ctx.policy[level], calendar: ctx.calendar, timeZone: ctx.timeZone };
}

/**
 * Working days a hazard is past its 整改时限 on `today`: 0 up to the end of the 时限. The count stops when
 * 整改完成 is reported (待验收 and 已销号 keep the lateness of that report); a cancelled hazard is 0.
 */
export function hazardOverdueWorkingDays(ctx: HazardContext, state: HazardState, today: CivilDate): number {
  const days = workingDaysOf(ctx.calendar);
  switch (state.status) {
    case 'pending':
    case 'rectifying':
      return days.workingDaysAfter(state.hazard.deadline, today);
    case 'awaiting_acceptance':
    case 'closed': {
      const reportedOn = lastRound(state)?.report?.on ?? today;
      return days.workingDaysAfter(state.hazard.deadline, reportedOn < today ? reportedOn : today);
    }
    case 'cancelled':
      return 0;
  }
}

/** The day 验收 is due: the `workingDays`-th working day after 整改完成 was reported (default: the policy's). */
export function acceptanceDeadline(ctx: HazardContext, reportedOn: CivilDate, workingDays: number = ctx.policy.acceptanceWorkingDays): CivilDate {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new DubanError('INVALID_ARGUMENT', `验收期限应为正整数个工作日，实际为 ${workingDays}`);
  return workingDaysOf(ctx.calendar).nthWorkingDayAfter(reportedOn, workingDays);
}

/** When the hazard's 验收 is due, while it awaits one; undefined otherwise. */
export function acceptanceDue(ctx: HazardContext, state: HazardState): CivilDate | undefined {
  const report = lastRound(state)?.report;
  return state.status === 'awaiting_acceptance' && report ? acceptanceDeadline(ctx, report.on) : undefined;
}

/**
 * Every notice the hazard's 整改时限 calls for (noticeSchedule of domain/policy.ts with its level's policy): reminders
 * before the 时限, the ladder after it. Only while 待整改 or 整改中: once 整改完成 is reported, nothing chases the unit.
 */
export function hazardNoticeSchedule(ctx: HazardContext, state: HazardState): ScheduledNotice[] {
  if (state.status !== 'pending' && state.status !== 'rectifying') return [];
  return noticeSchedule(hazardScheduleContext(ctx, state.hazard.level), state.hazard.deadline).map((n) => ({
    ...n,
    reason: n.reason.replace('截止日', '整改时限').replace('仍未报送', '仍未报告整改完成'),
  }));
}

// ───────────────────────────── 挂牌督办 ─────────────────────────────

export type ListingLevel = 'county' | 'city' | 'province';
export const LISTING_LEVELS: readonly ListingLevel[] = ['county', 'city', 'province'];
export const LISTING_LEVEL_NAMES: Record<ListingLevel, string> = { county: '县级', city: '市级', province: '省级' };

export type ListingStatus = 'listed' | 'delisted' | 'revoked';
export const LISTING_STATUS_NAMES: Record<ListingStatus, string> = { listed: '挂牌中', delisted: '已摘牌', revoked: '已撤销挂牌' };

export interface ListingExtensionRequest {
  requestedOn: CivilDate;
  to: CivilDate;
  reason: string;
  by: string;
  decision?: { approved: boolean; reason: string; by: string; on: CivilDate };
}

/** 挂牌督办 of a 重大 hazard: its own record, from 挂牌 to 摘牌. */
export interface HazardListing {
  id: string;
  hazardId: string;
  campaignId: string;
  level: ListingLevel;
  /** 文号, e.g. 雷安委办督〔2022〕3号 */
  documentNumber: string;
  listedOn: CivilDate;
  /** 限期整改指令书: sent to the 属地 and the 行业主管部门, both answerable (双重交办). */
  order: { recipients: string[]; deadline: CivilDate; sentOn: CivilDate };
  /** 签收 of the order by each recipient. */
  signatures: { unitId: string; by: string; on: CivilDate }[];
  /** 公告 */
  announcedOn?: CivilDate;
  extensionRequests: ListingExtensionRequest[];
  status: ListingStatus;
  /** 摘牌: approved by the office after the hazard was 销号. */
  delisting?: { approvedBy: string; on: CivilDate; documentNumber?: string; opinion?: string };
  revocation?: { reason: string; on: CivilDate; by?: string };
}

export interface NewListing {
  id: string;
  level: ListingLevel;
  documentNumber: string;
  /** Default: today. */
  listedOn?: CivilDate;
}

export type ListingEvent =
  | { kind: 'sign'; unitId: string; by: string }
  | { kind: 'announce'; on: CivilDate }
  | { kind: 'request_extension'; to: CivilDate; reason: string; by: string }
  | { kind: 'decide_extension'; approved: boolean; reason: string; by: string }
  | { kind: 'delist'; approvedBy: string; documentNumber?: string; opinion?: string }
  | { kind: 'revoke'; reason: string; by?: string };

export const LISTING_EVENT_NAMES: Record<ListingEvent['kind'], string> = {
  sign: '签收',
  announce: '公告',
  request_extension: '申请延期',
  decide_extension: '决定延期申请',
  delist: '摘牌',
  revoke: '撤销挂牌',
};

/** Throws unless this hazard may be put under 挂牌督办 now: 重大, not yet 销号 or 撤销, not already listed. */
export function checkNewListing(ctx: HazardContext, state: HazardState, input: NewListing, now: number, existing: readonly HazardListing[] = []): void {
  const today = civilDateOf(now, ctx.timeZone);
  if (state.hazard.level !== 'major') refuse('LISTING_TRANSITION', '只有重大隐患可以挂牌督办；此隐患为一般隐患');
  if (state.status === 'closed' || state.status === 'cancelled')
    refuse('LISTING_TRANSITION', `此隐患${HAZARD_STATUS_NAMES[state.status]}，不能挂牌督办`);
  const active = existing.find((l) => l.hazardId === state.hazard.id && l.status === 'listed');
  if (active) refuse('LISTING_TRANSITION', `此隐患已于 ${active.listedOn} 挂牌督办（${active.documentNumber}），尚未摘牌`);
  if (blank(input.id)) refuse('INVALID_ARGUMENT', '挂牌督办须有编号');
  if (!LISTING_LEVELS.includes(input.level)) refuse('INVALID_ARGUMENT', `“${String(input.level)}” 不是挂牌级别（应为 county 县级、city 市级 或 province 省级）`);
  if (blank(input.documentNumber)) refuse('EVIDENCE_MISSING', '挂牌督办须有文号');
  if (input.listedOn !== undefined) {
    const on = checkDate(input.listedOn, '挂牌日期');
    if (on > today) refuse('INVALID_ARGUMENT', `挂牌日期 ${on} 晚于今天（${today}）`);
    if (on < state.hazard.foundOn) refuse('INVALID_ARGUMENT', `挂牌日期 ${on} 早于隐患的发现日期 ${state.hazard.foundOn}`);
  }
}

/** The listing record, its 限期整改指令书 addressed to the hazard's 属地 and 行业主管部门. Call checkNewListing first. */
export function newListing(ctx: HazardContext, state: HazardState, input: NewListing, now: number): HazardListing {
  const listedOn = input.listedOn ?? civilDateOf(now, ctx.timeZone);
  return {
    id: input.id,
    hazardId: state.hazard.id,
    campaignId: state.hazard.campaignId,
    level: input.level,
    documentNumber: input.documentNumber.trim(),
    listedOn,
    order: { recipients: [state.hazard.townId, state.hazard.departmentId], deadline: state.hazard.deadline, sentOn: listedOn },
    signatures: [],
    extensionRequests: [],
    status: 'listed',
  };
}

/** The undecided 延期 request of a listing, if any. */
export function pendingListingExtension(listing: HazardListing): ListingExtensionRequest | undefined {
  return listing.extensionRequests.find((r) => !r.decision);
}

/** The hazard's `extend` that an approved listing extension stands for: apply it to the hazard with the listing's decision. */
export function listingExtensionEvent(request: ListingExtensionRequest, decision: { reason: string; by: string }): HazardEvent {
  return { kind: 'extend', to: request.to, reason: `挂牌督办延期：${request.reason.trim()}（批准意见：${decision.reason.trim()}）`, approvedBy: decision.by };
}

/**
 * Throws a DubanError naming why `event` makes no sense for this listing of `hazard` now. An approved extension is
 * judged as the hazard's own `extend` would be (the 时限 moves only that way): the caller applies both.
 */
export function checkListingEvent(ctx: HazardContext, listing: HazardListing, hazard: HazardState, event: ListingEvent, now: number): void {
  const today = civilDateOf(now, ctx.timeZone);
  if (listing.status !== 'listed') {
    const when = listing.delisting?.on ?? listing.revocation?.on;
    refuse('LISTING_TRANSITION', `此挂牌督办${when ? `已于 ${when} ` : ''}${LISTING_STATUS_NAMES[listing.status].replace(/^已/, '')}，不能${LISTING_EVENT_NAMES[event.kind]}`);
  }
  switch (event.kind) {
    case 'sign': {
      if (!listing.order.recipients.includes(event.unitId))
        refuse('INVALID_ARGUMENT', `“${event.unitId}” 不是限期整改指令书的受送单位（应为属地 ${listing.order.recipients[0]} 或行业主管部门 ${listing.order.recipients[1]}）`);
      const signed = listing.signatures.find((s) => s.unitId === event.unitId);
      if (signed) refuse('LISTING_TRANSITION', `“${event.unitId}” 已于 ${signed.on} 签收限期整改指令书`);
      if (blank(event.by)) refuse('EVIDENCE_MISSING', '签收须写明签收人');
      return;
    }
    case 'announce': {
      if (listing.announcedOn) refuse('LISTING_TRANSITION', `已于 ${listing.announcedOn} 公告`);
      const on = checkDate(event.on, '公告日期');
      if (on < listing.listedOn) refuse('INVALID_ARGUMENT', `公告日期 ${on} 早于挂牌日期 ${listing.listedOn}`);
      if (on > today) refuse('INVALID_ARGUMENT', `公告日期 ${on} 晚于今天（${today}）：只能记录已发布的公告`);
      return;
    }
    case 'request_extension': {
      if (hazard.status !== 'pending' && hazard.status !== 'rectifying')
        refuse('LISTING_TRANSITION', `此隐患${HAZARD_STATUS_NAMES[hazard.status]}，整改时限不再计算，不能申请延期`);
      const pending = pendingListingExtension(listing);
      if (pending) refuse('LISTING_TRANSITION', `已有待决定的延期申请（${pending.requestedOn} 申请延至 ${pending.to}）`);
      if (blank(event.reason)) refuse('EVIDENCE_MISSING', '申请延期须说明理由');
      if (blank(event.by)) refuse('EVIDENCE_MISSING', '申请延期须写明申请人');
      const to = checkDate(event.to, '申请延至的日期');
      if (to <= hazard.hazard.deadline) refuse('DATE_NOT_LATER', `申请延至 ${to}，不晚于当前整改时限 ${hazard.hazard.deadline}`);
      if (to < today) refuse('DATE_IN_PAST', `申请延至 ${to}，已过（今天是 ${today}）`);
      return;
    }
    case 'decide_extension': {
      const pending = pendingListingExtension(listing);
      if (!pending) refuse('LISTING_TRANSITION', '没有待决定的延期申请');
      if (blank(event.reason)) refuse('EVIDENCE_MISSING', '决定延期申请须说明理由');
      if (blank(event.by)) refuse('EVIDENCE_MISSING', '决定延期申请须写明决定人');
      if (event.approved) checkHazardEvent(ctx, hazard, listingExtensionEvent(pending!, event), now);
      return;
    }
    case 'delist':
      if (hazard.status !== 'closed')
        refuse('LISTING_TRANSITION', `此隐患${HAZARD_STATUS_NAMES[hazard.status]}，尚未验收合格销号，不能摘牌`);
      if (blank(event.approvedBy)) refuse('EVIDENCE_MISSING', '摘牌须经安委办批准：写明批准人');
      return;
    case 'revoke':
      if (blank(event.reason)) refuse('EVIDENCE_MISSING', '撤销挂牌须说明理由');
      return;
    default:
      refuse('INVALID_ARGUMENT', `未知的操作“${String((event as { kind: unknown }).kind)}”`);
  }
}

/** Apply an accepted listing event at `now`. Call checkListingEvent first; for an approved extension, also apply listingExtensionEvent to the hazard. */
export function applyListingEvent(ctx: HazardContext, listing: HazardListing, event: ListingEvent, now: number): HazardListing {
  const today = civilDateOf(now, ctx.timeZone);
  switch (event.kind) {
    case 'sign':
      return { ...listing, signatures: [...listing.signatures, { unitId: event.unitId, by: event.by.trim(), on: today }] };
    case 'announce':
      return { ...listing, announcedOn: event.on };
    case 'request_extension':
      return {
        ...listing,
        extensionRequests: [...listing.extensionRequests, { requestedOn: today, to: event.to, reason: event.reason.trim(), by: event.by.trim() }],
      };
    case 'decide_extension':
      return {
        ...listing,
        extensionRequests: listing.extensionRequests.map((r) =>
          r.decision ? r : { ...r, decision: { approved: event.approved, reason: event.reason.trim(), by: event.by.trim(), on: today } },
        ),
      };
    case 'delist':
      return {
        ...listing,
        status: 'delisted',
        delisting: { approvedBy: event.approvedBy.trim(), on: today, documentNumber: trimmed(event.documentNumber), opinion: trimmed(event.opinion) },
      };
    case 'revoke':
      return { ...listing, status: 'revoked', revocation: { reason: event.reason.trim(), on: today, by: event.by } };
  }
}

/** 市级挂牌 雷安委办督〔2022〕3号, with （已摘牌 2022年11月20日） once taken down. */
export function listingLabel(listing: HazardListing): string {
  const base = `${LISTING_LEVEL_NAMES[listing.level]}挂牌 ${listing.documentNumber}`;
  if (listing.status === 'delisted') return `${base}（已摘牌 ${chineseDate(listing.delisting!.on)}）`;
  if (listing.status === 'revoked') return `${base}（已撤销挂牌）`;
  return base;
}

/**
 * Working days from `from` to the day `now` falls on in `timeZone`, on the campaign's calendar: 0 on `from` itself
 * (and before it), 1 on the first working day after it. Weekends and holidays are not counted, a 调休 working day is.
 */
export function workingDaysSince(calendar: WorkCalendar, timeZone: string, from: CivilDate, now: number): number {
  return workingDaysOf(calendar).workingDaysAfter(from, civilDateOf(now, timeZone));
}

/** A listing's 限期整改指令书 not yet signed by every recipient: who has not (unit ids, in the order's order), since when. */
export interface UnsignedOrder {
  listingId: string;
  documentNumber: string;
  sentOn: CivilDate;
  unitIds: string[];
  /** Working days since it was sent (workingDaysSince), on the day `now` falls on. */
  workingDays: number;
}

/** The recipients of a listing's 限期整改指令书 that have not signed it, while it is listed; undefined when none (or not listed). */
export function unsignedOrder(ctx: Pick<HazardContext, 'calendar' | 'timeZone'>, listing: HazardListing, now: number): UnsignedOrder | undefined {
  if (listing.status !== 'listed') return undefined;
  const unitIds = listing.order.recipients.filter((u) => !listing.signatures.some((s) => s.unitId === u));
  if (unitIds.length === 0) return undefined;
  const { sentOn } = listing.order;
  return { listingId: listing.id, documentNumber: listing.documentNumber, sentOn, unitIds, workingDays: workingDaysSince(ctx.calendar, ctx.timeZone, sentOn, now) };
}

/** The letters naming a hazard that a leader may have to sign (签发) before they go: a 通报 listing it, its 约谈通知. */
export type HeldLetterKind = 'circulate' | 'interview';
export const HELD_LETTER_NAMES: Record<HeldLetterKind, string> = { circulate: '通报', interview: '约谈通知' };

/** A unit's (or the total's) hazard figures for a period, as the statistics report them (统计). */
export interface HazardFigures {
  /** 发现隐患: found in the period, not 撤销. */
  found: number;
  /** 已整改: 已销号. */
  rectified: number;
  /** 未整改: found − rectified. */
  notRectified: number;
  /** 超期: past the 整改时限 in working days (still open, or reported done late). */
  overdue: number;
  /** 整改率: rectified / found; null when nothing was found. */
  rectificationRate: number | null;
  /** 应按期整改: the 时限 has come (on or before the statistics date) or already 销号. */
  due: number;
  /** 按期整改: 销号 with 整改完成 reported by the 时限. */
  onTime: number;
  /** 按期整改率: onTime / due; null when nothing is due. */
  onTimeRate: number | null;
  /** 重大隐患, of them 销号, and 销号率. */
  major: number;
  majorClosed: number;
  majorClosureRate: number | null;
  /** 挂牌督办: hazards ever listed, and listed now. */
  listed: number;
  listedNow: number;
}
