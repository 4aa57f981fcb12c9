// The office's console API (docs/api.md): campaigns, the board, one obligation, actions, interviews,
// extension requests, the Excel export and accounts. Every action goes through operations/, as the CLI's do.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addOperator, listOperators } from '../access/operators';
import { compileCampaign, defaultLaunchAt, nothingToChase } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { PLANNED_NAMES, planCampaign } from '../domain/plan';
import type { ObligationEvent } from '../domain/policy';
import { localDateTime } from '../domain/standing';
import { formatInstant } from '../domain/zoned-time';
import { actOnObligation, actionWarnings } from '../operations/actions';
import { type BoardQuery, allBoardRows, campaignBoard, campaignCounts, campaignSummaries } from '../operations/board';
import { approveExtensionRequest, refuseExtensionRequest } from '../operations/extension-requests';
import { closeInterview, interviewViews, scheduleInterview } from '../operations/interviews';
import { launchCampaign } from '../operations/launch';
import { decideSignOff, pendingSignOffs } from '../operations/sign-off';
import { obligationDetail } from '../operations/obligation-detail';
import { progressReport } from '../operations/progress-report';
import { officialLetterDocx } from '../letters/docx';
import { actorName } from '../operations/actors';
import { submitObligation } from '../operations/submissions';
import { exportBoardWorkbook } from '../spreadsheets/board-export';
import { parseUnitWorkbook } from '../spreadsheets/units-import';
import { replaceUnits } from '../spreadsheets/units-yaml';
import { requireCampaign } from '../store/campaigns';
import { openStoredFile } from '../store/files';
import { actorOf, requireRole } from './auth';
import type { ConsoleDeps } from './deps';
import { portalUrlFor } from './portal-routes';
import { type Form, readForm, requiredFile } from './uploads';

/** A JSON body checked against its schema; a mismatch is a 400 naming the field. */
function bodyOf<T>(schema: z.ZodType<T>, request: FastifyRequest): T {
  const parsed = schema.safeParse(request.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DubanError('INVALID_ARGUMENT', `请求内容有误：${issue.path.join('.') || '（整体）'} ${issue.message}`);
  }
  return parsed.data;
}

const text = z.string().max(2000);
const date = z.string().max(10);
const schemas = {
  extend: z.object({ to: date, reason: text }),
  return: z.object({ to: date, reason: text }),
  waive: z.object({ reason: text }),
  bulk: z.object({
    action: z.enum(['extend', 'waive']),
    items: z.array(z.object({ unitId: z.string(), deliverableId: z.string() })).min(1).max(500),
    to: date.optional(),
    reason: text,
  }),
  approve: z.object({ to: date.optional() }),
  refuse: z.object({ reason: text }),
  schedule: z.object({ at: z.string().max(40), place: text, conductedBy: text }),
  close: z.object({ outcome: text }),
  withdraw: z.object({ reason: text }),
  operator: z.object({ name: z.string().max(64), displayName: z.string().max(64).optional(), role: z.string(), password: z.string().max(256) }),
};

type Params = { id: string; unit: string; deliverable: string };

function intParam(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new DubanError('NOT_FOUND', `${what}“${value}”不存在`);
  return n;
}

/** The campaign text to plan or launch: the uploaded YAML, its units replaced by the Excel list when one is given. */
async function definitionOf(form: Form): Promise<{ yamlText: string; sourceName: string }> {
  const definition = requiredFile(form, 'definition', '专项行动定义文件（YAML）');
  let yamlText = definition.bytes.toString('utf8');
  const units = form.files.get('units');
  if (units && units.bytes.length) {
    parseCampaignDefinition(yamlText, definition.name); // the file's own problems first, by its line numbers
    yamlText = replaceUnits(yamlText, await parseUnitWorkbook(units.bytes, units.name));
  }
  return { yamlText, sourceName: definition.name };
}

