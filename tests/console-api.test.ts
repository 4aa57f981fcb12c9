// The console's HTTP API on a real server socket, over a rehearsed campaign (time-skipping Temporal, a real
// database on both engines, a real SMTP peer): what an operator can do, and every way past the boundary a
// stranger might try — no session, a wrong password again and again, a missing CSRF token, a foreign
// origin, a clerk on an admin page, a forged, altered or expired unit link. Each refusal changes nothing.
import ExcelJS from 'exceljs';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOperator } from '../access/operators';
import { signUnitLink, unitLinkKey } from '../access/unit-links';
import { parseInstant } from '../domain/zoned-time';
import { tellUnit } from '../operations/tell-unit';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { withoutRehearsalMarks } from '../rehearsal/rehearsal-mail';
import { type SendUnitMessageInput, unitMessageKey, unitMessageWorkflowId } from '../shared/contract';
import { storedFilePath } from '../store/files';
import { unitMessageWorkflow } from '../workflows/unit-message';
import { createConsoleServer } from '../web/server';
import { TEST_DATABASES, type TestDatabase, freshDatabase } from './support/databases';

const FILE = 'examples/taonan-2022-civil-affairs.yaml';
const CAMPAIGN = 'taonan-2022-civil-affairs';
const at = (iso: string) => parseInstant(iso, 'Asia/Shanghai')!;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PUBLIC_URL = 'http://console.test';

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; retryAfterSeconds?: number } };
  headers: Headers;
}

/** A browser of sorts: keeps its session cookie and CSRF token. */
class Browser {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}

  async call(method: string, path: string, opts: { json?: unknown; form?: FormData; csrf?: boolean; origin?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (opts.csrf !== false && this.csrf) headers['x-csrf-token'] = this.csrf;
    if (opts.origin) headers.origin = opts.origin;
    let body: string | FormData | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) body = opts.form;
    const res = await fetch(this.base + path, { method, headers, body });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await res.json() : { bytes: Buffer.from(await res.arrayBuffer()) };
    return { status: res.status, body: parsed as Answer['body'], headers: res.headers };
  }

  async login(name: string, password: string): Promise<Answer> {
    const answer = await this.call('POST', '/api/login', { json: { name, password } });
    if (answer.status === 200) this.csrf = String(answer.body.csrfToken);
    return answer;
  }
}

function fileForm(field: string, name: string, bytes: Buffer): FormData {
  const form = new FormData();
  form.append(field, new Blob([bytes]), name);
  return form;
}

