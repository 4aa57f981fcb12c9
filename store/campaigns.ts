// Campaigns, units and obligations in the database: written once at launch, read by activities and the CLI.
import { createHash } from 'node:crypto';
import type { WorkCalendar } from '../domain/calendar';
import type { CompiledCampaign } from '../domain/compile';
import type { SubmitTarget } from '../domain/definition';
import { DubanError } from '../domain/errors';
import type { NoticePolicy } from '../domain/policy';
import { campaignWorkflowId, obligationWorkflowId } from '../shared/contract';
import { appendAudit } from './audit';
import type { Db } from './db';

/** What workflows and notices need beyond the rows: fixed at launch. */
export interface CampaignSettings {
  timeZone: string;
  calendar: WorkCalendar;
  deliverables: Record<string, { name: string; submitTo: SubmitTarget[]; policy: NoticePolicy }>;
  /** Campaign time minus server time; non-zero only in a `duban simulate` rehearsal. */
  clockOffsetMs: number;
}

export function definitionHash(yamlText: string): string {
  return createHash('sha256').update(yamlText).digest('hex');
}

/** The campaign row, or a DubanError naming the campaign that was never launched. */
export async function requireCampaign(db: Db, campaignId: string) {
  const c = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!c) throw new DubanError('UNKNOWN_CAMPAIGN', `no campaign ${JSON.stringify(campaignId)} has been launched`);
  return c;
}

export function settingsOf(campaign: { settings: string }): CampaignSettings {
  return JSON.parse(campaign.settings) as CampaignSettings;
}

export async function loadSettings(db: Db, campaignId: string): Promise<CampaignSettings> {
  return settingsOf(await requireCampaign(db, campaignId));
}

/**
 * Record a campaign before its workflows start. Returns false (and writes nothing) when the campaign id
 * is already in the database.
 */
export async function storeCampaign(
  db: Db,
  args: { compiled: CompiledCampaign; yamlText: string; sourceFile: string; actor: string; clockOffsetMs: number },
): Promise<boolean> {
  const { compiled, yamlText, sourceFile, actor, clockOffsetMs } = args;
  const def = compiled.definition;
  if (await db.campaign.findUnique({ where: { id: def.id }, select: { id: true } })) return false;
  const settings: CampaignSettings = {
    timeZone: def.timeZone,
    calendar: compiled.calendar,
    deliverables: Object.fromEntries(def.deliverables.map((d) => [d.id, { name: d.name, submitTo: d.submitTo, policy: d.policy }])),
    clockOffsetMs,
  };
  try {
    await insertCampaign(db, def, compiled, settings, { yamlText, sourceFile, actor });
  } catch (err) {
    // a concurrent launch of the same campaign won the race
    if ((err as { code?: string }).code === 'P2002') return false;
    throw err;
  }
  return true;
}

async function insertCampaign(
  db: Db,
  def: CompiledCampaign['definition'],
  compiled: CompiledCampaign,
  settings: CampaignSettings,
  args: { yamlText: string; sourceFile: string; actor: string },
): Promise<void> {
  const { yamlText, sourceFile, actor } = args;
  const launchedAt = new Date(compiled.launchAt);
  const names = new Map(def.deliverables.map((d) => [d.id, d.name]));
  await db.$transaction(async (tx) => {
    await tx.campaign.create({
      data: {
        id: def.id,
        title: def.title,
        officeName: def.office.name,
        officeEmail: def.office.email,
        timeZone: def.timeZone,
        sourceFile,
        definitionYaml: yamlText,
        definitionHash: definitionHash(yamlText),
        launchedAt,
        launchedBy: actor,
        workflowId: campaignWorkflowId(def.id),
        settings: JSON.stringify(settings),
      },
    });
    await tx.unit.createMany({
      data: def.units.map((u) => ({
        campaignId: def.id,
        unitId: u.id,
        name: u.name,
        type: u.type,
        email: u.email,
        principalName: u.principal.name,
        principalEmail: u.principal.email,
        reportsTo: JSON.stringify(u.reportsTo),
      })),
    });
    await tx.obligation.createMany({
      data: compiled.obligations.map((o) => ({
        campaignId: def.id,
        unitId: o.unitId,
        deliverableId: o.deliverableId,
        deliverableName: names.get(o.deliverableId)!,
        stageId: o.stageId,
        originalDue: o.due,
        due: o.due,
        opensAt: new Date(o.opensAt),
        status: 'open',
        escalation: 'none',
        workflowId: obligationWorkflowId(def.id, o.unitId, o.deliverableId),
      })),
    });
    await appendAudit(tx, {
      eventKey: `${def.id}/launched`,
      campaignId: def.id,
      at: launchedAt,
      kind: 'campaign.launched',
      actor,
      summary: `launched ${def.title}: ${def.units.length} units, ${compiled.obligations.length} obligations`,
      detail: { sourceFile, definitionHash: definitionHash(yamlText), warnings: compiled.warnings },
    });
  });
}
