// Campaigns, units and obligations in the database: written once at launch, read by activities and clients.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CampaignClock } from '../domain/clock';
import type { CompiledCampaign } from '../domain/compile';
import { CHANNEL_KINDS, type ChannelKind, type Webhook } from '../domain/channels';
import { type CampaignDefinition, type Principal, type SubmitTarget, principalsOf } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { DEFAULT_HAZARD_POLICY, type HazardPolicy } from '../domain/hazard-policy';
import { obligationStartBy } from '../domain/obligation-start';
import { ESCALATION_LADDER, type NoticePolicy, SIGN_OFF_STEPS, type ScheduleContext } from '../domain/policy';
import { civilDateOf } from '../domain/zoned-time';
import { campaignWorkflowId, obligationWorkflowId } from '../shared/contract';
import type { Campaign, Unit } from '../generated/prisma/client';
import { appendAudit } from './audit';
import type { Db } from './db';
import { readRecord } from './records';

const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const policySchema = z.object({
  sendAt: z.string().regex(/^\d{2}:\d{2}$/),
  remindBefore: z.array(z.number().int().min(0)),
  escalate: z.object(Object.fromEntries(ESCALATION_LADDER.map((s) => [s, z.number().int().min(1).nullable()])) as Record<
    (typeof ESCALATION_LADDER)[number],
    z.ZodNullable<z.ZodNumber>
  >),
  returnWindowDays: z.number().int().min(0),
  /** Recorded since sign-off (issue 8); a campaign stored before it has none and needs no 签发. */
  signOff: z.array(z.enum(['circulate', 'interview'])).optional(),
}) satisfies z.ZodType<NoticePolicy>;

const step = z.enum(ESCALATION_LADDER as unknown as ['urge', 'notice', 'circulate', 'interview']);

/** The 公文 parts of the campaign's letters, resolved at launch (the year of the 发文字号, who signs). */
const lettersSchema = z.object({
  /** 发文字号 `<prefix>〔<year>〕<N>号`, numbers from `from` on; absent: no number is printed. */
  documents: z.object({ prefix: z.string().min(1), year: z.number().int(), from: z.number().int().min(1) }).optional(),
  basis: z.array(z.object({ title: z.string().min(1), number: z.string().optional() })),
  contact: z.object({ name: z.string(), phone: z.string() }).optional(),
  cc: z.array(z.object({ name: z.string(), email: z.string() })),
  issuer: z.object({ office: z.string().min(1), committee: z.string().optional(), committeeSigns: z.array(step) }),
});

export type CampaignLetters = z.infer<typeof lettersSchema>;

const settingsSchema = z.object({
  timeZone: z.string(),
  calendar: z.object({ holidays: z.array(civilDate), workdays: z.array(civilDate), knownYears: z.array(z.number().int()) }),
  deliverables: z.record(
    z.string(),
    z.object({ name: z.string(), submitTo: z.array(z.enum(['office', 'lead_departments'] satisfies SubmitTarget[])), policy: policySchema }),
  ),
  /** The campaign clock's offset; non-zero only in a `duban simulate` rehearsal. */
  clockOffsetMs: z.number().int(),
  /** Stage names by id (recorded since the console; older campaigns show ids). */
  stages: z.record(z.string(), z.string()).optional(),
  /** The 公文 parts (recorded since issue 8; older campaigns print none of them). */
  letters: lettersSchema.optional(),
  /** How its hazards are chased, per level, as launched (recorded since issue 9; older campaigns chase by the defaults). */
  hazards: z
    .object({
      general: policySchema,
      major: policySchema,
      acceptanceWorkingDays: z.number().int().min(1),
      /** Recorded since the hazards' 签发: which hazard letters wait for a leader. */
      signOff: z.array(z.enum(['circulate', 'interview'])).optional(),
    })
    .optional(),
});

/** The letters' settings as recorded at launch: the 发文字号 year defaults to the launch year, the office signs unless told. */
export function campaignLetters(def: CampaignDefinition, launchAt: number): CampaignLetters {
  const l = def.letters;
  const documents = l?.documents && { prefix: l.documents.prefix, year: l.documents.year ?? Number(civilDateOf(launchAt, def.timeZone).slice(0, 4)), from: l.documents.from };
  const issuer = l?.issuer;
  return {
    ...(documents ? { documents } : {}),
    basis: l?.basis ?? [],
    ...(l?.contact ? { contact: l.contact } : {}),
    cc: l?.cc ?? [],
    issuer: { office: issuer?.office ?? def.office.name, ...(issuer?.committee ? { committee: issuer.committee } : {}), committeeSigns: issuer?.committeeSigns ?? [] },
  };
}

/** Settings of a campaign recorded before the letters' settings existed: no number, no basis, the office signs. */
export function lettersOf(settings: CampaignSettings, officeName: string): CampaignLetters {
  return settings.letters ?? { basis: [], cc: [], issuer: { office: officeName, committeeSigns: [] } };
}

