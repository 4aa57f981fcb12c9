// The campaign's towns (属地) and departments (行业主管部门), for the ledger's filters and the portal's report form.
import { useEffect, useState } from 'react';
import { api } from './api';
import type { HazardStatistics, HazardUnitOption } from './hazardTypes';
import { enc } from './router';

export interface HazardUnits {
  towns: HazardUnitOption[];
  departments: HazardUnitOption[];
}

export function useHazardUnits(campaignId: string): HazardUnits {
  const [units, setUnits] = useState<HazardUnits>({ towns: [], departments: [] });
  useEffect(() => {
    let live = true;
    api<HazardStatistics>(`/api/campaigns/${enc(campaignId)}/hazard-statistics`).then(
      (s) => {
        if (!live) return;
        const option = (r: { unitId: string; unitName: string }) => ({ id: r.unitId, name: r.unitName });
        setUnits({ towns: s.byTown.map(option), departments: s.byDepartment.map(option) });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [campaignId]);
  return units;
}
