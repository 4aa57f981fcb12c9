// The 隐患整改台账 as the office and the units work it: import the ledger an office keeps (all rows or none, every
// problem by row and column; 序号 is the natural key, so importing the same file again adds nothing), export it,
// list it with filters, one operation per change of a hazard or its 挂牌督办, and the statistics by 属地 and by
// 行业主管部门 (a closed month or quarter keeps its figures as reported). Every committed change wakes the hazard's
// chase (operations/hazard-chase.ts).
import type { Client } from '@temporalio/client';
import { type CivilDate, isCivilDate, workingDaysOf } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import {
  HAZARD_LEVELS,
  HAZARD_STATUSES,
  type FileRef,
  type HazardContext,
  type HazardEvent,
  type HazardFacts,
  type HazardLevel,
  type HazardListing,
  type HazardState,
  type HazardStatus,
  type HazardUnit,
  type ListingEvent,
  type ListingLevel,
  acceptanceDue,
  hazardOverdueWorkingDays,
} from '../domain/hazards';
import { HAZARD_LETTER_NAMES, type HazardLetterKind, hazardLetterDecision, hazardLetters, nextHazardLetter } from '../domain/hazard-chase';
import { chineseDateTime, civilDateOf } from '../domain/zoned-time';
import { acceptorOf } from '../letters/hazard';
import type { Db, Unit } from '../store/db';
import { type HazardExportRow, type HazardRow as SheetRow, type LedgerUnit, exportHazardWorkbook, hazardExportRow, parseHazardWorkbook } from '../spreadsheets/hazards-ledger';
import type { SheetProblem } from '../spreadsheets/cells';
import { exportStatisticsWorkbook, percent } from '../spreadsheets/hazard-statistics';
import { lettersOf, loadCampaign, unitPrincipals } from '../store/campaigns';

import { storeFile } from '../store/files';
import { markHazardChasesStarted } from '../store/hazard-chases';
import { chaseFactsOf, dealtWithHazardLetterKeys, hazardLetterPrefix, hazardLetterRows } from '../store/hazard-letters';
import { type HazardSignOffStep, hazardSignOffHistory } from '../store/hazard-sign-off';
import {
  type HazardEventEntry,
  type HazardMarks,
  type HazardRecord,
  type HazardRow,
  type NewHazard,
  type UnitNames,
  actOnListing,
  createHazards,
  hazardContextOf,
  hazardEvents,
  hazardIdsAwaitingSignOff,
  hazardImportKey,
  hazardMarks,
  listHazard,
  listingOfRow,
  loadHazard,
  stateOfRow,
  transitionHazard,
} from '../store/hazards';
import type {
  ClosedPeriod,
  HazardDetail,
  HazardFigures,
  HazardFilters,
  HazardLetterStatus,
  HazardLetterView,
  HazardNextLetter,
  HazardPage,
  HazardStatistics,
  HazardSummary,
  ImportResult,
} from '../shared/hazard-api';
import { actorName } from './actors';
import { chaseHazard, chaseHazards, startRecordedHazardChases } from './hazard-chase';

/** 85.71% ; — when there is nothing to divide by. */
export const ratePercent = percent;

export type { ClosedPeriod, HazardDetail, HazardFigures, HazardFilters, HazardPage, HazardStatistics, HazardSummary, ImportResult };

export interface HazardDeps {
  db: Db;
  /** Temporal: each committed change wakes the hazard's chase. Without it nothing is signalled (tests of the record alone). */
  client?: Client;
  taskQueue?: string;
  /** Where evidence files are kept (store/files.ts). */
  dataDir?: string;
  /** Server time now (the campaign clock's offset is applied); the wall clock by default. */
  now?: () => number;
  log?: (message: string) => void;
  /** How long one attempt to wake a chase may take (operations/hazard-chase.ts; 5 s). */
  chaseAttemptMs?: number;
}

export interface HazardCampaign {
  campaignId: string;
  title: string;
  officeName: string;
  timeZone: string;
  ctx: HazardContext;
  units: Unit[];
  hazardUnits: HazardUnit[];
  unitName: UnitNames;
  /** An address a letter went to as a person reads it: a unit's, a principal's, the office's or a 抄送 name, else itself. */
  addressName: (email: string) => string;
  /** Campaign time now. */
  now: number;
}

export async function hazardCampaign(deps: HazardDeps, campaignId: string): Promise<HazardCampaign> {
  const { campaign, settings, clock } = await loadCampaign(deps.db, campaignId);
  const units = await deps.db.unit.findMany({ where: { campaignId }, orderBy: { unitId: 'asc' } });
  const names = new Map(units.map((u) => [u.unitId, u.name]));
  let book: Map<string, string> | undefined;
  const addressBook = () => {
    if (book) return book;
    book = new Map<string, string>();
    for (const cc of lettersOf(settings, campaign.officeName).cc) book.set(cc.email, cc.name);
    for (const u of units)
      for (const p of unitPrincipals(u)) if (!book.has(p.email)) book.set(p.email, p.name.startsWith(u.name) ? p.name : `${u.name}${p.title ?? '主要负责人'}${p.name}`);
    for (const u of units) book.set(u.email, u.name);
    book.set(campaign.officeEmail, campaign.officeName);
    return book;
  };
  return {
    campaignId,
    title: campaign.title,
    officeName: campaign.officeName,
    timeZone: campaign.timeZone,
    ctx: hazardContextOf(settings),
    units,
    hazardUnits: units.map((u) => ({ id: u.unitId, type: u.type as HazardUnit['type'] })),
    unitName: (id) => names.get(id) ?? id,
    addressName: (email) => addressBook().get(email) ?? email,
    now: clock.at(deps.now?.() ?? Date.now()),
  };
}

