// 签发 of hazard letters in the database: a 通报 of hazards or a hazard's 约谈通知 held as 待签发 — its HazardLetter row
// with the preview (worded without a 发文字号), status awaiting_sign_off and no claim — then approved (the send claims
// the row and numbers it that day, store/claims.ts APPROVED), withdrawn (never sent under its key) or, approved but
// no longer called for when it was to go, not_needed. A held 通报's row (hazardId '') has one row per hazard it lists,
// under the hazard's own 通报 key and the same messageId. Each step is written to the audit under the hazard's town and
// `隐患/<id>` (as its 约谈 record is), and read back as the hazard's history (hazardSignOffHistory).
import type { HazardLetterDue } from '../domain/hazard-chase';
import type { HeldLetterKind } from '../domain/hazards';
import { APPROVED } from './claims';
import type { Db } from './db';
import { auditWrite } from './audit';

export const HAZARD_AWAITING_SIGN_OFF = 'awaiting_sign_off';
export const HAZARD_WITHDRAWN = 'withdrawn';
export const HAZARD_NOT_NEEDED = 'not_needed';

/** The audit's name of a hazard (its 报送事项 column), as its 约谈 record has it. */
export const hazardAuditItem = (hazardId: string) => `隐患/${hazardId}`;

const NAMES = { circulate: '通报', interview: '约谈通知' } as const;
export const HELD_KINDS: HeldLetterKind[] = ['circulate', 'interview'];

/** A letter as held: what it says, to whom. */
export interface HeldWording {
  messageId: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
}

/** A hazard a held letter concerns: its record's id, its town (the audit's unit) and its own letter due. */
export interface HeldHazard {
  hazardId: string;
  townId: string;
  /** campaign/hazard/<id>/<key> */
  businessKey: string;
  letter: HazardLetterDue;
  reason: string;
}

/** Inserts a held row (nothing when its key has one: a retry keeps what it finds). */
function insertHeld(
  db: Db,
  key: string,
  campaignId: string,
  hazardId: string,
  letter: Pick<HazardLetterDue, 'kind' | 'round' | 'deadline' | 'at'>,
  reason: string,
  w: HeldWording,
  at: Date,
) {
  const recipients = JSON.stringify({ to: w.to, cc: w.cc });
  return db.$executeRaw`INSERT INTO "HazardLetter" ("businessKey", "campaignId", "hazardId", "kind", "round", "deadline", "listingId", "scheduledAt", "reason",
      "status", "attempts", "messageId", "recipients", "subject", "body", "createdAt")
    VALUES (${key}, ${campaignId}, ${hazardId}, ${letter.kind}, ${letter.round}, ${letter.deadline}, ${null}, ${new Date(letter.at)}, ${reason},
      ${HAZARD_AWAITING_SIGN_OFF}, ${0}, ${w.messageId}, ${recipients}, ${w.subject}, ${w.text}, ${at})
    ON CONFLICT ("businessKey") DO NOTHING`;
}

function awaitingAudit(db: Db, key: string, campaignId: string, h: HeldHazard, action: 'circulate' | 'interview', subject: string, at: Date) {
  return auditWrite(db, {
    eventKey: `${key}/sign-off/awaiting/${h.hazardId}`,
    campaignId,
    unitId: h.townId,
    deliverableId: hazardAuditItem(h.hazardId),
    at,
    kind: 'sign_off.awaiting',
    actor: 'system',
    summary: `${NAMES[action]}待签发：${subject}`,
    detail: { key, action, subject },
  });
}

/** Holds a hazard's 约谈通知 as 待签发 (idempotent: a retry keeps the row it finds), and records it on the hazard. */
export async function holdHazardLetter(db: Db, campaignId: string, h: HeldHazard, w: HeldWording, at: Date): Promise<void> {
  await db.$transaction([
    insertHeld(db, h.businessKey, campaignId, h.hazardId, h.letter, h.reason, w, at),
    awaitingAudit(db, h.businessKey, campaignId, h, 'interview', w.subject, at),
  ]);
}

