// The claim of a letter telling a unit of the office's decision (UnitMessage): one row per message key, taken
// before the SMTP conversation with the generic claim (store/claims.ts), and marked sent, with its audit event,
// after. Its own table because a decision letter is not a notice: it moves no escalation level, opens no 约谈, and
// is not one of the notices `plan` and `simulate` compare.
import { z } from 'zod';
import { auditInsert } from './audit';
import { CLAIM_LEASE, type ClaimLease, type ClaimRows, type ClaimTable, type HeldClaim, claim, prepareRecord, wasSent } from './claims';
import type { Db } from './db';
import { readRecord } from './records';

export const UNIT_MESSAGES: ClaimTable = {
  table: 'UnitMessage',
  key: 'messageKey',
  noun: 'unit message',
  numbered: false,
  rows: (db) => db.unitMessage as unknown as ClaimRows,
};

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
  return wasSent(db, UNIT_MESSAGES, messageKey);
}

function content(letter: UnitMessageLetter) {
  return { recipients: JSON.stringify({ to: letter.to, cc: letter.cc }), subject: letter.subject, body: letter.text, messageId: letter.messageId };
}

/** The message's claim request (store/claims.ts claim). */
export function unitMessageRequest(c: UnitMessageClaim) {
  return {
    key: c.messageKey,
    word: () => c,
    columns: (m: UnitMessageClaim) => content(m.letter),
    fixed: { campaignId: c.campaignId, unitId: c.unitId, deliverableId: c.deliverableId, kind: c.kind },
  };
}

/**
 * Takes the right to talk to the SMTP server about this message: the claim when this attempt holds it,
 * 'already-sent' when an earlier attempt delivered it. Throws ClaimHeldError while another attempt's lease is live.
 */
export async function claimUnitMessage(db: Db, c: UnitMessageClaim, lease: ClaimLease = CLAIM_LEASE, now: Date = new Date()): Promise<HeldClaim | 'already-sent'> {
  const held = await claim(db, UNIT_MESSAGES, unitMessageRequest(c), lease, now);
  return held === 'already-sent' ? held : { businessKey: held.businessKey, token: held.token };
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

/** The record of a sent message (store/claims.ts prepareRecord): the sent-mark and the audit event. */
export function prepareUnitMessageRecord(db: Db, m: SentUnitMessage) {
  return prepareRecord(db, UNIT_MESSAGES, m.messageKey, m.sentAt, () => [toldWrite(db, m)]);
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
