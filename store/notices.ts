// The notice claim (store/claims.ts): one row per business key, taken before the SMTP conversation so that only one
// attempt at a time may send it, and marked sent (with the audit record) after.
import { z } from 'zod';
import { DubanError } from '../domain/errors';
import {
  ESCALATION_LADDER,
  type EscalationStep,
  INSTRUMENT_NAMES,
  NOTICE_ACTIONS,
  type NoticeAction,
  type ObligationRecord,
  type ObligationStatus,
  escalationsBelow,
} from '../domain/policy';
import type { CivilDate } from '../domain/calendar';
import { civilDateOf, formatInstant } from '../domain/zoned-time';
import { type AuditEntry, auditInsert, auditStatement, auditWrite, readAuditDetail } from './audit';
import { obligationKey, requireUnit, unitPrincipals } from './campaigns';
import {
  CLAIM_LEASE,
  type Claim,
  type ClaimLease,
  type ClaimRows,
  type ClaimTable,
  type DocumentNumbering,
  type Held,
  type HeldClaim,
  claim,
  prepareHotRecord,
  release,
  renew,
  wasSent,
} from './claims';
import { type Db, hotSql } from './db';
import { type SqlStatement, sql } from './hot-sql';
import { readRecord } from './records';

export { ClaimHeldError, type DocumentNumbering, type HeldClaim, nextDocumentNumber, plainNumber } from './claims';
export type NoticeLease = ClaimLease;
export const NOTICE_LEASE = CLAIM_LEASE;

export const NOTICES: ClaimTable = { table: 'Notice', key: 'businessKey', noun: 'notice', numbered: true, rows: (db) => db.notice as unknown as ClaimRows };

export interface NoticeLetter {
  reason: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  messageId: string;
}

export interface NoticeClaim {
  businessKey: string;
  campaignId: string;
  unitId: string;
  deliverableId: string;
  deadline: string;
  action: NoticeAction;
  scheduledAt: Date;
  letter: NoticeLetter;
  /** 发文字号, when the letter has one. */
  documentNumber?: string;
}

/**
 * What an attempt asks to claim: the letter, or (a numbered letter) how to word it once its number is known —
 * the number its row already has (a retry, a take-over), or the next of the register (the first claim).
 */
export interface ClaimRequest extends Omit<NoticeClaim, 'letter' | 'documentNumber'> {
  letter: NoticeLetter | ((documentNumber: string | undefined) => NoticeLetter);
  numbering?: DocumentNumbering;
  /** The number as printed, e.g. 雷安办〔2022〕3号. */
  formatNumber?: (prefix: string, year: number, n: number) => string;
}

export async function noticeWasSent(db: Db, businessKey: string): Promise<boolean> {
  return wasSent(db, NOTICES, businessKey);
}

/** A notice's claim, with the letter as claimed (worded with its 发文字号). */
export type HeldNoticeClaim = Held<NoticeClaim>;

/** Keeps a live attempt's claim from lapsing; false when the claim is no longer this attempt's to renew. */
export async function renewClaim(db: Db, held: HeldClaim, lease: NoticeLease = NOTICE_LEASE, now: Date = new Date()): Promise<boolean> {
  return renew(db, NOTICES, held, lease, now);
}

function content(letter: NoticeLetter) {
  return {
    reason: letter.reason,
    recipients: JSON.stringify({ to: letter.to, cc: letter.cc }),
    subject: letter.subject,
    body: letter.text,
  };
}

/** The notice's claim request (store/claims.ts claim): a numbered letter takes its 发文字号 in the claim's insert. */
export function noticeRequest(c: ClaimRequest): Claim<NoticeClaim> {
  const { businessKey, numbering, formatNumber } = c;
  const letterFor = typeof c.letter === 'function' ? c.letter : () => c.letter as NoticeLetter;
  const fixed = { campaignId: c.campaignId, unitId: c.unitId, deliverableId: c.deliverableId, deadline: c.deadline, action: c.action, scheduledAt: c.scheduledAt };
  return {
    key: businessKey,
    word: (documentNumber) => ({ businessKey, ...fixed, letter: letterFor(documentNumber), ...(documentNumber ? { documentNumber } : {}) }),
    columns: ({ letter }) => ({ ...content(letter), messageId: letter.messageId }),
    fixed,
    ...(numbering ? { numbering } : {}),
    ...(formatNumber ? { formatNumber } : {}),
  };
}

