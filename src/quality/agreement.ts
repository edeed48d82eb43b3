import { OVERALL } from '../slices/cells.js';
import { type Interval, wilson } from '../slices/wilson.js';

/**
 * Predictions that carry both a behaviour label and a human label, counted per cell. The tally the
 * integrator maintains: one count per (source, rule, slice key, slice value, source label, human
 * label, audit). key = value = OVERALL is the whole model.
 */
export interface AgreementCell {
  /** The behaviour source: 'direct', 'implicit', 'weak'. */
  source: string;
  /** The direct label rule's name; null for sources without rules (or to pool a source's rules). */
  rule: string | null;
  key: string;
  value: string;
  sourceLabel: string;
  humanLabel: string;
  /** The human label is an audit label (a uniform sample), not one chosen by active learning. */
  audit: boolean;
  n: number;
}

/** Counts by source label, then human label. */
export type SourceConfusion = Record<string, Record<string, number>>;

export interface ClassAgreement {
  /** 'not measured' when no human label was given where the source said this class. */
  status: 'measured' | 'not measured';
  /** Human labels where the source said this class. */
  n: number;
  /** How often the human said this class too (precision-like); null when not measured. */
  agreement: number | null;
  ci: Interval | null;
}

export interface AgreementFigures {
  n: number;
  agreement: number | null;
  ci: Interval | null;
  confusion: SourceConfusion;
  perClass: Record<string, ClassAgreement>;
}

/** One source against all human labels, with the audit-only figures beside. */
export interface SourceQuality extends AgreementFigures {
  source: string;
  rule?: string;
  nAudit: number;
  audit: AgreementFigures;
}

export interface SliceQuality {
  key: string;
  value: string;
  sources: SourceQuality[];
}

export interface LabelQuality {
  sources: SourceQuality[];
  bySlice: SliceQuality[];
}

function figures(confusion: SourceConfusion, classes: readonly string[]): AgreementFigures {
  let n = 0;
  let agree = 0;
  const perClass: Record<string, ClassAgreement> = {};
  const labels = [...new Set([...classes, ...Object.keys(confusion)])];
  for (const label of labels) {
    const row = confusion[label] ?? {};
    const support = Object.values(row).reduce((t, c) => t + c, 0);
    const same = row[label] ?? 0;
    n += support;
    agree += same;
    perClass[label] =
      support === 0
        ? { status: 'not measured', n: 0, agreement: null, ci: null }
        : { status: 'measured', n: support, agreement: same / support, ci: wilson(same, support) };
  }
  return { n, agreement: n === 0 ? null : agree / n, ci: n === 0 ? null : wilson(agree, n), confusion, perClass };
}

const SOURCE_ORDER = ['direct', 'implicit', 'weak'];

function compareSources(a: { source: string; rule?: string }, b: { source: string; rule?: string }): number {
  const ia = SOURCE_ORDER.indexOf(a.source);
  const ib = SOURCE_ORDER.indexOf(b.source);
  const rank = (i: number) => (i < 0 ? SOURCE_ORDER.length : i);
  return rank(ia) - rank(ib) || cmp(a.source, b.source) || cmp(a.rule ?? '', b.rule ?? '');
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sourcesOf(cells: readonly AgreementCell[], classes: readonly string[]): SourceQuality[] {
  const bySource = new Map<string, { source: string; rule: string | null; all: SourceConfusion; audit: SourceConfusion }>();
  for (const c of cells) {
    if (!Number.isInteger(c.n) || c.n < 0) throw new RangeError(`agreement counts must be integers >= 0, got ${c.n}`);
    if (c.n === 0) continue;
    const id = `${c.source}\u0000${c.rule ?? ''}`;
    let s = bySource.get(id);
    if (!s) bySource.set(id, (s = { source: c.source, rule: c.rule, all: {}, audit: {} }));
    add(s.all, c.sourceLabel, c.humanLabel, c.n);
    if (c.audit) add(s.audit, c.sourceLabel, c.humanLabel, c.n);
  }
  const out: SourceQuality[] = [];
  for (const s of bySource.values()) {
    const all = figures(s.all, classes);
    const audit = figures(s.audit, classes);
    out.push({ source: s.source, ...(s.rule === null ? {} : { rule: s.rule }), ...all, nAudit: audit.n, audit });
  }
  return out.sort(compareSources);
}

function add(confusion: SourceConfusion, sourceLabel: string, humanLabel: string, n: number): void {
  const row = (confusion[sourceLabel] ??= {});
  row[humanLabel] = (row[humanLabel] ?? 0) + n;
}

/**
 * Each behaviour source measured against the human labels on the same predictions, for the whole
 * model and per slice: agreement with a Wilson interval, the confusion table and per-class agreement,
 * from all human labels and from audit labels alone (only those are a uniform sample).
 */
export function labelQuality(cells: readonly AgreementCell[], classes: readonly string[]): LabelQuality {
  const overall = cells.filter((c) => c.key === OVERALL);
  const bySliceCells = new Map<string, { key: string; value: string; cells: AgreementCell[] }>();
  for (const c of cells) {
    if (c.key === OVERALL) continue;
    const id = `${c.key}\u0000${c.value}`;
    let s = bySliceCells.get(id);
    if (!s) bySliceCells.set(id, (s = { key: c.key, value: c.value, cells: [] }));
    s.cells.push(c);
  }
  const bySlice = [...bySliceCells.values()]
    .map((s) => ({ key: s.key, value: s.value, sources: sourcesOf(s.cells, classes) }))
    .filter((s) => s.sources.length > 0)
    .sort((a, b) => cmp(a.key, b.key) || cmp(a.value, b.value));
  return { sources: sourcesOf(overall, classes), bySlice };
}
