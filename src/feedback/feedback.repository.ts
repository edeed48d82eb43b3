import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import type { Tx } from '../database/tx.js';
import { type Extent, HOUR_MS, planFor, type Window } from '../slices/window.js';
import { labelCountRowsOf } from './feedback-cells.js';
import { FeedbackCellsRepository } from './feedback-cells.repository.js';
import { type ClassCoverage, type GiniStats, giniStatsOfCounts } from './distribution-checks.js';
import type { CompositionRow } from './tally.js';

/** Which predictions a report covers: prediction time in [from, to), one version or all. */
export interface PredictionFilter {
  model: string;
  from: number | null;
  to: number | null;
  version: string | null;
}

/** The report's reads: maintained tallies for whole hours, the rows themselves only at a window's partial-hour ends. */
@Injectable()
export class FeedbackRepository {
  constructor(
    private readonly db: Db,
    private readonly cells: FeedbackCellsRepository,
  ) {}

  /** Runs the reads against one snapshot (a read-only repeatable-read transaction on PostgreSQL). */
  inSnapshot<T>(fn: (reads: FeedbackReads) => Promise<T>): Promise<T> {
    return this.db.snapshot((tx) => fn(new FeedbackReads(tx, this.cells)));
  }

  /** counts.byClass from the manifest of the model's latest finished export; null when there is none. */
  async previousExportByClass(model: string): Promise<Record<string, number> | null> {
    const rows = await this.db.query<{ manifest: unknown }>(
      "SELECT manifest FROM exports WHERE model = ? AND status = 'done' ORDER BY finished_at DESC LIMIT 1",
      [model],
    );
    if (rows.length === 0) return null;
    return byClassOf(rows[0].manifest);
  }
}

export class FeedbackReads {
  private extent: Promise<Extent | null> | null = null;

  constructor(
    private readonly tx: Tx,
    private readonly cells: FeedbackCellsRepository,
  ) {}

  /**
   * The label composition (labeled predictions by exposure policy, effective source, agreement,
   * missing propensity), coverage per predicted class, and effective labels per class: the window's
   * whole hours from the feedback cells (the fewest cells that cover them, as the slice reports plan
   * it), its partial hours at either end from the rows. The cells follow the slice rollup, so the
   * label changes it has not applied yet (pending or dead-lettered) are applied here on top of them:
   * the counts are the rows' as of this snapshot, which an export's gate needs, at a cost that grows
   * with the rollup's lag, not with the log.
   */
  async labelCounts(f: PredictionFilter): Promise<LabelCounts> {
    const { hours, edges } = splitWindow(f.from, f.to);
    const rows: LabelCountRow[] = [];
    if (hours !== null) {
      this.extent ??= this.cells.dayExtent(this.tx, f.model);
      const plan = planFor(hours, await this.extent);
      rows.push(...labelCountRowsOf(await this.cells.sums(this.tx, f.model, plan, f.version)));
      rows.push(...(await this.unappliedMoves({ ...f, ...hours })));
    }
    for (const edge of edges) rows.push(...(await this.scanLabelCounts({ ...f, ...edge })));
    return labelCountsOf(rows);
  }

  /**
   * Shown exposures per logged itemId in a window, reduced to what the Gini coefficient needs (ranks
   * ascending by count). It reads the window's rows: the report asks only for windows with a start,
   * whose check compares them with the window before.
   */
  async exposureStats(f: PredictionFilter): Promise<GiniStats> {
    const { where, params } = whereOf(f);
    // The distribution of per-item counts, ranked in code: a third faster than ranking every item
    // with a window function (bench/README.md, "Issue 11, fourth pass").
    const rows = await this.tx.all<{ exposures: number | string; items: number | string }>(
      `SELECT c AS exposures, COUNT(*) AS items FROM (
         SELECT COUNT(*) AS c FROM predictions
         WHERE ${where} AND item_id IS NOT NULL AND (shown IS NULL OR shown <> 0)
         GROUP BY item_id
       ) per_item GROUP BY c`,
      params,
    );
    return giniStatsOfCounts(rows.map((r) => ({ exposures: Number(r.exposures), items: Number(r.items) })));
  }

  /**
   * The label changes of the window's predictions that the rollup has not applied to the cells, as
   * rows of -1 (the label the cells hold) and +1 (the new one), oldest first, so that one
   * prediction's several changes chain.
   */
  private async unappliedMoves(f: Omit<PredictionFilter, 'from' | 'to'> & Window): Promise<LabelCountRow[]> {
    const { where, params } = whereOf(f, 'p.');
    const changes = await this.tx.all<{
      predicted: string;
      policy: string | null;
      missing: number;
      old_label: string | null;
      old_source: string | null;
      new_label: string | null;
      new_source: string | null;
    }>(
      // The unapplied changes first, through the outbox's pending index alone (a condition on the
      // model would let SQLite read every change of the model through its other index), then their
      // predictions: MATERIALIZED keeps the planners from starting with the window's predictions.
      `WITH c AS MATERIALIZED (
         SELECT seq, model, prediction_id, old_label, old_source, new_label, new_source FROM label_changes
         WHERE processed_at IS NULL
       )
       SELECT p.prediction AS predicted, p.exposure_policy AS policy, CASE WHEN p.propensity IS NULL THEN 1 ELSE 0 END AS missing,
         c.old_label, c.old_source, c.new_label, c.new_source
       FROM c JOIN predictions p ON p.model = c.model AND p.id = c.prediction_id
       WHERE c.model = ? AND ${where} ORDER BY c.seq`,
      [f.model, ...params],
    );
    const rows: LabelCountRow[] = [];
    for (const c of changes) {
      const base = { predicted: c.predicted, policy: c.policy, missing: Number(c.missing) === 1 };
      rows.push({ ...base, label: c.old_label, source: c.old_label === null ? null : c.old_source, n: -1 });
      rows.push({ ...base, label: c.new_label, source: c.new_label === null ? null : c.new_source, n: 1 });
    }
    return rows;
  }

