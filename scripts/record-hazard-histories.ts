// Records histories of the hazard chase (workflows/hazard.ts) into tests/histories/ (hazard-vN-*.binpb), for
// tests/replay.test.ts, as scripts/record-histories.ts does for the obligations: `npx tsx scripts/record-hazard-histories.ts
// v1`. Re-record only when a change is deliberately incompatible (and then version the workflow); keep the older sets.
// The campaign is the one of tests/hazard-chase.test.ts, launched 2022-09-26: a hazard due on a holiday chased up the
// whole ladder and edited on the way; one extended; one reported, failing its 验收 and passing the second; a 重大 one
// listed, accepted and taken down. From v2 on a hazard's 通报 step joins the day's one 通报 (patched
// 'hazard-daily-circulation'), and a second hazard due on the holiday is listed in the same 通报 (holiday-pair). From v3
// on the campaign signs its 通报 and 约谈通知 off (patched 'hazard-sign-off'): the 10-12 通报 approved two days later,
// the holiday hazard's 约谈通知 approved, the pair's withdrawn by its 整改完成, the extended hazard's 通报 withdrawn and
// its 约谈通知 approved; the two 通报 workflows (hazardCirculationWorkflow) are recorded too.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import type { HazardEvent } from '../domain/hazards';
import { parseInstant } from '../domain/zoned-time';
import { type HazardDeps, actOnHazard, actOnHazardListing, listHazardForSupervision, reportHazard } from '../operations/hazards';
import { decideSignOff } from '../operations/sign-off';
import { startRehearsal } from '../rehearsal/rehearsal';
import { hazardCirculationWorkflowId, hazardLetterBusinessKey } from '../shared/hazard-activities';
import { hazardWorkflowId } from '../shared/hazard-contract';
import { FILES, HAZARD_CAMPAIGN as C, HAZARD_CAMPAIGN_YAML, hazardFacts } from '../tests/support/hazard-campaign';

const prefix = process.argv[2];
if (!prefix || !/^v\d+$/.test(prefix)) throw new Error('usage: npx tsx scripts/record-hazard-histories.ts vN');
const at = (iso: string) => parseInstant(iso, 'Asia/Shanghai')!;
const file = join(mkdtempSync(join(tmpdir(), 'duban-hazard-histories-')), 'campaign.yaml');
const signed = Number(prefix.slice(1)) >= 3;
writeFileSync(file, signed ? HAZARD_CAMPAIGN_YAML.replace('policy:\n  signOff: []\n', 'policy:\n  signOff: [circulate, interview]\n') : HAZARD_CAMPAIGN_YAML);

