// The one way to write the append-only audit record (AuditEvent).
import type { Db } from './db';

export type AuditKind =
  | 'campaign.launched'
  | 'notice.sent'
  | 'obligation.submit'
  | 'obligation.extend'
  | 'obligation.return'
  | 'obligation.waive'
  | 'interview.created';

export interface AuditEntry {
  /** Idempotency key: the same key is recorded once, however often a retried step writes it. */
  eventKey: string;
  campaignId: string;
  unitId?: string;
  deliverableId?: string;
  at: Date;
  kind: AuditKind;
  actor: string;
  summary: string;
  detail: Record<string, unknown>;
}

type Tx = Pick<Db, 'auditEvent'>;

export async function appendAudit(db: Tx, e: AuditEntry): Promise<void> {
  await db.auditEvent.upsert({
    where: { eventKey: e.eventKey },
    create: { ...e, detail: JSON.stringify(e.detail) },
    update: {},
  });
}
