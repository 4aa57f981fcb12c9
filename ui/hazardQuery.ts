// The ledger's filters and page live in the query string, so a filtered ledger can be reloaded or shared.
export interface HazardQuery {
  page: number;
  pageSize: number;
  town?: string;
  department?: string;
  level?: string;
  status?: string;
  overdue?: string;
  listed?: string;
  awaitingSignOff?: string;
  q?: string;
}

export const HAZARD_FILTER_KEYS = ['town', 'department', 'level', 'status', 'overdue', 'listed', 'awaitingSignOff', 'q'] as const;
export type HazardFilterKey = (typeof HAZARD_FILTER_KEYS)[number];

export function readHazardQuery(search: URLSearchParams): HazardQuery {
  const page = Number(search.get('page'));
  const pageSize = Number(search.get('pageSize'));
  const query: HazardQuery = {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 200 ? pageSize : 50,
  };
  for (const k of HAZARD_FILTER_KEYS) {
    const v = search.get(k);
    if (v) query[k] = v;
  }
  return query;
}

/** The query string (with `?`, or empty) for the console's URL. */
export function hazardQueryString(q: HazardQuery): string {
  const p = new URLSearchParams();
  for (const k of HAZARD_FILTER_KEYS) if (q[k]) p.set(k, q[k]);
  if (q.page !== 1) p.set('page', String(q.page));
  if (q.pageSize !== 50) p.set('pageSize', String(q.pageSize));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The filters as the API's query string (GET …/hazards, …/hazards.xlsx): with `?`, or empty. */
export function hazardApiQuery(q: HazardQuery, paged = true): string {
  const p = new URLSearchParams();
  if (q.town) p.set('town', q.town);
  if (q.department) p.set('department', q.department);
  if (q.level) p.set('level', q.level);
  if (q.status) p.set('status', q.status);
  if (q.overdue) p.set('overdue', 'true');
  if (q.listed) p.set('listed', 'true');
  if (q.awaitingSignOff) p.set('awaitingSignOff', 'true');
  if (q.q) p.set('text', q.q);
  if (paged) {
    p.set('page', String(q.page));
    p.set('pageSize', String(q.pageSize));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
