// What the hazard ledger's operations answer (operations/hazards.ts) and the HTTP API hands on unchanged
// (web/api-types.ts re-exports these for ui/), and the bodies the API takes. Types only.
import type { CivilDate } from '../domain/calendar';
import type {
  FileRef,
  HazardFacts,
  HazardFigures,
  HazardLevel,
  HazardListing,
  HazardSource,
  HeldLetterKind,
  HazardState,
  HazardStatus,
  ListingLevel,
} from '../domain/hazards';

export type { FileRef, HazardFacts, HazardFigures, HazardLevel, HazardListing, HazardSource, HazardState, HazardStatus, HeldLetterKind, ListingLevel };

/** The answer to an import. */
export interface ImportResult {
  campaignId: string;
  /** Rows read from the sheet. */
  rows: number;
  /** The 序号 of the hazards added. */
  created: string[];
  /** The 序号 of rows already in the ledger (the same 序号 and the same hazard): left as they are. */
  unchanged: string[];
}

export interface HazardFilters {
  townId?: string;
  departmentId?: string;
  level?: HazardLevel;
  status?: HazardStatus[];
  /** Past its 整改时限 and not yet reported done. */
  overdue?: boolean;
  /** Under 挂牌督办 now. */
  listed?: boolean;
  /** Text in the site or the description. */
  text?: string;
  /** Named by a letter held for a leader's 签发 (its 约谈通知, a 通报 listing it). */
  awaitingSignOff?: boolean;
}

/** One hazard as the list shows it. */
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
  foundOn: CivilDate;
  deadline: CivilDate;
  originalDeadline: CivilDate;
  responsible: string;
  overdueWorkingDays: number;
  reportedOn: CivilDate | null;
  closedOn: CivilDate | null;
  listing: { status: string; level: string } | null;
  /** 待签发: the letters naming it held for a leader's 签发 — a 通报 listing it (`circulate`), its 约谈通知 (`interview`); [] when none. */
  awaitingSignOff: HeldLetterKind[];
  /**
   * Under 挂牌督办 with its 限期整改指令书 not signed by every recipient (属地, 行业主管部门): who has not, and the working
   * days since it was sent, on the campaign's calendar as of today; null otherwise.
   */
  unsignedOrder: { listingId: string; documentNumber: string; sentOn: CivilDate; workingDays: number; units: { id: string; name: string }[] } | null;
  version: number;
}

export interface HazardPage {
  campaignId: string;
  title: string;
  today: CivilDate;
  total: number;
  page: number;
  pageSize: number;
  /** How many of the filtered hazards are in each status. */
  byStatus: Record<HazardStatus, number>;
  items: HazardSummary[];
}

export interface HazardDetail {
  summary: HazardSummary;
  state: HazardState;
  listings: HazardListing[];
  acceptanceDue: CivilDate | null;
  /** Every event, oldest first: `actor` as recorded (operator:NAME, unit:ID, a CLI name), `actorName` as a person reads it. */
  history: { seq: number; at: string; actor: string; actorName: string; kind: string; summary: string; listingId: string | null }[];
}


export interface HazardStatsRow extends HazardFigures {
  unitId: string;
  unitName: string;
}

export interface HazardStatistics {
  campaignId: string;
  title: string;
  officeName: string;
  /** 2022-10 | 2022Q4 | null (all hazards). */
  period: string | null;
  /** 2022年10月, 2022年第四季度, 全部 */
  periodLabel: string;
  from: CivilDate | null;
  to: CivilDate | null;
  /** The day the figures are as of. */
  asOf: CivilDate;
  byTown: HazardStatsRow[];
  byDepartment: HazardStatsRow[];
  total: HazardFigures;
  /** Set when the period is closed: the figures are those recorded then. */
  closed: { at: string; by: string } | null;
}

// ───────────────────────────── request bodies (docs/api.md) ─────────────────────────────

/** POST …/hazards (console 登记, portal 上报): the facts; 判定依据 and 整改资金 may be left out for a 一般 hazard. */
export type NewHazardBody = Omit<HazardFacts, 'basis' | 'fundsWan'> & { basis?: string; fundsWan?: number };

/** Every change may carry the version the operator saw: refused with HAZARD_CONFLICT (409) when it has changed since. */
export interface VersionedBody {
  version?: number;
}

/** …/plan, multipart: these as text fields, the plan's documents as file parts. */
export interface PlanFields extends VersionedBody {
  measures: string;
  responsibility: string;
  fundsWan: number;
  deadline: CivilDate;
  contingency: string;
}

/** …/done, multipart: the text as a field, at least one file part (photos before/after, documents). */
export interface DoneFields extends VersionedBody {
  done: string;
}

/** …/accept, multipart: at least one file part (验收记录). `on` defaults to today; fail needs opinion and newDeadline. */
export interface AcceptFields extends VersionedBody {
  by: string;
  on?: CivilDate;
  result: 'pass' | 'fail';
  opinion?: string;
  newDeadline?: CivilDate;
}

export interface ExtendBody extends VersionedBody {
  to: CivilDate;
  reason: string;
}

export interface CancelBody extends VersionedBody {
  reason: string;
}

export interface EditBody extends VersionedBody {
  changes: { description?: string; measures?: string; site?: string; responsible?: string; fundsWan?: number };
}

export interface ListBody extends VersionedBody {
  level: ListingLevel;
  documentNumber: string;
  listedOn?: CivilDate;
}

export interface SignBody extends VersionedBody {
  /** Console only: the unit that signed (the portal signs for its own unit). */
  unitId?: string;
  by: string;
}

export interface AnnounceBody extends VersionedBody {
  on: CivilDate;
}

export interface ListingExtensionBody extends VersionedBody {
  to: CivilDate;
  reason: string;
  by: string;
}

export interface DecideListingExtensionBody extends VersionedBody {
  approved: boolean;
  reason: string;
}

export interface DelistBody extends VersionedBody {
  documentNumber?: string;
  opinion?: string;
}

export interface RevokeBody extends VersionedBody {
  reason: string;
}

/** A closed month or quarter: GET …/hazard-statistics/periods */
export interface ClosedPeriod {
  /** 2022-10 | 2022Q4 */
  period: string;
  /** 2022年10月 | 2022年第四季度 */
  label: string;
  closedAt: string;
  closedBy: string;
}

export interface ClosePeriodBody {
  period: string;
}

/** The campaign's units a hazard may name: its towns (属地) and its departments and lead departments (行业主管部门). */
export interface HazardUnitChoices {
  towns: { id: string; name: string }[];
  departments: { id: string; name: string }[];
}

/** The portal's list: the unit's own hazards (as 属地 or as 行业主管部门), and the units a new one may name. */
export interface PortalHazards extends HazardPage, HazardUnitChoices {
  unit: { id: string; name: string; type: string };
}
