// The hazard ledger's HTTP API on a real server socket, a real database on both engines and the time-skipping
// Temporal server (each change wakes the hazard's chase): an operator's import, list, changes with files, 挂牌督办
// and statistics; what needs a leader; and the boundary — no session, no CSRF token, a clerk where a leader must
// decide, a unit's link on another unit's hazard, a forged link. Each refusal changes nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOperator } from '../access/operators';
import { signUnitLink, unitLinkKey } from '../access/unit-links';
import { compileCampaign } from '../domain/compile';
import { hazardLetters } from '../domain/hazard-chase';
import { workingDaysSince } from '../domain/hazards';
import { parseInstant } from '../domain/zoned-time';
import { readDefinitionFile } from '../operations/definition-file';
import { temporalTestServerPath } from '../platform/tools';
import type { HazardDetail, HazardSummary } from '../shared/hazard-api';
import { hazardLetterBusinessKey } from '../shared/hazard-activities';
import { hazardWorkflowId } from '../shared/hazard-contract';
import { loadCampaign, storeCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { hazardChaseFacts } from '../store/hazard-letters';
import { decideHazardSignOff, holdHazardLetter } from '../store/hazard-sign-off';
import { hazardContextOf } from '../store/hazards';
import { migrateDatabase } from '../store/migrate';
import { createConsoleServer } from '../web/server';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';

const CAMPAIGN = 'leizhou-2022-assessment';
const at = (s: string) => parseInstant(`${s}+08:00`, 'Asia/Shanghai')!;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 5, 6, 7]);

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  bytes?: Buffer;
}

class Browser {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}
  async call(method: string, path: string, opts: { json?: unknown; form?: FormData; csrf?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (opts.csrf !== false && this.csrf) headers['x-csrf-token'] = this.csrf;
    let body: string | FormData | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) body = opts.form;
    const res = await fetch(this.base + path, { method, headers, body });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    if ((res.headers.get('content-type') ?? '').includes('json')) return { status: res.status, body: (await res.json()) as Answer['body'] };
    return { status: res.status, body: {}, bytes: Buffer.from(await res.arrayBuffer()) };
  }
  async login(name: string, password: string) {
    const a = await this.call('POST', '/api/login', { json: { name, password } });
    expect(a.status).toBe(200);
    this.csrf = String(a.body.csrfToken);
  }
}

function form(fields: Record<string, string>, files: Record<string, [string, Buffer]> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, [name, bytes]] of Object.entries(files)) f.append(k, new Blob([bytes]), name);
  return f;
}

