// The 隐患整改台账 in the database: one Hazard row per hazard (its state as of the last event, with columns for the
// console's filters), every change as a HazardEvent (append-only, numbered per hazard), 挂牌督办 as HazardListing.
// A change is one transaction: read the row, let the domain check and apply the event, write the row guarded by its
// version and append the event. A refusal writes nothing.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CivilDate } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import {
  HAZARD_EVENT_NAMES,
  HAZARD_FIELD_NAMES,
  HAZARD_LEVEL_NAMES,
  HAZARD_STATUS_NAMES,
  HAZARD_STATUSES,
  LISTING_EVENT_NAMES,
  LISTING_LEVEL_NAMES,
  type Hazard,
  type HazardContext,
  type HazardEvent,
  type HazardFacts,
  type HazardListing,
  type HazardState,
  type HazardUnit,
  type HeldLetterKind,
  type ListingEvent,
  type NewListing,
  type UnsignedOrder,
  applyHazardEvent,
  applyListingEvent,
  checkHazardEvent,
  checkListingEvent,
  checkNewListing,
  hazardOverdueWorkingDays,
  listingExtensionEvent,
  newHazardState,
  newListing,
  unsignedOrder,
} from '../domain/hazards';
import { civilDateOf } from '../domain/zoned-time';
import { Prisma } from '../generated/prisma/client';
import type { HazardListing as ListingRow, Hazard as HazardRow } from '../generated/prisma/client';
import { type CampaignSettings, hazardPolicyOf } from './campaigns';
import type { Db } from './db';
import { HAZARD_AWAITING_SIGN_OFF, HELD_KINDS, heldLettersOf } from './hazard-sign-off';
import { readRecord } from './records';

export type { HazardRow, ListingRow };

/** The hazard context of a campaign: its calendar and zone, and its hazards' policy as launched (the default without). */
export function hazardContextOf(settings: Pick<CampaignSettings, 'calendar' | 'timeZone' | 'hazards'>): HazardContext {
  return { policy: hazardPolicyOf(settings), calendar: settings.calendar, timeZone: settings.timeZone };
}

export type HazardOrigin = 'import' | 'console' | 'portal';

export interface HazardRecord {
  row: HazardRow;
  state: HazardState;
  listings: HazardListing[];
}

const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const stateSchema = z
  .object({
    hazard: z.object({ id: z.string(), campaignId: z.string(), townId: z.string(), departmentId: z.string(), deadline: civilDate }).passthrough(),
    status: z.enum(HAZARD_STATUSES as unknown as ['pending']),
    originalDeadline: civilDate,
    rounds: z.array(z.object({ round: z.number(), startedOn: civilDate, deadline: civilDate }).passthrough()),
    extensions: z.array(z.object({ from: civilDate, to: civilDate }).passthrough()),
  })
  .passthrough();
const listingSchema = z
  .object({
    id: z.string(),
    hazardId: z.string(),
    level: z.enum(['county', 'city', 'province']),
    status: z.enum(['listed', 'delisted', 'revoked']),
    order: z.object({ recipients: z.array(z.string()), deadline: civilDate, sentOn: civilDate }),
    signatures: z.array(z.object({ unitId: z.string(), by: z.string(), on: civilDate })),
    extensionRequests: z.array(z.object({ to: civilDate }).passthrough()),
  })
  .passthrough();

export function stateOfRow(row: Pick<HazardRow, 'campaignId' | 'id' | 'state'>): HazardState {
  return readRecord(stateSchema, row.state, `the state of hazard ${row.campaignId}/${row.id}`) as unknown as HazardState;
}

export function listingOfRow(row: Pick<ListingRow, 'campaignId' | 'id' | 'record'>): HazardListing {
  return readRecord(listingSchema, row.record, `listing ${row.campaignId}/${row.id}`) as unknown as HazardListing;
}

