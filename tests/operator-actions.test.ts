// Operator actions on running workflows, and the refusals a new user will meet; launch idempotence;
// an SMTP outage during a campaign; the CLI's validate refusing a bad file.
import { readFileSync, writeFileSync } from 'node:fs';
import { WorkflowNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { storeCampaign } from '../store/campaigns';
import { createLaunchActivities } from '../activities/launch';
import { compileCampaign } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { obligationWorkflowId } from '../shared/contract';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnObligation } from '../operations/actions';
import { main } from '../client/cli';
import { launchCampaign } from '../operations/launch';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { campaignHistory } from '../operations/history';
import { campaignStatus } from '../operations/status';
import type { ObligationEvent } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const FILE = 'examples/taonan-2022-civil-affairs.yaml';
const CAMPAIGN = 'taonan-2022-civil-affairs';
const at = (iso: string) => parseInstant(iso, 'Asia/Shanghai')!;
describe.each(TEST_DATABASES)('on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;

  const act = (unitId: string, deliverableId: string, event: ObligationEvent) =>
    actOnObligation({ client: r.env.client, db: r.db, searchAttributes: true }, { campaignId: CAMPAIGN, unitId, deliverableId, event, actor: 'li' });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url });
    r.catcher!.failNext(3); // the mail server is down for the first three deliveries
    await r.launch(FILE, at('2022-08-24T09:30:00+08:00'));
  });
  afterAll(async () => {
    await r?.close();
    await database?.drop();
  });

  describe('operator actions', () => {
    it('refuses a second launch of the same campaign', async () => {
      const again = await launchCampaign({ client: r.env.client, db: r.db, taskQueue: r.taskQueue, searchAttributes: true }, { file: FILE, actor: 'li' });
      expect(again.outcome).toBe('already-launched');
      expect(again.message).toBe('专项行动 taonan-2022-civil-affairs 已于 2022-08-24 09:30 由 rehearsal 启动，本次未启动任何新内容');
      expect(await r.db.campaign.count()).toBe(1);
      expect(await r.db.obligation.count()).toBe(40);
    });

    it('refuses actions that make no sense, with the reason, and changes nothing', async () => {
      await r.advanceTo(at('2022-08-25T12:00:00+08:00'));
      await expect(act('nosuch', 'work-plan', { kind: 'submit' })).rejects.toMatchObject({ code: 'UNKNOWN_UNIT', message: `专项行动 ${CAMPAIGN} 中没有单位“nosuch”` });
      await expect(act('taofu', 'nosuch', { kind: 'submit' })).rejects.toMatchObject({ code: 'UNKNOWN_DELIVERABLE', message: expect.stringContaining(`单位 taofu 在 ${CAMPAIGN} 中无需报送“nosuch”（它需报送：`) });
      await expect(
        actOnObligation({ client: r.env.client, db: r.db, searchAttributes: true }, { campaignId: 'nosuch', unitId: 'taofu', deliverableId: 'work-plan', event: { kind: 'submit' }, actor: 'li' }),
      ).rejects.toMatchObject({ code: 'UNKNOWN_CAMPAIGN', message: '找不到专项行动“nosuch”：它从未启动过' });
      await expect(act('taofu', 'work-plan', { kind: 'extend', to: '2022-08-20', reason: '太忙' })).rejects.toMatchObject({ code: 'DATE_IN_PAST', message: '截止日期 --to 2022-08-20 已过（今天是 2022-08-25）' });
      await expect(act('taofu', 'work-plan', { kind: 'extend', to: '2022-08-26', reason: '太忙' })).rejects.toMatchObject({ code: 'DATE_NOT_LATER' });
      await expect(act('taofu', 'work-plan', { kind: 'return', to: '2022-09-01', reason: '不合格' })).rejects.toMatchObject({ code: 'NOT_SUBMITTED' });

      expect((await act('taofu', 'work-plan', { kind: 'submit' })).status).toBe('submitted');
      await expect(act('taofu', 'work-plan', { kind: 'submit' })).rejects.toMatchObject({ code: 'ALREADY_SUBMITTED' });
      expect((await act('wafang', 'work-plan', { kind: 'waive', reason: '机构调整' })).status).toBe('waived');
      await expect(act('wafang', 'work-plan', { kind: 'submit' })).rejects.toMatchObject({ code: 'ALREADY_WAIVED' });
      const audit = await r.db.auditEvent.findMany({ where: { campaignId: CAMPAIGN, kind: { startsWith: 'obligation.' } } });
      expect(audit.map((a) => `${a.kind} ${a.unitId} ${a.actor}`).sort()).toEqual(['obligation.submit taofu li', 'obligation.waive wafang li']);
    });

    it('reports every obligation in status, with lateness and escalation', async () => {
      await r.advanceTo(at('2022-09-01T12:00:00+08:00'));
      await act('tuanjie', 'work-plan', { kind: 'submit' }); // due 08-26 (Fri): late on 08-29, 08-30, 08-31, 09-01
      const { rows } = await campaignStatus(r.db, CAMPAIGN, (await r.env.currentTimeMs()));
      const row = (unit: string, d = 'work-plan') => rows.find((x) => x.unit === unit && x.deliverable === d)!;
      expect(rows).toHaveLength(40);
      expect(row('taofu')).toMatchObject({ state: 'submitted', lateWorkingDays: 0, stateText: '已报送（按时）', summary: '已报送（按时）', nextStep: null });
      expect(row('tuanjie')).toMatchObject({ state: 'submitted', lateWorkingDays: 4, escalation: 'notice' }); // 督办通知 went out on 08-31
      expect(row('wafang')).toMatchObject({ state: 'waived' });
      expect(row('wanbao')).toMatchObject({ state: 'overdue', escalation: 'notice' });
      expect(row('wanbao').summary).toBe('逾期（截止 2022-08-26），督办等级：督办通知');
      // 督办通知 went out on 08-31 (3rd working day after 08-26); 通报 on the 5th, 09-02
      expect(row('wanbao').nextStep).toEqual({ action: 'circulate', at: '2022-09-02T09:00:00+08:00' });
      expect(row('tuanjie')).toMatchObject({ stateText: '已报送（逾期4个工作日）；曾达督办等级：督办通知', nextStep: null });
      expect(row('wanbao', 'hazard-list')).toMatchObject({ state: 'open', due: '2022-09-05', stateText: '未到期' });
      // reminders 3, 1 and 0 working days before 09-05 (Mon): 08-31, 09-02, 09-05
      expect(row('wanbao', 'hazard-list').nextStep).toEqual({ action: 'reminder', at: '2022-09-02T09:00:00+08:00' });
    });

    it('tells the history in Chinese: duban’s record and the workflow’s events', async () => {
      const { entries, warnings } = await campaignHistory({ db: r.db, client: r.env.client }, { campaignId: CAMPAIGN, unitId: 'taofu' });
      expect(warnings).toEqual([]);
      const said = (source: string, unit: string | undefined, deliverable?: string) =>
        entries.filter((e) => e.source === source && e.unit === unit && (!deliverable || e.deliverable === deliverable)).map((e) => e.summary);
      expect(said('duban', undefined)).toEqual(['启动专项行动“洮南市民政局安全生产领域风险隐患问题专项整治”：8 个单位，40 项报送任务']);
      expect(said('duban', 'taofu', 'work-plan')).toEqual(expect.arrayContaining(['登记报送（截止 2022-08-26，按时）']));
      expect(said('duban', 'taofu', 'work-plan').filter((s) => s.startsWith('发送提醒：'))).not.toHaveLength(0);
      const workflow = said('temporal', 'taofu', 'work-plan');
      expect(workflow[0]).toBe('工作流启动（截止日期 2022-08-26）');
      expect(workflow).toContain('受理操作：报送（操作人：li）');
      expect(workflow.some((s) => /^等待至 2022-\d\d-\d\d \d\d:\d\d 进入下一步，除非单位或安委办先行处理$/.test(s))).toBe(true);
      expect(workflow.some((s) => s.startsWith('安排执行：发送通知（提醒 2022-08-26/reminder/'))).toBe(true);
      const waived = await campaignHistory({ db: r.db }, { campaignId: CAMPAIGN, unitId: 'wafang' });
      expect(waived.entries.map((e) => e.summary)).toContain('免报（理由：机构调整）');
    });

    it('delivered everything once despite the SMTP outage at the start', async () => {
      const mails = r.catcher!.messages();
      const sent = await r.db.notice.findMany({ where: { campaignId: CAMPAIGN, status: 'sent' } });
      const told = await r.db.unitMessage.findMany({ where: { campaignId: CAMPAIGN, status: 'sent' } }); // wafang's 免报 letter
      expect(sent.length).toBeGreaterThan(3);
      expect(told.map((m) => `${m.unitId} ${m.kind}`)).toEqual(['wafang waived']);
      expect(mails).toHaveLength(sent.length + told.length);
      expect(new Set(mails.map((m) => m.headers['x-duban-key'])).size).toBe(mails.length);
      expect(sent.some((n) => n.attempts > 1)).toBe(true);
    });
  });

  describe('launching a campaign whose every deadline has passed', () => {
    it('is refused with the reason and records nothing, unless the operator says --allow-past', async () => {
      const file = join(tmpdir(), 'duban-taonan-late.yaml');
      writeFileSync(file, readFileSync(FILE, 'utf8').replace(`id: ${CAMPAIGN}`, 'id: taonan-late'));
      const deps = { client: r.env.client, db: r.db, taskQueue: r.taskQueue, searchAttributes: true };
      const args = { file, actor: 'li', launchAt: at('2023-06-01T10:00:00+08:00'), clockOffsetMs: r.offsetMs() };
      await expect(launchCampaign(deps, args)).rejects.toMatchObject({ code: 'NOTHING_TO_CHASE', message: expect.stringContaining('最晚的是 2022-11-30') });
      expect(await r.db.campaign.findUnique({ where: { id: 'taonan-late' } })).toBeNull();
      expect(await launchCampaign(deps, { ...args, allowPast: true })).toMatchObject({ outcome: 'launched', obligations: 40 });
    });
  });

  describe('starting obligation workflows', () => {
    it('never starts a submitted or waived obligation again, whatever Temporal remembers', async () => {
      const text = readFileSync(FILE, 'utf8').replace(`id: ${CAMPAIGN}`, 'id: taonan-copy');
      const compiled = compileCampaign(parseCampaignDefinition(text, 'copy.yaml'), at('2022-08-24T09:30:00+08:00'));
      expect(await storeCampaign(r.db, { compiled, yamlText: text, sourceFile: 'copy.yaml', actor: 'li', clockOffsetMs: r.offsetMs() })).toBe(true);
      const key = (unitId: string) => ({ campaignId_unitId_deliverableId: { campaignId: 'taonan-copy', unitId, deliverableId: 'work-plan' } });
      await r.db.obligation.update({ where: key('wafang'), data: { status: 'waived' } });
      await r.db.obligation.update({ where: key('taofu'), data: { status: 'submitted' } });
      const launch = createLaunchActivities({ db: r.db, client: r.env.client, taskQueue: r.taskQueue, searchAttributes: true });
      const started = await new MockActivityEnvironment().run(launch.startObligationWorkflows, { campaignId: 'taonan-copy', offset: 0, limit: 100 });
      expect(started).toBe(38);
      await expect(r.env.client.workflow.getHandle(obligationWorkflowId('taonan-copy', 'wafang', 'work-plan')).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      const running = await r.env.client.workflow.getHandle(obligationWorkflowId('taonan-copy', 'wanbao', 'work-plan')).describe();
      expect(running.status.name).toBe('RUNNING');
    });
  });

  describe('duban validate', () => {
    it('rejects a bad file naming file, line and field, and exits 1', async () => {
      const bad = join(tmpdir(), 'duban-bad-campaign.yaml');
      writeFileSync(bad, 'campaign:\n  id: x\n  title: t\n  office: { name: o, email: o@x.example }\nunits:\n  - id: a\n    name: A\n    type: village\n');
      const errors: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
      try {
        expect(await main(['validate', bad])).toBe(1);
      } finally {
        process.stderr.write = write;
      }
      expect(errors.join('')).toContain(`${bad}：第8行第11列：units[0].type：未知的单位类型“village”`);
    });
  });
});
