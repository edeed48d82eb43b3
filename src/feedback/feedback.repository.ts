import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import type { ClassCoverage, GiniStats } from './distribution-checks.js';
import type { CompositionRow } from './tally.js';

/** Which predictions a report covers: prediction time in [from, to), one version or all. */
export interface PredictionFilter {
  model: string;
  from: number | null;
  to: number | null;
  version: string | null;
}

type Read = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** The report's reads; every one aggregates in the database. */
@Injectable()
export class FeedbackRepository {
  constructor(private readonly db: Db) {}

  /** Runs the reads against one snapshot (a read-only repeatable-read transaction on PostgreSQL). */
  inSnapshot<T>(fn: (reads: FeedbackReads) => Promise<T>): Promise<T> {
    return this.db.snapshot((tx) => fn(new FeedbackReads((sql, params) => tx.all(sql, params))));
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
  constructor(private readonly read: Read) {}

  /**
   * One pass over the window's predictions, grouped by everything the report counts: the label
   * composition (labeled predictions by exposure policy, effective source, agreement, missing
   * propensity), coverage per predicted class, and effective labels per class. (Three GROUP BYs
   * before; bench:reads showed each scan's cost growing with the log.)
   */
  async labelCounts(f: PredictionFilter): Promise<LabelCounts> {
    const { where, params } = whereOf(f);
    const rows = await this.read<{
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
    return labelCountsOf(rows.map((r) => ({ ...r, missing: Number(r.missing) === 1, n: Number(r.n) })));
  }

  /** Shown exposures per logged itemId, reduced to what the Gini coefficient needs (ranks ascending by count). */
  async exposureStats(f: PredictionFilter): Promise<GiniStats> {
    const { where, params } = whereOf(f);
    const rows = await this.read<{ items: number | string; total: number | string | null; weighted: number | string | null }>(
      `SELECT COUNT(*) AS items, SUM(c) AS total, SUM(rk * c) AS weighted FROM (
         SELECT c, ROW_NUMBER() OVER (ORDER BY c) AS rk FROM (
           SELECT COUNT(*) AS c FROM predictions
           WHERE ${where} AND item_id IS NOT NULL AND (shown IS NULL OR shown <> 0)
           GROUP BY item_id
         ) per_item
       ) ranked`,
      params,
    );
    const r = rows[0];
    return { items: Number(r.items), total: Number(r.total ?? 0), rankWeighted: Number(r.weighted ?? 0) };
  }
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

/** The report's three label tallies from the grouped rows of one pass. */
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
  return { composition: [...composition.values()], coverage: [...coverage.values()], labelsByClass };
}

function whereOf(f: PredictionFilter): { where: string; params: unknown[] } {
  const parts = ['model = ?'];
  const params: unknown[] = [f.model];
  const add = (condition: string, value: unknown) => {
    parts.push(condition);
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
