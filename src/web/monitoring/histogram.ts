import type { FeatureProfile } from '../../monitoring/profile.js';
import { equalWidthEdges, histogram, quantile } from '../../monitoring/sketch.js';
import { shares } from '../../monitoring/statistics.js';

/** Bars of two distributions over the same bins, as numbers the template draws as SVG rects. */
export interface HistogramSvg {
  width: number;
  height: number;
  bars: { x: number; width: number; baseline: { y: number; h: number }; current: { y: number; h: number }; label: string }[];
  /** Axis labels: the first and last bin's edges, or the categories. */
  from: string;
  to: string;
}

const WIDTH = 280;
const HEIGHT = 80;
const BINS = 16;
const TOP_CATEGORIES = 8;

/** Baseline and current of one feature on shared bins: equal-width over both ranges (1st to 99th percentile) for numbers, top categories otherwise. */
export function featureHistogram(baseline: FeatureProfile | null, current: FeatureProfile | null): HistogramSvg | null {
  const b = baseline?.num ?? baseline?.text?.tokens ?? null;
  const c = current?.num ?? current?.text?.tokens ?? null;
  if (b || c) {
    const lows = [b, c].flatMap((s) => (s && s.count > 0 ? [quantile(s, 0.01)!] : []));
    const highs = [b, c].flatMap((s) => (s && s.count > 0 ? [quantile(s, 0.99)!] : []));
    if (lows.length === 0) return null;
    const edges = equalWidthEdges(Math.min(...lows), Math.max(...highs), BINS);
    const counts = (s: typeof b) => (s ? histogram(s, edges) : new Array<number>(edges.length - 1).fill(0));
    return bars(shares(counts(b)), shares(counts(c)), edges.slice(0, -1).map(short), short(edges[0]), short(edges.at(-1)!));
  }
  const bc = baseline?.cat;
  const cc = current?.cat;
  if (!bc && !cc) return null;
  const totals = new Map<string, number>();
  for (const t of [bc, cc]) for (const [v, n] of Object.entries(t?.counts ?? {})) totals.set(v, (totals.get(v) ?? 0) + n);
  const top = [...totals]
    .sort((x, y) => y[1] - x[1])
    .slice(0, TOP_CATEGORIES)
    .map(([v]) => v);
  const of = (t: typeof bc) => top.map((v) => t?.counts[v] ?? 0);
  return bars(shares(of(bc)), shares(of(cc)), top, top[0] ?? '', top.at(-1) ?? '');
}

function bars(b: number[], c: number[], labels: string[], from: string, to: string): HistogramSvg {
  const max = Math.max(1e-9, ...b, ...c);
  const slot = WIDTH / b.length;
  const h = (v: number) => round((v / max) * (HEIGHT - 2));
  return {
    width: WIDTH,
    height: HEIGHT,
    from,
    to,
    bars: b.map((v, i) => ({
      x: round(i * slot),
      width: round(Math.max(1, slot / 2 - 1)),
      baseline: { y: round(HEIGHT - h(v)), h: h(v) },
      current: { y: round(HEIGHT - h(c[i])), h: h(c[i]) },
      label: labels[i],
    })),
  };
}

const round = (v: number) => Math.round(v * 10) / 10;
const short = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(1) : String(Math.round(v * 100) / 100));
