import { describe, expect, it } from 'vitest';
import type { SliceReport } from '../../slices/slices.service.js';
import { wilson } from '../../slices/wilson.js';
import { type PageQuery, pageHref, sortLink, sortRows } from './slices-page-order.js';
import { bar, barDomain, buildSlicesPage, severity, signedPoints, since, type SlicesPageInput } from './slices-page.js';

const unestimated: Pick<SliceReport['overall'], 'estimated' | 'estimatedReason' | 'biased' | 'audit'> = {
  estimated: null,
  estimatedReason: 'no_audit_labels',
  biased: false,
  audit: { needed: 385, targetHalfWidth: 0.05 },
};
const base: PageQuery = { window: '7d', version: null, source: 'all', sort: null, dir: null };
const row = (key: string, value: string, n: number, correct: number, flagged = false) => ({
  key,
  value,
  n,
  correct,
  accuracy: correct / n,
  ci: wilson(correct, n),
  delta: correct / n - 0.75,
  flagged,
  flagReason: flagged ? ('below_rest' as const) : null,
  perClass: {},
  confusion: {},
  ...unestimated,
});
const rows = [
  row('weather', 'sun', 200, 170),
  row('weather', 'rain', 60, 30, true),
  row('country', 'de', 20, 8),
  row('country', 'fr', 240, 192),
];
const keys = ['weather', 'country'];
const names = (r: readonly { key: string; value: string }[]) => r.map((x) => `${x.key}=${x.value}`);

describe('sortRows', () => {
  it('puts flagged slices first, then the worst accuracy, when no sort is asked for', () => {
    expect(names(sortRows(rows, base, keys))).toEqual(['weather=rain', 'country=de', 'country=fr', 'weather=sun']);
  });

  it.each<[PageQuery['sort'], PageQuery['dir'], string[]]>([
    ['n', null, ['country=fr', 'weather=sun', 'weather=rain', 'country=de']],
    ['n', 'asc', ['country=de', 'weather=rain', 'weather=sun', 'country=fr']],
    ['accuracy', null, ['country=de', 'weather=rain', 'country=fr', 'weather=sun']],
    ['accuracy', 'desc', ['weather=sun', 'country=fr', 'weather=rain', 'country=de']],
    ['delta', 'asc', ['country=de', 'weather=rain', 'country=fr', 'weather=sun']],
    ['slice', null, ['weather=rain', 'weather=sun', 'country=de', 'country=fr']],
  ])('sorts by %s %s', (sort, dir, expected) => {
    expect(names(sortRows(rows, { sort, dir }, keys))).toEqual(expected);
  });

  it('breaks ties by declared key, then value, and puts undeclared keys last', () => {
    const tied = [row('zone', 'a', 10, 5), row('country', 'b', 10, 5), row('weather', 'c', 10, 5), row('country', 'a', 10, 5)];
    expect(names(sortRows(tied, { sort: 'n', dir: 'desc' }, keys))).toEqual(['weather=c', 'country=a', 'country=b', 'zone=a']);
  });
});

describe('sort links', () => {
  it('keeps the selectors and leaves defaults out', () => {
    expect(pageHref(base)).toBe('?');
    expect(pageHref({ ...base, window: '24h', version: 'v 2&x', source: 'audit' }, { sort: 'n', dir: 'desc' })).toBe(
      '?window=24h&version=v+2%26x&source=audit&sort=n&dir=desc',
    );
  });

  it('sorts a column in its first direction, and the other way once it is sorted so', () => {
    expect(sortLink(base, 'n')).toEqual({ href: '?sort=n&dir=desc', active: false, dir: 'desc', ariaSort: 'none' });
    expect(sortLink({ ...base, sort: 'n', dir: 'desc' }, 'n')).toEqual({
      href: '?sort=n&dir=asc',
      active: true,
      dir: 'desc',
      ariaSort: 'descending',
    });
    expect(sortLink({ ...base, sort: 'accuracy', dir: null }, 'accuracy').href).toBe('?sort=accuracy&dir=desc');
  });
});

describe('barDomain and bar', () => {
  it.each<[number[], [number, number]]>([
    [
      [0.52, 0.61, 0.76, 0.8],
      [0.5, 0.8],
    ],
    [
      [0.75, 0.78],
      [0.6, 0.8],
    ],
    [
      [0.95, 1],
      [0.8, 1],
    ],
    [
      [0, 0.05],
      [0, 0.2],
    ],
    [[], [0, 1]],
  ])('spans %o with %o', (values, expected) => {
    expect(barDomain(values)).toEqual(expected);
  });

  it('places the interval, the point and the overall line in pixels, clamped to the domain', () => {
    expect(bar([0.5, 0.7], 0.6, 0.75, [0.5, 0.9])).toEqual({ x1: 0, width: 80, x: 40, ref: 100 });
    expect(bar([0.2, 0.95], 0.6, null, [0.5, 0.9])).toEqual({ x1: 0, width: 160, x: 40, ref: null });
  });
});

