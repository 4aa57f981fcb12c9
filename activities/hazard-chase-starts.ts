// Starting hazards' chases in batches for the campaign's hazardChaseStartsWorkflow: each hazard recorded without a
// chase gets one signalWithStart (a running chase is only woken: it re-reads its record), then is marked started.
// A retried batch repeats only the signals of hazards not yet marked, which are harmless.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { StartHazardChasesInput, StartHazardChasesResult } from '../shared/hazard-activities';
import { signalHazardChase } from '../shared/hazard-contract';
import type { Db } from '../store/db';
import { countHazardsAwaitingChase, hazardsAwaitingChase, markHazardChasesStarted } from '../store/hazard-chases';

/** Start requests in flight at once (the dev server on two cores takes ~200 a second whatever this is above ~8). */
const START_CONCURRENCY = 16;

export function createHazardChaseStartActivities(deps: { db: Db; client: Client; taskQueue: string }) {
  async function startHazardChases({ campaignId, limit }: StartHazardChasesInput): Promise<StartHazardChasesResult> {
    const ids = await hazardsAwaitingChase(deps.db, campaignId, limit);
    const started: string[] = [];
    let next = 0;
    let failure: unknown;
    const lane = async () => {
      while (next < ids.length && failure === undefined) {
        const hazardId = ids[next++];
        try {
          await signalHazardChase(deps.client, deps.taskQueue, { campaignId, hazardId });
          started.push(hazardId);
        } catch (err) {
          failure ??= err;
        }
        Context.current().heartbeat(started.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, ids.length) }, lane));
    // those started stay started even when another failed: the retry goes on from the rest
    await markHazardChasesStarted(deps.db, campaignId, started, new Date());
    if (failure !== undefined) throw failure;
    return { started: started.length, remaining: await countHazardsAwaitingChase(deps.db, campaignId) };
  }
  return { startHazardChases };
}
