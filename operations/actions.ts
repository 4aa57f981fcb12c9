// `duban submit | extend | waive | return`: an operator's action, sent to the obligation's workflow as an
// Update so the workflow itself accepts or refuses it against its current state.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { requireCampaign } from '../store/campaigns';
import type { Db } from '../store/db';
import { type DubanErrorCode, DubanError } from '../domain/errors';
import type { ObligationEvent, ObligationState } from '../domain/policy';
import { obligationActionUpdate } from '../shared/contract';

export async function findObligation(db: Db, campaignId: string, unitId: string, deliverableId: string) {
  await requireCampaign(db, campaignId);
  const unit = await db.unit.findUnique({ where: { campaignId_unitId: { campaignId, unitId } } });
  if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${campaignId} has no unit ${JSON.stringify(unitId)}`);
  const obligation = await db.obligation.findUnique({ where: { campaignId_unitId_deliverableId: { campaignId, unitId, deliverableId } } });
  if (!obligation) {
    const owed = await db.obligation.findMany({ where: { campaignId, unitId }, select: { deliverableId: true } });
    throw new DubanError(
      'UNKNOWN_DELIVERABLE',
      `unit ${unitId} owes no deliverable ${JSON.stringify(deliverableId)} in ${campaignId} (it owes: ${owed.map((o) => o.deliverableId).join(', ') || 'nothing'})`,
    );
  }
  return obligation;
}

export async function actOnObligation(
  deps: { client: Client; db: Db },
  args: { campaignId: string; unitId: string; deliverableId: string; event: ObligationEvent; actor: string },
): Promise<ObligationState> {
  const obligation = await findObligation(deps.db, args.campaignId, args.unitId, args.deliverableId);
  const handle = deps.client.workflow.getHandle(obligation.workflowId);
  try {
    return await handle.executeUpdate(obligationActionUpdate, { args: [{ event: args.event, actor: args.actor }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      throw new DubanError((err.cause.type ?? 'INVALID_ARGUMENT') as DubanErrorCode, err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError || (err instanceof Error && /workflow execution already completed/i.test(err.message))) {
      const now = await findObligation(deps.db, args.campaignId, args.unitId, args.deliverableId);
      if (now.status === 'waived') throw new DubanError('ALREADY_WAIVED', `${args.unitId}/${args.deliverableId} was waived; nothing more can be recorded for it`);
      if (now.status === 'submitted' && args.event.kind !== 'return') {
        throw new DubanError('ALREADY_SUBMITTED', `${args.unitId}/${args.deliverableId} was already submitted and accepted`);
      }
      throw new DubanError(
        'OBLIGATION_CLOSED',
        `${args.unitId}/${args.deliverableId} is closed (${obligation.status}); the time to return it for revision has passed`,
      );
    }
    throw err;
  }
}
