import { wilson } from '../../slices/wilson.js';

/** Labeled counts of one time bucket; t is the bucket's start (epoch ms). */
export interface SparkPoint {
  t: number;
  n: number;
  correct: number;
}

export interface SparklineOptions {
  width: number;
  height: number;
  /** The time span drawn, [from, to) in epoch ms. */
  from: number;
  to: number;
  /** Length of one bucket: each point is drawn at its bucket's middle. */
  bucketMs: number;
  /** Accuracy at the bottom and the top edge. */
  domain: readonly [number, number];
  /** Accuracy drawn as a horizontal reference line (the overall); none when null. */
  reference: number | null;
}

/** What an inline SVG sparkline needs: only numbers, so the template can draw it without markup from code. */
export interface Sparkline {
  width: number;
  height: number;
  /** SVG path of accuracy per bucket; empty without points. */
  line: string;
  /** SVG path of the 95% interval per bucket, as a closed band; empty without points. */
  band: string;
  /** The latest point, drawn as a dot. */
  last: { x: number; y: number } | null;
  /** y of the reference line. */
  ref: number | null;
}

/** Sums consecutive buckets into buckets of `sizeMs` (aligned on multiples of it), oldest first. */
export function rebucket(points: readonly SparkPoint[], sizeMs: number): SparkPoint[] {
  const sums = new Map<number, SparkPoint>();
  for (const p of points) {
    const t = Math.floor(p.t / sizeMs) * sizeMs;
    const sum = sums.get(t) ?? { t, n: 0, correct: 0 };
    sums.set(t, { t, n: sum.n + p.n, correct: sum.correct + p.correct });
  }
  return [...sums.values()].filter((p) => p.n > 0).sort((a, b) => a.t - b.t);
}

/** Accuracy over time with its interval as a band, scaled into a width × height box. */
export function sparkline(points: readonly SparkPoint[], o: SparklineOptions): Sparkline {
  const span = Math.max(1, o.to - o.from);
  const [lo, hi] = o.domain;
  const x = (t: number) => round(clamp(((t + o.bucketMs / 2 - o.from) / span) * o.width, 0, o.width));
  const y = (accuracy: number) => round(clamp(o.height - ((accuracy - lo) / Math.max(1e-9, hi - lo)) * o.height, 0, o.height));
  const drawn = points
    .filter((p) => p.n > 0 && p.t + o.bucketMs > o.from && p.t < o.to)
    .sort((a, b) => a.t - b.t)
    .map((p) => {
      const [l, u] = wilson(p.correct, p.n);
      return { x: x(p.t), y: y(p.correct / p.n), lo: y(l), hi: y(u) };
    });
  const at = (px: number, py: number) => `${px},${py}`;
  const line = drawn.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(p.x, p.y)}`).join(' ');
  const band =
    drawn.length === 0
      ? ''
      : [
          ...drawn.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(p.x, p.hi)}`),
          ...[...drawn].reverse().map((p) => `L${at(p.x, p.lo)}`),
          'Z',
        ].join(' ');
  const end = drawn.at(-1);
  return {
    width: o.width,
    height: o.height,
    line,
    band,
    last: end ? { x: end.x, y: end.y } : null,
    ref: o.reference === null ? null : y(o.reference),
  };
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
const round = (v: number) => Math.round(v * 10) / 10;
