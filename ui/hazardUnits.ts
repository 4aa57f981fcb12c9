// The campaign's towns (属地) and departments (行业主管部门), for the ledger's filters and the portal's report form.
import { useEffect, useState } from 'react';
import { api } from './api';
import type { HazardUnitChoices } from '../web/api-types';
import type { HazardUnitOption } from './hazardTypes';
import { enc } from './router';

export interface HazardUnits {
  towns: HazardUnitOption[];
  departments: HazardUnitOption[];
}

export function useHazardUnits(campaignId: string): HazardUnits {
  const [units, setUnits] = useState<HazardUnits>({ towns: [], departments: [] });
  useEffect(() => {
    let live = true;
    api<HazardUnitChoices>(`/api/campaigns/${enc(campaignId)}/hazard-units`).then(
      (u) => {
        if (live) setUnits(u);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [campaignId]);
  return units;
}
