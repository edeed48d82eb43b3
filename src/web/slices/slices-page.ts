import type { EstimateFields } from '../../slices/estimates.js';
import { count, pct, range } from './format.js';
import type { AccuracySummary } from '../../slices/report.js';
import { SOURCE_FILTERS, type SliceReport } from '../../slices/slices.service.js';
import {
  DEFAULT_WINDOW,
  PAGE_WINDOW_NAMES,
  PAGE_WINDOWS,
  type PageQuery,
  pageHref,
  seriesPlan,
  SORT_KEYS,
  sortLink,
  sliceKeyId,
  sortRows,
} from './slices-page-order.js';
import { type LabelFreeInput, labelFreeView, unlabeledSliceRows } from './label-free.js';
import { rebucket, type SparkPoint, sparkline } from './sparkline.js';

/** A firing alert as the page shows it. */
export interface PageAlert {
  id: string;
  reason: string;
  slice: { key: string; value: string };
  message: string;
  recommendation: { text: string };
  startedAt: string;
  details: AlertNumbers;
}

/** The numbers of an alert that say how bad it is (a subset of the alert's details). */
export interface AlertNumbers {
  slice: { accuracy: number | null };
  rest: { accuracy: number | null };
  drop: { estimate: number } | null;
  thresholds: { minAccuracy: number | null };
}

export interface PageBatch {
  id: string;
  size: number;
  filled: number;
  slices: Record<string, string>;
}

export interface SlicesPageInput {
  model: { name: string; sliceKeys: string[]; sliceCrosses: [string, string][]; minSupport: number; baselineWindow: string };
  report: SliceReport;
  /** null when there is nothing to estimate from (no profiles). */
  labelFree: LabelFreeInput | null;
  /** Series points by `${key}\u0000${value}`, at the plan's API bucket. */
  series: ReadonlyMap<string, SparkPoint[]>;
  overallSeries: SparkPoint[];
  versions: string[];
  firing: PageAlert[];
  query: PageQuery;
  now: number;
  /** Whether the viewer may create labeling batches (admins). */
  canQueue: boolean;
  /** Whether the model has labels at all, in any window. */
  hasAnyLabels: boolean;
  batch: PageBatch | null;
  batchError: string | null;
}

const SPARK = { width: 160, height: 30 };
const BAR_WIDTH = 160;
const ALERTS_IN_FULL = 3;
const REASONS: Record<string, string> = {
  below_min_accuracy: 'below the minimum accuracy',
  below_rest: 'below the rest of the model',
  drop: 'fell against the window before',
};
const WINDOW_LABELS: Record<string, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  all: 'All time',
};

export { sliceKeyId };