/**
 * Holds the day's 通报 of hazards as 待签发 under `key` (campaign/hazard-circulation/<day>/<HHmm>), with a row for each
 * hazard it lists; recorded on each. Idempotent.
 */
export async function holdHazardCirculation(
  db: Db,
  c: { key: string; campaignId: string; day: string; at: number; reason: string; listed: HeldHazard[] },
  w: HeldWording,
  at: Date,
): Promise<void> {
  const head = { kind: 'circulate' as const, round: 0, deadline: c.day, at: c.at };
  await db.$transaction([
    insertHeld(db, c.key, c.campaignId, '', head, c.reason, w, at),
    ...c.listed.map((h) => insertHeld(db, h.businessKey, c.campaignId, h.hazardId, h.letter, h.reason, w, at)),
    ...c.listed.map((h) => awaitingAudit(db, c.key, c.campaignId, h, 'circulate', w.subject, at)),
  ]);
}

export interface PendingHazardLetter {
  businessKey: string;
  campaignId: string;
  /** '' for a 通报 (it lists `listed`). */
  hazardId: string;
  action: 'circulate' | 'interview';
  status: string;
  scheduledAt: Date;
  createdAt: Date;
  wording: HeldWording;
  /** The hazards it names: a 约谈通知 its own, a 通报 every one it lists. */
  listed: { hazardId: string }[];
}

type Row = NonNullable<Awaited<ReturnType<Db['hazardLetter']['findUnique']>>>;

async function pendingOf(db: Db, row: Row): Promise<PendingHazardLetter> {
  const recipients = JSON.parse(row.recipients) as { to: string[]; cc: string[] };
  const listed =
    row.hazardId === ''
      ? (
          await db.hazardLetter.findMany({
            where: { campaignId: row.campaignId, messageId: row.messageId, hazardId: { not: '' }, kind: 'circulate' },
            select: { hazardId: true },
            orderBy: { id: 'asc' },
          })
        ).map((r) => ({ hazardId: r.hazardId }))
      : [{ hazardId: row.hazardId }];
  return {
    businessKey: row.businessKey,
    campaignId: row.campaignId,
    hazardId: row.hazardId,
    action: row.kind === 'circulate' ? 'circulate' : 'interview',
    status: row.status,
    scheduledAt: row.scheduledAt,
    createdAt: row.createdAt,
    wording: { messageId: row.messageId, to: recipients.to, cc: recipients.cc, subject: row.subject, text: row.body },
    listed,
  };
}

/** The hazard letters of a campaign waiting for 签发 (通报 and 约谈通知), oldest first. */
export async function pendingHazardLetters(db: Db, campaignId: string): Promise<PendingHazardLetter[]> {
  const rows = await db.hazardLetter.findMany({
    where: { campaignId, status: HAZARD_AWAITING_SIGN_OFF, OR: [{ kind: 'interview' }, { kind: 'circulate', hazardId: '' }] },
    orderBy: [{ scheduledAt: 'asc' }, { businessKey: 'asc' }],
  });
  return Promise.all(rows.map((r) => pendingOf(db, r)));
}

/** A held hazard letter by key (a 通报's or a 约谈通知's), with its status; undefined when there is none by that key. */
export async function hazardLetterForSignOff(db: Db, businessKey: string): Promise<PendingHazardLetter | undefined> {
  const row = await db.hazardLetter.findUnique({ where: { businessKey } });
  if (!row || (row.kind !== 'interview' && !(row.kind === 'circulate' && row.hazardId === ''))) return undefined;
  return pendingOf(db, row);
}

