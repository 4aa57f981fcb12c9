// The consolidated 通报's claim: one row per campaign, day and send time (circulationKey), taken before the SMTP
// conversation with the generic claim (store/claims.ts; the 发文字号 taken in the insert's transaction). After the server's
// reply one transaction marks it sent and leaves, for each listed obligation, the record a sent 通报 leaves: its
// Notice row (status sent, the shared Message-ID and text), the escalation raised, the audit notice.sent.
import { z } from 'zod';
import type { Db } from './db';
import { APPROVED, type Claim, type ClaimRows, type ClaimTable, type DocumentNumbering, prepareRecord } from './claims';
import { type NoticeLetter, outcomeWrites } from './notices';
import { auditWrite } from './audit';
import { readRecord } from './records';

export const CIRCULATIONS: ClaimTable = {
  table: 'Circulation',
  key: 'circulationKey',
  noun: 'circulation',
  numbered: true,
  rows: (db) => db.circulation as unknown as ClaimRows,
};

/** One obligation listed in the 通报: what its own Notice row will say. */
export interface ListedObligation {
  /** The obligation's own notice business key (shared/contract noticeBusinessKey). */
  businessKey: string;
  unitId: string;
  deliverableId: string;
  deadline: string;
  /** Why its 通报 step fires (ScheduledNotice.reason). */
  reason: string;
}

export interface CirculationLetter extends Omit<NoticeLetter, 'reason'> {
  listed: ListedObligation[];
}

export interface CirculationClaim {
  circulationKey: string;
  campaignId: string;
  /** The 通报 step's time (every listed obligation's circulate notice is at it). */
  scheduledAt: Date;
  letter: CirculationLetter;
  documentNumber?: string;
}

export interface CirculationClaimRequest extends Omit<CirculationClaim, 'letter' | 'documentNumber'> {
  letter: (documentNumber: string | undefined) => CirculationLetter;
  numbering?: DocumentNumbering;
  formatNumber?: (prefix: string, year: number, n: number) => string;
}

const listedSchema = z.array(z.object({ businessKey: z.string(), unitId: z.string(), deliverableId: z.string(), deadline: z.string(), reason: z.string() }));
const recipientsSchema = z.object({ to: z.array(z.string()), cc: z.array(z.string()) });

function content(letter: CirculationLetter) {
  return { recipients: JSON.stringify({ to: letter.to, cc: letter.cc }), subject: letter.subject, body: letter.text, listed: JSON.stringify(letter.listed), messageId: letter.messageId };
}

/** The 通报's claim request (store/claims.ts claim): numbered on its first claim, or once a leader approved it. */
export function circulationRequest(c: CirculationClaimRequest): Claim<CirculationClaim> {
  const { circulationKey, numbering, formatNumber } = c;
  return {
    key: circulationKey,
    word: (documentNumber) => ({
      circulationKey,
      campaignId: c.campaignId,
      scheduledAt: c.scheduledAt,
      letter: c.letter(documentNumber),
      ...(documentNumber ? { documentNumber } : {}),
    }),
    columns: (claimed) => content(claimed.letter),
    fixed: { campaignId: c.campaignId, scheduledAt: c.scheduledAt },
    ...(numbering ? { numbering } : {}),
    ...(formatNumber ? { formatNumber } : {}),
  };
}

export interface SentCirculation extends CirculationClaim {
  sentAt: Date;
}

export async function findSentCirculation(db: Db, circulationKey: string): Promise<SentCirculation | undefined> {
  const row = await db.circulation.findUnique({ where: { circulationKey } });
  if (!row || row.status !== 'sent' || !row.sentAt) return undefined;
  const recipients = readRecord(recipientsSchema, row.recipients, `recipients of circulation ${circulationKey}`);
  const listed = readRecord(listedSchema, row.listed, `units listed in circulation ${circulationKey}`);
  return {
    circulationKey,
    campaignId: row.campaignId,
    scheduledAt: row.scheduledAt,
    sentAt: row.sentAt,
    letter: { to: recipients.to, cc: recipients.cc, subject: row.subject, text: row.body, messageId: row.messageId, listed },
    ...(row.documentNumber ? { documentNumber: row.documentNumber } : {}),
  };
}

/**
 * For each listed obligation, what a sent 通报 leaves (store/notices outcomeWrites): its Notice row, sent, carrying
 * this letter; the escalation raised to circulate; the audit notice.sent. Every write is idempotent.
 */