/** What identifies a hazard as first recorded: a re-import of a row without 序号 is matched by it. */
export function hazardImportKey(facts: Pick<HazardFacts, 'site' | 'townId' | 'departmentId' | 'description' | 'level' | 'foundOn'>): string {
  const norm = (s: string) => s.replace(/[\s\u3000]/g, '');
  const parts = [facts.site, facts.townId, facts.departmentId, facts.description, facts.level, facts.foundOn].map(norm);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The columns of the row that follow from the state. */
function columnsOf(ctx: HazardContext, state: HazardState) {
  const h = state.hazard;
  const report = state.status === 'awaiting_acceptance' || state.status === 'closed' ? state.rounds[state.rounds.length - 1]?.report : undefined;
  return {
    site: h.site,
    townId: h.townId,
    departmentId: h.departmentId,
    description: h.description,
    level: h.level,
    basis: h.basis,
    foundOn: h.foundOn,
    source: h.source,
    measures: h.measures,
    responsible: h.responsible,
    fundsWan: h.fundsWan,
    originalDeadline: state.originalDeadline,
    deadline: h.deadline,
    status: state.status,
    reportedOn: report?.on ?? null,
    lateWorkingDays: report ? hazardOverdueWorkingDays(ctx, state, report.on) : null,
    closedOn: state.closedOn ?? null,
    state: JSON.stringify(state),
  };
}

function listingColumns(listing: HazardListing) {
  return {
    level: listing.level,
    documentNumber: listing.documentNumber,
    listedOn: listing.listedOn,
    status: listing.status,
    announcedOn: listing.announcedOn ?? null,
    delistedOn: listing.delisting?.on ?? null,
    pendingExtension: listing.extensionRequests.some((r) => !r.decision),
    record: JSON.stringify(listing),
  };
}

export function unknownHazard(campaignId: string, hazardId: string): DubanError {
  return new DubanError('UNKNOWN_HAZARD', `专项行动 ${campaignId} 的隐患台账中没有序号为“${hazardId}”的隐患`);
}

type Tx = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

async function readHazard(db: Tx, campaignId: string, hazardId: string): Promise<HazardRecord> {
  const row = await db.hazard.findUnique({ where: { campaignId_id: { campaignId, id: hazardId } } });
  if (!row) throw unknownHazard(campaignId, hazardId);
  const listings = await db.hazardListing.findMany({ where: { campaignId, hazardId }, orderBy: { createdAt: 'asc' } });
  return { row, state: stateOfRow(row), listings: listings.map(listingOfRow).sort((a, b) => listingNumber(a.id) - listingNumber(b.id)) };
}

const listingNumber = (id: string) => Number(id.split('-').pop());

/** One hazard with its listings, or UNKNOWN_HAZARD. */
export function loadHazard(db: Db, campaignId: string, hazardId: string): Promise<HazardRecord> {
  return readHazard(db, campaignId, hazardId);
}

/** What the ledger marks on a hazard's row beside its state: letters held for 签发, an 指令书 not yet signed by all. */
export interface HazardMarks {
  heldLetters: HeldLetterKind[];
  unsignedOrder?: UnsignedOrder;
}

/**
 * The marks of a page of the ledger, whatever its size in two queries: the held letters naming its hazards, grouped,
 * and the open listings of those under 挂牌督办 (`listingStatus` of the row), their 签收 counted on the calendar at `now`.
 */
export async function hazardMarks(
  db: Db,
  ctx: Pick<HazardContext, 'calendar' | 'timeZone'>,
  campaignId: string,
  rows: readonly Pick<HazardRow, 'id' | 'listingStatus'>[],
  now: number,
): Promise<Map<string, HazardMarks>> {
  const listed = rows.filter((r) => r.listingStatus === 'listed').map((r) => r.id);
  const [held, listings] = await Promise.all([
    heldLettersOf(db, campaignId, rows.map((r) => r.id)),
    listed.length ? db.hazardListing.findMany({ where: { campaignId, hazardId: { in: listed }, status: 'listed' } }) : [],
  ]);
  const unsigned = new Map<string, UnsignedOrder>();
  for (const l of listings) {
    const order = unsignedOrder(ctx, listingOfRow(l), now);
    if (order) unsigned.set(l.hazardId, order);
  }
  return new Map(rows.map((r) => [r.id, { heldLetters: held.get(r.id) ?? [], ...(unsigned.has(r.id) ? { unsignedOrder: unsigned.get(r.id) } : {}) }]));
}

/** The hazards of the campaign named by a letter held for 签发 (the ledger's 待签发 filter). */
export async function hazardIdsAwaitingSignOff(db: Db, campaignId: string): Promise<string[]> {
  const rows = await db.hazardLetter.findMany({
    where: { campaignId, status: HAZARD_AWAITING_SIGN_OFF, kind: { in: HELD_KINDS }, hazardId: { not: '' } },
    select: { hazardId: true },
    distinct: ['hazardId'],
  });
  return rows.map((r) => r.hazardId);
}

// ───────────────────────────── the record of events ─────────────────────────────

/** What a HazardEvent's detail holds: the event as applied (enough to replay it), and where the hazard stood after. */
export type HazardEventDetail =
  | { kind: 'create'; hazard: Hazard; origin: HazardOrigin; row?: number }
  | { kind: 'hazard'; event: HazardEvent; listingId?: string }
  | { kind: 'list'; listing: HazardListing }
  | { kind: 'listing'; listingId: string; event: ListingEvent };

export interface HazardEventEntry {
  seq: number;
  at: Date;
  actor: string;
  kind: string;
  listingId: string | null;
  summary: string;
  detail: HazardEventDetail;
}

const detailSchema = z.object({ kind: z.enum(['create', 'hazard', 'list', 'listing']) }).passthrough();

/** Every event of a hazard, oldest first. */
export async function hazardEvents(db: Db, campaignId: string, hazardId: string): Promise<HazardEventEntry[]> {
  const rows = await db.hazardEvent.findMany({ where: { campaignId, hazardId }, orderBy: { seq: 'asc' } });
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    kind: r.kind,
    listingId: r.listingId,
    summary: r.summary,
    detail: readRecord(detailSchema, r.detail, `hazard event ${r.id}`) as unknown as HazardEventDetail,
  }));
}

