// Measuring on a rehearsal: one launch (its time, the campaign workflow's history and batches, sampled
// obligation workflows), counting obligation workflows; on any server (given its client): describing
// workflows and waiting for their first tasks.
import { performance } from 'node:perf_hooks';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type proto from '@temporalio/proto';
import type { Rehearsal } from '../rehearsal/rehearsal';
import { campaignWorkflowId, obligationWorkflowId } from '../shared/contract';
import { DELIVERABLE, type Generated, LAUNCH_AT, at } from './campaigns';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface LaunchMeasure {
  units: number;
  launchMs: number;
  result: { obligations: number; started: number };
  historyEvents: number;
  pendingChildren: number;
  /** From the campaign workflow's own event timestamps (server clock; not skipped while activities run). */
  workflowSpanMs: number;
  /** Launch call until the campaign workflow's first event: read, validate, compile, store, start RPC. */
  beforeWorkflowMs: number;
  /** Campaign workflow's last event until the launch call returned (result long-poll). */
  afterWorkflowMs: number;
  batches: number;
  batchMs: { min: number; mean: number; max: number };
  dbObligations: number;
  /** The campaign clock (server time + offset) right after the launch returned. */
  clockAfter: number;
  /** Sampled obligation workflows: id → status / history length. */
  samples: { workflowId: string; status: string; historyLength: number; type: string }[];
  missingSamples: string[];
}

type Samples = Pick<LaunchMeasure, 'samples' | 'missingSamples'>;

/** Launches `g` at LAUNCH_AT and measures it; with `sample`, also describes five of its obligation workflows. */
export async function measureLaunch(r: Rehearsal, g: Generated, sample: boolean): Promise<LaunchMeasure> {
  const call = await timeLaunch(r, g);
  const handle = r.env.client.workflow.getHandle(campaignWorkflowId(g.id));
  const result = (await handle.result()) as { obligations: number; started: number };
  const desc = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  const first = tsMs(events[0]?.eventTime);
  const last = tsMs(events[events.length - 1]?.eventTime);
  const batchDurations = batchDurationsOf(events);
  const pendingChildren = desc.raw.pendingChildren?.length ?? 0;
  const dbObligations = await r.db.obligation.count({ where: { campaignId: g.id } });
  const sampled: Samples = sample ? await sampleObligations(r, g) : { samples: [], missingSamples: [] };
  return {
    units: g.unitIds.length,
    launchMs: call.launchMs,
    result,
    historyEvents: events.length,
    pendingChildren,
    workflowSpanMs: last - first,
    beforeWorkflowMs: first - call.skew - call.wallStart,
    afterWorkflowMs: call.wallEnd - (last - call.skew),
    batches: batchDurations.length,
    batchMs: minMeanMax(batchDurations),
    dbObligations,
    clockAfter: call.clockAfter,
    ...sampled,
  };
}

/** Runs the launch call: how long it took, when on the wall clock, and the campaign clock right after. */
async function timeLaunch(r: Rehearsal, g: Generated) {
  // Server clock minus wall clock, to place the campaign workflow's event times on the wall clock (the
  // server's clock runs at wall-clock speed while time skipping is held).
  const skew = (await r.env.currentTimeMs()) - Date.now();
  const wallStart = Date.now();
  const t0 = performance.now();
  const launched = await r.launch(g.file, at(LAUNCH_AT), 'bench');
  const launchMs = performance.now() - t0;
  const wallEnd = Date.now();
  const clockAfter = await r.now();
  if (launched.outcome !== 'launched') throw new Error(`${g.id}: launch outcome ${launched.outcome}: ${launched.message}`);
  return { skew, wallStart, wallEnd, launchMs, clockAfter };
}

const tsMs = (t: unknown): number => {
  // Event timestamps are google.protobuf.Timestamp-like ({ seconds: Long|number, nanos }).
  const ts = t as { seconds?: { toNumber(): number } | number | string; nanos?: number } | null | undefined;
  if (!ts) return NaN;
  const s = typeof ts.seconds === 'object' && ts.seconds !== null ? ts.seconds.toNumber() : Number(ts.seconds ?? 0);
  return s * 1000 + (ts.nanos ?? 0) / 1e6;
};