function listedWrites(db: Db, c: SentCirculation, timeZone: string, reasonSuffix: string) {
  const { letter } = c;
  const recipients = JSON.stringify({ to: letter.to, cc: letter.cc });
  return letter.listed.flatMap((o) => {
    const reason = `${o.reason}${reasonSuffix}`;
    return [
      db.$executeRaw`INSERT INTO "Notice" ("businessKey", "campaignId", "unitId", "deliverableId", "deadline", "action",
        "scheduledAt", "reason", "status", "attempts", "messageId", "recipients", "subject", "body", "documentNumber", "sentAt", "createdAt")
      VALUES (${o.businessKey}, ${c.campaignId}, ${o.unitId}, ${o.deliverableId}, ${o.deadline}, ${'circulate'},
        ${c.scheduledAt}, ${reason}, ${'sent'}, ${1}, ${letter.messageId}, ${recipients}, ${letter.subject}, ${letter.text}, ${c.documentNumber ?? null}, ${c.sentAt}, ${c.sentAt})
      ON CONFLICT ("businessKey") DO NOTHING`,
      ...outcomeWrites(
        db,
        {
          businessKey: o.businessKey,
          campaignId: c.campaignId,
          unitId: o.unitId,
          deliverableId: o.deliverableId,
          deadline: o.deadline,
          action: 'circulate',
          scheduledAt: c.scheduledAt,
          sentAt: c.sentAt,
          letter: { ...letter, reason },
        },
        timeZone,
        '',
      ),
    ];
  });
}

/** The record of the sent 通报 (store/claims.ts prepareRecord): the sent-mark and each listed obligation's. */
export function prepareCirculationRecord(db: Db, c: SentCirculation, timeZone: string, reasonSuffix: string) {
  return prepareRecord(db, CIRCULATIONS, c.circulationKey, c.sentAt, () => listedWrites(db, c, timeZone, reasonSuffix));
}

/** Completes the record of a 通报 an earlier attempt sent (and may have died before recording). */
export async function recordCirculationOutcome(db: Db, c: SentCirculation, timeZone: string, reasonSuffix: string): Promise<void> {
  await db.$transaction(listedWrites(db, c, timeZone, reasonSuffix));
}

// ---- 签发: a 通报 held for a leader's sign-off

/** The Circulation row's status while its letter waits for 签发, once approved (until claimed to send), once withdrawn. */
export const AWAITING_SIGN_OFF = 'awaiting_sign_off';
export { APPROVED };
export const WITHDRAWN = 'withdrawn';
/** Approved, but nobody it listed was still late when it was to go out: never sent. */
export const NOT_NEEDED = 'not_needed';

export interface HeldCirculation {
  circulationKey: string;
  campaignId: string;
  scheduledAt: Date;
  /** The preview: worded at its time, without a 发文字号 (taken when it goes out). */
  letter: CirculationLetter;
}

/**
 * Holds the 通报 as 待签发 with its preview (idempotent: a retry keeps the row it finds), and records on each listed
 * obligation that its 通报 waits for sign-off.
 */
export async function holdCirculationForSignOff(db: Db, c: HeldCirculation, at: Date): Promise<void> {
  const x = content(c.letter);
  await db.$executeRaw`INSERT INTO "Circulation" ("circulationKey", "campaignId", "scheduledAt", "status", "attempts",
      "messageId", "recipients", "subject", "body", "listed", "createdAt")
    VALUES (${c.circulationKey}, ${c.campaignId}, ${c.scheduledAt}, ${AWAITING_SIGN_OFF}, ${0},
      ${x.messageId}, ${x.recipients}, ${x.subject}, ${x.body}, ${x.listed}, ${at})
    ON CONFLICT ("circulationKey") DO NOTHING`;
  await db.$transaction(
    c.letter.listed.map((o) =>
      auditWrite(db, {
        eventKey: `${c.circulationKey}/sign-off/awaiting/${o.businessKey}`,
        campaignId: c.campaignId,
        unitId: o.unitId,
        deliverableId: o.deliverableId,
        at,
        kind: 'sign_off.awaiting',
        actor: 'system',
        summary: `通报待签发：${c.letter.subject}`,
        detail: { key: c.circulationKey, action: 'circulate', subject: c.letter.subject },
      }),
    ),
  );
}

export interface PendingCirculation extends HeldCirculation {
  createdAt: Date;
}

async function heldRow(db: Db, circulationKey: string) {
  return db.circulation.findUnique({ where: { circulationKey } });
}

function heldOf(row: NonNullable<Awaited<ReturnType<typeof heldRow>>>): PendingCirculation {
  const recipients = readRecord(recipientsSchema, row.recipients, `recipients of circulation ${row.circulationKey}`);
  const listed = readRecord(listedSchema, row.listed, `units listed in circulation ${row.circulationKey}`);
  return {
    circulationKey: row.circulationKey,
    campaignId: row.campaignId,
    scheduledAt: row.scheduledAt,
    createdAt: row.createdAt,
    letter: { to: recipients.to, cc: recipients.cc, subject: row.subject, text: row.body, messageId: row.messageId, listed },
  };
}