const r = await startRehearsal();
try {
  await r.launch(file, at('2022-09-26T10:00:00+08:00'));
  const ops = async (when: string): Promise<HazardDeps> => {
    await r.advanceTo(at(when));
    return { db: r.db, client: r.env.client, taskQueue: r.taskQueue, now: () => at(when) - r.offsetMs() };
  };
  const act = async (hazardId: string, when: string, event: HazardEvent) =>
    actOnHazard(await ops(when), { campaignId: C, hazardId, actor: 'recorder', role: 'leader', event });
  const report = async (f: Parameters<typeof hazardFacts>[0]) =>
    (await reportHazard(await ops('2022-09-26T10:30:00+08:00'), { campaignId: C, facts: hazardFacts(f), origin: 'console', actor: 'recorder' })).row.id;

  const generation = Number(prefix.slice(1));
  const holiday = await report({ deadline: '2022-10-03' });
  const pair = generation >= 2 ? await report({ site: '新城某加油站', townId: 'xincheng', departmentId: 'yingji', deadline: '2022-10-03' }) : undefined;
  const extended = await report({ site: '新城某商场', townId: 'xincheng', departmentId: 'yingji' });
  const reround = await report({ site: '新城某学校', townId: 'xincheng' });
  const listed = await report({
    site: '雷城某化工厂',
    departmentId: 'yingji',
    level: 'major',
    basis: '《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第十条',
    deadline: '2022-10-20',
  });
  await act(listed, '2022-09-26T11:00:00+08:00', {
    kind: 'plan',
    plan: { measures: '增设自动化控制系统', responsibility: '李厂长', fundsWan: 120, deadline: '2022-10-20', contingency: '专人值守' },
  });
  await act(listed, '2022-09-26T11:05:00+08:00', { kind: 'start' });
  await listHazardForSupervision(await ops('2022-09-27T10:00:00+08:00'), { campaignId: C, hazardId: listed, actor: 'recorder', role: 'leader', level: 'city', documentNumber: '雷安委办督〔2022〕3号' });
  await act(reround, '2022-09-27T11:00:00+08:00', { kind: 'start' });
  await act(reround, '2022-09-29T12:00:00+08:00', { kind: 'report_done', done: '更换老化线路', files: FILES });
  await act(holiday, '2022-10-10T12:00:00+08:00', { kind: 'edit', changes: { description: '消防通道被车辆占用' } });
  await act(extended, '2022-10-11T16:00:00+08:00', { kind: 'extend', to: '2022-10-20', reason: '需采购专用门禁设备', approvedBy: '安委办主任' });
  await act(listed, '2022-10-12T15:00:00+08:00', { kind: 'report_done', done: '自动化控制系统已投用', files: FILES });
  const sign = async (when: string, key: string, decision: 'approve' | 'withdraw', reason?: string) => {
    await r.advanceTo(at(when));
    await decideSignOff({ client: r.env.client, db: r.db }, { key, decision, actor: 'operator:recorder', role: 'leader', ...(reason ? { reason } : {}) });
  };
  if (signed && pair) {
    await act(pair, '2022-10-14T09:00:00+08:00', { kind: 'start' });
    await act(pair, '2022-10-14T09:30:00+08:00', { kind: 'report_done', done: '加装防撞设施', files: FILES });
    await sign('2022-10-14T10:00:00+08:00', `${C}/hazard-circulation/2022-10-12/0900`, 'approve');
    await sign('2022-10-14T10:30:00+08:00', hazardLetterBusinessKey(C, holiday, 'r1/2022-10-03/interview/2022-10-13'), 'approve');
  }
  await act(reround, '2022-10-12T15:00:00+08:00', {
    kind: 'accept',
    by: '李验收',
    on: '2022-10-12',
    result: 'fail',
    opinion: '配电箱未加锁',
    files: FILES,
    newDeadline: '2022-10-21',
  });
  await act(listed, '2022-10-19T15:00:00+08:00', { kind: 'accept', by: '陈验收', on: '2022-10-19', result: 'pass', files: FILES });
  await actOnHazardListing(await ops('2022-10-20T10:00:00+08:00'), { campaignId: C, hazardId: listed, actor: 'recorder', role: 'leader', event: { kind: 'delist', approvedBy: '安委办主任' } });
  await act(reround, '2022-10-25T12:00:00+08:00', { kind: 'report_done', done: '配电箱加锁', files: FILES });
  await act(reround, '2022-10-26T10:00:00+08:00', { kind: 'accept', by: '李验收', on: '2022-10-26', result: 'pass', files: FILES });
  if (signed) {
    await sign('2022-10-27T10:00:00+08:00', `${C}/hazard-circulation/2022-10-27/0900`, 'withdraw', '已采购门禁设备，正在安装');
    await sign('2022-10-28T10:00:00+08:00', hazardLetterBusinessKey(C, extended, 'r1/2022-10-20/interview/2022-10-28'), 'approve');
  }
  await r.advanceTo(at('2022-11-10T00:00:00+08:00'));
  const picks: [string, string][] = [
    ['holiday', holiday],
    ['extended', extended],
    ['reround', reround],
    ['listed', listed],
    ...(pair ? [['holiday-pair', pair] as [string, string]] : []),
  ];
  const circulations: [string, string][] = signed
    ? ['2022-10-12', '2022-10-27'].map((day) => [`circulation-${day}`, hazardCirculationWorkflowId(`${C}/hazard-circulation/${day}/0900`)])
    : [];
  for (const [name, workflowId] of [...picks.map(([n, id]): [string, string] => [n, hazardWorkflowId(C, id)]), ...circulations]) {
    const history = await r.env.client.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(`tests/histories/hazard-${prefix}-${name}.binpb`, proto.temporal.api.history.v1.History.encode(history).finish());
    console.log(`tests/histories/hazard-${prefix}-${name}.binpb: ${history.events?.length} events`);
  }
} finally {
  await r.close();
}