/** The hazard and its listings as its events make them: what the row must hold (a check of the record). */
export function replayHazard(ctx: HazardContext, events: readonly HazardEventEntry[]): { state: HazardState; listings: HazardListing[] } {
  let state: HazardState | undefined;
  const listings = new Map<string, HazardListing>();
  for (const e of events) {
    const now = e.at.getTime();
    const d = e.detail;
    if (d.kind === 'create') state = newHazardState(d.hazard);
    else if (!state) throw new DubanError('CORRUPT_RECORD', `hazard event ${e.seq} comes before the hazard was recorded`);
    else if (d.kind === 'hazard') state = applyHazardEvent(ctx, state, d.event, now);
    else if (d.kind === 'list') listings.set(d.listing.id, d.listing);
    else listings.set(d.listingId, applyListingEvent(ctx, listings.get(d.listingId)!, d.event, now));
  }
  if (!state) throw new DubanError('CORRUPT_RECORD', 'a hazard without its creation event');
  return { state, listings: [...listings.values()] };
}

export type UnitNames = (unitId: string) => string;

/** The event as the audit view reads it, in Chinese. */
export function hazardEventSummary(before: HazardState | undefined, after: HazardState, event: HazardEvent, unitName: UnitNames): string {
  void unitName;
  switch (event.kind) {
    case 'plan': {
      const p = event.plan;
      return `报送治理方案（五到位）：措施 ${p.measures}；责任 ${p.responsibility}；资金 ${p.fundsWan} 万元；时限 ${p.deadline}；预案 ${p.contingency}`;
    }
    case 'start':
      return `开始整改（第${after.rounds.length}轮，整改时限 ${after.hazard.deadline}）`;
    case 'report_done':
      return `报告整改完成：${event.done.trim()}（附 ${event.files.length} 个文件：${event.files.map((f) => f.name).join('、')}）`;
    case 'accept':
      return event.result === 'pass'
        ? `验收合格，销号（验收人 ${event.by.trim()}，验收日期 ${event.on}）`
        : `验收不合格（验收人 ${event.by.trim()}，验收日期 ${event.on}）：${(event.opinion ?? '').trim()}；重新整改，时限 ${event.newDeadline}`;
    case 'extend':
      return `延期：整改时限 ${before?.hazard.deadline} → ${event.to}（${event.reason.trim()}；批准人 ${event.approvedBy.trim()}）`;
    case 'cancel':
      return `撤销隐患：${event.reason.trim()}`;
    case 'edit':
      return `修改${Object.keys(event.changes)
        .filter((k) => event.changes[k as keyof typeof event.changes] !== undefined)
        .map((k) => HAZARD_FIELD_NAMES[k as keyof HazardFacts] ?? k)
        .join('、')}`;
  }
}

function listingEventSummary(listing: HazardListing, event: ListingEvent, unitName: UnitNames): string {
  const of = `（${LISTING_LEVEL_NAMES[listing.level]}挂牌 ${listing.documentNumber}）`;
  switch (event.kind) {
    case 'sign':
      return `${unitName(event.unitId)}签收限期整改指令书（签收人 ${event.by.trim()}）${of}`;
    case 'announce':
      return `挂牌督办已于 ${event.on} 公告${of}`;
    case 'request_extension':
      return `申请延期至 ${event.to}：${event.reason.trim()}（申请人 ${event.by.trim()}）${of}`;
    case 'decide_extension':
      return `${event.approved ? '批准' : '不批准'}延期申请：${event.reason.trim()}（决定人 ${event.by.trim()}）${of}`;
    case 'delist':
      return `摘牌（批准人 ${event.approvedBy.trim()}${event.documentNumber ? `，${event.documentNumber.trim()}` : ''}）${event.opinion ? `：${event.opinion.trim()}` : ''}${of}`;
    case 'revoke':
      return `撤销挂牌：${event.reason.trim()}${of}`;
  }
}

