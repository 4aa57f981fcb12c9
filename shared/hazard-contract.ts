// What the hazard chase agrees on between operations (which record a hazard's changes in the database and tell its
// workflow), the workflow (workflows/hazard.ts) and the worker. The database is the hazard's record (隐患整改台账);
// the workflow chases it: it asks an activity for the hazard's next due notice, sleeps until then or until it is told
// the hazard changed, and ends when the hazard is 已销号 or 已撤销 and no 挂牌 is open.
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
