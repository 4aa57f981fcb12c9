// The hazard API's shapes as the pages use them (shared/hazard-api.ts through web/api-types.ts), and a unit as a
// filter or a form offers it.
export type {
  ClosedPeriod,
  FileRef,
  HazardDetail,
  HazardFigures,
  HazardListing,
  HazardPage,
  HazardState,
  HazardStatistics,
  HazardStatsRow,
  HazardSummary,
  ImportResult as HazardImportResult,
  PortalHazards,
} from '../web/api-types';

export interface HazardUnitOption {
  id: string;
  name: string;
}
