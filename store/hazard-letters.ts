// The letters of a hazard's chase in the database: the HazardLetter claim table (store/claims.ts claims a letter's
// business key before it is sent, with the 发文字号 its first claim takes), which of a hazard's letters are sent, and
// what the record says of the hazard as far as its chase is concerned (domain/hazard-chase.ts HazardChaseFacts).
import type { HazardChaseFacts, HazardLetterDue } from '../domain/hazard-chase';
import type { HazardLetter } from '../generated/prisma/client';
import type { Db } from './db';
import type { ClaimRows, ClaimTable } from './claims';
import { type HazardEventEntry, type HazardRecord, hazardEvents, loadHazard } from './hazards';
import { HAZARD_NOT_NEEDED, HAZARD_WITHDRAWN } from './hazard-sign-off';

export const HAZARD_LETTERS: ClaimTable = {
  table: 'HazardLetter',
  key: 'businessKey',
  noun: 'hazard letter',
  numbered: true,
  rows: (db) => db.hazardLetter as unknown as ClaimRows,
};

/** campaign/hazard/<id>/ — every letter key of the hazard starts with it. */
export const hazardLetterPrefix = (campaignId: string, hazardId: string) => `${campaignId}/hazard/${hazardId}/`;

/** The keys (within the hazard) of its letters sent so far. */
export async function sentHazardLetterKeys(db: Db, campaignId: string, hazardId: string): Promise<string[]> {
  const prefix = hazardLetterPrefix(campaignId, hazardId);
  const rows = await db.hazardLetter.findMany({ where: { campaignId, hazardId, status: 'sent' }, select: { businessKey: true }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.businessKey.slice(prefix.length));
}

/** Events that set the 整改时限: the hazard recorded, a 延期 approved (directly or through its 挂牌), a failed 验收. */
function setsDeadline(e: { kind: string; detail: unknown }): boolean {
  if (e.kind === 'create' || e.kind === 'extend') return true;
  if (e.kind !== 'accept') return false;
  const d = e.detail as { event?: { result?: string } };
  return d.event?.result === 'fail';
}

/** The hazard and its 挂牌 as its chase reads them, with when its 时限 was set and each listing recorded and taken down. */
export async function hazardChaseFacts(db: Db, campaignId: string, hazardId: string): Promise<HazardChaseFacts & { serial: number }> {
  const record = await loadHazard(db, campaignId, hazardId);
  return chaseFactsOf(record, await hazardEvents(db, campaignId, hazardId));
}

/** hazardChaseFacts of a record and its events already read (the hazard's detail reads both anyway). */
export function chaseFactsOf(record: HazardRecord, events: readonly Pick<HazardEventEntry, 'kind' | 'detail' | 'at' | 'listingId'>[]): HazardChaseFacts & { serial: number } {
  let deadlineSetAt = 0;
  for (const e of events) if (setsDeadline(e)) deadlineSetAt = Math.max(deadlineSetAt, e.at.getTime());
  const at = (kind: string, listingId: string) => events.find((e) => e.kind === kind && e.listingId === listingId)?.at.getTime();
  return {
    serial: record.row.serial,
    state: record.state,
    deadlineSetAt,
    listings: record.listings.map((listing) => {
      const recordedAt = at('list', listing.id) ?? 0;
      const delistedAt = at('delist', listing.id);
      return { listing, recordedAt, ...(delistedAt !== undefined ? { delistedAt } : {}) };
    }),
  };
}

/** Every letter row of the hazard, whatever its status (sent, held for 签发, withdrawn, claimed…), in one query. */
export async function hazardLetterRows(db: Db, campaignId: string, hazardId: string): Promise<HazardLetter[]> {
  const rows = await db.hazardLetter.findMany({ where: { campaignId, hazardId }, orderBy: { id: 'asc' } });
  // oldest first: when it went out, or (not sent) when it was to go
  const when = (r: HazardLetter) => (r.sentAt ?? r.scheduledAt).getTime();
  return rows.sort((a, b) => when(a) - when(b) || a.id - b.id);
}

/**
 * The keys (within the hazard) of its letters dealt with among `rows`: sent (sentHazardLetterKeys), or never to go —
 * withdrawn at 签发, or approved and then not needed (settledHazardLetterKeys) — as the chase's next letter skips them.
 */
export function dealtWithHazardLetterKeys(rows: readonly Pick<HazardLetter, 'businessKey' | 'status'>[], campaignId: string, hazardId: string): string[] {
  const prefix = hazardLetterPrefix(campaignId, hazardId);
  return rows.filter((r) => r.status === 'sent' || r.status === HAZARD_WITHDRAWN || r.status === HAZARD_NOT_NEEDED).map((r) => r.businessKey.slice(prefix.length));
}

/** A hazard listed in the day's 通报 of hazards, recorded as its own 通报 sent by that letter. */
export interface ListedCirculation {
  /** The hazard's own key for its 通报 step: campaign/hazard/<id>/r<round>/<时限>/circulate/<day> */
  businessKey: string;
  campaignId: string;
  hazardId: string;
  letter: HazardLetterDue;
  reason: string;
  messageId: string;
  recipients: string;
  subject: string;
  body: string;
  documentNumber: string | null;
  sentAt: Date;
}

/**
 * The write recording a listed hazard's 通报 as sent (part of the day's letter's record, committed with its sent-mark):
 * its row, or — a claim of its own left unsent — that row, marked sent with the day's letter.
 */
export function recordListedCirculation(db: Db, l: ListedCirculation) {
  const { letter } = l;
  return db.$executeRaw`INSERT INTO "HazardLetter" ("businessKey", "campaignId", "hazardId", "kind", "round", "deadline", "listingId", "scheduledAt", "reason",
      "status", "attempts", "messageId", "recipients", "subject", "body", "documentNumber", "sentAt", "createdAt")
    VALUES (${l.businessKey}, ${l.campaignId}, ${l.hazardId}, ${letter.kind}, ${letter.round}, ${letter.deadline}, ${null}, ${new Date(letter.at)}, ${l.reason},
      ${'sent'}, ${0}, ${l.messageId}, ${l.recipients}, ${l.subject}, ${l.body}, ${l.documentNumber}, ${l.sentAt}, ${l.sentAt})
    ON CONFLICT ("businessKey") DO UPDATE SET "status" = ${'sent'}, "messageId" = ${l.messageId}, "recipients" = ${l.recipients}, "subject" = ${l.subject},
      "body" = ${l.body}, "documentNumber" = ${l.documentNumber}, "sentAt" = ${l.sentAt}, "leaseUntil" = NULL, "claimToken" = NULL
    WHERE "HazardLetter"."status" <> ${'sent'}`;
}

/**
 * The 约谈 record a hazard's 约谈通知 opens for one of its two units (idempotent: keyed by the letter and the unit), as
 * an obligation's does; its 报送事项 column names the hazard, `隐患/<序号>`.
 */
export function hazardInterviewWrite(db: Db, i: { noticeKey: string; campaignId: string; unitId: string; hazardId: string; principal: string }) {
  return db.interview.upsert({
    where: { noticeKey: i.noticeKey },
    create: { noticeKey: i.noticeKey, campaignId: i.campaignId, unitId: i.unitId, deliverableId: `隐患/${i.hazardId}`, principal: i.principal, status: 'to_schedule' },
    update: {},
  });
}
