// The shapes the console's HTTP API answers with (docs/api.md). Types only: the browser app imports them.

export type Role = 'clerk' | 'leader' | 'admin';
export type EscalationLevel = 'none' | 'urge' | 'notice' | 'circulate' | 'interview';
/** What colours a board cell: submitted on time green, due within 3 working days yellow, overdue red by level. */
export type BoardStanding = 'on_time' | 'due_soon' | 'open' | 'overdue' | 'submitted_late' | 'waived';
export type BoardStatusFilter = 'open' | 'due_soon' | 'overdue' | 'submitted' | 'extended' | 'returned' | 'waived';

export interface ApiError {
  error: { code: string; message: string; problems?: { line?: number; column?: number; message: string }[]; retryAfterSeconds?: number };
}

export interface Session {
  operator: { name: string; displayName: string; role: Role };
  csrfToken: string;
}

export interface OperatorRow {
  name: string;
  displayName: string;
  role: Role;
  createdAt: string;
}

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

export interface CampaignDetail extends CampaignSummary {
  facets: Facets;
}

export interface Facets {
  unitTypes: string[];
  leadDepartments: { id: string; name: string }[];
  stages: { id: string; name: string }[];
  deliverables: { id: string; name: string }[];
}

export interface NextStep {
  action: 'reminder' | 'urge' | 'notice' | 'circulate' | 'interview';
  /** ISO instant */
  at: string;
}

export interface BoardRow {
  unitId: string;
  unitName: string;
  unitType: string;
  deliverableId: string;
  deliverableName: string;
  stageId: string;
  due: string;
  originalDue: string;
  standing: BoardStanding;
  escalation: EscalationLevel;
  lateWorkingDays: number | null;
  submittedAt: string | null;
  extended: boolean;
  returned: boolean;
  nextStep: NextStep | null;
  summary: string;
}

export interface Board {
  total: number;
  page: number;
  pageSize: number;
  today: string;
  rows: BoardRow[];
  facets: Facets;
}

export interface PlanPreviewNotice {
  at: string;
  unitId: string;
  unitName: string;
  deliverableId: string;
  deliverableName: string;
  action: string;
  /** 提醒 / 提醒敦促函 / 督办通知 / 通报 / 约谈通知 */
  instrument: string;
}

export interface PlanPreview {
  obligations: number;
  units: number;
  /** The launch the plan assumes: now, or the start of the first stage when launching now would send nothing. */
  launchAt: string;
  notices: PlanPreviewNotice[];
}

export interface PlanResponse {
  campaignId: string;
  title: string;
  plan: PlanPreview;
  warnings: string[];
}

export interface LaunchResponse {
  campaignId: string;
  obligations: number;
  warnings: string[];
  /** launched: new; resumed: recorded earlier, its workflow started now; already-launched: nothing done */
  outcome: 'launched' | 'resumed' | 'already-launched';
  message: string;
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
  requestedTo: string;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface ObligationDetail {
  campaignId: string;
  unit: { id: string; name: string; type: string; email: string; principalName: string; principalEmail: string };
  deliverable: { id: string; name: string; stage: string };
  row: BoardRow;
  timeline: TimelineItem[];
  nextStep: NextStep | null;
  extensionRequests: ExtensionRequest[];
  temporalUrl: string | null;
  portalUrl: string;
}

export interface ActionResponse {
  warnings: string[];
}

export interface BulkResponse {
  results: { unitId: string; deliverableId: string; ok: boolean; error?: string }[];
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

export interface PortalObligation {
  deliverableId: string;
  name: string;
  due: string;
  status: 'open' | 'submitted' | 'waived';
  overdue: boolean;
  submittedAt: string | null;
  files: { name: string; at: string }[];
  request: ExtensionRequest | null;
}

export interface PortalView {
  campaign: { title: string; officeName: string };
  unit: { name: string };
  obligations: PortalObligation[];
  expiresOn: string;
}
