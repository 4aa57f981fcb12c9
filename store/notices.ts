// The notice claim: one row per business key, taken with a guarded update before the SMTP conversation
// so that only one attempt at a time may send it, and marked sent (with the audit record) after.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DubanError } from '../domain/errors';
import { ESCALATION_LADDER, type EscalationStep, INSTRUMENT_NAMES, NOTICE_ACTIONS, type NoticeAction, escalationsBelow } from '../domain/policy';
import type { CivilDate } from '../domain/calendar';
import { civilDateOf, formatInstant } from '../domain/zoned-time';
import { auditInsert, auditWrite, readAuditDetail } from './audit';
import { obligationKey, requireUnit, unitPrincipals } from './campaigns';
import type { Db } from './db';
import { readRecord } from './records';

/**
 * How long a claim holds without renewal. A live attempt renews it every `renewMs` while it talks
 * to the SMTP server, so it never lapses under a live conversation; a crashed attempt's lapses within this,
 * before Temporal retries the activity (its heartbeat timeout, 10 s, is longer), and the retry resends with the same
 * Message-ID.
 */
export interface NoticeLease {
  leaseMs: number;
  renewMs: number;
}

export const NOTICE_LEASE: NoticeLease = { leaseMs: 7_000, renewMs: 2_500 };

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

/** The register a numbered letter takes its 发文字号 from (prefix and year, across campaigns), from `from` on. */
export interface DocumentNumbering {
  prefix: string;
  year: number;
  from: number;
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
  const row = await db.notice.findUnique({ where: { businessKey }, select: { status: true } });
  return row?.status === 'sent';
}

/** The claim one attempt holds: its token says the claim is still this attempt's. */
export interface HeldClaim {
  businessKey: string;
  token: string;
}

/** A notice's claim, with the letter as claimed (worded with its 发文字号). */
export interface HeldNoticeClaim extends HeldClaim {
  claim: NoticeClaim;
}

/** Another attempt holds the claim until `until`: retry after that. */
export class ClaimHeldError extends Error {
  constructor(
    readonly businessKey: string,
    readonly until: Date,
  ) {
    super(`notice ${businessKey} is being sent by another attempt until ${until.toISOString()}`);
    this.name = 'ClaimHeldError';
  }
}

/** Keeps a live attempt's claim from lapsing; false when the claim is no longer this attempt's to renew. */
export async function renewClaim(db: Db, claim: HeldClaim, lease: NoticeLease = NOTICE_LEASE, now: Date = new Date()): Promise<boolean> {
  const renewed = await db.notice.updateMany({
    where: { businessKey: claim.businessKey, claimToken: claim.token, status: 'sending' },
    data: { leaseUntil: new Date(now.getTime() + lease.leaseMs) },
  });
  return renewed.count === 1;
}
function content(letter: NoticeLetter) {
  return {
    reason: letter.reason,
    recipients: JSON.stringify({ to: letter.to, cc: letter.cc }),
    subject: letter.subject,
    body: letter.text,
  };
}

/** Rolls back a numbered claim's transaction whose insert found the row: the number goes back to the register. */
class RowExists extends Error {}

export const plainNumber = (prefix: string, year: number, n: number) => `${prefix}〔${year}〕${n}号`;

/**
 * Takes the right to talk to the SMTP server about this notice: the claim when this attempt holds it,
 * 'already-sent' when an earlier attempt delivered it. Throws ClaimHeldError while another attempt's lease
 * is live. A notice met for the first time (nearly always) costs one insert; a numbered one, one transaction
 * that takes the register's next number and inserts the row holding it (a row found there rolls the number back).
 * A retry or a take-over words the letter with the number already on its row: a number is given once, to one letter.
 */
