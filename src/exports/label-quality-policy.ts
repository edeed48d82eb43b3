import type { AgreementCell } from '../quality/agreement.js';
import { LabelWeigher, type SourceClassVerdict } from '../quality/label-weights.js';

export interface LabelQualityOptions {
  /** Each human label's weight before class balancing, relative to a behaviour label known to be right. */
  humanWeight: number;
  /** Gives every trained class the same total weight after the label weights. */
  balanceClasses: boolean;
}

export const LABEL_QUALITY_OPTIONS: LabelQualityOptions = { humanWeight: 1, balanceClasses: true };

const HUMAN_SOURCES = ['manual', 'audit'];

/** What the policy needs of a row. */
export interface QualityRow {
  source: string;
  label: string;
  slices: Record<string, string>;
}

export interface QualityDecision {
  keep: boolean;
  weight: number;
  label: string;
  /** The row's source, marked when the label was flipped: "implicit/flipped". */
  labelSource: string;
}

/** The manifest's account of the mitigation. */
export interface LabelQualitySummary {
  definition: string;
  humanLabels: number;
  auditLabels: number;
  humanWeight: number;
  balanceClasses: boolean;
  verdicts: (SourceClassVerdict & { weight: number })[];
  /** Total weight per trained class before balancing, and the factor balancing applied. */
  classes: Record<string, { rows: number; weight: number; factor: number }>;
  actions: { keep: number; flip: number; drop: number };
}

export const LABEL_QUALITY_DEFINITION =
  'each behaviour label weighted by the probability it is right, estimated from agreement with human labels ' +
  '(source, then source and class, shrunk to their parents with Beta priors); a source+class whose agreement is ' +
  'clearly below 1/2 is flipped to what humans say, or dropped; human labels keep weight 1; then every class gets ' +
  'the same total weight';

/**
 * label_quality, in two passes: pass one (add) learns each trained class's total weight, pass two
 * (decide) gives each row its label, weight and fate. Pure: the agreement cells come from the caller.
 */
export class LabelQualityPolicy {
  private readonly weigher: LabelWeigher;
  private readonly totals = new Map<string, { rows: number; weight: number }>();
  private readonly actions = { keep: 0, flip: 0, drop: 0 };
  private readonly humanLabels: number;
  private readonly auditLabels: number;

  constructor(
    cells: readonly AgreementCell[],
    private readonly options: LabelQualityOptions = LABEL_QUALITY_OPTIONS,
  ) {
    this.weigher = new LabelWeigher(cells, { humanSources: HUMAN_SOURCES });
    const overall = cells.filter((c) => c.key === '*');
    this.humanLabels = overall.reduce((s, c) => s + c.n, 0);
    this.auditLabels = overall.filter((c) => c.audit).reduce((s, c) => s + c.n, 0);
  }

  add(row: QualityRow): void {
    const { keep, weight, label } = this.raw(row);
    if (!keep) return;
    const t = this.totals.get(label) ?? { rows: 0, weight: 0 };
    t.rows++;
    t.weight += weight;
    this.totals.set(label, t);
  }

  decide(row: QualityRow): QualityDecision {
    const raw = this.raw(row);
    this.actions[raw.action]++;
    return {
      keep: raw.keep,
      weight: raw.keep ? raw.weight * this.factor(raw.label) : 0,
      label: raw.label,
      labelSource: raw.labelSource,
    };
  }

  summary(): LabelQualitySummary {
    const classes: LabelQualitySummary['classes'] = {};
    for (const [label, t] of [...this.totals].sort(([a], [b]) => (a < b ? -1 : 1)))
      classes[label] = { rows: t.rows, weight: t.weight, factor: this.factor(label) };
    const verdicts = this.weigher.verdicts().map((v) => ({
      ...v,
      weight: this.weigher.weigh({ source: v.source, rule: v.rule, label: v.label }).weight,
    }));
    return {
      definition: LABEL_QUALITY_DEFINITION,
      humanLabels: this.humanLabels,
      auditLabels: this.auditLabels,
      humanWeight: this.options.humanWeight,
      balanceClasses: this.options.balanceClasses,
      verdicts,
      classes,
      actions: { ...this.actions },
    };
  }

  private factor(label: string): number {
    if (!this.options.balanceClasses) return 1;
    const all = [...this.totals.values()];
    const total = all.reduce((s, t) => s + t.weight, 0);
    const mine = this.totals.get(label)?.weight ?? 0;
    return mine > 0 ? total / (all.length * mine) : 1;
  }

  private raw(row: QualityRow) {
    if (HUMAN_SOURCES.includes(row.source))
      return { keep: true, action: 'keep' as const, weight: this.options.humanWeight, label: row.label, labelSource: row.source };
    const w = this.weigher.weigh({ source: row.source, label: row.label, slices: row.slices });
    return {
      keep: w.action !== 'drop' && w.weight > 0,
      action: w.action,
      weight: w.weight,
      label: w.label,
      labelSource: w.action === 'flip' ? `${row.source}/flipped` : row.source,
    };
  }
}
