// The obligation workflow's own logic, fast: the real workflow on the time-skipping server with its activities
// replaced at the factory boundary (DubanActivities) by stubs that record what they were asked to do.
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCampaign } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { DEFAULT_POLICY, initialState, type NoticeAction, type ObligationEvent, type ObligationState } from '../domain/policy';
import { formatInstant, parseInstant } from '../domain/zoned-time';
import { readDefinitionFile } from '../operations/definition-file';
import { temporalTestServerPath } from '../platform/tools';
import {
  type DubanActivities,
  type ObligationInput,
  type SendNoticeInput,
  type SendNoticeResult,
  obligationActionUpdate,
  obligationWorkflowId,
} from '../shared/contract';
import { dubanErrorOf, permanentFailure } from '../shared/failures';
import { bundleWorkflows } from '../worker/worker';
import { obligationWorkflow } from '../workflows/obligation';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => parseInstant(iso, ZONE)!;
const LAUNCH = at('2022-10-08T10:00:00+08:00');
const { def } = readDefinitionFile('examples/leizhou-2022-assessment.yaml');
const calendar = compileCampaign(def, LAUNCH).calendar;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  bundle = await bundleWorkflows();
});
afterAll(async () => {
  await env?.teardown();
});

interface SentCall {
  action: NoticeAction;
  /** Campaign time at which the activity was scheduled. */
  at: string;
}

/** Stub activities: sendNotice answers with `answer` (default: sent) and records each call. */
function stubs(answer: (input: SendNoticeInput, attempt: number) => SendNoticeResult | Error = (i) => ({ businessKey: i.notice.key, outcome: 'sent' })) {
  const sent: SentCall[] = [];
  const recorded: { kind: string; before: ObligationState; after: ObligationState; actor: string }[] = [];
  let calls = 0;
  const activities: DubanActivities = {
    async countObligations() {
      throw new Error('not used by the obligation workflow');
    },
    async startObligationWorkflows() {
      throw new Error('not used by the obligation workflow');
    },
    async startDueObligationWorkflows() {
      throw new Error('not used by the obligation workflow');
    },
    async sendNotice(input) {
      calls++;
      const result = answer(input, Context.current().info.attempt);
      if (result instanceof Error) throw result;
      const scheduled = Context.current().info.currentAttemptScheduledTimestampMs + input.clockOffsetMs;
      if (result.outcome === 'sent') sent.push({ action: input.notice.action, at: formatInstant(Math.round(scheduled / 60_000) * 60_000, ZONE) });
      return result;
    },
    async recordObligationAction(input) {
      recorded.push({ kind: input.event.kind, before: input.before, after: input.after, actor: input.actor });
    },
    async sendUnitMessage() {
      throw new Error('not used by the obligation workflow');
    },
    async startLeadDigestWorkflows() {
      throw new Error('not used by the obligation workflow');
    },
    async sendLeadDigest() {
      throw new Error('not used by the obligation workflow');
    },
    // a 通报 is joined to the day's consolidated one (workflows/circulation.ts): recorded here as its step sent
    async joinCirculation(input) {
      const result = await activities.sendNotice(input);
      return { businessKey: result.businessKey, outcome: result.outcome === 'skipped' ? 'skipped' : 'joined', ...(result.reason ? { reason: result.reason } : {}) };
    },
    async sendCirculation() {
      throw new Error('not used by the obligation workflow');
    },
    async prepareCirculation() {
      throw new Error('not used by the obligation workflow');
    },
    async recordCirculationSignOff() {
      throw new Error('not used by the obligation workflow');
    },
    async prepareNotice() {
      throw new Error('not used with signOff: []');
    },
    async recordNoticeSignOff() {
      throw new Error('not used with signOff: []');
    },
  };
  return { activities, sent, recorded, calls: () => calls };
}

let run = 0;