/**
 * Records a decision on a 待签发 hazard letter: approved, the row waits for the send to claim and number it (a 通报's
 * listed rows are removed: its send lists again the hazards still due and records them sent); withdrawn, the rows stay
 * withdrawn and nothing is ever sent under their keys. On each hazard it names, with who and why. Idempotent.
 */
export async function decideHazardSignOff(
  db: Db,
  d: { businessKey: string; decision: 'approve' | 'withdraw'; actor: string; reason?: string; at: Date; townOf: (hazardId: string) => string },
): Promise<void> {
  const held = await hazardLetterForSignOff(db, d.businessKey);
  if (!held || held.status !== HAZARD_AWAITING_SIGN_OFF) return;
  const reason = d.reason?.trim() ?? '';
  const { action } = held;
  const listedRows = { campaignId: held.campaignId, messageId: held.wording.messageId, hazardId: { not: '' }, kind: 'circulate', status: HAZARD_AWAITING_SIGN_OFF };
  const writes =
    d.decision === 'approve'
      ? [
          db.hazardLetter.updateMany({ where: { businessKey: d.businessKey, status: HAZARD_AWAITING_SIGN_OFF }, data: { status: APPROVED } }),
          ...(action === 'circulate' ? [db.hazardLetter.deleteMany({ where: listedRows })] : []),
        ]
      : [
          db.hazardLetter.updateMany({ where: { businessKey: d.businessKey, status: HAZARD_AWAITING_SIGN_OFF }, data: { status: HAZARD_WITHDRAWN } }),
          ...(action === 'circulate' ? [db.hazardLetter.updateMany({ where: listedRows, data: { status: HAZARD_WITHDRAWN } })] : []),
        ];
  await db.$transaction([
    ...writes,
    ...held.listed.map(({ hazardId }) =>
      d.decision === 'approve'
        ? auditWrite(db, {
            eventKey: `${d.businessKey}/sign-off/approved/${hazardId}`,
            campaignId: held.campaignId,
            unitId: d.townOf(hazardId),
            deliverableId: hazardAuditItem(hazardId),
            at: d.at,
            kind: 'sign_off.approved',
            actor: d.actor,
            summary: `${NAMES[action]}已签发：${held.wording.subject}`,
            detail: { key: d.businessKey, action },
          })
        : auditWrite(db, {
            eventKey: `${d.businessKey}/sign-off/withdrawn/${hazardId}`,
            campaignId: held.campaignId,
            unitId: d.townOf(hazardId),
            deliverableId: hazardAuditItem(hazardId),
            at: d.at,
            kind: 'sign_off.withdrawn',
            actor: d.actor,
            summary: `${NAMES[action]}已撤回，未发出（理由：${reason}）：${held.wording.subject}`,
            detail: { key: d.businessKey, action, reason },
          }),
    ),
  ]);
}

/**
 * An approved hazard letter found, at its sending, no longer called for (a 通报: no hazard it listed still due): marked
 * not_needed, never sent, and recorded on the hazards it named. Idempotent; a row in another status is left alone.
 */
export async function settleUnneededHazardLetter(db: Db, businessKey: string, at: Date, townOf: (hazardId: string) => string, named: string[]): Promise<void> {
  const row = await db.hazardLetter.findUnique({ where: { businessKey } });
  if (row?.status !== APPROVED) return;
  const action = row.kind === 'circulate' ? 'circulate' : 'interview';
  await db.$transaction([
    db.hazardLetter.updateMany({ where: { businessKey, status: APPROVED }, data: { status: HAZARD_NOT_NEEDED } }),
    ...named.map((hazardId) =>
      auditWrite(db, {
        eventKey: `${businessKey}/sign-off/unneeded/${hazardId}`,
        campaignId: row.campaignId,
        unitId: townOf(hazardId),
        deliverableId: hazardAuditItem(hazardId),
        at,
        kind: 'sign_off.unneeded',
        actor: 'system',
        summary: `${NAMES[action]}已签发，但发出时隐患已整改完成、销号或撤销（或期限已变），未发出：${row.subject}`,
        detail: { key: businessKey, action },
      }),
    ),
  ]);
}

