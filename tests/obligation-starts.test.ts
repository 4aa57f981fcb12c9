// Obligations' workflows start a day before their first notice (domain/obligation-start.ts), by the campaign's
// workflow, or at once when an operator acts on one earlier; the letters come when they did when every workflow
// started at launch. On the 洮南 campaign: 工作方案 is due 08-26 (its first reminder within a day of the 08-24 launch),
// 排查清单 09-05 (first reminder 08-31 09:00), the later stages weeks on.
import { WorkflowNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLaunchActivities } from '../activities/launch';
import { compileCampaign } from '../domain/compile';
import { parseCampaignDefinition } from '../domain/definition';
import { OBLIGATION_START_LEAD_MS, obligationStartBy } from '../domain/obligation-start';
import { noticeSchedule } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { actOnObligation } from '../operations/actions';
import { type Rehearsal, startRehearsal } from '../rehearsal/rehearsal';
import { type CampaignProgress, campaignProgressQuery, campaignWorkflowId, obligationWorkflowId } from '../shared/contract';
import { loadCampaign, scheduleContext, storeCampaign } from '../store/campaigns';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';
import { readFileSync } from 'node:fs';

const FILE = 'examples/taonan-2022-civil-affairs.yaml';
const CAMPAIGN = 'taonan-2022-civil-affairs';
const at = (iso: string) => parseInstant(iso, 'Asia/Shanghai')!;
const LAUNCH = at('2022-08-24T09:30:00+08:00');