describe.each(TEST_DATABASES)('the console API on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  let close: () => Promise<void>;
  let base: string;
  let serverNow = 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'duban-console-'));
  const admin = new Browser('');
  const obligationPath = (unit: string, d = 'work-plan') => `/api/campaigns/${CAMPAIGN}/obligations/${unit}/${d}`;
  const row = (unit: string, d = 'work-plan') => r.db.obligation.findUniqueOrThrow({ where: { campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId: unit, deliverableId: d } } });
  const advanceTo = async (iso: string) => {
    await r.advanceTo(at(iso));
    serverNow = await r.env.currentTimeMs();
  };

  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url, publicUrl: PUBLIC_URL });
    await r.launch(FILE, at('2022-08-24T09:30:00+08:00'));
    serverNow = await r.env.currentTimeMs();
    const app = await createConsoleServer({
      db: r.db,
      client: r.env.client,
      taskQueue: r.taskQueue,
      searchAttributes: true,
      namespace: 'default',
      dataDir,
      publicUrl: PUBLIC_URL,
      maxUploadBytes: 64 * 1024,
      now: () => serverNow,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    Object.assign(admin, new Browser(base));
    close = () => app.close();
    await addOperator(r.db, { name: 'admin', role: 'admin', password: 'correct horse', createdBy: 'test' });
    await addOperator(r.db, { name: 'clerk', displayName: '李办事', role: 'clerk', password: 'clerk password', createdBy: 'test' });
    await addOperator(r.db, { name: 'victim', role: 'clerk', password: 'victim password', createdBy: 'test' });
    await advanceTo('2022-08-25T12:00:00+08:00');
  });
  afterAll(async () => {
    await close?.();
    await r?.close();
    await database?.drop();
  });

  describe('logging in', () => {
    it('refuses every API call without a session', async () => {
      const stranger = new Browser(base);
      for (const [method, path] of [
        ['GET', '/api/campaigns'],
        ['GET', `/api/campaigns/${CAMPAIGN}/board`],
        ['GET', obligationPath('taofu')],
        ['GET', '/api/operators'],
        ['POST', `${obligationPath('taofu')}/waive`],
      ] as const) {
        const answer = await stranger.call(method, path, { json: method === 'POST' ? { reason: 'x' } : undefined });
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.body.error).toMatchObject({ code: 'NOT_AUTHENTICATED', message: '请先登录' });
      }
      expect((await row('taofu')).status).toBe('open');
    });

    it('refuses a wrong password, and slows down one guess after another', async () => {
      const guesser = new Browser(base);
      for (let i = 0; i < 5; i++) {
        const answer = await guesser.login('victim', `guess ${i}`);
        expect(answer.status).toBe(401);
        expect(answer.body.error).toMatchObject({ code: 'LOGIN_FAILED', message: '账号或密码错误' });
      }
      // even the right password waits now: the guesser cannot tell
      const throttled = await guesser.login('victim', 'victim password');
      expect(throttled.status).toBe(429);
      expect(throttled.body.error?.code).toBe('LOGIN_THROTTLED');
      expect(throttled.body.error?.retryAfterSeconds).toBeGreaterThan(20);
      expect(throttled.headers.get('retry-after')).toBe(String(throttled.body.error?.retryAfterSeconds));
      expect(guesser.cookie).toBe('');
      // an unknown name is answered exactly like a wrong password
      expect((await guesser.login('nobody', 'whatever')).body.error).toMatchObject({ code: 'LOGIN_FAILED', message: '账号或密码错误' });
    });

    it('opens a session in an HttpOnly, SameSite cookie and keeps only a hash of the password', async () => {
      const answer = await admin.login('admin', 'correct horse');
      expect(answer.status).toBe(200);
      expect(answer.body.operator).toEqual({ name: 'admin', displayName: 'admin', role: 'admin' });
      const cookie = answer.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      const stored = await r.db.operator.findUniqueOrThrow({ where: { name: 'admin' } });
      expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
      expect(stored.passwordHash).not.toContain('correct horse');
      const sessions = await r.db.operatorSession.findMany();
      expect(sessions.some((s) => admin.cookie.includes(s.tokenHash))).toBe(false); // the cookie's token is not stored as such
      expect((await admin.call('GET', '/api/session')).body).toMatchObject({ operator: { name: 'admin' }, csrfToken: admin.csrf });
    });

    it('ends the session on logout', async () => {
      const b = new Browser(base);
      await b.login('clerk', 'clerk password');
      expect((await b.call('GET', '/api/campaigns')).status).toBe(200);
      const cookie = b.cookie;
      expect((await b.call('POST', '/api/logout')).status).toBe(200);
      b.cookie = cookie; // a copy of the old cookie opens nothing
      expect((await b.call('GET', '/api/campaigns')).status).toBe(401);
    });
  });

  describe('cross-site requests and roles', () => {
    it('refuses a state-changing call without the CSRF token, or from another site, and changes nothing', async () => {
      const noToken = await admin.call('POST', `${obligationPath('taofu')}/waive`, { json: { reason: '伪造' }, csrf: false });
      expect(noToken.status).toBe(403);
      expect(noToken.body.error?.code).toBe('CSRF_REJECTED');
      const wrongToken = await admin.call('POST', `${obligationPath('taofu')}/waive`, { json: { reason: '伪造' }, csrf: false, origin: undefined });
      expect(wrongToken.status).toBe(403);
      const foreign = await admin.call('POST', `${obligationPath('taofu')}/waive`, { json: { reason: '伪造' }, origin: 'http://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error).toMatchObject({ code: 'CSRF_REJECTED', message: '请求来自其他网站，已拒绝' });
      expect((await row('taofu')).status).toBe('open');
      expect(await r.db.auditEvent.count({ where: { kind: 'obligation.waive' } })).toBe(0);
    });

    it('keeps a clerk out of the accounts page', async () => {
      const clerk = new Browser(base);
      await clerk.login('clerk', 'clerk password');
      expect((await clerk.call('GET', '/api/operators')).status).toBe(403);
      const add = await clerk.call('POST', '/api/operators', { json: { name: 'mole', role: 'admin', password: 'mole password' } });
      expect(add.status).toBe(403);
      expect(add.body.error?.code).toBe('FORBIDDEN');
      expect(await r.db.operator.findUnique({ where: { name: 'mole' } })).toBeNull();
      // the admin can
      expect((await admin.call('POST', '/api/operators', { json: { name: 'wang', displayName: '王领导', role: 'leader', password: 'leader password' } })).status).toBe(200);
      const list = await admin.call('GET', '/api/operators');
      expect((list.body.operators as { name: string; role: string }[]).map((o) => `${o.name}:${o.role}`)).toContain('wang:leader');
    });
  });

  describe('launching from the console', () => {
    const definition = () => fileForm('definition', 'taonan.yaml', readFileSync(FILE));
    it('previews the plan of a file whose units come from the office’s Excel sheet', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('单位');
      sheet.addRow(['名称', '类型', '邮箱', '主要负责人', '负责人邮箱', '牵头部门']);
      sheet.addRow(['市民政局', '牵头部门', 'mzj@taonan.example', '民政局长', 'mzj.head@taonan.example', '']);
      sheet.addRow(['城东街道', '镇（街道）', 'cd@taonan.example', '城东书记', 'cd.head@taonan.example', '']);
      sheet.addRow(['市福利院', '有关部门', 'fly@taonan.example', '福利院长', 'fly.head@taonan.example', '市民政局']);
      const form = definition();
      form.append('units', new Blob([Buffer.from(await book.xlsx.writeBuffer())]), 'units.xlsx');
      const answer = await admin.call('POST', '/api/campaigns/plan', { form });
      expect(answer.status).toBe(200);
      const plan = answer.body.plan as { units: number; obligations: number; notices: { unitName: string }[] };
      expect(plan.units).toBe(3);
      expect(plan.obligations).toBe(10); // the town and the department owe each of the five deliverables; the lead department none
      expect(new Set(plan.notices.map((n) => n.unitName))).toEqual(new Set(['城东街道', '市福利院']));
      expect(await r.db.campaign.count()).toBe(1); // a preview launches nothing
    });

    it('refuses a sheet with bad rows, naming each by row and column, and launches nothing', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('单位');
      sheet.addRow(['名称', '类型', '邮箱', '主要负责人', '负责人邮箱', '牵头部门']);
      sheet.addRow(['城东街道', '村', 'cd@taonan.example', '城东书记', 'cd.head@taonan.example', '']);
      sheet.addRow(['城西街道', '镇（街道）', 'not-an-address', '城西书记', 'cx.head@taonan.example', '']);
      const form = definition();
      form.append('units', new Blob([Buffer.from(await book.xlsx.writeBuffer())]), 'units.xlsx');
      form.append('allowPast', 'true');
      const answer = await admin.call('POST', '/api/campaigns', { form });
      expect(answer.status).toBe(400);
      const problems = (answer.body.error as unknown as { problems: { message: string }[] }).problems.map((p) => p.message);
      expect(problems.some((m) => m.startsWith('第2行 B列（类型）'))).toBe(true);
      expect(problems.some((m) => m.startsWith('第3行 C列（邮箱）'))).toBe(true);
      expect(await r.db.campaign.count()).toBe(1);
    });

    it('refuses a definition with problems, by line and column', async () => {
      const bad = readFileSync(FILE, 'utf8').replace('type: town', 'type: village');
      const answer = await admin.call('POST', '/api/campaigns/plan', { form: fileForm('definition', 'bad.yaml', Buffer.from(bad)) });
      expect(answer.status).toBe(400);
      const [problem] = (answer.body.error as unknown as { problems: { line: number; column: number; message: string }[] }).problems;
      expect(problem).toMatchObject({ line: expect.any(Number), column: expect.any(Number), message: expect.stringContaining('village') });
    });
  });

  describe('the board', () => {
    it('lists the campaign with its counts', async () => {
      const { body } = await admin.call('GET', '/api/campaigns');
      const [c] = body.campaigns as { id: string; counts: Record<string, number> }[];
      expect(c.id).toBe(CAMPAIGN);
      expect(c.counts).toMatchObject({ owed: 40, submitted: 0, overdue: 0 });
    });

    it('filters, sorts and pages on the server', async () => {
      const page = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/board?pageSize=3&page=2`);
      expect(page.body).toMatchObject({ total: 40, page: 2, pageSize: 3, today: '2022-08-25' });
      expect((page.body.rows as unknown[]).length).toBe(3);
      const towns = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/board?unitType=town&deliverable=work-plan`);
      expect((towns.body.rows as { unitId: string }[]).map((x) => x.unitId)).toEqual(['taofu', 'tuanjie', 'wafang', 'wanbao']);
      // work-plan is due 08-26: within three working days of 08-25
      expect((towns.body.rows as { standing: string }[]).every((x) => x.standing === 'due_soon')).toBe(true);
      const named = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/board?q=${encodeURIComponent('瓦房')}`);
      expect(new Set((named.body.rows as { unitName: string }[]).map((x) => x.unitName))).toEqual(new Set(['瓦房镇']));
      const bad = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/board?status=late`);
      expect(bad.status).toBe(400);
      expect(bad.body.error?.message).toContain('状态筛选“late”不存在');
    });
  });

  describe('one obligation', () => {
    it('says when an obligation’s workflow will start, until it has: a day before its first notice', async () => {
      const later = await admin.call('GET', obligationPath('wanbao', 'hazard-list')); // first reminder 08-31 09:00
      expect(later.status).toBe(200);
      expect(later.body).toMatchObject({ workflowStartsAt: '2022-08-30 09:00', temporalUrl: null });
      const started = await admin.call('GET', obligationPath('wanbao')); // work-plan, due 08-26: started at launch
      expect(started.body).toMatchObject({ workflowStartsAt: null });
    });

    it('records a submission with its file, kept by sha256, and shows it in the timeline with who did it', async () => {
      const answer = await admin.call('POST', `${obligationPath('taofu')}/submit`, { form: fileForm('file', '洮府街道工作方案.pdf', PDF) });
      expect(answer.status).toBe(200);
      const o = await row('taofu');
      expect(o.status).toBe('submitted');
      expect(existsSync(storedFilePath(dataDir, o.submittedFile!))).toBe(true);
      const detail = await admin.call('GET', obligationPath('taofu'));
      const timeline = detail.body.timeline as { actor: string; summary: string; file?: { name: string } }[];
      expect(timeline.at(-1)).toMatchObject({ actor: 'admin', summary: '登记报送：洮府街道工作方案.pdf', file: { name: '洮府街道工作方案.pdf', size: PDF.length } });
      expect((detail.body.row as { standing: string }).standing).toBe('on_time');
    });

    it('refuses a file of the wrong type or size with a clear message and records nothing', async () => {
      const exe = await admin.call('POST', `${obligationPath('tuanjie')}/submit`, { form: fileForm('file', 'virus.exe', Buffer.from('MZ\x90\x00')) });
      expect(exe.status).toBe(415);
      expect(exe.body.error).toMatchObject({ code: 'FILE_TYPE_REFUSED', message: expect.stringContaining('virus.exe') });
      const big = await admin.call('POST', `${obligationPath('tuanjie')}/submit`, { form: fileForm('file', 'big.pdf', Buffer.concat([PDF, Buffer.alloc(70 * 1024)])) });
      expect(big.status).toBe(413);
      expect(big.body.error?.code).toBe('FILE_TOO_LARGE');
      expect((await row('tuanjie')).status).toBe('open');
    });

    it('extends, returns and waives through the workflow, refusing what makes no sense', async () => {
      expect((await admin.call('POST', `${obligationPath('tuanjie')}/extend`, { json: { to: '2022-09-02', reason: '人员外出' } })).status).toBe(200);
      expect((await row('tuanjie')).due).toBe('2022-09-02');
      const again = await admin.call('POST', `${obligationPath('taofu')}/submit`, { form: fileForm('file', 'again.pdf', PDF) });
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('ALREADY_SUBMITTED');
      expect((await admin.call('POST', `${obligationPath('taofu')}/return`, { json: { to: '2022-08-31', reason: '缺少签章' } })).status).toBe(200);
      expect(await row('taofu')).toMatchObject({ status: 'open', due: '2022-08-31', returned: true });
      const bulk = await admin.call('POST', `/api/campaigns/${CAMPAIGN}/bulk`, {
        json: { action: 'waive', reason: '机构调整', items: [{ unitId: 'wafang', deliverableId: 'work-plan' }, { unitId: 'nosuch', deliverableId: 'work-plan' }] },
      });
      expect(bulk.body.results).toEqual([
        { unitId: 'wafang', deliverableId: 'work-plan', ok: true },
        { unitId: 'nosuch', deliverableId: 'work-plan', ok: false, error: expect.stringContaining('nosuch') },
      ]);
      const detail = await admin.call('GET', obligationPath('taofu'));
      const summaries = (detail.body.timeline as { summary: string }[]).map((t) => t.summary);
      expect(summaries).toContain('退回修改，重新报送截止 2022-08-31（理由：缺少签章）');
    });

    it('keeps the earlier file in the record when a returned submission comes again', async () => {
      const revised = Buffer.concat([PDF, Buffer.from('% 加盖公章\n')]);
      expect((await admin.call('POST', `${obligationPath('taofu')}/submit`, { form: fileForm('file', '洮府街道工作方案（修改稿）.pdf', revised) })).status).toBe(200);
      const detail = await admin.call('GET', obligationPath('taofu'));
      const files = (detail.body.timeline as { file?: { name: string; sha256: string } }[]).flatMap((t) => (t.file ? [t.file] : []));
      expect(files.map((f) => f.name)).toEqual(['洮府街道工作方案.pdf', '洮府街道工作方案（修改稿）.pdf']);
      for (const f of files) expect(existsSync(storedFilePath(dataDir, f.sha256))).toBe(true);
      const first = await admin.call('GET', `/api/files/${files[0].sha256}`);
      expect(first.status).toBe(200);
      expect(Buffer.from(first.body.bytes as Buffer).equals(PDF)).toBe(true);
      expect((await new Browser(base).call('GET', `/api/files/${files[0].sha256}`)).status).toBe(401);
    });

    it('exports the board as the 报送情况台账, every row', async () => {
      const answer = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/export.xlsx`);
      expect(answer.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(answer.body.bytes as unknown as ArrayBuffer);
      const sheet = book.worksheets[0];
      const header = (sheet.getRow(3).values as unknown[]).slice(1);
      expect(header).toEqual(['序号', '单位', '单位类型', '报送事项', '截止时间', '报送时间', '逾期工作日', '督办等级', '状态']);
      const rows = [];
      for (let i = 4; i <= sheet.rowCount; i++) rows.push((sheet.getRow(i).values as unknown[]).slice(1));
      expect(rows).toHaveLength(40);
      expect(rows.find((x) => x[1] === '瓦房镇' && String(x[3]) === '本单位专项整治细化方案')?.[8]).toBe('免报');
    });
  });

  describe("the units' portal", () => {
    let link: string;
    beforeAll(async () => {
      const detail = await admin.call('GET', obligationPath('wanbao'));
      link = String(detail.body.portalUrl).replace(PUBLIC_URL, '');
      expect(link).toMatch(/^\/u\/[\w-]+\.[\w-]+$/);
    });
    const api = (path = '') => link.replace('/u/', '/api/portal/') + path;
    const WANBAO = 'wanbao@taonan.example';
    type Told = Pick<SendUnitMessageInput, 'deliverableId' | 'key'>;
    const told = (m: Told) => ({ campaignId: CAMPAIGN, unitId: 'wanbao', ...m });
    /** The letter's workflow, waited on with a plain client (the time-skipping one would move the clock). */
    const letterWorkflow = (m: Told) =>
      new Client({ connection: r.env.connection, namespace: r.env.namespace ?? 'default' }).workflow.getHandle(unitMessageWorkflowId(told(m)));
    /** The letters the unit received for one message key, without the rehearsal's 【演练】 marks (as the record keeps them). */
    const lettersOf = (m: Told) =>
      r.catcher!.messages().filter((x) => x.to.includes(WANBAO) && x.headers['x-duban-key'] === unitMessageKey(told(m))).map((x) => withoutRehearsalMarks(x));

    it('shows the unit its own obligations and nothing else, without an account', async () => {
      const unit = new Browser(base);
      const view = await unit.call('GET', api());
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ unit: { name: '万宝镇' }, campaign: { title: '洮南市民政局安全生产领域风险隐患问题专项整治' } });
      const obligations = view.body.obligations as { deliverableId: string }[];
      expect(obligations.length).toBe(5);
      expect(JSON.stringify(view.body)).not.toContain('taofu');
    });

    it('refuses a forged, altered or expired link with a clear answer, and changes nothing', async () => {
      const unit = new Browser(base);
      const [payload, signature] = link.slice(3).split('.');
      const other = Buffer.from(JSON.stringify([1, CAMPAIGN, 'taofu', '2099-01-01'])).toString('base64url');
      for (const token of [`${other}.${signature}`, `${payload}.${signature.slice(0, -2)}xx`, 'garbage', `${payload}`]) {
        const answer = await unit.call('POST', `/api/portal/${token}/work-plan/extension-request`, { json: { to: '2022-09-30', reason: '伪造' } });
        expect(answer.status, token).toBe(401);
        expect(answer.body.error?.code).toBe('LINK_INVALID');
        expect(answer.body.error?.message).toContain('链接无效');
      }
      const expired = signUnitLink(await unitLinkKey(r.db), { campaignId: CAMPAIGN, unitId: 'wanbao', expiresOn: '2022-08-24' });
      const late = await unit.call('POST', `/api/portal/${expired}/work-plan/submit`, { form: fileForm('file', 'x.pdf', PDF) });
      expect(late.status).toBe(410);
      expect(late.body.error).toMatchObject({ code: 'LINK_EXPIRED', message: expect.stringContaining('2022-08-24') });
      expect(await r.db.extensionRequest.count()).toBe(0);
      expect((await row('wanbao')).status).toBe('open');
    });

    it('takes an extension request that the office approves, and another it refuses with a reason', async () => {
      const unit = new Browser(base);
      const asked = await unit.call('POST', api('/work-plan/extension-request'), { json: { to: '2022-09-07', reason: '镇里正在防汛' } });
      expect(asked.status).toBe(200);
      const twice = await unit.call('POST', api('/work-plan/extension-request'), { json: { to: '2022-09-08', reason: '再申请' } });
      expect(twice.body.error?.code).toBe('REQUEST_DECIDED');
      const requestId = (asked.body.request as { id: number }).id;
      const clerk = new Browser(base);
      await clerk.login('clerk', 'clerk password');
      expect((await clerk.call('POST', `/api/extension-requests/${requestId}/approve`, { json: {} })).status).toBe(200);
      expect(await row('wanbao')).toMatchObject({ due: '2022-09-07', extended: true });
      const decided = await r.db.extensionRequest.findUniqueOrThrow({ where: { id: requestId } });
      expect(decided).toMatchObject({ status: 'approved', decidedBy: 'operator:clerk' });
      // the unit is told, by one letter: its new deadline, and its link
      const approved = { deliverableId: 'work-plan', key: `extension-request-${requestId}-approved` };
      expect(await letterWorkflow(approved).result()).toMatchObject({ outcome: 'sent' });
      const [approval, ...more] = lettersOf(approved);
      expect(more).toEqual([]);
      expect(approval.subject).toBe('【延期申请已批准】《本单位专项整治细化方案》截止时间改为2022年9月7日');
      expect(approval.text).toMatch(/\n万宝镇：\n\n　　贵单位关于《本单位专项整治细化方案》的延期申请（申请延期至2022年9月7日）已收悉。经研究，延期申请已批准，截止时间改为2022年9月7日。/);
      expect(approval.text).toContain(`${PUBLIC_URL}/u/`);
      expect(approval.text).toContain('洮南市民政局');
      expect((await clerk.call('POST', `/api/extension-requests/${requestId}/refuse`, { json: { reason: '迟了' } })).body.error?.code).toBe('REQUEST_DECIDED');
      // a refusal of what was approved tells the unit nothing
      expect(await r.db.unitMessage.count({ where: { unitId: 'wanbao' } })).toBe(1);

      const second = await unit.call('POST', api('/hazard-list/extension-request'), { json: { to: '2022-09-20', reason: '材料多' } });
      const secondId = (second.body.request as { id: number }).id;
      expect((await clerk.call('POST', `/api/extension-requests/${secondId}/refuse`, { json: { reason: '时间充足，请按时报送' } })).status).toBe(200);
      const view = await unit.call('GET', api());
      const hazard = (view.body.obligations as { deliverableId: string; request: { status: string; decisionNote: string } }[]).find((o) => o.deliverableId === 'hazard-list')!;
      expect(hazard.request).toMatchObject({ status: 'refused', decisionNote: '时间充足，请按时报送' });

      // told once: the reason, and the deadline that stands
      const refused = { deliverableId: 'hazard-list', key: `extension-request-${secondId}-refused` };
      const handle = letterWorkflow(refused);
      expect(await handle.result()).toMatchObject({ outcome: 'sent' });
      const { runId } = await handle.describe();
      const [refusal, ...again] = lettersOf(refused);
      expect(again).toEqual([]);
      expect(refusal.subject).toBe('【延期申请未获批准】《风险隐患问题排查清单》截止时间仍为2022年9月5日');
      expect(refusal.text).toContain('经研究，延期申请未获批准，理由：时间充足，请按时报送。请按原截止时间2022年9月5日前将《风险隐患问题排查清单》报送');
      expect(refusal.text).toContain(`${PUBLIC_URL}/u/`);
      // refusing again is refused, and starts nothing new: still one letter, from the same run
      const retried = await clerk.call('POST', `/api/extension-requests/${secondId}/refuse`, { json: { reason: '时间充足，请按时报送' } });
      expect(retried.body.error?.code).toBe('REQUEST_DECIDED');
      expect((await handle.describe()).runId).toBe(runId);
      expect(lettersOf(refused)).toHaveLength(1);
      expect(lettersOf(approved)).toHaveLength(1);
      // the console's timeline shows each letter
      const timeline = (await clerk.call('GET', obligationPath('wanbao', 'hazard-list'))).body.timeline as { kind: string; summary: string; letter?: { body: string } }[];
      const entry = timeline.find((t) => t.kind === 'unit.told')!;
      expect(entry.summary).toBe(`告知单位：${refusal.subject}`);
      expect(entry.letter?.body).toBe(refusal.text);
    });

    it('tells the unit of one decision once, however often it is asked', async () => {
      const message: SendUnitMessageInput = {
        ...told({ deliverableId: 'hazard-list', key: 'twice' }),
        decision: { kind: 'extension-refused', requestId: 0, requestedTo: '2022-09-09', reason: '测试', deadline: '2022-09-05' },
      };
      const deps = { client: r.env.client, taskQueue: r.taskQueue };
      // the operation, twice at once and once more: one workflow
      const starts = await Promise.all([tellUnit(deps, message), tellUnit(deps, message)]);
      expect(starts.sort()).toEqual(['already-started', 'started']);
      expect(await letterWorkflow(message).result()).toMatchObject({ outcome: 'sent' });
      expect(await tellUnit(deps, message)).toBe('already-started');
      // a workflow under another id with the same key (as if Temporal had forgotten the first): the claim holds
      const other = await r.env.client.workflow.start(unitMessageWorkflow, { workflowId: `${unitMessageWorkflowId(message)}/again`, taskQueue: r.taskQueue, args: [message] });
      const plain = new Client({ connection: r.env.connection, namespace: r.env.namespace ?? 'default' });
      expect(await plain.workflow.getHandle(other.workflowId).result()).toMatchObject({ outcome: 'already-sent' });
      expect(lettersOf(message)).toHaveLength(1);
      const row = await r.db.unitMessage.findUniqueOrThrow({ where: { messageKey: unitMessageKey(message) } });
      expect(row).toMatchObject({ status: 'sent', attempts: 1, kind: 'extension-refused' });
      expect(await r.db.auditEvent.count({ where: { eventKey: unitMessageKey(message), kind: 'unit.told' } })).toBe(1);
    });

    it('takes the unit’s file as a submission, recorded exactly as the office’s', async () => {
      const unit = new Browser(base);
      const answer = await unit.call('POST', api('/work-plan/submit'), { form: fileForm('file', '万宝镇工作方案.pdf', PDF) });
      expect(answer.status).toBe(200);
      expect((await row('wanbao')).status).toBe('submitted');
      const audit = await r.db.auditEvent.findFirstOrThrow({ where: { unitId: 'wanbao', kind: 'obligation.submit' } });
      expect(audit.actor).toBe('unit:wanbao');
      const view = await unit.call('GET', api());
      const plan = (view.body.obligations as { deliverableId: string; status: string; files: { name: string }[] }[]).find((o) => o.deliverableId === 'work-plan')!;
      expect(plan).toMatchObject({ status: 'submitted', files: [{ name: '万宝镇工作方案.pdf' }] });
      // the unit's link cannot reach another unit's obligation
      const elsewhere = await unit.call('POST', api('/nosuch/submit'), { form: fileForm('file', 'x.pdf', PDF) });
      expect(elsewhere.status).toBe(404);
    });

    it('is in every letter sent to the unit', async () => {
      await advanceTo('2022-09-01T10:00:00+08:00');
      const letters = r.catcher!.messages().filter((m) => m.to.includes('binyiguan@taonan.example'));
      expect(letters.length).toBeGreaterThan(0);
      for (const letter of letters) expect(letter.text).toMatch(new RegExp(`${PUBLIC_URL}/u/[\\w-]+\\.[\\w-]+`));
    });
  });

  describe('报送情况通报', () => {
    it('reports where every obligation stood at the end of a day, as a letter and as a .docx', async () => {
      const report = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/progress-report?date=2022-09-01`);
      expect(report.status).toBe(200);
      const text = String(report.body.text);
      expect(report.body.asOf).toBe('2022-09-01');
      expect(text).toContain('关于洮南市民政局安全生产领域风险隐患问题专项整治材料报送情况的通报');
      // 万宝镇 submitted its work plan through its link on 08-25, within its extended deadline
      expect(text).toMatch(/二、按时报送（\d+项）：[^\n]*万宝镇（《本单位专项整治细化方案》）2022年8月25日报送/);
      // 瓦房镇's work plan was waived: it is not owed, so not counted
      expect(text).not.toContain('瓦房镇（《本单位专项整治细化方案》）');
      const owed = await r.db.obligation.count({ where: { campaignId: CAMPAIGN, status: { not: 'waived' } } });
      expect(text).toContain(`应报送${owed}项`);
      const future = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/progress-report?date=2099-01-01`);
      expect(future.status).toBe(400);
      const docx = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/progress-report.docx?date=2022-09-01`);
      expect(docx.status).toBe(200);
      expect((docx.body.bytes as Buffer).subarray(0, 2).toString()).toBe('PK');
    });
  });

  describe('约谈', () => {
    it('lists the interviews the ladder created, schedules one and closes it with its outcome', async () => {
      await advanceTo('2022-09-07T10:00:00+08:00'); // the 7th working day after 08-26: 约谈 for whoever is still out
      const { body } = await admin.call('GET', `/api/campaigns/${CAMPAIGN}/interviews`);
      const interviews = body.interviews as { id: number; unitId: string; deliverableName: string; status: string }[];
      const binyiguan = interviews.find((i) => i.unitId === 'binyiguan')!;
      expect(binyiguan).toMatchObject({ status: 'to_schedule', deliverableName: '本单位专项整治细化方案' });
      const early = await admin.call('POST', `/api/interviews/${binyiguan.id}/close`, { json: { outcome: '已约谈' } });
      expect(early.status).toBe(400);
      expect(early.body.error?.message).toBe('约谈尚未安排，不能办结');
      const bad = await admin.call('POST', `/api/interviews/${binyiguan.id}/schedule`, { json: { at: '下周', place: '局会议室', conductedBy: '王局长' } });
      expect(bad.status).toBe(400);
      const scheduled = await admin.call('POST', `/api/interviews/${binyiguan.id}/schedule`, {
        json: { at: '2022-09-09T09:30', place: '民政局三楼会议室', conductedBy: '王局长' },
      });
      expect(scheduled.status).toBe(200);
      expect((await admin.call('POST', `/api/interviews/${binyiguan.id}/close`, { json: { outcome: '主要负责人作出说明，承诺9月13日前报送' } })).status).toBe(200);
      const after = (await admin.call('GET', `/api/campaigns/${CAMPAIGN}/interviews`)).body.interviews as Record<string, unknown>[];
      expect(after.find((i) => i.id === binyiguan.id)).toMatchObject({
        status: 'held',
        scheduledFor: '2022-09-09T09:30:00+08:00',
        place: '民政局三楼会议室',
        conductedBy: '王局长',
        outcome: '主要负责人作出说明，承诺9月13日前报送',
      });
      const again = await admin.call('POST', `/api/interviews/${binyiguan.id}/close`, { json: { outcome: '再次' } });
      expect(again.body.error?.code).toBe('INTERVIEW_CLOSED');
      const timeline = ((await admin.call('GET', obligationPath('binyiguan'))).body.timeline as { summary: string }[]).map((t) => t.summary);
      expect(timeline).toContain('约谈已办结：主要负责人作出说明，承诺9月13日前报送');
    });
  });
});
