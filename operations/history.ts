// `duban history`: one timeline merging duban's own record (notices with their text and reason,
// submissions, operator actions and who took them) with the Temporal events of the workflows behind it.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { CampaignClock } from '../domain/clock';
import { LEAD_DIGEST, LEAD_DIGEST_NAME, leadDigestDeadline } from '../domain/lead-digest';
import { INSTRUMENT_NAMES, type NoticeAction, workingDaysLate } from '../domain/policy';
import { localDateTime } from '../domain/standing';
import { formatInstant } from '../domain/zoned-time';
import { type ReadAuditDetail, readAuditDetail } from '../store/audit';
import { leadDigestWorkflowId } from '../shared/contract';
import { loadCampaign, requireUnit, scheduleContext } from '../store/campaigns';
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

const ACTIVITY_NAMES: Record<string, string> = {
  sendNotice: '发送通知',
  recordObligationAction: '登记操作',
  countObligations: '清点报送任务',
  startObligationWorkflows: '启动报送任务的工作流',
  startLeadDigestWorkflows: '启动各牵头部门报送情况函的工作流',
  sendLeadDigest: `发送${LEAD_DIGEST_NAME}`,
};

/** An operator's action, in one word: 报送 / 延期 / 退回 / 免报. */
const ACTION_WORDS: Record<string, string> = { submit: '报送', extend: '延期', return: '退回', waive: '免报' };

const instrumentName = (action: string | undefined) =>
  action && Object.hasOwn(INSTRUMENT_NAMES, action) ? INSTRUMENT_NAMES[action as NoticeAction] : (action ?? '?');

function describeEvent(e: HistoryEvent, zone: string, clock: CampaignClock): { kind: string; summary: string } | undefined {
  const type = e.eventType ?? 0;
  const at = clock.at(ms(e.eventTime));
  switch (type) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
      const [input] = decodePayloads(e.workflowExecutionStartedEventAttributes?.input) as [{ state?: { deadline?: string } } | undefined];
      return { kind: 'workflow.started', summary: `工作流启动${input?.state?.deadline ? `（截止日期 ${input.state.deadline}）` : ''}` };
    }
    case EventType.EVENT_TYPE_TIMER_STARTED: {
      const a = e.timerStartedEventAttributes!;
      const fires = at + ms(a.startToFireTimeout);
      return { kind: 'timer.started', summary: `等待至 ${localDateTime(formatInstant(fires, zone))} 进入下一步，除非单位或安委办先行处理` };
    }
    case EventType.EVENT_TYPE_TIMER_FIRED:
      return { kind: 'timer.fired', summary: '定时器触发：下一步到期' };
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const a = e.activityTaskScheduledEventAttributes!;
      const [input] = decodePayloads(a.input) as [{ notice?: { action?: string; key?: string } } | undefined];
      const name = a.activityType?.name ?? '?';
      const what = input?.notice ? `（${instrumentName(input.notice.action)} ${input.notice.key}）` : '';
      return { kind: 'activity.scheduled', summary: `安排执行：${ACTIVITY_NAMES[name] ?? name}${what}` };
    }
    case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      return { kind: 'activity.completed', summary: '执行完成' };
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      return { kind: 'activity.failed', summary: `执行失败：${e.activityTaskFailedEventAttributes?.failure?.message}` };
    case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      return { kind: 'activity.timed_out', summary: '执行超时' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
      const a = e.workflowExecutionUpdateAcceptedEventAttributes!;
      const [arg] = decodePayloads(a.acceptedRequest?.input?.args) as [{ event?: { kind?: string }; actor?: string } | undefined];
      const kind = arg?.event?.kind;
      return { kind: 'update.accepted', summary: `受理操作：${(kind && ACTION_WORDS[kind]) ?? kind ?? '?'}（操作人：${arg?.actor ?? '?'}）` };
    }
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return { kind: 'workflow.completed', summary: '工作流结束' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return { kind: 'workflow.continued', summary: '工作流以新的执行继续（使历史保持简短）' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return { kind: 'workflow.terminated', summary: `工作流被终止：${e.workflowExecutionTerminatedEventAttributes?.reason ?? ''}` };
    default:
      return undefined;
  }
}