/** Takes the right to talk to the SMTP server about this notice: the claim, 'already-sent', or ClaimHeldError. */
export async function claimNotice(db: Db, c: ClaimRequest, lease: NoticeLease = NOTICE_LEASE, now: Date = new Date()): Promise<HeldNoticeClaim | 'already-sent'> {
  return claim(db, NOTICES, noticeRequest(c), lease, now);
}

/** The SMTP server refused or could not be reached: nothing was delivered, so the next attempt may send. */
export async function releaseNotice(db: Db, held: HeldClaim): Promise<void> {
  await release(db, NOTICES, held);
}

/** A sent notice as recorded in its row: what its outcome is recorded from. */
export interface SentNotice extends NoticeClaim {
  sentAt: Date;
}

/** The sent notice's row, read back (a retry after a crash); undefined when it is not recorded as sent. */
export async function findSentNotice(db: Db, businessKey: string): Promise<SentNotice | undefined> {
  const row = await db.notice.findUnique({ where: { businessKey } });
  if (!row || row.status !== 'sent' || !row.sentAt) return undefined;
  const recipients = readRecord(recipientsSchema, row.recipients, `recipients of notice ${businessKey}`);
  return {
    businessKey,
    campaignId: row.campaignId,
    unitId: row.unitId,
    deliverableId: row.deliverableId,
    deadline: row.deadline,
    action: checkedAction(row.action, businessKey),
    scheduledAt: row.scheduledAt,
    sentAt: row.sentAt,
    letter: { reason: row.reason, to: recipients.to, cc: recipients.cc, subject: row.subject, text: row.body, messageId: row.messageId },
    ...(row.documentNumber ? { documentNumber: row.documentNumber } : {}),
  };
}

/** The audit events a sent notice leaves: the 约谈 an interview notice opens, and the letter itself. */
function outcomeAudits(n: SentNotice, timeZone: string, principal: string): (AuditEntry<'interview.created'> | AuditEntry<'notice.sent'>)[] {
  const { businessKey, campaignId, unitId, deliverableId, action, sentAt, letter } = n;
  const at = { campaignId, unitId, deliverableId, at: sentAt, actor: 'duban' };
  const interview: AuditEntry<'interview.created'>[] =
    action === 'interview'
      ? [{ ...at, eventKey: `${businessKey}/interview`, kind: 'interview.created', summary: `约谈 ${principal} to be scheduled`, detail: { noticeKey: businessKey } }]
      : [];
  const sent: AuditEntry<'notice.sent'> = {
    ...at,
    eventKey: businessKey,
    kind: 'notice.sent',
    summary: `${INSTRUMENT_NAMES[action]} sent: ${letter.subject}`,
    detail: {
      action,
      scheduledAt: formatInstant(n.scheduledAt.getTime(), timeZone),
      deadline: n.deadline,
      reason: letter.reason,
      to: letter.to,
      cc: letter.cc,
      subject: letter.subject,
      text: letter.text,
      messageId: letter.messageId,
    },
  };
  return [...interview, sent];
}

/**
 * What a sent notice brings about: the obligation's escalation level, the 约谈 record an interview notice
 * opens (for the unit's principal), and the audit events. Every write is idempotent.
 */
export function outcomeWrites(db: Db, n: SentNotice, timeZone: string, principal: string) {
  const { businessKey, campaignId, unitId, deliverableId, action } = n;
  const writes = [];
  if (action !== 'reminder') {
    const key = obligationKey(campaignId, unitId, deliverableId).campaignId_unitId_deliverableId;
    writes.push(db.obligation.updateMany({ where: { ...key, escalation: { in: escalationsBelow(action) } }, data: { escalation: action } }));
  }
  if (action === 'interview') {
    writes.push(
      db.interview.upsert({
        where: { noticeKey: businessKey },
        create: { noticeKey: businessKey, campaignId, unitId, deliverableId, principal, status: 'to_schedule' },
        update: {},
      }),
    );
  }
  writes.push(...outcomeAudits(n, timeZone, principal).map((e) => (e.kind === 'notice.sent' ? auditInsert(db, e) : auditWrite(db, e))));
  return writes;
}