/** The view model of /models/:model/slices: plain values for the template, every number formatted. */
export function buildSlicesPage(input: SlicesPageInput) {
  const { report, query, model } = input;
  const overallAccuracy = report.overall.accuracy;
  const domain = barDomain([...report.slices.flatMap((s) => s.ci), ...(overallAccuracy === null ? [] : [overallAccuracy])]);
  const plan = seriesPlan(query.window);
  const windowMs = PAGE_WINDOWS[query.window];
  const to = Math.ceil(input.now / plan.bucketMs) * plan.bucketMs;
  const firstPoint = Math.min(to - plan.bucketMs, ...[...input.series.values(), input.overallSeries].flat().map((p) => p.t));
  // Every sparkline shares one time axis, starting at the first labeled bucket when the window reaches further back.
  const firstBucket = Math.floor(firstPoint / plan.bucketMs) * plan.bucketMs;
  const from = windowMs === null ? firstBucket : Math.max(input.now - windowMs, firstBucket);
  const spark = (points: SparkPoint[]) =>
    sparkline(rebucket(points, plan.bucketMs), {
      ...SPARK,
      from,
      to,
      bucketMs: plan.bucketMs,
      domain,
      reference: overallAccuracy,
    });
  const firingIds = new Set(input.firing.map((a) => sliceKeyId(a.slice.key, a.slice.value)));
  const keys = [...model.sliceKeys, ...model.sliceCrosses.map(([a, b]) => `${a}×${b}`)];
  const labelFreeOf = new Map((input.labelFree?.slices ?? []).map((e) => [sliceKeyId(e.key, e.value), e]));
  const labeledRows = sortRows(report.slices, query, keys).map((s) => ({
    key: s.key,
    value: s.value,
    n: count(s.n),
    accuracy: pct(s.accuracy),
    ci: range(s.ci),
    delta: signedPoints(s.delta),
    deltaTone: s.delta <= -0.005 ? 'worse' : s.delta >= 0.005 ? 'better' : 'level',
    flagged: s.flagged,
    flagText: s.flagReason ? REASONS[s.flagReason] : null,
    firing: firingIds.has(sliceKeyId(s.key, s.value)),
    fewLabels: s.n < model.minSupport,
    ...estimateView(s),
    bar: bar(s.ci, s.accuracy, overallAccuracy, domain) as ReturnType<typeof bar> | null,
    spark: spark(input.series.get(sliceKeyId(s.key, s.value)) ?? []),
    labelFree: labelFreeView(labelFreeOf.get(sliceKeyId(s.key, s.value))),
    unlabeled: false,
  }));
  // Slices with predictions in the window but no labels yet: the label-free estimate is all they have.
  const unlabeledRows = unlabeledSliceRows(input.labelFree, report.slices, keys).map((row) => ({
    ...row,
    firing: firingIds.has(sliceKeyId(row.key, row.value)),
    spark: spark([]),
  }));
  const rows = [...labeledRows, ...unlabeledRows];
  return {
    title: `${model.name} · accuracy by slice`,
    styles: ['slices.css'],
    scripts: ['slices.js'],
    model: model.name,
    canQueue: input.canQueue,
    windowLabel: WINDOW_LABELS[query.window],
    overall: { ...summary(report.overall), ...estimateView(report.overall) },
    labelFree: input.labelFree
      ? { ...labelFreeView(input.labelFree.overall), calibrated: input.labelFree.overall.calibrated }
      : { ...labelFreeView(undefined), calibrated: false },
    unlabeledCount: unlabeledRows.length,
    estimateExplained: ESTIMATE_EXPLAINED,
    qualityHref: `/models/${encodeURIComponent(model.name)}/quality`,
    biasedCount: report.slices.filter((s) => s.biased).length,
    overallSpark: spark(input.overallSeries),
    audit: report.audit ? summary(report.audit) : null,
    auditDisagrees: disagree(report.overall, report.audit),
    ...splitAlerts(input.firing, input.now),
    alertWindow: model.baselineWindow,
    rows,
    flaggedCount: report.slices.filter((s) => s.flagged).length,
    columns: Object.fromEntries(SORT_KEYS.map((k) => [k, sortLink(query, k)])),
    axis: { lo: pct(domain[0], 0), hi: pct(domain[1], 0) },
    selectors: {
      windows: PAGE_WINDOW_NAMES.map((w) => ({ value: w, label: WINDOW_LABELS[w], selected: w === query.window })),
      versions: input.versions.map((v) => ({ value: v, selected: v === query.version })),
      sources: SOURCE_FILTERS.map((s) => ({ value: s, label: s === 'all' ? 'All sources' : s, selected: s === query.source })),
      sort: query.sort,
      dir: query.sort === null ? null : query.dir,
    },
    filtered: query.window !== DEFAULT_WINDOW || query.version !== null || query.source !== 'all',
    resetHref: pageHref({ window: DEFAULT_WINDOW, version: null, source: 'all', sort: null, dir: null }),
    /** The page's query, for the queue forms to come back to. */
    back: pageHref(query).slice(1),
    empty: emptyState(input),
    batch: input.batch
      ? {
          ...input.batch,
          label: Object.entries(input.batch.slices)
            .map(([k, v]) => `${k} = ${v}`)
            .join(', '),
        }
      : null,
    batchError: input.batchError,
    minSupport: model.minSupport,
    bar: { width: BAR_WIDTH },
  };
}

/** The one sentence that says why the two figures differ. */
export const ESTIMATE_EXPLAINED =
  'Label accuracy scores the model against its labels as they are, and most of those come from user behaviour the model itself shaped; the estimate corrects them with audit labels (a uniform random sample of all predictions in the window), so it holds even where behaviour labels are noisy or one-sided.';

const NO_ESTIMATE: Record<string, string> = {
  no_audit_labels: 'no audit labels yet',
  unaudited_stratum: 'part of the slice has no audit labels',
};
const METHODS: Record<string, string> = {
  'ppi++': 'behaviour labels corrected by the audit',
  ppi: 'behaviour labels corrected by the audit',
  audit_only: 'audit labels alone',
};

