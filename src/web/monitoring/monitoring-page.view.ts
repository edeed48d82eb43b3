import type { FeatureDrift, SliceCell } from '../../monitoring/drift.js';
import type { DriftReport } from '../../monitoring/drift.service.js';
import { OVERALL } from '../../slices/cells.js';
import { featureHistogram, type HistogramSvg } from './histogram.js';

export const PAGE_WINDOWS = { '24h': 24, '7d': 168, '30d': 720 } as const;
export type PageWindow = keyof typeof PAGE_WINDOWS;
const HISTOGRAMS = 12;

export interface EstimateView {
  key: string;
  value: string;
  n: number;
  estimatedAccuracy: number | null;
  ci: [number, number] | null;
  notEstimable: string | null;
  realizedAccuracy: number | null;
  nLabeled: number;
}

export interface MonitoringPageInput {
  model: string;
  window: PageWindow;
  baselines: { name: string; default: boolean }[];
  baseline: string | null;
  drift: { report: DriftReport; current: SliceCell[]; baseline: SliceCell[] } | null;
  estimates: { overall: Omit<EstimateView, 'key' | 'value'> & { calibrated: boolean }; slices: EstimateView[] } | null;
  alerts: { feature: string | null; slice: { key: string; value: string }; message: string; startedAt: string }[];
  canEdit: boolean;
}

const CAUSE_LABELS: Record<string, string> = {
  missing_upstream_feature: 'missing upstream feature',
  type_change: 'type change',
  unit_change: 'unit change',
  new_category: 'new category',
  vocabulary_shift: 'vocabulary shift',
  distribution_shift: 'distribution shift',
};

const sliceLabel = (s: { key: string; value: string } | null) =>
  s === null || s.key === OVERALL ? 'whole model' : `${s.key} = ${s.value}`;
const num = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined ? '–' : v < 0.001 && v > 0 ? v.toExponential(1) : v.toFixed(digits);
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

function row(d: FeatureDrift) {
  const violations = d.violations.outOfRange + d.violations.unknownCategory + d.violations.wrongType + d.violations.missing;
  return {
    feature: d.feature,
    slice: sliceLabel(d.slice),
    type: d.typeChanged ? `${d.type} (type changed)` : d.type,
    metric: d.metric ?? '–',
    value: num(d.pAdjusted ?? d.value),
    threshold: d.threshold === null ? '–' : String(d.threshold),
    verdict: d.drifted === null ? 'no verdict' : d.drifted ? 'drifted' : 'ok',
    drifted: d.drifted === true,
    n: d.n,
    nBaseline: d.nBaseline,
    missingRate: pct(d.missingRate),
    violations,
    violationTitle: `out of range ${d.violations.outOfRange}, unknown category ${d.violations.unknownCategory}, wrong type ${d.violations.wrongType}, missing ${d.violations.missing}`,
    oovRate: d.oovRate === undefined ? null : pct(d.oovRate),
    cause: d.likelyCause && d.drifted ? CAUSE_LABELS[d.likelyCause] : '',
    capped: d.categoriesCapped === true,
  };
}

function histograms(features: FeatureDrift[], current: SliceCell[], baseline: SliceCell[]) {
  const cellOf = (cells: SliceCell[], d: FeatureDrift) =>
    cells
      .find((c) => (d.slice ? c.key === d.slice.key && c.value === d.slice.value : c.key === OVERALL))
      ?.features.get(d.feature) ?? null;
  // The drifted cells first, then each feature's whole-model cell.
  const chosen = [...features.filter((d) => d.drifted), ...features.filter((d) => !d.drifted && d.slice === null)].slice(
    0,
    HISTOGRAMS,
  );
  const out: { title: string; drifted: boolean; svg: HistogramSvg }[] = [];
  for (const d of chosen) {
    const svg = featureHistogram(cellOf(baseline, d), cellOf(current, d));
    if (svg) out.push({ title: `${d.feature} · ${sliceLabel(d.slice)}`, drifted: d.drifted === true, svg });
  }
  return out;
}

function estimateRow(e: Omit<EstimateView, 'key' | 'value'> & { key?: string; value?: string }) {
  return {
    slice: e.key === undefined ? 'whole model' : sliceLabel({ key: e.key, value: e.value ?? '' }),
    n: e.n,
    estimated: e.estimatedAccuracy === null ? `not estimable (${e.notEstimable})` : pct(e.estimatedAccuracy),
    ci: e.ci ? `${pct(e.ci[0])}–${pct(e.ci[1])}` : '',
    realized: e.realizedAccuracy === null ? 'no labels yet' : `${pct(e.realizedAccuracy)} (${e.nLabeled} labels)`,
  };
}

/** The monitoring page's view model: drift table by severity, histograms, prediction mix, estimates. */
export function buildMonitoringPage(input: MonitoringPageInput) {
  const report = input.drift?.report ?? null;
  const features = report?.features ?? [];
  return {
    title: `${input.model} · monitoring`,
    styles: ['monitoring.css'],
    model: input.model,
    windows: Object.keys(PAGE_WINDOWS).map((w) => ({ value: w, selected: w === input.window })),
    baselines: input.baselines.map((b) => ({ ...b, selected: b.name === (input.baseline ?? report?.baseline.name) })),
    hasBaseline: report !== null,
    canEdit: input.canEdit,
    baseline: report?.baseline ?? null,
    window: report?.window ?? null,
    driftedCount: features.filter((d) => d.drifted).length,
    rows: features.map(row),
    histograms: report ? histograms(features, input.drift!.current, input.drift!.baseline) : [],
    predictions: report
      ? [
          {
            version: 'baseline',
            n: report.predictions.nBaseline,
            shares: shareBars(report.predictions.baselineClassShares),
            verdict: '',
          },
          ...report.predictions.byVersion.map((v) => ({
            version: v.version,
            n: v.n,
            shares: shareBars(v.classShares),
            verdict: v.drifted === null ? 'no verdict' : `${v.drifted ? 'drifted' : 'ok'} (JS ${num(v.value)})`,
          })),
        ]
      : [],
    estimates: input.estimates
      ? {
          overall: { ...estimateRow(input.estimates.overall), calibrated: input.estimates.overall.calibrated },
          slices: input.estimates.slices.map(estimateRow),
        }
      : null,
    alerts: input.alerts.map((a) => ({ ...a, slice: sliceLabel(a.slice) })),
  };
}

function shareBars(shares: Record<string, number>) {
  let x = 0;
  return Object.entries(shares).map(([cls, share], i) => {
    const bar = { cls, share: pct(share), x: Math.round(x * 10) / 10, width: Math.round(share * 2000) / 10, tone: i % 6 };
    x += share * 200;
    return bar;
  });
}
