import { CROSS } from '../slices/cells.js';
import { type Confusion, mostConfusedPair } from '../slices/class-metrics.js';
import type { Counts } from '../slices/flagging.js';
import { type Interval, wilson } from '../slices/wilson.js';
import type { AlertReason, AlertThresholds, Drop, Finding } from './evaluation.js';

/** How many examples of a failing slice the recommended labeling batch asks for. */
export const RECOMMENDED_BATCH_SIZE = 100;

export interface LabelingBatchRequest {
  size: number;
  strategy: 'least_confidence';
  quotas: 'balanced';
  filters: { slices: Record<string, string> };
}

export interface Recommendation {
  text: string;
  /** The API call that does it: POST it with an admin token. */
  action: { method: 'POST'; path: string; body: LabelingBatchRequest };
  /** The slices page, where an admin can do it with one button. */
  page: string;
}

export interface Accuracy {
  n: number;
  correct: number;
  accuracy: number | null;
  ci: Interval | null;
}

export interface AlertDetails {
  reason: AlertReason;
  /** The current window: [from, now), ISO 8601, and the model's baselineWindow it spans. */
  window: { from: string; length: string };
  slice: Accuracy;
  overall: Accuracy;
  /** The model without this slice. */
  rest: Accuracy;
  /** Labels behind the slice's numbers, by label source. */
  sources: Record<string, number>;
  confused: { actual: string; predicted: string; n: number } | null;
  /** The slice in the window before the current one. */
  baseline: (Accuracy & { from: string }) | null;
  drop: Drop | null;
  thresholds: AlertThresholds;
  /** The figure the alert judged: label accuracy (the labels as they are), not the audit-corrected estimate. */
  judged: 'label_accuracy';
  /** The slice's audit-corrected estimate, when it has one, and whether its label accuracy is significantly off it. */
  estimated: { accuracy: number; ci: Interval } | null;
  biased: boolean;
  /** Set when the alert resolves: what the numbers were then. */
  resolution?: string;
}

export interface AlertContext {
  model: string;
  finding: Finding;
  overall: Counts;
  sources: Record<string, number>;
  /** The slice's confusion counts in the current window. */
  confusion: Confusion;
  window: { length: string; from: number; baselineFrom: number };
  thresholds: AlertThresholds;
  /** The slice's corrected estimate in the same window (slices API), when known. */
  estimate?: { estimated: { accuracy: number; ci: Interval } | null; biased: boolean };
}

export const sliceLabel = (key: string, value: string) => `${key}=${value}`;

export function accuracyOf({ n, correct }: Counts): Accuracy {
  return n === 0 ? { n, correct, accuracy: null, ci: null } : { n, correct, accuracy: correct / n, ci: wilson(correct, n) };
}

/** The numbers behind an alert, and the sentence a person paged at night reads first. */
export function describeAlert(ctx: AlertContext): { message: string; details: AlertDetails; recommendation: Recommendation } {
  const { finding } = ctx;
  const slice = accuracyOf(finding.current);
  const overall = accuracyOf(ctx.overall);
  const rest = accuracyOf({ n: ctx.overall.n - finding.current.n, correct: ctx.overall.correct - finding.current.correct });
  const confused = mostConfusedPair(ctx.confusion);
  const recommendation = recommend(ctx.model, finding.key, finding.value);
  const details: AlertDetails = {
    reason: finding.reason,
    window: { from: new Date(ctx.window.from).toISOString(), length: ctx.window.length },
    slice,
    overall,
    rest,
    sources: ctx.sources,
    confused,
    baseline: finding.baseline
      ? { ...accuracyOf(finding.baseline), from: new Date(ctx.window.baselineFrom).toISOString() }
      : null,
    drop: finding.drop,
    thresholds: ctx.thresholds,
    judged: 'label_accuracy',
    estimated: ctx.estimate?.estimated ? { accuracy: ctx.estimate.estimated.accuracy, ci: ctx.estimate.estimated.ci } : null,
    biased: ctx.estimate?.biased ?? false,
  };
  const name = sliceLabel(finding.key, finding.value);
  const sentences = [
    `${name} is at ${pct(slice.accuracy)} accuracy (95% CI ${range(slice.ci)}) against ${pct(overall.accuracy)} ` +
      `for the whole model (${pct(rest.accuracy)} for the rest) over the last ${ctx.window.length}${because(details)}.`,
    `Behind it: ${count(slice.n)} labels (${sourceMix(ctx.sources)}).`,
    judgedOn(details),
    confused
      ? `Most confused: labeled ${confused.actual} but predicted ${confused.predicted} (${count(confused.n)} times).`
      : 'No class pair stands out among its mistakes.',
    `Next step: ${recommendation.text}.`,
  ];
  return { message: sentences.join(' '), details, recommendation };
}