// ───────────────────────────── writes ─────────────────────────────

export interface NewHazard {
  /** The 序号; absent: the next free one. */
  serial?: number;
  facts: HazardFacts;
  origin: HazardOrigin;
  /** The sheet row it came from, for the record. */
  row?: number;
}

/** The next free 序号 of the campaign. */
async function nextSerial(db: Tx, campaignId: string): Promise<number> {
  const { _max } = await db.hazard.aggregate({ where: { campaignId }, _max: { serial: true } });
  return (_max.serial ?? 0) + 1;
}

/** Rows per INSERT: 28 values each, within SQLite's 32,766 variables and PostgreSQL's 65,535. */
const BATCH = 400;

/**
 * Records new hazards, all or none (one transaction); each is checked by the domain against the units first. A 序号
 * already taken refuses the whole batch (the caller decides what a re-import skips). Returns the hazards' ids.
 */
export async function createHazards(
  db: Db,
  ctx: HazardContext,
  args: { campaignId: string; hazards: readonly NewHazard[]; units: readonly HazardUnit[]; actor: string; now: number; unitName: UnitNames },
): Promise<string[]> {
  return db.$transaction(
    async (tx) => {
      let next = await nextSerial(tx, args.campaignId);
      const taken = new Set<number>();
      const rows = args.hazards.map((h) => {
        const serial = h.serial ?? next++;
        if (h.serial !== undefined && h.serial >= next) next = h.serial + 1;
        if (!Number.isInteger(serial) || serial < 1) throw new DubanError('INVALID_ARGUMENT', `序号应为正整数，实际为“${serial}”`);
        if (taken.has(serial)) throw new DubanError('INVALID_ARGUMENT', `序号 ${serial} 重复`);
        taken.add(serial);
        const hazard: Hazard = { ...h.facts, id: String(serial), campaignId: args.campaignId };
        const state = newHazardState(hazard, args.units);
        return { h, serial, hazard, state };
      });
      // Every serial of the campaign, compared here: an IN list of 20,000 is more than SQLite takes.
      const recorded = await tx.hazard.findMany({ where: { campaignId: args.campaignId }, select: { serial: true } });
      const clash = recorded.filter((r) => taken.has(r.serial));
      // Taken since the caller looked (a concurrent import or report): HAZARD_CONFLICT, so that a report numbers itself again.
      if (clash.length) throw new DubanError('HAZARD_CONFLICT', `序号 ${clash.map((c) => c.serial).join('、')} 已有隐患`);
      const at = new Date(args.now);
      // Plain multi-row INSERTs: Prisma's createMany took 28 s for 20,000 hazards, these take a fraction of it.
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        const hazardRows = batch.map(({ h, serial, hazard, state }) => {
          const c = columnsOf(ctx, state);
          const values = [
            args.campaignId, hazard.id, serial, c.site, c.townId, c.departmentId, c.description, c.level, c.basis, c.foundOn, c.source, c.measures,
            c.responsible, c.fundsWan, c.originalDeadline, c.deadline, c.status, c.reportedOn, c.lateWorkingDays, c.closedOn, null, null,
            hazardImportKey(hazard), h.origin, c.state, 1, at, at,
          ];
          return Prisma.sql`(${Prisma.join(values)})`;
        });
        await tx.$executeRaw`INSERT INTO "Hazard" ("campaignId", "id", "serial", "site", "townId", "departmentId", "description", "level", "basis",
          "foundOn", "source", "measures", "responsible", "fundsWan", "originalDeadline", "deadline", "status", "reportedOn", "lateWorkingDays",
          "closedOn", "listingStatus", "listingLevel", "importKey", "origin", "state", "version", "createdAt", "updatedAt") VALUES ${Prisma.join(hazardRows)}`;
        const eventRows = batch.map(({ h, hazard }) => {
          const detail: HazardEventDetail = { kind: 'create', hazard, origin: h.origin, ...(h.row ? { row: h.row } : {}) };
          const values = [args.campaignId, hazard.id, 1, null, 'create', at, args.actor, creationSummary(hazard, h, args.unitName), JSON.stringify(detail)];
          return Prisma.sql`(${Prisma.join(values)})`;
        });
        await tx.$executeRaw`INSERT INTO "HazardEvent" ("campaignId", "hazardId", "seq", "listingId", "kind", "at", "actor", "summary", "detail")
          VALUES ${Prisma.join(eventRows)}`;
      }
      return rows.map((r) => r.hazard.id);
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}

function creationSummary(hazard: Hazard, h: NewHazard, unitName: UnitNames): string {
  const how = h.origin === 'import' ? `导入台账${h.row ? `第${h.row}行` : ''}` : h.origin === 'portal' ? `${unitName(hazard.townId)}上报` : '登记';
  return `${how}：${HAZARD_LEVEL_NAMES[hazard.level]}隐患，${hazard.site}，${hazard.description}（属地 ${unitName(hazard.townId)}，行业主管部门 ${unitName(
    hazard.departmentId,
  )}，整改时限 ${hazard.deadline}）`;
}

export interface ChangeArgs {
  campaignId: string;
  hazardId: string;
  actor: string;
  now: number;
  /** The version the operator saw: refused with HAZARD_CONFLICT when the hazard has changed since. */
  expectedVersion?: number;
  unitName: UnitNames;
}

const conflict = (campaignId: string, hazardId: string, seen: number, now: number) =>
  new DubanError('HAZARD_CONFLICT', `隐患 ${campaignId}/${hazardId} 已被他人修改（您看到的是第 ${seen} 版，现在是第 ${now} 版），请刷新后重试`);

/**
 * One change of a hazard in one transaction: read it, let `decide` check and apply (throwing refuses and writes
 * nothing), write the row where its version is still the one read, append the events. A concurrent change between
 * the read and the write is detected by the version; without `expectedVersion` the change is then tried once more
 * against the new state, with it refused as HAZARD_CONFLICT.
 */
async function change(
  db: Db,
  ctx: HazardContext,
  args: ChangeArgs,
  decide: (record: HazardRecord) => {
    state: HazardState;
    listing?: { listing: HazardListing; created: boolean };
    events: { kind: string; listingId?: string; summary: string; detail: HazardEventDetail }[];
  },
): Promise<HazardRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(
        async (tx) => {
          const record = await readHazard(tx, args.campaignId, args.hazardId);
          const { row } = record;
          if (args.expectedVersion !== undefined && args.expectedVersion !== row.version) throw conflict(args.campaignId, args.hazardId, args.expectedVersion, row.version);
          const decided = decide(record);
          const version = row.version + decided.events.length;
          const listings = [...record.listings];
          if (decided.listing) {
            const l = decided.listing.listing;
            const i = listings.findIndex((x) => x.id === l.id);
            if (i >= 0) listings[i] = l;
            else listings.push(l);
          }
          const latest = listings[listings.length - 1];
          const updated = await tx.hazard.updateMany({
            where: { campaignId: args.campaignId, id: args.hazardId, version: row.version },
            data: {
              ...columnsOf(ctx, decided.state),
              listingStatus: latest?.status ?? null,
              listingLevel: latest?.level ?? null,
              version,
            },
          });
          if (updated.count !== 1) throw new Retry(row.version);
          if (decided.listing) {
            const l = decided.listing.listing;
            if (decided.listing.created)
              await tx.hazardListing.create({ data: { campaignId: args.campaignId, id: l.id, hazardId: args.hazardId, ...listingColumns(l) } });
            else await tx.hazardListing.update({ where: { campaignId_id: { campaignId: args.campaignId, id: l.id } }, data: listingColumns(l) });
          }
          const at = new Date(args.now);
          let seq = row.version;
          for (const e of decided.events) {
            seq += 1;
            await tx.hazardEvent.create({
              data: {
                campaignId: args.campaignId,
                hazardId: args.hazardId,
                seq,
                listingId: e.listingId ?? null,
                kind: e.kind,
                at,
                actor: args.actor,
                summary: e.summary,
                detail: JSON.stringify(e.detail),
              },
            });
          }
          const after = await tx.hazard.findUniqueOrThrow({ where: { campaignId_id: { campaignId: args.campaignId, id: args.hazardId } } });
          return { row: after, state: decided.state, listings };
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
    } catch (err) {
      const raced = err instanceof Retry || isUniqueViolation(err);
      if (!raced) throw err;
      const seen = err instanceof Retry ? err.version : (args.expectedVersion ?? 0);
      if (args.expectedVersion !== undefined || attempt >= 3) {
        const current = await db.hazard.findUnique({ where: { campaignId_id: { campaignId: args.campaignId, id: args.hazardId } }, select: { version: true } });
        throw conflict(args.campaignId, args.hazardId, args.expectedVersion ?? seen, current?.version ?? seen);
      }
    }
  }
}

