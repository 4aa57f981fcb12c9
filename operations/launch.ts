// `duban launch`: record the campaign, then start its campaign workflow. Launching twice starts nothing new.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { compileCampaign, nothingToChase } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { formatInstant } from '../domain/zoned-time';
import { SEARCH_ATTRIBUTES, campaignWorkflowId } from '../shared/contract';
import { definitionHash, storeCampaign } from '../store/campaigns';
import type { Db } from '../store/db';
import { campaignWorkflow } from '../workflows/campaign';
import { readDefinitionFile } from './definition-file';

export interface LaunchResult {
  campaignId: string;
  /** launched: new; resumed: recorded earlier but its workflow had not started; already-launched: nothing done */
  outcome: 'launched' | 'resumed' | 'already-launched';
  message: string;
  obligations: number;
  warnings: string[];
  workflowId: string;
}

export interface LaunchDeps {
  client: Client;
  db: Db;
  taskQueue: string;
  searchAttributes: boolean;
}

export interface LaunchArgs {
  file: string;
  actor: string;
  /** Campaign time of the launch; now by default. */
  launchAt?: number;
  clockOffsetMs?: number;
  /** Record a campaign even though every deadline and escalation step lies before the launch. */
  allowPast?: boolean;
}

export const LAUNCH_BATCH_SIZE = 200;

export async function launchCampaign(deps: LaunchDeps, args: LaunchArgs): Promise<LaunchResult> {
  const { def, yamlText } = readDefinitionFile(args.file);
  const compiled = compileCampaign(def, args.launchAt ?? Date.now());
  const workflowId = campaignWorkflowId(def.id);
  const base = { campaignId: def.id, obligations: compiled.obligations.length, warnings: compiled.warnings, workflowId };

  // Decided by the database, not by asking Temporal: the campaign workflow finishes once it has started
  // the obligations, and Temporal forgets closed workflows after its retention period.
  const existing = await deps.db.campaign.findUnique({ where: { id: def.id } });
  if (existing?.workflowStartedAt) {
    const differs = existing.definitionHash !== definitionHash(yamlText) ? ' (the file has changed since; the launched definition stays in force)' : '';
    return {
      ...base,
      obligations: await deps.db.obligation.count({ where: { campaignId: def.id } }),
      outcome: 'already-launched',
      message: `campaign ${def.id} was already launched at ${formatInstant(existing.launchedAt.getTime(), existing.timeZone)} by ${existing.launchedBy}; nothing new was started${differs}`,
    };
  }
  if (!existing && !args.allowPast) {
    const refusal = nothingToChase(compiled);
    if (refusal) throw new DubanError('NOTHING_TO_CHASE', refusal);
  }
  const stored =
    !existing &&
    (await storeCampaign(deps.db, { compiled, yamlText, sourceFile: args.file, actor: args.actor, clockOffsetMs: args.clockOffsetMs ?? 0 }));
  try {
    await deps.client.workflow.start(campaignWorkflow, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ campaignId: def.id, batchSize: LAUNCH_BATCH_SIZE, parallelism: 2 }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: deps.searchAttributes ? [{ key: SEARCH_ATTRIBUTES.campaign, value: def.id }] : undefined,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await deps.db.campaign.update({ where: { id: def.id }, data: { workflowStartedAt: new Date() } });
  return stored
    ? { ...base, outcome: 'launched', message: `launched ${def.id}: ${compiled.obligations.length} obligations for ${def.units.length} units` }
    : { ...base, outcome: 'resumed', message: `campaign ${def.id} was recorded earlier but not started; started it now` };
}
