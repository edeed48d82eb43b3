import { describe, expect, it } from 'vitest';
import type { Counts } from '../slices/flagging.js';
import {
  alertWindows,
  type AlertReason,
  type AlertThresholds,
  differenceInterval,
  evaluateSlices,
  type Finding,
  reconcile,
  significantDrop,
} from './evaluation.js';

const defaults: AlertThresholds = { minAccuracy: null, maxDrop: 0.1, minSupport: 30 };
const c = (correct: number, n: number): Counts => ({ n, correct });

describe('differenceInterval', () => {
  // Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10.
  it.each<[Counts, Counts, number, number]>([
    [c(56, 70), c(48, 80), 0.0524, 0.3339],
    [c(9, 10), c(3, 10), 0.1705, 0.809],
  ])('matches the published interval for %o minus %o', (a, b, lo, hi) => {
    const { ci } = differenceInterval(a, b);
    expect(ci[0]).toBeCloseTo(lo, 4);
    expect(ci[1]).toBeCloseTo(hi, 4);
  });
});

describe('significantDrop', () => {
  // 768/1024 = 0.75 and 512/1024 = 0.5 are exact in binary: the fall is exactly 0.25.
  it.each<[string, Counts, Counts | null, AlertThresholds, boolean]>([
    ['a fall beyond maxDrop with its interval above zero', c(512, 1024), c(768, 1024), { ...defaults, maxDrop: 0.2499 }, true],
    ['a fall of exactly maxDrop', c(512, 1024), c(768, 1024), { ...defaults, maxDrop: 0.25 }, false],
    ['a fall beyond maxDrop whose interval reaches zero', c(19, 30), c(24, 30), defaults, false],
    ['a small but certain fall', c(20, 30), c(30, 30), defaults, true],
    ['a current window under minSupport', c(19, 29), c(30, 30), defaults, false],
    ['a baseline under minSupport', c(20, 30), c(29, 29), defaults, false],
    ['no baseline', c(0, 30), null, defaults, false],
    ['maxDrop switched off', c(0, 100), c(100, 100), { ...defaults, maxDrop: null }, false],
    ['a rise', c(30, 30), c(20, 30), defaults, false],
  ])('fires on %s: %s', (_, current, baseline, thresholds, fires) => {
    expect(significantDrop(current, baseline, thresholds) !== null).toBe(fires);
  });

  it('reports the fall as baseline minus current, with its interval', () => {
    const drop = significantDrop(c(20, 30), c(30, 30), defaults)!;
    expect(drop.estimate).toBeCloseTo(1 / 3, 12);
    expect(drop.ci[0]).toBeCloseTo(0.1523, 4);
    expect(drop.ci[1]).toBeCloseTo(0.5122, 4);
  });
});

describe('evaluateSlices', () => {
  const slice = (key: string, value: string, counts: Counts) => ({ key, value, ...counts });
  const reasons = (findings: Finding[]) => findings.map((f) => `${f.key}=${f.value}:${f.reason}`);

  // Wilson upper bound of 20/40 is 0.6480.
  it.each<[string, Counts, AlertThresholds, AlertReason | null]>([
    ['minAccuracy above the upper bound', c(20, 40), { ...defaults, minAccuracy: 0.65 }, 'below_min_accuracy'],
    ['minAccuracy within the interval', c(20, 40), { ...defaults, minAccuracy: 0.64 }, null],
  ])('with the slice as the whole model, %s', (_, counts, thresholds, expected) => {
    const findings = evaluateSlices({ overall: counts, current: [slice('weather', 'rain', counts)], baseline: [], thresholds });
    expect(findings.map((f) => f.reason)).toEqual(expected ? [expected] : []);
  });

  it('fires on a slice wholly below the rest of the model only from minSupport labels on', () => {
    const overall = (rain: Counts) => c(rain.correct + 900, rain.n + 1000);
    const at = (rain: Counts) =>
      evaluateSlices({ overall: overall(rain), current: [slice('weather', 'rain', rain)], baseline: [], thresholds: defaults });
    expect(reasons(at(c(10, 29)))).toEqual([]);
    expect(reasons(at(c(10, 30)))).toEqual(['weather=rain:below_rest']);
  });

  it('does not fire on a slice whose interval overlaps the rest', () => {
    const rain = c(30, 40); // upper bound 0.8581 against the rest at 0.8333
    expect(
      evaluateSlices({ overall: c(230, 280), current: [slice('weather', 'rain', rain)], baseline: [], thresholds: defaults }),
    ).toEqual([]);
  });

  it('fires on a fall against the baseline window when the slice is level with the rest', () => {
    const findings = evaluateSlices({
      overall: c(140, 200),
      current: [slice('weather', 'rain', c(70, 100)), slice('weather', 'sun', c(70, 100))],
      baseline: [slice('weather', 'rain', c(95, 100)), slice('weather', 'sun', c(72, 100))],
      thresholds: defaults,
    });
    expect(reasons(findings)).toEqual(['weather=rain:drop']);
    expect(findings[0]).toMatchObject({ current: c(70, 100), baseline: c(95, 100) });
    expect(findings[0].drop!.estimate).toBeCloseTo(0.25, 12);
  });

  it('prefers minAccuracy, then the rest, then the drop as the reason', () => {
    const findings = evaluateSlices({
      overall: c(910, 1100),
      current: [slice('weather', 'rain', c(10, 100))],
      baseline: [slice('weather', 'rain', c(95, 100))],
      thresholds: { ...defaults, minAccuracy: 0.5 },
    });
    expect(reasons(findings)).toEqual(['weather=rain:below_min_accuracy']);
    expect(findings[0].drop).not.toBeNull();
  });

  it('keeps a slice value apart from the same value under another key', () => {
    const findings = evaluateSlices({
      overall: c(140, 200),
      current: [slice('a', 'x', c(70, 100)), slice('b', 'x', c(70, 100))],
      baseline: [slice('b', 'x', c(99, 100))],
      thresholds: defaults,
    });
    expect(reasons(findings)).toEqual(['b=x:drop']);
  });
});

