// The board's filters, sort and page live in the query string, so a filtered board can be reloaded or shared.
export interface BoardQuery {
  page: number;
  pageSize: number;
  unitType?: string;
  leadDepartment?: string;
  stage?: string;
  deliverable?: string;
  status?: string;
  q?: string;
  sort?: 'unit' | 'late';
}

export const FILTER_KEYS = ['unitType', 'leadDepartment', 'stage', 'deliverable', 'status', 'q'] as const;

export function readBoardQuery(search: URLSearchParams): BoardQuery {
  const page = Number(search.get('page'));
  const pageSize = Number(search.get('pageSize'));
  const query: BoardQuery = {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 200 ? pageSize : 50,
  };
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v) query[k] = v;
  }
  if (search.get('sort') === 'late') query.sort = 'late';
  return query;
}

/** The query string (with `?`, or empty) for the URL and for GET …/board. */
export function boardQueryString(q: BoardQuery, forUrl = true): string {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (q[k]) p.set(k, q[k]);
  if (q.sort === 'late') p.set('sort', 'late');
  if (!forUrl || q.page !== 1) p.set('page', String(q.page));
  if (!forUrl || q.pageSize !== 50) p.set('pageSize', String(q.pageSize));
  const s = p.toString();
  return s ? `?${s}` : '';
}