/** The 通报 of a campaign waiting for 签发, oldest first. */
export async function pendingCirculations(db: Db, campaignId: string): Promise<PendingCirculation[]> {
  const rows = await db.circulation.findMany({ where: { campaignId, status: AWAITING_SIGN_OFF }, orderBy: { scheduledAt: 'asc' } });
  return rows.map(heldOf);
}

/** One circulation's row by key, with its status: what a sign-off decision is checked against. */
export async function circulationForSignOff(db: Db, circulationKey: string): Promise<(PendingCirculation & { status: string }) | undefined> {
  const row = await heldRow(db, circulationKey);
  return row ? { ...heldOf(row), status: row.status } : undefined;
}

/**
 * Records a leader's decision on a 待签发 通报: approved (the send then claims it and numbers it) or withdrawn with
 * the reason; either way on each listed obligation. Idempotent: a retry finds the row decided and writes nothing new.
 */
export async function decideCirculationSignOff(
  db: Db,
  d: { circulationKey: string; decision: 'approve' | 'withdraw'; actor: string; reason?: string; at: Date },
): Promise<void> {
  const row = await heldRow(db, d.circulationKey);
  if (!row) throw new Error(`no circulation ${d.circulationKey} to decide`);
  const held = heldOf(row);
  const status = d.decision === 'approve' ? APPROVED : WITHDRAWN;
  const reason = d.reason?.trim() ?? '';
  await db.$transaction([
    db.circulation.updateMany({ where: { circulationKey: d.circulationKey, status: AWAITING_SIGN_OFF }, data: { status } }),
    ...held.letter.listed.map((o) =>
      d.decision === 'approve'
        ? auditWrite(db, {
            eventKey: `${d.circulationKey}/sign-off/approved/${o.businessKey}`,
            campaignId: held.campaignId,
            unitId: o.unitId,
            deliverableId: o.deliverableId,
            at: d.at,
            kind: 'sign_off.approved',
            actor: d.actor,
            summary: `通报已签发：${held.letter.subject}`,
            detail: { key: d.circulationKey, action: 'circulate' },
          })
        : auditWrite(db, {
            eventKey: `${d.circulationKey}/sign-off/withdrawn/${o.businessKey}`,
            campaignId: held.campaignId,
            unitId: o.unitId,
            deliverableId: o.deliverableId,
            at: d.at,
            kind: 'sign_off.withdrawn',
            actor: d.actor,
            summary: `通报已撤回，未发出（理由：${reason}）：${held.letter.subject}`,
            detail: { key: d.circulationKey, action: 'circulate', reason },
          }),
    ),
  ]);
}

/**
 * The obligations whose 通报 waits for 签发, by `unit/deliverable/deadline` (the board's and status's 待签发): one that
 * has since submitted, been waived or given another deadline will be left out of the letter, so the caller checks
 * that it is still open.
 */
export async function awaitingCirculationByObligation(db: Db, campaignId: string): Promise<Map<string, 'circulate'>> {
  const out = new Map<string, 'circulate'>();
  for (const c of await pendingCirculations(db, campaignId)) for (const o of c.letter.listed) out.set(`${o.unitId}/${o.deliverableId}/${o.deadline}`, 'circulate');
  return out;
}

/**
 * An approved 通报 found, at its sending, to list nobody still late: marked not needed (never sent) and recorded on each
 * obligation it listed, so that no record says it went out. Idempotent; a row in any other status is left alone.
 */
export async function settleUnneededCirculation(db: Db, circulationKey: string, at: Date): Promise<void> {
  const row = await heldRow(db, circulationKey);
  if (row?.status !== APPROVED) return;
  const held = heldOf(row);
  await db.$transaction([
    db.circulation.updateMany({ where: { circulationKey, status: APPROVED }, data: { status: NOT_NEEDED } }),
    ...held.letter.listed.map((o) =>
      auditWrite(db, {
        eventKey: `${circulationKey}/sign-off/unneeded/${o.businessKey}`,
        campaignId: held.campaignId,
        unitId: o.unitId,
        deliverableId: o.deliverableId,
        at,
        kind: 'sign_off.unneeded',
        actor: 'system',
        summary: `通报已签发，但发出时所列单位均已报送或另有期限，未发出：${held.letter.subject}`,
        detail: { key: circulationKey, action: 'circulate' },
      }),
    ),
  ]);
}