/**
 * outcomeWrites as the hot path's SQL (store/hot-sql.ts): the same rows, written by plain statements — the
 * obligation's escalation (with its updatedAt, as Prisma's @updatedAt would), the 约谈 record, the audit events.
 */
export function outcomeStatements(n: SentNotice, timeZone: string, principal: string, now: Date = new Date()): SqlStatement[] {
  const { businessKey, campaignId, unitId, deliverableId, action } = n;
  const statements: SqlStatement[] = [];
  if (action !== 'reminder') {
    const below = escalationsBelow(action);
    statements.push(
      sql(
        `UPDATE "Obligation" SET "escalation" = ?, "updatedAt" = ? WHERE "campaignId" = ? AND "unitId" = ? AND "deliverableId" = ?
          AND "escalation" IN (${below.map(() => '?').join(', ')})`,
        [action, now, campaignId, unitId, deliverableId, ...below],
      ),
    );
  }
  if (action === 'interview') {
    statements.push(
      sql(
        `INSERT INTO "Interview" ("noticeKey", "campaignId", "unitId", "deliverableId", "principal", "status", "createdAt")
          VALUES (?, ?, ?, ?, ?, 'to_schedule', ?) ON CONFLICT ("noticeKey") DO NOTHING`,
        [businessKey, campaignId, unitId, deliverableId, principal, now],
      ),
    );
  }
  statements.push(...outcomeAudits(n, timeZone, principal).map((e) => auditStatement(e)));
  return statements;
}

/** The record of a sent notice (store/claims.ts prepareHotRecord): the sent-mark and outcomeStatements. */
export function prepareSentRecord(db: Db, n: SentNotice, timeZone: string, principal: string) {
  return prepareHotRecord(db, NOTICES, n.businessKey, n.sentAt, outcomeStatements(n, timeZone, principal));
}

/** Completes the record of a notice an earlier attempt sent (and may have died before recording). */
export async function recordNoticeOutcome(db: Db, n: SentNotice, timeZone: string): Promise<void> {
  const unit = await requireUnit(db, n.campaignId, n.unitId);
  await hotSql(db).transaction(outcomeStatements(n, timeZone, unitPrincipals(unit).map((p) => p.name).join('、')));
}

const recipientsSchema = z.object({ to: z.array(z.string()), cc: z.array(z.string()) });

export function checkedAction(value: string, businessKey: string): NoticeAction {
  if (!(NOTICE_ACTIONS as readonly string[]).includes(value)) throw new DubanError('CORRUPT_RECORD', `notice ${businessKey} has action ${JSON.stringify(value)}`);
  return value as NoticeAction;
}

/** What the letters of an obligation say about its record, besides its row (store/obligations obligationRecord). */
export interface LetterHistory {
  /** Escalation letters sent for this deadline. */
  stepsTaken: EscalationStep[];
  /** The latest 退回 and the latest 延期 (with the day, the new deadline and the reason). */
  returned?: { on: CivilDate; to: CivilDate; reason: string; at: number };
  extended?: { on: CivilDate; to: CivilDate; reason: string; at: number };
}

const HISTORY_UNION = `
    SELECT 'notice' AS "source", "id", "action" AS "kind", NULL AS "detail", "sentAt" AS "at" FROM "Notice"
      WHERE "campaignId" = ? AND "unitId" = ? AND "deliverableId" = ? AND "deadline" = ? AND "status" = 'sent' AND "action" <> 'reminder'
    UNION ALL
    SELECT 'audit' AS "source", "id", "kind", "detail", "at" FROM "AuditEvent"
      WHERE "campaignId" = ? AND "unitId" = ? AND "deliverableId" = ? AND "kind" IN ('obligation.extend', 'obligation.return')`;

/** The same, and the obligation's row (status and due, as store/obligations obligationRecord reads them). */
const NOTICE_FACTS = `${HISTORY_UNION}
    UNION ALL
    SELECT 'obligation' AS "source", 0 AS "id", "status" AS "kind", "due" AS "detail", NULL AS "at" FROM "Obligation"
      WHERE "campaignId" = ? AND "unitId" = ? AND "deliverableId" = ?`;

type HistoryRow = { source: string; id: number | bigint; kind: string; detail: string | null; at: Date | string | null };

/**
 * The escalation letters already sent for this obligation and deadline, and its latest return and extension:
 * one query (a UNION of the two indexed reads), on the hot path of sending a letter.
 */
