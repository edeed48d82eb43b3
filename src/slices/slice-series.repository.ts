import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';

/** What slices reads besides the rollup cells' tallies: the model versions that have labels. */
@Injectable()
export class SliceSeriesRepository {
  constructor(private readonly db: Db) {}

  /** The model versions that have labels, from the all-time rollup cells (a prefix of their primary key). */
  async versions(model: string): Promise<string[]> {
    const sql =
      "SELECT DISTINCT model_version FROM slice_cells WHERE model = ? AND grain = 'all' AND bucket = 0 ORDER BY model_version";
    const rows = await this.db.query<{ model_version: string }>(sql, [model]);
    return rows.map((r) => r.model_version);
  }
}
