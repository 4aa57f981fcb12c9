// What the hazard ledger's operations answer (operations/hazards.ts) and the HTTP API hands on unchanged
// (web/api-types.ts re-exports these for ui/), and the bodies the API takes. Types only.
import type { CivilDate } from '../domain/calendar';
import type { HazardLetterKind } from '../domain/hazard-chase';
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

export type { HazardLetterKind };
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
  /** Every letter of its chase as recorded (sent, held for 签发, withdrawn…), oldest first: sent when sent, else when due. */
  letters: HazardLetterView[];
  /** The next letter its record calls for that is not yet sent, withdrawn or not needed; null when none is due. */
  nextLetter: HazardNextLetter | null;
  /** Why none is due when `nextLetter` is null (已销号, 等待验收…); null otherwise. */
  noNextLetter: string | null;
}

/**
 * What a letter's HazardLetter row may say of it: sent; held for a leader's 签发, approved (and to go), withdrawn
 * or, approved, no longer called for when it was to go; being sent (claimed, sending).
 */
export type HazardLetterStatus = 'sent' | 'awaiting_sign_off' | 'approved' | 'withdrawn' | 'not_needed' | 'claimed' | 'sending';

/** One letter of a hazard's chase (a 通报 listing it: the same letter on each hazard it lists, with the same messageId). */
export interface HazardLetterView {
  /** Within the hazard: r<round>/<时限>/<action>/<day>, r<round>/acceptance/<due>/<kind>, listing/<id>/<kind>. */
  key: string;
  kind: HazardLetterKind;
  /** 整改提醒, 催办函, 督办通知, 通报, 约谈通知, 验收提醒, 验收催办函, 限期整改指令书, 摘牌通知 */
  kindName: string;
  status: HazardLetterStatus;
  /** 已发出, 待签发, 已签发, 已撤回, 无需发出, 发送中 */
  statusName: string;
  round: number;
  /** The 整改时限 (or 验收 deadline) it is about. */
  deadline: CivilDate;
  listingId: string | null;
  /** When it was due to go, in the campaign's zone: 2022年10月10日 09:00 */
  scheduledAt: string;
  /** When it went out; null while not sent. */
  sentAt: string | null;
  /** 发文字号, when it carries one. */
  documentNumber: string | null;
  /** Addresses as recorded. */
  to: string[];
  cc: string[];
  /** `to` then `cc` as a person reads them: a unit's, a principal's or the office's name, else the address. */
  recipients: string[];
  subject: string;
  /** Why it goes out. */
  reason: string;
  /** The full text, as sent (or as held for 签发). */
  text: string;
  messageId: string;
}

/** The letter a hazard's chase sends next if nothing changes. */
export interface HazardNextLetter {
  key: string;
  kind: HazardLetterKind;
  kindName: string;
  /** When it goes out, in the campaign's zone (past: it goes at once). */
  at: string;
  round: number;
  deadline: CivilDate;
  reason: string;
  /** Who it goes to: the 属地 and the 行业主管部门 (their 主要负责人 for a 约谈通知, the office for a 重大 hazard's 验收), every unit for a 通报. */
  recipients: string[];
  /** Its row's status when it has one already (held for 签发: awaiting_sign_off, approved), else null. */
  status: HazardLetterStatus | null;
  statusName: string | null;
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