describe('formatting', () => {
  it.each([
    [-0.2013, '−20.1 pts'],
    [0.0049, '+0.5 pts'],
    [0.0004, '±0.0 pts'],
    [-0.0004, '±0.0 pts'],
  ])('gives a difference of %f as %s', (d, text) => {
    expect(signedPoints(d)).toBe(text);
  });

  it('says when an alert started, in UTC and relative', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(since(now - 14 * 60_000, now)).toBe('2026-11-26 11:46 UTC, 14 min ago');
    expect(since(now - 5 * 3_600_000, now)).toBe('2026-11-26 07:00 UTC, 5 h ago');
  });
});

const numbers = (slice: number, rest: number, drop: number | null = null, minAccuracy: number | null = null) => ({
  slice: { accuracy: slice },
  rest: { accuracy: rest },
  drop: drop === null ? null : { estimate: drop },
  thresholds: { minAccuracy },
});

describe('severity', () => {
  it.each([
    ['the gap to the rest', numbers(0.55, 0.78), 0.23],
    ['the fall against the baseline', numbers(0.7, 0.72, 0.25), 0.25],
    ['the distance below minAccuracy', numbers(0.6, 0.62, null, 0.9), 0.3],
  ])('is %s when that is largest', (_, d, expected) => {
    expect(severity(d)).toBeCloseTo(expected, 12);
  });
});

