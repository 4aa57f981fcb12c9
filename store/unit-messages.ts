// The claim of a letter telling a unit of the office's decision (UnitMessage): one row per message key, taken
// before the SMTP conversation exactly as a notice's (store/notices.ts: insert, or a guarded take-over of a
// released or lapsed claim; a lease renewed while the conversation lasts), and marked sent, with its audit
// event, after. Its own table because a decision letter is not a notice: it moves no escalation level, opens
// no 约谈, and is not one of the notices `plan` and `simulate` compare.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditInsert } from './audit';
import type { Db } from './db';
import { ClaimHeldError, type HeldClaim, NOTICE_LEASE, type NoticeLease } from './notices';
import { readRecord } from './records';

export interface UnitMessageLetter {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  messageId: string;
}

export interface UnitMessageClaim {
  /** campaign/unit/deliverable/message/key (shared/contract unitMessageKey) */
  messageKey: string;
  /** The key within the obligation, as the operation named it. */
  key: string;
  campaignId: string;
  unitId: string;
  deliverableId: string;
  /** extension-approved | extension-refused | … */
  kind: string;
  letter: UnitMessageLetter;
}

export interface SentUnitMessage extends UnitMessageClaim {
  sentAt: Date;
}

export async function unitMessageWasSent(db: Db, messageKey: string): Promise<boolean> {
  const row = await db.unitMessage.findUnique({ where: { messageKey }, select: { status: true } });
  return row?.status === 'sent';
}

function content(letter: UnitMessageLetter) {
  return { recipients: JSON.stringify({ to: letter.to, cc: letter.cc }), subject: letter.subject, body: letter.text, messageId: letter.messageId };
}

/**
 * Takes the right to talk to the SMTP server about this message: the claim when this attempt holds it,
 * 'already-sent' when an earlier attempt delivered it. Throws ClaimHeldError while another attempt's lease is live.
 */
export async function claimUnitMessage(
  db: Db,
  c: UnitMessageClaim,
  lease: NoticeLease = NOTICE_LEASE,
  now: Date = new Date(),
): Promise<HeldClaim | 'already-sent'> {
  const { messageKey } = c;
  const leaseUntil = new Date(now.getTime() + lease.leaseMs);
  const token = randomUUID();
  const c2 = content(c.letter);
  const inserted = await db.$executeRaw`INSERT INTO "UnitMessage" ("messageKey", "campaignId", "unitId", "deliverableId", "kind", "status",
      "attempts", "leaseUntil", "claimToken", "messageId", "recipients", "subject", "body", "createdAt")
    VALUES (${messageKey}, ${c.campaignId}, ${c.unitId}, ${c.deliverableId}, ${c.kind}, ${'sending'},
      ${1}, ${leaseUntil}, ${token}, ${c2.messageId}, ${c2.recipients}, ${c2.subject}, ${c2.body}, ${now})
    ON CONFLICT ("messageKey") DO NOTHING`;
  if (inserted === 1) return { businessKey: messageKey, token };
  // the row exists: an earlier attempt's claim, released or lapsed, may be taken over (the guarded update)
  const claim = await db.unitMessage.updateMany({
    where: { messageKey, OR: [{ status: 'claimed' }, { status: 'sending', leaseUntil: { lt: now } }] },
    data: { status: 'sending', leaseUntil, claimToken: token, attempts: { increment: 1 }, ...c2 },
  });
  if (claim.count === 1) return { businessKey: messageKey, token };
  const row = await db.unitMessage.findUnique({ where: { messageKey } });
  if (row?.status === 'sent') return 'already-sent';
  throw new ClaimHeldError(messageKey, row?.leaseUntil ?? now);
}