const webhookSchema = z.array(z.object({ kind: z.enum(CHANNEL_KINDS as [ChannelKind, ...ChannelKind[]]), url: z.string(), secret: z.string().optional() }));

/** A unit's group robots as launched (none in rows written before them). */
export function unitWebhooks(unit: Pick<Unit, 'campaignId' | 'unitId' | 'webhooks'>): Webhook[] {
  return readRecord(webhookSchema, unit.webhooks, `webhooks of unit ${unit.campaignId}/${unit.unitId}`);
}

const principalSchema = z.array(z.object({ name: z.string(), title: z.string().optional(), email: z.string() }));

/** Every principal of a unit's row: its `principals` column, or (rows written before it) the one principal. */
export function unitPrincipals(unit: Pick<Unit, 'campaignId' | 'unitId' | 'principals' | 'principalName' | 'principalEmail'>): Principal[] {
  const list = readRecord(principalSchema, unit.principals, `principals of unit ${unit.campaignId}/${unit.unitId}`);
  return list.length > 0 ? list : [{ name: unit.principalName, email: unit.principalEmail }];
}

/** What workflows and notices need beyond the rows: fixed at launch. */
export type CampaignSettings = z.infer<typeof settingsSchema>;

export function definitionHash(yamlText: string): string {
  return createHash('sha256').update(yamlText).digest('hex');
}

/** The campaign row, or a DubanError naming the campaign that was never launched. */
export async function requireCampaign(db: Db, campaignId: string): Promise<Campaign> {
  const c = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!c) throw new DubanError('UNKNOWN_CAMPAIGN', `找不到专项行动“${campaignId}”：它从未启动过`);
  return c;
}

/** A campaign's settings, checked against their recorded shape. */
export function settingsOf(campaign: Pick<Campaign, 'id' | 'settings'>): CampaignSettings {
  return readRecord(settingsSchema, campaign.settings, `the settings recorded for campaign ${campaign.id}`);
}

export interface LoadedCampaign {
  campaign: Campaign;
  settings: CampaignSettings;
  clock: CampaignClock;
}

export async function loadCampaign(db: Db, campaignId: string): Promise<LoadedCampaign> {
  const campaign = await requireCampaign(db, campaignId);
  const settings = settingsOf(campaign);
  return { campaign, settings, clock: new CampaignClock(settings.clockOffsetMs) };
}

export interface CachedCampaign extends LoadedCampaign {
  units: Map<string, Unit>;
  /** Each unit's lead departments (reportsTo), parsed. */
  reportsTo: Map<string, string[]>;
  /** The latest deadline of any obligation when the campaign was loaded (units' links expire after it). */
  lastDue: string;
}

/**
 * A worker reads the same campaigns for every notice; what it needs of them (settings, office, title, the
 * units and their addresses) is fixed at launch, so each is read and checked once per process. A campaign
 * not found is not remembered. (Should units ever be edited after launch, this must learn of it.)
 */
export function campaignCache(db: Db, max = 50): (campaignId: string) => Promise<CachedCampaign> {
  const cache = new Map<string, Promise<CachedCampaign>>();
  const load = async (campaignId: string): Promise<CachedCampaign> => {
    const loaded = await loadCampaign(db, campaignId);
    const units = await db.unit.findMany({ where: { campaignId }, orderBy: { unitId: 'asc' } });
    const { _max } = await db.obligation.aggregate({ where: { campaignId }, _max: { due: true } });
    return {
      ...loaded,
      units: new Map(units.map((u) => [u.unitId, u])),
      reportsTo: new Map(units.map((u) => [u.unitId, reportsToOf(u)])),
      lastDue: _max.due ?? '0000-01-01',
    };
  };
  return (campaignId) => {
    let loaded = cache.get(campaignId);
    if (loaded) {
      cache.delete(campaignId); // most recently used last: the oldest goes first when the cache is full
    } else {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      const loading = load(campaignId);
      loading.catch(() => {
        if (cache.get(campaignId) === loading) cache.delete(campaignId);
      });
      loaded = loading;
    }
    cache.set(campaignId, loaded);
    return loaded;
  };
}

/** How the campaign's hazards are chased: its `hazards:` as launched, or (campaigns launched before it) the defaults. */
export function hazardPolicyOf(settings: Pick<CampaignSettings, 'hazards'> & Partial<Pick<CampaignSettings, 'deliverables'>>): HazardPolicy {
  const policy = settings.hazards ?? DEFAULT_HAZARD_POLICY;
  if (policy.signOff || !settings.deliverables) return policy;
  // launched before the hazards' 签发 was recorded: the steps the campaign's own deliverables have signed off
  const steps = new Set(Object.values(settings.deliverables).flatMap((d) => d.policy.signOff ?? []));
  return steps.size ? { ...policy, signOff: SIGN_OFF_STEPS.filter((s) => steps.has(s)) } : policy;
}

