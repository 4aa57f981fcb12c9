// 报送情况: the unit × deliverable board of a campaign, filtered, sorted and paged by the server, and the
// counts of the campaign list. One read of the campaign's rows; standings come from domain/board.ts.
import { boardLateWorkingDays, boardStanding } from '../domain/board';
import type { CivilDate } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import { nextStepOf } from '../domain/next-step';
import { type EscalationStep, INSTRUMENT_NAMES } from '../domain/policy';
import { civilDateOf, formatInstant } from '../domain/zoned-time';
import { type LoadedCampaign, loadCampaign, reportsToOf, scheduleContext } from '../store/campaigns';
import type { Db, Obligation, Unit } from '../store/db';
import type { Board, BoardRow, CampaignCounts, CampaignSummary, Facets } from '../shared/console';
import { obligationFacts } from '../store/obligations';
import { actorName } from './actors';
import { awaitingSignOffByObligation } from './sign-off';

export const BOARD_STATUSES = ['open', 'due_soon', 'overdue', 'submitted', 'extended', 'returned', 'waived'] as const;
export type BoardStatusFilter = (typeof BOARD_STATUSES)[number];
export const MAX_PAGE_SIZE = 200;

export interface BoardQuery {
  page?: number;
  pageSize?: number;
  unitType?: string;
  leadDepartment?: string;
  stage?: string;
  deliverable?: string;
  status?: string;
  q?: string;
  sort?: string;
}

const ESCALATION_WORDS: Record<EscalationStep | 'none', string> = { none: '', urge: '已催办', notice: '已督办', circulate: '已通报', interview: '已约谈' };

function summaryOf(row: Pick<BoardRow, 'standing' | 'escalation' | 'lateWorkingDays' | 'extended' | 'returned' | 'originalDue' | 'awaitingSignOff'>): string {
  const parts: string[] = [];
  switch (row.standing) {
    case 'on_time':
      parts.push('已按时报送');
      break;
    case 'submitted_late':
      parts.push(`已报送（逾期${row.lateWorkingDays}个工作日）`);
      break;
    case 'waived':
      parts.push('免报');
      break;
    case 'overdue':
      parts.push(`逾期${row.lateWorkingDays}个工作日未报送`);
      break;
    case 'due_soon':
      parts.push('即将到期');
      break;
    case 'open':
      parts.push('未到期');
  }
  if (row.escalation !== 'none') parts.push(ESCALATION_WORDS[row.escalation]);
  if (row.extended) parts.push(`已延期（原截止${row.originalDue}）`);
  if (row.returned) parts.push('已退回修改');
  if (row.awaitingSignOff) parts.push(`${INSTRUMENT_NAMES[row.awaitingSignOff]}待签发`);
  return parts.join('，');
}

/** Every row of the campaign's board, in unit order, with its standing on the campaign's today. */
export async function allBoardRows(db: Db, campaignId: string, serverNow: number = Date.now()) {
  const loaded = await loadCampaign(db, campaignId);
  const [units, obligations, awaiting] = await Promise.all([
    db.unit.findMany({ where: { campaignId } }),
    db.obligation.findMany({ where: { campaignId } }),
    awaitingSignOffByObligation(db, campaignId),
  ]);
  const { today, rows, complete } = boardRowsOf(loaded, units, obligations, serverNow, awaiting);
  return { loaded, units, today, rows, complete };
}

/** A row with what filtering and sorting need; `complete` adds the next step and the words, for the rows shown. */
export type PartialBoardRow = Omit<BoardRow, 'nextStep' | 'summary' | 'submittedAt'> & { submittedAtMs: number | null; opensAt: number };

/** `awaiting`: the obligations whose letter waits for 签发, by `unit/deliverable/deadline` (store/circulations.ts). */
export function boardRowsOf(
  loaded: LoadedCampaign,
  units: Unit[],
  obligations: Obligation[],
  serverNow: number,
  awaiting: ReadonlyMap<string, 'circulate' | 'interview'> = new Map(),
) {
  const { settings, clock, campaign } = loaded;
  const now = clock.at(serverNow);
  const zone = campaign.timeZone;
  const today = civilDateOf(now, zone);
  const unitById = new Map(units.map((u) => [u.unitId, u]));
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  obligations.sort((a, b) => byCodePoint(a.unitId, b.unitId) || byCodePoint(a.deliverableId, b.deliverableId));
  const rows = obligations.map((o): PartialBoardRow => {
    const facts = obligationFacts(o);
    const ctx = scheduleContext(settings, campaign.id, o.deliverableId);
    const unit = unitById.get(o.unitId);
    return {
      unitId: o.unitId,
      unitName: unit?.name ?? o.unitId,
      unitType: unit?.type ?? '',
      deliverableId: o.deliverableId,
      deliverableName: o.deliverableName,
      stageId: o.stageId,
      due: o.due,
      originalDue: o.originalDue,
      standing: boardStanding(ctx, facts, today),
      escalation: facts.escalation,
      lateWorkingDays: boardLateWorkingDays(ctx, facts, today),
      submittedAtMs: facts.submittedAt ?? null,
      opensAt: facts.opensAt,
      extended: o.extended,
      returned: o.returned,
      awaitingSignOff: (o.status === 'open' && awaiting.get(`${o.unitId}/${o.deliverableId}/${o.due}`)) || null,
    };
  });
  const complete = (r: PartialBoardRow, withNextStep = true): BoardRow => {
    const { submittedAtMs, opensAt, ...rest } = r;
    const next = withNextStep && r.standing !== 'on_time' && r.standing !== 'submitted_late' && r.standing !== 'waived'
      ? nextStepOf(scheduleContext(settings, campaign.id, r.deliverableId), { status: 'open', due: r.due, opensAt }, now)
      : undefined;
    const row = {
      ...rest,
      submittedAt: submittedAtMs === null ? null : formatInstant(submittedAtMs, zone),
      nextStep: next ? { action: next.action, at: formatInstant(next.at, zone) } : null,
    };
    return { ...row, summary: summaryOf(row) };
  };
  return { today, rows, complete };
}

