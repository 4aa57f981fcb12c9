// `duban history`: one timeline merging duban's own record (notices with their text and reason,
// submissions, operator actions and who took them) with the Temporal events of the workflows behind it.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { CampaignClock } from '../domain/clock';
import { formatInstant } from '../domain/zoned-time';
import { type ReadAuditDetail, readAuditDetail } from '../store/audit';
import { loadCampaign, requireUnit } from '../store/campaigns';
import type { Db } from '../store/db';

const { EventType } = proto.temporal.api.enums.v1;

interface EntryBase {
  at: string;
  unit?: string;
  deliverable?: string;
  summary: string;
  actor?: string;
}

/** duban's own record; `detail` is checked against the shape recorded for its kind (notices: the reason and the letter). */
export type RecordEntry = EntryBase & { source: 'duban' } & ReadAuditDetail;
export type TemporalEntry = EntryBase & { source: 'temporal'; kind: string };
export type TimelineEntry = RecordEntry | TemporalEntry;

function ms(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

function decodePayloads(p: { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined): unknown[] {
  return (p?.payloads ?? []).map((x) => {
    try {
      return JSON.parse(Buffer.from(x.data ?? []).toString('utf8'));
    } catch {
      return undefined;
    }
  });
}

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

function describeEvent(e: HistoryEvent, zone: string, clock: CampaignClock): { kind: string; summary: string } | undefined {
  const type = e.eventType ?? 0;
  const at = clock.at(ms(e.eventTime));
  switch (type) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
      const [input] = decodePayloads(e.workflowExecutionStartedEventAttributes?.input) as [{ state?: { deadline?: string } } | undefined];
      return { kind: 'workflow.started', summary: `workflow started${input?.state?.deadline ? ` (deadline ${input.state.deadline})` : ''}` };
    }
    case EventType.EVENT_TYPE_TIMER_STARTED: {
      const a = e.timerStartedEventAttributes!;
      const fires = at + ms(a.startToFireTimeout);
      return { kind: 'timer.started', summary: `waiting until ${formatInstant(fires, zone)} for the next step unless the unit or the office acts first` };
    }
    case EventType.EVENT_TYPE_TIMER_FIRED:
      return { kind: 'timer.fired', summary: 'timer fired: the next step is due' };
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const a = e.activityTaskScheduledEventAttributes!;
      const [input] = decodePayloads(a.input) as [{ notice?: { action?: string; key?: string } } | undefined];
      const what = input?.notice ? ` (${input.notice.action} ${input.notice.key})` : '';
      return { kind: 'activity.scheduled', summary: `${a.activityType?.name}${what} scheduled` };
    }
    case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      return { kind: 'activity.completed', summary: 'activity completed' };
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      return { kind: 'activity.failed', summary: `activity failed: ${e.activityTaskFailedEventAttributes?.failure?.message}` };
    case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      return { kind: 'activity.timed_out', summary: 'activity timed out' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
      const a = e.workflowExecutionUpdateAcceptedEventAttributes!;
      const [arg] = decodePayloads(a.acceptedRequest?.input?.args) as [{ event?: { kind?: string }; actor?: string } | undefined];
      return { kind: 'update.accepted', summary: `operator action accepted: ${arg?.event?.kind ?? '?'} by ${arg?.actor ?? '?'}` };
    }
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return { kind: 'workflow.completed', summary: 'workflow completed' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return { kind: 'workflow.continued', summary: 'workflow continued as new (history kept short)' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return { kind: 'workflow.terminated', summary: `workflow terminated: ${e.workflowExecutionTerminatedEventAttributes?.reason ?? ''}` };
    default:
      return undefined;
  }
}

export async function campaignHistory(
  deps: { db: Db; client?: Client },
  args: { campaignId: string; unitId?: string },
): Promise<{ entries: TimelineEntry[]; warnings: string[] }> {
  const { db } = deps;
  const { campaign, clock } = await loadCampaign(db, args.campaignId);
  if (args.unitId) await requireUnit(db, args.campaignId, args.unitId);
  const zone = campaign.timeZone;
  const audit = await db.auditEvent.findMany({
    where: { campaignId: args.campaignId, ...(args.unitId ? { OR: [{ unitId: args.unitId }, { unitId: null }] } : {}) },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  const entries: (TimelineEntry & { t: number; seq: number })[] = audit.map((a, i) => ({
    t: a.at.getTime(),
    seq: i,
    at: formatInstant(a.at.getTime(), zone),
    source: 'duban' as const,
    unit: a.unitId ?? undefined,
    deliverable: a.deliverableId ?? undefined,
    summary: a.summary,
    actor: a.actor,
    ...readAuditDetail(a),
  }));
  const warnings: string[] = [];
  if (deps.client) {
    const obligations = await db.obligation.findMany({
      where: { campaignId: args.campaignId, ...(args.unitId ? { unitId: args.unitId } : {}) },
      orderBy: [{ unitId: 'asc' }, { deliverableId: 'asc' }],
    });
    const workflows = [{ id: campaign.workflowId, unit: undefined as string | undefined, deliverable: undefined as string | undefined }];
    if (args.unitId) workflows.push(...obligations.map((o) => ({ id: o.workflowId, unit: o.unitId, deliverable: o.deliverableId })));
    else warnings.push('Temporal events are shown for the campaign workflow only; add --unit UNIT to see each obligation workflow');
    for (const w of workflows) {
      try {
        const history = await deps.client.workflow.getHandle(w.id).fetchHistory();
        for (const e of history.events ?? []) {
          const d = describeEvent(e, zone, clock);
          if (!d) continue;
          const t = clock.at(ms(e.eventTime));
          entries.push({ t, seq: 1e9 + Number(e.eventId ?? 0), at: formatInstant(t, zone), source: 'temporal', unit: w.unit, deliverable: w.deliverable, ...d });
        }
      } catch (err) {
        warnings.push(`Temporal history of ${w.id} is not available (${(err as Error).message}); Temporal keeps closed workflows only for its retention period, duban's own record above is complete`);
      }
    }
  }
  entries.sort((a, b) => a.t - b.t || a.seq - b.seq);
  return { entries: entries.map(({ t: _t, seq: _s, ...e }) => e), warnings };
}
