// An obligation's row: read back into the domain's terms (checked, not cast), and updated when an operator acts.
import { z } from 'zod';
import { DubanError } from '../domain/errors';
import { type ClosedObligationRecord, ESCALATION_LADDER, type ObligationEvent, type ObligationRecord, type ObligationState } from '../domain/policy';
import type { StandingFacts } from '../domain/standing';
import type { Obligation } from '../generated/prisma/client';
import { appendAudit } from './audit';
import { obligationKey } from './campaigns';
import type { Db } from './db';

const status = z.enum(['open', 'submitted', 'waived']);
const escalation = z.enum(['none', ...ESCALATION_LADDER]);

function checked<T>(schema: z.ZodType<T>, value: unknown, row: Obligation, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DubanError('CORRUPT_RECORD', `obligation ${row.campaignId}/${row.unitId}/${row.deliverableId} has ${field} ${JSON.stringify(value)}`);
  }
  return parsed.data;
}

/** The row in the terms of domain/policy and domain/standing. */
export function obligationFacts(row: Obligation): ClosedObligationRecord & StandingFacts {
  return {
    status: checked(status, row.status, row, 'status'),
    escalation: checked(escalation, row.escalation, row, 'escalation'),
    deadline: row.due,
    due: row.due,
    originalDue: row.originalDue,
    opensAt: row.opensAt.getTime(),
    submittedAt: row.submittedAt?.getTime(),
    lateWorkingDays: row.lateWorkingDays,
    extended: row.extended,
    returned: row.returned,
  };
}

/** What a notice is decided on (domain/policy noticeDecision): one plain query, on the hot path of sending. */
export async function obligationRecord(db: Db, campaignId: string, unitId: string, deliverableId: string): Promise<ObligationRecord | undefined> {
  const rows = await db.$queryRaw<{ status: string; due: string }[]>`SELECT "status", "due" FROM "Obligation"
    WHERE "campaignId" = ${campaignId} AND "unitId" = ${unitId} AND "deliverableId" = ${deliverableId}`;
  if (rows.length === 0) return undefined;
  const parsed = status.safeParse(rows[0].status);
  if (!parsed.success) throw new DubanError('CORRUPT_RECORD', `obligation ${campaignId}/${unitId}/${deliverableId} has status ${JSON.stringify(rows[0].status)}`);
  return { status: parsed.data, deadline: rows[0].due };
}

/** The obligation's row after an operator's action, and the audit event saying who did it, in one transaction. */
export async function recordObligationAction(
  db: Db,
  a: { campaignId: string; unitId: string; deliverableId: string; actionKey: string; event: ObligationEvent; actor: string; at: number },
  before: ObligationState,
  after: ObligationState,
  summary: string,
): Promise<void> {
  const { campaignId, unitId, deliverableId, event } = a;
  await db.$transaction(async (tx) => {
    const updated = await tx.obligation.updateMany({
      where: obligationKey(campaignId, unitId, deliverableId).campaignId_unitId_deliverableId,
      data: {
        status: after.status,
        due: after.deadline,
        submittedAt: event.kind === 'submit' ? new Date(a.at) : event.kind === 'return' ? null : undefined,
        lateWorkingDays: event.kind === 'submit' ? (after.lateWorkingDays ?? 0) : event.kind === 'return' ? null : undefined,
        submittedFile: event.kind === 'submit' ? (event.file ?? null) : undefined,
        extended: event.kind === 'extend' ? true : undefined,
        returned: event.kind === 'return' ? true : undefined,
      },
    });
    if (updated.count !== 1) throw new DubanError('UNKNOWN_OBLIGATION', `no obligation ${campaignId}/${unitId}/${deliverableId} in the database`);
    await appendAudit(tx, {
      eventKey: a.actionKey,
      campaignId,
      unitId,
      deliverableId,
      at: new Date(a.at),
      kind: `obligation.${event.kind}`,
      actor: a.actor,
      summary,
      detail: { event, deadlineBefore: before.deadline, deadlineAfter: after.deadline, escalation: before.escalation },
    });
  });
}