/** Which figure the alert judged, and a warning when that figure comes from biased labels. */
function judgedOn(d: AlertDetails): string {
  if (d.biased && d.estimated)
    return (
      `Judged on label accuracy, but this slice's labels are biased: corrected with audit labels it is at ` +
      `${pct(d.estimated.accuracy)} (95% CI ${range(d.estimated.ci)}).`
    );
  return 'Judged on label accuracy.';
}

/** A line for a resolved alert: the slice's numbers now, or that it has too few labels to judge. */
export function describeResolution(key: string, value: string, now: Counts | null, t: AlertThresholds, length: string): string {
  const name = sliceLabel(key, value);
  if (!now || now.n < t.minSupport) {
    return `${name} has ${count(now?.n ?? 0)} labels over the last ${length}, fewer than the ${count(t.minSupport)} needed to judge it.`;
  }
  const a = accuracyOf(now);
  return `${name} is back within the thresholds: ${pct(a.accuracy)} accuracy (95% CI ${range(a.ci)}) over the last ${length}.`;
}

/** Queue examples of the slice for labeling: the most uncertain first, balanced over predicted classes. */
export function recommend(model: string, key: string, value: string): Recommendation {
  const path = `/api/v1/models/${encodeURIComponent(model)}/labeling-batches`;
  return {
    text: `queue ${RECOMMENDED_BATCH_SIZE} examples of ${sliceLabel(key, value)} for labeling`,
    action: {
      method: 'POST',
      path,
      body: {
        size: RECOMMENDED_BATCH_SIZE,
        strategy: 'least_confidence',
        quotas: 'balanced',
        filters: { slices: sliceFilter(key, value) },
      },
    },
    page: `/models/${encodeURIComponent(model)}/slices`,
  };
}

/** The labeling API's slice filter: a cross such as country×device = de×mobile filters on both keys. */
export function sliceFilter(key: string, value: string): Record<string, string> {
  const keys = key.split(CROSS);
  const values = value.split(CROSS);
  if (keys.length === 2 && values.length === 2) return { [keys[0]]: values[0], [keys[1]]: values[1] };
  return { [key]: value };
}

function because(d: AlertDetails): string {
  switch (d.reason) {
    case 'below_min_accuracy':
      return `, surely below the minimum of ${pct(d.thresholds.minAccuracy)}`;
    case 'below_rest':
      return ', surely below the rest of the model';
    case 'drop':
      return (
        `, down from ${pct(d.baseline?.accuracy ?? null)} in the ${d.window.length} before: a fall of ` +
        `${points(d.drop!.estimate)} points (95% CI ${points(d.drop!.ci[0])}–${points(d.drop!.ci[1])})`
      );
  }
}

function sourceMix(sources: Record<string, number>): string {
  const total = Object.values(sources).reduce((a, b) => a + b, 0);
  const parts = Object.entries(sources)
    .filter(([, n]) => n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([source, n]) => `${Math.round((100 * n) / total)}% ${source}`);
  return parts.length > 0 ? parts.join(', ') : 'source unknown';
}

export const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const points = (x: number) => (x * 100).toFixed(1);
const count = (n: number) => n.toLocaleString('en');
const range = (ci: Interval | null) => (ci ? `${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%` : '–');
