// Replays saved histories of the example campaign (scripts/record-histories.ts) against today's workflow
// code: a change that would break running campaigns fails here.
import { readFileSync, readdirSync } from 'node:fs';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { bundleWorkflows } from '../worker/worker';

const DIR = 'tests/histories';

it('replays every saved history without nondeterminism', async () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.binpb'));
  // v1, v2 and v3 (the consolidated 通报), seven workflows each; v4 (the 通报 held for 签发: approved, withdrawn) adds its
  // two circulation workflows; v5 (the 约谈通知 held for 签发 too, one approved) as v4; v6 (the campaign's workflow starts
  // the lead departments' lists, patched 'lead-digests') adds two lead-digest workflows
  expect(files.length).toBeGreaterThanOrEqual(50);
  expect(files.filter((f) => f.startsWith('v4-circulation-'))).toHaveLength(2);
  // the hazard chase (scripts/record-hazard-histories.ts): a holiday 时限 up the ladder, a 延期, 重新整改, 挂牌 to 摘牌;
  // v2 (patched 'hazard-daily-circulation': the day's one 通报) adds a second hazard listed in the same 通报
  expect(files.filter((f) => f.startsWith('hazard-v1-'))).toHaveLength(4);
  expect(files.filter((f) => f.startsWith('hazard-v2-'))).toHaveLength(5);
  // v3 (patched 'hazard-sign-off': 通报 and 约谈通知 held for 签发, approved, withdrawn, withdrawn by 整改完成) adds the
  // two 通报 workflows that held them (hazardCirculationWorkflow)
  expect(files.filter((f) => f.startsWith('hazard-v3-'))).toHaveLength(7);
  expect(files.filter((f) => f.startsWith('hazard-v3-circulation-'))).toHaveLength(2);
  expect(files.filter((f) => f.startsWith('v6-lead-digest-'))).toHaveLength(2);
  // v7 (patched 'obligations-started-when-due': the campaign's workflow starts each obligation's a day before its first
  // notice, sleeping between) as v6
  expect(files.filter((f) => f.startsWith('v7-'))).toHaveLength(11);
  // a letter's group-robot deliveries (tests/channels.test.ts with DUBAN_RECORD_CHANNEL_HISTORIES=1): a notice's two robots
  // through refusals, a 通报's to one listed unit
  expect(files.filter((f) => f.startsWith('channel-v1-'))).toHaveLength(2);
  // the campaign's starter of imported hazards' chases, three batches (tests/hazard-chase-starts.test.ts with
  // DUBAN_RECORD_HAZARD_START_HISTORIES=1)
  expect(files.filter((f) => f.startsWith('hazard-starts-v1'))).toHaveLength(1);
  const histories = files.map((f) => ({
    workflowId: f,
    history: proto.temporal.api.history.v1.History.decode(readFileSync(`${DIR}/${f}`)),
  }));
  for (const h of histories) expect(h.history.events?.length ?? 0).toBeGreaterThan(10);
  const workflowBundle = await bundleWorkflows();
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'duban-replay' }, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