/** The policy, calendar and zone that decide a deliverable's notices. */
export function scheduleContext(settings: CampaignSettings, campaignId: string, deliverableId: string): ScheduleContext {
  const deliverable = settings.deliverables[deliverableId];
  if (!deliverable) throw new DubanError('UNKNOWN_DELIVERABLE', `专项行动 ${campaignId} 中没有报送事项“${deliverableId}”`);
  return { policy: deliverable.policy, calendar: settings.calendar, timeZone: settings.timeZone };
}

export const obligationKey = (campaignId: string, unitId: string, deliverableId: string) => ({
  campaignId_unitId_deliverableId: { campaignId, unitId, deliverableId },
});

export async function requireUnit(db: Pick<Db, 'unit'>, campaignId: string, unitId: string) {
  const unit = await db.unit.findUnique({ where: { campaignId_unitId: { campaignId, unitId } } });
  if (!unit) throw new DubanError('UNKNOWN_UNIT', `专项行动 ${campaignId} 中没有单位“${unitId}”`);
  return unit;
}

/** One obligation, or a DubanError naming what is unknown: the campaign, the unit, or the deliverable it owes. */
export async function requireObligation(db: Db, campaignId: string, unitId: string, deliverableId: string) {
  await requireCampaign(db, campaignId);
  await requireUnit(db, campaignId, unitId);
  const obligation = await db.obligation.findUnique({ where: obligationKey(campaignId, unitId, deliverableId) });
  if (!obligation) {
    const owed = await db.obligation.findMany({ where: { campaignId, unitId }, select: { deliverableId: true } });
    throw new DubanError(
      'UNKNOWN_DELIVERABLE',
      `单位 ${unitId} 在 ${campaignId} 中无需报送“${deliverableId}”（它需报送：${owed.map((o) => o.deliverableId).join('、') || '无'}）`,
    );
  }
  return obligation;
}

/** The lead departments (牵头部门) a unit reports to, as recorded at launch. */
export function reportsToOf(unit: { campaignId: string; unitId: string; reportsTo: string }): string[] {
  return readRecord(z.array(z.string()), unit.reportsTo, `reportsTo of unit ${unit.campaignId}/${unit.unitId}`);
}

/**
 * Record a campaign before its workflows start. Returns false (and writes nothing) when the campaign id
 * is already in the database.
 */
export async function storeCampaign(
  db: Db,
  args: { compiled: CompiledCampaign; yamlText: string; sourceFile: string; actor: string; clockOffsetMs: number },
): Promise<boolean> {
  const { compiled, clockOffsetMs } = args;
  const def = compiled.definition;
  if (await db.campaign.findUnique({ where: { id: def.id }, select: { id: true } })) return false;
  const settings: CampaignSettings = {
    timeZone: def.timeZone,
    calendar: compiled.calendar,
    deliverables: Object.fromEntries(def.deliverables.map((d) => [d.id, { name: d.name, submitTo: d.submitTo, policy: d.policy }])),
    clockOffsetMs,
    stages: Object.fromEntries(def.stages.map((s) => [s.id, s.name])),
    letters: campaignLetters(def, compiled.launchAt),
    hazards: def.hazards ?? { ...DEFAULT_HAZARD_POLICY, signOff: [...(def.policy.signOff ?? [])] },
  };
  try {
    await insertCampaign(db, compiled, settingsSchema.parse(settings), args);
  } catch (err) {
    // a concurrent launch of the same campaign won the race
    if ((err as { code?: string }).code === 'P2002') return false;
    throw err;
  }
  return true;
}

function startByOf(ctx: ScheduleContext, due: string, opensAt: number): Date | null {
  const at = obligationStartBy(ctx, due, opensAt);
  return at === undefined ? null : new Date(at);
}

async function insertCampaign(
  db: Db,
  compiled: CompiledCampaign,
  settings: CampaignSettings,
  args: { yamlText: string; sourceFile: string; actor: string },
): Promise<void> {
  const { yamlText, sourceFile, actor } = args;
  const def = compiled.definition;
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
        principals: JSON.stringify(principalsOf(u)),
        webhooks: JSON.stringify(u.webhooks ?? []),
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
        workflowStartBy: startByOf(scheduleContext(settings, def.id, o.deliverableId), o.due, o.opensAt),
      })),
    });
    await appendAudit(tx, {
      eventKey: `${def.id}/launched`,
      campaignId: def.id,
      at: launchedAt,
      kind: 'campaign.launched',
      actor,
      summary: `启动专项行动“${def.title}”：${def.units.length} 个单位，${compiled.obligations.length} 项报送任务`,
      detail: { sourceFile, definitionHash: definitionHash(yamlText), warnings: compiled.warnings },
    });
  });
}
