// The hazard API's shapes as the pages use them (until shared/hazard-api.ts lands: mirrored from operations/hazards.ts).
import type { HazardLevel, HazardSource, HazardStatus, ListingLevel } from './hazardLabels';

export interface FileRef {
  sha256: string;
  name: string;
}

export interface HazardSummary {
  id: string;
  serial: number;
  site: string;
  townId: string;
  townName: string;
  departmentId: string;
  departmentName: string;
  description: string;
  level: HazardLevel;
  status: HazardStatus;
  foundOn: string;
  deadline: string;
  originalDeadline: string;
  responsible: string;
  overdueWorkingDays: number;
  reportedOn: string | null;
  closedOn: string | null;
  listing: { status: string; level: string } | null;
  version: number;
}

export interface HazardPage {
  campaignId: string;
  title: string;
  today: string;
  total: number;
  page: number;
  pageSize: number;
  byStatus: Record<HazardStatus, number>;
  items: HazardSummary[];
}

export interface HazardFacts {
  site: string;
  townId: string;
  departmentId: string;
  description: string;
  level: HazardLevel;
  basis: string;
  foundOn: string;
  source: HazardSource;
  measures: string;
  responsible: string;
  fundsWan: number;
  deadline: string;
}

export interface RectificationRound {
  round: number;
  startedOn: string;
  deadline: string;
  report?: { on: string; done: string; files: FileRef[]; by?: string; responsible: string };
  acceptance?: { by: string; on: string; result: 'pass' | 'fail'; opinion: string; files: FileRef[]; recordedOn: string };
}

export interface HazardState {
  hazard: HazardFacts & { id: string; campaignId: string };
  status: HazardStatus;
  originalDeadline: string;
  plan?: { measures: string; responsibility: string; fundsWan: number; deadline: string; contingency: string; files?: FileRef[]; recordedOn: string; by?: string };
  rounds: RectificationRound[];
  extensions: { from: string; to: string; reason: string; approvedBy: string; on: string }[];
  cancellation?: { reason: string; on: string; by?: string };
  closedOn?: string;
}

export interface HazardListing {
  id: string;
  hazardId: string;
  level: ListingLevel;
  documentNumber: string;
  listedOn: string;
  order: { recipients: string[]; deadline: string; sentOn: string };
  signatures: { unitId: string; by: string; on: string }[];
  announcedOn?: string;
  extensionRequests: { requestedOn: string; to: string; reason: string; by: string; decision?: { approved: boolean; reason: string; by: string; on: string } }[];
  status: 'listed' | 'delisted' | 'revoked';
  delisting?: { approvedBy: string; on: string; documentNumber?: string; opinion?: string };
  revocation?: { reason: string; on: string; by?: string };
}

export interface HazardHistoryItem {
  seq: number;
  at: string;
  actor: string;
  kind: string;
  summary: string;
  listingId: string | null;
}

export interface HazardDetail {
  summary: HazardSummary;
  state: HazardState;
  listings: HazardListing[];
  acceptanceDue: string | null;
  history: HazardHistoryItem[];
}

export interface HazardFigures {
  found: number;
  rectified: number;
  notRectified: number;
  overdue: number;
  rectificationRate: number | null;
  due: number;
  onTime: number;
  onTimeRate: number | null;
  major: number;
  majorClosed: number;
  majorClosureRate: number | null;
  listed: number;
  listedNow: number;
}

export interface HazardStatsRow extends HazardFigures {
  unitId: string;
  unitName: string;
}

export interface HazardStatistics {
  campaignId: string;
  title: string;
  officeName: string;
  period: string | null;
  periodLabel: string;
  from: string | null;
  to: string | null;
  asOf: string;
  byTown: HazardStatsRow[];
  byDepartment: HazardStatsRow[];
  total: HazardFigures;
  closed: { at: string; by: string } | null;
}

export interface HazardImportResult {
  campaignId: string;
  rows: number;
  created: string[];
  unchanged: string[];
}

export interface HazardUnitOption {
  id: string;
  name: string;
}
