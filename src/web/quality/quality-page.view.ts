import type { LabelQuality, SourceQuality } from '../../quality/agreement.js';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const range = (ci: [number, number] | null) => (ci === null ? '–' : `${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%`);
const SOURCE_NAMES: Record<string, string> = {
  direct: 'Direct (event rule)',
  implicit: 'Implicit (no event)',
  weak: 'Weak (labeling functions)',
};

export interface QualityPageInput {
  model: string;
  classes: readonly string[];
  quality: LabelQuality;
  canExport: boolean;
}

function sourceView(s: SourceQuality, classes: readonly string[]) {
  const humanLabels = [...new Set([...classes, ...Object.values(s.confusion).flatMap((row) => Object.keys(row))])];
  const sourceLabels = [...new Set([...classes, ...Object.keys(s.confusion)])];
  return {
    name: `${SOURCE_NAMES[s.source] ?? s.source}${s.rule ? ` · ${s.rule}` : ''}`,
    n: s.n.toLocaleString('en'),
    agreement: pct(s.agreement),
    ci: range(s.ci),
    nAudit: s.nAudit.toLocaleString('en'),
    audit: { agreement: pct(s.audit.agreement), ci: range(s.audit.ci), measured: s.audit.n > 0 },
    humanLabels,
    confusion: sourceLabels.map((label) => ({
      label,
      cells: humanLabels.map((h) => ({ n: (s.confusion[label]?.[h] ?? 0).toLocaleString('en'), same: h === label })),
    })),
    perClass: sourceLabels.map((label) => {
      const all = s.perClass[label];
      const audit = s.audit.perClass[label];
      return {
        label,
        measured: all?.status === 'measured',
        n: (all?.n ?? 0).toLocaleString('en'),
        agreement: pct(all?.agreement ?? null),
        ci: range(all?.ci ?? null),
        audit: audit?.status === 'measured' ? `${pct(audit.agreement)} (${range(audit.ci)}, ${audit.n})` : 'not measured',
      };
    }),
  };
}

/** The view model of /models/:model/quality: each behaviour source against the human labels. */
export function buildQualityPage(input: QualityPageInput) {
  const { quality, classes, model } = input;
  const enc = encodeURIComponent(model);
  return {
    title: `${model} · label quality`,
    styles: ['slices.css'],
    model,
    links: {
      slices: `/models/${enc}/slices`,
      labeling: `/labeling/${enc}`,
      exports: input.canExport ? `/models/${enc}/exports` : null,
    },
    empty: quality.sources.length === 0,
    sources: quality.sources.map((s) => sourceView(s, classes)),
    bySlice: quality.bySlice.map((sl) => ({
      key: sl.key,
      value: sl.value,
      sources: sl.sources.map((s) => ({
        name: `${SOURCE_NAMES[s.source] ?? s.source}${s.rule ? ` · ${s.rule}` : ''}`,
        n: s.n.toLocaleString('en'),
        agreement: pct(s.agreement),
        ci: range(s.ci),
        nAudit: s.nAudit.toLocaleString('en'),
        audit: s.audit.n > 0 ? `${pct(s.audit.agreement)} (${range(s.audit.ci)})` : 'not measured',
      })),
    })),
  };
}
