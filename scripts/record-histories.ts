// Records workflow histories of the seed-000 example (with examples/leizhou-2022-assumptions.yaml) into
// tests/histories/ (*.binpb), for tests/replay.test.ts. Re-record only when a workflow change is deliberately
// incompatible (and then version the workflow): `npx tsx scripts/record-histories.ts vN` writes vN-*.binpb;
// keep the older sets: each is a generation of running campaigns the code must still replay.
// From v4 on the campaign asks for a leader's 签发 of its 通报 (policy signOff: [circulate]): the 10-18 通报 is approved
// on 10-20, the 10-19 one withdrawn, and both circulation workflows are recorded too. From v5 on its 约谈通知 waits for
// 签发 too (signOff: [circulate, interview]): 市公安局's is approved on 10-21. From v6 on the campaign's workflow starts each
// lead department's list of its departments not yet in (patched 'lead-digests'): 市应急管理局's and 市交通运输局's
// lead-digest workflows of 10-12 are recorded too. From v7 on the campaign's workflow starts each obligation's a day
// before its first notice (patched 'obligations-started-when-due'), sleeping in between.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { actOnObligation } from '../operations/actions';
import { decideSignOff } from '../operations/sign-off';
import { readDefinitionFile } from '../operations/definition-file';
import { startRehearsal } from '../rehearsal/rehearsal';
import { rehearsalHorizon } from '../rehearsal/simulate';
import { parseAssumptions } from '../domain/assumptions';
import { compileCampaign } from '../domain/compile';
import { isSignOffEvent } from '../domain/plan';
import { parseInstant } from '../domain/zoned-time';
import { campaignWorkflowId, leadDigestWorkflowId, obligationWorkflowId } from '../shared/contract';

const prefix = process.argv[2];
if (!prefix || !/^v\d+$/.test(prefix)) throw new Error('usage: npx tsx scripts/record-histories.ts vN');
const EXAMPLE = 'examples/leizhou-2022-assessment.yaml';
const ASSUME = 'examples/leizhou-2022-assumptions.yaml';
const generation = Number(prefix.slice(1));
const signed = generation >= 4;
const signOff = generation >= 5 ? '[circulate, interview]' : '[circulate]';
const FILE = signed ? join(mkdtempSync(join(tmpdir(), 'duban-histories-')), 'leizhou-signed.yaml') : EXAMPLE;
if (signed) writeFileSync(FILE, readFileSync(EXAMPLE, 'utf8').replace(/^policy:\n {2}signOff: \[\]\n/m, `policy:\n  signOff: ${signOff}\n`));
const { def } = readDefinitionFile(FILE);
const launchAt = parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!;
const compiled = compileCampaign(def, launchAt);
const assumptions = parseAssumptions(readFileSync(ASSUME, 'utf8'), ASSUME, def.timeZone);

const circulations = signed ? ['2022-10-18', '2022-10-19'].map((day) => `${def.id}/circulation/${day}/0900`) : [];
const decidedAt = parseInstant('2022-10-20T10:00:00+08:00', def.timeZone)!;

const r = await startRehearsal();
try {
  await r.launch(FILE, launchAt);
  const steps = [
    ...assumptions.flatMap((a) => {
      const event = a.event;
      if (isSignOffEvent(event)) return [];
      return [{ at: a.at, run: () => actOnObligation({ client: r.env.client, db: r.db, searchAttributes: true }, { campaignId: def.id, unitId: a.unit, deliverableId: a.deliverable, event, actor: 'recorder' }) }];
    }),
    ...(generation >= 5
      ? [
          {
            at: parseInstant('2022-10-21T10:00:00+08:00', def.timeZone)!,
            run: () =>
              decideSignOff(
                { client: r.env.client, db: r.db },
                { key: `${def.id}/gongan/assessment-report/2022-10-11/interview/2022-10-20`, decision: 'approve', actor: 'operator:recorder', role: 'leader' },
              ),
          },
        ]
      : []),
    ...circulations.map((key, i) => ({
      at: decidedAt,
      run: () => decideSignOff({ client: r.env.client, db: r.db }, { key, decision: i === 0 ? 'approve' : 'withdraw', reason: '已电话督促', actor: 'operator:recorder', role: 'leader' }),
    })),
  ];
  for (const step of steps.sort((x, y) => x.at - y.at)) {
    await r.advanceTo(step.at);
    await step.run();
  }
  await r.advanceTo(rehearsalHorizon(compiled, assumptions));
  const picks: [string, string][] = [
    ['campaign', campaignWorkflowId(def.id)],
    ...['gongan', 'leicheng', 'jiaoyu', 'chengguan', 'gongdian', 'gongxiao'].map((u): [string, string] => [`obligation-${u}`, obligationWorkflowId(def.id, u, 'assessment-report')]),
    ...circulations.map((key): [string, string] => [`circulation-${key.split('/')[2]}`, `duban/${key}`]),
    ...(generation >= 6 ? ['yingji', 'jiaotong'] : []).map((lead): [string, string] => [
      `lead-digest-${lead}`,
      leadDigestWorkflowId({ campaignId: def.id, leadId: lead, deliverableId: 'assessment-report', deadline: '2022-10-11' }),
    ]),
  ];
  for (const [name, id] of picks) {
    const history = await r.env.client.workflow.getHandle(id).fetchHistory();
    // Binary protobuf: free of the JSON converters' dual-package pitfalls, and exact.
    writeFileSync(`tests/histories/${prefix}-${name}.binpb`, proto.temporal.api.history.v1.History.encode(history).finish());
    console.log(`tests/histories/${prefix}-${name}.binpb: ${history.events?.length} events`);
  }
} finally {
  await r.close();
}
