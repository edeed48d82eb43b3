import { OVERALL } from '../slices/cells.js';
import type { AgreementCell } from '../quality/agreement.js';
import { wilson } from '../slices/wilson.js';
import type { Mitigation } from '../exports/export-row.js';
import type { FeedbackCheck } from './feedback.types.js';
import { pct, unknown } from './label-checks.js';

/** Agreement a behaviour source+class should keep with human labels; below it (significantly), the check warns. */
export const MIN_LABEL_AGREEMENT = 0.9;
/** Audit labels a source+class needs before its audit figure is used rather than all human labels. */
export const MIN_AUDIT_SUPPORT = 10;
/** Human labels a behaviour source needs before its quality counts as measured (for the recommendation). */
export const MIN_SOURCE_SUPPORT = 10;
export const MIN_HUMAN_SUPPORT = 30;

interface Measured {
  source: string;
  label: string;
  basis: 'audit' | 'all human';
  n: number;
  agree: number;
  ci: [number, number];
}

function bySourceClass(cells: readonly AgreementCell[]): Measured[] {
  const groups = new Map<string, { source: string; label: string; all: [number, number]; audit: [number, number] }>();
  for (const c of cells) {
    if (c.key !== OVERALL || c.n === 0) continue;
    const id = `${c.source}\u0000${c.sourceLabel}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { source: c.source, label: c.sourceLabel, all: [0, 0], audit: [0, 0] }));
    const same = c.sourceLabel === c.humanLabel ? c.n : 0;
    g.all[0] += c.n;
    g.all[1] += same;
    if (c.audit) {
      g.audit[0] += c.n;
      g.audit[1] += same;
    }
  }
  return [...groups.values()].map((g) => {
    const [n, agree] = g.audit[0] >= MIN_AUDIT_SUPPORT ? g.audit : g.all;
    const basis = g.audit[0] >= MIN_AUDIT_SUPPORT ? ('audit' as const) : ('all human' as const);
    return { source: g.source, label: g.label, basis, n, agree, ci: wilson(agree, n) };
  });
}

const interval = ([lo, hi]: [number, number]) => `95% CI [${pct(lo)}, ${pct(hi)}]`;

/**
 * How often each behaviour source+class disagrees with human labels (audit labels when there are
 * enough of them, since only they are a uniform sample): the worst one, with its Wilson interval.
 */
export function behaviourLabelQuality(model: string, cells: readonly AgreementCell[]): FeedbackCheck {
  const name = 'behaviour_label_quality';
  const threshold = MIN_LABEL_AGREEMENT;
  const measured = bySourceClass(cells).sort((a, b) => a.ci[1] - b.ci[1] || b.n - a.n);
  if (measured.length === 0)
    return unknown(
      name,
      threshold,
      `no prediction of ${model} carries both a behaviour label and a human label`,
      'queue a labeling batch with an audit share; its labels measure the behaviour sources',
    );
  const worst = measured[0];
  const disagree = 1 - worst.agree / worst.n;
  const ci: [number, number] = [1 - worst.ci[1], 1 - worst.ci[0]];
  const others = measured
    .slice(1)
    .map((m) => `${m.source} '${m.label}' ${pct(1 - m.agree / m.n)} of ${m.n} (${m.basis})`)
    .join('; ');
  const basis = worst.basis === 'audit' ? 'audit labels' : 'human labels (chosen by active learning, not a uniform sample)';
  const explanation =
    `${worst.source} '${worst.label}' labels disagree with ${basis} ${pct(disagree)} of the time (${worst.n} labels, ${interval(ci)}).` +
    (others ? ` Others: ${others}.` : '');
  const bad = worst.ci[1] < threshold;
  return {
    name,
    value: worst.agree / worst.n,
    threshold,
    severity: bad ? 'warn' : 'ok',
    explanation,
    action: bad
      ? `export with mitigation label_quality (weights each behaviour label by how likely it is right); queue audit labels to narrow the interval`
      : 'none needed',
    interval: worst.ci,
  };
}

export interface Recommendation {
  mitigation: Mitigation;
  reason: string;
}

/**
 * label_quality when human labels measure the behaviour labels (MIN_HUMAN_SUPPORT in all, and
 * MIN_SOURCE_SUPPORT on at least one source; thinner sources are shrunk toward the others); else class_balance when the labels' classes are uneven (the largest over
 * twice the smallest); else none.
 */
export function recommend(cells: readonly AgreementCell[], labelsByClass: Record<string, number>): Recommendation {
  const perSource = new Map<string, { n: number; agree: number; audit: number }>();
  for (const c of cells) {
    if (c.key !== OVERALL) continue;
    const s = perSource.get(c.source) ?? { n: 0, agree: 0, audit: 0 };
    s.n += c.n;
    s.agree += c.sourceLabel === c.humanLabel ? c.n : 0;
    s.audit += c.audit ? c.n : 0;
    perSource.set(c.source, s);
  }
  const total = [...perSource.values()].reduce((a, s) => a + s.n, 0);
  const thin = [...perSource].filter(([, s]) => s.n < MIN_SOURCE_SUPPORT).map(([source]) => source);
  const figures = [...perSource]
    .map(
      ([source, s]) =>
        `${source} agrees with human labels ${pct(s.agree / s.n)} of ${s.n} (${s.audit} audit), ${interval(wilson(s.agree, s.n))}`,
    )
    .join('; ');
  const measured = [...perSource.values()].some((src) => src.n >= MIN_SOURCE_SUPPORT);
  if (total >= MIN_HUMAN_SUPPORT && measured) {
    const shrunk =
      thin.length > 0 ? `; ${thin.join(', ')} (under ${MIN_SOURCE_SUPPORT}) shrunk toward all sources' agreement` : '';
    return {
      mitigation: 'label_quality',
      reason: `${total} human labels measure the behaviour labels (${figures}${shrunk}): weight each behaviour label by how likely it is right, flip or drop what humans show is mostly wrong, trust human labels and balance the classes`,
    };
  }
  const why =
    total === 0
      ? 'no human label measures the behaviour labels yet'
      : `too few human labels measure the behaviour labels (${total}; need ${MIN_HUMAN_SUPPORT}, and ${MIN_SOURCE_SUPPORT} on one source)`;
  const counts = Object.entries(labelsByClass).filter(([, n]) => n > 0);
  const max = Math.max(0, ...counts.map(([, n]) => n));
  const min = Math.min(...counts.map(([, n]) => n));
  if (counts.length > 1 && max > 2 * min) {
    const shown = counts.map(([c, n]) => `${c} ${n}`).join(', ');
    return {
      mitigation: 'class_balance',
      reason: `${why}; the labels' classes are uneven (${shown}): give each class the same total weight`,
    };
  }
  return { mitigation: 'none', reason: `${why}; the classes are even: no mitigation` };
}
