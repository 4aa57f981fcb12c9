// The 隐患整改台账 over HTTP (docs/api.md): the console's list, detail, changes with their evidence files, 挂牌督办,
// statistics and import/export — behind the operator's session and CSRF token like every /api route, with 延期,
// 延期申请 decisions, 摘牌 and closing a period for leaders and admins; and the portal's, where a unit's signed link
// shows the hazards it answers for (as 属地 or as 行业主管部门) and nothing else.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type UnitLink, linkStillOpen, unitLinkKey, verifyUnitLink } from '../access/unit-links';
import { DubanError } from '../domain/errors';
import { HAZARD_SOURCES, type HazardEvent, type ListingEvent } from '../domain/hazards';
import { civilDateOf } from '../domain/zoned-time';
import {
  type HazardDeps,
  type HazardFilters,
  actOnHazard,
  actOnHazardListing,
  closeHazardPeriod,
  closedHazardPeriods,
  exportHazards,
  hazardDetail,
  hazardList,
  hazardStatistics,
  hazardStatisticsWorkbook,
  importHazards,
  keepEvidence,
  listHazardForSupervision,
  reportHazard,
} from '../operations/hazards';
import type { HazardUnitChoices, PortalHazards } from '../shared/hazard-api';
import { loadCampaign } from '../store/campaigns';
import { openStoredFile } from '../store/files';
import { loadHazard } from '../store/hazards';
import { actorOf, requireRole } from './auth';
import type { ConsoleDeps } from './deps';
import { type Form, readForm, requiredFile } from './uploads';

const FIELD_WORDS: Record<string, string> = {
  to: '日期',
  reason: '理由',
  by: '姓名',
  on: '日期',
  level: '级别',
  documentNumber: '文号',
  listedOn: '挂牌日期',
  unitId: '单位',
  approved: '是否批准',
  changes: '修改内容',
  period: '统计期间',
  version: '版本号',
  site: '企业或场所',
  townId: '属地',
  departmentId: '行业主管部门',
  description: '隐患描述',
  basis: '判定依据',
  foundOn: '发现日期',
  source: '来源',
  measures: '整改措施',
  responsible: '责任人',
  fundsWan: '整改资金',
  deadline: '整改时限',
};

const TYPE_WORDS: Record<string, string> = { string: '文字', number: '数', boolean: 'true 或 false', object: '对象', array: '列表' };

