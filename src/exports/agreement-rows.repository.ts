import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { placeholders } from '../database/sql.js';
import type { LabelOfPrediction } from './agreement-cells.js';

export interface AgreementWindow {
  model: string;
  from: number | null;
  to: number | null;
  versions: string[];
}

/**
 * Every label of the model's predictions that carry a human label, in the window. A scan of the
 * model's labels: only export jobs (and, until the maintained quality tallies are wired, the report) read it.
 */
@Injectable()
export class AgreementRowsRepository {
  constructor(private readonly db: Db) {}

  async labelsOfHumanLabeled(w: AgreementWindow): Promise<LabelOfPrediction[]> {
    const clauses = ['l.model = ?'];
    const params: unknown[] = [w.model];
    if (w.from !== null) {
      clauses.push('p.ts >= ?');
      params.push(w.from);
    }
    if (w.to !== null) {
      clauses.push('p.ts < ?');
      params.push(w.to);
    }
    if (w.versions.length > 0) {
      clauses.push(`p.model_version IN (${placeholders(w.versions.length)})`);
      params.push(...w.versions);
    }
    const rows = await this.db.query<{ id: string; source: string; label: string; updated_at: number | string; slices: string }>(
      `SELECT l.prediction_id AS id, l.source, l.label, l.updated_at, p.slices FROM labels l
       JOIN predictions p ON p.model = l.model AND p.id = l.prediction_id
       WHERE ${clauses.join(' AND ')} AND EXISTS (SELECT 1 FROM labels h WHERE h.model = l.model
         AND h.prediction_id = l.prediction_id AND h.source IN ('manual', 'audit'))`,
      params,
    );
    return rows.map((r) => ({
      predictionId: r.id,
      source: r.source,
      label: r.label,
      updatedAt: Number(r.updated_at),
      slices: JSON.parse(r.slices) as Record<string, string>,
    }));
  }
}
