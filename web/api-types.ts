// The shapes the console's HTTP API answers with (docs/api.md). Types only: the browser app imports them.
// What operations/ produce is defined once, in shared/console.ts, and handed on here unchanged.
import type { CampaignSummary, ExtensionRequest, Facets, ObligationRecordView } from '../shared/console';

export type {
  Board,
  BoardRow,
  BoardStanding,
  CampaignCounts,
  CampaignSummary,
  EscalationLevel,
  ExtensionRequest,
  Facets,
  Interview,
  NextStep,
  SignOffView,
  StoredFileRef,
  TimelineItem,
} from '../shared/console';

/** The hazard ledger's answers and request bodies (shared/hazard-api.ts). */
export type * from '../shared/hazard-api';

export type Role = 'clerk' | 'leader' | 'admin';
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

export interface CampaignDetail extends CampaignSummary {
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

export interface ObligationDetail extends ObligationRecordView {
  temporalUrl: string | null;
  /** Not started yet: when its workflow is due to start (a day before its first notice; local time), else null. */
  workflowStartsAt: string | null;
  portalUrl: string;
}

export interface ActionResponse {
  warnings: string[];
}

export interface BulkResponse {
  results: { unitId: string; deliverableId: string; ok: boolean; error?: string }[];
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
