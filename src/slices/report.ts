import { addToConfusion, type ClassMetrics, type Confusion, perClass, tally } from './class-metrics.js';
import { OVERALL } from './cells.js';
import { type FlagReason, flagReason, type FlagThresholds } from './flagging.js';
import { type Interval, wilson } from './wilson.js';

/** Summed counts of one (slice key, value, actual, predicted) over the cells of a query. */
export interface CellSum {
  key: string;
  value: string;
  actual: string;
  predicted: string;
  n: number;
}

export interface AccuracySummary {
  n: number;
  correct: number;
  /** null when n is 0. */
  accuracy: number | null;
  /** 95% Wilson interval; null when n is 0. */
  ci: Interval | null;
}

export interface SliceRow {
  key: string;
  value: string;
  n: number;
  correct: number;
  accuracy: number;
  ci: Interval;
  /** accuracy minus the overall accuracy. */
  delta: number;
  flagged: boolean;
  flagReason: FlagReason | null;
  perClass: Record<string, ClassMetrics>;
  /** Counts by actual, then predicted class. */
  confusion: Confusion;
}

export interface SliceReportBody {
  overall: AccuracySummary & { perClass: Record<string, ClassMetrics>; confusion: Confusion };
  /** Accuracy on audit labels alone (a random sample, so unbiased); null without any. */
  audit: AccuracySummary | null;
  slices: SliceRow[];
}

export interface ReportInput {
  classes: readonly string[];
  /** The slice keys and cross keys to report, in display order; other keys in the cells are left out. */
  keys: readonly string[];
  cells: readonly CellSum[];
  /** Whole-model sums over audit labels only. */
  auditCells: readonly CellSum[];
  thresholds: FlagThresholds;
}

export function summarise(n: number, correct: number): AccuracySummary {
  return n === 0 ? { n, correct, accuracy: null, ci: null } : { n, correct, accuracy: correct / n, ci: wilson(correct, n) };
}

/** The slices answer from summed cells: overall, audit and one row per slice value with labels. */
export function buildReport(input: ReportInput): SliceReportBody {
  const keyOrder = new Map(input.keys.map((k, i) => [k, i]));
  const overall: Confusion = {};
  const bySlice = new Map<string, { key: string; value: string; confusion: Confusion }>();
  for (const c of input.cells) {
    if (c.n === 0) continue;
    if (c.key === OVERALL) {
      addToConfusion(overall, c.actual, c.predicted, c.n);
      continue;
    }
    if (!keyOrder.has(c.key)) continue;
    const id = `${c.key}\u0000${c.value}`;
    let slice = bySlice.get(id);
    if (!slice) bySlice.set(id, (slice = { key: c.key, value: c.value, confusion: {} }));
    addToConfusion(slice.confusion, c.actual, c.predicted, c.n);
  }
  const overallCounts = tally(overall);
  const overallSummary = summarise(overallCounts.n, overallCounts.correct);
  const slices: SliceRow[] = [];
  for (const { key, value, confusion } of bySlice.values()) {
    const { n, correct } = tally(confusion);
    if (n <= 0) continue;
    const reason = flagReason({ n, correct }, overallCounts, input.thresholds);
    slices.push({
      key,
      value,
      n,
      correct,
      accuracy: correct / n,
      ci: wilson(correct, n),
      delta: correct / n - (overallSummary.accuracy ?? 0),
      flagged: reason !== null,
      flagReason: reason,
      perClass: perClass(confusion, input.classes),
      confusion,
    });
  }
  slices.sort((a, b) => keyOrder.get(a.key)! - keyOrder.get(b.key)! || compare(a.value, b.value));
  const audit: Confusion = {};
  for (const c of input.auditCells) if (c.key === OVERALL && c.n > 0) addToConfusion(audit, c.actual, c.predicted, c.n);
  const auditCounts = tally(audit);
  return {
    overall: { ...overallSummary, perClass: perClass(overall, input.classes), confusion: overall },
    audit: auditCounts.n === 0 ? null : summarise(auditCounts.n, auditCounts.correct),
    slices,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