/** Per-batch activity durations in the campaign workflow's history: scheduled → completed. */
function batchDurationsOf(events: HistoryEvent[]): number[] {
  const scheduledAt = new Map<number, number>();
  const durations: number[] = [];
  for (const e of events) {
    const id = Number(e.eventId?.toString() ?? 0);
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'startObligationWorkflows') scheduledAt.set(id, tsMs(e.eventTime));
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const s = scheduledAt.get(Number(done.scheduledEventId?.toString() ?? 0));
      if (s !== undefined) durations.push(tsMs(e.eventTime) - s);
    }
  }
  return durations;
}

function minMeanMax(xs: number[]): LaunchMeasure['batchMs'] {
  return {
    min: xs.length ? Math.min(...xs) : 0,
    mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0,
    max: xs.length ? Math.max(...xs) : 0,
  };
}

/** Describes the first two, middle and last two obligation workflows of `g`. */
async function sampleObligations(r: Rehearsal, g: Generated): Promise<Samples> {
  const samples: LaunchMeasure['samples'] = [];
  const missingSamples: string[] = [];
  const n = g.unitIds.length;
  const picks = [...new Set([0, 1, Math.floor(n / 2), n - 2, n - 1].filter((i) => i >= 0 && i < n))];
  for (const i of picks) {
    const workflowId = obligationWorkflowId(g.id, g.unitIds[i], DELIVERABLE);
    try {
      const d = await r.env.client.workflow.getHandle(workflowId).describe();
      samples.push({ workflowId, status: d.status.name, historyLength: d.historyLength, type: d.type });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      missingSamples.push(workflowId);
    }
  }
  return { samples, missingSamples };
}

/** Count the campaign's obligation workflows by visibility query; undefined when the server cannot. */
export async function countByVisibility(r: Rehearsal, campaignId: string): Promise<{ count?: number; how: string }> {
  const query = `DubanCampaign = "${campaignId}" AND WorkflowType = "obligationWorkflow"`;
  try {
    const { count } = await r.env.client.workflow.count(query);
    return { count, how: `workflow.count(${query})` };
  } catch (err) {
    const countErr = (err as Error).message.split('\n')[0];
    try {
      let n = 0;
      for await (const _ of r.env.client.workflow.list({ query, pageSize: 1000 })) n++;
      return { count: n, how: `workflow.list(${query}) (count failed: ${countErr})` };
    } catch (err2) {
      return { how: `unsupported by this server: count: ${countErr}; list: ${(err2 as Error).message.split('\n')[0]}` };
    }
  }
}

/** Describe every one of `ids` (16 at a time): which exist, their status, and which have not run a workflow task yet. */
export async function describeAll(client: Client, ids: string[]) {
  const missing: string[] = [];
  const notRunYet: string[] = [];
  const statuses = new Map<string, number>();
  const types = new Map<string, number>();
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        const d = await client.workflow.getHandle(id).describe();
        statuses.set(d.status.name, (statuses.get(d.status.name) ?? 0) + 1);
        types.set(d.type, (types.get(d.type) ?? 0) + 1);
        // Started + WorkflowTaskScheduled only: the worker has not completed its first task yet.
        if (d.historyLength <= 3) notRunYet.push(id);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        missing.push(id);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return { missing, notRunYet, statuses: Object.fromEntries(statuses), types: Object.fromEntries(types) };
}

/**
 * Wait until each of `ids` has completed its first workflow task; the time it took, or undefined on
 * timeout. Polls a random sample of 50 (describing thousands at a time would compete with the worker
 * being measured), then confirms the whole set.
 */
export async function waitForFirstTasks(client: Client, ids: string[], timeoutMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  let pending = ids;
  while (pending.length) {
    const sample = [...pending].sort(() => Math.random() - 0.5).slice(0, 50);
    // not yet started (a starter's later batch) counts as not run yet
    const waiting = async (of: string[]) => {
      const d = await describeAll(client, of);
      return [...d.notRunYet, ...d.missing];
    };
    for (let left = sample; left.length; left = await waiting(left)) {
      if (performance.now() - t0 > timeoutMs) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    pending = await waiting(pending);
  }
  return performance.now() - t0;
}