describe.each(TEST_DATABASES)('the hazard API on %s', (kind) => {
  let database: TestDatabase;
  let db: Db;
  let env: TestWorkflowEnvironment;
  let close: () => Promise<void>;
  let base: string;
  let dataDir: string;
  const serverNow = at('2022-10-20T10:00:00');
  let clerk: Browser;
  let leader: Browser;
  const H = `/api/campaigns/${CAMPAIGN}/hazards`;
  const row = (id: string) => db.hazard.findUniqueOrThrow({ where: { campaignId_id: { campaignId: CAMPAIGN, id } } });
  const link = async (unitId: string) => signUnitLink(await unitLinkKey(db), { campaignId: CAMPAIGN, unitId, expiresOn: '2022-12-31' });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    await migrateDatabase(database.url);
    db = createDb(database.url);
    const { def, yamlText } = readDefinitionFile(`examples/${CAMPAIGN}.yaml`);
    await storeCampaign(db, { compiled: compileCampaign(def, at('2022-10-08T10:00:00')), yamlText, sourceFile: 'x', actor: 'test', clockOffsetMs: 0 });
    await addOperator(db, { name: 'li', displayName: '李干事', role: 'clerk', password: 'clerk password', createdBy: 'test' });
    await addOperator(db, { name: 'wang', displayName: '王主任', role: 'leader', password: 'leader password', createdBy: 'test' });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    dataDir = mkdtempSync(join(tmpdir(), 'duban-hazard-api-'));
    const app = await createConsoleServer({
      db,
      client: env.client,
      taskQueue: 'hazard-api-test',
      searchAttributes: false,
      namespace: 'default',
      dataDir,
      publicUrl: 'http://console.test',
      maxUploadBytes: 64 * 1024,
      now: () => serverNow,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    close = () => app.close();
    clerk = new Browser(base);
    await clerk.login('li', 'clerk password');
    leader = new Browser(base);
    await leader.login('wang', 'leader password');
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await env?.teardown();
    await db?.$disconnect();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a caller without a session, and a change without the CSRF token', async () => {
    const stranger = new Browser(base);
    expect((await stranger.call('GET', H)).status).toBe(401);
    const noToken = await clerk.call('POST', `${H}/import`, { form: form({}, { file: ['l.xlsx', readFileSync('examples/leizhou-2022-hazards.xlsx')] }), csrf: false });
    expect(noToken.body.error?.code).toBe('CSRF_REJECTED');
    expect(await db.hazard.count()).toBe(0);
  });

  it('imports the ledger, lists it with filters and pages, exports it', async () => {
    const imported = await clerk.call('POST', `${H}/import`, { form: form({}, { file: ['leizhou-2022-hazards.xlsx', readFileSync('examples/leizhou-2022-hazards.xlsx')] }) });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ rows: 30 });
    expect((imported.body.created as string[]).length).toBe(30);
    const page = await clerk.call('GET', `${H}?level=major&page=2&pageSize=4`);
    expect(page.body).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect((page.body.items as { serial: number }[]).map((h) => h.serial)).toEqual([15, 25]);
    const bad = await clerk.call('GET', `${H}?status=finished`);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toContain('状态应为 pending（待整改）、rectifying（整改中）、awaiting_acceptance（待验收）、closed（已销号）或 cancelled（已撤销），实际为“finished”');
    const xlsx = await clerk.call('GET', `${H}.xlsx?town=leicheng`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets[0].rowCount).toBe(3 + 5); // 雷城街道's five hazards
  });

  it('takes a hazard through 整改 and 验收 with files, refusing what lacks evidence', async () => {
    expect((await clerk.call('POST', `${H}/1/start`, { json: {} })).status).toBe(200);
    const noFile = await clerk.call('POST', `${H}/1/done`, { form: form({ done: '清理完毕' }) });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error).toMatchObject({ code: 'EVIDENCE_MISSING' });
    expect(await row('1')).toMatchObject({ status: 'rectifying', version: 2 });
    const done = await clerk.call('POST', `${H}/1/done`, { form: form({ done: '清理完毕', version: '2' }, { before: ['整改前.png', PNG], after: ['整改后.png', PNG] }) });
    expect(done.status).toBe(200);
    const stale = await clerk.call('POST', `${H}/1/accept`, { form: form({ by: '乌石镇 安办', result: 'pass', version: '2' }, { file: ['验收.png', PNG] }) });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'HAZARD_CONFLICT' });
    const accepted = await clerk.call('POST', `${H}/1/accept`, { form: form({ by: '乌石镇 安办', result: 'pass' }, { file: ['验收.png', PNG] }) });
    expect(accepted.body.summary).toMatchObject({ status: 'closed', closedOn: '2022-10-20' });
    const detail = await clerk.call('GET', `${H}/1`);
    const history = detail.body.history as { kind: string; summary: string; actor: string }[];
    expect(history.map((h) => h.kind)).toEqual(['create', 'start', 'report_done', 'accept']);
    expect(history[2]).toMatchObject({ actor: 'operator:li', summary: '报告整改完成：清理完毕（附 2 个文件：整改前.png、整改后.png）' });
    expect((detail.body.state as { rounds: unknown[] }).rounds).toHaveLength(1);
    const missing = await clerk.call('GET', `${H}/77`);
    expect(missing.status).toBe(404);
  });

  it('lets only a leader approve 延期, decide a 挂牌 延期申请, 摘牌 and close a month', async () => {
    const byClerk = await clerk.call('POST', `${H}/3/extend`, { json: { to: '2022-11-30', reason: '材料未到' } });
    expect(byClerk.status).toBe(403);
    expect(byClerk.body.error?.message).toBe('无权批准延期：只有领导或管理员可以批准延期');
    expect(await row('3')).toMatchObject({ deadline: '2022-09-20', version: 1 });
    const byLeader = await leader.call('POST', `${H}/3/extend`, { json: { to: '2022-11-30', reason: '材料未到' } });
    expect(byLeader.body.summary).toMatchObject({ deadline: '2022-11-30' });
    const badBody = await leader.call('POST', `${H}/3/extend`, { json: { to: 20221231, reason: '材料未到' } });
    expect(badBody.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: '请求内容有误：日期应为文字' });
    const badLevel = await clerk.call('POST', `${H}/2/list`, { json: { level: 'town', documentNumber: 'x' } });
    expect(badLevel.body.error?.message).toBe('请求内容有误：级别应为 county、city、province 之一');
    expect((byLeader.body.history as { summary: string }[]).at(-1)!.summary).toContain('批准人 王主任');

    // #2 is 重大: 治理方案 first, then 挂牌
    const plan = await clerk.call('POST', `${H}/2/plan`, {
      form: form({ measures: '加装紧急切断装置', responsibility: '林国栋', fundsWan: '45', deadline: '2022-10-31', contingency: '液氨泄漏应急预案' }, { plan: ['方案.png', PNG] }),
    });
    expect(plan.status).toBe(200);
    const listed = await clerk.call('POST', `${H}/2/list`, { json: { level: 'city', documentNumber: '雷安委办督〔2022〕3号' } });
    expect(listed.body.listings).toMatchObject([{ id: '2-1', status: 'listed', order: { recipients: ['leicheng', 'yingji'] } }]);
    const asked = await clerk.call('POST', `${H}/2/listing/request-extension`, { json: { to: '2022-11-30', reason: '设备到货延迟', by: '林国栋' } });
    expect(asked.status).toBe(200);
    expect((await clerk.call('POST', `${H}/2/listing/decide-extension`, { json: { approved: true, reason: '属实' } })).status).toBe(403);
    const decided = await leader.call('POST', `${H}/2/listing/decide-extension`, { json: { approved: true, reason: '属实' } });
    expect(decided.body.summary).toMatchObject({ deadline: '2022-11-30' });
    expect((await leader.call('POST', `${H}/2/listing/delist`, { json: {} })).body.error?.message).toContain('尚未验收合格销号');

    expect((await clerk.call('POST', `/api/campaigns/${CAMPAIGN}/hazard-statistics/close`, { json: { period: '2022-09' } })).status).toBe(403);
    const closed = await leader.call('POST', `/api/campaigns/${CAMPAIGN}/hazard-statistics/close`, { json: { period: '2022-09' } });
    expect(closed.body.total).toMatchObject({ found: 22, rectified: 1, listed: 1 });
    const stats = await clerk.call('GET', `/api/campaigns/${CAMPAIGN}/hazard-statistics?period=2022-09`);
    expect(stats.body.closed).toMatchObject({ by: 'operator:wang' });
    const periods = await clerk.call('GET', `/api/campaigns/${CAMPAIGN}/hazard-statistics/periods`);
    expect(periods.body.periods).toMatchObject([{ period: '2022-09', label: '2022年9月', closedBy: 'operator:wang' }]);
    const sheet = await clerk.call('GET', `/api/campaigns/${CAMPAIGN}/hazard-statistics.xlsx?period=2022Q4`);
    expect(sheet.status).toBe(200);
    expect(sheet.bytes!.subarray(0, 2).toString()).toBe('PK');
  });

  it('shows a unit its own hazards only, and lets it report, sign and finish them', async () => {
    const town = await link('leicheng');
    const mine = await new Browser(base).call('GET', `/api/portal/${town}/hazards?pageSize=100`);
    const items = mine.body.items as { serial: number; townId: string }[];
    expect(items.map((h) => h.serial)).toEqual([2, 3, 13, 21, 29]);
    expect(items.every((h) => h.townId === 'leicheng')).toBe(true);
    const dept = await link('jiaoyu');
    const theirs = await new Browser(base).call('GET', `/api/portal/${dept}/hazards`);
    expect((theirs.body.items as { departmentId: string }[]).every((h) => h.departmentId === 'jiaoyu')).toBe(true);
    expect(theirs.body.total).toBe(3);
    // the units a new hazard may name: every town of the campaign as 属地, every other unit as 行业主管部门
    const units = await db.unit.findMany({ where: { campaignId: CAMPAIGN }, orderBy: { unitId: 'asc' } });
    const towns = units.filter((u) => u.type === 'town').map((u) => ({ id: u.unitId, name: u.name }));
    const departments = units.filter((u) => u.type !== 'town').map((u) => ({ id: u.unitId, name: u.name }));
    expect(towns.length).toBeGreaterThan(0);
    expect(mine.body).toMatchObject({ towns, departments });
    expect((await clerk.call('GET', `/api/campaigns/${CAMPAIGN}/hazard-units`)).body).toEqual({ towns, departments });
    expect((await new Browser(base).call('GET', `/api/campaigns/${CAMPAIGN}/hazard-units`)).status).toBe(401);

    const portal = new Browser(base);
    // another unit's hazard: as if it did not exist, and nothing changes
    expect((await portal.call('GET', `/api/portal/${town}/hazards/1`)).body.error?.code).toBe('UNKNOWN_HAZARD');
    const foreign = await portal.call('POST', `/api/portal/${town}/hazards/5/done`, { form: form({ done: '已整改' }, { f: ['x.png', PNG] }) });
    expect(foreign.status).toBe(404);
    expect(await row('5')).toMatchObject({ status: 'pending', version: 1 });
    const forged = await portal.call('GET', `/api/portal/${town.slice(0, -2)}xx/hazards`);
    expect(forged.status).toBe(401);

    // the town's own 排查 finds a hazard; it may not report one of another town
    const report = {
      site: '雷城街道某商铺',
      townId: 'leicheng',
      departmentId: 'xiaofang',
      description: '灭火器过期',
      level: 'general',
      foundOn: '2022-10-19',
      source: 'inspection',
      measures: '更换灭火器',
      responsible: '商铺负责人',
      deadline: '2022-10-26',
    };
    const reported = await portal.call('POST', `/api/portal/${town}/hazards`, { json: report });
    expect(reported.body.summary).toMatchObject({ serial: 31, status: 'pending', townName: '雷城街道' });
    expect((reported.body.history as { summary: string; actor: string }[])[0]).toMatchObject({ actor: 'unit:leicheng', actorName: '雷城街道（报送链接）' });
    expect((await env.client.workflow.getHandle(hazardWorkflowId(CAMPAIGN, '31')).describe()).status.name).toBe('RUNNING');
    const elsewhere = await portal.call('POST', `/api/portal/${town}/hazards`, { json: { ...report, townId: 'wushi' } });
    expect(elsewhere.status).toBe(403);
    expect(await db.hazard.count()).toBe(31);

    // 签收 of the 挂牌 指令书 for its own unit; 整改完成 of its own hazard with photos
    const signed = await portal.call('POST', `/api/portal/${town}/hazards/2/sign`, { json: { by: '雷城街道 安办 陈' } });
    expect((signed.body.listings as { signatures: { unitId: string }[] }[])[0].signatures).toMatchObject([{ unitId: 'leicheng' }]);
    await clerk.call('POST', `${H}/13/start`, { json: {} });
    const finished = await portal.call('POST', `/api/portal/${town}/hazards/13/done`, { form: form({ done: '护栏已加高至1.2米' }, { photo: ['护栏.png', PNG] }) });
    expect(finished.body.summary).toMatchObject({ status: 'awaiting_acceptance' });
    const sha = (finished.body.state as { rounds: { report: { files: { sha256: string }[] } }[] }).rounds[0].report.files[0].sha256;
    const file = await portal.call('GET', `/api/portal/${town}/hazards/13/files/${sha}`);
    expect(file.bytes).toEqual(PNG);
    // a unit may not 验收 or cancel, and sees only its own hazards' files
    expect((await portal.call('GET', `/api/portal/${await link('yingji')}/hazards/13/files/${sha}`)).status).toBe(404);
  });

  it('marks a 挂牌 whose 限期整改指令书 is not signed by all: who has not, working days since it was sent (国庆 between), in the list, the drawer and the CLI', async () => {
    // #8 (客路镇, 市应急管理局) listed on the eve of 国庆 — 10-01…10-07 off, 10-08 and 10-09 调休 working days; today is 10-20
    const listed = await clerk.call('POST', `${H}/8/list`, { json: { level: 'county', documentNumber: '雷安委办督〔2022〕5号', listedOn: '2022-09-30' } });
    expect(listed.status).toBe(200);
    const both = [
      { id: 'kelu', name: '客路镇' },
      { id: 'yingji', name: '市应急管理局' },
    ];
    expect((listed.body.summary as HazardSummary).unsignedOrder).toEqual({ listingId: '8-1', documentNumber: '雷安委办督〔2022〕5号', sentOn: '2022-09-30', workingDays: 11, units: both });
    const page = async () => (await clerk.call('GET', `${H}?listed=true`)).body.items as HazardSummary[];
    // #2, listed today, was signed by its 属地 through the portal: only its 行业主管部门 is left, 0 working days on
    expect((await page()).map((h) => [h.serial, h.unsignedOrder])).toEqual([
      [2, { listingId: '2-1', documentNumber: '雷安委办督〔2022〕3号', sentOn: '2022-10-20', workingDays: 0, units: [both[1]] }],
      [8, { listingId: '8-1', documentNumber: '雷安委办督〔2022〕5号', sentOn: '2022-09-30', workingDays: 11, units: both }],
    ]);
    // a hazard not listed has no such mark (nor a letter waiting for 签发 here)
    expect((await clerk.call('GET', `${H}/5`)).body.summary).toMatchObject({ unsignedOrder: null, awaitingSignOff: [] });

    // the 属地 signs through its link: the 行业主管部门 is left, in the list and the drawer
    const signed = await new Browser(base).call('POST', `/api/portal/${await link('kelu')}/hazards/8/sign`, { json: { by: '客路镇 安办 郑' } });
    expect(signed.status).toBe(200);
    expect((await page()).find((h) => h.serial === 8)?.unsignedOrder).toMatchObject({ workingDays: 11, units: [both[1]] });
    expect(((await clerk.call('GET', `${H}/8`)).body.summary as HazardSummary).unsignedOrder).toMatchObject({ sentOn: '2022-09-30', workingDays: 11, units: [both[1]] });

    // the CLI says it too, counted to the day its campaign clock is on
    const { settings } = await loadCampaign(db, CAMPAIGN);
    const cli = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, ['bin/duban.mjs', 'hazards', ...args], { env: { ...process.env, DATABASE_URL: database.url, DUBAN_DATA_DIR: dataDir } })).stdout;
    const before = Date.now();
    const [status, show] = [await cli('status', CAMPAIGN, '--listed'), await cli('show', CAMPAIGN, '8')];
    const days = workingDaysSince(settings.calendar, settings.timeZone, '2022-09-30', before);
    expect(days).toBeGreaterThan(11);
    const line = status.split('\n').find((l) => l.trim().startsWith('8 '));
    expect(line).toContain(`【指令书未签收：市应急管理局，已${days}个工作日】`);
    expect(show).toContain(`  限期整改指令书（雷安委办督〔2022〕5号）2022-09-30 送达，未签收：市应急管理局（已${days}个工作日）`);

    // both signed: no mark
    expect((await clerk.call('POST', `${H}/8/listing/sign`, { json: { unitId: 'yingji', by: '应急局 林' } })).status).toBe(200);
    expect((await page()).find((h) => h.serial === 8)?.unsignedOrder).toBeNull();
    const after = (await cli('status', CAMPAIGN, '--listed')).split('\n');
    expect(after.find((l) => l.trim().startsWith('8 '))).not.toContain('指令书未签收');
    expect(after.find((l) => l.trim().startsWith('2 '))).toContain('【指令书未签收：市应急管理局，已');
  });

  it('shows a hazard’s letters in its detail — one held for 签发, then withdrawn — and the next one due; the portal sees only letters sent', async () => {
    // a hazard recorded today, due in six weeks: no worker runs here, nothing is sent; its first 整改提醒 is next
    const facts = {
      site: '客路镇某仓库',
      townId: 'kelu',
      departmentId: 'yingji',
      description: '堆垛过高',
      level: 'general',
      foundOn: '2022-10-19',
      source: 'inspection',
      measures: '降低堆垛',
      responsible: '仓库主管',
      deadline: '2022-11-30',
    };
    const created = await clerk.call('POST', H, { json: facts });
    expect(created.status).toBe(200);
    const id = (created.body as unknown as HazardDetail).summary.id;
    const before = (await clerk.call('GET', `${H}/${id}`)).body as unknown as HazardDetail;
    expect(before.letters).toEqual([]);
    expect(before.nextLetter).toMatchObject({ kind: 'reminder', kindName: '整改提醒', round: 1, deadline: '2022-11-30', status: null, recipients: ['客路镇', '市应急管理局'] });
    expect(before.nextLetter!.at).toMatch(/^2022年11月\d+日 09:00$/);
    expect(before.noNextLetter).toBeNull();
    const { settings } = await loadCampaign(db, CAMPAIGN);
    const interview = hazardLetters(hazardContextOf(settings), await hazardChaseFacts(db, CAMPAIGN, id)).find((l) => l.kind === 'interview')!;
    const businessKey = hazardLetterBusinessKey(CAMPAIGN, id, interview.key);
    const wording = { messageId: `<held-${id}@duban>`, to: ['kelu.head@example'], cc: ['anweiban@example'], subject: '关于约谈的通知（待签发）', text: '约谈通知正文' };
    const held = { hazardId: id, townId: before.summary.townId, businessKey, letter: interview, reason: interview.reason };
    await holdHazardLetter(db, CAMPAIGN, held, wording, new Date(serverNow));

    const detail = (await clerk.call('GET', `${H}/${id}`)).body as unknown as HazardDetail;
    expect(detail.letters).toHaveLength(1);
    expect(detail.letters[0]).toMatchObject({
      key: interview.key,
      kind: 'interview',
      kindName: '约谈通知',
      status: 'awaiting_sign_off',
      statusName: '待签发',
      sentAt: null,
      documentNumber: null,
      to: wording.to,
      cc: wording.cc,
      subject: wording.subject,
      reason: interview.reason,
      text: wording.text,
    });
    expect(detail.letters[0].scheduledAt).toMatch(/^\d{4}年\d+月\d+日 09:00$/);
    // the letters before it are still due first
    expect(detail.nextLetter?.key).toBe(before.nextLetter?.key);
    // the unit's portal: no draft, no plan
    const portal = await new Browser(base).call('GET', `/api/portal/${await link(before.summary.townId)}/hazards/${id}`);
    expect(portal.status).toBe(200);
    expect(portal.body).toMatchObject({ letters: [], nextLetter: null, noNextLetter: null });

    await decideHazardSignOff(db, { businessKey, decision: 'withdraw', actor: 'operator:wang', reason: '已当面约谈', at: new Date(serverNow), townOf: () => before.summary.townId });
    const withdrawn = (await clerk.call('GET', `${H}/${id}`)).body as unknown as HazardDetail;
    expect(withdrawn.letters.map((l) => [l.kindName, l.statusName])).toEqual([['约谈通知', '已撤回']]);
  });
});
