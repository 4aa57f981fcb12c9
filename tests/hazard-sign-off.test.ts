// 签发 of the hazard chase's letters, on the time-skipping server with real activities, a real SMTP peer and both
// databases: the campaign's policy.signOff (the hazards follow it) holds the day's 通报 of hazards and each hazard's
// 约谈通知 at their time as 待签发, listed with their full text by operations/sign-off.ts (the console's card and
// `duban signoff`), nothing sent; a clerk cannot approve; approved two days later the 通报 goes once, dated and
// numbered that day, listing only the hazards still due; a withdrawn one never goes, its reason recorded; 整改完成
// withdraws a waiting 约谈通知; an approved 通报 whose hazards were all 撤销 meanwhile is not sent. The ledger (API and
// `duban hazards status/show`) marks each hazard named by a held letter 待签发, and no longer once it is decided.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOperator } from '../access/operators';
import type { HazardEvent } from '../domain/hazards';
import { parseInstant } from '../domain/zoned-time';
import { campaignHistory } from '../operations/history';
import { type HazardDeps, actOnHazard, hazardDetail, reportHazard } from '../operations/hazards';
import { decideSignOff, pendingSignOffs } from '../operations/sign-off';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import type { HazardPage } from '../shared/hazard-api';
import { hazardCirculationWorkflowId, hazardLetterBusinessKey } from '../shared/hazard-activities';
import { hazardWorkflowId } from '../shared/hazard-contract';
import { createConsoleServer } from '../web/server';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';
import { HAZARD_CAMPAIGN as C, FILES, hazardCampaignYaml, hazardFacts as facts } from './support/hazard-campaign';
import { session } from './support/console-session';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const SIGNED_YAML = hazardCampaignYaml().replace('policy:\n  signOff: []\n', 'policy:\n  signOff: [circulate, interview]\n');

// 一般 hazards' ladder (the campaign's): 催办 1st, 督办 3rd, 通报 5th, 约谈 6th working day after the 时限
const CIRCULATION_1012 = `${C}/hazard-circulation/2022-10-12/0900`; // 时限 10-03 (国庆): hazards A and B
const CIRCULATION_1017 = `${C}/hazard-circulation/2022-10-17/0900`; // 时限 10-10: hazard W (withdrawn)
const CIRCULATION_1018 = `${C}/hazard-circulation/2022-10-18/0900`; // 时限 10-11: hazard X (撤销 before approval)

const signOffPath = (key: string) => `/api/sign-offs/${encodeURIComponent(key)}`;

