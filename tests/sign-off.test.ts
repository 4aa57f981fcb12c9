// 签发: which steps wait for a leader's sign-off (the policy's signOff), and what a campaign stored before it does.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { DEFAULT_POLICY, needsSignOff } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { actOnObligation } from '../operations/actions';
import { decideSignOff, pendingSignOffs } from '../operations/sign-off';
import { campaignStatus } from '../operations/status';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';
import { addOperator } from '../access/operators';
import { parseAssumptions } from '../domain/assumptions';
import { compileCampaign } from '../domain/compile';
import { planCampaign } from '../domain/plan';
import { readDefinitionFile } from '../operations/definition-file';
import { simulateCampaign } from '../rehearsal/simulate';
import { createConsoleServer } from '../web/server';
import { session } from './support/console-session';

const LEIZHOU_FILE = 'examples/leizhou-2022-assessment.yaml';
const LEIZHOU = readFileSync(new URL(`../${LEIZHOU_FILE}`, import.meta.url), 'utf8');

describe('the policy says which steps need a leader’s 签发', () => {
  it('by default 通报 and 约谈; a deliverable can say otherwise; anything else is refused', () => {
    expect(DEFAULT_POLICY.signOff).toEqual(['circulate', 'interview']);
    const withPolicy = (policy: string) => LEIZHOU.replace(/^policy:\n {2}signOff: \[\]\n/m, `policy:\n${policy}\n`);
    const none = parseCampaignDefinition(withPolicy('  signOff: []'), 'x.yaml');
    expect(none.policy.signOff).toEqual([]);
    expect(none.deliverables.every((d) => d.policy.signOff?.length === 0)).toBe(true);
    const one = parseCampaignDefinition(withPolicy('  signOff: [interview]'), 'x.yaml');
    expect(needsSignOff(one.policy, 'interview')).toBe(true);
    expect(needsSignOff(one.policy, 'circulate')).toBe(false);
    let err: unknown;
    try {
      parseCampaignDefinition(withPolicy('  signOff: [urge]'), 'x.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DubanError);
    expect((err as DubanError).details.join('\n')).toMatch(/policy\.signOff\[0\]/);
  });

  it('a policy recorded before sign-off existed (no signOff) holds nothing back', () => {
    const { signOff: _, ...old } = DEFAULT_POLICY;
    expect(needsSignOff(old, 'circulate')).toBe(false);
    expect(needsSignOff(old, 'interview')).toBe(false);
    expect(needsSignOff(DEFAULT_POLICY, 'notice')).toBe(false);
  });
});

// ---- the 通报 held for 签发, on the time-skipping server with both databases

const SIGNED_FILE = join(mkdtempSync(join(tmpdir(), 'duban-sign-off-')), 'leizhou-signed.yaml');
writeFileSync(SIGNED_FILE, LEIZHOU.replace(/^policy:\n {2}signOff: \[\]\n/m, 'policy:\n  signOff: [circulate]\n'));
const CAMPAIGN = 'leizhou-2022-assessment';
const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const KEY18 = `${CAMPAIGN}/circulation/2022-10-18/0900`;
const KEY19 = `${CAMPAIGN}/circulation/2022-10-19/0900`;


describe.each(TEST_DATABASES)('on %s: a 通报 waits for a leader’s 签发', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  let base: string;
  let close: (() => Promise<unknown>) | undefined;
  let serverNow = 0;
  const deps = () => ({ client: r.env.client, db: r.db, searchAttributes: true });
  const caught = (key: string) => r.catcher!.messages().filter((m) => m.headers['x-duban-key'] === key);

  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(SIGNED_FILE, at('2022-10-08T10:00:00+08:00'));
    const app = await createConsoleServer({
      db: r.db,
      client: r.env.client,
      taskQueue: r.taskQueue,
      searchAttributes: true,
      namespace: 'default',
      dataDir: mkdtempSync(join(tmpdir(), 'duban-sign-off-console-')),
      publicUrl: 'http://console.test',
      maxUploadBytes: 64 * 1024,
      now: () => serverNow,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    close = () => app.close();
    await addOperator(r.db, { name: 'boss', displayName: '王领导', role: 'leader', password: 'leader password', createdBy: 'test' });
    await addOperator(r.db, { name: 'clerk', displayName: '李办事', role: 'clerk', password: 'clerk password', createdBy: 'test' });
    await r.advanceTo(at('2022-10-18T10:00:00+08:00'));
    serverNow = await r.env.currentTimeMs();
  });
  afterAll(async () => {
    await close?.();
    await r?.close();
    await database?.drop();
  });

  it('holds the 通报 as 待签发 at its time, sends it when a leader approves two days later, without the unit that submitted meanwhile', async () => {
    expect(caught(KEY18)).toHaveLength(0);
    expect(await r.db.notice.count({ where: { campaignId: CAMPAIGN, action: 'circulate' } })).toBe(0);
    const [pending] = await pendingSignOffs(r.db, CAMPAIGN);
    expect(pending).toMatchObject({ key: KEY18, action: 'circulate', scheduledAt: '2022-10-18T09:00:00+08:00' });
    expect(pending.subject).toContain('的通报');
    expect(pending.text).toContain('市民政局：');
    expect(pending.listed.some((o) => o.unitId === 'minzheng')).toBe(true);
    expect(await r.db.auditEvent.count({ where: { kind: 'sign_off.awaiting', unitId: 'minzheng' } })).toBe(1);

    // 市民政局 submits while the letter waits; nothing else waits for it (the 约谈 of 10-20 still goes out)
    await actOnObligation(deps(), { campaignId: CAMPAIGN, unitId: 'minzheng', deliverableId: 'assessment-report', event: { kind: 'submit' }, actor: 'wu' });
    await r.advanceTo(at('2022-10-20T10:00:00+08:00'));
    expect(await r.db.notice.count({ where: { campaignId: CAMPAIGN, unitId: 'jiaoyu', action: 'interview', status: 'sent' } })).toBe(1);
    expect((await pendingSignOffs(r.db, CAMPAIGN)).map((p) => p.key)).toEqual([KEY18, KEY19]);

    // the board and status show it; a clerk may see it but not sign it off; a leader approves it through the console
    serverNow = await r.env.currentTimeMs();
    const leader = await session(base, 'boss', 'leader password');
    const clerk = await session(base, 'clerk', 'clerk password');
    const board = await leader('GET', `/api/campaigns/${CAMPAIGN}/board?pageSize=200`);
    const rows = (board.body.rows as { unitId: string; awaitingSignOff: string | null; summary: string }[]);
    expect(rows.find((x) => x.unitId === 'jiaoyu')).toMatchObject({ awaitingSignOff: 'circulate' });
    expect(rows.find((x) => x.unitId === 'jiaoyu')!.summary).toContain('通报待签发');
    expect(rows.find((x) => x.unitId === 'minzheng')).toMatchObject({ awaitingSignOff: null });
    const status = await campaignStatus(r.db, CAMPAIGN, serverNow);
    expect(status.rows.find((x) => x.unit === 'jiaoyu')!.stateText).toContain('通报待签发');
    const listed = await clerk('GET', `/api/campaigns/${CAMPAIGN}/sign-offs`);
    expect((listed.body.signOffs as { key: string }[]).map((x) => x.key)).toEqual([KEY18, KEY19]);
    const path = `/api/sign-offs/${encodeURIComponent(KEY18)}`;
    expect((await clerk('POST', `${path}/approve`, {})).body.error?.code).toBe('FORBIDDEN');
    await expect(decideSignOff(deps(), { key: KEY18, decision: 'approve', actor: 'operator:clerk', role: 'clerk' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const approved = await leader('POST', `${path}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body.decision).toMatchObject({ decision: 'approve', actor: 'operator:boss' });
    // the answer comes once the decision is recorded: the list read right after no longer has the letter
    expect(((await clerk('GET', `/api/campaigns/${CAMPAIGN}/sign-offs`)).body.signOffs as { key: string }[]).map((x) => x.key)).toEqual([KEY19]);
    await until(async () => (await r.db.circulation.findUniqueOrThrow({ where: { circulationKey: KEY18 } })).status === 'sent');
    const mails = caught(KEY18);
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('2022年10月20日');
    expect(mails[0].text).not.toContain('市民政局：');
    expect(mails[0].text).toContain('市教育局：');
    const row = await r.db.circulation.findUniqueOrThrow({ where: { circulationKey: KEY18 } });
    expect(row.documentNumber).toMatch(/^雷安办〔2022〕\d+号$/);
    expect(mails[0].subject).toContain(row.documentNumber!);
    expect(await r.db.notice.count({ where: { campaignId: CAMPAIGN, unitId: 'minzheng', action: 'circulate' } })).toBe(0);
    expect(await r.db.notice.findFirstOrThrow({ where: { campaignId: CAMPAIGN, unitId: 'jiaoyu', action: 'circulate' } })).toMatchObject({ status: 'sent', documentNumber: row.documentNumber });
    expect(await r.db.auditEvent.findFirstOrThrow({ where: { kind: 'sign_off.approved', unitId: 'jiaoyu' } })).toMatchObject({ actor: 'operator:boss' });
    // decided once
    await expect(decideSignOff(deps(), { key: KEY18, decision: 'withdraw', reason: 'x', actor: 'operator:boss', role: 'leader' })).rejects.toMatchObject({ code: 'REQUEST_DECIDED' });
  });

  it('records a withdrawal with its reason and sends nothing', async () => {
    await expect(decideSignOff(deps(), { key: KEY19, decision: 'withdraw', actor: 'operator:boss', role: 'admin' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await decideSignOff(deps(), { key: KEY19, decision: 'withdraw', reason: '各镇已电话报备', actor: 'operator:boss', role: 'admin' });
    const result = await r.env.client.workflow.getHandle(`duban/${KEY19}`).result();
    expect(result.outcome).toBe('withdrawn');
    expect(caught(KEY19)).toHaveLength(0);
    expect(await r.db.circulation.findUniqueOrThrow({ where: { circulationKey: KEY19 } })).toMatchObject({ status: 'withdrawn', documentNumber: null });
    const withdrawn = await r.db.auditEvent.findMany({ where: { kind: 'sign_off.withdrawn' } });
    expect(withdrawn.length).toBe(result.listed.length);
    expect(withdrawn[0].summary).toContain('各镇已电话报备');
    expect(await pendingSignOffs(r.db, CAMPAIGN)).toEqual([]);
  });
});

describe.each(TEST_DATABASES)('on %s: a 通报 approved after every unit it listed came in', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  const deps = () => ({ client: r.env.client, db: r.db, searchAttributes: true });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(SIGNED_FILE, at('2022-10-08T10:00:00+08:00'));
    await r.advanceTo(at('2022-10-18T10:00:00+08:00'));
  });
  afterAll(async () => {
    await r?.close();
    await database?.drop();
  });

  it('is not sent, and the record of each unit it listed says so', async () => {
    const [pending] = await pendingSignOffs(r.db, CAMPAIGN);
    expect(pending.key).toBe(KEY18);
    for (const o of pending.listed) {
      await actOnObligation(deps(), { campaignId: CAMPAIGN, unitId: o.unitId, deliverableId: o.deliverableId, event: { kind: 'submit' }, actor: 'wu' });
    }
    await decideSignOff(deps(), { key: KEY18, decision: 'approve', actor: 'operator:boss', role: 'leader' });
    const result = await r.env.client.workflow.getHandle(`duban/${KEY18}`).result();
    expect(result.outcome).toBe('nobody');
    expect(r.catcher!.messages().filter((m) => m.headers['x-duban-key'] === KEY18)).toHaveLength(0);
    expect(await r.db.circulation.findUniqueOrThrow({ where: { circulationKey: KEY18 } })).toMatchObject({ status: 'not_needed', documentNumber: null });
    const unneeded = await r.db.auditEvent.findMany({ where: { kind: 'sign_off.unneeded' } });
    expect(unneeded.map((e) => e.unitId).sort()).toEqual(pending.listed.map((o) => o.unitId).sort());
    expect(unneeded[0].summary).toContain('未发出');
    expect(await r.db.notice.count({ where: { campaignId: CAMPAIGN, action: 'circulate' } })).toBe(0);
  });
});

// ---- the 约谈通知 held for 签发: the obligation keeps taking actions, and nothing else waits

const INTERVIEW_FILE = join(mkdtempSync(join(tmpdir(), 'duban-sign-off-')), 'leizhou-interview-signed.yaml');
writeFileSync(INTERVIEW_FILE, LEIZHOU.replace(/^policy:\n {2}signOff: \[\]\n/m, 'policy:\n  signOff: [interview]\n'));
const interviewKey = (unit: string) => `${CAMPAIGN}/${unit}/assessment-report/2022-10-11/interview/2022-10-20`;

describe.each(TEST_DATABASES)('on %s: a 约谈通知 waits for a leader’s 签发', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  const deps = () => ({ client: r.env.client, db: r.db, searchAttributes: true });
  const caught = (key: string) => r.catcher!.messages().filter((m) => m.headers['x-duban-key'] === key);
  const row = (unit: string) => r.db.notice.findUnique({ where: { businessKey: interviewKey(unit) } });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(INTERVIEW_FILE, at('2022-10-08T10:00:00+08:00'));
    await r.advanceTo(at('2022-10-20T10:00:00+08:00'));
  });
  afterAll(async () => {
    await r?.close();
    await database?.drop();
  });

  it('holds the 约谈通知 as 待签发; a submission withdraws it, a leader approves or withdraws the others; nothing else waits', async () => {
    expect(await row('jiaoyu')).toMatchObject({ status: 'awaiting_sign_off', documentNumber: null });
    expect(caught(interviewKey('jiaoyu'))).toHaveLength(0);
    const pending = await pendingSignOffs(r.db, CAMPAIGN);
    const jiaoyu = pending.find((p) => p.key === interviewKey('jiaoyu'))!;
    expect(jiaoyu).toMatchObject({ action: 'interview', scheduledAt: '2022-10-20T09:00:00+08:00', listed: [{ unitId: 'jiaoyu', unitName: '市教育局' }] });
    expect(jiaoyu.subject).toContain('约谈');
    const status = await campaignStatus(r.db, CAMPAIGN, await r.env.currentTimeMs());
    expect(status.rows.find((x) => x.unit === 'jiaoyu')).toMatchObject({ awaitingSignOff: 'interview' });

    // the obligation still takes a submission, which withdraws its letter
    const submitted = await actOnObligation(deps(), { campaignId: CAMPAIGN, unitId: 'jiaoyu', deliverableId: 'assessment-report', event: { kind: 'submit' }, actor: 'wu' });
    expect(submitted.status).toBe('submitted');
    await until(async () => (await row('jiaoyu'))?.status === 'withdrawn');
    expect(await r.db.auditEvent.findFirstOrThrow({ where: { kind: 'sign_off.withdrawn', unitId: 'jiaoyu' } })).toMatchObject({ actor: 'system' });
    await expect(decideSignOff(deps(), { key: interviewKey('jiaoyu'), decision: 'approve', actor: 'operator:boss', role: 'leader' })).rejects.toMatchObject({ code: 'REQUEST_DECIDED' });

    // nothing else waited: the towns' 通报 of 10-19 went out, and their ladder goes on
    await r.advanceTo(at('2022-10-21T10:00:00+08:00'));
    expect(await r.db.notice.count({ where: { campaignId: CAMPAIGN, unitId: 'xihu', action: 'circulate', status: 'sent' } })).toBe(1);

    await expect(decideSignOff(deps(), { key: interviewKey('gongan'), decision: 'approve', actor: 'operator:clerk', role: 'clerk' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await decideSignOff(deps(), { key: interviewKey('gongan'), decision: 'approve', actor: 'operator:boss', role: 'leader' });
    await decideSignOff(deps(), { key: interviewKey('minzheng'), decision: 'withdraw', reason: '已当面督促', actor: 'operator:boss', role: 'leader' });
    await until(async () => (await row('gongan'))?.status === 'sent');
    const [mail] = caught(interviewKey('gongan'));
    expect(mail.text).toContain('2022年10月21日');
    expect((await row('gongan'))!.documentNumber).toMatch(/^雷安办〔2022〕\d+号$/);
    expect(await r.db.obligation.findUniqueOrThrow({ where: { campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId: 'gongan', deliverableId: 'assessment-report' } } })).toMatchObject({ escalation: 'interview' });
    await until(async () => (await row('minzheng'))?.status === 'withdrawn');
    expect(caught(interviewKey('minzheng'))).toHaveLength(0);
    expect(await r.db.auditEvent.findFirstOrThrow({ where: { kind: 'sign_off.withdrawn', unitId: 'minzheng' } })).toMatchObject({ actor: 'operator:boss' });
    expect((await r.db.auditEvent.findFirstOrThrow({ where: { kind: 'sign_off.withdrawn', unitId: 'minzheng' } })).summary).toContain('已当面督促');
  });
});

async function until(what: () => Promise<boolean>) {
  for (let i = 0; i < 150; i++) {
    if (await what()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('timed out');
}

// ---- plan and simulate agree with 签发 on (the default), --assume approving and withdrawing

const SIGN_OFF_ASSUMPTIONS = `
- { unit: minzheng, deliverable: assessment-report, submit: "2022-10-19T10:00:00+08:00" }
- { unit: gongan, deliverable: assessment-report, approve: { at: "2022-10-20T10:00:00+08:00", step: circulate } }
- { unit: xihu, deliverable: assessment-report, withdraw: { at: "2022-10-20T11:00:00+08:00", step: circulate, reason: 各镇已电话报备 } }
- { unit: shuiwu, deliverable: assessment-report, submit: "2022-10-20T12:00:00+08:00" }
- { unit: gongan, deliverable: assessment-report, approve: { at: "2022-10-21T08:00:00+08:00", step: interview } }
- { unit: ziranziyuan, deliverable: assessment-report, withdraw: { at: "2022-10-21T08:30:00+08:00", step: interview, reason: 已当面督促 } }
- { unit: zhujian, deliverable: assessment-report, approve: { at: "2022-10-24T10:00:00+08:00", step: interview } }
`;
const DEFAULT_FILE = join(mkdtempSync(join(tmpdir(), 'duban-sign-off-')), 'leizhou-default.yaml');
writeFileSync(DEFAULT_FILE, LEIZHOU.replace(/^policy:\n {2}signOff: \[\]\n/m, ''));

describe('plan with 签发', () => {
  it('lists a held letter only when an assumption approves it, without the units no longer late then', () => {
    const { def } = readDefinitionFile(DEFAULT_FILE);
    expect(def.policy.signOff).toEqual(['circulate', 'interview']);
    const compiled = compileCampaign(def, at('2022-10-08T10:00:00+08:00'));
    const planned = planCampaign(compiled, parseAssumptions(SIGN_OFF_ASSUMPTIONS, 'a.yaml', ZONE));
    const of = (unit: string) => planned.filter((p) => p.unit === unit && ['circulate', 'interview'].includes(p.action)).map((p) => `${p.action} ${p.at.slice(0, 10)}`);
    expect(of('gongan')).toEqual(['circulate 2022-10-18', 'interview 2022-10-20']);
    expect(of('jiaoyu')).toEqual(['circulate 2022-10-18']); // its 约谈 never approved
    expect(of('minzheng')).toEqual([]); // submitted while the 通报 waited
    expect(of('xihu')).toEqual([]); // its 通报 withdrawn, its 约谈 never approved
    expect(of('zhujian')).toEqual(['interview 2022-10-21']);
    expect(of('ziranziyuan')).toEqual(['circulate 2022-10-18']);
    expect(() => planCampaign(compiled, parseAssumptions('- { unit: jiaoyu, deliverable: assessment-report, approve: { at: "2022-10-12T10:00:00+08:00", step: interview } }', 'b.yaml', ZONE))).toThrow(/b\.yaml: entry 1/);
  });

  it.each(TEST_DATABASES)('simulate equals plan on %s', async (kind) => {
    const { def } = readDefinitionFile(DEFAULT_FILE);
    const compiled = compileCampaign(def, at('2022-10-08T10:00:00+08:00'));
    const assumptions = parseAssumptions(SIGN_OFF_ASSUMPTIONS, 'a.yaml', ZONE);
    const database = await freshDatabase(kind);
    try {
      const simulated = await simulateCampaign({ file: DEFAULT_FILE, compiled, assumptions, databaseUrl: database.url });
      expect(simulated).toEqual(planCampaign(compiled, assumptions));
    } finally {
      await database.drop();
    }
  });
});