/** Starts one obligation due `due` (opened at the launch) on its own task queue, with the campaign clock at the launch. */
async function withObligation<T>(activities: DubanActivities, due: string, body: (h: { id: string; advanceTo(iso: string): Promise<void> }) => Promise<T>): Promise<T> {
  const taskQueue = `obligation-test-${++run}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  const offset = LAUNCH - (await env.currentTimeMs());
  const input: ObligationInput = {
    campaignId: 'c',
    unitId: `u${run}`,
    deliverableId: 'd',
    stageId: 's',
    ctx: { policy: { ...DEFAULT_POLICY, signOff: [] }, calendar, timeZone: ZONE },
    state: initialState(due, LAUNCH),
    clockOffsetMs: offset,
  };
  const id = obligationWorkflowId('c', input.unitId, 'd');
  return worker.runUntil(async () => {
    await env.client.workflow.start(obligationWorkflow, { workflowId: id, taskQueue, args: [input] });
    const advanceTo = async (iso: string) => {
      const wait = at(iso) - ((await env.currentTimeMs()) + offset);
      if (wait > 0) await env.sleep(wait);
    };
    try {
      return await body({ id, advanceTo });
    } finally {
      // a workflow left waiting on a queue with no worker would stop the shared server from skipping time
      const handle = env.client.workflow.getHandle(id);
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test over');
    }
  });
}

const act = (id: string, event: ObligationEvent) =>
  env.client.workflow.getHandle(id).executeUpdate(obligationActionUpdate, { args: [{ event, actor: 'wang' }] });

describe('obligation workflow (stubbed activities)', () => {
  it('asks for every reminder and every step of the ladder at its time, and nothing before the launch', async () => {
    const s = stubs();
    await withObligation(s.activities, '2022-10-11', async ({ advanceTo }) => {
      await advanceTo('2022-10-25T00:00:00+08:00');
    });
    expect(s.sent).toEqual([
      { action: 'reminder', at: '2022-10-10T09:00:00+08:00' },
      { action: 'reminder', at: '2022-10-11T09:00:00+08:00' },
      { action: 'urge', at: '2022-10-12T09:00:00+08:00' },
      { action: 'notice', at: '2022-10-14T09:00:00+08:00' },
      { action: 'circulate', at: '2022-10-18T09:00:00+08:00' },
      { action: 'interview', at: '2022-10-20T09:00:00+08:00' },
    ]);
  });

  it('stops asking once the unit submits, and records the action with who took it', async () => {
    const s = stubs();
    const state = await withObligation(s.activities, '2022-10-11', async ({ id, advanceTo }) => {
      await advanceTo('2022-10-12T15:00:00+08:00');
      const after = await act(id, { kind: 'submit' });
      await advanceTo('2022-10-25T00:00:00+08:00');
      return after;
    });
    expect(s.sent.map((c) => c.action)).toEqual(['reminder', 'reminder', 'urge']);
    expect(state).toMatchObject({ status: 'submitted', lateWorkingDays: 1, escalation: 'urge' });
    expect(s.recorded).toEqual([expect.objectContaining({ kind: 'submit', actor: 'wang', after: expect.objectContaining({ status: 'submitted' }) })]);
  });

  it('does not count a skipped notice as an escalation reached', async () => {
    const s = stubs((i) => ({ businessKey: i.notice.key, outcome: i.notice.action === 'urge' ? 'skipped' : 'sent', reason: 'test' }));
    const state = await withObligation(s.activities, '2022-10-11', async ({ id, advanceTo }) => {
      await advanceTo('2022-10-13T12:00:00+08:00');
      return act(id, { kind: 'submit' });
    });
    expect(s.calls()).toBe(3); // two reminders and the urge, which the record skipped
    expect(state.escalation).toBe('none');
  });

  it('refuses an extension to a past date with its code, records nothing and sends on as before', async () => {
    const s = stubs();
    await withObligation(s.activities, '2022-10-11', async ({ id, advanceTo }) => {
      await advanceTo('2022-10-10T12:00:00+08:00');
      const err = await act(id, { kind: 'extend', to: '2022-10-09', reason: '忙' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(dubanErrorOf(err)?.code).toBe('DATE_IN_PAST');
      await advanceTo('2022-10-12T12:00:00+08:00');
    });
    expect(s.recorded).toEqual([]);
    expect(s.sent.map((c) => c.action)).toEqual(['reminder', 'reminder', 'urge']);
  });

  it('retries a transient activity failure until it succeeds', async () => {
    const s = stubs((i, attempt) => (attempt < 3 ? new Error('SMTP 451, try later') : { businessKey: i.notice.key, outcome: 'sent' }));
    await withObligation(s.activities, '2022-10-11', async ({ advanceTo }) => {
      await advanceTo('2022-10-10T12:00:00+08:00');
    });
    expect(s.calls()).toBe(3);
    expect(s.sent).toEqual([{ action: 'reminder', at: '2022-10-10T09:00:00+08:00' }]);
  });

  it('fails the workflow at once, with the code, when an activity fails permanently', async () => {
    const s = stubs(() => permanentFailure(new DubanError('UNKNOWN_CAMPAIGN', 'no campaign "c" has been launched')));
    const err = await withObligation(s.activities, '2022-10-11', async ({ id }) =>
      env.client.workflow.getHandle(id).result().then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(dubanErrorOf(err)?.code).toBe('UNKNOWN_CAMPAIGN');
    expect(s.calls()).toBe(1);
  });
});
