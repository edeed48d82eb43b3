import { describe, expect, it } from 'vitest';
import { alignWindow, bucketOf, daySegmentsFor, planFor, type Segment, segmentsFor } from './window.js';

const t = (iso: string) => Date.parse(iso);

describe('bucketOf', () => {
  it.each([
    ['hour', '2026-11-26T10:59:59.999Z', '2026-11-26T10:00:00Z'],
    ['day', '2026-11-26T23:59:59Z', '2026-11-26T00:00:00Z'],
    ['hour', '1969-12-31T23:30:00Z', '1969-12-31T23:00:00Z'],
  ] as const)('puts a %s cell at the start of its bucket (%s)', (grain, ts, start) => {
    expect(bucketOf(t(ts), grain)).toBe(t(start));
  });

  it('puts every time in the one all-time bucket', () => {
    expect(bucketOf(t('2026-11-26T10:00:00Z'), 'all')).toBe(0);
  });
});

describe('alignWindow', () => {
  it('widens to the hours that overlap the window', () => {
    expect(alignWindow(t('2026-11-26T10:30:00Z'), t('2026-11-26T12:10:00Z'))).toEqual({
      from: t('2026-11-26T10:00:00Z'),
      to: t('2026-11-26T13:00:00Z'),
    });
  });

  it('keeps whole hours and open ends as they are', () => {
    expect(alignWindow(t('2026-11-26T10:00:00Z'), null)).toEqual({ from: t('2026-11-26T10:00:00Z'), to: null });
  });
});

describe('segmentsFor', () => {
  it.each<[string, string | null, string | null, Segment[]]>([
    ['all time for an unbounded window', null, null, [{ grain: 'all', from: null, to: null }]],
    [
      'hours only within one day',
      '2026-11-26T10:00:00Z',
      '2026-11-26T13:00:00Z',
      [{ grain: 'hour', from: t('2026-11-26T10:00:00Z'), to: t('2026-11-26T13:00:00Z') }],
    ],
    [
      'hours, days, hours across days',
      '2026-11-24T22:00:00Z',
      '2026-11-27T03:00:00Z',
      [
        { grain: 'hour', from: t('2026-11-24T22:00:00Z'), to: t('2026-11-25T00:00:00Z') },
        { grain: 'day', from: t('2026-11-25T00:00:00Z'), to: t('2026-11-27T00:00:00Z') },
        { grain: 'hour', from: t('2026-11-27T00:00:00Z'), to: t('2026-11-27T03:00:00Z') },
      ],
    ],
    [
      'days only on day boundaries',
      '2026-11-01T00:00:00Z',
      '2026-11-08T00:00:00Z',
      [{ grain: 'day', from: t('2026-11-01T00:00:00Z'), to: t('2026-11-08T00:00:00Z') }],
    ],
    [
      'open-ended days after leading hours',
      '2026-11-26T20:00:00Z',
      null,
      [
        { grain: 'hour', from: t('2026-11-26T20:00:00Z'), to: t('2026-11-27T00:00:00Z') },
        { grain: 'day', from: t('2026-11-27T00:00:00Z'), to: null },
      ],
    ],
    [
      'days up to trailing hours when only to is given',
      null,
      '2026-11-26T05:00:00Z',
      [
        { grain: 'day', from: null, to: t('2026-11-26T00:00:00Z') },
        { grain: 'hour', from: t('2026-11-26T00:00:00Z'), to: t('2026-11-26T05:00:00Z') },
      ],
    ],
    ['nothing for an empty window', '2026-11-26T05:00:00Z', '2026-11-26T05:00:00Z', []],
  ])('uses %s', (_, from, to, expected) => {
    expect(segmentsFor({ from: from === null ? null : t(from), to: to === null ? null : t(to) })).toEqual(expected);
  });
});

describe('daySegmentsFor', () => {
  it('uses day cells rather than all-time ones for an unbounded window', () => {
    expect(daySegmentsFor({ from: null, to: null })).toEqual([{ grain: 'day', from: null, to: null }]);
  });
});

describe('planFor', () => {
  const extent = { firstDay: t('2026-11-01T00:00:00Z'), lastDay: t('2026-11-30T00:00:00Z') };

  it('reads all-time cells for an unbounded window', () => {
    expect(planFor({ from: null, to: null }, extent)).toEqual([{ grain: 'all', from: null, to: null, sign: 1 }]);
  });

  it("reads a short window's own cells", () => {
    const window = { from: t('2026-11-29T10:00:00Z'), to: t('2026-11-30T10:00:00Z') };
    expect(planFor(window, extent)).toEqual(segmentsFor(window).map((s) => ({ ...s, sign: 1 })));
  });

  it('subtracts what lies outside a window that covers most of the data from all time', () => {
    const window = { from: t('2026-11-01T10:00:00Z'), to: t('2026-11-30T20:00:00Z') };
    expect(planFor(window, extent)).toEqual([
      { grain: 'all', from: null, to: null, sign: 1 },
      { grain: 'day', from: null, to: t('2026-11-01T00:00:00Z'), sign: -1 },
      { grain: 'hour', from: t('2026-11-01T00:00:00Z'), to: t('2026-11-01T10:00:00Z'), sign: -1 },
      { grain: 'hour', from: t('2026-11-30T20:00:00Z'), to: t('2026-12-01T00:00:00Z'), sign: -1 },
      { grain: 'day', from: t('2026-12-01T00:00:00Z'), to: null, sign: -1 },
    ]);
  });

  it("reads the window's own cells when there are no cells to size the plans by", () => {
    const window = { from: t('2026-11-01T10:00:00Z'), to: null };
    expect(planFor(window, null)).toEqual(segmentsFor(window).map((s) => ({ ...s, sign: 1 })));
  });
});
