// An operator's action on one obligation (submit, extend, waive, return), sent to its workflow as an
// Update so the workflow itself accepts or refuses it against its current state.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { newDeadlineCoverageWarning } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { type ObligationEvent, type ObligationState, checkEvent, stateFromRecord } from '../domain/policy';
import { obligationActionUpdate } from '../shared/contract';
import { dubanErrorOf } from '../shared/failures';
import { loadCampaign, requireObligation, scheduleContext } from '../store/campaigns';
import type { Db } from '../store/db';
import { obligationFacts } from '../store/obligations';

export interface ObligationActionArgs {
  campaignId: string;
  unitId: string;
  deliverableId: string;
  event: ObligationEvent;
  actor: string;
}

export async function actOnObligation(deps: { client: Client; db: Db }, args: ObligationActionArgs): Promise<ObligationState> {
  const obligation = await requireObligation(deps.db, args.campaignId, args.unitId, args.deliverableId);
  const handle = deps.client.workflow.getHandle(obligation.workflowId);
  try {
    return await handle.executeUpdate(obligationActionUpdate, { args: [{ event: args.event, actor: args.actor }] });
  } catch (err) {
    const refusal = dubanErrorOf(err);
    if (refusal) throw refusal;
    if (err instanceof WorkflowNotFoundError || (err instanceof Error && /workflow execution already completed/i.test(err.message))) {
      throw await refusalOfClosed(deps.db, args);
    }
    throw err;
  }
}

const CLOSED_WORDS: Record<string, string> = { open: '未报送', submitted: '已报送', waived: '已免报' };

/** The obligation's workflow has ended: the record says why the action cannot be taken. */
async function refusalOfClosed(db: Db, args: ObligationActionArgs): Promise<DubanError> {
  const row = await requireObligation(db, args.campaignId, args.unitId, args.deliverableId);
  const { settings, clock } = await loadCampaign(db, args.campaignId);
  const ctx = scheduleContext(settings, args.campaignId, args.deliverableId);
  const now = Date.now();
  try {
    checkEvent(ctx, stateFromRecord(obligationFacts(row)), args.event, clock.current(now, () => now));
  } catch (err) {
    if (err instanceof DubanError) return err;
    throw err;
  }
  return new DubanError('OBLIGATION_CLOSED', `${args.unitId}/${args.deliverableId} 已办结（${CLOSED_WORDS[row.status] ?? row.status}），其工作流已结束`);
}

/** What the operator must know about an accepted action: a deadline moved into years the calendar does not know. */
export async function actionWarnings(db: Db, args: Pick<ObligationActionArgs, 'campaignId' | 'deliverableId' | 'event'>): Promise<string[]> {
  if (!('to' in args.event)) return [];
  // the calendar was fixed at launch: a deadline moved into a year it does not know is counted on plain weekdays
  const { settings } = await loadCampaign(db, args.campaignId);
  const warning = newDeadlineCoverageWarning(scheduleContext(settings, args.campaignId, args.deliverableId), args.event.to);
  return warning ? [warning] : [];
}