/** The corrected estimate of a slice (or the overall) as the page shows it. */
export function estimateView(s: EstimateFields) {
  const e = s.estimated;
  return {
    estimate: e
      ? {
          accuracy: pct(e.accuracy),
          ci: range(e.ci),
          method: METHODS[e.method] ?? e.method,
          nAudit: count(e.nAudit),
          note: e.note,
        }
      : null,
    noEstimate: e ? null : (NO_ESTIMATE[s.estimatedReason ?? ''] ?? 'not estimated'),
    biased: s.biased,
    auditNeeded: s.audit.needed,
    auditNeededText: count(s.audit.needed),
    targetHalfWidth: `±${(s.audit.targetHalfWidth * 100).toFixed(1)} pts`,
  };
}

/** Firing alerts, worst first: the first few in full, the others folded away so the table stays in view. */
function splitAlerts(firing: readonly PageAlert[], now: number) {
  const shown = [...firing]
    .sort((a, b) => severity(b.details) - severity(a.details))
    .map((a) => ({
      ...a,
      label: `${a.slice.key} = ${a.slice.value}`,
      reasonText: REASONS[a.reason] ?? a.reason,
      since: since(Date.parse(a.startedAt), now),
    }));
  return { alerts: shown.slice(0, ALERTS_IN_FULL), moreAlerts: shown.slice(ALERTS_IN_FULL), firingCount: shown.length };
}

/** How far below where it should be a slice is, in accuracy: the worst alert goes first. */
export function severity(d: AlertNumbers): number {
  const accuracy = d.slice.accuracy ?? 1;
  return Math.max(
    (d.rest.accuracy ?? accuracy) - accuracy,
    d.thresholds.minAccuracy === null ? 0 : d.thresholds.minAccuracy - accuracy,
    d.drop?.estimate ?? 0,
  );
}

/** The accuracy range every interval bar and sparkline shares: tens of percent around what is drawn. */
export function barDomain(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.floor(Math.min(...values) * 10 + 1e-9) / 10;
  let hi = Math.ceil(Math.max(...values) * 10 - 1e-9) / 10;
  if (hi - lo < 0.2) {
    lo = Math.max(0, Math.min(lo, hi - 0.2));
    hi = Math.min(1, lo + 0.2);
  }
  return [round(lo), round(hi)];
}

/** The interval bar's geometry in pixels: the interval, the point estimate, and the overall as a line. */
export function bar(ci: [number, number], accuracy: number, overall: number | null, domain: [number, number]) {
  const x = (v: number) =>
    round(((Math.min(domain[1], Math.max(domain[0], v)) - domain[0]) / (domain[1] - domain[0])) * BAR_WIDTH, 1);
  return { x1: x(ci[0]), width: round(x(ci[1]) - x(ci[0]), 1), x: x(accuracy), ref: overall === null ? null : x(overall) };
}

function summary(s: AccuracySummary) {
  return { n: count(s.n), accuracy: pct(s.accuracy), ci: s.ci ? range(s.ci) : '–' };
}

/** True when the audit sample's interval and the overall's do not overlap: the behaviour labels may be biased. */
function disagree(overall: AccuracySummary, audit: AccuracySummary | null): boolean {
  if (!audit?.ci || !overall.ci) return false;
  return audit.ci[1] < overall.ci[0] || audit.ci[0] > overall.ci[1];
}

function emptyState(input: SlicesPageInput): 'no-slice-keys' | 'no-labels' | 'none-selected' | null {
  if (input.model.sliceKeys.length === 0) return 'no-slice-keys';
  if (!input.hasAnyLabels) return 'no-labels';
  if (input.report.overall.n === 0) return 'none-selected';
  return null;
}

export function since(t: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - t) / 60_000));
  const ago =
    minutes < 1
      ? 'just now'
      : minutes < 90
        ? `${minutes} min ago`
        : minutes < 48 * 60
          ? `${Math.round(minutes / 60)} h ago`
          : `${Math.round(minutes / 1440)} days ago`;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${ago}`;
}

/** The difference in percentage points, with a real minus sign. */
export const signedPoints = (d: number) => {
  const text = (Math.abs(d) * 100).toFixed(1);
  return text === '0.0' ? '±0.0 pts' : `${d < 0 ? '−' : '+'}${text} pts`;
};
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
