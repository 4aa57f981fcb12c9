// Records workflow histories of the seed-000 example (with examples/leizhou-2022-assumptions.yaml) into
// tests/histories/ (*.binpb), for tests/replay.test.ts. Re-record only when a workflow change is deliberately
// incompatible (and then version the workflow): `npx tsx scripts/record-histories.ts vN` writes vN-*.binpb;
// keep the older sets: each is a generation of running campaigns the code must still replay.
import { readFileSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { actOnObligation } from '../operations/actions';
import { readDefinitionFile } from '../operations/definition-file';
import { startRehearsal } from '../rehearsal/rehearsal';
import { rehearsalHorizon } from '../rehearsal/simulate';
import { parseAssumptions } from '../domain/assumptions';
import { compileCampaign } from '../domain/compile';
import { parseInstant } from '../domain/zoned-time';
import { campaignWorkflowId, obligationWorkflowId } from '../shared/contract';

const prefix = process.argv[2];
if (!prefix || !/^v\d+$/.test(prefix)) throw new Error('usage: npx tsx scripts/record-histories.ts vN');
const FILE = 'examples/leizhou-2022-assessment.yaml';
const ASSUME = 'examples/leizhou-2022-assumptions.yaml';
const { def } = readDefinitionFile(FILE);
const launchAt = parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!;
const compiled = compileCampaign(def, launchAt);
const assumptions = parseAssumptions(readFileSync(ASSUME, 'utf8'), ASSUME, def.timeZone);

const r = await startRehearsal();
try {
  await r.launch(FILE, launchAt);
  for (const a of [...assumptions].sort((x, y) => x.at - y.at)) {
    await r.advanceTo(a.at);
    await actOnObligation({ client: r.env.client, db: r.db }, { campaignId: def.id, unitId: a.unit, deliverableId: a.deliverable, event: a.event, actor: 'recorder' });
  }
  await r.advanceTo(rehearsalHorizon(compiled, assumptions));
  const picks: [string, string][] = [
    ['campaign', campaignWorkflowId(def.id)],
    ...['gongan', 'leicheng', 'jiaoyu', 'chengguan', 'gongdian', 'gongxiao'].map((u): [string, string] => [`obligation-${u}`, obligationWorkflowId(def.id, u, 'assessment-report')]),
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