const today = (c: HazardCampaign): CivilDate => civilDateOf(c.now, c.timeZone);

const chaseDeps = (deps: HazardDeps & { client: Client }) => ({ client: deps.client, taskQueue: deps.taskQueue, log: deps.log, attemptMs: deps.chaseAttemptMs });

/** Wakes the hazard's chase (starting it for a new hazard); a chase started is marked, one not started waits for the starter. */
async function chase(deps: HazardDeps, campaignId: string, hazardId: string): Promise<void> {
  if (deps.client && (await chaseHazard(chaseDeps({ ...deps, client: deps.client }), { campaignId, hazardId })))
    await markHazardChasesStarted(deps.db, campaignId, [hazardId], new Date());
}

/**
 * Wakes (or starts) the chase of every hazard that may still call for a letter — not yet 销号 or 撤销, or still 挂牌 —
 * e.g. after changes were recorded while Temporal could not be reached. Returns how many were woken, of how many.
 */
export async function wakeHazardChases(deps: HazardDeps, campaignId: string): Promise<{ hazards: number; woken: number }> {
  if (!deps.client) throw new DubanError('CONFIG', '需要连接 Temporal 才能唤醒督办流程');
  await hazardCampaign(deps, campaignId);
  const rows = await deps.db.hazard.findMany({
    where: { campaignId, OR: [{ status: { in: ['pending', 'rectifying', 'awaiting_acceptance'] } }, { listingStatus: 'listed' }] },
    select: { id: true },
    orderBy: { serial: 'asc' },
  });
  const ids = rows.map((r) => r.id);
  const woken = await chaseHazards(chaseDeps({ ...deps, client: deps.client }), campaignId, ids);
  await markHazardChasesStarted(deps.db, campaignId, woken, new Date());
  // and any recorded since without a chase (e.g. 已销号 before it started): the starter finds those
  await startRecordedHazardChases(chaseDeps({ ...deps, client: deps.client }), campaignId);
  return { hazards: ids.length, woken: woken.length };
}

// ───────────────────────────── import, report, export ─────────────────────────────

/**
 * Imports a ledger (.xlsx) into a launched campaign. Every row is checked (facts, units) and matched against the
 * ledger: a row whose 序号 is recorded with the same hazard (site, 属地, 行业主管部门, description, level, found date
 * as first recorded) is unchanged; a 序号 recorded with another hazard is a problem; a row without 序号 is matched by
 * those facts, else numbered after the last. Any problem refuses the whole file, listing every problem.
 */
export async function importHazards(deps: HazardDeps, args: { campaignId: string; bytes: Buffer | Uint8Array; fileName: string; actor: string }): Promise<ImportResult> {
  const c = await hazardCampaign(deps, args.campaignId);
  const ledgerUnits: LedgerUnit[] = c.units.map((u) => ({ id: u.unitId, name: u.name, type: u.type as LedgerUnit['type'] }));
  const existing = await deps.db.hazard.findMany({ where: { campaignId: args.campaignId }, select: { id: true, serial: true, importKey: true, site: true, description: true } });
  const bySerial = new Map(existing.map((e) => [e.serial, e]));
  const byKey = new Map(existing.map((e) => [e.importKey, e]));
  const seenSerial = new Map<number, number>();
  const fresh: NewHazard[] = [];
  const unchanged: string[] = [];
  // Matched against the ledger while the sheet is read, so that these problems are listed with the sheet's own.
  const match = (rows: SheetRow[], at: { column: string; header: string }): SheetProblem[] => {
    const problems: SheetProblem[] = [];
    const seenKey = new Map<string, number>();
    for (const r of rows) {
      const { row, serial: written, ...facts } = r;
      const key = hazardImportKey(facts);
      const problem = (message: string, where = at) => problems.push({ row, ...where, message });
      let serial: number | undefined;
      if (written !== '') {
        serial = Number(written);
        if (!Number.isInteger(serial) || serial < 1) {
          problem(`“${written}” 不是序号（应为正整数）`);
          continue;
        }
        const dup = seenSerial.get(serial);
        if (dup !== undefined) {
          problem(`序号 ${serial} 与第${dup}行重复`);
          continue;
        }
        seenSerial.set(serial, row);
        const there = bySerial.get(serial);
        if (there) {
          if (there.importKey === key) unchanged.push(there.id);
          else problem(`序号 ${serial} 在台账中已是另一处隐患（${there.site}：${there.description}）；新的隐患请用新的序号或留空`);
          continue;
        }
      } else {
        const dup = seenKey.get(key);
        if (dup !== undefined) {
          problem(`与第${dup}行是同一处隐患（企业或场所、属地、行业主管部门、隐患描述、等级、发现日期都相同）`, { column: '', header: '' });
          continue;
        }
        seenKey.set(key, row);
        const there = byKey.get(key);
        if (there) {
          unchanged.push(there.id);
          continue;
        }
      }
      fresh.push({ serial, facts, origin: 'import', row });
    }
    return problems;
  };
  const rows = await parseHazardWorkbook(args.bytes, args.fileName, ledgerUnits, { check: match });
  // Rows without 序号 are numbered after every 序号 of the ledger and of the file.
  let next = [...existing.map((e) => e.serial), ...seenSerial.keys()].reduce((a, b) => Math.max(a, b), 0) + 1;
  for (const h of fresh) if (h.serial === undefined) h.serial = next++;
  let created: string[] = [];
  try {
    if (fresh.length)
      created = await createHazards(deps.db, c.ctx, { campaignId: args.campaignId, hazards: fresh, units: c.hazardUnits, actor: args.actor, now: c.now, unitName: c.unitName });
  } catch (err) {
    if (isDuplicate(err)) throw new DubanError('HAZARD_CONFLICT', `${args.fileName}：导入时另有隐患同时写入台账（序号相同），未导入任何隐患；请重新导入`);
    throw err;
  }
  // the chases start in the background, a batch at a time (workflows/hazard-chase-starts.ts)
  if (deps.client && created.length) await startRecordedHazardChases(chaseDeps({ ...deps, client: deps.client }), args.campaignId);
  return { campaignId: args.campaignId, rows: rows.length, created, unchanged };
}