export async function letterHistory(db: Db, campaignId: string, unitId: string, deliverableId: string, deadline: string, timeZone: string): Promise<LetterHistory> {
  const rows = await hotSql(db).all<HistoryRow>(sql(HISTORY_UNION, [campaignId, unitId, deliverableId, deadline, campaignId, unitId, deliverableId]));
  return historyOf(rows, campaignId, unitId, deliverableId, timeZone);
}

const OBLIGATION_STATUSES: readonly string[] = ['open', 'submitted', 'waived'] satisfies ObligationStatus[];

/**
 * What a notice is decided on and worded from, in one query: the obligation's record (undefined: no such
 * obligation) and its letter history for `deadline` (letterHistory).
 */
export async function noticeFacts(
  db: Db,
  campaignId: string,
  unitId: string,
  deliverableId: string,
  deadline: string,
  timeZone: string,
): Promise<{ obligation: ObligationRecord | undefined; history: LetterHistory }> {
  const rows = await hotSql(db).all<HistoryRow>(
    sql(NOTICE_FACTS, [campaignId, unitId, deliverableId, deadline, campaignId, unitId, deliverableId, campaignId, unitId, deliverableId]),
  );
  const row = rows.find((r) => r.source === 'obligation');
  let obligation: ObligationRecord | undefined;
  if (row) {
    if (!OBLIGATION_STATUSES.includes(row.kind)) {
      throw new DubanError('CORRUPT_RECORD', `obligation ${campaignId}/${unitId}/${deliverableId} has status ${JSON.stringify(row.kind)}`);
    }
    obligation = { status: row.kind as ObligationStatus, deadline: row.detail ?? '' };
  }
  return { obligation, history: historyOf(rows, campaignId, unitId, deliverableId, timeZone) };
}

function historyOf(rows: HistoryRow[], campaignId: string, unitId: string, deliverableId: string, timeZone: string): LetterHistory {
  const history: LetterHistory = { stepsTaken: [] };
  for (const r of rows) {
    if (r.source === 'obligation') continue;
    if (r.source === 'notice') {
      const step = checkedAction(r.kind, `${campaignId}/${unitId}/${deliverableId}`);
      if (step !== 'reminder' && !history.stepsTaken.includes(step)) history.stepsTaken.push(step);
      continue;
    }
    const read = readAuditDetail({ id: Number(r.id), kind: r.kind, detail: r.detail ?? '' });
    if (read.kind !== 'obligation.extend' && read.kind !== 'obligation.return') continue;
    const event = read.detail.event;
    if (event.kind !== 'extend' && event.kind !== 'return') continue;
    const at = new Date(r.at as Date | string).getTime();
    const change = { on: civilDateOf(at, timeZone), to: event.to, reason: event.reason, at };
    const key = event.kind === 'return' ? 'returned' : 'extended';
    if (!history[key] || history[key].at < at) history[key] = change;
  }
  history.stepsTaken.sort((a, b) => ESCALATION_LADDER.indexOf(a) - ESCALATION_LADDER.indexOf(b));
  // an extension before the latest return set a deadline the return replaced
  if (history.returned && history.extended && history.extended.at < history.returned.at) delete history.extended;
  return history;
}

// ---- 签发: a 约谈通知 held for a leader's sign-off

/** A Notice row's status while its letter waits for 签发 (its preview), and once a leader withdrew it. */
export const NOTICE_AWAITING_SIGN_OFF = 'awaiting_sign_off';
export const NOTICE_WITHDRAWN = 'withdrawn';

/**
 * Holds the letter as 待签发: its Notice row, with the preview (worded without a 发文字号), status awaiting_sign_off and
 * no claim; and `sign_off.awaiting` on the obligation. Idempotent (a retry keeps the row it finds).
 */
