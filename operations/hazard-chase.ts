// Telling Temporal about a hazard's committed changes. One hazard (a transition, a report): signalWithStart its chase
// (workflows/hazard.ts), so the first change starts it and later ones wake it — the workflow re-reads the record on
// each wake. Many new hazards (an import): one signal to the campaign's chase starter (workflows/hazard-chase-starts.ts),
// which starts their chases in batches. The change is already committed when this runs: a signal that cannot be
// delivered is retried, then logged, never undoing it; a hazard whose chase never started is picked up by the starter's
// next run (the next import or report, a worker starting, or `duban hazards wake`).
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../shared/contract';
import { type HazardChaseInput, signalHazardChase, signalHazardChaseStarts } from '../shared/hazard-contract';

export interface ChaseDeps {
  client: Client;
  taskQueue?: string;
  /** Where an undelivered signal is reported (console.error by default). */
  log?: (message: string) => void;
  /** How long one attempt may take (5 s). */
  attemptMs?: number;
}

const ATTEMPTS = 3;
const ATTEMPT_MS = 5_000;

/** `send`, tried three times, each within its own deadline; whether it got through (if not, `failed` says why). */
async function tryThrice(deps: ChaseDeps, send: (taskQueue: string) => Promise<void>, failed: (reason: string) => string): Promise<boolean> {
  let last: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      // A deadline per attempt: an unreachable server would otherwise hold the operator's request ~20 s an attempt.
      await deps.client.withDeadline(Date.now() + (deps.attemptMs ?? ATTEMPT_MS), () => send(deps.taskQueue ?? TASK_QUEUE));
      return true;
    } catch (err) {
      last = err;
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  (deps.log ?? console.error)(failed((last as Error)?.message ?? String(last)));
  return false;
}

/** Wake (or start) the chase of one hazard. Returns whether the signal was delivered. */
export function chaseHazard(deps: ChaseDeps, input: HazardChaseInput): Promise<boolean> {
  return tryThrice(
    deps,
    (taskQueue) => signalHazardChase(deps.client, taskQueue, input),
    (reason) =>
      `隐患 ${input.campaignId}/${input.hazardId} 的督办流程未能收到变更通知（${reason}）；台账已保存，流程下次醒来时会读取（可运行 duban hazards wake ${input.campaignId} 唤醒）`,
  );
}

/** Ask the campaign's chase starter to start the chases of the hazards just recorded. Returns whether it was asked. */
export function startRecordedHazardChases(deps: ChaseDeps, campaignId: string): Promise<boolean> {
  return tryThrice(
    deps,
    (taskQueue) => signalHazardChaseStarts(deps.client, taskQueue, campaignId),
    (reason) =>
      `专项行动 ${campaignId} 新登记隐患的督办流程未能启动（${reason}）；台账已保存，worker 下次启动时或运行 duban hazards wake ${campaignId} 时启动`,
  );
}

/** Wake the chases of many hazards, a few at a time. Returns the hazards whose chase got the signal. */
export async function chaseHazards(deps: ChaseDeps, campaignId: string, hazardIds: readonly string[], concurrency = 16): Promise<string[]> {
  let next = 0;
  const delivered: string[] = [];
  const lane = async () => {
    while (next < hazardIds.length) {
      const hazardId = hazardIds[next++];
      if (await chaseHazard(deps, { campaignId, hazardId })) delivered.push(hazardId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, hazardIds.length) }, lane));
  return delivered;
}