class Retry extends Error {
  constructor(readonly version: number) {
    super('the hazard changed during the transaction');
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'P2002' || /Unique constraint/i.test(e?.message ?? '');
}

/** One event of the hazard's life (plan, start, report_done, accept, extend, cancel, edit), checked by the domain. */
export function transitionHazard(db: Db, ctx: HazardContext, args: ChangeArgs & { event: HazardEvent }): Promise<HazardRecord> {
  return change(db, ctx, args, ({ state }) => {
    checkHazardEvent(ctx, state, args.event, args.now);
    const after = applyHazardEvent(ctx, state, args.event, args.now);
    return {
      state: after,
      events: [{ kind: args.event.kind, summary: hazardEventSummary(state, after, args.event, args.unitName), detail: { kind: 'hazard', event: args.event } }],
    };
  });
}

/** 挂牌督办 of a 重大 hazard: the listing and its 限期整改指令书, numbered `<hazard>-<n>`. */
export function listHazard(db: Db, ctx: HazardContext, args: ChangeArgs & { listing: Omit<NewListing, 'id'> }): Promise<HazardRecord> {
  return change(db, ctx, args, ({ state, listings }) => {
    const input: NewListing = { ...args.listing, id: `${args.hazardId}-${listings.length + 1}` };
    checkNewListing(ctx, state, input, args.now, listings);
    const listing = newListing(ctx, state, input, args.now);
    const recipients = listing.order.recipients.map(args.unitName).join('、');
    return {
      state,
      listing: { listing, created: true },
      events: [
        {
          kind: 'list',
          listingId: listing.id,
          summary: `${LISTING_LEVEL_NAMES[listing.level]}挂牌督办（${listing.documentNumber}），限期整改指令书送 ${recipients}，整改时限 ${listing.order.deadline}`,
          detail: { kind: 'list', listing },
        },
      ],
    };
  });
}

/** One event of a listing (签收, 公告, 延期 asked and decided, 摘牌, 撤销挂牌); an approved 延期 moves the hazard's 时限 too. */
export function actOnListing(db: Db, ctx: HazardContext, args: ChangeArgs & { listingId: string; event: ListingEvent }): Promise<HazardRecord> {
  return change(db, ctx, args, ({ state, listings }) => {
    const listing = listings.find((l) => l.id === args.listingId);
    if (!listing) throw new DubanError('UNKNOWN_HAZARD', `隐患 ${args.hazardId} 没有编号为“${args.listingId}”的挂牌督办`);
    checkListingEvent(ctx, listing, state, args.event, args.now);
    const events: { kind: string; listingId?: string; summary: string; detail: HazardEventDetail }[] = [
      {
        kind: args.event.kind,
        listingId: listing.id,
        summary: listingEventSummary(listing, args.event, args.unitName),
        detail: { kind: 'listing', listingId: listing.id, event: args.event },
      },
    ];
    let after = state;
    if (args.event.kind === 'decide_extension' && args.event.approved) {
      const extend = listingExtensionEvent(
        listing.extensionRequests.find((r) => !r.decision)!,
        { reason: args.event.reason, by: args.event.by },
      );
      after = applyHazardEvent(ctx, state, extend, args.now);
      events.push({ kind: 'extend', listingId: listing.id, summary: hazardEventSummary(state, after, extend, args.unitName), detail: { kind: 'hazard', event: extend, listingId: listing.id } });
    }
    return { state: after, listing: { listing: applyListingEvent(ctx, listing, args.event, args.now), created: false }, events };
  });
}

/** The chinese name of a change for messages: 开始整改, 签收 … */
export function changeName(kind: string): string {
  return (HAZARD_EVENT_NAMES as Record<string, string>)[kind] ?? (LISTING_EVENT_NAMES as Record<string, string>)[kind] ?? (kind === 'list' ? '挂牌督办' : kind);
}

export const statusName = (s: string) => (HAZARD_STATUS_NAMES as Record<string, string>)[s] ?? s;

/** Today in the campaign's zone. */
export const todayOf = (ctx: HazardContext, now: number): CivilDate => civilDateOf(now, ctx.timeZone);