/** A unique key taken by a concurrent write (the 序号), as either database's driver words it. */
function isDuplicate(err: unknown): boolean {
  if (err instanceof DubanError) return err.code === 'HAZARD_CONFLICT';
  const e = err as { code?: string; message?: string; meta?: unknown };
  return e?.code === 'P2002' || /unique constraint|duplicate key|UNIQUE/i.test(`${e?.message ?? ''} ${JSON.stringify(e?.meta ?? '')}`);
}

/** A hazard reported one by one (a town's 排查, the console's 登记): checked, numbered after the last. */
export async function reportHazard(deps: HazardDeps, args: { campaignId: string; facts: HazardFacts; origin: 'console' | 'portal'; actor: string }): Promise<HazardRecord> {
  const c = await hazardCampaign(deps, args.campaignId);
  const facts = { ...args.facts, fundsWan: args.facts.fundsWan ?? 0, basis: args.facts.basis ?? '' };
  // Two reports at once may take the same next 序号: the later one is numbered again.
  let id: string | undefined;
  for (let attempt = 1; id === undefined; attempt++) {
    try {
      [id] = await createHazards(deps.db, c.ctx, {
        campaignId: args.campaignId,
        hazards: [{ facts, origin: args.origin }],
        units: c.hazardUnits,
        actor: args.actor,
        now: c.now,
        unitName: c.unitName,
      });
    } catch (err) {
      if (!isDuplicate(err) || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
  await chase(deps, args.campaignId, id);
  return loadHazard(deps.db, args.campaignId, id);
}

/** Checks filters from outside (CLI, API): names what is wrong. */
export function checkFilters(f: HazardFilters, units?: readonly Unit[]): void {
  if (f.level !== undefined && !HAZARD_LEVELS.includes(f.level)) throw new DubanError('INVALID_ARGUMENT', `隐患等级应为 general（一般）或 major（重大），实际为“${f.level}”`);
  for (const s of f.status ?? [])
    if (!HAZARD_STATUSES.includes(s))
      throw new DubanError('INVALID_ARGUMENT', `状态应为 pending（待整改）、rectifying（整改中）、awaiting_acceptance（待验收）、closed（已销号）或 cancelled（已撤销），实际为“${s}”`);
  if (units) {
    const ids = new Set(units.map((u) => u.unitId));
    if (f.townId && !ids.has(f.townId)) throw new DubanError('UNKNOWN_UNIT', `属地“${f.townId}”不是本次行动的单位`);
    if (f.departmentId && !ids.has(f.departmentId)) throw new DubanError('UNKNOWN_UNIT', `行业主管部门“${f.departmentId}”不是本次行动的单位`);
  }
}

/** The latest working day on or before `date`: a hazard is overdue when its 时限 is before it. */
function lastWorkingDay(ctx: HazardContext, date: CivilDate): CivilDate {
  const days = workingDaysOf(ctx.calendar);
  return days.isWorkingDay(date) ? date : days.nthWorkingDayBefore(date, 1);
}

/** `awaiting`: the hazards named by a letter held for 签发 (hazardIdsAwaitingSignOff), for that filter. */
function whereOf(c: HazardCampaign, f: HazardFilters, awaiting: readonly string[] = []) {
  const and: Record<string, unknown>[] = [{ campaignId: c.campaignId }];
  if (f.townId) and.push({ townId: f.townId });
  if (f.departmentId) and.push({ departmentId: f.departmentId });
  if (f.level) and.push({ level: f.level });
  if (f.status?.length) and.push({ status: { in: f.status } });
  if (f.overdue) and.push({ status: { in: ['pending', 'rectifying'] }, deadline: { lt: lastWorkingDay(c.ctx, today(c)) } });
  if (f.listed) and.push({ listingStatus: 'listed' });
  if (f.text) and.push({ OR: [{ site: { contains: f.text } }, { description: { contains: f.text } }] });
  if (f.awaitingSignOff) and.push({ id: { in: [...awaiting] } });
  return { AND: and };
}

function overdueOfRow(c: HazardCampaign, row: Pick<HazardRow, 'status' | 'deadline' | 'lateWorkingDays'>, on: CivilDate = today(c)): number {
  if (row.status === 'pending' || row.status === 'rectifying') return workingDaysOf(c.ctx.calendar).workingDaysAfter(row.deadline, on);
  if (row.status === 'cancelled') return 0;
  return row.lateWorkingDays ?? 0;
}

function summaryOf(c: HazardCampaign, row: HazardRow, marks: HazardMarks | undefined): HazardSummary {
  const order = marks?.unsignedOrder;
  return {
    id: row.id,
    serial: row.serial,
    site: row.site,
    townId: row.townId,
    townName: c.unitName(row.townId),
    departmentId: row.departmentId,
    departmentName: c.unitName(row.departmentId),
    description: row.description,
    level: row.level as HazardLevel,
    status: row.status as HazardStatus,
    foundOn: row.foundOn,
    deadline: row.deadline,
    originalDeadline: row.originalDeadline,
    responsible: row.responsible,
    overdueWorkingDays: overdueOfRow(c, row),
    reportedOn: row.reportedOn,
    closedOn: row.closedOn,
    listing: row.listingStatus ? { status: row.listingStatus, level: row.listingLevel ?? '' } : null,
    awaitingSignOff: marks?.heldLetters ?? [],
    unsignedOrder: order
      ? { listingId: order.listingId, documentNumber: order.documentNumber, sentOn: order.sentOn, workingDays: order.workingDays, units: order.unitIds.map((id) => ({ id, name: c.unitName(id) })) }
      : null,
    version: row.version,
  };
}

/** The ledger, filtered, a page at a time, by 序号. */
export async function hazardList(deps: HazardDeps, args: { campaignId: string; filters?: HazardFilters; page?: number; pageSize?: number }): Promise<HazardPage> {
  const c = await hazardCampaign(deps, args.campaignId);
  const filters = args.filters ?? {};
  checkFilters(filters, c.units);
  const page = Math.max(1, Math.floor(args.page ?? 1));
  const pageSize = Math.min(500, Math.max(1, Math.floor(args.pageSize ?? 50)));
  const where = whereOf(c, filters, filters.awaitingSignOff ? await hazardIdsAwaitingSignOff(deps.db, c.campaignId) : []);
  const [total, rows, grouped] = await Promise.all([
    deps.db.hazard.count({ where }),
    deps.db.hazard.findMany({ where, orderBy: { serial: 'asc' }, skip: (page - 1) * pageSize, take: pageSize }),
    deps.db.hazard.groupBy({ by: ['status'], where, _count: { _all: true } }),
  ]);
  const byStatus = Object.fromEntries(HAZARD_STATUSES.map((s) => [s, 0])) as Record<HazardStatus, number>;
  for (const g of grouped) byStatus[g.status as HazardStatus] = g._count._all;
  const marks = await hazardMarks(deps.db, c.ctx, c.campaignId, rows, c.now);
  return { campaignId: c.campaignId, title: c.title, today: today(c), total, page, pageSize, byStatus, items: rows.map((r) => summaryOf(c, r, marks.get(r.id))) };
}

/** The hazard's detail; `forUnit`: as its 属地 or 行业主管部门 sees it on the portal (unitHazardDetail). */
export async function hazardDetail(deps: HazardDeps, args: { campaignId: string; hazardId: string; forUnit?: boolean }): Promise<HazardDetail> {
  const c = await hazardCampaign(deps, args.campaignId);
  const detail = await loadDetail(deps, c, await loadHazard(deps.db, args.campaignId, args.hazardId));
  return args.forUnit ? unitHazardDetail(detail) : detail;
}

/** What a unit sees of a detail: the letters sent (no draft held for 签发, withdrawn or not yet sent), not the next one. */
export function unitHazardDetail(d: HazardDetail): HazardDetail {
  return { ...d, letters: d.letters.filter((l) => l.status === 'sent'), nextLetter: null, noNextLetter: null };
}

/** The hazard as the drawer shows it: its record, its events and its letters' 签发 steps, its marks, its letters. */
async function loadDetail(deps: HazardDeps, c: HazardCampaign, record: HazardRecord): Promise<HazardDetail> {
  const { campaignId, id } = record.row;
  const [events, signOffs, marks, letters] = await Promise.all([
    hazardEvents(deps.db, campaignId, id),
    hazardSignOffHistory(deps.db, campaignId, id),
    hazardMarks(deps.db, c.ctx, campaignId, [record.row], c.now),
    hazardLetterRows(deps.db, campaignId, id),
  ]);
  return detailOf(c, record, events, signOffs, marks.get(id), letters);
}

const LETTER_STATUS_NAMES: Record<HazardLetterStatus, string> = {
  sent: '已发出',
  awaiting_sign_off: '待签发',
  approved: '已签发，待发出',
  withdrawn: '已撤回',
  not_needed: '无需发出',
  claimed: '发送中',
  sending: '发送中',
};
export const hazardLetterStatusName = (status: string): string => LETTER_STATUS_NAMES[status as HazardLetterStatus] ?? status;

type LetterRow = Awaited<ReturnType<typeof hazardLetterRows>>[number];

/** The 发文字号 a letter carries: the register's, or a 挂牌's letters their own (the 挂牌's, the 摘牌's when it has one). */
function documentNumberOf(r: LetterRow, listings: readonly HazardListing[]): string | null {
  if (r.documentNumber) return r.documentNumber;
  const listing = listings.find((l) => l.id === r.listingId);
  if (r.kind === 'listing_order') return listing?.documentNumber ?? null;
  if (r.kind === 'delisting') return listing?.delisting?.documentNumber ?? null;
  return null;
}

function letterView(c: HazardCampaign, prefix: string, r: LetterRow, listings: readonly HazardListing[]): HazardLetterView {
  let to: string[] = [];
  let cc: string[] = [];
  try {
    const parsed = JSON.parse(r.recipients) as { to?: unknown; cc?: unknown };
    if (Array.isArray(parsed.to)) to = parsed.to.map(String);
    if (Array.isArray(parsed.cc)) cc = parsed.cc.map(String);
  } catch {
    // a row claimed before its words were recorded: no recipients yet
  }
  return {
    key: r.businessKey.slice(prefix.length),
    kind: r.kind as HazardLetterKind,
    kindName: HAZARD_LETTER_NAMES[r.kind as HazardLetterKind] ?? r.kind,
    status: r.status as HazardLetterStatus,
    statusName: hazardLetterStatusName(r.status),
    round: r.round,
    deadline: r.deadline,
    listingId: r.listingId,
    scheduledAt: chineseDateTime(r.scheduledAt.getTime(), c.timeZone),
    sentAt: r.status === 'sent' && r.sentAt ? chineseDateTime(r.sentAt.getTime(), c.timeZone) : null,
    documentNumber: documentNumberOf(r, listings),
    to,
    cc,
    recipients: [...to, ...cc].map(c.addressName),
    subject: r.subject,
    reason: r.reason,
    text: r.body,
    messageId: r.messageId,
  };
}

/** Who the letter goes to, by name (letters/hazard.ts addresses it so). */
function nextRecipients(c: HazardCampaign, state: HazardState, kind: HazardLetterKind): string[] {
  const h = state.hazard;
  const units = [c.unitName(h.townId), c.unitName(h.departmentId)];
  if (kind === 'circulate') return c.units.map((u) => u.name);
  if (kind === 'interview') return units.map((n) => `${n}主要负责人`);
  if ((kind === 'acceptance' || kind === 'acceptance_overdue') && acceptorOf(h.level) === 'office') return [c.officeName];
  return units;
}

/**
 * The letter its chase sends next if nothing changes: the first the record calls for not yet dealt with (sent,
 * withdrawn, not needed), leaving out those the chase would skip when their time came (a reminder for a day past),
 * as activities/hazards.ts nextHazardLetter and sendHazardLetter decide it.
 */
function nextLetterOf(
  c: HazardCampaign,
  record: HazardRecord,
  events: HazardEventEntry[],
  rows: LetterRow[],
): { nextLetter: HazardNextLetter | null; noNextLetter: string | null } {
  const { campaignId, id } = record.row;
  const facts = chaseFactsOf(record, events);
  const done = new Set(dealtWithHazardLetterKeys(rows, campaignId, id));
  for (const n of hazardLetters(c.ctx, facts)) if (!done.has(n.key) && !hazardLetterDecision(c.ctx, facts, n, Math.max(c.now, n.at)).send) done.add(n.key);
  const { next } = nextHazardLetter(c.ctx, facts, done);
  if (!next) {
    const state = record.state;
    const listed = record.listings.some((l) => l.status === 'listed');
    const why: Record<HazardState['status'], string> = {
      pending: '无待发督办文书，等待整改完成',
      rectifying: '无待发督办文书，等待整改完成',
      awaiting_acceptance: '等待验收',
      closed: listed ? '已销号，等待摘牌' : '已销号',
      cancelled: '已撤销',
    };
    return { nextLetter: null, noNextLetter: why[state.status] };
  }
  const row = rows.find((r) => r.businessKey === hazardLetterPrefix(campaignId, id) + next.key);
  return {
    nextLetter: {
      key: next.key,
      kind: next.kind,
      kindName: HAZARD_LETTER_NAMES[next.kind],
      at: chineseDateTime(next.at, c.timeZone),
      round: next.round,
      deadline: next.deadline,
      reason: next.reason,
      recipients: nextRecipients(c, record.state, next.kind),
      status: row ? (row.status as HazardLetterStatus) : null,
      statusName: row ? hazardLetterStatusName(row.status) : null,
    },
    noNextLetter: null,
  };
}

function detailOf(
  c: HazardCampaign,
  record: HazardRecord,
  events: HazardEventEntry[],
  signOffs: HazardSignOffStep[],
  marks: HazardMarks | undefined,
  letters: LetterRow[],
): HazardDetail {
  const prefix = hazardLetterPrefix(record.row.campaignId, record.row.id);
  // its letters' 签发 steps (seq 0: they are not events of the record) among its events, by time
  const steps = [...events, ...signOffs.map((s) => ({ ...s, seq: 0, listingId: null }))].sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    summary: summaryOf(c, record.row, marks),
    state: record.state,
    listings: record.listings,
    acceptanceDue: acceptanceDue(c.ctx, record.state) ?? null,
    history: steps.map((e) => ({
      seq: e.seq,
      at: chineseDateTime(e.at.getTime(), c.timeZone),
      actor: e.actor,
      actorName: actorName(e.actor, e.actor.startsWith('unit:') ? c.unitName(e.actor.slice(5)) : undefined),
      kind: e.kind,
      summary: e.summary,
      listingId: e.listingId,
    })),
    letters: letters.map((r) => letterView(c, prefix, r, record.listings)),
    ...nextLetterOf(c, record, events, letters),
  };
}

/** The ledger as .xlsx: every hazard (or the filtered ones), by 序号, with where each stands. */
export async function exportHazards(deps: HazardDeps, args: { campaignId: string; filters?: HazardFilters }): Promise<{ fileName: string; bytes: Buffer; rows: number }> {
  const c = await hazardCampaign(deps, args.campaignId);
  const filters = args.filters ?? {};
  checkFilters(filters, c.units);
  const where = whereOf(c, filters, filters.awaitingSignOff ? await hazardIdsAwaitingSignOff(deps.db, c.campaignId) : []);
  const rows = await deps.db.hazard.findMany({ where, orderBy: { serial: 'asc' } });
  const listingRows = await deps.db.hazardListing.findMany({ where: { campaignId: c.campaignId }, orderBy: { createdAt: 'asc' } });
  const latest = new Map<string, HazardListing>();
  for (const l of listingRows.map(listingOfRow).sort((a, b) => Number(a.id.split('-').pop()) - Number(b.id.split('-').pop()))) latest.set(l.hazardId, l);
  const on = today(c);
  const out: HazardExportRow[] = rows.map((r) => ({
    serial: r.serial,
    ...hazardExportRow(c.ctx, stateOfRow(r), { unitName: c.unitName, today: on, listing: latest.get(r.id) }),
  }));
  const bytes = await exportHazardWorkbook({ campaignTitle: c.title, officeName: c.officeName, generatedAt: chineseDateTime(c.now, c.timeZone), rows: out });
  return { fileName: `${c.title}隐患整改台账.xlsx`, bytes, rows: out.length };
}

// ───────────────────────────── changes ─────────────────────────────

export interface Upload {
  name: string;
  bytes: Buffer;
}

/** Keeps uploaded evidence (photos, documents) in the file store; the refs go into the event. */
export async function keepEvidence(deps: HazardDeps, uploads: readonly Upload[], maxBytes?: number): Promise<FileRef[]> {
  if (!uploads.length) return [];
  if (!deps.dataDir) throw new DubanError('CONFIG', 'no data directory to keep the evidence files in');
  const refs: FileRef[] = [];
  for (const u of uploads) {
    const stored = await storeFile(deps.dataDir, u, { maxBytes });
    refs.push({ sha256: stored.sha256, name: stored.name });
  }
  return refs;
}

export interface HazardChangeArgs {
  campaignId: string;
  hazardId: string;
  actor: string;
  /**
   * The actor's role: clerk | leader | admin (an operator), unit (a unit's portal link); checked by checkHazardRole.
   * The console and the CLI always give it; absent only for a trusted caller (a test, a script), which is not checked.
   */
  role?: string;
  expectedVersion?: number;
}

/** The changes that need a leader's approval: 延期, a decision on a 挂牌 延期申请, 摘牌. */
export const LEADER_CHANGES = ['extend', 'decide_extension', 'delist'] as const;
/** What a unit may do through its link (on its own hazards; web/ checks whose). */
export const UNIT_CHANGES = ['report_done', 'sign', 'request_extension'] as const;

const CHANGE_WORDS: Record<string, string> = { extend: '批准延期', decide_extension: '决定延期申请', delist: '批准摘牌' };

/** Throws FORBIDDEN unless `role` may make a change of `kind`. */
export function checkHazardRole(role: string, kind: string): void {
  if ((LEADER_CHANGES as readonly string[]).includes(kind) && role !== 'leader' && role !== 'admin')
    throw new DubanError('FORBIDDEN', `无权${CHANGE_WORDS[kind]}：只有领导或管理员可以${CHANGE_WORDS[kind]}`);
  if (role === 'unit' && !(UNIT_CHANGES as readonly string[]).includes(kind))
    throw new DubanError('FORBIDDEN', '单位只能报告整改完成、签收限期整改指令书和申请延期');
  if (!['clerk', 'leader', 'admin', 'unit'].includes(role)) throw new DubanError('FORBIDDEN', `未知的角色“${role}”`);
}

/** One change of the hazard's life (plan, start, report_done, accept, extend, cancel, edit); then wakes its chase. */
export async function actOnHazard(deps: HazardDeps, args: HazardChangeArgs & { event: HazardEvent }): Promise<HazardDetail> {
  if (args.role !== undefined) checkHazardRole(args.role, args.event?.kind);
  const c = await hazardCampaign(deps, args.campaignId);
  // 验收 on an unstated day: today.
  const event: HazardEvent = args.event?.kind === 'accept' && !args.event.on ? { ...args.event, on: today(c) } : args.event;
  const record = await transitionHazard(deps.db, c.ctx, { ...args, event, now: c.now, unitName: c.unitName });
  await chase(deps, args.campaignId, args.hazardId);
  const detail = await loadDetail(deps, c, record);
  return args.role === 'unit' ? unitHazardDetail(detail) : detail;
}

/** 挂牌督办 of a 重大 hazard. */
export async function listHazardForSupervision(
  deps: HazardDeps,
  args: HazardChangeArgs & { level: ListingLevel; documentNumber: string; listedOn?: CivilDate },
): Promise<HazardDetail> {
  if (args.role !== undefined) checkHazardRole(args.role, 'list');
  const c = await hazardCampaign(deps, args.campaignId);
  const record = await listHazard(deps.db, c.ctx, {
    ...args,
    now: c.now,
    unitName: c.unitName,
    listing: { level: args.level, documentNumber: args.documentNumber ?? '', ...(args.listedOn ? { listedOn: args.listedOn } : {}) },
  });
  await chase(deps, args.campaignId, args.hazardId);
  const detail = await loadDetail(deps, c, record);
  return args.role === 'unit' ? unitHazardDetail(detail) : detail;
}

/** One event of a 挂牌督办 (签收, 公告, 申请延期, 决定延期申请, 摘牌, 撤销挂牌). `listingId` defaults to the hazard's open one. */
export async function actOnHazardListing(deps: HazardDeps, args: HazardChangeArgs & { listingId?: string; event: ListingEvent }): Promise<HazardDetail> {
  if (args.role !== undefined) checkHazardRole(args.role, args.event?.kind);
  const c = await hazardCampaign(deps, args.campaignId);
  let listingId = args.listingId;
  if (!listingId) {
    const open = await deps.db.hazardListing.findFirst({ where: { campaignId: args.campaignId, hazardId: args.hazardId, status: 'listed' } });
    if (!open) {
      await loadHazard(deps.db, args.campaignId, args.hazardId);
      throw new DubanError('LISTING_TRANSITION', `隐患 ${args.hazardId} 没有挂牌中的挂牌督办`);
    }
    listingId = open.id;
  }
  const record = await actOnListing(deps.db, c.ctx, { ...args, listingId, now: c.now, unitName: c.unitName });
  await chase(deps, args.campaignId, args.hazardId);
  const detail = await loadDetail(deps, c, record);
  return args.role === 'unit' ? unitHazardDetail(detail) : detail;
}

// ───────────────────────────── statistics ─────────────────────────────

const QUARTERS = ['一', '二', '三', '四'];

/** A period's first and last day and its name; DubanError naming the format when it is neither 2022-10 nor 2022Q4. */
export function parsePeriod(period: string): { from: CivilDate; to: CivilDate; label: string } {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  const quarter = /^(\d{4})[Qq]([1-4])$/.exec(period);
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) {
    const y = Number(month[1]);
    const m = Number(month[2]);
    return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}`, label: `${y}年${m}月` };
  }
  if (quarter) {
    const y = Number(quarter[1]);
    const q = Number(quarter[2]);
    const m1 = (q - 1) * 3 + 1;
    return { from: `${y}-${pad(m1)}-01`, to: `${y}-${pad(m1 + 2)}-${pad(lastDay(y, m1 + 2))}`, label: `${y}年第${QUARTERS[q - 1]}季度` };
  }
  throw new DubanError('INVALID_ARGUMENT', `统计期间“${period}”格式不对：月份写作 2022-10，季度写作 2022Q4`);
}

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10000) / 10000);

function emptyFigures(): HazardFigures {
  return { found: 0, rectified: 0, notRectified: 0, overdue: 0, rectificationRate: null, due: 0, onTime: 0, onTimeRate: null, major: 0, majorClosed: 0, majorClosureRate: null, listed: 0, listedNow: 0 };
}

function finish(f: HazardFigures): HazardFigures {
  return {
    ...f,
    notRectified: f.found - f.rectified,
    rectificationRate: rate(f.rectified, f.found),
    onTimeRate: rate(f.onTime, f.due),
    majorClosureRate: rate(f.majorClosed, f.major),
  };
}

/** The figures of hazards found in the period (all when none), as of today; a closed period's as recorded. */
export async function hazardStatistics(deps: HazardDeps, args: { campaignId: string; period?: string }): Promise<HazardStatistics> {
  const c = await hazardCampaign(deps, args.campaignId);
  if (args.period) {
    parsePeriod(args.period);
    const closed = await deps.db.hazardStatsPeriod.findUnique({ where: { campaignId_period: { campaignId: args.campaignId, period: args.period } } });
    if (closed) return JSON.parse(closed.figures) as HazardStatistics;
  }
  return computeStatistics(deps, c, args.period);
}

async function computeStatistics(deps: HazardDeps, c: HazardCampaign, period: string | undefined): Promise<HazardStatistics> {
  const range = period ? parsePeriod(period) : undefined;
  const asOf = today(c);
  const rows = await deps.db.hazard.findMany({
    where: { campaignId: c.campaignId, status: { not: 'cancelled' }, ...(range ? { foundOn: { gte: range.from, lte: range.to } } : {}) },
    select: { townId: true, departmentId: true, level: true, status: true, deadline: true, lateWorkingDays: true, listingStatus: true },
  });
  const towns = new Map<string, HazardFigures>();
  const departments = new Map<string, HazardFigures>();
  for (const u of c.units) (u.type === 'town' ? towns : departments).set(u.unitId, emptyFigures());
  const total = emptyFigures();
  for (const r of rows) {
    const late = overdueOfRow(c, r, asOf);
    const closed = r.status === 'closed';
    for (const f of [towns.get(r.townId), departments.get(r.departmentId), total]) {
      if (!f) continue;
      f.found++;
      if (closed) f.rectified++;
      if (late > 0) f.overdue++;
      if (closed || r.deadline < asOf) f.due++;
      if (closed && (r.lateWorkingDays ?? 0) === 0) f.onTime++;
      if (r.level === 'major') {
        f.major++;
        if (closed) f.majorClosed++;
      }
      if (r.listingStatus) f.listed++;
      if (r.listingStatus === 'listed') f.listedNow++;
    }
  }
  const rowsOf = (m: Map<string, HazardFigures>) => [...m].map(([unitId, f]) => ({ unitId, unitName: c.unitName(unitId), ...finish(f) }));
  return {
    campaignId: c.campaignId,
    title: c.title,
    officeName: c.officeName,
    period: period ?? null,
    periodLabel: range?.label ?? '全部',
    from: range?.from ?? null,
    to: range?.to ?? null,
    asOf,
    byTown: rowsOf(towns),
    byDepartment: rowsOf(departments),
    total: finish(total),
    closed: null,
  };
}

/**
 * Closes a month or quarter: its statistics are recorded as they are now and reported so from then on. Only a
 * period that has ended, and only once.
 */
export async function closeHazardPeriod(deps: HazardDeps, args: { campaignId: string; period: string; actor: string }): Promise<HazardStatistics> {
  const c = await hazardCampaign(deps, args.campaignId);
  const range = parsePeriod(args.period);
  const on = today(c);
  if (range.to >= on) throw new DubanError('INVALID_ARGUMENT', `${range.label}尚未结束（截至 ${range.to}，今天是 ${on}），不能关账`);
  const already = await deps.db.hazardStatsPeriod.findUnique({ where: { campaignId_period: { campaignId: args.campaignId, period: args.period } } });
  if (already) throw new DubanError('INVALID_ARGUMENT', `${range.label}已于 ${chineseDateTime(already.closedAt.getTime(), c.timeZone)} 由 ${already.closedBy} 关账，统计数不再变化`);
  const stats = await computeStatistics(deps, c, args.period);
  const closed: HazardStatistics = { ...stats, closed: { at: chineseDateTime(c.now, c.timeZone), by: args.actor } };
  try {
    await deps.db.hazardStatsPeriod.create({
      data: { campaignId: args.campaignId, period: args.period, closedAt: new Date(c.now), closedBy: args.actor, figures: JSON.stringify(closed) },
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new DubanError('INVALID_ARGUMENT', `${range.label}已关账，统计数不再变化`);
    throw err;
  }
  return closed;
}

/** The closed periods of a campaign, newest first. */
export async function closedHazardPeriods(deps: HazardDeps, campaignId: string): Promise<ClosedPeriod[]> {
  const c = await hazardCampaign(deps, campaignId);
  const rows = await deps.db.hazardStatsPeriod.findMany({ where: { campaignId }, orderBy: { period: 'desc' }, select: { period: true, closedAt: true, closedBy: true } });
  return rows.map((r) => ({ period: r.period, label: parsePeriod(r.period).label, closedAt: chineseDateTime(r.closedAt.getTime(), c.timeZone), closedBy: r.closedBy }));
}

/** Whether the date text is a date (for the CLI's and the API's own checks). */
export const isDate = (s: unknown): s is CivilDate => typeof s === 'string' && isCivilDate(s);

/** The hazard's overdue working days on `on` from its state (what the export says). */
export const overdueOf = (c: HazardCampaign, state: HazardState, on: CivilDate) => hazardOverdueWorkingDays(c.ctx, state, on);

/** The statistics as .xlsx (按属地, 按行业主管部门). */
export async function hazardStatisticsWorkbook(deps: HazardDeps, args: { campaignId: string; period?: string }): Promise<{ fileName: string; bytes: Buffer; stats: HazardStatistics }> {
  const stats = await hazardStatistics(deps, args);
  const bytes = await exportStatisticsWorkbook(stats);
  return { fileName: `${stats.title}隐患排查治理统计（${stats.periodLabel}）.xlsx`, bytes, stats };
}