describe('reconcile', () => {
  const finding = (value: string): Finding => ({
    key: 'weather',
    value,
    reason: 'below_rest',
    current: c(10, 40),
    baseline: null,
    drop: null,
  });
  const open = (id: string, value: string) => ({ id, key: 'weather', value });

  it('fires new conditions, keeps the ones still holding and resolves the ones that cleared', () => {
    const result = reconcile([open('a1', 'rain'), open('a2', 'snow')], [finding('rain'), finding('fog')]);
    expect(result.fire.map((f) => f.value)).toEqual(['fog']);
    expect(result.keep.map((k) => [k.alert.id, k.finding.value])).toEqual([['a1', 'rain']]);
    expect(result.resolve.map((a) => a.id)).toEqual(['a2']);
  });

  it('resolves everything once nothing holds, and fires nothing twice', () => {
    expect(reconcile([open('a1', 'rain')], [])).toEqual({ fire: [], keep: [], resolve: [open('a1', 'rain')] });
    expect(reconcile([open('a1', 'rain')], [finding('rain')]).fire).toEqual([]);
  });

  it('resolves a duplicate open alert of one slice rather than keeping both', () => {
    const result = reconcile([open('a1', 'rain'), open('a2', 'rain')], [finding('rain')]);
    expect(result.keep.map((k) => k.alert.id)).toEqual(['a1']);
    expect(result.resolve.map((a) => a.id)).toEqual(['a2']);
  });
});

describe('a slice through its life', () => {
  // The rest of the model holds 900 of 1000; labels on the rain slice arrive over time.
  const evaluate = (rain: Counts) =>
    evaluateSlices({
      overall: c(rain.correct + 900, rain.n + 1000),
      current: [{ key: 'weather', value: 'rain', ...rain }],
      baseline: [],
      thresholds: defaults,
    });

  it('fires once it has minSupport bad labels, stays open while bad, and resolves when good labels clear it', () => {
    let openAlerts: { id: string; key: string; value: string }[] = [];
    const step = (rain: Counts) => {
      const r = reconcile(openAlerts, evaluate(rain));
      openAlerts = [...r.keep.map((k) => k.alert), ...r.fire.map((f, i) => ({ id: `n${i}`, key: f.key, value: f.value }))];
      return { fired: r.fire.length, resolved: r.resolve.length, open: openAlerts.length };
    };
    expect(step(c(5, 29))).toEqual({ fired: 0, resolved: 0, open: 0 });
    expect(step(c(5, 30))).toEqual({ fired: 1, resolved: 0, open: 1 });
    expect(step(c(20, 60))).toEqual({ fired: 0, resolved: 0, open: 1 });
    expect(step(c(150, 170))).toEqual({ fired: 0, resolved: 1, open: 0 });
  });
});

describe('alertWindows', () => {
  it('cuts the current and the baseline window on whole hours, back to back', () => {
    const now = Date.parse('2026-11-26T10:20:00Z');
    expect(alertWindows(now, 7 * 86_400_000)).toEqual({
      from: Date.parse('2026-11-19T10:00:00Z'),
      baselineFrom: Date.parse('2026-11-12T10:00:00Z'),
    });
    expect(alertWindows(now, 90 * 60_000)).toEqual({
      from: Date.parse('2026-11-26T08:00:00Z'),
      baselineFrom: Date.parse('2026-11-26T06:00:00Z'),
    });
  });
});