  /** labelCounts' grouping straight from the rows (a window's partial hours). */
  private async scanLabelCounts(f: PredictionFilter): Promise<LabelCountRow[]> {
    const { where, params } = whereOf(f);
    const rows = await this.tx.all<{
      predicted: string;
      label: string | null;
      policy: string | null;
      source: string | null;
      missing: number;
      n: number | string;
    }>(
      `SELECT prediction AS predicted, effective_label AS label, exposure_policy AS policy, effective_source AS source,
         CASE WHEN propensity IS NULL THEN 1 ELSE 0 END AS missing, COUNT(*) AS n
       FROM predictions WHERE ${where}
       GROUP BY prediction, effective_label, exposure_policy, effective_source, CASE WHEN propensity IS NULL THEN 1 ELSE 0 END`,
      params,
    );
    return rows.map((r) => ({ ...r, missing: Number(r.missing) === 1, n: Number(r.n) }));
  }
}

/**
 * A window [from, to) on prediction time as the whole hours inside it (null when it holds none) and
 * the partial hours at its ends.
 */
export function splitWindow(
  from: number | null,
  to: number | null,
): { hours: Window | null; edges: { from: number; to: number }[] } {
  const start = from === null ? null : Math.ceil(from / HOUR_MS) * HOUR_MS;
  const end = to === null ? null : Math.floor(to / HOUR_MS) * HOUR_MS;
  if (from !== null && to !== null && start! >= end!) return { hours: null, edges: from < to ? [{ from, to }] : [] };
  const edges: { from: number; to: number }[] = [];
  if (from !== null && from < start!) edges.push({ from, to: start! });
  if (to !== null && end! < to) edges.push({ from: end!, to });
  return { hours: { from: start, to: end }, edges };
}

export interface LabelCounts {
  composition: CompositionRow[];
  coverage: ClassCoverage[];
  labelsByClass: Record<string, number>;
}

export interface LabelCountRow {
  predicted: string;
  label: string | null;
  policy: string | null;
  source: string | null;
  missing: boolean;
  n: number;
}

/** The report's three label tallies from grouped rows (n may be negative: a change the cells do not hold yet). */
export function labelCountsOf(rows: readonly LabelCountRow[]): LabelCounts {
  const composition = new Map<string, CompositionRow>();
  const coverage = new Map<string, ClassCoverage>();
  const labelsByClass: Record<string, number> = {};
  for (const r of rows) {
    const cls = coverage.get(r.predicted) ?? { predicted: r.predicted, predictions: 0, labeled: 0 };
    cls.predictions += r.n;
    coverage.set(r.predicted, cls);
    if (r.label === null) continue;
    cls.labeled += r.n;
    labelsByClass[r.label] = (labelsByClass[r.label] ?? 0) + r.n;
    const agrees = r.label === r.predicted;
    const key = JSON.stringify([r.policy, r.source, agrees, r.missing]);
    const row = composition.get(key) ?? { policy: r.policy, source: r.source ?? '', agrees, missingPropensity: r.missing, n: 0 };
    row.n += r.n;
    composition.set(key, row);
  }
  // Rows of -1 (unapplied label changes) can leave sums of 0: those are not there.
  for (const [label, n] of Object.entries(labelsByClass)) if (n === 0) delete labelsByClass[label];
  return { composition: [...composition.values()].filter((c) => c.n !== 0), coverage: [...coverage.values()], labelsByClass };
}

function whereOf(f: Omit<PredictionFilter, 'from' | 'to'> & Window, prefix = ''): { where: string; params: unknown[] } {
  const parts = [`${prefix}model = ?`];
  const params: unknown[] = [f.model];
  const add = (condition: string, value: unknown) => {
    parts.push(prefix + condition);
    params.push(value);
  };
  if (f.from !== null) add('ts >= ?', f.from);
  if (f.to !== null) add('ts < ?', f.to);
  if (f.version !== null) add('model_version = ?', f.version);
  return { where: parts.join(' AND '), params };
}

function byClassOf(manifest: unknown): Record<string, number> | null {
  const parsed: unknown = typeof manifest === 'string' ? safeJson(manifest) : manifest;
  const byClass = (parsed as { counts?: { byClass?: unknown } } | null)?.counts?.byClass;
  if (typeof byClass !== 'object' || byClass === null) return null;
  return Object.fromEntries(Object.entries(byClass).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