function matchesStatus(row: PartialBoardRow, status: BoardStatusFilter): boolean {
  switch (status) {
    case 'open':
      return row.standing === 'open' || row.standing === 'due_soon';
    case 'due_soon':
    case 'overdue':
    case 'waived':
      return row.standing === status;
    case 'submitted':
      return row.standing === 'on_time' || row.standing === 'submitted_late';
    case 'extended':
      return row.extended;
    case 'returned':
      return row.returned;
  }
}

function positiveInt(value: number | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new DubanError('INVALID_ARGUMENT', `${name} 应为 1 到 ${max} 之间的整数`);
  return value;
}

export async function campaignBoard(db: Db, campaignId: string, query: BoardQuery, serverNow: number = Date.now()): Promise<Board> {
  const page = positiveInt(query.page, 1, 'page');
  const pageSize = positiveInt(query.pageSize, 50, 'pageSize', MAX_PAGE_SIZE);
  if (query.status && !(BOARD_STATUSES as readonly string[]).includes(query.status)) {
    throw new DubanError('INVALID_ARGUMENT', `状态筛选“${query.status}”不存在：可选 ${BOARD_STATUSES.join('、')}`);
  }
  if (query.sort && query.sort !== 'unit' && query.sort !== 'late') throw new DubanError('INVALID_ARGUMENT', `排序“${query.sort}”不存在：可选 unit、late`);
  const { loaded, units, today, rows, complete } = await allBoardRows(db, campaignId, serverNow);

  const reportsTo = new Map(units.map((u) => [u.unitId, reportsToOf(u)]));
  const q = query.q?.trim();
  let selected = rows.filter(
    (r) =>
      (!query.unitType || r.unitType === query.unitType) &&
      (!query.stage || r.stageId === query.stage) &&
      (!query.deliverable || r.deliverableId === query.deliverable) &&
      (!query.leadDepartment || r.unitId === query.leadDepartment || (reportsTo.get(r.unitId) ?? []).includes(query.leadDepartment)) &&
      (!query.status || matchesStatus(r, query.status as BoardStatusFilter)) &&
      (!q || r.unitName.includes(q)),
  );
  if (query.sort === 'late') {
    selected = selected.map((r, i) => ({ r, i })).sort((a, b) => (b.r.lateWorkingDays ?? -1) - (a.r.lateWorkingDays ?? -1) || a.i - b.i).map((x) => x.r);
  }

  const { settings } = loaded;
  const stageIds = [...new Set(rows.map((r) => r.stageId))];
  const facets: Facets = {
    unitTypes: [...new Set(units.map((u) => u.type))].sort(),
    leadDepartments: units.filter((u) => u.type === 'lead_department').map((u) => ({ id: u.unitId, name: u.name })),
    stages: stageIds.map((id) => ({ id, name: settings.stages?.[id] ?? id })),
    deliverables: Object.entries(settings.deliverables).map(([id, d]) => ({ id, name: d.name })),
  };
  const start = (page - 1) * pageSize;
  return { total: selected.length, page, pageSize, today, rows: selected.slice(start, start + pageSize).map((r) => complete(r)), facets };
}

const RANK: Record<string, number> = { none: 0, urge: 1, notice: 2, circulate: 3, interview: 4 };

/** 应报, 已报, 按时, 逾期 (open past its deadline), 已督办 (a 督办通知 or more), 已通报, 约谈. */
export async function campaignCounts(db: Db, campaignId: string, serverNow: number = Date.now()): Promise<CampaignCounts> {
  const { campaign, clock } = await loadCampaign(db, campaignId);
  const today = civilDateOf(clock.at(serverNow), campaign.timeZone);
  const groups = await db.obligation.groupBy({ by: ['status', 'escalation'], where: { campaignId }, _count: { _all: true } });
  const onTime = await db.obligation.count({ where: { campaignId, status: 'submitted', OR: [{ lateWorkingDays: 0 }, { lateWorkingDays: null }] } });
  const overdue = await db.obligation.count({ where: { campaignId, status: 'open', due: { lt: today } } });
  const counts: CampaignCounts = { owed: 0, submitted: 0, onTime, overdue, urged: 0, circulated: 0, interviewed: 0 };
  for (const g of groups) {
    const n = g._count._all;
    counts.owed += n;
    if (g.status === 'submitted') counts.submitted += n;
    const rank = RANK[g.escalation] ?? 0;
    if (rank >= RANK.notice) counts.urged += n;
    if (rank >= RANK.circulate) counts.circulated += n;
    if (rank >= RANK.interview) counts.interviewed += n;
  }
  return counts;
}

export async function campaignSummaries(db: Db, serverNow: number = Date.now()): Promise<CampaignSummary[]> {
  const campaigns = await db.campaign.findMany({ orderBy: { launchedAt: 'desc' } });
  return Promise.all(
    campaigns.map(async (c) => ({
      id: c.id,
      title: c.title,
      officeName: c.officeName,
      timeZone: c.timeZone,
      launchedAt: c.launchedAt.toISOString(),
      launchedBy: actorName(c.launchedBy),
      counts: await campaignCounts(db, c.id, serverNow),
    })),
  );
}
