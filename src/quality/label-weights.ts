import { OVERALL } from '../slices/cells.js';
import { type Interval, wilson } from '../slices/wilson.js';
import type { AgreementCell } from './agreement.js';

export interface WeightOptions {
  /** Sources whose labels are trusted as they are (weight 1). */
  humanSources?: readonly string[];
  /** Which human labels measure the sources: all of them (more support), or audit labels only (unbiased). */
  basis?: 'all' | 'audit';
  /** Pseudo-counts of each Beta prior: how many human labels a level needs before it outweighs its parent. */
  priorStrength?: number;
  /** The slice key whose value refines a row's estimate (its cells must be in the tally). */
  sliceKey?: string | null;
  /** A source+class whose agreement's upper 95% bound is below this is mostly wrong: flipped or dropped. */
  wrongBelow?: number;
}

/** What the weighting needs of a row. */
export interface WeightedRow {
  source: string;
  rule?: string | null;
  label: string;
  slices?: Record<string, string>;
}

export interface RowWeight {
  action: 'keep' | 'flip' | 'drop';
  /** The label to train on: the row's own, or the flipped one. */
  label: string;
  /** Estimated probability that the label trained on is right. */
  pCorrect: number;
  /** The training weight: pCorrect for kept and flipped rows, 1 for human labels, 0 for dropped ones. */
  weight: number;
  reason: string;
}

export interface SourceClassVerdict {
  source: string;
  rule: string | null;
  label: string;
  n: number;
  agreement: number;
  ci: Interval;
  action: 'keep' | 'flip' | 'drop';
  /** The label flipped to, when flipped. */
  flipTo: string | null;
}

interface Count {
  n: number;
  agree: number;
  byHuman: Record<string, number>;
}

const sourceId = (source: string, rule: string | null | undefined) => `${source}\u0000${rule ?? ''}`;
const pct = (p: number) => `${Math.round(p * 100)}%`;

/**
 * The probability a behaviour label is right, from agreement with human labels, shrunk level by level:
 * global (all sources, Beta(1, 1)) -> source -> source and class -> source, class and slice value, each
 * level a Beta prior with priorStrength pseudo-counts at its parent's mean. A source+class whose
 * agreement is clearly below 1/2 (Wilson upper bound < wrongBelow) is flipped to the label humans give
 * it when that label is clearly the majority (Wilson lower bound > 1/2), and dropped otherwise.
 */
export class LabelWeigher {
  private readonly global: Count = { n: 0, agree: 0, byHuman: {} };
  private readonly bySource = new Map<string, Count>();
  private readonly byClass = new Map<string, Count>();
  private readonly bySlice = new Map<string, Count>();
  private readonly humans: ReadonlySet<string>;
  private readonly k: number;
  private readonly sliceKey: string | null;
  private readonly wrongBelow: number;

  constructor(cells: readonly AgreementCell[], options: WeightOptions = {}) {
    this.humans = new Set(options.humanSources ?? ['manual', 'audit']);
    this.k = options.priorStrength ?? 10;
    this.sliceKey = options.sliceKey ?? null;
    this.wrongBelow = options.wrongBelow ?? 0.5;
    const auditOnly = (options.basis ?? 'all') === 'audit';
    for (const c of cells) {
      if (c.n === 0 || (auditOnly && !c.audit)) continue;
      const s = sourceId(c.source, c.rule);
      if (c.key === OVERALL) {
        bump(this.global, c);
        bump(at(this.bySource, s), c);
        bump(at(this.byClass, `${s}\u0000${c.sourceLabel}`), c);
      } else if (c.key === this.sliceKey) {
        bump(at(this.bySlice, `${s}\u0000${c.sourceLabel}\u0000${c.value}`), c);
      }
    }
  }

  /** Each measured source+class and what the audit says to do with it: for the report and the manifest. */
  verdicts(): SourceClassVerdict[] {
    const out: SourceClassVerdict[] = [];
    for (const [id, c] of this.byClass) {
      const [source, rule, label] = id.split('\u0000');
      const { action, flipTo } = this.verdict(c);
      out.push({
        source,
        rule: rule === '' ? null : rule,
        label,
        n: c.n,
        agreement: c.agree / c.n,
        ci: wilson(c.agree, c.n),
        action,
        flipTo,
      });
    }
    return out.sort((a, b) => (a.source + a.rule + a.label < b.source + b.rule + b.label ? -1 : 1));
  }