/**
 * An approved 通报 sent without some hazards it was held listing (rectified, closed, cancelled or given a new 时限
 * before it went): recorded on each, so that no history says it was 通报ed. Idempotent.
 */
export async function recordLeftOutOfCirculation(
  db: Db,
  c: { businessKey: string; campaignId: string; leftOut: string[]; subject: string; at: Date; townOf: (hazardId: string) => string },
): Promise<void> {
  if (c.leftOut.length === 0) return;
  await db.$transaction(
    c.leftOut.map((hazardId) =>
      auditWrite(db, {
        eventKey: `${c.businessKey}/sign-off/unneeded/${hazardId}`,
        campaignId: c.campaignId,
        unitId: c.townOf(hazardId),
        deliverableId: hazardAuditItem(hazardId),
        at: c.at,
        kind: 'sign_off.unneeded',
        actor: 'system',
        summary: `通报已签发，发出时此隐患已不在逾期未整改之列，未列入：${c.subject}`,
        detail: { key: c.businessKey, action: 'circulate' },
      }),
    ),
  );
}

/** Keys (within the hazard) of its letters that will never go: withdrawn, or approved and then not needed. */
export async function settledHazardLetterKeys(db: Db, campaignId: string, hazardId: string): Promise<string[]> {
  const prefix = `${campaignId}/hazard/${hazardId}/`;
  const rows = await db.hazardLetter.findMany({ where: { campaignId, hazardId, status: { in: [HAZARD_WITHDRAWN, HAZARD_NOT_NEEDED] } }, select: { businessKey: true } });
  return rows.map((r) => r.businessKey.slice(prefix.length));
}

/** The hazards whose approved 通报 `businessKey` was held listing (before the approval removed their rows): from the audit. */
export async function hazardsApprovedIn(db: Db, campaignId: string, businessKey: string): Promise<string[]> {
  const rows = await db.auditEvent.findMany({
    where: { campaignId, kind: 'sign_off.approved', eventKey: { startsWith: `${businessKey}/sign-off/approved/` } },
    select: { eventKey: true },
  });
  return rows.map((r) => r.eventKey!.slice(`${businessKey}/sign-off/approved/`.length));
}

/** The letters held for 签发 that name each of `hazardIds` (its 约谈通知, a 通报 listing it): one grouped query. */
export async function heldLettersOf(db: Db, campaignId: string, hazardIds: readonly string[]): Promise<Map<string, HeldLetterKind[]>> {
  const held = new Map<string, HeldLetterKind[]>();
  if (hazardIds.length === 0) return held;
  const rows = await db.hazardLetter.groupBy({
    by: ['hazardId', 'kind'],
    where: { campaignId, hazardId: { in: [...hazardIds] }, status: HAZARD_AWAITING_SIGN_OFF, kind: { in: HELD_KINDS } },
    orderBy: [{ hazardId: 'asc' }, { kind: 'asc' }],
  });
  for (const r of rows) held.set(r.hazardId, [...(held.get(r.hazardId) ?? []), r.kind as HeldLetterKind]);
  return held;
}

/** One 签发 step of a letter naming the hazard. */
export interface HazardSignOffStep {
  at: Date;
  actor: string;
  kind: string;
  summary: string;
}

/** The hazard's 签发 steps (待签发, 已签发, 已撤回, 未发出), oldest first: part of its history. */
export async function hazardSignOffHistory(db: Db, campaignId: string, hazardId: string): Promise<HazardSignOffStep[]> {
  const rows = await db.auditEvent.findMany({
    where: { campaignId, deliverableId: hazardAuditItem(hazardId), kind: { startsWith: 'sign_off.' } },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  return rows.map((r) => ({ at: r.at, actor: r.actor, kind: r.kind, summary: r.summary }));
}