describe.each(TEST_DATABASES)('签发 of hazard letters on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  let dir: string;
  let close: (() => Promise<unknown>) | undefined;
  let serverNow = 0;
  const id: Record<'a' | 'b' | 'w' | 'x', string> = { a: '', b: '', w: '', x: '' };
  const seen: Record<string, unknown> = {};
  const ops = async (when: string): Promise<HazardDeps> => {
    await r.advanceTo(at(when));
    return { db: r.db, client: r.env.client, taskQueue: r.taskQueue, now: () => at(when) - r.offsetMs() };
  };
  const change = async (hazardId: string, when: string, event: HazardEvent) => {
    await actOnHazard(await ops(when), { campaignId: C, hazardId, actor: 'wu', role: 'leader', event });
  };
  const deps = () => ({ client: r.env.client, db: r.db });
  const mailsOf = (key: string) => r.catcher!.messages().filter((m) => m.headers['x-duban-key'] === key);
  const interviewKey = (hazardId: string) => hazardLetterBusinessKey(C, hazardId, 'r1/2022-10-03/interview/2022-10-13');
  const pendingKeys = async () => (await pendingSignOffs(r.db, C)).map((p) => p.key);

  beforeAll(async () => {
    database = await freshDatabase(kind);
    dir = mkdtempSync(join(tmpdir(), 'duban-hazard-sign-off-'));
    const file = join(dir, 'campaign.yaml');
    writeFileSync(file, SIGNED_YAML);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(file, at('2022-09-26T10:00:00+08:00'));
    const app = await createConsoleServer({
      db: r.db,
      client: r.env.client,
      taskQueue: r.taskQueue,
      searchAttributes: true,
      namespace: 'default',
      dataDir: join(dir, 'data'),
      publicUrl: 'http://console.test',
      maxUploadBytes: 64 * 1024,
      now: () => serverNow,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    close = () => app.close();
    await addOperator(r.db, { name: 'boss', displayName: '王领导', role: 'leader', password: 'leader password', createdBy: 'test' });
    await addOperator(r.db, { name: 'li', displayName: '李办事', role: 'clerk', password: 'clerk password', createdBy: 'test' });
    /** A session opened at the rehearsal's present (the console's clock is the server's). */
    const signIn = async (name: 'boss' | 'li') => {
      serverNow = await r.env.currentTimeMs();
      return name === 'boss' ? session(base, 'boss', 'leader password') : session(base, 'li', 'clerk password');
    };
    /** The ledger's 待签发 marks through the API: each hazard's, and the hazards its 待签发 filter finds. */
    const marks = async () => {
      const clerk = await signIn('li');
      const all = (await clerk('GET', `/api/campaigns/${C}/hazards`)).body as unknown as HazardPage;
      const held = (await clerk('GET', `/api/campaigns/${C}/hazards?awaitingSignOff=true`)).body as unknown as HazardPage;
      return { each: Object.fromEntries(all.items.map((h) => [h.id, h.awaitingSignOff])), filtered: held.items.map((h) => h.id), total: held.total };
    };
    /** `duban hazards …` on the rehearsal's database. */
    const cli = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, ['bin/duban.mjs', 'hazards', ...args], { env: { ...process.env, DATABASE_URL: database.url, DUBAN_DATA_DIR: join(dir, 'data') } })).stdout;
    const report = async (f: Parameters<typeof facts>[0]) =>
      (await reportHazard(await ops('2022-09-26T10:30:00+08:00'), { campaignId: C, facts: facts(f), origin: 'console', actor: 'wu' })).row.id;
    id.a = await report({ site: '雷城某加油站', deadline: '2022-10-03' });
    id.b = await report({ site: '新城某加油站', townId: 'xincheng', departmentId: 'yingji', deadline: '2022-10-03' });
    id.w = await report({ site: '雷城某幼儿园', deadline: '2022-10-10' });
    id.x = await report({ site: '新城某商场', townId: 'xincheng', departmentId: 'yingji', deadline: '2022-10-11' });

    // 10-12 09:00: the 通报 of A and B is held, nothing sent
    await r.advanceTo(at('2022-10-12T12:00:00+08:00'));
    seen.pending1012 = await pendingSignOffs(r.db, C);
    seen.marks1012 = await marks();
    seen.circulatedBy1012 = r.catcher!.messages().filter((m) => m.headers['x-duban-action'] === 'hazard-circulate').length;
    seen.urgeSent = r.catcher!.messages().filter((m) => m.headers['x-duban-action'] === 'hazard-urge').length;
    const clerk = await signIn('li');
    seen.clerkList = (await clerk('GET', `/api/campaigns/${C}/sign-offs`)).body.signOffs;
    seen.clerkApprove = await clerk('POST', `${signOffPath(CIRCULATION_1012)}/approve`, {});
    try {
      await decideSignOff(deps(), { key: CIRCULATION_1012, decision: 'approve', actor: 'operator:li', role: 'clerk' });
    } catch (err) {
      seen.clerk = err;
    }

    // 10-13 09:00: A's and B's 约谈通知 held too
    await r.advanceTo(at('2022-10-13T12:00:00+08:00'));
    seen.pending1013 = await pendingKeys();
    seen.marks1013 = await marks();
    seen.cli1013 = { status: await cli('status', C, '--awaiting-sign-off'), show: await cli('show', C, id.a), all: await cli('status', C) };
    seen.interviewsBy1013 = r.catcher!.messages().filter((m) => m.headers['x-duban-action'] === 'hazard-interview').length;
    seen.historyA1013 = (await hazardDetail(await ops('2022-10-13T12:00:00+08:00'), { campaignId: C, hazardId: id.a })).history;
    // A's chase run afresh while its 约谈通知 waits (a reset, a lost history): the new run holds the same letter
    await r.env.client.workflow.getHandle(hazardWorkflowId(C, id.a)).terminate('test: run the chase afresh');
    await change(id.a, '2022-10-13T13:00:00+08:00', { kind: 'edit', changes: { fundsWan: 0.8 } });
    await r.advanceTo(at('2022-10-13T13:30:00+08:00'));
    seen.pendingAfterRerun = await pendingKeys();

    // 10-14: B reports 整改完成 (its 约谈通知 withdraws itself); the leader approves the 通报, then A's 约谈通知
    await change(id.b, '2022-10-14T09:50:00+08:00', { kind: 'start' });
    seen.rowBStarted = (await r.db.hazardLetter.findUnique({ where: { businessKey: interviewKey(id.b) } }))?.status;
    await change(id.b, '2022-10-14T10:00:00+08:00', { kind: 'report_done', done: '加装防撞设施', files: FILES });
    await r.advanceTo(at('2022-10-14T10:30:00+08:00'));
    seen.rowB = await r.db.hazardLetter.findUnique({ where: { businessKey: interviewKey(id.b) } });
    seen.historyB = (await hazardDetail(await ops('2022-10-14T10:30:00+08:00'), { campaignId: C, hazardId: id.b })).history;
    await r.advanceTo(at('2022-10-14T11:00:00+08:00'));
    const approved = await (await signIn('boss'))('POST', `${signOffPath(CIRCULATION_1012)}/approve`, {});
    seen.approved = { status: approved.status, ...(approved.body.decision as object) };
    await r.advanceTo(at('2022-10-14T11:30:00+08:00'));
    await decideSignOff(deps(), { key: interviewKey(id.a), decision: 'approve', actor: 'operator:boss', role: 'admin' });
    await r.advanceTo(at('2022-10-14T12:00:00+08:00'));
    seen.marks1014 = await marks();
    seen.cli1014 = { status: await cli('status', C, '--awaiting-sign-off'), show: await cli('show', C, id.a) };
    seen.circulationResult = await r.env.client.workflow.getHandle(hazardCirculationWorkflowId(CIRCULATION_1012)).result();
    try {
      await decideSignOff(deps(), { key: CIRCULATION_1012, decision: 'withdraw', reason: '再议', actor: 'operator:boss', role: 'leader' });
    } catch (err) {
      seen.again = err;
    }

    // 10-17 09:00: W's 通报 held; withdrawn (a reason is required)
    await r.advanceTo(at('2022-10-17T10:00:00+08:00'));
    seen.pending1017 = await pendingKeys();
    seen.marks1017 = await marks();
    const leader = await signIn('boss');
    seen.noReason = (await leader('POST', `${signOffPath(CIRCULATION_1017)}/withdraw`, {})).body.error;
    seen.withdrawn = (await leader('POST', `${signOffPath(CIRCULATION_1017)}/withdraw`, { reason: '该园已停课整改，另行处理' })).status;
    seen.marks1017withdrawn = await marks();

    // 10-18 09:00: X's 通报 held; X is 撤销 before the leader approves: approved, it lists nobody and is not sent
    await change(id.x, '2022-10-18T10:00:00+08:00', { kind: 'cancel', reason: '经复核不属于隐患' });
    await r.advanceTo(at('2022-10-18T11:00:00+08:00'));
    await decideSignOff(deps(), { key: CIRCULATION_1018, decision: 'approve', actor: 'operator:boss', role: 'leader' });
    await r.advanceTo(at('2022-10-25T12:00:00+08:00'));
  }, 600_000);

  afterAll(async () => {
    await close?.();
    await r?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the day’s 通报 at its time with its full text, sends nothing, and lets no clerk approve it', () => {
    const pending = seen.pending1012 as Awaited<ReturnType<typeof pendingSignOffs>>;
    expect(pending.map((p) => p.key)).toEqual([CIRCULATION_1012]);
    const [held] = pending;
    expect(held.action).toBe('circulate');
    expect(held.scheduledAt).toBe('2022-10-12T09:00:00+08:00');
    // the preview as worded, without a 发文字号 (taken when it goes); the rehearsal's mark is put on by its mailer
    expect(held.subject).toBe('【通报】关于雷城某加油站等2处隐患逾期未整改的通报');
    expect(held.text).toContain('1. 雷城某加油站（台账序号1）');
    expect(held.text).toContain('2. 新城某加油站（台账序号2）');
    expect(held.text).toContain('\n雷州市安全生产委员会\n2022年10月12日\n');
    expect(held.listed.map((l) => `${l.unitName}${l.deliverableName}`)).toEqual(['雷城街道隐患第1号（雷城某加油站）', '新城街道隐患第2号（新城某加油站）']);
    expect(new Set(held.to)).toEqual(new Set(['yingji@leizhou.example', 'jiaoyu@leizhou.example', 'leicheng@leizhou.example', 'xincheng@leizhou.example']));
    expect(seen.circulatedBy1012).toBe(0);
    expect(seen.urgeSent).toBeGreaterThan(0); // the rest of the chase went on
    // the console's card lists it for anyone, with its full text; a clerk's 签发 is refused there and in the CLI's path
    expect((seen.clerkList as { key: string; text: string }[]).map((x) => [x.key, x.text])).toEqual([[CIRCULATION_1012, held.text]]);
    expect(seen.clerkApprove).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(seen.clerk).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('holds each hazard’s 约谈通知 the next day (still one after a run afresh), and the hazard’s history says it waits', () => {
    expect(seen.pending1013).toEqual([CIRCULATION_1012, interviewKey(id.a), interviewKey(id.b)].sort((p, q) => (p === CIRCULATION_1012 ? -1 : q === CIRCULATION_1012 ? 1 : p < q ? -1 : 1)));
    expect(seen.interviewsBy1013).toBe(0);
    expect(seen.pendingAfterRerun).toEqual(seen.pending1013);
    const history = seen.historyA1013 as { kind: string; summary: string }[];
    expect(history.filter((h) => h.kind === 'sign_off.awaiting').map((h) => h.summary)).toEqual([
      expect.stringMatching(/^通报待签发：/),
      expect.stringMatching(/^约谈通知待签发：.*关于约谈雷城街道和市教育局主要负责人的通知/),
    ]);
  });

  it('marks each hazard named by a held letter 待签发 in the ledger (API, filter, CLI), and no longer once it is approved or withdrawn', () => {
    const none = { [id.a]: [], [id.b]: [], [id.w]: [], [id.x]: [] };
    // 10-12: the 通报 listing A and B waits
    expect(seen.marks1012).toEqual({ each: { ...none, [id.a]: ['circulate'], [id.b]: ['circulate'] }, filtered: [id.a, id.b], total: 2 });
    // 10-13: and their 约谈通知
    expect(seen.marks1013).toEqual({ each: { ...none, [id.a]: ['circulate', 'interview'], [id.b]: ['circulate', 'interview'] }, filtered: [id.a, id.b], total: 2 });
    const cli = seen.cli1013 as { status: string; show: string; all: string };
    expect(cli.status).toContain('共 2 处');
    expect(cli.status).toMatch(/^\s*1 .*雷城某加油站.*【待签发：通报、约谈通知】$/m);
    expect(cli.status).toMatch(/^\s*2 .*新城某加油站.*【待签发：通报、约谈通知】$/m);
    expect(cli.all).toMatch(/^\s*3 .*雷城某幼儿园[^【]*$/m);
    expect(cli.show).toContain('\n  待签发：通报、约谈通知（须经领导签发后发出）\n');
    // 10-14: B's 约谈通知 withdrawn by its 整改完成, the 通报 and A's 约谈通知 approved: nothing waits
    expect(seen.marks1014).toEqual({ each: none, filtered: [], total: 0 });
    const after = seen.cli1014 as { status: string; show: string };
    expect(after.status).toContain('共 0 处');
    expect(after.show).not.toContain('\n  待签发：');
    // 10-17: W's 通报 waits, then is withdrawn
    expect(seen.marks1017).toEqual({ each: { ...none, [id.w]: ['circulate'] }, filtered: [id.w], total: 1 });
    expect(seen.marks1017withdrawn).toEqual({ each: none, filtered: [], total: 0 });
  });

  it('approved two days later, the 通报 goes once, dated and numbered that day, listing only the hazards still due', () => {
    expect(seen.approved).toMatchObject({ status: 200, decision: 'approve', actor: 'operator:boss' });
    const sent = mailsOf(CIRCULATION_1012);
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toMatch(/^【演练】【通报】雷安办〔2022〕\d+号 关于雷城某加油站隐患逾期未整改的通报$/);
    expect(sent[0].text).toContain('雷城某加油站（台账序号1）');
    expect(sent[0].text).not.toContain('新城某加油站'); // B reported 整改完成 before the approval
    expect(sent[0].text).toContain('\n雷州市安全生产委员会\n2022年10月14日\n');
    expect(seen.circulationResult).toMatchObject({ outcome: 'sent', listed: [id.a] });
    expect(seen.again).toMatchObject({ code: 'REQUEST_DECIDED' });
  });

  it('approved, A’s 约谈通知 goes once (from the run afresh), dated and numbered that day; its history records who signed it', async () => {
    const sent = mailsOf(interviewKey(id.a));
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toMatch(/雷安办〔2022〕\d+号 关于约谈雷城街道和市教育局主要负责人的通知/);
    expect(sent[0].text).toContain('2022年10月14日');
    const row = await r.db.hazardLetter.findUniqueOrThrow({ where: { businessKey: interviewKey(id.a) } });
    expect(row.status).toBe('sent');
    expect(row.documentNumber).toMatch(/^雷安办〔2022〕\d+号$/);
    const history = (await hazardDetail(await ops('2022-10-25T12:00:00+08:00'), { campaignId: C, hazardId: id.a })).history;
    expect(history.filter((h) => h.kind === 'sign_off.approved').map((h) => [h.actor, h.summary.split('：')[0]])).toEqual([
      ['operator:boss', '通报已签发'],
      ['operator:boss', '约谈通知已签发'],
    ]);
  });

  it('B’s 约谈通知 is withdrawn by its 整改完成: never sent, the reason in its history', () => {
    expect(seen.rowBStarted).toBe('awaiting_sign_off'); // 开始整改 leaves it called for: it still waits
    expect(seen.rowB).toMatchObject({ status: 'withdrawn', sentAt: null });
    expect(mailsOf(interviewKey(id.b))).toHaveLength(0);
    const history = seen.historyB as { kind: string; actor: string; summary: string }[];
    expect(history.find((h) => h.kind === 'sign_off.withdrawn')).toMatchObject({ actor: 'system', summary: expect.stringContaining('理由：隐患已报告整改完成，自动撤回') });
  });

  it('B, left out of the approved 通报 (it reported 整改完成 first), has a history that says it was not 通报ed', async () => {
    const history = (await hazardDetail(await ops('2022-10-25T12:00:00+08:00'), { campaignId: C, hazardId: id.b })).history;
    const circulation = history.filter((h) => h.summary.includes('隐患逾期未整改的通报'));
    expect(circulation.map((h) => h.kind)).toEqual(['sign_off.awaiting', 'sign_off.approved', 'sign_off.unneeded']);
    expect(circulation[2].summary).toMatch(/^通报已签发，发出时此隐患已不在逾期未整改之列，未列入：/);
    expect(await r.db.hazardLetter.count({ where: { campaignId: C, hazardId: id.b, kind: 'circulate' } })).toBe(0);
  });

  it('a withdrawn 通报 never goes, its reason recorded; a withdrawal without a reason is refused', async () => {
    expect(seen.pending1017).toContain(CIRCULATION_1017);
    expect(seen.noReason).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(seen.withdrawn).toBe(200);
    expect(mailsOf(CIRCULATION_1017)).toHaveLength(0);
    expect(await r.db.hazardLetter.findUniqueOrThrow({ where: { businessKey: CIRCULATION_1017 } })).toMatchObject({ status: 'withdrawn', sentAt: null });
    const history = (await hazardDetail(await ops('2022-10-25T12:00:00+08:00'), { campaignId: C, hazardId: id.w })).history;
    expect(history.find((h) => h.kind === 'sign_off.withdrawn')?.summary).toContain('理由：该园已停课整改，另行处理');
    // W's own 通报 step is over: the chase does not bring it back
    const keys = (await r.db.hazardLetter.findMany({ where: { campaignId: C, hazardId: id.w, kind: 'circulate' } })).map((l) => [l.status, l.businessKey]);
    expect(keys).toEqual([['withdrawn', hazardLetterBusinessKey(C, id.w, 'r1/2022-10-10/circulate/2022-10-17')]]);
    // the campaign's history (`duban history`) has it too, under the hazard's 属地 and 隐患/<id>
    const { entries } = await campaignHistory({ db: r.db }, { campaignId: C });
    expect(entries.filter((e) => e.deliverable === `隐患/${id.w}` && e.kind === 'sign_off.withdrawn').map((e) => [e.unit, e.actor])).toEqual([['leicheng', 'operator:boss']]);
  });

  it('an approved 通报 whose hazards were all 撤销 meanwhile is not sent, and says so', async () => {
    expect(mailsOf(CIRCULATION_1018)).toHaveLength(0);
    expect(await r.db.hazardLetter.findUniqueOrThrow({ where: { businessKey: CIRCULATION_1018 } })).toMatchObject({ status: 'not_needed', sentAt: null });
    const history = (await hazardDetail(await ops('2022-10-25T12:00:00+08:00'), { campaignId: C, hazardId: id.x })).history;
    expect(history.map((h) => h.kind)).toEqual(expect.arrayContaining(['sign_off.awaiting', 'sign_off.approved', 'sign_off.unneeded']));
    expect((await pendingKeys()).filter((k) => k.includes('hazard-circulation'))).toEqual([]);
    // every letter sent at most once
    const keys = r.catcher!.messages().map((m) => m.headers['x-duban-key']);
    expect(keys.length).toBe(new Set(keys).size);
    expect((await r.env.client.workflow.getHandle(hazardWorkflowId(C, id.a)).describe()).status.name).toBe('RUNNING');
  });
});