export async function holdNoticeForSignOff(db: Db, c: NoticeClaim, at: Date): Promise<void> {
  const x = content(c.letter);
  await db.$executeRaw`INSERT INTO "Notice" ("businessKey", "campaignId", "unitId", "deliverableId", "deadline", "action",
      "scheduledAt", "reason", "status", "attempts", "messageId", "recipients", "subject", "body", "createdAt")
    VALUES (${c.businessKey}, ${c.campaignId}, ${c.unitId}, ${c.deliverableId}, ${c.deadline}, ${c.action},
      ${c.scheduledAt}, ${x.reason}, ${NOTICE_AWAITING_SIGN_OFF}, ${0}, ${c.letter.messageId}, ${x.recipients}, ${x.subject}, ${x.body}, ${at})
    ON CONFLICT ("businessKey") DO NOTHING`;
  await auditWrite(db, {
    eventKey: `${c.businessKey}/sign-off/awaiting`,
    campaignId: c.campaignId,
    unitId: c.unitId,
    deliverableId: c.deliverableId,
    at,
    kind: 'sign_off.awaiting',
    actor: 'system',
    summary: `${INSTRUMENT_NAMES[c.action]}待签发：${c.letter.subject}`,
    detail: { key: c.businessKey, action: 'interview', subject: c.letter.subject },
  });
}

export interface PendingNotice extends NoticeClaim {
  createdAt: Date;
  status: string;
}

function pendingOf(row: NonNullable<Awaited<ReturnType<Db['notice']['findUnique']>>>): PendingNotice {
  const recipients = readRecord(z.object({ to: z.array(z.string()), cc: z.array(z.string()) }), row.recipients, `recipients of notice ${row.businessKey}`);
  return {
    businessKey: row.businessKey,
    campaignId: row.campaignId,
    unitId: row.unitId,
    deliverableId: row.deliverableId,
    deadline: row.deadline,
    action: checkedAction(row.action, row.businessKey),
    scheduledAt: row.scheduledAt,
    createdAt: row.createdAt,
    status: row.status,
    letter: { reason: row.reason, to: recipients.to, cc: recipients.cc, subject: row.subject, text: row.body, messageId: row.messageId },
  };
}

/** The letters of a campaign (约谈通知) waiting for 签发, oldest first. */
export async function pendingNotices(db: Db, campaignId: string): Promise<PendingNotice[]> {
  const rows = await db.notice.findMany({ where: { campaignId, status: NOTICE_AWAITING_SIGN_OFF }, orderBy: [{ scheduledAt: 'asc' }, { businessKey: 'asc' }] });
  return rows.map(pendingOf);
}

export async function noticeForSignOff(db: Db, businessKey: string): Promise<PendingNotice | undefined> {
  const row = await db.notice.findUnique({ where: { businessKey } });
  return row ? pendingOf(row) : undefined;
}

/**
 * Records a decision on a 待签发 letter. Approved: the preview row is removed, so that sendNotice claims the letter
 * afresh — numbered and dated the day it goes out — exactly as an unheld one; withdrawn: the row stays, `withdrawn`,
 * and no letter is ever sent under its key. Either way the audit on the obligation, with who and why. Idempotent.
 */
export async function decideNoticeSignOff(
  db: Db,
  d: { businessKey: string; decision: 'approve' | 'withdraw'; actor: string; reason?: string; at: Date },
): Promise<void> {
  const row = await noticeForSignOff(db, d.businessKey);
  if (!row) return; // approved before, and its row removed: the audit has it
  const reason = d.reason?.trim() ?? '';
  const base = { campaignId: row.campaignId, unitId: row.unitId, deliverableId: row.deliverableId, at: d.at, actor: d.actor };
  await db.$transaction([
    d.decision === 'approve'
      ? db.notice.deleteMany({ where: { businessKey: d.businessKey, status: NOTICE_AWAITING_SIGN_OFF } })
      : db.notice.updateMany({ where: { businessKey: d.businessKey, status: NOTICE_AWAITING_SIGN_OFF }, data: { status: NOTICE_WITHDRAWN } }),
    d.decision === 'approve'
      ? auditWrite(db, {
          ...base,
          eventKey: `${d.businessKey}/sign-off/approved`,
          kind: 'sign_off.approved',
          summary: `${INSTRUMENT_NAMES[row.action]}已签发：${row.letter.subject}`,
          detail: { key: d.businessKey, action: 'interview' },
        })
      : auditWrite(db, {
          ...base,
          eventKey: `${d.businessKey}/sign-off/withdrawn`,
          kind: 'sign_off.withdrawn',
          summary: `${INSTRUMENT_NAMES[row.action]}已撤回，未发出（理由：${reason}）`,
          detail: { key: d.businessKey, action: 'interview', reason },
        }),
  ]);
}
