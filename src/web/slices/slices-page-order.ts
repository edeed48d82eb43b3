import type { SourceFilter } from '../../slices/slices.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The time windows the page offers, as a length back from now; null is all time. */
export const PAGE_WINDOWS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, all: null } as const;
export type PageWindow = keyof typeof PAGE_WINDOWS;
export const PAGE_WINDOW_NAMES = Object.keys(PAGE_WINDOWS) as PageWindow[];
export const DEFAULT_WINDOW: PageWindow = '7d';

export const SORT_KEYS = ['slice', 'accuracy', 'delta', 'n'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
/** The direction a column sorts in first: the worst accuracy, the largest fall, the most labels. */
export const FIRST_DIR: Record<SortKey, SortDir> = { slice: 'asc', accuracy: 'asc', delta: 'asc', n: 'desc' };

export interface PageQuery {
  window: PageWindow;
  version: string | null;
  source: SourceFilter;
  /** null: the page's own order, flagged slices first, then the worst accuracy. */
  sort: SortKey | null;
  dir: SortDir | null;
}

/** One slice as a map key. */
export const sliceKeyId = (key: string, value: string) => `${key}\u0000${value}`;

export interface SortableRow {
  key: string;
  value: string;
  n: number;
  accuracy: number;
  delta: number;
  flagged: boolean;
}

/** The rows in the order asked for; ties keep the declared key order, then the value. */
export function sortRows<T extends SortableRow>(
  rows: readonly T[],
  query: Pick<PageQuery, 'sort' | 'dir'>,
  keys: readonly string[],
): T[] {
  const keyIndex = (k: string) => (keys.indexOf(k) + keys.length + 1) % (keys.length + 1);
  const bySlice = (a: T, b: T) => keyIndex(a.key) - keyIndex(b.key) || compareText(a.value, b.value);
  const sort = query.sort;
  if (sort === null)
    return [...rows].sort((a, b) => Number(b.flagged) - Number(a.flagged) || a.accuracy - b.accuracy || bySlice(a, b));
  const sign = (query.dir ?? FIRST_DIR[sort]) === 'asc' ? 1 : -1;
  const by = (a: T, b: T) => {
    switch (sort) {
      case 'slice':
        return bySlice(a, b);
      case 'accuracy':
        return a.accuracy - b.accuracy;
      case 'delta':
        return a.delta - b.delta;
      case 'n':
        return a.n - b.n;
    }
  };
  return [...rows].sort((a, b) => sign * by(a, b) || bySlice(a, b));
}

/** The query string of the page with some fields changed; defaults are left out to keep links short. */
export function pageHref(query: PageQuery, change: Partial<PageQuery> = {}): string {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  if (q.window !== DEFAULT_WINDOW) params.set('window', q.window);
  if (q.version !== null) params.set('version', q.version);
  if (q.source !== 'all') params.set('source', q.source);
  if (q.sort !== null) params.set('sort', q.sort);
  if (q.sort !== null && q.dir !== null) params.set('dir', q.dir);
  const s = params.toString();
  return s === '' ? '?' : `?${s}`;
}

/** Where a column header's link goes: its first direction, or the other one when it is already sorted so. */
export function sortLink(query: PageQuery, key: SortKey): { href: string; active: boolean; dir: SortDir; ariaSort: string } {
  const active = query.sort === key;
  const current = query.dir ?? FIRST_DIR[key];
  const next: SortDir = active ? (current === 'asc' ? 'desc' : 'asc') : FIRST_DIR[key];
  return {
    href: pageHref(query, { sort: key, dir: next }),
    active,
    dir: current,
    ariaSort: active ? (current === 'asc' ? 'ascending' : 'descending') : 'none',
  };
}

/** Which series the sparklines read, and the bucket they draw: about 24-30 points per window. */
export function seriesPlan(window: PageWindow): { bucket: 'hour' | 'day'; bucketMs: number } {
  switch (window) {
    case '24h':
      return { bucket: 'hour', bucketMs: HOUR };
    case '7d':
      return { bucket: 'hour', bucketMs: 6 * HOUR };
    case '30d':
    case 'all':
      return { bucket: 'day', bucketMs: DAY };
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