  weigh(row: WeightedRow): RowWeight {
    if (this.humans.has(row.source))
      return { action: 'keep', label: row.label, pCorrect: 1, weight: 1, reason: 'human label: trusted' };
    const s = sourceId(row.source, row.rule);
    const name = row.rule ? `${row.source} (${row.rule})` : row.source;
    const pGlobal = (this.global.agree + 1) / (this.global.n + 2);
    const source = this.bySource.get(s);
    const pSource = shrink(source, pGlobal, this.k);
    const cls = this.byClass.get(`${s}\u0000${row.label}`);
    const pClass = shrink(cls, pSource, this.k);
    const sliceValue = this.sliceKey === null ? undefined : row.slices?.[this.sliceKey];
    const slice = sliceValue === undefined ? undefined : this.bySlice.get(`${s}\u0000${row.label}\u0000${sliceValue}`);
    const p = shrink(slice, pClass, this.k);
    const label = `${name} '${row.label}'`;
    if (cls) {
      const { action, flipTo } = this.verdict(cls);
      const [, hi] = wilson(cls.agree, cls.n);
      const measured = `agrees with human labels ${pct(cls.agree / cls.n)} of ${cls.n} times (upper 95% bound ${pct(hi)})`;
      if (action === 'flip' && flipTo !== null) {
        const pFlip = (cls.byHuman[flipTo] + 1) / (cls.n + 2);
        return {
          action,
          label: flipTo,
          pCorrect: pFlip,
          weight: pFlip,
          reason: `${label} ${measured}: flipped to '${flipTo}', what humans say`,
        };
      }
      if (action === 'drop')
        return { action, label: row.label, pCorrect: p, weight: 0, reason: `${label} ${measured}: mostly wrong, dropped` };
      const where = slice ? `; ${pct(slice.agree / slice.n)} of ${slice.n} in ${this.sliceKey}=${sliceValue}` : '';
      return {
        action: 'keep',
        label: row.label,
        pCorrect: p,
        weight: p,
        reason: `${label} ${measured}${where}: weight ${p.toFixed(2)}`,
      };
    }
    const basis = source
      ? `not measured for this class; ${name} agrees ${pct(source.agree / source.n)} of ${source.n} times`
      : `${name} not measured; all sources agree ${pct(pGlobal)}`;
    return { action: 'keep', label: row.label, pCorrect: p, weight: p, reason: `${label} ${basis}: weight ${p.toFixed(2)}` };
  }

  private verdict(c: Count): { action: 'keep' | 'flip' | 'drop'; flipTo: string | null } {
    if (wilson(c.agree, c.n)[1] >= this.wrongBelow) return { action: 'keep', flipTo: null };
    let best: string | null = null;
    for (const [label, n] of Object.entries(c.byHuman)) if (best === null || n > c.byHuman[best]) best = label;
    if (best !== null && wilson(c.byHuman[best], c.n)[0] > 0.5) return { action: 'flip', flipTo: best };
    return { action: 'drop', flipTo: null };
  }
}

function at(map: Map<string, Count>, id: string): Count {
  let c = map.get(id);
  if (!c) map.set(id, (c = { n: 0, agree: 0, byHuman: {} }));
  return c;
}

function bump(c: Count, cell: AgreementCell): void {
  c.n += cell.n;
  if (cell.sourceLabel === cell.humanLabel) c.agree += cell.n;
  c.byHuman[cell.humanLabel] = (c.byHuman[cell.humanLabel] ?? 0) + cell.n;
}

/** Posterior mean of a Beta(k m, k (1 - m)) prior after agree successes out of n. */
export function shrink(c: Pick<Count, 'n' | 'agree'> | undefined, mean: number, k: number): number {
  if (!c) return mean;
  return (c.agree + k * mean) / (c.n + k);
}
