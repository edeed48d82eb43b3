import { RECOMMENDED_BATCH_SIZE, type Recommendation, sliceFilter } from '../alerts/alert-message.js';
import type { DriftFinding } from '../alerts/drift-alerts.service.js';
import { OVERALL } from '../slices/cells.js';
import type { FeatureDrift, LikelyCause } from './drift.js';

/** A drifted cell needs this many predictions in the window before it alerts. */
export const MIN_ALERT_ROWS = 100;
/** Schema violations above this share of the cell's rows alert on their own. */
export const SCHEMA_ALERT_SHARE = 0.01;

const CAUSES: Record<LikelyCause, { what: string; next: string }> = {
  missing_upstream_feature: {
    what: 'the feature is missing far more often than in the baseline: an upstream feed or join probably stopped filling it',
    next: 'check the pipeline that computes this feature for this slice (a failed job, a renamed column, a null default)',
  },
  type_change: {
    what: 'the values arrive with another type than in the baseline',
    next: 'check the serialisation of this feature upstream (numbers sent as strings, or the reverse)',
  },
  unit_change: {
    what: 'the median moved by a factor of 5 or more: the feed probably changed units or scale',
    next: 'compare a few raw values with the source (cents vs units, another currency, ms vs s) and fix the feed or rescale',
  },
  new_category: {
    what: 'values the baseline never saw now make up more than 10% of the rows',
    next: 'decide whether the new values are legitimate; if so, retrain or map them, and add them to the featureSchema',
  },
  vocabulary_shift: {
    what: "many words are outside the baseline's vocabulary",
    next: 'read a sample of recent texts of this slice; a new language, template or spam wave often explains it, and labeling some shows whether accuracy suffers',
  },
  distribution_shift: {
    what: 'the distribution moved beyond the threshold',
    next: 'label a sample of the slice to see whether accuracy followed, and consider a fresh baseline or retraining if the shift is real',
  },
};

const fmt = (v: number | null) => (v === null ? 'n/a' : v < 0.001 && v > 0 ? v.toExponential(1) : v.toFixed(3));
const where = (d: FeatureDrift) => (d.slice ? `${d.slice.key} = ${d.slice.value}` : 'the whole model');

/** The alerts the drift report asks for: drifted cells with enough rows, and cells with schema violations. */
export function driftFindings(model: string, features: FeatureDrift[], window: { from: string }): DriftFinding[] {
  const out: DriftFinding[] = [];
  // Where each feature moved most: a mixture of that slice shows up, weaker, in every slice holding its rows.
  const focus = new Map<string, FeatureDrift>();
  for (const d of features) {
    if (!d.drifted || !d.slice) continue;
    const best = focus.get(d.feature);
    if (!best || d.severity > best.severity) focus.set(d.feature, d);
  }
  for (const d of features) {
    const violations = d.violations.outOfRange + d.violations.unknownCategory + d.violations.wrongType + d.violations.missing;
    const schema = d.n > 0 && violations / d.n > SCHEMA_ALERT_SHARE;
    if (!(d.drifted && d.n >= MIN_ALERT_ROWS) && !schema) continue;
    const key = d.slice?.key ?? OVERALL;
    const value = d.slice?.value ?? OVERALL;
    const cause = CAUSES[d.likelyCause ?? 'distribution_shift'];
    const measured =
      d.metric === 'ks' || d.metric === 'chisquare'
        ? `${d.metric} test p = ${fmt(d.pAdjusted ?? d.value)} after the Benjamini-Hochberg correction (threshold ${d.threshold})`
        : d.metric
          ? `${d.metric} ${fmt(d.value)} against a threshold of ${d.threshold}`
          : 'a type change';
    const schemaText = schema
      ? ` ${violations} of ${d.n} rows break the feature schema (out of range ${d.violations.outOfRange}, unknown category ${d.violations.unknownCategory}, wrong type ${d.violations.wrongType}, missing ${d.violations.missing}).`
      : '';
    const top = focus.get(d.feature);
    const concentrated =
      d.drifted && top && top !== d && top.severity > d.severity + 0.2
        ? ` The drift is concentrated in ${where(top)}, where ${(top.severity * 100).toFixed(0)}% of the distribution moved (here ${(d.severity * 100).toFixed(0)}%): start there.`
        : '';
    out.push({
      feature: d.feature,
      key,
      value,
      reason: d.drifted ? 'drift' : 'schema',
      message:
        `${d.feature} drifted in ${where(d)} since ${window.from}: ${measured}, over ${d.n} predictions (baseline ${d.nBaseline}). ` +
        `Likely cause: ${cause.what}.${schemaText}${concentrated} Next: ${cause.next}.`,
      recommendation: recommendation(model, key, value, d.feature),
      details: {
        reason: d.drifted ? 'drift' : 'schema',
        window,
        feature: d.feature,
        slice: d.slice,
        metric: d.metric,
        value: d.value,
        threshold: d.threshold,
        pAdjusted: d.pAdjusted ?? null,
        n: d.n,
        nBaseline: d.nBaseline,
        missingRate: d.missingRate,
        violations: d.violations,
        likelyCause: d.likelyCause,
        severity: d.severity,
        concentratedIn: concentrated ? top!.slice : null,
      },
    });
  }
  return out;
}

function recommendation(model: string, key: string, value: string, feature: string): Recommendation {
  const m = encodeURIComponent(model);
  return {
    text: `compare ${feature} with the baseline on the monitoring page, then queue ${RECOMMENDED_BATCH_SIZE} examples of ${key === OVERALL ? 'the model' : `${key} = ${value}`} for labeling to measure the effect`,
    action: {
      method: 'POST',
      path: `/api/v1/models/${m}/labeling-batches`,
      body: {
        size: RECOMMENDED_BATCH_SIZE,
        strategy: 'least_confidence',
        quotas: 'balanced',
        filters: { slices: key === OVERALL ? {} : sliceFilter(key, value) },
      },
    },
    page: `/models/${m}/monitoring`,
  };
}

export function driftResolution(f: { feature: string; key: string; value: string }): string {
  return `${f.feature} in ${f.key === OVERALL ? 'the whole model' : `${f.key} = ${f.value}`} is back within the drift thresholds against the default baseline.`;
}