export async function claimNotice(
  db: Db,
  c: ClaimRequest,
  lease: NoticeLease = NOTICE_LEASE,
  now: Date = new Date(),
): Promise<HeldNoticeClaim | 'already-sent'> {
  const { businessKey } = c;
  const leaseUntil = new Date(now.getTime() + lease.leaseMs);
  const token = randomUUID();
  const letterFor = typeof c.letter === 'function' ? c.letter : () => c.letter as NoticeLetter;
  const claimOf = (letter: NoticeLetter, documentNumber: string | undefined): NoticeClaim => ({
    businessKey,
    campaignId: c.campaignId,
    unitId: c.unitId,
    deliverableId: c.deliverableId,
    deadline: c.deadline,
    action: c.action,
    scheduledAt: c.scheduledAt,
    letter,
    ...(documentNumber ? { documentNumber } : {}),
  });
  const insert = (q: Pick<Db, '$executeRaw'>, claim: NoticeClaim) => {
    const c2 = content(claim.letter);
    return q.$executeRaw`INSERT INTO "Notice" ("businessKey", "campaignId", "unitId", "deliverableId", "deadline", "action",
      "scheduledAt", "reason", "status", "attempts", "leaseUntil", "claimToken", "messageId", "recipients", "subject", "body", "documentNumber", "createdAt")
    VALUES (${businessKey}, ${c.campaignId}, ${c.unitId}, ${c.deliverableId}, ${c.deadline}, ${c.action},
      ${c.scheduledAt}, ${c2.reason}, ${'sending'}, ${1}, ${leaseUntil}, ${token}, ${claim.letter.messageId}, ${c2.recipients}, ${c2.subject}, ${c2.body},
      ${claim.documentNumber ?? null}, ${now})
    ON CONFLICT ("businessKey") DO NOTHING`;
  };

  const numbering = c.numbering;
  if (numbering) {
    const format = c.formatNumber ?? plainNumber;
    try {
      const claim = await db.$transaction(
        async (tx) => {
          const n = await nextDocumentNumber(tx, numbering);
          const documentNumber = format(numbering.prefix, numbering.year, n);
          const claim = claimOf(letterFor(documentNumber), documentNumber);
          if ((await insert(tx, claim)) !== 1) throw new RowExists();
          return claim;
        },
        { maxWait: 60_000, timeout: 30_000 },
      );
      return { businessKey, token, claim };
    } catch (err) {
      if (!(err instanceof RowExists)) throw err;
    }
  } else {
    const claim = claimOf(letterFor(undefined), undefined);
    if ((await insert(db, claim)) === 1) return { businessKey, token, claim };
  }

  // the row exists: an earlier attempt's claim, released or lapsed, may be taken over (the guarded update),
  // keeping the number it was given
  const existing = await db.notice.findUnique({ where: { businessKey }, select: { status: true, documentNumber: true } });
  if (existing?.status === 'sent') return 'already-sent';
  const documentNumber = existing?.documentNumber ?? undefined;
  const claim = claimOf(letterFor(documentNumber), documentNumber);
  const taken = await db.notice.updateMany({
    where: { businessKey, OR: [{ status: 'claimed' }, { status: 'sending', leaseUntil: { lt: now } }] },
    data: { status: 'sending', leaseUntil, claimToken: token, attempts: { increment: 1 }, ...content(claim.letter) },
  });
  if (taken.count === 1) return { businessKey, token, claim };
  const row = await db.notice.findUnique({ where: { businessKey } });
  if (row?.status === 'sent') return 'already-sent';
  throw new ClaimHeldError(businessKey, row?.leaseUntil ?? now);
}

/**
 * The next number of the register of `prefix` and `year`: one atomic upsert (the row is locked until the caller's
 * transaction ends, so concurrent claims wait for each other and never read the same number).
 */
export async function nextDocumentNumber(tx: Pick<Db, '$queryRaw'>, { prefix, year, from }: DocumentNumbering): Promise<number> {
  const rows = await tx.$queryRaw<{ last: number | bigint }[]>`INSERT INTO "DocumentSequence" ("prefix", "year", "last") VALUES (${prefix}, ${year}, ${from})
    ON CONFLICT ("prefix", "year") DO UPDATE SET "last" = CASE WHEN "DocumentSequence"."last" + 1 < ${from} THEN ${from} ELSE "DocumentSequence"."last" + 1 END
    RETURNING "last"`;
  return Number(rows[0].last);
}

