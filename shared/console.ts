// What the console's operations answer (operations/board.ts, obligation-detail.ts, interviews.ts,
// extension-requests.ts) and the HTTP API hands on unchanged (web/api-types.ts re-exports these for ui/).
// Types only.
import type { BoardStanding } from '../domain/board';
import type { CivilDate } from '../domain/calendar';
import type { EscalationStep, NoticeAction } from '../domain/policy';

export type { BoardStanding };
export type EscalationLevel = EscalationStep | 'none';

export interface CampaignCounts {
  owed: number;
  submitted: number;
  onTime: number;
  overdue: number;
  urged: number;
  circulated: number;
  interviewed: number;
}

export interface CampaignSummary {
  id: string;
  title: string;
  officeName: string;
  /** IANA zone the campaign's dates and times are in (Asia/Shanghai). */
  timeZone: string;
  launchedAt: string;
  launchedBy: string;
  counts: CampaignCounts;
}

export interface Facets {
  unitTypes: string[];
  leadDepartments: { id: string; name: string }[];
  stages: { id: string; name: string }[];
  deliverables: { id: string; name: string }[];
}

export interface NextStep {
  action: NoticeAction;
  /** ISO instant in the campaign's zone */
  at: string;
}

export interface BoardRow {
  unitId: string;
  unitName: string;
  unitType: string;
  deliverableId: string;
  deliverableName: string;
  stageId: string;
  due: CivilDate;
  originalDue: CivilDate;
  standing: BoardStanding;
  escalation: EscalationLevel;
  lateWorkingDays: number | null;
  submittedAt: string | null;
  extended: boolean;
  returned: boolean;
  nextStep: NextStep | null;
  /** The step whose letter about this obligation waits for a leader's 签发 (待签发), or null. */
  awaitingSignOff: 'circulate' | 'interview' | null;
  summary: string;
}

export interface Board {
  total: number;
  page: number;
  pageSize: number;
  today: CivilDate;
  rows: BoardRow[];
  facets: Facets;
}

export interface StoredFileRef {
  sha256: string;
  name: string;
  size: number;
}

export interface TimelineItem {
  at: string;
  kind: string;
  actor: string;
  summary: string;
  letter?: { action: string; subject: string; body: string; recipients: string[]; reason: string; messageId: string };
  file?: StoredFileRef;
}

export interface ExtensionRequest {
  id: number;
  unitId: string;
  deliverableId: string;
  requestedTo: CivilDate;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

/** One obligation as operations/obligation-detail.ts reads it; the API adds its links. */
export interface ObligationRecordView {
  campaignId: string;
  unit: {
    id: string;
    name: string;
    type: string;
    email: string;
    principalName: string;
    principalEmail: string;
    /** Every principal (党政同责: a town's 书记 and 镇长), the first also in principalName/principalEmail. */
    principals: { name: string; title?: string; email: string }[];
  };
  deliverable: { id: string; name: string; stage: string };
  row: BoardRow;
  timeline: TimelineItem[];
  nextStep: NextStep | null;
  extensionRequests: ExtensionRequest[];
}

export interface Interview {
  id: number;
  unitId: string;
  unitName: string;
  deliverableId: string;
  deliverableName: string;
  principal: string;
  status: 'to_schedule' | 'scheduled' | 'held';
  scheduledFor: string | null;
  place: string | null;
  conductedBy: string | null;
  outcome: string | null;
  createdAt: string;
  closedAt: string | null;
}

/** A letter waiting for a leader's 签发 (GET /api/campaigns/:id/sign-offs), with its full preview. */
export interface SignOffView {
  /** What names the letter in approve/withdraw (a 通报: its circulation key). */
  key: string;
  action: 'circulate' | 'interview';
  campaignId: string;
  /** The step's time, and when the letter was prepared as 待签发 (campaign time, ISO with offset). */
  scheduledAt: string;
  preparedAt: string;
  subject: string;
  text: string;
  to: string[];
  cc: string[];
  /** The obligations it names. */
  listed: { unitId: string; unitName: string; deliverableId: string; deliverableName: string }[];
}
