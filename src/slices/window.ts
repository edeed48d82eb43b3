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
