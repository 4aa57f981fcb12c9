// Keeping the database's view of an obligation in step with its workflow, and recording who did what.
import type { ObligationEvent, ObligationState } from '../domain/policy';
import { formatInstant } from '../domain/zoned-time';
import { type AuditKind, appendAudit } from '../store/audit';
import type { Db } from '../store/db';

export interface RecordActionInput {
  campaignId: string;
  unitId: string;
  deliverableId: string;
  /** Unique per action within the workflow run: a retried activity records once. */
  actionKey: string;
  event: ObligationEvent;
  actor: string;
  at: number;
  before: ObligationState;
  after: ObligationState;
}

function describe(e: ObligationEvent, before: ObligationState, after: ObligationState, when: string): string {
  switch (e.kind) {
    case 'submit':
      return after.lateWorkingDays
        ? `submitted ${when}, ${after.lateWorkingDays} working day(s) late (deadline ${before.deadline})`
        : `submitted ${when}, on time (deadline ${before.deadline})`;
    case 'extend':
      return `deadline extended from ${before.deadline} to ${e.to}: ${e.reason}`;
    case 'return':
      return `returned for revision, new deadline ${e.to}: ${e.reason}`;
    case 'waive':
      return `waived: ${e.reason}`;
  }
}

export function createObligationActivities(deps: { db: Db }) {
  const { db } = deps;

  async function recordObligationAction(input: RecordActionInput): Promise<void> {
    const { campaignId, unitId, deliverableId, event, before, after } = input;
    const key = { campaignId_unitId_deliverableId: { campaignId, unitId, deliverableId } };
    const campaign = await db.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { timeZone: true } });
    const when = formatInstant(input.at, campaign.timeZone);
    await db.$transaction(async (tx) => {
      await tx.obligation.update({
        where: key,
        data: {
          status: after.status,
          due: after.deadline,
          submittedAt: event.kind === 'submit' ? new Date(input.at) : event.kind === 'return' ? null : undefined,
          lateWorkingDays: event.kind === 'submit' ? (after.lateWorkingDays ?? 0) : event.kind === 'return' ? null : undefined,
          submittedFile: event.kind === 'submit' ? (event.file ?? null) : undefined,
          extended: event.kind === 'extend' ? true : undefined,
          returned: event.kind === 'return' ? true : undefined,
        },
      });
      await appendAudit(tx, {
        eventKey: input.actionKey,
        campaignId,
        unitId,
        deliverableId,
        at: new Date(input.at),
        kind: `obligation.${event.kind}` as AuditKind,
        actor: input.actor,
        summary: describe(event, before, after, when),
        detail: { event, deadlineBefore: before.deadline, deadlineAfter: after.deadline, escalation: before.escalation },
      });
    });
  }

  return { recordObligationAction };
}
