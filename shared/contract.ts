// Names shared by workflows, the worker, the CLI and the tests: updates, queries, search attributes, ids.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ObligationEvent, ObligationState } from '../domain/policy';

export const TASK_QUEUE = 'duban';

/** An operator's action on one obligation: submit, extend, waive, return. */
export interface ObligationAction {
  event: ObligationEvent;
  actor: string;
}

export const obligationActionUpdate = defineUpdate<ObligationState, [ObligationAction]>('obligationAction');
export const obligationStateQuery = defineQuery<ObligationState>('obligationState');

export const SEARCH_ATTRIBUTES = {
  campaign: defineSearchAttributeKey('DubanCampaign', SearchAttributeType.KEYWORD),
  unit: defineSearchAttributeKey('DubanUnit', SearchAttributeType.KEYWORD),
  deliverable: defineSearchAttributeKey('DubanDeliverable', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('DubanStage', SearchAttributeType.KEYWORD),
} as const;

export function campaignWorkflowId(campaignId: string): string {
  return `duban/${campaignId}`;
}

export function obligationWorkflowId(campaignId: string, unitId: string, deliverableId: string): string {
  return `duban/${campaignId}/${unitId}/${deliverableId}`;
}
