// One obligation as the console shows it: where it stands, every letter with its full text and why it fired,
// every action with who took it, the next step, and the unit's extension requests.
import { LEAD_DIGEST, LEAD_DIGEST_NAME } from '../domain/lead-digest';
import { INSTRUMENT_NAMES, type NoticeAction } from '../domain/policy';
import { formatInstant } from '../domain/zoned-time';
import { type ReadAuditDetail, readAuditDetail } from '../store/audit';
import type { ObligationRecordView, TimelineItem } from '../shared/console';
import { loadCampaign, requireObligation, requireUnit, unitPrincipals } from '../store/campaigns';
import type { Db } from '../store/db';
import { boardRowsOf } from './board';
import { actorName } from './actors';
import { requestView } from './extension-requests';
import { awaitingSignOffByObligation } from './sign-off';


function describe(record: ReadAuditDetail): Pick<TimelineItem, 'summary' | 'letter' | 'file'> {
  switch (record.kind) {
    case 'campaign.launched':
      return { summary: '发起专项行动' };
    case 'notice.sent': {
      const d = record.detail;
      return {
        summary: `发出${INSTRUMENT_NAMES[d.action as NoticeAction] ?? d.action}：${d.subject}`,
        letter: { action: d.action, subject: d.subject, body: d.text, recipients: [...d.to, ...d.cc], reason: d.reason, messageId: d.messageId },
      };
    }
    case 'obligation.submit': {
      const e = record.detail.event;
      if (e.kind !== 'submit') return { summary: '登记报送' };
      const file = e.file && e.fileName ? { sha256: e.file, name: e.fileName, size: e.fileSize ?? 0 } : undefined;
      return { summary: file ? `登记报送：${file.name}` : e.file ? `登记报送：${e.file}` : '登记报送', file };
    }
    case 'obligation.extend': {
      const e = record.detail.event;
      return { summary: `延期：截止时间由 ${record.detail.deadlineBefore} 改为 ${record.detail.deadlineAfter}${'reason' in e ? `（理由：${e.reason}）` : ''}` };
    }
    case 'obligation.return': {
      const e = record.detail.event;
      return { summary: `退回修改，重新报送截止 ${record.detail.deadlineAfter}${'reason' in e ? `（理由：${e.reason}）` : ''}` };
    }
    case 'obligation.waive': {
      const e = record.detail.event;
      return { summary: `免报${'reason' in e ? `（理由：${e.reason}）` : ''}` };
    }
    case 'interview.created':
      return { summary: '约谈待安排' };
    case 'sign_off.awaiting':
      return { summary: `${INSTRUMENT_NAMES[record.detail.action]}待签发：${record.detail.subject}` };
    case 'sign_off.approved':
      return { summary: `${INSTRUMENT_NAMES[record.detail.action]}已签发` };
    case 'sign_off.unneeded':
      return { summary: `${INSTRUMENT_NAMES[record.detail.action]}已签发，但发出时所列单位均已报送或另有期限，未发出` };
    case 'sign_off.withdrawn':
      return { summary: `${INSTRUMENT_NAMES[record.detail.action]}已撤回，未发出（理由：${record.detail.reason}）` };
    case 'interview.scheduled':
      return { summary: `约谈已安排：${record.detail.at}，${record.detail.place}，由${record.detail.conductedBy}约谈` };
    case 'interview.closed':
      return { summary: `约谈已办结：${record.detail.outcome}` };
    case 'extension.requested':
      return { summary: `单位申请延期至 ${record.detail.to}（理由：${record.detail.reason}）` };
    case 'extension.approved':
      return { summary: `批准延期申请，延期至 ${record.detail.to}` };
    case 'extension.refused':
      return { summary: `不予批准延期申请（${record.detail.reason}）` };
    case 'channel.sent':
      return { summary: `群机器人已送达（${record.detail.robot}）：${record.detail.subject}` };
    case 'channel.failed':
      return { summary: `群机器人未能送达（${record.detail.robot}；${record.detail.reason}）：${record.detail.subject}` };
    case 'unit.told': {
      const d = record.detail;
      // a lead department's list of the units reporting to it not yet in (activities/lead-digest.ts), or a decision
      const digest = d.decision === LEAD_DIGEST;
      return {
        summary: `${digest ? `发送${LEAD_DIGEST_NAME}` : '告知单位'}：${d.subject}`,
        letter: {
          action: d.decision,
          subject: d.subject,
          body: d.text,
          recipients: d.to,
          reason: digest ? `告知牵头部门应向其报送的有关部门的报送情况（${d.key}）` : `告知单位办公室的决定（${d.key}）`,
          messageId: d.messageId,
        },
      };
    }
  }
}

export async function obligationDetail(db: Db, campaignId: string, unitId: string, deliverableId: string, serverNow: number = Date.now()): Promise<ObligationRecordView> {
  const obligation = await requireObligation(db, campaignId, unitId, deliverableId);
  const unit = await requireUnit(db, campaignId, unitId);
  const loaded = await loadCampaign(db, campaignId);
  const board = boardRowsOf(loaded, [unit], [obligation], serverNow, await awaitingSignOffByObligation(db, campaignId));
  const row = board.complete(board.rows[0]);
  const zone = loaded.campaign.timeZone;
  const audit = await db.auditEvent.findMany({
    where: { campaignId, OR: [{ unitId, deliverableId }, { unitId: null }] },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  const operators = new Map((await db.operator.findMany({ select: { name: true, displayName: true } })).map((o) => [`operator:${o.name}`, o]));
  const who = (actor: string) => {
    const o = operators.get(actor);
    return o && o.displayName !== o.name ? `${o.displayName}（${o.name}）` : actorName(actor, unit.name);
  };
  const timeline = audit.map((a): TimelineItem => ({
    at: formatInstant(a.at.getTime(), zone),
    kind: a.kind,
    actor: who(a.actor),
    ...describe(readAuditDetail(a)),
  }));
  const requests = await db.extensionRequest.findMany({ where: { campaignId, unitId, deliverableId }, orderBy: { id: 'desc' } });
  return {
    campaignId,
    unit: {
      id: unit.unitId,
      name: unit.name,
      type: unit.type,
      email: unit.email,
      principalName: unit.principalName,
      principalEmail: unit.principalEmail,
      principals: unitPrincipals(unit),
    },
    deliverable: { id: deliverableId, name: obligation.deliverableName, stage: loaded.settings.stages?.[obligation.stageId] ?? obligation.stageId },
    row,
    timeline,
    nextStep: row.nextStep,
    extensionRequests: requests.map((r) => requestView(r, zone)),
  };
}