/** A zod issue in words. */
function whyWrong(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '必填' : `应为${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `应为 ${issue.values.map(String).join('、')} 之一`;
    case 'too_big':
      return `太长或太大（上限 ${String(issue.maximum)}）`;
    case 'too_small':
      return `太小（下限 ${String(issue.minimum)}）`;
    case 'unrecognized_keys':
      return `中有不认识的项：${issue.keys.join('、')}`;
    default:
      return `不正确（${issue.message}）`;
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  // reportInput: to tell a missing field from one of the wrong type
  const parsed = schema.safeParse(value ?? {}, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map((p) => FIELD_WORDS[String(p)] ?? String(p)).join('.');
    throw new DubanError('INVALID_ARGUMENT', `请求内容有误：${field || '（整体）'}${whyWrong(issue)}`);
  }
  return parsed.data;
}

const text = z.string().max(2000);
const short = z.string().max(200);
const date = z.string().max(10);
const version = z.number().int().positive().optional();
const level = z.enum(['general', 'major']);

const schemas = {
  newHazard: z.object({
    site: short,
    townId: short,
    departmentId: short,
    description: text,
    level,
    basis: text.optional(),
    foundOn: date,
    source: z.enum(HAZARD_SOURCES as unknown as ['self_check']),
    measures: text,
    responsible: short,
    fundsWan: z.number().min(0).optional(),
    deadline: date,
  }),
  extend: z.object({ to: date, reason: text, version }),
  cancel: z.object({ reason: text, version }),
  start: z.object({ version }),
  edit: z.object({
    changes: z.object({ description: text.optional(), measures: text.optional(), site: short.optional(), responsible: short.optional(), fundsWan: z.number().min(0).optional() }).strict(),
    version,
  }),
  list: z.object({ level: z.enum(['county', 'city', 'province']), documentNumber: short, listedOn: date.optional(), version }),
  sign: z.object({ unitId: short.optional(), by: short, version }),
  announce: z.object({ on: date, version }),
  requestExtension: z.object({ to: date, reason: text, by: short, version }),
  decideExtension: z.object({ approved: z.boolean(), reason: text, version }),
  delist: z.object({ documentNumber: short.optional(), opinion: text.optional(), version }),
  revoke: z.object({ reason: text, version }),
  close: z.object({ period: z.string().max(10) }),
};

type Query = Record<string, string | undefined>;

/** The query's filters; operations check them (checkFilters), naming a wrong level, status or unit in Chinese. */
function filtersOf(q: Query): HazardFilters {
  return {
    townId: q.town || undefined,
    departmentId: q.department || undefined,
    level: (q.level || undefined) as HazardFilters['level'],
    status: q.status?.split(',').filter(Boolean) as HazardFilters['status'],
    overdue: q.overdue === 'true' || q.overdue === '1' || undefined,
    listed: q.listed === 'true' || q.listed === '1' || undefined,
    text: q.text || undefined,
    awaitingSignOff: q.awaitingSignOff === 'true' || q.awaitingSignOff === '1' || undefined,
  };
}

const pageOf = (q: Query) => ({ page: q.page ? Number(q.page) || 1 : 1, pageSize: q.pageSize ? Number(q.pageSize) || 50 : 50 });

function xlsx(reply: FastifyReply, fileName: string, bytes: Buffer) {
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="hazards.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .send(bytes);
}

/** A multipart form's text field; `what` names it in the refusal. */
function field(form: Form, name: string): string | undefined {
  const v = form.fields.get(name);
  return v === undefined ? undefined : v;
}

function formVersion(form: Form): number | undefined {
  const v = field(form, 'version');
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new DubanError('INVALID_ARGUMENT', `版本号“${v}”不正确：应为正整数`);
  return n;
}

function formNumber(form: Form, name: string, what: string): number {
  const v = field(form, name);
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isFinite(n)) throw new DubanError('PLAN_INCOMPLETE', `${what}应为数（万元），实际为“${v ?? ''}”`);
  return n;
}

const uploadsOf = (form: Form) => [...form.files.values()].filter((f) => f.bytes.length > 0);

type HazardParams = { id: string; hazard: string };

export function registerHazardRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { db } = deps;
  const hazardDeps: HazardDeps = { db, client: deps.client, taskQueue: deps.taskQueue, dataDir: deps.dataDir, now: deps.now };
  const now = () => deps.now?.() ?? Date.now();

  /** The campaign's towns and (lead) departments, in the order of the campaign file's ids. */
  async function unitChoices(campaignId: string): Promise<HazardUnitChoices> {
    const units = await db.unit.findMany({ where: { campaignId }, select: { unitId: true, name: true, type: true }, orderBy: { unitId: 'asc' } });
    const option = (u: { unitId: string; name: string }) => ({ id: u.unitId, name: u.name });
    return { towns: units.filter((u) => u.type === 'town').map(option), departments: units.filter((u) => u.type !== 'town').map(option) };
  }

  // ───────────── console ─────────────

  const who = (request: FastifyRequest) => ({ actor: actorOf(request), role: request.operator!.role, name: request.operator!.displayName || request.operator!.name });
  const base = (request: FastifyRequest<{ Params: HazardParams }>) => ({ campaignId: request.params.id, hazardId: request.params.hazard, ...who(request) });

  app.get<{ Params: { id: string }; Querystring: Query }>('/api/campaigns/:id/hazards', async (request) =>
    hazardList(hazardDeps, { campaignId: request.params.id, filters: filtersOf(request.query), ...pageOf(request.query) }),
  );
  app.get<{ Params: { id: string } }>('/api/campaigns/:id/hazard-units', async (request): Promise<HazardUnitChoices> => {
    await loadCampaign(db, request.params.id); // an unknown campaign answers as the other routes do
    return unitChoices(request.params.id);
  });
  app.get<{ Params: { id: string }; Querystring: Query }>('/api/campaigns/:id/hazards.xlsx', async (request, reply) => {
    const out = await exportHazards(hazardDeps, { campaignId: request.params.id, filters: filtersOf(request.query) });
    return xlsx(reply, out.fileName, out.bytes);
  });
  app.post<{ Params: { id: string } }>('/api/campaigns/:id/hazards/import', async (request) => {
    const form = await readForm(request, deps.maxUploadBytes);
    const file = requiredFile(form, 'file', '要导入的隐患整改台账（.xlsx）');
    return importHazards(hazardDeps, { campaignId: request.params.id, bytes: file.bytes, fileName: file.name, actor: actorOf(request) });
  });
  app.post<{ Params: { id: string } }>('/api/campaigns/:id/hazards', async (request) => {
    const facts = parse(schemas.newHazard, request.body);
    const record = await reportHazard(hazardDeps, { campaignId: request.params.id, facts: { ...facts, basis: facts.basis ?? '', fundsWan: facts.fundsWan ?? 0 }, origin: 'console', actor: actorOf(request) });
    return hazardDetail(hazardDeps, { campaignId: request.params.id, hazardId: record.row.id });
  });
  app.get<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard', async (request) =>
    hazardDetail(hazardDeps, { campaignId: request.params.id, hazardId: request.params.hazard }),
  );

  const change = (request: FastifyRequest<{ Params: HazardParams }>, event: HazardEvent, expectedVersion?: number) => {
    const b = base(request);
    return actOnHazard(hazardDeps, { campaignId: b.campaignId, hazardId: b.hazardId, actor: b.actor, role: b.role, expectedVersion, event });
  };
  const listingChange = (request: FastifyRequest<{ Params: HazardParams }>, event: ListingEvent, expectedVersion?: number) => {
    const b = base(request);
    return actOnHazardListing(hazardDeps, { campaignId: b.campaignId, hazardId: b.hazardId, actor: b.actor, role: b.role, expectedVersion, event });
  };

  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/plan', async (request) => {
    const form = await readForm(request, deps.maxUploadBytes);
    const files = await keepEvidence(hazardDeps, uploadsOf(form), deps.maxUploadBytes);
    const plan = {
      measures: field(form, 'measures') ?? '',
      responsibility: field(form, 'responsibility') ?? '',
      fundsWan: formNumber(form, 'fundsWan', '治理方案的资金（资金到位）'),
      deadline: field(form, 'deadline') ?? '',
      contingency: field(form, 'contingency') ?? '',
      ...(files.length ? { files } : {}),
    };
    return change(request, { kind: 'plan', plan, by: who(request).name }, formVersion(form));
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/start', async (request) =>
    change(request, { kind: 'start', by: who(request).name }, parse(schemas.start, request.body).version),
  );
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/done', async (request) => {
    const form = await readForm(request, deps.maxUploadBytes);
    const files = await keepEvidence(hazardDeps, uploadsOf(form), deps.maxUploadBytes);
    return change(request, { kind: 'report_done', done: field(form, 'done') ?? '', files, by: who(request).name }, formVersion(form));
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/accept', async (request) => {
    const form = await readForm(request, deps.maxUploadBytes);
    const result = field(form, 'result');
    if (result !== 'pass' && result !== 'fail') throw new DubanError('INVALID_ARGUMENT', `验收结果应为 pass（合格）或 fail（不合格），实际为“${result ?? ''}”`);
    const files = await keepEvidence(hazardDeps, uploadsOf(form), deps.maxUploadBytes);
    const event: HazardEvent = {
      kind: 'accept',
      by: field(form, 'by') ?? '',
      on: field(form, 'on') ?? '',
      result,
      files,
      ...(field(form, 'opinion') ? { opinion: field(form, 'opinion') } : {}),
      ...(field(form, 'newDeadline') ? { newDeadline: field(form, 'newDeadline') } : {}),
    };
    return change(request, event, formVersion(form));
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/extend', async (request) => {
    const body = parse(schemas.extend, request.body);
    return change(request, { kind: 'extend', to: body.to, reason: body.reason, approvedBy: who(request).name }, body.version);
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/cancel', async (request) => {
    const body = parse(schemas.cancel, request.body);
    return change(request, { kind: 'cancel', reason: body.reason, by: who(request).name }, body.version);
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/edit', async (request) => {
    const body = parse(schemas.edit, request.body);
    return change(request, { kind: 'edit', changes: body.changes, by: who(request).name }, body.version);
  });

  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/list', async (request) => {
    const body = parse(schemas.list, request.body);
    const b = base(request);
    return listHazardForSupervision(hazardDeps, {
      campaignId: b.campaignId,
      hazardId: b.hazardId,
      actor: b.actor,
      role: b.role,
      expectedVersion: body.version,
      level: body.level,
      documentNumber: body.documentNumber,
      ...(body.listedOn ? { listedOn: body.listedOn } : {}),
    });
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/listing/sign', async (request) => {
    const body = parse(schemas.sign, request.body);
    if (!body.unitId) throw new DubanError('INVALID_ARGUMENT', '请求内容有误：单位必填（签收的是属地还是行业主管部门）');
    return listingChange(request, { kind: 'sign', unitId: body.unitId, by: body.by }, body.version);
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/listing/announce', async (request) => {
    const body = parse(schemas.announce, request.body);
    return listingChange(request, { kind: 'announce', on: body.on }, body.version);
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/listing/request-extension', async (request) => {
    const body = parse(schemas.requestExtension, request.body);
    return listingChange(request, { kind: 'request_extension', to: body.to, reason: body.reason, by: body.by }, body.version);
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/listing/decide-extension', async (request) => {
    const body = parse(schemas.decideExtension, request.body);
    return listingChange(request, { kind: 'decide_extension', approved: body.approved, reason: body.reason, by: who(request).name }, body.version);
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/listing/delist', async (request) => {
    const body = parse(schemas.delist, request.body);
    return listingChange(
      request,
      { kind: 'delist', approvedBy: who(request).name, ...(body.documentNumber ? { documentNumber: body.documentNumber } : {}), ...(body.opinion ? { opinion: body.opinion } : {}) },
      body.version,
    );
  });
  app.post<{ Params: HazardParams }>('/api/campaigns/:id/hazards/:hazard/listing/revoke', async (request) => {
    const body = parse(schemas.revoke, request.body);
    return listingChange(request, { kind: 'revoke', reason: body.reason, by: who(request).name }, body.version);
  });

  app.get<{ Params: { id: string }; Querystring: Query }>('/api/campaigns/:id/hazard-statistics', async (request) =>
    hazardStatistics(hazardDeps, { campaignId: request.params.id, period: request.query.period || undefined }),
  );
  app.get<{ Params: { id: string }; Querystring: Query }>('/api/campaigns/:id/hazard-statistics.xlsx', async (request, reply) => {
    const out = await hazardStatisticsWorkbook(hazardDeps, { campaignId: request.params.id, period: request.query.period || undefined });
    return xlsx(reply, out.fileName, out.bytes);
  });
  app.get<{ Params: { id: string } }>('/api/campaigns/:id/hazard-statistics/periods', async (request) => ({
    periods: await closedHazardPeriods(hazardDeps, request.params.id),
  }));
  app.post<{ Params: { id: string } }>('/api/campaigns/:id/hazard-statistics/close', { preHandler: requireRole('leader', 'admin') }, async (request) => {
    const body = parse(schemas.close, request.body);
    return closeHazardPeriod(hazardDeps, { campaignId: request.params.id, period: body.period, actor: actorOf(request) });
  });

  // ───────────── portal: a unit's own hazards ─────────────

  type PortalParams = { token: string; hazard: string };

  async function linkOf(token: string): Promise<{ link: UnitLink; unit: { unitId: string; name: string; type: string } }> {
    const link = verifyUnitLink(await unitLinkKey(db), token);
    const unit = await db.unit.findUnique({ where: { campaignId_unitId: { campaignId: link.campaignId, unitId: link.unitId } } });
    if (!unit) throw new DubanError('LINK_INVALID', '链接无效：所指的单位不存在。请联系发文单位。');
    const { campaign, clock } = await loadCampaign(db, link.campaignId);
    linkStillOpen(link, civilDateOf(clock.at(now()), campaign.timeZone));
    return { link, unit };
  }

  /** The hazard, if this unit answers for it; another unit's is as unknown as one that does not exist. */
  async function ownHazard(link: UnitLink, hazardId: string) {
    const record = await db.hazard.findUnique({ where: { campaignId_id: { campaignId: link.campaignId, id: hazardId } }, select: { townId: true, departmentId: true } });
    if (!record || (record.townId !== link.unitId && record.departmentId !== link.unitId))
      throw new DubanError('UNKNOWN_HAZARD', `贵单位在本专项行动的隐患台账中没有序号为“${hazardId}”的隐患`);
    return record;
  }

  app.get<{ Params: { token: string }; Querystring: Query }>('/api/portal/:token/hazards', async (request): Promise<PortalHazards> => {
    const { link, unit } = await linkOf(request.params.token);
    const filters = filtersOf(request.query);
    const mine: HazardFilters = unit.type === 'town' ? { ...filters, townId: link.unitId } : { ...filters, departmentId: link.unitId };
    const page = await hazardList(hazardDeps, { campaignId: link.campaignId, filters: mine, ...pageOf(request.query) });
    return { ...page, ...(await unitChoices(link.campaignId)), unit: { id: unit.unitId, name: unit.name, type: unit.type } };
  });
  app.get<{ Params: PortalParams }>('/api/portal/:token/hazards/:hazard', async (request) => {
    const { link } = await linkOf(request.params.token);
    await ownHazard(link, request.params.hazard);
    return hazardDetail(hazardDeps, { campaignId: link.campaignId, hazardId: request.params.hazard, forUnit: true });
  });
  app.post<{ Params: { token: string } }>('/api/portal/:token/hazards', async (request) => {
    const { link, unit } = await linkOf(request.params.token);
    const facts = parse(schemas.newHazard, request.body);
    // A unit reports what it answers for: a town as 属地, a department as 行业主管部门.
    if (unit.type === 'town' && facts.townId !== link.unitId) throw new DubanError('FORBIDDEN', `贵单位只能上报属地为${unit.name}的隐患`);
    if (unit.type !== 'town' && facts.departmentId !== link.unitId) throw new DubanError('FORBIDDEN', `贵单位只能上报行业主管部门为${unit.name}的隐患`);
    const record = await reportHazard(hazardDeps, {
      campaignId: link.campaignId,
      facts: { ...facts, basis: facts.basis ?? '', fundsWan: facts.fundsWan ?? 0 },
      origin: 'portal',
      actor: `unit:${link.unitId}`,
    });
    return hazardDetail(hazardDeps, { campaignId: link.campaignId, hazardId: record.row.id, forUnit: true });
  });
  app.post<{ Params: PortalParams }>('/api/portal/:token/hazards/:hazard/done', async (request) => {
    const { link, unit } = await linkOf(request.params.token);
    await ownHazard(link, request.params.hazard);
    const form = await readForm(request, deps.maxUploadBytes);
    const files = await keepEvidence(hazardDeps, uploadsOf(form), deps.maxUploadBytes);
    return actOnHazard(hazardDeps, {
      campaignId: link.campaignId,
      hazardId: request.params.hazard,
      actor: `unit:${link.unitId}`,
      role: 'unit',
      expectedVersion: formVersion(form),
      event: { kind: 'report_done', done: field(form, 'done') ?? '', files, by: unit.name },
    });
  });
  app.post<{ Params: PortalParams }>('/api/portal/:token/hazards/:hazard/sign', async (request) => {
    const { link } = await linkOf(request.params.token);
    await ownHazard(link, request.params.hazard);
    const body = parse(schemas.sign, request.body);
    return actOnHazardListing(hazardDeps, {
      campaignId: link.campaignId,
      hazardId: request.params.hazard,
      actor: `unit:${link.unitId}`,
      role: 'unit',
      expectedVersion: body.version,
      event: { kind: 'sign', unitId: link.unitId, by: body.by },
    });
  });
  app.post<{ Params: PortalParams }>('/api/portal/:token/hazards/:hazard/request-extension', async (request) => {
    const { link } = await linkOf(request.params.token);
    await ownHazard(link, request.params.hazard);
    const body = parse(schemas.requestExtension, request.body);
    return actOnHazardListing(hazardDeps, {
      campaignId: link.campaignId,
      hazardId: request.params.hazard,
      actor: `unit:${link.unitId}`,
      role: 'unit',
      expectedVersion: body.version,
      event: { kind: 'request_extension', to: body.to, reason: body.reason, by: body.by },
    });
  });
  // Evidence of the unit's own hazard (photos, documents), by the file's sha256 as its detail lists it.
  app.get<{ Params: PortalParams & { sha256: string } }>('/api/portal/:token/hazards/:hazard/files/:sha256', async (request, reply) => {
    const { link } = await linkOf(request.params.token);
    await ownHazard(link, request.params.hazard);
    const record = await loadHazard(db, link.campaignId, request.params.hazard);
    const listed = JSON.stringify(record.state).includes(`"sha256":"${request.params.sha256.toLowerCase()}"`);
    if (!listed) throw new DubanError('NOT_FOUND', '此隐患没有这个文件');
    const file = await openStoredFile(deps.dataDir, request.params.sha256);
    if (!file) throw new DubanError('NOT_FOUND', '文件不存在');
    return reply.header('content-type', 'application/octet-stream').header('content-disposition', 'attachment').send(file.stream);
  });
}
