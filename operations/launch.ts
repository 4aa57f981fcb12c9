// `duban launch`: record the campaign, then start its campaign workflow. Launching twice starts nothing new.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { compileCampaign, nothingToChase } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { localDateTime } from '../domain/standing';
import { formatInstant } from '../domain/zoned-time';
import { type CampaignProgress, SEARCH_ATTRIBUTES, campaignProgressQuery, campaignWorkflowId } from '../shared/contract';
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
  /** The definition file; or, uploaded through the console, its text and the name it came with. */
  file: string;
  definition?: { yamlText: string };
  actor: string;
  /** Campaign time of the launch; now by default. */
  launchAt?: number;
  clockOffsetMs?: number;
  /** Record a campaign even though every deadline and escalation step lies before the launch. */
  allowPast?: boolean;
}

export const LAUNCH_BATCH_SIZE = 200;

export async function launchCampaign(deps: LaunchDeps, args: LaunchArgs): Promise<LaunchResult> {
  const { def, yamlText } = args.definition
    ? { def: parseCampaignDefinition(args.definition.yamlText, args.file), yamlText: args.definition.yamlText }
    : readDefinitionFile(args.file);
  const compiled = compileCampaign(def, args.launchAt ?? Date.now());
  const workflowId = campaignWorkflowId(def.id);
  const base = { campaignId: def.id, obligations: compiled.obligations.length, warnings: compiled.warnings, workflowId };

  // Decided by the database, not by asking Temporal: the campaign workflow finishes once it has started
  // the obligations, and Temporal forgets closed workflows after its retention period.
  const existing = await deps.db.campaign.findUnique({ where: { id: def.id } });
  if (existing?.workflowStartedAt) {
    const differs = existing.definitionHash !== definitionHash(yamlText) ? '（文件在启动后已修改；仍以启动时的定义为准）' : '';
    return {
      ...base,
      obligations: await deps.db.obligation.count({ where: { campaignId: def.id } }),
      outcome: 'already-launched',
      message: `专项行动 ${def.id} 已于 ${localDateTime(formatInstant(existing.launchedAt.getTime(), existing.timeZone))} 由 ${existing.launchedBy} 启动，本次未启动任何新内容${differs}`,
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
    ? { ...base, outcome: 'launched', message: `已启动专项行动 ${def.id}：${def.units.length} 个单位，共 ${compiled.obligations.length} 项报送任务` }
    : { ...base, outcome: 'resumed', message: `专项行动 ${def.id} 此前已登记但未启动，现已启动` };
}

export interface CampaignStarts extends CampaignProgress {
  /** Its workflow has ended: every open obligation's workflow has been started. */
  done: boolean;
}

/**
 * Waits until the campaign's workflow has started every obligation due so far (and the lead departments' lists):
 * until it has ended, or sleeps until the next obligation's start. For rehearsals and benchmarks; a client that
 * waits here does not let a time-skipping server skip time.
 */
export async function campaignStartsSettled(client: Client, workflowId: string, pollMs = 25): Promise<CampaignStarts> {
  const handle = client.workflow.getHandle(workflowId);
  for (;;) {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') {
      const result = (await handle.result()) as { started: number };
      return { done: true, started: result.started };
    }
    if (status.name !== 'RUNNING') throw new Error(`the campaign's workflow ${workflowId} ended ${status.name}`);
    // a campaign launched before its workflow answered this query finishes without sleeping: its result counts
    const progress = await handle.query(campaignProgressQuery).catch(() => undefined);
    if (progress?.waitingUntil !== undefined) return { done: false, ...progress };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
