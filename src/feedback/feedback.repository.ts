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

  /** Labeled predictions counted by exposure policy, effective source, agreement and missing propensity. */
  async labelComposition(f: PredictionFilter): Promise<CompositionRow[]> {
    const { where, params } = whereOf(f);
    const rows = await this.read<{ policy: string | null; source: string; agrees: number; missing: number; n: number | string }>(
      `SELECT exposure_policy AS policy, effective_source AS source,
         CASE WHEN effective_label = prediction THEN 1 ELSE 0 END AS agrees,
         CASE WHEN propensity IS NULL THEN 1 ELSE 0 END AS missing,
         COUNT(*) AS n
       FROM predictions WHERE ${where} AND effective_label IS NOT NULL
       GROUP BY 1, 2, 3, 4`,
      params,
    );
    return rows.map((r) => ({
      policy: r.policy,
      source: r.source,
      agrees: Number(r.agrees) === 1,
      missingPropensity: Number(r.missing) === 1,
      n: Number(r.n),
    }));
  }

  /** Predictions and labeled predictions per predicted class. */
  async coverageByPredictedClass(f: PredictionFilter): Promise<ClassCoverage[]> {
    const { where, params } = whereOf(f);
    const rows = await this.read<{ predicted: string; predictions: number | string; labeled: number | string }>(
      `SELECT prediction AS predicted, COUNT(*) AS predictions, COUNT(effective_label) AS labeled
       FROM predictions WHERE ${where} GROUP BY prediction`,
      params,
    );
    return rows.map((r) => ({ predicted: r.predicted, predictions: Number(r.predictions), labeled: Number(r.labeled) }));
  }

  async effectiveLabelsByClass(f: PredictionFilter): Promise<Record<string, number>> {
    const { where, params } = whereOf(f);
    const rows = await this.read<{ label: string; n: number | string }>(
      `SELECT effective_label AS label, COUNT(*) AS n FROM predictions
       WHERE ${where} AND effective_label IS NOT NULL GROUP BY effective_label`,
      params,
    );
    return Object.fromEntries(rows.map((r) => [r.label, Number(r.n)]));
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
