// The append-only audit record (AuditEvent): one typed shape per kind, written only through appendAudit
// and read back only through readAuditDetail, which checks the shape instead of trusting a cast.
import { z } from 'zod';
import { DubanError } from '../domain/errors';
import { ESCALATION_LADDER, NOTICE_ACTIONS } from '../domain/policy';
import type { Db } from './db';
import { type SqlStatement, sql } from './hot-sql';
import { checkRecord, readRecord } from './records';

const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const escalation = z.enum(['none', ...ESCALATION_LADDER]);

const obligationEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('submit'), file: z.string().optional(), fileName: z.string().optional(), fileSize: z.number().optional() }),
  z.object({ kind: z.literal('extend'), to: civilDate, reason: z.string() }),
  z.object({ kind: z.literal('return'), to: civilDate, reason: z.string() }),
  z.object({ kind: z.literal('waive'), reason: z.string() }),
]);

const obligationAction = z.object({ event: obligationEvent, deadlineBefore: civilDate, deadlineAfter: civilDate, escalation });

export const AUDIT_DETAIL = {
  'campaign.launched': z.object({ sourceFile: z.string(), definitionHash: z.string(), warnings: z.array(z.string()) }),
  'notice.sent': z.object({
    action: z.enum(NOTICE_ACTIONS as [string, ...string[]]),
    scheduledAt: z.string(),
    deadline: civilDate,
    reason: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    text: z.string(),
    messageId: z.string(),
  }),
  'obligation.submit': obligationAction,
  'obligation.extend': obligationAction,
  'obligation.return': obligationAction,
  'obligation.waive': obligationAction,
  'interview.created': z.object({ noticeKey: z.string() }),
  /** A 通报 or 约谈 held for a leader's 签发 (待签发), its approval and its withdrawal; `key` names the letter. */
  'sign_off.awaiting': z.object({ key: z.string(), action: z.enum(['circulate', 'interview']), subject: z.string() }),
  'sign_off.approved': z.object({ key: z.string(), action: z.enum(['circulate', 'interview']) }),
  'sign_off.withdrawn': z.object({ key: z.string(), action: z.enum(['circulate', 'interview']), reason: z.string() }),
  /** A 通报 signed off, but by the time it was to go out no unit it listed was still late: nothing was sent. */
  'sign_off.unneeded': z.object({ key: z.string(), action: z.enum(['circulate', 'interview']) }),
  'interview.scheduled': z.object({ interviewId: z.number(), at: z.string(), place: z.string(), conductedBy: z.string() }),
  'interview.closed': z.object({ interviewId: z.number(), outcome: z.string() }),
  'extension.requested': z.object({ requestId: z.number(), to: civilDate, reason: z.string() }),
  'extension.approved': z.object({ requestId: z.number(), to: civilDate }),
  'extension.refused': z.object({ requestId: z.number(), reason: z.string() }),
  'unit.told': z.object({
    /** The message's key within the obligation (e.g. extension-request-7-refused). */
    key: z.string(),
    /** What was decided: extension-approved, extension-refused, … */
    decision: z.string(),
    to: z.array(z.string()),
    subject: z.string(),
    text: z.string(),
    messageId: z.string(),
  }),
  /** A letter's message to one of the unit's group robots (domain/channels.ts); `robot` names it without its key. */
  'channel.sent': z.object({ letterKey: z.string(), kind: z.string(), channel: z.string(), robot: z.string(), subject: z.string(), text: z.string() }),
  'channel.failed': z.object({ letterKey: z.string(), kind: z.string(), channel: z.string(), robot: z.string(), subject: z.string(), reason: z.string() }),
} as const;

export type AuditKind = keyof typeof AUDIT_DETAIL;
export type AuditDetail<K extends AuditKind> = z.infer<(typeof AUDIT_DETAIL)[K]>;

export function isAuditKind(kind: string): kind is AuditKind {
  return Object.hasOwn(AUDIT_DETAIL, kind);
}

export interface AuditEntry<K extends AuditKind> {
  /** Idempotency key: the same key is recorded once, however often a retried step writes it. */
  eventKey: string;
  campaignId: string;
  unitId?: string;
  deliverableId?: string;
  at: Date;
  kind: K;
  actor: string;
  summary: string;
  detail: AuditDetail<K>;
}

type Tx = Pick<Db, 'auditEvent'>;

/** The write of one audit event, checked against its kind's shape, to await or to batch in a transaction. */
export function auditWrite<K extends AuditKind>(db: Tx, e: AuditEntry<K>) {
  const detail = checkRecord(AUDIT_DETAIL[e.kind] as z.ZodType<unknown>, e.detail, `the detail of audit event ${e.eventKey} (${e.kind})`);
  return db.auditEvent.upsert({
    where: { eventKey: e.eventKey },
    create: { ...e, detail: JSON.stringify(detail) },
    update: {},
  });
}

/**
 * The same write as plain SQL (an insert that does nothing when the key is recorded), for the hot path of
 * sending a letter, where Prisma's per-query cost counts; identical on SQLite and PostgreSQL.
 */
export function auditInsert<K extends AuditKind>(db: Pick<Db, '$executeRaw'>, e: AuditEntry<K>) {
  const detail = JSON.stringify(checkRecord(AUDIT_DETAIL[e.kind] as z.ZodType<unknown>, e.detail, `the detail of audit event ${e.eventKey} (${e.kind})`));
  return db.$executeRaw`INSERT INTO "AuditEvent" ("eventKey", "campaignId", "unitId", "deliverableId", "at", "kind", "actor", "summary", "detail")
    VALUES (${e.eventKey}, ${e.campaignId}, ${e.unitId ?? null}, ${e.deliverableId ?? null}, ${e.at}, ${e.kind}, ${e.actor}, ${e.summary}, ${detail})
    ON CONFLICT ("eventKey") DO NOTHING`;
}

/** The same insert as a statement of the hot path's SQL (store/hot-sql.ts). */
export function auditStatement<K extends AuditKind>(e: AuditEntry<K>): SqlStatement {
  const detail = JSON.stringify(checkRecord(AUDIT_DETAIL[e.kind] as z.ZodType<unknown>, e.detail, `the detail of audit event ${e.eventKey} (${e.kind})`));
  return sql(
    `INSERT INTO "AuditEvent" ("eventKey", "campaignId", "unitId", "deliverableId", "at", "kind", "actor", "summary", "detail")
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("eventKey") DO NOTHING`,
    [e.eventKey, e.campaignId, e.unitId ?? null, e.deliverableId ?? null, e.at, e.kind, e.actor, e.summary, detail],
  );
}

export async function appendAudit<K extends AuditKind>(db: Tx, e: AuditEntry<K>): Promise<void> {
  await auditWrite(db, e);
}

export type ReadAuditDetail = { [K in AuditKind]: { kind: K; detail: AuditDetail<K> } }[AuditKind];

/** An audit row's detail, checked against its kind's shape; a row that fails the check is reported, not trusted. */
export function readAuditDetail(row: { id: number; kind: string; detail: string }): ReadAuditDetail {
  if (!isAuditKind(row.kind)) throw new DubanError('CORRUPT_RECORD', `audit event ${row.id} has an unknown kind ${JSON.stringify(row.kind)}`);
  const detail = readRecord(AUDIT_DETAIL[row.kind] as z.ZodType<unknown>, row.detail, `audit event ${row.id} (${row.kind})`);
  return { kind: row.kind, detail } as ReadAuditDetail;
}
