// What the hazard chase agrees on between operations (which record a hazard's changes in the database and tell its
// workflow), the workflow (workflows/hazard.ts) and the worker. The database is the hazard's record (隐患整改台账);
// the workflow chases it: it asks an activity for the hazard's next due notice, sleeps until then or until it is told
// the hazard changed, and ends when the hazard is 已销号 or 已撤销 and no 挂牌 is open.
import type { Client } from '@temporalio/client';
import { defineSignal } from '@temporalio/workflow';

/** The workflow type name, so that operations can start it without importing workflow code. */
export const HAZARD_WORKFLOW_TYPE = 'hazardWorkflow';

export function hazardWorkflowId(campaignId: string, hazardId: string): string {
  return `duban/${campaignId}/hazard/${hazardId}`;
}

export interface HazardChaseInput {
  campaignId: string;
  hazardId: string;
}

/**
 * Sent (with signalWithStart) after every committed change of the hazard or its 挂牌 — a transition, an approved 延期,
 * a new listing — so that the workflow recomputes its next notice. Carries nothing: the workflow re-reads the record.
 */
export const hazardChangedSignal = defineSignal<[]>('hazardChanged');

/** Tells (or first starts) a hazard's chase that its record changed; what operations and the chase starter both do. */
export async function signalHazardChase(client: Client, taskQueue: string, input: HazardChaseInput): Promise<void> {
  await client.workflow.signalWithStart(HAZARD_WORKFLOW_TYPE, {
    workflowId: hazardWorkflowId(input.campaignId, input.hazardId),
    taskQueue,
    args: [input],
    signal: hazardChangedSignal,
    signalArgs: [],
  });
}

/**
 * The campaign's starter of hazard chases (workflows/hazard-chase-starts.ts): starts the chase of every hazard recorded
 * without one (Hazard.chaseStartedAt null), in batches, so that an import of 20,000 rows returns once they are stored.
 */
export const HAZARD_CHASE_STARTS_WORKFLOW_TYPE = 'hazardChaseStartsWorkflow';

export function hazardChaseStartsWorkflowId(campaignId: string): string {
  return `duban/${campaignId}/hazard-chase-starts`;
}

export interface HazardChaseStartsInput {
  campaignId: string;
  /** Chases started by earlier runs (carried across continue-as-new). */
  started?: number;
}

/** Sent (with signalWithStart) once hazards were recorded: the starter looks for hazards without a chase again. */
export const hazardsRecordedSignal = defineSignal<[]>('hazardsRecorded');

/** Wakes (or starts) the campaign's chase starter. */
export async function signalHazardChaseStarts(client: Client, taskQueue: string, campaignId: string): Promise<void> {
  await client.workflow.signalWithStart(HAZARD_CHASE_STARTS_WORKFLOW_TYPE, {
    workflowId: hazardChaseStartsWorkflowId(campaignId),
    taskQueue,
    args: [{ campaignId } satisfies HazardChaseStartsInput],
    signal: hazardsRecordedSignal,
    signalArgs: [],
  });
}