describe.each(TEST_DATABASES)('on %s', (kind) => {
  let r: Rehearsal;
  let database: TestDatabase;
  const workflow = (unitId: string, deliverableId: string) => r.env.client.workflow.getHandle(obligationWorkflowId(CAMPAIGN, unitId, deliverableId));
  const row = (unitId: string, deliverableId: string) =>
    r.db.obligation.findUniqueOrThrow({ where: { campaignId_unitId_deliverableId: { campaignId: CAMPAIGN, unitId, deliverableId } } });

  beforeAll(async () => {
    database = await freshDatabase(kind);
    r = await startRehearsal({ databaseUrl: database.url });
    await r.launch(FILE, LAUNCH);
  });
  afterAll(async () => {
    await r?.close();
    await database?.drop();
  });

  it('starts at launch only the obligations whose first notice is within a day, and records when each other is due', async () => {
    const rows = await r.db.obligation.findMany({ where: { campaignId: CAMPAIGN } });
    expect(rows).toHaveLength(40);
    const { settings } = await loadCampaign(r.db, CAMPAIGN);
    for (const o of rows) {
      // the launch recorded each one's start time from its own schedule
      const startBy = obligationStartBy(scheduleContext(settings, CAMPAIGN, o.deliverableId), o.due, o.opensAt.getTime());
      expect(o.workflowStartBy?.getTime(), `${o.unitId}/${o.deliverableId}`).toBe(startBy);
    }
    const startedNow = rows.filter((o) => o.workflowStartBy!.getTime() <= LAUNCH);
    expect(new Set(startedNow.map((o) => o.deliverableId))).toEqual(new Set(['work-plan']));
    for (const o of rows) {
      if (o.workflowStartBy!.getTime() <= LAUNCH) {
        expect(o.workflowStartedAt, `${o.unitId}/${o.deliverableId}`).not.toBeNull();
        expect((await workflow(o.unitId, o.deliverableId).describe()).status.name).toBe('RUNNING');
      } else {
        expect(o.workflowStartedAt, `${o.unitId}/${o.deliverableId}`).toBeNull();
        await expect(workflow(o.unitId, o.deliverableId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      }
    }
    // 排查清单 (due 09-05): reminders 3, 1 and 0 working days before, the first on 08-31 at 09:00; started a day before it
    const wanbao = await row('wanbao', 'hazard-list');
    expect(noticeSchedule(scheduleContext(settings, CAMPAIGN, 'hazard-list'), '2022-09-05')[0].at).toBe(at('2022-08-31T09:00:00+08:00'));
    expect(wanbao.workflowStartBy?.getTime()).toBe(at('2022-08-31T09:00:00+08:00') - OBLIGATION_START_LEAD_MS);
    // the campaign's workflow sleeps until then
    const progress: CampaignProgress = await r.env.client.workflow.getHandle(campaignWorkflowId(CAMPAIGN)).query(campaignProgressQuery);
    expect(progress).toEqual({ started: startedNow.length, waitingUntil: r.clock().serverTimeAt(at('2022-08-30T09:00:00+08:00')) });
  });

  it('starts an obligation an operator acts on before its time, and takes the action', async () => {
    await r.advanceTo(at('2022-08-25T10:00:00+08:00'));
    expect((await row('taofu', 'hazard-list')).workflowStartedAt).toBeNull();
    const state = await actOnObligation(
      { client: r.env.client, db: r.db, searchAttributes: true },
      { campaignId: CAMPAIGN, unitId: 'taofu', deliverableId: 'hazard-list', event: { kind: 'submit' }, actor: 'li' },
    );
    expect(state.status).toBe('submitted');
    expect((await row('taofu', 'hazard-list')).workflowStartedAt).not.toBeNull();
    // an extension before its time too: the workflow starts from the launched deadline and moves it
    const extended = await actOnObligation(
      { client: r.env.client, db: r.db, searchAttributes: true },
      { campaignId: CAMPAIGN, unitId: 'tuanjie', deliverableId: 'rectification-ledger', event: { kind: 'extend', to: '2022-10-14', reason: '秋收' }, actor: 'li' },
    );
    expect(extended).toMatchObject({ status: 'open', deadline: '2022-10-14' });
    expect((await workflow('tuanjie', 'rectification-ledger').describe()).status.name).toBe('RUNNING');
    expect(await r.db.obligation.count({ where: { campaignId: CAMPAIGN, deliverableId: 'hazard-list', workflowStartedAt: { not: null } } })).toBe(1);
  });

  it('starts the rest a day before their first notice, which comes on time', async () => {
    await r.advanceTo(at('2022-08-30T09:05:00+08:00'));
    const hazardList = await r.db.obligation.findMany({ where: { campaignId: CAMPAIGN, deliverableId: 'hazard-list' } });
    expect(hazardList.every((o) => o.workflowStartedAt !== null)).toBe(true);
    expect((await workflow('wanbao', 'hazard-list').describe()).status.name).toBe('RUNNING');
    expect(await r.db.obligation.count({ where: { campaignId: CAMPAIGN, deliverableId: 'rectification-ledger', workflowStartedAt: null } })).toBe(7);
    await r.advanceTo(at('2022-08-31T10:00:00+08:00'));
    const reminders = await r.db.notice.findMany({ where: { campaignId: CAMPAIGN, deliverableId: 'hazard-list', action: 'reminder', status: 'sent' } });
    // every unit but taofu (submitted on 08-25) was reminded at 09:00 on 08-31
    expect(reminders.map((n) => n.unitId).sort()).toEqual(hazardList.map((o) => o.unitId).filter((u) => u !== 'taofu').sort());
    expect(new Set(reminders.map((n) => n.scheduledAt.getTime()))).toEqual(new Set([at('2022-08-31T09:00:00+08:00')]));
  });

  it('ends once every open obligation has its workflow, each started once', async () => {
    await r.advanceTo(at('2022-12-01T00:00:00+08:00'));
    const result = (await r.env.client.workflow.getHandle(campaignWorkflowId(CAMPAIGN)).result()) as { obligations: number; started: number };
    // all 40 but the two an operator started
    expect(result).toEqual({ obligations: 40, started: 38 });
    expect(await r.db.obligation.count({ where: { campaignId: CAMPAIGN, workflowStartedAt: null } })).toBe(0);
    const starts = r.db.notice.groupBy({ by: ['businessKey'], where: { campaignId: CAMPAIGN }, _count: true });
    expect((await starts).every((g) => g._count === 1)).toBe(true);
  });

  it('the activity starts due obligations a batch at a time, never a submitted or waived one', async () => {
    const text = readFileSync(FILE, 'utf8').replace(`id: ${CAMPAIGN}`, 'id: taonan-batches');
    const compiled = compileCampaign(parseCampaignDefinition(text, 'batches.yaml'), LAUNCH);
    expect(await storeCampaign(r.db, { compiled, yamlText: text, sourceFile: 'batches.yaml', actor: 'li', clockOffsetMs: r.offsetMs() })).toBe(true);
    const key = (unitId: string) => ({ campaignId_unitId_deliverableId: { campaignId: 'taonan-batches', unitId, deliverableId: 'work-plan' } });
    await r.db.obligation.update({ where: key('wafang'), data: { status: 'waived' } });
    await r.db.obligation.update({ where: key('taofu'), data: { status: 'submitted' } });
    const launch = createLaunchActivities({ db: r.db, client: r.env.client, taskQueue: r.taskQueue, searchAttributes: true });
    const serverNow = await r.env.currentTimeMs();
    const run = () =>
      new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: serverNow }).run(launch.startDueObligationWorkflows, { campaignId: 'taonan-batches', limit: 15 });
    // the rehearsal's clock is at 2022-12-01: every obligation is due to start; 38 open ones, 15 at a time
    expect(await run()).toEqual({ started: 15, more: true });
    expect(await run()).toEqual({ started: 15, more: true });
    expect(await run()).toEqual({ started: 8, more: false });
    expect(await run()).toEqual({ started: 0, more: false });
    const marked = await r.db.obligation.findMany({ where: { campaignId: 'taonan-batches', workflowStartedAt: { not: null } }, select: { unitId: true, deliverableId: true } });
    expect(marked).toHaveLength(38);
    for (const unitId of ['wafang', 'taofu']) {
      await expect(r.env.client.workflow.getHandle(obligationWorkflowId('taonan-batches', unitId, 'work-plan')).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  });
});