/** Keeps a live attempt's claim from lapsing; false when the claim is no longer this attempt's to renew. */
export async function renewUnitMessageClaim(db: Db, held: HeldClaim, lease: NoticeLease = NOTICE_LEASE, now: Date = new Date()): Promise<boolean> {
  const renewed = await db.unitMessage.updateMany({
    where: { messageKey: held.businessKey, claimToken: held.token, status: 'sending' },
    data: { leaseUntil: new Date(now.getTime() + lease.leaseMs) },
  });
  return renewed.count === 1;
}

/** The SMTP server refused or could not be reached: nothing was delivered, so the next attempt may send. */
export async function releaseUnitMessage(db: Db, held: HeldClaim): Promise<void> {
  await db.unitMessage.updateMany({
    where: { messageKey: held.businessKey, claimToken: held.token, status: 'sending' },
    data: { status: 'claimed', leaseUntil: null, claimToken: null },
  });
}

/** The audit event of a sent message (idempotent: its key is the message key). */
function toldWrite(db: Db, m: SentUnitMessage) {
  return auditInsert(db, {
    eventKey: m.messageKey,
    campaignId: m.campaignId,
    unitId: m.unitId,
    deliverableId: m.deliverableId,
    at: m.sentAt,
    kind: 'unit.told',
    actor: 'duban',
    summary: `unit told: ${m.letter.subject}`,
    detail: { key: m.key, decision: m.kind, to: m.letter.to, subject: m.letter.subject, text: m.letter.text, messageId: m.letter.messageId },
  });
}

/**
 * The record of a sent message, prepared before the SMTP conversation (the audit event's shape is checked now),
 * committed after it: the sent-mark and the audit event.
 */
export function prepareUnitMessageRecord(db: Db, m: SentUnitMessage) {
  const sentMark = () => db.$executeRaw`UPDATE "UnitMessage" SET "status" = ${'sent'}, "sentAt" = ${m.sentAt}, "leaseUntil" = NULL, "claimToken" = NULL
      WHERE "messageKey" = ${m.messageKey} AND "status" <> ${'sent'}`;
  const writes = () => [sentMark(), toldWrite(db, m)];
  void writes(); // builds (and so checks) every write; a Prisma query runs only when awaited
  return { messageKey: m.messageKey, sentMark, writes };
}

const RECORD_TRIES = 3;

/**
 * The SMTP server accepted the message: one transaction marks it sent and records the audit event. A failing
 * database is tried again a few times; failing still, the sent-mark alone is written, so that no retry sends the
 * letter again, and the error is thrown so that the retry completes the record (recordUnitMessageOutcome).
 */
export async function commitUnitMessageRecord(db: Db, record: ReturnType<typeof prepareUnitMessageRecord>): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= RECORD_TRIES; attempt++) {
    try {
      await db.$transaction(record.writes());
      return;
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  await record.sentMark();
  throw new Error(`unit message ${record.messageKey} was sent, but its record could not be written: ${String(lastError)}`);
}

const recipientsSchema = z.object({ to: z.array(z.string()), cc: z.array(z.string()) });

/** The sent message's row, read back (a retry after a crash); undefined when it is not recorded as sent. */
export async function findSentUnitMessage(db: Db, messageKey: string, key: string): Promise<SentUnitMessage | undefined> {
  const row = await db.unitMessage.findUnique({ where: { messageKey } });
  if (!row || row.status !== 'sent' || !row.sentAt) return undefined;
  const recipients = readRecord(recipientsSchema, row.recipients, `recipients of unit message ${messageKey}`);
  return {
    messageKey,
    key,
    campaignId: row.campaignId,
    unitId: row.unitId,
    deliverableId: row.deliverableId,
    kind: row.kind,
    sentAt: row.sentAt,
    letter: { to: recipients.to, cc: recipients.cc, subject: row.subject, text: row.body, messageId: row.messageId },
  };
}

/** Completes the record of a message an earlier attempt sent (and may have died before recording). */
export async function recordUnitMessageOutcome(db: Db, m: SentUnitMessage): Promise<void> {
  await toldWrite(db, m);
}