/** The SMTP server refused or could not be reached: nothing was delivered, so the next attempt may send. */
export async function releaseNotice(db: Db, claim: HeldClaim): Promise<void> {
  await db.notice.updateMany({
    where: { businessKey: claim.businessKey, claimToken: claim.token, status: 'sending' },
    data: { status: 'claimed', leaseUntil: null, claimToken: null },
  });
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

/**
 * What a sent notice brings about: the obligation's escalation level, the 约谈 record an interview notice
 * opens (for the unit's principal), and the audit events. Every write is idempotent.
 */
export function outcomeWrites(db: Db, n: SentNotice, timeZone: string, principal: string) {
  const { businessKey, campaignId, unitId, deliverableId, action, sentAt, letter } = n;
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
      auditWrite(db, {
        eventKey: `${businessKey}/interview`,
        campaignId,
        unitId,
        deliverableId,
        at: sentAt,
        kind: 'interview.created',
        actor: 'duban',
        summary: `约谈 ${principal} to be scheduled`,
        detail: { noticeKey: businessKey },
      }),
    );
  }
  writes.push(
    auditInsert(db, {
      eventKey: businessKey,
      campaignId,
      unitId,
      deliverableId,
      at: sentAt,
      kind: 'notice.sent',
      actor: 'duban',
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
    }),
  );
  return writes;
}

/**
 * The record of a sent notice, prepared before the SMTP conversation (every write's shape is checked now, so
 * nothing about the record itself can fail after the server has accepted the letter), committed after it.
 */
export function prepareSentRecord(db: Db, n: SentNotice, timeZone: string, principal: string) {
  const sentMark = () => db.$executeRaw`UPDATE "Notice" SET "status" = ${'sent'}, "sentAt" = ${n.sentAt}, "leaseUntil" = NULL, "claimToken" = NULL
      WHERE "businessKey" = ${n.businessKey} AND "status" <> ${'sent'}`;
  const writes = () => [sentMark(), ...outcomeWrites(db, n, timeZone, principal)];
  void writes(); // builds (and so checks) every write; a Prisma query runs only when awaited
  return { businessKey: n.businessKey, sentMark, writes };
}

const RECORD_TRIES = 3;

/**
 * The SMTP server accepted the message: one transaction, sent to the database right away, marks the notice
 * sent and records what follows from it. A failing database is tried again a few times; failing still, the
 * sent-mark alone is written, so that no retry sends the letter again, and the error is thrown so that the
 * retry completes the record (recordNoticeOutcome).
 */
export async function commitSentRecord(db: Db, record: ReturnType<typeof prepareSentRecord>): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= RECORD_TRIES; attempt++) {
    try {
      await db.$transaction(record.writes());
      return;
    } catch (err) {
      lastError = err; // e.g. a busy database, or a concurrent completion of the same record (unique key)
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  await record.sentMark();
  throw new Error(`notice ${record.businessKey} was sent, but its record could not be written: ${String(lastError)}`);
}

/** Completes the record of a notice an earlier attempt sent (and may have died before recording). */
export async function recordNoticeOutcome(db: Db, n: SentNotice, timeZone: string): Promise<void> {
  const unit = await requireUnit(db, n.campaignId, n.unitId);
  await db.$transaction(outcomeWrites(db, n, timeZone, unitPrincipals(unit).map((p) => p.name).join('、')));
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

/**
 * The escalation letters already sent for this obligation and deadline, and its latest return and extension:
 * one query (a UNION of the two indexed reads), on the hot path of sending a letter.
 */
export async function letterHistory(db: Db, campaignId: string, unitId: string, deliverableId: string, deadline: string, timeZone: string): Promise<LetterHistory> {
  const rows = await db.$queryRaw<{ source: string; id: number; kind: string; detail: string | null; at: Date | string | null }[]>`
    SELECT 'notice' AS "source", "id", "action" AS "kind", NULL AS "detail", "sentAt" AS "at" FROM "Notice"
      WHERE "campaignId" = ${campaignId} AND "unitId" = ${unitId} AND "deliverableId" = ${deliverableId} AND "deadline" = ${deadline}
        AND "status" = ${'sent'} AND "action" <> ${'reminder'}
    UNION ALL
    SELECT 'audit' AS "source", "id", "kind", "detail", "at" FROM "AuditEvent"
      WHERE "campaignId" = ${campaignId} AND "unitId" = ${unitId} AND "deliverableId" = ${deliverableId}
        AND "kind" IN (${'obligation.extend'}, ${'obligation.return'})`;
  const history: LetterHistory = { stepsTaken: [] };
  for (const r of rows) {
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