describe('buildSlicesPage', () => {
  it('shows label accuracy and the estimate side by side, and marks a biased slice', () => {
    const biased = {
      ...row('weather', 'snow', 100, 90),
      estimated: { accuracy: 0.4, ci: [0.3, 0.5] as [number, number], method: 'ppi++' as const, n: 500, nAudit: 60, note: 'n' },
      estimatedReason: null,
      biased: true,
      audit: { needed: 12, targetHalfWidth: 0.05 },
    };
    const page = buildSlicesPage({ ...input(), report: report([biased, ...rows]) });
    const snow = page.rows.find((r) => r.value === 'snow')!;
    expect(snow).toMatchObject({ accuracy: '90.0%', biased: true, auditNeeded: 12 });
    expect(snow.estimate).toMatchObject({ accuracy: '40.0%', ci: '30.0–50.0%', nAudit: '60' });
    expect(page.biasedCount).toBe(1);
    const sun = page.rows.find((r) => r.value === 'sun')!;
    expect(sun).toMatchObject({ estimate: null, noEstimate: 'no audit labels yet', biased: false });
    expect(page.overall.noEstimate).toBe('no audit labels yet');
    expect(page.estimateExplained).toMatch(/audit labels/);
  });

  const report = (slices = rows, n = 520): SliceReport => ({
    model: 'shop',
    window: { from: null, to: null },
    version: null,
    source: 'all',
    overall: {
      n,
      correct: Math.round(n * 0.75),
      accuracy: n === 0 ? null : 0.75,
      ci: n === 0 ? null : [0.71, 0.79],
      perClass: {},
      confusion: {},
      ...unestimated,
    },
    audit: null,
    slices,
  });
  const input = (over: Partial<SlicesPageInput> = {}): SlicesPageInput => ({
    model: { name: 'shop', sliceKeys: keys, sliceCrosses: [], minSupport: 30, baselineWindow: '7d' },
    report: report(),
    labelFree: null,
    series: new Map(),
    overallSeries: [],
    versions: ['v1'],
    firing: [
      {
        id: 'a1',
        reason: 'below_rest',
        slice: { key: 'weather', value: 'rain' },
        message: 'm',
        recommendation: { text: 'queue 100 examples of weather=rain for labeling' },
        startedAt: '2026-11-26T11:00:00Z',
        details: numbers(0.5, 0.8),
      },
    ],
    query: base,
    now: Date.parse('2026-11-26T12:00:00Z'),
    canQueue: true,
    hasAnyLabels: true,
    batch: null,
    batchError: null,
    ...over,
  });

  it('marks flagged, firing and thinly labeled rows, formatted for reading', () => {
    const page = buildSlicesPage(input());
    expect(page.rows[0]).toMatchObject({
      key: 'weather',
      value: 'rain',
      accuracy: '50.0%',
      ci: '37.7–62.3%',
      delta: '−25.0 pts',
      deltaTone: 'worse',
      flagged: true,
      flagText: 'below the rest of the model',
      firing: true,
      fewLabels: false,
    });
    expect(page.rows.find((r) => r.value === 'de')).toMatchObject({ fewLabels: true, firing: false });
    expect(page.rows.find((r) => r.value === 'fr')).toMatchObject({ n: '240', deltaTone: 'better' });
    expect(page.alerts[0]).toMatchObject({
      label: 'weather = rain',
      reasonText: 'below the rest of the model',
      since: '2026-11-26 11:00 UTC, 60 min ago',
    });
    expect(page.flaggedCount).toBe(1);
  });

  it('lists the worst firing alerts first, in full, and folds away the rest', () => {
    const alert = (value: string, slice: number, rest: number) => ({
      ...input().firing[0],
      id: value,
      slice: { key: 'country', value },
      details: numbers(slice, rest),
    });
    const page = buildSlicesPage(input({ firing: [alert('us', 0.67, 0.73), alert('fr', 0.4, 0.8), alert('de', 0.7, 0.72)] }));
    expect(page.alerts.map((a) => a.slice.value)).toEqual(['fr', 'us', 'de']);
    expect(page.moreAlerts).toEqual([]);
    const many = buildSlicesPage(input({ firing: ['a', 'b', 'c', 'd', 'e'].map((v, i) => alert(v, 0.5 + i / 100, 0.8)) }));
    expect(many.alerts.map((a) => a.slice.value)).toEqual(['a', 'b', 'c']);
    expect(many.moreAlerts.map((a) => a.slice.value)).toEqual(['d', 'e']);
    expect(many.firingCount).toBe(5);
  });

  it.each<[string, Partial<SlicesPageInput>, string | null]>([
    [
      'no slice keys',
      { model: { name: 'shop', sliceKeys: [], sliceCrosses: [], minSupport: 30, baselineWindow: '7d' } },
      'no-slice-keys',
    ],
    ['no labels at all', { hasAnyLabels: false, report: report([], 0) }, 'no-labels'],
    ['none in the selection', { report: report([], 0), query: { ...base, source: 'audit' } }, 'none-selected'],
    ['labels to show', {}, null],
  ])('has the empty state for %s', (_, over, empty) => {
    expect(buildSlicesPage(input(over)).empty).toBe(empty);
  });

  it('shows the label-free estimate beside each slice, and adds the slices that have predictions but no labels', () => {
    const e = (key: string, value: string, n: number, acc: number | null) => ({
      key,
      value,
      n,
      estimatedAccuracy: acc,
      ci: acc === null ? null : ([acc - 0.05, acc + 0.05] as [number, number]),
      notEstimable: acc === null ? 'too_small' : null,
    });
    const page = buildSlicesPage(
      input({
        labelFree: {
          overall: { ...e('*', '*', 900, 0.7), calibrated: true },
          slices: [
            e('weather', 'rain', 120, 0.52),
            e('weather', 'snow', 12, null),
            e('country', 'it', 400, 0.81),
            e('other', 'x', 50, 0.9),
          ],
        },
      }),
    );
    expect(page.rows.find((r) => r.value === 'rain')!.labelFree).toEqual({
      accuracy: '52.0%',
      ci: '47.0–57.0%',
      predictions: '120 predictions',
      notEstimable: null,
    });
    expect(page.rows.find((r) => r.value === 'fr')!.labelFree).toMatchObject({
      accuracy: null,
      notEstimable: 'not estimable: no predictions profiled',
    });
    // Unlabeled slices come after the labeled ones, in key order; keys the model does not declare are left out.
    const unlabeled = page.rows.filter((r) => r.unlabeled);
    expect(unlabeled.map((r) => `${r.key}=${r.value}`)).toEqual(['weather=snow', 'country=it']);
    expect(page.rows.slice(-2).every((r) => r.unlabeled)).toBe(true);
    expect(unlabeled[0]).toMatchObject({ accuracy: '–', n: '0', bar: null, estimate: null, auditNeeded: 0 });
    expect(unlabeled[0].labelFree.notEstimable).toBe('not estimable: 12 predictions, 30 needed');
    expect(unlabeled[1].labelFree).toMatchObject({ accuracy: '81.0%', ci: '76.0–86.0%' });
    expect(page.unlabeledCount).toBe(2);
    expect(page.labelFree).toMatchObject({
      accuracy: '70.0%',
      ci: '65.0–75.0%',
      calibrated: true,
      predictions: '900 predictions',
    });
  });
});
