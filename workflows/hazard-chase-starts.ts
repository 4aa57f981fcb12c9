// Starts the chase of every hazard recorded without one (an import's rows, a report whose own start failed), a batch
// at a time, for one campaign. Operations commit the rows, then signalWithStart this workflow (hazardsRecordedSignal)
// and return: the import of 20,000 hazards no longer waits for 20,000 starts. A signal that arrives while a batch runs
// makes it look again, so rows committed at any moment are found by this run or start the next.
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { HazardActivities } from '../shared/hazard-activities';
import { type HazardChaseStartsInput, hazardsRecordedSignal } from '../shared/hazard-contract';

const { startHazardChases } = proxyActivities<HazardActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Hazards per activity: about a second of starts on the dev server. */
export const HAZARD_CHASE_START_BATCH = 200;
/** Batches before the run continues as new (each ~6 events). */
const BATCHES_PER_RUN = 500;

export async function hazardChaseStartsWorkflow(input: HazardChaseStartsInput): Promise<{ started: number }> {
  let signals = 0;
  setHandler(hazardsRecordedSignal, () => {
    signals++;
  });
  let started = input.started ?? 0;
  for (let batch = 0; ; batch++) {
    if (batch >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof hazardChaseStartsWorkflow>({ campaignId: input.campaignId, started });
    }
    const seen = signals;
    const r = await startHazardChases({ campaignId: input.campaignId, limit: HAZARD_CHASE_START_BATCH });
    started += r.started;
    if (r.remaining === 0 && signals === seen) return { started };
  }
}
