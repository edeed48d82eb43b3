import type { FeedbackSettings } from '../models/model-settings.js';
import type { FeedbackCheck } from './feedback.types.js';
import { pct, unknown } from './label-checks.js';

export interface ClassCoverage {
  predicted: string;
  predictions: number;
  labeled: number;
}

/** Labeled rate per predicted class; blocks when a well-supported class is never labeled at all. */
export function selectionCoverage(model: string, rows: readonly ClassCoverage[], s: FeedbackSettings): FeedbackCheck {
  const name = 'selection_coverage';
  const threshold = s.maxCoverageRatio;
  const supported = rows.filter((r) => r.predictions >= s.minSupport);
  if (supported.length < 2)
    return unknown(
      name,
      threshold,
      `fewer than two of ${model}'s predicted classes have ${s.minSupport} predictions in this window`,
      'widen the window',
    );
  const rated = supported.map((r) => ({ ...r, rate: r.labeled / r.predictions })).sort((a, b) => b.rate - a.rate);
  const most = rated[0];
  const least = rated[rated.length - 1];
  const rates = rated.map((r) => `${r.predicted} ${pct(r.rate)}`).join(', ');
  const explanation = `Labeled rate of ${model}'s predictions by predicted class: ${rates}.`;
  if (least.labeled === 0) {
    return {
      name,
      value: null,
      threshold,
      severity: 'block',
      explanation: `${explanation} Blocking: ${least.predictions} predictions of "${least.predicted}" got no label at all, so a retrained model never learns whether they were right.`,
      action: `route 5-10% of traffic to exploration so that "${least.predicted}" predictions are shown too, or label a sample of them`,
    };
  }
  const value = most.rate / least.rate;
  if (value > threshold) {
    return {
      name,
      value,
      threshold,
      severity: 'warn',
      explanation: `${explanation} "${most.predicted}" predictions are labeled ${value.toFixed(1)}x as often as "${least.predicted}" ones: the labels follow the model's decision.`,
      action:
        'export with mitigation ips_weights or class_balance; add exploration or a labeling batch on the under-labeled class',
    };
  }
  return { name, value, threshold, severity: 'ok', explanation, action: 'none needed' };
}

/** Total variation distance between two class distributions given as counts. */
export function totalVariation(a: Record<string, number>, b: Record<string, number>): number {
  const sum = (c: Record<string, number>) => Object.values(c).reduce((x, y) => x + y, 0);
  const [na, nb] = [sum(a), sum(b)];
  const classes = new Set([...Object.keys(a), ...Object.keys(b)]);
  let d = 0;
  for (const c of classes) d += Math.abs((a[c] ?? 0) / na - (b[c] ?? 0) / nb);
  return d / 2;
}

export function priorShift(
  model: string,
  current: Record<string, number>,
  previous: Record<string, number> | null,
  s: FeedbackSettings,
): FeedbackCheck {
  const name = 'class_prior_shift';
  const threshold = s.maxPriorShift;
  const total = (c: Record<string, number>) => Object.values(c).reduce((x, y) => x + y, 0);
  if (previous === null)
    return unknown(name, threshold, `no previous export of ${model}`, 'none needed; the first export sets the baseline');
  if (total(previous) === 0)
    return unknown(name, threshold, `the previous export of ${model} counted no rows per class`, 'none needed');
  if (total(current) === 0)
    return unknown(name, threshold, `${model} has no labeled predictions in this window`, 'widen the window or wait for labels');
  const value = totalVariation(current, previous);
  const explanation = `The label distribution of ${model} moved by ${value.toFixed(3)} (total variation distance) since the previous export.`;
  if (value > threshold) {
    return {
      name,
      value,
      threshold,
      severity: 'warn',
      explanation: `${explanation} Above ${threshold}, either the world changed or the model's own exposure decisions reshaped which labels exist.`,
      action:
        'compare with the exploration labels; if the shift is selection, export with mitigation ips_weights or class_balance',
    };
  }
  return { name, value, threshold, severity: 'ok', explanation, action: 'none needed' };
}

/** Exposures per item summarised in the database: item count, exposures, and the rank-weighted sum (ascending). */
export interface GiniStats {
  items: number;
  total: number;
  rankWeighted: number;
}

/**
 * The Gini inputs from the distribution of exposure counts: items ranked ascending by count (ties in
 * any order, which leaves the rank-weighted sum unchanged), so a run of m items with count c at ranks
 * r+1..r+m adds c * (m r + m (m + 1) / 2).
 */
export function giniStatsOfCounts(counts: readonly { exposures: number; items: number }[]): GiniStats {
  const sorted = [...counts].filter((c) => c.items > 0).sort((a, b) => a.exposures - b.exposures);
  let items = 0;
  let total = 0;
  let rankWeighted = 0;
  for (const { exposures: c, items: m } of sorted) {
    rankWeighted += c * (m * items + (m * (m + 1)) / 2);
    total += c * m;
    items += m;
  }
  return { items, total, rankWeighted };
}

export function gini(g: GiniStats): number {
  if (g.items === 0 || g.total === 0) return 0;
  return (2 * g.rankWeighted) / (g.items * g.total) - (g.items + 1) / g.items;
}

export function exposureConcentration(
  model: string,
  current: GiniStats | null,
  previous: GiniStats | null,
  s: FeedbackSettings,
): FeedbackCheck {
  const name = 'exposure_concentration';
  const threshold = s.maxGiniIncrease;
  if (current === null)
    return unknown(
      name,
      threshold,
      'there is no previous window to compare with unless from is given',
      'query with from (and to)',
    );
  if (current.items === 0)
    return unknown(
      name,
      threshold,
      `${model} logged no itemId on shown predictions in this window`,
      'send itemId with each prediction',
    );
  const now = gini(current);
  const state = `the Gini of exposures over ${current.items} items is ${now.toFixed(3)} now`;
  if (previous === null)
    return unknown(
      name,
      threshold,
      `there is no previous window to compare with unless from is given (${state})`,
      'query with from (and to)',
    );
  if (previous.items === 0) return unknown(name, threshold, `the previous window logged no items (${state})`, 'none needed');
  const before = gini(previous);
  const value = now - before;
  const explanation = `The Gini coefficient of ${model}'s exposures over ${current.items} items is ${now.toFixed(3)} (1 = all exposure on one item); in the previous window of the same length it was ${before.toFixed(3)}.`;
  if (value > threshold) {
    return {
      name,
      value,
      threshold,
      severity: 'warn',
      explanation: `${explanation} Exposure is concentrating on fewer items: the model increasingly learns only about what it already shows.`,
      action: 'route 5-10% of traffic to exploration across the catalogue; export with mitigation ips_weights',
    };
  }
  return { name, value, threshold, severity: 'ok', explanation, action: 'none needed' };
}
