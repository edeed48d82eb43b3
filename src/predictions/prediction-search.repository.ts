import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { jsonText } from '../database/dialect.js';
import type { LabelSource } from '../models/model-settings.js';

/** What the prediction explorer filters on; every field is optional and they combine with AND. */
export interface PredictionFilter {
  /** Slice key -> value (the prediction's stored slice values). */
  slices?: Record<string, string>;
  predicted?: string;
  /** The effective label. */
  label?: string;
  /** The effective label's source, or 'none' for predictions without an effective label. */
  source?: LabelSource | 'none';
  /** Only predictions whose effective label differs from the prediction. */
  disagree?: boolean;
  /** Prediction time, epoch ms: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  version?: string;
}

/** Where a page ends: the (ts, id) of its last row, newest first. */
export interface PredictionCursor {
  ts: number;
  id: string;
}

export interface PredictionListRow {
  id: string;
  modelVersion: string;
  ts: number;
  prediction: string;
  slices: Record<string, string>;
  leastConfidence: number;
  effectiveLabel: string | null;
  effectiveSource: LabelSource | null;
}

interface RawRow {
  id: string;
  model_version: string;
  ts: number | string;
  prediction: string;
  slices: string;
  least_confidence: number;
  effective_label: string | null;
  effective_source: LabelSource | null;
}

/** Reads of the prediction log for the explorer and the home page (the log's writes stay in PredictionsRepository). */
@Injectable()
export class PredictionSearchRepository {
  constructor(private readonly db: Db) {}

  /** Up to `limit` predictions matching the filter, newest first, after the cursor (keyset pagination). */
  async search(
    model: string,
    filter: PredictionFilter,
    after: PredictionCursor | null,
    limit: number,
  ): Promise<PredictionListRow[]> {
    const where: string[] = ['model = ?'];
    const params: unknown[] = [model];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (filter.version !== undefined) add('model_version = ?', filter.version);
    if (filter.predicted !== undefined) add('prediction = ?', filter.predicted);
    if (filter.label !== undefined) add('effective_label = ?', filter.label);
    if (filter.source === 'none') add('effective_label IS NULL');
    else if (filter.source !== undefined) add('effective_source = ?', filter.source);
    if (filter.disagree) add('effective_label IS NOT NULL AND effective_label <> prediction');
    if (filter.from !== undefined) add('ts >= ?', filter.from);
    if (filter.to !== undefined) add('ts < ?', filter.to);
    for (const [key, value] of Object.entries(filter.slices ?? {})) {
      const extract = jsonText(this.db, 'slices', key);
      add(`${extract.sql} = ?`, ...extract.params, value);
    }
    if (after) add('(ts < ? OR (ts = ? AND id < ?))', after.ts, after.ts, after.id);
    const rows = await this.db.query<RawRow>(
      `SELECT id, model_version, ts, prediction, slices, least_confidence, effective_label, effective_source
       FROM predictions WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ?`,
      [...params, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      modelVersion: r.model_version,
      ts: Number(r.ts),
      prediction: r.prediction,
      slices: JSON.parse(r.slices) as Record<string, string>,
      leastConfidence: r.least_confidence,
      effectiveLabel: r.effective_label,
      effectiveSource: r.effective_source,
    }));
  }
}