/** What the record says happened, in the office's words, from the event's checked detail (not the stored summary line). */
function describeRecord(
  r: ReadAuditDetail,
  row: { at: Date; unitId: string | null; deliverableId: string | null; summary: string },
  facts: { title: string; units: number; obligations: number; principals: Map<string, string>; lateness: (deliverableId: string, deadline: string, at: number) => number | undefined },
): string {
  switch (r.kind) {
    case 'campaign.launched':
      return `启动专项行动“${facts.title}”：${facts.units} 个单位，${facts.obligations} 项报送任务${r.detail.warnings.length ? `（${r.detail.warnings.length} 条警告）` : ''}`;
    case 'notice.sent':
      return `发送${instrumentName(r.detail.action)}：${r.detail.subject}`;
    case 'interview.created': {
      const principal = facts.principals.get(r.detail.noticeKey);
      return `约谈${principal ? ` ${principal}` : ''}：待安排`;
    }
    case 'obligation.submit': {
      const file = r.detail.event.kind === 'submit' && r.detail.event.file ? `，文件 ${r.detail.event.file}` : '';
      const late = row.deliverableId ? facts.lateness(row.deliverableId, r.detail.deadlineBefore, row.at.getTime()) : undefined;
      const when = late === undefined ? '' : late ? `，逾期${late}个工作日` : '，按时';
      return `登记报送（截止 ${r.detail.deadlineBefore}${when}${file}）`;
    }
    case 'obligation.extend':
      return `延期至 ${r.detail.deadlineAfter}（原截止 ${r.detail.deadlineBefore}；理由：${'reason' in r.detail.event ? r.detail.event.reason : ''}）`;
    case 'obligation.return':
      return `退回修改，新的截止日期 ${r.detail.deadlineAfter}（理由：${'reason' in r.detail.event ? r.detail.event.reason : ''}）`;
    case 'obligation.waive':
      return `免报（理由：${'reason' in r.detail.event ? r.detail.event.reason : ''}）`;
    case 'unit.told':
      return `${r.detail.decision === LEAD_DIGEST ? `发送${LEAD_DIGEST_NAME}` : '告知单位'}：${r.detail.subject}`;
    case 'channel.sent':
      return `群机器人已送达（${r.detail.robot}）：${r.detail.subject}`;
    case 'channel.failed':
      return `群机器人未能送达（${r.detail.robot}；${r.detail.reason}）：${r.detail.subject}`;
    default:
      return row.summary; // a kind added later: the line recorded with it
  }
}

export async function campaignHistory(
  deps: { db: Db; client?: Client },
  args: { campaignId: string; unitId?: string },
): Promise<{ entries: TimelineEntry[]; warnings: string[] }> {
  const { db } = deps;
  const { campaign, settings, clock } = await loadCampaign(db, args.campaignId);
  if (args.unitId) await requireUnit(db, args.campaignId, args.unitId);
  const zone = campaign.timeZone;
  const audit = await db.auditEvent.findMany({
    where: { campaignId: args.campaignId, ...(args.unitId ? { OR: [{ unitId: args.unitId }, { unitId: null }] } : {}) },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  const facts = {
    title: campaign.title,
    units: await db.unit.count({ where: { campaignId: args.campaignId } }),
    obligations: await db.obligation.count({ where: { campaignId: args.campaignId } }),
    principals: new Map(
      (await db.interview.findMany({ where: { campaignId: args.campaignId }, select: { noticeKey: true, principal: true } })).map((i) => [i.noticeKey, i.principal]),
    ),
    lateness: (deliverableId: string, deadline: string, at: number) => {
      try {
        return workingDaysLate(scheduleContext(settings, args.campaignId, deliverableId), deadline, at);
      } catch {
        return undefined; // a deliverable or date the settings do not know: the line says less
      }
    },
  };
  const entries: (TimelineEntry & { t: number; seq: number })[] = audit.map((a, i) => {
    const record = readAuditDetail(a);
    return {
      t: a.at.getTime(),
      seq: i,
      at: formatInstant(a.at.getTime(), zone),
      source: 'duban' as const,
      unit: a.unitId ?? undefined,
      deliverable: a.deliverableId ?? undefined,
      summary: describeRecord(record, a, facts),
      actor: a.actor,
      ...record,
    };
  });
  const warnings: string[] = [];
  if (deps.client) {
    const obligations = await db.obligation.findMany({
      where: { campaignId: args.campaignId, ...(args.unitId ? { unitId: args.unitId } : {}) },
      orderBy: [{ unitId: 'asc' }, { deliverableId: 'asc' }],
    });
    const workflows = [{ id: campaign.workflowId, unit: undefined as string | undefined, deliverable: undefined as string | undefined }];
    // an obligation whose workflow has not started yet (a day before its first notice) has no Temporal events
    const started = obligations.filter((o) => o.workflowStartedAt !== null);
    if (args.unitId) workflows.push(...started.map((o) => ({ id: o.workflowId, unit: o.unitId, deliverable: o.deliverableId })));
    if (args.unitId) {
      // a lead department's lists of its units not yet in, once their letter is claimed (workflows/lead-digest.ts)
      const lists = await db.unitMessage.findMany({ where: { campaignId: args.campaignId, unitId: args.unitId, kind: LEAD_DIGEST }, orderBy: { messageKey: 'asc' } });
      for (const m of lists) {
        const deadline = leadDigestDeadline(m.messageKey);
        if (deadline) workflows.push({ id: leadDigestWorkflowId({ campaignId: args.campaignId, leadId: m.unitId, deliverableId: m.deliverableId, deadline }), unit: m.unitId, deliverable: m.deliverableId });
      }
    }
    else warnings.push('只显示专项行动工作流的 Temporal 事件；加 --unit UNIT 可查看该单位每项报送任务的工作流');
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
        warnings.push(`无法读取 ${w.id} 的 Temporal 历史（${(err as Error).message}）；Temporal 只在保留期内保存已结束的工作流，duban 自己的记录是完整的`);
      }
    }
  }
  entries.sort((a, b) => a.t - b.t || a.seq - b.seq);
  return { entries: entries.map(({ t: _t, seq: _s, ...e }) => e), warnings };
}
