// The hazard chase's workflow logic alone, fast: the real hazardWorkflow on the time-skipping server with its two
// activities replaced at the type boundary (HazardActivities) by stand-ins that serve a list of letters and record
// what they were asked to send. The chase against the real record and SMTP: tests/hazard-chase.test.ts.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HazardLetterDue } from '../domain/hazard-chase';
import { temporalTestServerPath } from '../platform/tools';
import type { HazardActivities, HazardChaseRun } from '../shared/hazard-activities';
import { hazardChangedSignal, hazardWorkflowId } from '../shared/hazard-contract';
import { bundleWorkflows } from '../worker/worker';
import { HAZARD_CHASE_ROUNDS, hazardWorkflow } from '../workflows/hazard';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  bundle = await bundleWorkflows();
});
afterAll(async () => {
  await env?.teardown();
});

const letter = (i: number, at: number): HazardLetterDue => ({ kind: 'reminder', at, key: `r1/2022-10-12/reminder/${i}`, round: 1, deadline: '2022-10-12', reason: `#${i}` });

let run = 0;

describe('hazardWorkflow (stand-in activities)', () => {
  it('sends each letter once in order, continuing as new with the keys it has dealt with, and ends when the record says over', async () => {
    const start = await env.currentTimeMs();
    const letters = Array.from({ length: HAZARD_CHASE_ROUNDS + 30 }, (_, i) => letter(i, start + (i + 1) * 60_000));
    const sent: string[] = [];
    const doneSeen: number[] = [];
    const activities: Partial<HazardActivities> = {
      async nextHazardLetter(input: HazardChaseRun) {
        const done = new Set(input.done ?? []);
        doneSeen.push(done.size);
        const next = letters.find((l) => !done.has(l.key));
        return { ...(next ? { next } : {}), over: !next, clockOffsetMs: 0 };
      },
      async sendHazardLetter(input) {
        sent.push(input.letter.key);
        return { businessKey: input.letter.key, outcome: 'sent' };
      },
      async sendHazardCirculation() {
        throw new Error('no 通报 here');
      },
    };
    const taskQueue = `hazard-test-${++run}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    const id = hazardWorkflowId('c', `h${run}`);
    const handle = await env.client.workflow.start(hazardWorkflow, { workflowId: id, taskQueue, args: [{ campaignId: 'c', hazardId: `h${run}` }] });
    const result = await worker.runUntil(handle.result());
    expect(sent).toEqual(letters.map((l) => l.key));
    expect(result.done).toEqual(letters.map((l) => l.key));
    // the first run continued as new after its rounds, handing the keys it had dealt with to the next
    const firstRun = await env.client.workflow.getHandle(id, handle.firstExecutionRunId).fetchHistory();
    const last = firstRun.events!.at(-1)!;
    expect(last.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // the new run's first ask already carries them: no letter is asked for twice
    expect(doneSeen).toEqual(letters.map((_, i) => i).concat(letters.length));
  }, 120_000);

  it('asks again when told of a change before the letter is due, and sends what the record then calls for', async () => {
    const start = await env.currentTimeMs();
    let letters = [letter(1, start + 3 * 86_400_000)];
    const sent: string[] = [];
    let asked = 0;
    const activities: Partial<HazardActivities> = {
      async nextHazardLetter(input) {
        asked++;
        const done = new Set(input.done ?? []);
        const next = letters.find((l) => !done.has(l.key));
        return { ...(next ? { next } : {}), over: false, clockOffsetMs: 0 };
      },
      async sendHazardLetter(input) {
        sent.push(input.letter.key);
        return { businessKey: input.letter.key, outcome: 'sent' };
      },
      async sendHazardCirculation() {
        throw new Error('no 通报 here');
      },
    };
    const taskQueue = `hazard-test-${++run}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    const id = hazardWorkflowId('c', `h${run}`);
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.signalWithStart(hazardWorkflow, {
        workflowId: id,
        taskQueue,
        args: [{ campaignId: 'c', hazardId: `h${run}` }],
        signal: hazardChangedSignal,
        signalArgs: [],
      });
      await env.sleep(86_400_000);
      expect(sent).toEqual([]);
      // a 延期: the record now calls for a later letter under another key
      letters = [letter(2, start + 5 * 86_400_000)];
      const before = asked;
      await handle.signal(hazardChangedSignal);
      await env.sleep(60_000);
      expect(asked).toBe(before + 1);
      await env.sleep(5 * 86_400_000);
      expect(sent).toEqual(['r1/2022-10-12/reminder/2']);
      await handle.terminate('test over');
    });
  }, 120_000);
});
