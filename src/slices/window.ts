export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Cells are kept at three grains: the prediction's hour, its UTC day, and all time (bucket 0). */
export const GRAINS = ['hour', 'day', 'all'] as const;
export type Grain = (typeof GRAINS)[number];

export function bucketOf(ts: number, grain: Grain): number {
  switch (grain) {
    case 'hour':
      return Math.floor(ts / HOUR_MS) * HOUR_MS;
    case 'day':
      return Math.floor(ts / DAY_MS) * DAY_MS;
    case 'all':
      return 0;
  }
}

/** A window on prediction time in whole hours, [from, to); null is unbounded. */
export interface Window {
  from: number | null;
  to: number | null;
}

/** The hours that overlap [from, to): from rounds down to its hour, to up. */
export function alignWindow(from: number | null, to: number | null): Window {
  return {
    from: from === null ? null : Math.floor(from / HOUR_MS) * HOUR_MS,
    to: to === null ? null : Math.ceil(to / HOUR_MS) * HOUR_MS,
  };
}

/** Cells of one grain whose bucket starts in [from, to); null is unbounded. */
export interface Segment {
  grain: Grain;
  from: number | null;
  to: number | null;
}

/**
 * The fewest cells that cover an hour-aligned window exactly: all-time cells for an unbounded
 * window, else whole days in the middle and hours at the two partial ends.
 */
export function segmentsFor(window: Window): Segment[] {
  if (window.from === null && window.to === null) return [{ grain: 'all', from: null, to: null }];
  return daysAndHours(window);
}

/** A segment whose counts are added (1) or subtracted (-1). */
export interface SignedSegment extends Segment {
  sign: 1 | -1;
}

/** The first and last day bucket that hold cells. */
export interface Extent {
  firstDay: number;
  lastDay: number;
}

// Rough cells per bucket: a day holds more distinct cells than an hour; all time about as many as a day.
const WEIGHT: Record<Grain, number> = { hour: 1, day: 2, all: 2 };

/**
 * The cheaper of two exact plans for a window: its own cells, or all-time cells minus the cells
 * outside it. The extent of the data only estimates the cost (the outside is open-ended, so a cell
 * added beyond the extent meanwhile is still subtracted). A window covering most of the history
 * reads few cells.
 */
export function planFor(window: Window, extent: Extent | null): SignedSegment[] {
  const inside = segmentsFor(window).map((s) => ({ ...s, sign: 1 as const }));
  if (extent === null || (window.from === null && window.to === null)) return inside;
  const end = extent.lastDay + DAY_MS;
  const outside = [
    ...(window.from === null ? [] : daysAndHours({ from: null, to: window.from })),
    ...(window.to === null ? [] : daysAndHours({ from: window.to, to: null })),
  ];
  const complement: SignedSegment[] = [
    { grain: 'all', from: null, to: null, sign: 1 },
    ...outside.map((s) => ({ ...s, sign: -1 as const })),
  ];
  const cost = (segments: Segment[]) =>
    segments.reduce((sum, s) => {
      if (s.grain === 'all') return sum + WEIGHT.all;
      const from = Math.max(s.from ?? extent.firstDay, extent.firstDay);
      const to = Math.min(s.to ?? end, end);
      return sum + (WEIGHT[s.grain] * Math.max(0, to - from)) / (s.grain === 'hour' ? HOUR_MS : DAY_MS);
    }, 0);
  return cost(complement) < cost(inside) ? complement : inside;
}

/** Like segmentsFor, but never all-time cells: for a series by day. */
export function daySegmentsFor(window: Window): Segment[] {
  return daysAndHours(window);
}

function daysAndHours({ from, to }: Window): Segment[] {
  const firstDay = from === null ? null : Math.ceil(from / DAY_MS) * DAY_MS;
  const endDay = to === null ? null : Math.floor(to / DAY_MS) * DAY_MS;
  if (firstDay !== null && endDay !== null && firstDay >= endDay) {
    return from !== null && to !== null && from >= to ? [] : [{ grain: 'hour', from, to }];
  }
  const segments: Segment[] = [];
  if (from !== null && firstDay !== null && from < firstDay) segments.push({ grain: 'hour', from, to: firstDay });
  segments.push({ grain: 'day', from: firstDay, to: endDay });
  if (to !== null && endDay !== null && endDay < to) segments.push({ grain: 'hour', from: endDay, to });
  return segments;
}