function boardQuery(q: Record<string, string | undefined>): BoardQuery {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return {
    page: num(q.page),
    pageSize: num(q.pageSize),
    unitType: q.unitType || undefined,
    leadDepartment: q.leadDepartment || undefined,
    stage: q.stage || undefined,
    deliverable: q.deliverable || undefined,
    status: q.status || undefined,
    q: q.q || undefined,
    sort: q.sort || undefined,
  };
}

const STANDING_WORDS: Record<string, string> = {
  on_time: '按时报送',
  submitted_late: '逾期报送',
  due_soon: '即将到期',
  open: '未到期',
  overdue: '逾期未报',
  waived: '免报',
};

export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { db } = deps;
  const now = () => deps.now?.() ?? Date.now();

  app.get('/api/campaigns', async () => ({ campaigns: await campaignSummaries(db, now()) }));

  app.post('/api/campaigns/plan', async (request) => {
    const { yamlText, sourceName } = await definitionOf(await readForm(request, deps.maxUploadBytes));
    const def = parseCampaignDefinition(yamlText, sourceName);
    let compiled = compileCampaign(def, Math.max(now(), defaultLaunchAt(def)));
    const warnings = [...compiled.warnings];
    const refusal = nothingToChase(compiled);
    if (refusal) {
      // launched now it would send nothing: show what it would have sent from the start of its first stage
      warnings.push(`${refusal.replace('请加 --allow-past 启动', '请勾选“允许发起已过期的行动”')}。以下为从第一阶段开始时启动的计划，仅供参考`);
      compiled = compileCampaign(def, defaultLaunchAt(def));
    }
    const units = new Map(def.units.map((u) => [u.id, u.name]));
    const deliverables = new Map(def.deliverables.map((d) => [d.id, d.name]));
    const notices = planCampaign(compiled).map((n) => ({
      at: n.at,
      unitId: n.unit,
      unitName: units.get(n.unit) ?? n.unit,
      deliverableId: n.deliverable,
      deliverableName: deliverables.get(n.deliverable) ?? n.deliverable,
      action: n.action,
      instrument: PLANNED_NAMES[n.action],
    }));
    return {
      campaignId: def.id,
      title: def.title,
      plan: { obligations: compiled.obligations.length, units: def.units.length, notices, launchAt: formatInstant(compiled.launchAt, def.timeZone) },
      warnings,
    };
  });

  app.post('/api/campaigns', async (request) => {
    const form = await readForm(request, deps.maxUploadBytes);
    const { yamlText, sourceName } = await definitionOf(form);
    const result = await launchCampaign(deps, {
      file: `上传：${sourceName}`,
      definition: { yamlText },
      actor: actorOf(request),
      allowPast: form.fields.get('allowPast') === 'true',
    });
    return { campaignId: result.campaignId, obligations: result.obligations, warnings: result.warnings, outcome: result.outcome, message: result.message };
  });

  app.get<{ Params: Params }>('/api/campaigns/:id', async (request) => {
    const c = await requireCampaign(db, request.params.id);
    const board = await campaignBoard(db, c.id, { pageSize: 1 }, now());
    return {
      id: c.id,
      title: c.title,
      officeName: c.officeName,
      timeZone: c.timeZone,
      launchedAt: c.launchedAt.toISOString(),
      launchedBy: actorName(c.launchedBy),
      counts: await campaignCounts(db, c.id, now()),
      facets: board.facets,
    };
  });

  app.get<{ Params: Params; Querystring: Record<string, string | undefined> }>('/api/campaigns/:id/board', async (request) =>
    campaignBoard(db, request.params.id, boardQuery(request.query), now()),
  );

  app.get<{ Params: Params }>('/api/campaigns/:id/export.xlsx', async (request, reply) => {
    const board = await allBoardRows(db, request.params.id, now());
    const { loaded } = board;
    const rows = board.rows.map((r) => board.complete(r, false));
    const { campaign } = loaded;
    const bytes = await exportBoardWorkbook({
      campaignTitle: campaign.title,
      officeName: campaign.officeName,
      generatedAt: formatInstant(now(), campaign.timeZone),
      rows: rows.map((r) => ({
        unitName: r.unitName,
        unitType: r.unitType as 'town' | 'lead_department' | 'department',
        deliverableName: r.deliverableName,
        due: r.due,
        submittedAt: r.submittedAt,
        lateWorkingDays: r.lateWorkingDays,
        escalation: r.escalation,
        status: [STANDING_WORDS[r.standing], r.extended ? '已延期' : '', r.returned ? '已退回' : ''].filter(Boolean).join('，'),
      })),
    });
    const name = encodeURIComponent(`${campaign.title}-报送情况台账.xlsx`);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="board.xlsx"; filename*=UTF-8''${name}`)
      .send(bytes);
  });

  app.get<{ Params: Params }>('/api/campaigns/:id/obligations/:unit/:deliverable', async (request) => {
    const { id, unit, deliverable } = request.params;
    const detail = await obligationDetail(db, id, unit, deliverable, now());
    const { workflowId, workflowStartedAt, workflowStartBy } = await db.obligation.findUniqueOrThrow({
      where: { campaignId_unitId_deliverableId: { campaignId: id, unitId: unit, deliverableId: deliverable } },
    });
    return {
      ...detail,
      // not started yet (a day before its first notice, or at the first action on it): no workflow to show
      workflowStartsAt: workflowStartedAt ? null : localDateTime(formatInstant((workflowStartBy ?? new Date()).getTime(), (await requireCampaign(db, id)).timeZone)),
      temporalUrl: deps.temporalUiUrl && workflowStartedAt ? `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null,
      portalUrl: await portalUrlFor(deps, id, unit),
    };
  });

  const act = async (request: FastifyRequest<{ Params: Params }>, event: ObligationEvent) => {
    const { id, unit, deliverable } = request.params;
    const args = { campaignId: id, unitId: unit, deliverableId: deliverable, event, actor: actorOf(request) };
    const state = await actOnObligation(deps, args);
    return { state, warnings: await actionWarnings(db, args) };
  };
  app.post<{ Params: Params }>('/api/campaigns/:id/obligations/:unit/:deliverable/extend', async (request) =>
    act(request, { kind: 'extend', ...bodyOf(schemas.extend, request) }),
  );
  app.post<{ Params: Params }>('/api/campaigns/:id/obligations/:unit/:deliverable/return', async (request) =>
    act(request, { kind: 'return', ...bodyOf(schemas.return, request) }),
  );
  app.post<{ Params: Params }>('/api/campaigns/:id/obligations/:unit/:deliverable/waive', async (request) =>
    act(request, { kind: 'waive', ...bodyOf(schemas.waive, request) }),
  );
  app.post<{ Params: Params }>('/api/campaigns/:id/obligations/:unit/:deliverable/submit', async (request) => {
    const { id, unit, deliverable } = request.params;
    const form = await readForm(request, deps.maxUploadBytes);
    const state = await submitObligation(deps, {
      campaignId: id,
      unitId: unit,
      deliverableId: deliverable,
      upload: requiredFile(form, 'file', '报送的文件'),
      actor: actorOf(request),
    });
    return { state, warnings: [] };
  });

  app.post<{ Params: Params }>('/api/campaigns/:id/bulk', async (request) => {
    const body = bodyOf(schemas.bulk, request);
    if (body.action === 'extend' && !body.to) throw new DubanError('INVALID_ARGUMENT', '批量延期需要填写延期至的日期');
    const event: ObligationEvent = body.action === 'extend' ? { kind: 'extend', to: body.to!, reason: body.reason } : { kind: 'waive', reason: body.reason };
    const results = [];
    for (const item of body.items) {
      try {
        await actOnObligation(deps, { campaignId: request.params.id, ...item, event, actor: actorOf(request) });
        results.push({ ...item, ok: true });
      } catch (err) {
        if (!(err instanceof DubanError)) throw err;
        results.push({ ...item, ok: false, error: err.message });
      }
    }
    return { results };
  });

  app.post<{ Params: { requestId: string } }>('/api/extension-requests/:requestId/approve', async (request) =>
    approveExtensionRequest(deps, { requestId: intParam(request.params.requestId, '延期申请'), to: bodyOf(schemas.approve, request).to, actor: actorOf(request) }),
  );
  app.post<{ Params: { requestId: string } }>('/api/extension-requests/:requestId/refuse', async (request) => {
    await refuseExtensionRequest(deps, { requestId: intParam(request.params.requestId, '延期申请'), reason: bodyOf(schemas.refuse, request).reason, actor: actorOf(request) });
    return { warnings: [] };
  });

  app.get<{ Params: Params; Querystring: { date?: string } }>('/api/campaigns/:id/progress-report', async (request) =>
    progressReport(db, request.params.id, request.query.date, now()),
  );
  app.get<{ Params: Params; Querystring: { date?: string } }>('/api/campaigns/:id/progress-report.docx', async (request, reply) => {
    const report = await progressReport(db, request.params.id, request.query.date, now());
    const name = encodeURIComponent(`${report.letter.title}（${report.asOf}）.docx`);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', `attachment; filename="progress-report.docx"; filename*=UTF-8''${name}`)
      .send(await officialLetterDocx(report.letter));
  });

  app.get<{ Params: Params }>('/api/campaigns/:id/interviews', async (request) => ({ interviews: await interviewViews(db, request.params.id) }));
  app.post<{ Params: { interviewId: string } }>('/api/interviews/:interviewId/schedule', async (request) => {
    await scheduleInterview(db, { id: intParam(request.params.interviewId, '约谈记录'), ...bodyOf(schemas.schedule, request), actor: actorOf(request) });
    return { warnings: [] };
  });
  app.post<{ Params: { interviewId: string } }>('/api/interviews/:interviewId/close', async (request) => {
    await closeInterview(db, { id: intParam(request.params.interviewId, '约谈记录'), ...bodyOf(schemas.close, request), actor: actorOf(request) });
    return { warnings: [] };
  });

  // 签发: any operator sees what waits; only a 领导 or 管理员 may approve or withdraw (checked in operations/sign-off.ts)
  app.get<{ Params: Params }>('/api/campaigns/:id/sign-offs', async (request) => {
    await requireCampaign(db, request.params.id);
    return { signOffs: await pendingSignOffs(db, request.params.id) };
  });
  const decide = (request: FastifyRequest<{ Params: { key: string } }>, decision: 'approve' | 'withdraw') =>
    decideSignOff(deps, {
      key: request.params.key,
      decision,
      actor: actorOf(request),
      role: request.operator?.role ?? '',
      ...(decision === 'withdraw' ? { reason: bodyOf(schemas.withdraw, request).reason } : {}),
    });
  app.post<{ Params: { key: string } }>('/api/sign-offs/:key/approve', async (request) => ({ decision: await decide(request, 'approve'), warnings: [] }));
  app.post<{ Params: { key: string } }>('/api/sign-offs/:key/withdraw', async (request) => ({ decision: await decide(request, 'withdraw'), warnings: [] }));

  app.get<{ Params: { sha256: string } }>('/api/files/:sha256', async (request, reply) => {
    const file = await openStoredFile(deps.dataDir, request.params.sha256);
    if (!file) throw new DubanError('NOT_FOUND', '文件不存在');
    return reply.header('content-type', 'application/octet-stream').header('content-disposition', 'attachment').send(file.stream);
  });

  app.get('/api/operators', { preHandler: requireRole('admin') }, async () => ({ operators: await listOperators(db) }));
  app.post('/api/operators', { preHandler: requireRole('admin') }, async (request) => {
    const body = bodyOf(schemas.operator, request);
    return addOperator(db, { ...body, createdBy: actorOf(request) });
  });
}
